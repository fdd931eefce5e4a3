//! The seeds from the field: every furniture line goes, every paragraph and subheading
//! stays, and the output is pinned by a snapshot.

use crate::helpers::{clean_seed, seed, SEEDS};

struct Expect {
    stem: &'static str,
    title: Option<&'static str>,
    furniture: &'static [&'static str],
    headings: &'static [&'static str],
}

const BLURBS: &[&str] = &[
    "Dmitry Sergeyevich Peskov is a Russian diplomat",
    "Vladimir Vladimirovich Putin is a Russian politician",
    "Vladimir Rostislavovich Medinsky is a Russian political figure",
    "Volodymyr Oleksandrovych Zelenskyy is a Ukrainian politician",
];

const EXPECT: &[Expect] = &[
    Expect {
        stem: "000_a8d5f339bfa87f12",
        title: None,
        furniture: &["Go deeper", "More on these topics", "-"],
        headings: &[
            "What's happened",
            "What's behind the headline?",
            "What the papers say",
            "How we got here",
        ],
    },
    Expect {
        stem: "001_e354e611adafdd87",
        title: Some("Ukraine and Russia Set for Another Round of Talks in Istanbul — But Hopes Remain Low"),
        furniture: &[
            "Sunday, July 27, 2025",
            "spot_imgspot_img",
            "LATEST",
            "spot_img",
            "Related Posts",
            "Popular Articles",
        ],
        headings: &["Progress Unlikely, Analysts Say", "Talks as a Performance for Washington?"],
    },
    Expect {
        stem: "002_25256884aafe3ea5",
        title: None,
        furniture: &["newshub finance", "Recent Comments"],
        headings: &[],
    },
    Expect {
        stem: "003_b813a9d70c3b9a9d",
        title: Some("Russia-Ukraine talks end quickly with no progress"),
        furniture: &["Scroll to Top"],
        headings: &[],
    },
    Expect {
        stem: "004_4eec89b09e86789f",
        title: Some("Russia And Ukraine Make Scant Progress On Ceasefire, Leaders’ Meeting In Brief Istanbul Peace Talks"),
        furniture: &[
            "Wednesday, December 10, 2025",
            "spot_img",
            "HomeWorldRussia And Ukraine Make Scant Progress On Ceasefire, Leaders' Meeting In Brief...",
            "RELATED ARTICLES",
            "LEAVE A REPLY",
            "Please enter your comment!",
            "Please enter your name here",
            "Most Popular",
            "Recent Comments",
        ],
        headings: &[
            "Humanitarian Progress Amidst Stalemate",
            "Shortest Talks Yet and Diverging Views on Summit",
        ],
    },
];

#[test]
fn every_seed_has_expectations() {
    let stems: Vec<_> = EXPECT.iter().map(|e| e.stem).collect();
    assert_eq!(stems, SEEDS);
}

#[test]
fn furniture_goes_and_article_stays() {
    for e in EXPECT {
        let doc = clean_seed(e.stem);
        let blocks: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        for f in e.furniture {
            assert!(
                !blocks.contains(f),
                "{}: furniture line kept: {f:?}",
                e.stem
            );
        }
        for b in &blocks {
            assert!(
                !BLURBS.iter().any(|blurb| b.starts_with(blurb)),
                "{}: topic-widget blurb kept: {b:?}",
                e.stem
            );
        }
        for h in e.headings {
            assert!(blocks.contains(h), "{}: subheading lost: {h:?}", e.stem);
        }
        // Every article paragraph: each long line of the dump that is not a blurb.
        for line in seed(e.stem).lines().map(str::trim) {
            if line.len() > 120 && !BLURBS.iter().any(|b| line.starts_with(b)) {
                assert!(
                    blocks.contains(&line),
                    "{}: paragraph lost: {line:.60}...",
                    e.stem
                );
            }
        }
        if let Some(t) = e.title {
            assert_eq!(doc.metadata.title.as_deref(), Some(t), "{}: title", e.stem);
        }
    }
}

#[test]
fn snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for stem in SEEDS {
            let doc = clean_seed(stem);
            let title = doc.metadata.title.clone().unwrap_or_default();
            insta::assert_snapshot!(
                format!("seed_{stem}"),
                format!("title: {title}\n\n{}", doc.text())
            );
        }
    });
}

#[test]
fn cleaning_is_idempotent_on_seeds() {
    let cleaner = gleaner::Cleaner::new(&Default::default()).unwrap();
    for stem in SEEDS {
        let once = clean_seed(stem).text();
        let twice = cleaner
            .clean(once.as_bytes(), &gleaner::Hints::default())
            .unwrap()
            .text();
        assert_eq!(once, twice, "{stem}");
    }
}
