//! Small stopword lists of a few major languages. A page is judged against the list that
//! matches it best, so prose in any of them reads as prose; other languages fall back to
//! length-only judgement (see `classify`).
//!
//! The lists are short on purpose: the 100-odd most frequent function words carry nearly
//! all of the signal jusText gets from its much longer lists, and they stay cheap to embed.

pub const LANGS: [&str; 7] = ["en", "de", "fr", "es", "it", "pt", "nl"];
pub const NLANGS: usize = LANGS.len();

const EN: &str = "a about above after again against all also am an and any are as at be because been \
before being below between both but by can could did do does doing down during each few for from \
further had has have having he her here hers him his how i if in into is it its itself just me more \
most my no nor not now of off on once only or other our ours out over own same she should so some \
such than that the their them then there these they this those through to too under until up very \
was we were what when where which while who whom why will with would you your yours said says may \
might must shall us one many much";

const DE: &str = "aber alle allem allen aller alles als also am an ander andere anderen auch auf aus \
bei bin bis bist da damit dann das dass dem den denn der des dich die dies diese diesem diesen dieser \
dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch für gegen gewesen hab \
habe haben hat hatte hier hin hinter ich ihm ihn ihr ihre im in indem ins ist jede jedem jeden jeder \
jetzt kann kein keine können man manche mein mich mir mit muss nach nicht nichts noch nun nur ob oder \
ohne sehr sein seine sich sie sind so solche soll sondern sonst über um und uns unser unter vom von \
vor war waren warum was weil welche wenn werden wie wieder will wir wird wo wurde würde zu zum zur zwischen";

const FR: &str = "au aux avec ce ces cette dans de des du elle elles en est et eux il ils je la le les \
leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses \
son sont sur ta te tes toi ton tu un une vos votre vous été être avoir ont était sans aussi comme plus \
très tout tous toutes cela ceci dont entre alors donc car si peut faire fait après avant depuis encore \
ainsi leurs celui celle ceux y";

const ES: &str = "a al algo algunos ante antes como con contra cual cuando de del desde donde durante e \
el ella ellas ellos en entre era es esa esas ese eso esos esta estaba estado estas este esto estos fue \
fueron ha hay han hasta la las le les lo los más me mi mis mucho muy nada ni no nos nosotros o os otra \
otro para pero poco por porque que quien se ser si sin sobre su sus también tanto te tiene todo todos \
tu un una uno unos y ya yo sido puede hace según cada";

const IT: &str = "a ad al alla alle anche avere che chi ci come con cosa da dai dal dalla dalle degli \
dei del della delle di dove e ed era erano essere gli ha hanno ho i il in io la le lei lo loro lui ma \
mi mio ne nei nel nella nelle noi non nostro o per perché più poi quale quando quanto quella quelle \
quello questa queste questo se sei si sia siamo sono su sua sue sui sul sulla suo suoi tra tu tutti \
tutto un una uno vi voi è anche stato stata molto";

const PT: &str = "a ao aos as até com como da das de dela dele deles depois do dos e ela elas ele eles \
em entre era essa esse esta este eu foi foram há isso isto já lhe mais mas me mesmo meu minha muito na \
nas nem no nos nós o os ou para pela pelas pelo pelos por qual quando que quem se sem ser seu seus só \
sua suas também te tem tinha um uma você é são está estão pode ainda sobre onde";

const NL: &str = "aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door \
dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik \
in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat \
ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie \
wil worden wordt zal ze zelf zich zij zijn zo zonder zou";

const LISTS: [&str; NLANGS] = [EN, DE, FR, ES, IT, PT, NL];

/// Word -> bit mask of the languages whose list holds it.
///
/// Looked up once per word of every page, so rather than a `HashMap<&str, _>` (hashing
/// the bytes, then comparing strings) it is an open-addressing table keyed by the word's
/// bytes packed into a `u64`: no list word is longer than eight bytes, and a longer word
/// is no stopword without a lookup.
pub struct Stopwords {
    slots: Box<[Slot; SLOTS]>,
}

/// A word packed little-endian and zero-padded into `key`, with its length (so that no
/// padding ever matches a NUL); `len` 0 is an empty slot.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    len: u8,
    mask: u8,
}

/// Over three times the number of words (about 630), for short probe runs.
const SLOTS: usize = 2048;
/// The longest word the table can hold, in bytes.
const MAX_LEN: usize = 8;

/// A word of at most `MAX_LEN` bytes as a table key: its bytes little-endian,
/// zero-padded.
fn pack(word: &[u8]) -> u64 {
    word.iter().rev().fold(0, |k, &b| k << 8 | u64::from(b))
}

fn slot_of(key: u64, len: usize) -> usize {
    let p = u128::from(key ^ len as u64) * 0x9e37_79b9_7f4a_7c15;
    (p as u64 ^ (p >> 64) as u64) as usize & (SLOTS - 1)
}

impl Stopwords {
    // Slot indices are masked with `SLOTS - 1` on a table of `SLOTS` slots.
    #[allow(clippy::indexing_slicing)]
    pub fn new() -> Self {
        let mut slots = Box::new([Slot::default(); SLOTS]);
        for (i, list) in LISTS.iter().enumerate() {
            for w in list.split_whitespace() {
                assert!(w.len() <= MAX_LEN, "stopword {w:?} is over {MAX_LEN} bytes");
                let key = pack(w.as_bytes());
                let mut at = slot_of(key, w.len());
                while slots[at].len != 0
                    && (slots[at].key, usize::from(slots[at].len)) != (key, w.len())
                {
                    at = (at + 1) & (SLOTS - 1);
                }
                let slot = &mut slots[at];
                (slot.key, slot.len) = (key, w.len() as u8);
                slot.mask |= 1 << i;
            }
        }
        Stopwords { slots }
    }

    /// The languages (bit mask) listing `lower`, an already lowercased word.
    pub fn mask(&self, lower: &[u8]) -> u8 {
        if lower.len() > MAX_LEN {
            return 0;
        }
        self.mask_packed(pack(lower), lower.len())
    }

    /// `mask` of a word of `len` bytes whose first eight bytes, zero-padded, are `key`
    /// (as a little-endian `u64`): a caller with the word in a zeroed buffer saves the
    /// packing.
    #[inline]
    // Slot indices are masked with `SLOTS - 1` on a table of `SLOTS` slots.
    #[allow(clippy::indexing_slicing)]
    pub fn mask_packed(&self, key: u64, len: usize) -> u8 {
        if len > MAX_LEN {
            return 0;
        }
        let mut at = slot_of(key, len);
        loop {
            let slot = &self.slots[at];
            if slot.len == 0 {
                return 0;
            }
            if slot.key == key && usize::from(slot.len) == len {
                return slot.mask;
            }
            at = (at + 1) & (SLOTS - 1);
        }
    }
}

impl Default for Stopwords {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase_and_distinct_per_language() {
        let s = Stopwords::new();
        assert_eq!(s.mask(b"the"), 1);
        assert!(s.mask(b"und") & 2 != 0);
        assert!(s.mask(b"de") & (4 | 8 | 32 | 64) != 0);
        assert_eq!(s.mask(b"Istanbul"), 0);
        assert_eq!(s.mask(b"th"), 0);
        assert_eq!(s.mask(b"the\0"), 0);
        assert_eq!(s.mask("für".as_bytes()), 2);
        for (i, list) in LISTS.iter().enumerate() {
            for w in list.split_whitespace() {
                assert!(s.mask(w.as_bytes()) & 1 << i != 0, "{w}");
            }
        }
        let n = s.slots.iter().filter(|s| s.len > 0).count();
        assert!(n * 3 < SLOTS, "{n} words: make the table larger");
        for list in LISTS {
            assert!(list.split_whitespace().all(|w| w == w.to_lowercase()));
        }
    }
}
