use super::*;
use crate::document::BlockKind;

fn ex() -> HtmlExtractor {
    HtmlExtractor::new(&HtmlOptions::default(), Rules::default())
}

fn para(n: usize, words: &str) -> String {
    format!("<p>{}</p>", [words; 12].join(", and ").repeat(n))
}

fn texts(e: &Extracted) -> Vec<String> {
    e.blocks.iter().map(|b| b.text.clone()).collect()
}

const PROSE: &str = "the committee agreed on the new budget after a long debate";

#[test]
fn structural_furniture_goes() {
    let html = format!(
        r#"<html><body><nav><a href="/">Home</a><a href="/n">News</a></nav>
        <header><p>Site header text that is long enough to count as a paragraph of prose.</p></header>
        <div class="content"><h1>Budget passes</h1>{p}{p}
        <div class="share-bar">Share on Facebook, Twitter, and email to your friends today</div>
        <div hidden>hidden text that is long enough to matter, with commas, and more</div>
        <div style="display: none">display none text that is long enough, with commas</div>
        <div aria-hidden="true">aria hidden text that is long enough, with commas, yes</div>
        <form><input type="email"><p>Subscribe to our newsletter for more, every week</p></form>
        <script>var x = "script text";</script><style>p {{}}</style></div>
        <aside><p>Sidebar text that is long enough to be prose, with commas, and more.</p></aside>
        <footer><p>Footer text that is long enough to be prose, with commas, and more.</p></footer>
        </body></html>"#,
        p = para(1, PROSE)
    );
    let e = ex().extract(&html, None);
    assert!(e.fallback.is_none());
    let all = texts(&e).join("\n");
    assert!(all.contains("Budget passes"));
    assert!(all.contains("committee agreed"));
    for gone in [
        "Home",
        "header",
        "Share",
        "hidden",
        "display",
        "aria",
        "Subscribe",
        "script",
        "Sidebar",
        "Footer",
    ] {
        assert!(!all.contains(gone), "{gone} survived in {all}");
    }
}
