//! `gleaner explain`: the listing and the HTML page pinned by snapshots on a hand-made
//! news page and real pages (WCXB, CC-BY-4.0), the command line, and the one promise
//! that makes an explanation worth reading: its kept blocks are exactly what `clean`
//! keeps, on every fixture and every development-set page.

use crate::devset;
use crate::helpers::{fixtures, run, s, seed_path, tmp, SEEDS};
use gleaner::clean::{CleanConfig, Explanation, Reason};
use gleaner::commands::{html_page, listing};
use gleaner::{Cleaner, Document, Hints};
use rayon::prelude::*;
use std::path::PathBuf;

fn news() -> PathBuf {
    fixtures().join("explain/news.html")
}

fn explain(path: &std::path::Path) -> Explanation {
    let bytes = std::fs::read(path).unwrap();
    Cleaner::new(&CleanConfig::default())
        .unwrap()
        .explain(&bytes, &Hints::default())
        .unwrap()
}

#[test]
fn snapshots_of_both_forms() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let pages = [
        ("news", news(), true),
        ("wcxb_0499", fixtures().join("wcxb/0499.html"), true),
        ("wcxb_2900", fixtures().join("wcxb/2900.html"), false),
        ("seed_000", seed_path(SEEDS[0]), false),
    ];
    settings.bind(|| {
        for (name, path, html) in pages {
            let ex = explain(&path);
            insta::assert_snapshot!(format!("explain_{name}"), listing(&ex));
            if html {
                let title = path.file_name().unwrap().to_string_lossy();
                insta::assert_snapshot!(format!("explain_{name}_html"), html_page(&ex, &title));
            }
        }
    });
}

#[test]
fn the_command_lists_dropped_furniture_and_kept_prose_with_reasons() {
    let dir = tmp();
    let out = dir.path().join("news.html");
    let (code, stdout, stderr) = run(&["explain", s(&news()), "--html", s(&out)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("region: html > body > div#page.layout.wide > main"));
    let line = |start: &str| {
        stdout
            .lines()
            .find(|l| l.contains(start))
            .unwrap_or_else(|| panic!("no line with {start:?} in\n{stdout}"))
            .to_string()
    };
    let nav = line("Weather");
    assert!(
        nav.starts_with("- li") && nav.contains("<nav> element"),
        "{nav}"
    );
    let share = line("Share on Facebook");
    assert!(
        share.contains("furniture word 'share' in class=\"share-tools\""),
        "{share}"
    );
    let prose = line("Councillors who had opposed");
    assert!(prose.starts_with("+ p") && prose.contains("in the chosen region"));
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.contains("<del>Weather</del> <span class=\"why\">&lt;nav&gt; element</span>"));
    assert!(page.contains("<p>Councillors who had opposed"));
    assert!(!page.contains("<script") && !page.contains("http://") && !page.contains("src="));
}

#[test]
fn per_site_selectors_apply_with_url() {
    let dir = tmp();
    let config = dir.path().join("gleaner.toml");
    std::fs::write(
        &config,
        "[clean.html.drop_selectors]\n\"riverside.example\" = [\"p.kicker\"]\n",
    )
    .unwrap();
    let page = news();
    let args = |url: Option<&str>| {
        let mut a = vec!["explain", s(&page), "--config", s(&config)];
        a.extend(url.map(|u| ["--url", u]).into_iter().flatten());
        run(&a)
    };
    let (code, stdout, stderr) = args(Some("https://www.riverside.example/news/budget"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("drop selector 'p.kicker'"),
        "{stdout}\n{stderr}"
    );
    let (_, stdout, _) = args(None);
    assert!(!stdout.contains("drop selector"), "{stdout}");
}

/// The kept blocks are the document's blocks, in order; a dropped block's text is in
/// the document only as a block some kept block repeats; a duplicate repeats a block
/// before it (which may have gone for another reason).
fn check(name: &str, ex: &Explanation, doc: &Document) {
    let kept: Vec<_> = ex.kept().map(|b| (b.kind, b.text.as_str())).collect();
    let want: Vec<_> = doc
        .blocks
        .iter()
        .map(|b| (b.kind, b.text.as_str()))
        .collect();
    assert_eq!(kept, want, "{name}: kept blocks differ from clean's");
    for (i, b) in ex.blocks.iter().enumerate().filter(|(_, b)| !b.kept) {
        let repeated = ex.kept().any(|k| k.text == b.text);
        assert!(
            repeated || !doc.blocks.iter().any(|d| d.text == b.text),
            "{name}: dropped block in the output: {:?} ({})",
            b.text,
            b.reason
        );
        if b.reason == Reason::Duplicate {
            let earlier = ex.blocks.iter().take(i).any(|e| e.text == b.text);
            assert!(
                earlier,
                "{name}: a duplicate of nothing before: {:?}",
                b.text
            );
        }
    }
}

#[test]
fn kept_blocks_are_cleans_output_on_every_fixture() {
    let cleaner = Cleaner::new(&CleanConfig::default()).unwrap();
    let mut paths = vec![news()];
    for dir in ["wcxb", "comments", "soft404", "charset", "panics", "seeds"] {
        for e in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "html" || x == "txt") {
                paths.push(p);
            }
        }
    }
    assert!(paths.len() > 30);
    for p in paths {
        let bytes = std::fs::read(&p).unwrap();
        let h = Hints::default();
        let doc = cleaner.clean(&bytes, &h).unwrap();
        let ex = cleaner.explain(&bytes, &h).unwrap();
        check(&p.display().to_string(), &ex, &doc);
    }
}

#[test]
fn kept_blocks_are_cleans_output_on_every_dev_page() {
    let Some(pages) = devset::pages("kept_blocks_are_cleans_output_on_every_dev_page") else {
        return;
    };
    let cleaner = Cleaner::new(&CleanConfig::default()).unwrap();
    pages.par_iter().for_each(|p| {
        let html = p.html();
        let h = Hints::default();
        if let (Ok(doc), Ok(ex)) = (cleaner.clean(&html, &h), cleaner.explain(&html, &h)) {
            check(&p.name(), &ex, &doc);
        }
    });
}

/// The learned classifier on a real product page (WCXB 4024): the cart widget the rules
/// keep ("Product subtotal", "Taxes, discounts and shipping calculated at checkout.")
/// goes, explain says the model took it and how sure it was, and `learned = false`
/// brings it back.
#[test]
fn the_learned_classifier_drops_what_no_rule_names_and_can_be_turned_off() {
    let bytes = std::fs::read(fixtures().join("wcxb/4024.html")).unwrap();
    let hints = Hints::default();
    let on = Cleaner::new(&CleanConfig::default()).unwrap();
    let mut cfg = CleanConfig::default();
    cfg.html.learned = false;
    let off = Cleaner::new(&cfg).unwrap();
    let cart = "Taxes, discounts and shipping calculated at checkout.";
    let with = on.clean(&bytes, &hints).unwrap().text();
    let without = off.clean(&bytes, &hints).unwrap().text();
    assert!(!with.contains(cart), "{with}");
    assert!(without.contains(cart), "{without}");
    assert!(with.contains("Maelstrom"), "the product stays: {with}");
    let ex = on.explain(&bytes, &hints).unwrap();
    let block = ex.blocks.iter().find(|b| b.text == cart).unwrap();
    assert!(!block.kept);
    assert!(
        matches!(block.reason, Reason::Learned { permille } if permille > 700),
        "{}",
        block.reason
    );
    assert!(block
        .reason
        .to_string()
        .starts_with("learned classifier: furniture at 0."));
}
