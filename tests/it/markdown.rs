//! `--format markdown` from the CLI: pipe tables for data, paragraphs for layout tables,
//! nested and numbered lists, fenced code; the same after a trip through the store.

use crate::helpers::{run, s, tmp};

const PAGE: &str = r#"<!doctype html><html lang="en"><head><title>Pricing guide</title></head>
<body><nav><a href="/">Home</a> <a href="/plans">Plans</a></nav><article>
<h1>Pricing guide</h1>
<p>Our plans changed this spring, and this guide explains what each of them costs, what it
includes, and how to move from one plan to another without losing any of your data.</p>
<table><thead><tr><th></th><th>Monthly</th><th>Notes</th></tr></thead>
<tbody><tr><td>Basic</td><td>$5</td><td>web | email<br>support</td></tr>
<tr><td>Pro</td><td>$9</td><td><p>Phone support</p><p>Priority queue</p></td></tr></tbody></table>
<table><tr><td><b>Reported March 3, 2024</b><br><h3>Upgrade Experience</h3>Moving took
five minutes.<br>Reported by:<br><span>Support Team</span></td></tr>
<tr><td><b>Reported May 9, 2024</b><br>Billing was clear.</td></tr></table>
<p>To switch plans, follow these steps, which take a few minutes and can be undone at any
time from the same settings page of your account.</p>
<ol><li>Open settings<ul><li>Account tab</li><li>Billing tab<ol><li>Pick a plan</li></ol></li></ul></li>
<li>Confirm the change</li></ol>
<pre><code>curl -X POST https://api.example.com/plan
```json
{"plan": "pro"}
```</code></pre>
<blockquote>Switching never deletes data.</blockquote>
</article><footer>Copyright 2025 Example</footer></body></html>"#;

fn markdown_of(page: &std::path::Path) -> String {
    let (code, out, err) = run(&["clean", s(page), "--format", "markdown"]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn tables_lists_and_code_in_markdown() {
    let dir = tmp();
    let page = dir.path().join("pricing.html");
    std::fs::write(&page, PAGE).unwrap();
    let md = markdown_of(&page);
    // The data table: a header row (its empty corner cell kept), the separator, escaped
    // pipes, a cell's lines on one line.
    assert!(
        md.contains(
            "|  | Monthly | Notes |\n| --- | --- | --- |\n| Basic | $5 | web \\| email support |\n\
             | Pro | $9 | Phone support Priority queue |"
        ),
        "{md}"
    );
    // The one-column table lays the page out: paragraphs, lines kept apart.
    assert!(
        md.contains("Reported March 3, 2024\nUpgrade Experience\nMoving took five minutes.\nReported by:\nSupport Team\n\nReported May 9, 2024\nBilling was clear."),
        "{md}"
    );
    assert!(
        md.contains("1. Open settings\n   - Account tab\n   - Billing tab\n     1. Pick a plan\n2. Confirm the change"),
        "{md}"
    );
    assert!(md.contains("````\ncurl -X POST"), "{md}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("markdown_pricing_guide", md));
}

#[test]
fn markdown_reads_the_same_from_the_store() {
    let dir = tmp();
    let page = dir.path().join("pricing.html");
    std::fs::write(&page, PAGE).unwrap();
    let store = dir.path().join("store");
    let (code, _, err) = run(&["clean", s(&page), "--store", s(&store)]);
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "export",
        "--store",
        s(&store),
        "--format",
        "markdown",
        "--out-dir",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let exported = std::fs::read_to_string(&files[0]).unwrap();
    assert_eq!(exported.trim_end(), markdown_of(&page).trim_end());
}
