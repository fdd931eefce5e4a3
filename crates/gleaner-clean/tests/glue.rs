//! Words of two lines of a page never run together in its clean text: checked on a real
//! page (WCXB dev 0225, CC-BY-4.0, see tests/fixtures/wcxb/) with the DOM-based detector
//! the `glued` example runs over whole dev sets.

#[path = "../examples/glued/detect.rs"]
#[allow(dead_code)]
mod detect;

use gleaner_clean::{Cleaner, Hints};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_detector_tells_glue_from_words() {
    let page = detect::Page::new(
        "<table><tr><td><b>January 13, 2023</b><br><h3>EV Home</h3>Reported by:<br>\
         <span>ProMatcher</span> on an <i>i</i>Phone</td></tr></table>",
    );
    let glued = page.glued("January 13, 2023EV Home Reported by:ProMatcher on an iPhone");
    let words: Vec<(&str, bool)> = glued
        .iter()
        .map(|g| (g.word.as_str(), g.case_break))
        .collect();
    assert_eq!(words, [("2023EV", true), ("by:ProMatcher", false)]);
    assert!(page
        .glued("January 13, 2023 EV Home Reported by: ProMatcher on an iPhone")
        .is_empty());
}

#[test]
fn a_cost_report_table_keeps_its_lines_apart() {
    let html = fixture("wcxb/0225.html");
    let doc = Cleaner::new(&Default::default())
        .unwrap()
        .clean(&html, &Hints::default())
        .unwrap();
    let text = doc.text();
    let glued = detect::Page::new(&String::from_utf8_lossy(&html)).glued(&text);
    assert!(glued.is_empty(), "glued words: {glued:?}");
    // The table lays the page out: its cells keep their lines, in text and in Markdown,
    // where they are paragraphs rather than a one-column table.
    assert!(
        text.contains("January 13, 2023\nEV Home Charging Station Installation\n$151.68"),
        "{text}"
    );
    assert!(text.contains("Reported by:\nProMatcher Research Team"));
    let md = doc.markdown();
    assert!(md.contains("Reported by:\nProMatcher Research Team\n\n30060, Marietta"));
    assert!(!md.lines().any(|l| l.starts_with('|')), "{md}");
}
