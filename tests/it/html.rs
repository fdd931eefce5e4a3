//! The HTML cleaner on real pages (WCXB fixtures, CC-BY-4.0) and on charset traps.

use crate::helpers::fixtures;
use gleaner::{Cleaner, Document, Hints};
use std::collections::HashMap;

fn clean_file(path: &std::path::Path, content_type: Option<&str>) -> Document {
    let bytes = std::fs::read(path).unwrap();
    let mut hints = Hints::default();
    hints.content_type = content_type;
    Cleaner::new(&Default::default())
        .unwrap()
        .clean(&bytes, &hints)
        .unwrap()
}

fn charset(name: &str, content_type: Option<&str>) -> String {
    let doc = clean_file(&fixtures().join("charset").join(name), content_type);
    assert!(
        !doc.text().contains('\u{FFFD}'),
        "{name}: replacement characters"
    );
    assert!(!doc.text().contains('\u{FEFF}'), "{name}: BOM in text");
    doc.text()
}

#[test]
fn windows_1251_declared_only_in_meta() {
    assert!(charset("windows-1251-meta.html", None).contains("Министерство сообщило"));
}

#[test]
fn shift_jis_declared_only_in_the_header() {
    let text = charset(
        "shift_jis-header-only.html",
        Some("text/html; charset=Shift_JIS"),
    );
    assert!(text.contains("東京都は来月から"), "{text}");
}

#[test]
fn utf8_with_bom() {
    let doc = clean_file(&fixtures().join("charset/utf-8-bom.html"), None);
    assert!(doc.text().contains("The café on the corner"));
    assert_eq!(
        doc.metadata
            .title
            .as_deref()
            .map(|t| t.starts_with('\u{FEFF}')),
        Some(false)
    );
}

#[test]
fn latin1_mislabelled_as_utf8() {
    assert!(charset("latin-1-labelled-utf-8.html", None).contains("Le marché de Noël a ouvert"));
}

struct Page {
    id: String,
    page_type: String,
    truth: serde_json::Value,
    doc: Document,
}

fn pages() -> Vec<Page> {
    let dir = fixtures().join("wcxb");
    let mut ids: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".html").map(str::to_string)
        })
        .collect();
    ids.sort();
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    ids.into_iter()
        .map(|id| {
            let json: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(format!("{id}.json"))).unwrap(),
            )
            .unwrap();
            let html = std::fs::read(dir.join(format!("{id}.html"))).unwrap();
            let url = json["url"].as_str().map(str::to_string);
            let mut hints = Hints::default();
            hints.url = url.as_deref();
            let doc = cleaner.clean(&html, &hints).unwrap();
            Page {
                page_type: json["_internal"]["page_type"]["primary"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                truth: json["ground_truth"].clone(),
                id,
                doc,
            }
        })
        .collect()
}

/// WCXB's word F1: bags of lowercased `\w+` tokens.
fn word_f1(pred: &str, truth: &str) -> f64 {
    let bag = |s: &str| {
        let mut m: HashMap<String, usize> = HashMap::new();
        for w in s
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
        {
            *m.entry(w.to_lowercase()).or_default() += 1;
        }
        m
    };
    let (p, t) = (bag(pred), bag(truth));
    let overlap: usize = p
        .iter()
        .map(|(w, n)| (*n).min(t.get(w).copied().unwrap_or(0)))
        .sum();
    let (np, nt): (usize, usize) = (p.values().sum(), t.values().sum());
    if overlap == 0 || np == 0 || nt == 0 {
        return 0.0;
    }
    let (pr, rc) = (overlap as f64 / np as f64, overlap as f64 / nt as f64);
    2.0 * pr * rc / (pr + rc)
}

#[test]
fn real_pages_of_every_type_are_extracted() {
    let pages = pages();
    assert!(pages.len() >= 20);
    let mut by_type: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut report = String::new();
    for p in &pages {
        let f1 = word_f1(&p.doc.text(), p.truth["main_content"].as_str().unwrap());
        report.push_str(&format!("{} {:<13} {f1:.3}\n", p.id, p.page_type));
        by_type.entry(&p.page_type).or_default().push(f1);
    }
    assert_eq!(by_type.len(), 7, "all seven page types");
    let mean = pages
        .iter()
        .map(|p| word_f1(&p.doc.text(), p.truth["main_content"].as_str().unwrap()))
        .sum::<f64>()
        / pages.len() as f64;
    // A regression guard, well under what the extractor reaches on these pages.
    assert!(mean >= 0.70, "mean word F1 {mean:.3}\n{report}");
}

#[test]
fn real_page_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for p in pages() {
            let m = &p.doc.metadata;
            let header = format!(
                "type: {}\ntitle: {}\nauthors: {}\ndate: {}\nlanguage: {}\nsitename: {}\n",
                p.page_type,
                m.title.as_deref().unwrap_or(""),
                m.authors.join("; "),
                m.date.as_deref().unwrap_or(""),
                m.language.as_deref().unwrap_or(""),
                m.sitename.as_deref().unwrap_or(""),
            );
            insta::assert_snapshot!(
                format!("wcxb_{}", p.id),
                format!("{header}\n{}", p.doc.markdown())
            );
        }
    });
}

#[test]
fn titles_match_the_ground_truth() {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let pages = pages();
    let with_title: Vec<_> = pages
        .iter()
        .filter(|p| p.truth["title"].is_string())
        .collect();
    let hits = with_title
        .iter()
        .filter(|p| {
            let truth = norm(p.truth["title"].as_str().unwrap());
            p.doc.metadata.title.as_deref().map(norm) == Some(truth)
        })
        .count();
    assert!(
        hits * 10 >= with_title.len() * 6,
        "{hits}/{} titles",
        with_title.len()
    );
}

/// A blog post with a thread of reader comments (WCXB dev page 0006, CC-BY-4.0).
#[test]
fn comments_are_kept_apart_only_when_asked() {
    let bytes = std::fs::read(fixtures().join("comments/talkreal-blog.html")).unwrap();
    let hints = Hints::default();
    let plain = Cleaner::new(&Default::default())
        .unwrap()
        .clean(&bytes, &hints)
        .unwrap();
    let mut cfg = gleaner::clean::CleanConfig::default();
    cfg.html.comments = true;
    let with = Cleaner::new(&cfg).unwrap().clean(&bytes, &hints).unwrap();

    let reader = "I just new here i want to learn";
    let author_reply = "What can I help you with?";
    assert!(plain.metadata.comments.is_empty());
    assert!(!plain.text().contains(reader), "comments are not text");
    // Asking for comments changes nothing else.
    assert_eq!(with.text(), plain.text());
    let comments = with.comments_text();
    assert!(comments.contains(reader), "{comments}");
    assert!(comments.contains(author_reply), "{comments}");
    // The comment machinery is not a comment: reply links, the reply form.
    assert!(!with.metadata.comments.iter().any(|b| b.text == "Reply"));
    assert!(!comments.contains("Leave a Reply"), "{comments}");
    assert!(!comments.contains("Post Comment"), "{comments}");

    let json: serde_json::Value = serde_json::from_str(&gleaner::export::render(
        &with,
        None,
        gleaner::export::Format::Json,
    ))
    .unwrap();
    assert!(json["comments"].as_str().unwrap().contains(reader));
    let json: serde_json::Value = serde_json::from_str(&gleaner::export::render(
        &plain,
        None,
        gleaner::export::Format::Json,
    ))
    .unwrap();
    assert!(json["comments"].is_null());
}
