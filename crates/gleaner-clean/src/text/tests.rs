//! Seed expectations and the cleaner's properties: no panics, determinism, idempotence.

use super::*;
use crate::builtin_rules;
use crate::document::BlockKind;
use proptest::prelude::*;

const SEEDS: [&str; 5] = [
    include_str!("../../../../tests/fixtures/seeds/000_a8d5f339bfa87f12.txt"),
    include_str!("../../../../tests/fixtures/seeds/001_e354e611adafdd87.txt"),
    include_str!("../../../../tests/fixtures/seeds/002_25256884aafe3ea5.txt"),
    include_str!("../../../../tests/fixtures/seeds/003_b813a9d70c3b9a9d.txt"),
    include_str!("../../../../tests/fixtures/seeds/004_4eec89b09e86789f.txt"),
];

fn cleaner() -> TextCleaner {
    TextCleaner::new(
        &TextOptions::default(),
        Rules::compile(&builtin_rules()).unwrap(),
    )
}

fn texts(out: &TextOutput) -> Vec<&str> {
    out.blocks.iter().map(|b| b.text.as_str()).collect()
}

/// Blocks joined the way `Document::text` joins them.
fn joined(out: &TextOutput) -> String {
    texts(out).join("\n\n")
}

#[test]
fn seeds_lose_every_furniture_line() {
    const FURNITURE: &[&str] = &[
        "Sunday, July 27, 2025",
        "Wednesday, December 10, 2025",
        "spot_img",
        "spot_imgspot_img",
        "LATEST",
        "Related Posts",
        "Popular Articles",
        "Recent Comments",
        "RELATED ARTICLES",
        "LEAVE A REPLY",
        "Please enter your comment!",
        "Please enter your name here",
        "Most Popular",
        "Scroll to Top",
        "newshub finance",
        "Go deeper",
        "More on these topics",
        "-",
    ];
    let c = cleaner();
    for seed in SEEDS {
        let out = c.clean(seed, None);
        for b in texts(&out) {
            assert!(!FURNITURE.contains(&b), "kept {b:?}");
            assert!(!b.starts_with("HomeWorld"), "kept the breadcrumb {b:?}");
            assert!(
                !b.contains("Turkologist") && !b.contains("6th and current president"),
                "kept a topic blurb {b:?}"
            );
        }
    }
}

#[test]
fn seeds_keep_every_paragraph_and_subheading() {
    let c = cleaner();
    for (n, seed) in SEEDS.iter().enumerate() {
        let out = c.clean(seed, None);
        let kept = texts(&out);
        let blurbs = n == 0; // seed 000's topic widget: long lines that are furniture
        for line in seed.lines().map(str::trim).filter(|l| l.len() > 120) {
            if blurbs && seed.find(line) > seed.find("More on these topics") {
                continue;
            }
            assert!(kept.contains(&line), "seed {n} lost {line:?}");
        }
    }
    let all: Vec<String> = SEEDS
        .iter()
        .flat_map(|s| c.clean(s, None).blocks.into_iter().map(|b| b.text))
        .collect();
    for h in [
        "What's happened",
        "What's behind the headline?",
        "What the papers say",
        "How we got here",
        "Progress Unlikely, Analysts Say",
        "Talks as a Performance for Washington?",
        "Humanitarian Progress Amidst Stalemate",
        "Shortest Talks Yet and Diverging Views on Summit",
    ] {
        assert!(all.iter().any(|b| b == h), "lost subheading {h:?}");
    }
}

#[test]
fn seed_headlines_are_titles() {
    let c = cleaner();
    let title = |n: usize| c.clean(SEEDS[n], None).title;
    assert_eq!(
        title(1).as_deref(),
        Some(
            "Ukraine and Russia Set for Another Round of Talks in Istanbul — But Hopes Remain Low"
        )
    );
    assert_eq!(
        title(3).as_deref(),
        Some("Russia-Ukraine talks end quickly with no progress")
    );
    assert_eq!(
        title(4).as_deref(),
        Some("Russia And Ukraine Make Scant Progress On Ceasefire, Leaders’ Meeting In Brief Istanbul Peace Talks")
    );
    let out = c.clean(SEEDS[4], None);
    assert_eq!(out.blocks[0].kind, BlockKind::Heading { level: 1 });
    let sub = out
        .blocks
        .iter()
        .find(|b| b.text.starts_with("Humanitarian"));
    assert_eq!(sub.unwrap().kind, BlockKind::Heading { level: 2 });
}

#[test]
fn seeds_are_idempotent() {
    let c = cleaner();
    for seed in SEEDS {
        let once = c.clean(seed, None);
        assert_eq!(c.clean(&joined(&once), None).blocks, once.blocks);
    }
}

#[test]
fn a_line_held_twice_is_kept_once() {
    let p = "The committee met on Tuesday and, after a long debate about the budget, it \
             decided that the new library would be built in the old market square.";
    let q = "The council will vote on the plan next month, and the mayor said that she \
             expected the building work to start before the end of the coming year.";
    let c = cleaner();
    let out = c.clean(&format!("{p}\n{q}\n{p}\n"), None);
    let texts: Vec<&str> = out.blocks.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts, [p, q]);
    assert_eq!(c.clean(&joined(&out), None).blocks, out.blocks);
}

#[test]
fn template_lines_are_dropped() {
    let mut learner = template::TemplateLearner::new(2, 0.5);
    for _ in 0..3 {
        learner
            .observe("Daily reports from the town hall and the council chamber, every weekday\n");
    }
    let t = learner.finish();
    // Two different paragraphs: a page holding one twice keeps it once.
    let page = format!(
        "{p}\nDaily reports from the town hall and the council chamber, every weekday\n{q}\n",
        p = "The committee met on Tuesday and, after a long debate about the budget, it \
             decided that the new library would be built in the old market square.",
        q = "The council will vote on the plan next month, and the mayor said that she \
             expected the building work to start before the end of the coming year."
    );
    let c = cleaner();
    assert_eq!(c.clean(&page, None).blocks.len(), 3);
    assert_eq!(c.clean(&page, Some(&t)).blocks.len(), 2);
    let off = TextCleaner::new(
        &TextOptions {
            templates: false,
            ..TextOptions::default()
        },
        Rules::default(),
    );
    assert_eq!(off.clean(&page, Some(&t)).blocks.len(), 3);
}

#[test]
fn other_languages_read_as_prose() {
    let de = "Menü\nStartseite\nDie Bundesregierung hat am Mittwoch beschlossen, dass die neue \
              Regelung ab dem nächsten Jahr gilt, und sie will damit vor allem kleine Betriebe \
              entlasten, die unter den hohen Kosten leiden.\nImpressum\n";
    let out = cleaner().clean(de, None);
    let kept = texts(&out);
    // "Startseite" right above the prose could be its heading; the menu and footer go.
    assert!(
        !kept.contains(&"Menü") && !kept.contains(&"Impressum"),
        "{kept:?}"
    );
    assert!(kept.last().unwrap().starts_with("Die Bundesregierung"));
}

#[test]
fn options_parse_with_defaults() {
    let o: TextOptions = toml::from_str("length_low = 50").unwrap();
    assert_eq!(o.length_low, 50);
    assert_eq!(o.length_high, TextOptions::default().length_high);
    assert!(toml::from_str::<TextOptions>("no_such_option = 1").is_err());
}

/// Pages made of lines likely to exercise every class: prose, headings, menu items,
/// separators, rule hits, repeats and odd Unicode.
fn page() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("The committee met on Tuesday and it decided that the new library would be built in the old square, as many had hoped.".to_string()),
        Just("What the papers say".to_string()),
        Just("Home".to_string()),
        Just("-".to_string()),
        Just("spot_img".to_string()),
        Just("Read more...".to_string()),
        Just("Lea también: Impiden ingreso a Nicaragua a reportero".to_string()),
        Just("Weitere Artikel".to_string()),
        Just("Anzeige".to_string()),
        Just("2 Kommentare".to_string()),
        Just("Ein Kippmoment in der Menge. Foto: Jane Doe".to_string()),
        Just("HomeNewsWorld The committee met...".to_string()),
        Just("© 2025 Example".to_string()),
        Just("and so the committee decided that the new library would be built in".to_string()),
        Just("the old square, as many of the town's residents had hoped".to_string()),
        Just(String::new()),
        "[a-zA-Z .,!?'\\-]{0,160}",
        "\\PC{0,40}",
        any::<String>(),
    ];
    prop::collection::vec(line, 0..30).prop_map(|ls| ls.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_and_is_deterministic(text in page()) {
        let c = cleaner();
        let a = c.clean(&text, None);
        prop_assert_eq!(&a, &c.clean(&text, None));
    }

    #[test]
    fn cleaning_clean_text_changes_nothing(text in page()) {
        let c = cleaner();
        let once = c.clean(&text, None);
        let twice = c.clean(&joined(&once), None);
        prop_assert_eq!(twice.blocks, once.blocks);
    }

    #[test]
    fn blocks_are_trimmed_nonempty_input_lines(text in page()) {
        let out = cleaner().clean(&text, None);
        for b in &out.blocks {
            prop_assert!(!b.text.is_empty() && b.text.trim() == b.text);
            prop_assert!(text.lines().any(|l| l.trim() == b.text));
        }
    }
}

#[test]
fn item_grids_without_prose_are_kept() {
    let mut page = String::from("Home\nShop\nAbout us\nContact\nSign in\nCart\nMen's T-Shirts\n");
    for (name, price) in [
        ("Running Graphic T-Shirt", 36),
        ("Geo Seamless T-Shirt", 38),
        ("Arrival Block T-Shirt", 24),
        ("Vital Seamless T-Shirt", 30),
        ("Crest Long Sleeve T-Shirt", 26),
    ] {
        page.push_str(&format!("{name}\nslim fit\nRegular Price: ${price}\n"));
    }
    page.push_str("Privacy policy\nTerms of use\n");
    let out = cleaner().clean(&page, None);
    let kept = texts(&out);
    assert!(kept.contains(&"Geo Seamless T-Shirt"), "{kept:?}");
    assert!(kept.contains(&"Regular Price: $26"), "{kept:?}");
    assert!(!kept.contains(&"Sign in"), "{kept:?}");
    let off = TextCleaner::new(
        &TextOptions {
            item_weight: -1.0,
            ..TextOptions::default()
        },
        Rules::compile(&builtin_rules()).unwrap(),
    );
    let out = off.clean(&page, None);
    assert!(!texts(&out).contains(&"Geo Seamless T-Shirt"));
}

#[test]
fn carousel_captions_go_but_doubled_text_stays() {
    let caption = "The case in black, shown on a phone with three rear cameras against white";
    let prose = "The committee met on Tuesday and, after a long debate about the budget, it \
                 decided that the new library would be built in the old market square.";
    let page = format!("{caption}\n{caption}\n{caption}\n{prose}\n{prose}\n");
    let kept = texts(&cleaner().clean(&page, None)).join("\n");
    assert!(!kept.contains(caption), "{kept:?}");
    assert!(kept.contains(prose), "{kept:?}");
}

#[test]
fn hard_wrapped_prose_is_kept() {
    // A page whose HTML source wraps its paragraphs: no line is long enough to be judged
    // on its own.
    let page = "Jane Doe\nPosts\nRSS\nContact\nBackup Strategy\nJanuary 22nd, 2019\n\
        After reading a post from someone who nearly lost all\n\
        of their data to a failure of both disks at once, I\n\
        decided to think through how I keep mine and what would\n\
        happen if the worst came to the worst in my own home.\n\
        Most of my things live in the cloud, where I trust that\n\
        they are kept safe by people who are paid to do it, and\n\
        who are better at it than me. The next biggest place is\n\
        the server that runs my site, which I back up to my\n\
        laptop every day with a small script that copies each\n\
        of the sites and the rest of my home directory there.\n\
        Older posts\nNewer posts\n";
    let kept = texts(&cleaner().clean(page, None)).join("\n");
    assert!(kept.contains("of their data to a failure"), "{kept:?}");
    assert!(kept.contains("of the sites and the rest"), "{kept:?}");
    assert!(!kept.contains("Contact"), "{kept:?}");
    // Lower-case items of a list are not a wrapped paragraph.
    let swatches = "Colour options available for this watch strap today\nblack mix\nshades mix\n\
        dark mix\nmidnight navy\n";
    let out = cleaner().clean(&format!("{swatches}{page}"), None);
    assert!(!texts(&out).contains(&"midnight navy"), "{:?}", texts(&out));
}

#[test]
fn counted_comments_after_a_whole_article_go() {
    // Distinct lines: the page's repeats would be dropped as such.
    const WORDS: [&str; 12] = [
        "library", "budget", "square", "council", "market", "river", "school", "bridge", "museum",
        "station", "harbour", "theatre",
    ];
    let mut page = String::from("Home\nNews\nThe library will be built\n");
    for w in WORDS {
        page.push_str(&format!(
            "The committee met on Tuesday and, after a long debate about the {w}, it \
             decided that the new {w} would be built in the old part of the town.\n"
        ));
    }
    page.push_str("40 Comments\n");
    for (n, (a, b)) in WORDS
        .iter()
        .flat_map(|a| WORDS.map(|b| (a, b)))
        .take(40)
        .enumerate()
    {
        page.push_str(&format!(
            "Reader {n} says\nMarch {}, 2024 at 3:53 pm\nI have lived here for forty years \
             and I think that the {a} should have been built next to the {b} long ago.\nReply\n",
            n % 28 + 1
        ));
    }
    let kept = texts(&cleaner().clean(&page, None)).join("\n");
    assert!(kept.contains("decided that the new library"), "{kept:?}");
    assert!(!kept.contains("forty years"), "{kept:?}");
}

/// Lines of a Spanish news page from the trafilatura dev set (Apache-2.0): inline
/// cross-links between the paragraphs, an ad label, a captioned photo credit, and the
/// related-news heading with its teasers after the article.
#[test]
fn labels_in_other_languages_go() {
    let page = "Economía\n\
        Nicaragua cerró 2021 con deuda externa de 14.372,4 millones de dólares\n\
        Nicaragua cerró 2021 con una deuda externa total de 14.372,4 millones de dólares, lo que equivale al 102,6 % del producto interior bruto, informó este martes el Banco Central.\n\
        Lea también: Impiden ingreso a Nicaragua a reportero y camarógrafo estadounidense\n\
        La deuda externa total aumentó en 884,3 millones de dólares respecto a 2020, debido al aumento de la deuda externa pública y de la deuda del sector privado, según el informe.\n\
        Publicidad\n\
        El Banco Central, en la capital, durante la presentación del informe. (Foto: Archivo EFE)\n\
        Los desembolsos en 2021 fueron de 2.662,7 millones de dólares, de los cuales la mitad provino de acreedores privados y el resto de acreedores oficiales, detalló la autoridad.\n\
        Del total del servicio pagado, la mayor parte correspondió al sector privado, y el resto al sector público, según el informe que publicó el banco este martes por la tarde.\n\
        Noticias relacionadas\n\
        El petróleo de Texas baja un 1,7 % y se sitúa en 102,07 dólares, su nivel más bajo de las últimas semanas según los operadores.\n\
        Régimen anuncia que no habrá alza en combustibles cuando el petróleo baja en los mercados internacionales.\n\
        © 2022 Noticias\n";
    let out = cleaner().clean(page, None);
    let kept = texts(&out);
    for gone in [
        "Lea también: Impiden ingreso a Nicaragua a reportero y camarógrafo estadounidense",
        "Publicidad",
        "El Banco Central, en la capital, durante la presentación del informe. (Foto: Archivo EFE)",
        "Noticias relacionadas",
    ] {
        assert!(!kept.contains(&gone), "kept {gone:?}: {kept:?}");
    }
    assert!(
        kept.iter().all(|l| !l.starts_with("El petróleo")),
        "{kept:?}"
    );
    assert_eq!(kept.iter().filter(|l| l.len() > 120).count(), 4, "{kept:?}");
    assert_eq!(joined(&cleaner().clean(&joined(&out), None)), joined(&out));
}

/// A German blog post: its comments heading ends it, in German as in English.
#[test]
fn counted_comments_in_other_languages_end_the_article() {
    let comment = "Das ist ja eine tolle Idee, das werde ich mit meinen Kindern am \
        Wochenende auch einmal ausprobieren, vielen Dank für die Anleitung!";
    let mut page = String::from("Startseite\nMinions mit Schablonen malen\n");
    for thing in [
        "Schablonen",
        "Malerrollen",
        "Farben",
        "Pinsel",
        "Leinwände",
        "Stifte",
    ] {
        page.push_str(&format!(
            "Wir haben die {thing} mit den Kindern im Garten ausprobiert, und das Ergebnis \
             hat uns alle überrascht, weil es so einfach war und so viel Spaß gemacht hat.\n"
        ));
    }
    page.push_str("2 Kommentare\n");
    for name in ["Anna", "Ben"] {
        page.push_str(&format!("{name}\n{comment} {name}\n"));
    }
    let out = cleaner().clean(&page, None);
    let kept = texts(&out);
    assert!(!kept.contains(&"2 Kommentare"), "{kept:?}");
    assert!(
        kept.iter().all(|l| !l.starts_with("Das ist ja")),
        "{kept:?}"
    );
    assert!(kept.iter().any(|l| l.starts_with("Wir haben")), "{kept:?}");
}

/// The text dump of a trafilatura dev page (Apache-2.0, infosperber.ch): after the
/// article come a share bar, a dossier's blurb, a poll, a donation call and lists of
/// headlines with one-line blurbs. The blurbs read like prose, but they stand apart
/// from the article, in islands too small to be part of it.
const INFOSPERBER: &str = include_str!("testdata/infosperber_madagaskar.txt");

#[test]
fn prose_islands_after_the_article_go() {
    let out = cleaner().clean(INFOSPERBER, None);
    let kept = joined(&out);
    for keep in [
        "Madagaskar ist das einzige Land der Erde, das seit 60 Jahren",
        "Hassliebe zu Frankreich",
        "Mehr Informationen zu den bevorstehenden Wahlen in Madagaskar",
    ] {
        assert!(kept.contains(keep), "lost {keep:?}");
    }
    for drop in [
        "Die Industriestaaten profitieren von Hungerlöhnen",
        "Exxon und Chevron",
        "SEIT 10 TAGEN AM MEISTEN GELESEN",
        "Stoltenberg räumt ein",
        "Künstliche Intelligenz wird als technologische Revolution gefeiert",
        "Wird das Heizen teurer?",
    ] {
        assert!(!kept.contains(drop), "kept {drop:?}");
    }
    // With islands off, the region runs on through the blurbs.
    let off = TextCleaner::new(
        &TextOptions {
            island_gap: 0,
            ..TextOptions::default()
        },
        Rules::compile(&builtin_rules()).unwrap(),
    );
    assert!(joined(&off.clean(INFOSPERBER, None)).contains("Exxon und Chevron"));
}

#[test]
fn a_bio_apart_from_the_article_goes_but_a_caption_between_sections_stays() {
    let para = |topic: &str| {
        format!(
            "The council said on Tuesday that the plan for {topic} would go ahead after a \
             long debate, and that the work would start in the spring if the weather allows \
             it, which most of the members thought was likely given the last few years."
        )
    };
    let mut page = String::from("Home\nNews\nSport\nWeather\nThe council's plans\n");
    for t in ["the library", "the bridge", "the school"] {
        page.push_str(&para(t));
        page.push('\n');
    }
    // A photo between two sections: its caption is prose, in an island of its own.
    page.push_str("Photo\nEnlarge\nShare\nThe old bridge, seen from the river in the winter of 1990.\nPhoto\nEnlarge\nShare\n");
    for t in [
        "the market",
        "the park",
        "the pool",
        "the museum",
        "the theatre",
        "the station",
    ] {
        page.push_str(&para(t));
        page.push('\n');
    }
    page.push_str("Share\nTweet\nEmail\nPrint\nJane Doe\n");
    let bio =
        "Jane Doe has written about the city and its council for the paper since 2004, and she \
               lives in the old town with her two cats.";
    page.push_str(bio);
    page.push_str("\nPrivacy\nContact\n");
    let kept = joined(&cleaner().clean(&page, None));
    assert!(kept.contains("the plan for the station"), "{kept}");
    assert!(
        kept.contains("The old bridge, seen from the river"),
        "{kept}"
    );
    assert!(!kept.contains(bio), "{kept}");
}
