//! When the page was published, and when it was last changed, kept apart.
//!
//! In the spirit of htmldate: what the page declares for machines first (JSON-LD
//! `datePublished`, `article:published_time` and its kin, microdata, `<time datetime>`),
//! then what it shows readers next to its headline, then the date in its URL. A date in
//! navigation, a sidebar, a comment or the site's header (a "today" widget) is never
//! taken, nor one in a line labelled as an update when a published one is at hand.

use chrono::NaiveDate;

use super::collect::Stamp;
use super::cues::Label;
use super::dates::{find_date, parse_value, url_day, Order};
use super::jsonld;
use super::place::{Place, DATEISH, TIME};
use super::Sources;

/// `<meta>` keys that give the publication date, best first.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "published-date",
    "release_date",
    "citation_publication_date",
    "citation_date",
];

/// `<meta>` keys that give the last modification.
const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
    "dc.date.modified",
];

/// How far before the headline (bytes of text) a shown date is taken.
const BEFORE_HEADLINE: usize = 400;
/// How far after it.
const AFTER_HEADLINE: usize = 1500;
/// The longest line taken for a line that is only a date.
const DATE_LINE: usize = 40;

pub(super) struct Dates {
    pub published: Option<NaiveDate>,
    pub modified: Option<NaiveDate>,
}

impl Sources<'_> {
    fn ld_date(&self, key: &str) -> Option<NaiveDate> {
        let v = self.main.and_then(|o| jsonld::text(o.get(key), "@value"))?;
        parse_value(&v, self.order)
    }

    fn meta_date(&self, keys: &[&str]) -> Option<NaiveDate> {
        keys.iter().find_map(|k| {
            self.found
                .metas
                .iter()
                .filter(|(mk, _)| mk == k)
                .find_map(|(_, v)| parse_value(v, self.order))
        })
    }

    /// A `<meta>` whose name says it dates the publication though it is in no list
    /// ("cludo:date", "article_date_original"): read after everything else.
    fn any_meta_date(&self) -> Option<NaiveDate> {
        self.found.metas.iter().find_map(|(k, v)| {
            let dated = k.ends_with("date") || k.contains("publish") || k.contains("pubdate");
            let other = [
                "modif", "updat", "revis", "expir", "valid", "review", "start", "end", "event",
                "birth",
            ]
            .iter()
            .any(|w| k.contains(w));
            if dated && !other {
                parse_value(v, self.order)
            } else {
                None
            }
        })
    }

    /// A stamp that is a date of this page: not in navigation, sidebars, comments or the
    /// site's header, and near the headline (or, on a page without one, in the article
    /// or in an element named for a date).
    fn on_page(&self, s: &Stamp, headline: Option<&Place>) -> bool {
        if s.at.furniture(headline) {
            return false;
        }
        // Without a headline there is no telling the page's date from its teasers' dates:
        // only labelled dates and lone date lines are taken then.
        headline.is_some_and(|h| s.at.near(h, BEFORE_HEADLINE, AFTER_HEADLINE))
    }

    /// The shown date of `label` nearest the headline: after it first, then before.
    fn shown(&self, headline: Option<&Place>, want: impl Fn(Label) -> bool) -> Option<NaiveDate> {
        let mut best: Option<((bool, bool, usize), NaiveDate)> = None;
        for s in &self.found.stamps {
            if !want(s.label) || !self.on_page(s, headline) {
                continue;
            }
            let Some(date) = self.read(s) else { continue };
            let h = headline.map_or(0, |h| h.pos);
            // Dates in elements named for one, after the headline, nearest: first.
            let (pos, flags) = (s.at.pos, s.at.flags);
            let key = (flags & (DATEISH | TIME) == 0, pos < h, pos.abs_diff(h));
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, date));
            }
        }
        best.map(|(_, d)| d)
    }

    /// The first date the page labels as `label` ("Posted on …"), wherever it is outside
    /// furniture: a labelled date is the page's own even far from the headline (a blog's
    /// "Posted on" under the post). Not "Updated" ones: far from the headline, those are
    /// mostly other items' (measured on wcxb:dev: 2 more right, 26 more where the page
    /// has no date).
    fn labelled(&self, headline: Option<&Place>, label: Label) -> Option<NaiveDate> {
        self.found
            .stamps
            .iter()
            .filter(|s| s.label == label && !s.at.furniture(headline))
            .find_map(|s| self.read(s))
    }

    /// On a page without a headline, its first line that is a date and little else
    /// ("20 Dec 2025, 11:59", "» Tue Aug 27, 2019 1:47 am").
    fn date_line(&self) -> Option<NaiveDate> {
        let lines = || {
            self.found
                .stamps
                .iter()
                .filter(|s| !s.at.furniture(None) && s.value.chars().count() <= DATE_LINE)
        };
        // One in an element named for a date first (a forum post's time, not the
        // poster's "joined" date).
        lines()
            .filter(|s| s.at.flags & (DATEISH | TIME) != 0)
            .find_map(|s| self.read(s))
            .or_else(|| lines().find_map(|s| self.read(s)))
    }

    fn read(&self, s: &Stamp) -> Option<NaiveDate> {
        if s.machine {
            let value = parse_value(&s.value, self.order)?;
            // A `<time>`'s value is often in UTC, its text in the site's zone: one day
            // apart, the text is the day the reader is shown. Further apart, the text is
            // something else (a relative "2 years ago", another event) and the value holds.
            let shown = s.text.as_deref().and_then(|t| find_date(t, self.order));
            Some(match shown {
                Some(d) if d.signed_duration_since(value).num_days().abs() == 1 => d,
                _ => value,
            })
        } else {
            find_date(&s.value, self.order)
        }
    }

    /// The publication date when the page declares `declared` and shows `near` by its
    /// headline, and they differ:
    /// - a shown date well before the declared one, and not a modification, is the
    ///   original: the declared date is a re-publication or a migration's stamp;
    /// - a page whose `<meta>` tags declare no publication time and which shows its
    ///   declared modification date, unlabelled, as its date presents itself as of that
    ///   date; its JSON-LD `datePublished` is the first draft's. Not when it also shows
    ///   the declared publication date by its headline (a forum thread's first post
    ///   above its "last post" date), nor when the "modification" is the earlier;
    /// - one day apart, they are the same moment, declared in UTC and shown in the
    ///   site's own zone: the reader's day is the shown one.
    ///
    /// Otherwise the declared date stands, and always when the shown date is labelled
    /// an update: a publication date is never replaced by a modification the page
    /// calls one (WCXB's reference takes the shown "Updated" date on 11 more dev pages;
    /// that is `date_modified`, kept apart).
    fn declared_or_shown(
        &self,
        declared: NaiveDate,
        near: NaiveDate,
        modified: Option<NaiveDate>,
        headline: Option<&Place>,
    ) -> NaiveDate {
        let is_modified = Some(near) == modified || Some(near) == self.meta_date(MODIFIED_KEYS);
        // Two days' margin: a declared time in UTC and the day shown in the site's own
        // zone may differ by one.
        let days = declared.signed_duration_since(near).num_days();
        let earlier = days >= 2;
        let original = earlier && !is_modified;
        // One day apart: the same moment, declared in UTC and shown in the site's own zone
        // ("2025-12-19T02:41Z" and "December 18, 2025, 9:41 pm"); the reader's day is the
        // shown one. Not when the shown date is the modification, declared or labelled.
        let local_day = days.abs() == 1 && !is_modified && !self.shown_as_update(near);
        let presented = is_modified
            && near > declared
            && self.meta_date(PUBLISHED_KEYS).is_none()
            && !self.shows(declared, headline)
            && !self.shown_as_update(near);
        if original || presented || local_day {
            near
        } else {
            declared
        }
    }

    /// Whether the page shows `d` (or the day beside it) by its headline.
    fn shows(&self, d: NaiveDate, headline: Option<&Place>) -> bool {
        self.found.stamps.iter().any(|s| {
            self.on_page(s, headline)
                && self
                    .read(s)
                    .is_some_and(|x| x.signed_duration_since(d).num_days().abs() <= 1)
        })
    }

    /// Whether the page labels `d` as an update ("Updated March 28").
    fn shown_as_update(&self, d: NaiveDate) -> bool {
        self.found
            .stamps
            .iter()
            .any(|s| s.label == Label::Updated && self.read(s) == Some(d))
    }

    pub(super) fn dates(&self, headline: Option<&Place>, url: Option<&str>) -> Dates {
        let declared = self
            .ld_date("datePublished")
            .or_else(|| self.meta_date(PUBLISHED_KEYS))
            .or_else(|| {
                let micro = self.found.micro_published.iter();
                micro.filter_map(|v| parse_value(v, self.order)).next()
            });
        let modified = self
            .ld_date("dateModified")
            .or_else(|| self.meta_date(MODIFIED_KEYS))
            .or_else(|| {
                let micro = self.found.micro_modified.iter();
                micro.filter_map(|v| parse_value(v, self.order)).next()
            });
        let shown = self
            .shown(headline, |l| l != Label::Updated)
            .or_else(|| self.shown(headline, |l| l == Label::Updated))
            .or_else(|| self.labelled(headline, Label::Published))
            .or_else(|| headline.is_none().then(|| self.date_line()).flatten());
        let published = match (declared, self.shown(headline, |_| true)) {
            (Some(d), Some(near)) => Some(self.declared_or_shown(d, near, modified, headline)),
            (d, _) => d.or(shown),
        };
        let published = published
            .or_else(|| url.and_then(url_day))
            .or_else(|| self.found.canonical.as_deref().and_then(url_day))
            .or_else(|| self.ld_date("dateCreated"))
            .or_else(|| self.ld_date("uploadDate"))
            .or_else(|| self.any_meta_date());
        let modified = modified.or_else(|| self.shown(headline, |l| l == Label::Updated));
        Dates {
            published,
            modified,
        }
    }
}

/// The order `/` dates are read in on a page declared in `lang`.
pub(super) fn order(lang: Option<&str>) -> Order {
    Order::for_language(lang)
}

#[cfg(test)]
mod tests {
    use super::super::{collect, dates::iso};
    use super::*;
    use scraper::Html;

    /// The (published, modified) dates of a page whose headline is its first `<h1>`.
    fn dates(page: &str) -> (Option<String>, Option<String>) {
        let found = collect::collect(&Html::parse_document(page));
        let s = Sources::new(&found);
        let at = found.h1s.first().map(|h| h.at);
        let d = s.dates(at.as_ref(), None);
        (d.published.map(iso), d.modified.map(iso))
    }

    #[test]
    fn a_time_text_one_day_from_its_value_is_the_readers_day() {
        let page = r#"<h1>T</h1><time datetime="2024-03-06T02:30:00Z">March 5, 2024</time>"#;
        assert_eq!(dates(page).0.as_deref(), Some("2024-03-05"));
        let page = r#"<h1>T</h1><time datetime="2024-03-06">August 28, 2023</time>"#;
        assert_eq!(dates(page).0.as_deref(), Some("2024-03-06"));
    }

    #[test]
    fn a_declared_utc_day_yields_to_the_shown_day_beside_it() {
        let page = r#"<meta property="article:published_time" content="2024-03-06T02:30:00Z">
            <h1>T</h1><p>March 5, 2024</p>"#;
        assert_eq!(dates(page).0.as_deref(), Some("2024-03-05"));
        // Not to a shown update.
        let page = r#"<meta property="article:published_time" content="2024-03-06T02:30:00Z">
            <h1>T</h1><p>Updated March 7, 2024</p>"#;
        assert_eq!(dates(page).0.as_deref(), Some("2024-03-06"));
    }

    #[test]
    fn a_shown_modification_is_not_the_date_when_the_publication_is_shown_too() {
        let ld = r#"<script type="application/ld+json">{"@type":"Article",
            "datePublished":"2024-01-03","dateModified":"2024-09-26"}</script>"#;
        // Shown alone, unlabelled, the modification is the date the page presents.
        let page = format!("{ld}<h1>T</h1><p>Sep 26, 2024</p>");
        assert_eq!(dates(&page).0.as_deref(), Some("2024-09-26"));
        // With the publication shown by the headline too, the publication stands.
        let page = format!("{ld}<h1>T</h1><p>Sep 26, 2024</p><p>Jan 3, 2024</p>");
        assert_eq!(dates(&page).0.as_deref(), Some("2024-01-03"));
    }
}
