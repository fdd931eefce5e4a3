//! The text cleaner's learned line classifier on a real dump: a WCXB page (CC-BY-4.0,
//! `tests/fixtures/wcxb/`) saved as a naive whole-page text dump, as the benchmark's
//! `make_dumps.py` makes them.

use crate::helpers::fixtures;
use gleaner::clean::CleanConfig;
use gleaner::{Cleaner, Hints};

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// MIT News' software topic page (wcxb 0729): a list of articles, each a headline, a
/// dek and a date. The reference text keeps headlines and deks, not the dates.
#[test]
fn the_learned_line_classifier_corrects_the_rules_and_can_be_turned_off() {
    let dump = std::fs::read(fixtures().join("wcxb/0729.txt")).unwrap();
    let hints = Hints::default();
    let on = Cleaner::new(&CleanConfig::default()).unwrap();
    let mut cfg = CleanConfig::default();
    cfg.text.learned = false;
    let off = Cleaner::new(&cfg).unwrap();
    let with = on.clean(&dump, &hints).unwrap().text();
    let without = off.clean(&dump, &hints).unwrap().text();

    // A dek and a headline the rules dropped come back...
    let dek = "ChemXploreML makes advanced chemical predictions easier and faster — without requiring deep programming skills.";
    let headline = "How hard is it to prevent recurring blackouts in Puerto Rico?";
    for restored in [dek, headline] {
        assert!(lines(&with).contains(&restored), "{with}");
        assert!(!lines(&without).contains(&restored), "{without}");
    }
    // ...and the teasers' bare dates the rules kept go.
    assert!(lines(&without).contains(&"May 21, 2025"), "{without}");
    assert!(!lines(&with).contains(&"May 21, 2025"), "{with}");

    // Cleaning stays idempotent with the classifier's rounds.
    let again = on.clean(with.as_bytes(), &hints).unwrap().text();
    assert_eq!(again, with);
}
