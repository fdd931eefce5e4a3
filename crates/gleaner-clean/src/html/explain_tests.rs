use crate::explain::Reason;
use crate::{CleanConfig, Cleaner, Hints};

fn explain(html: &str) -> crate::Explanation {
    let c = Cleaner::new(&CleanConfig::default()).unwrap();
    c.explain(html.as_bytes(), &Hints::default()).unwrap()
}

fn reason_of<'e>(ex: &'e crate::Explanation, text: &str) -> &'e Reason {
    let b = ex.blocks.iter().find(|b| b.text.contains(text));
    &b.unwrap_or_else(|| panic!("no block {text:?} in {:#?}", ex.blocks))
        .reason
}

const PROSE: &str = "The committee met on Tuesday to discuss the budget, and after a long \
    debate it agreed to fund the new library, the repairs to the bridge, and a study of \
    the river's water quality over the next three years.";

#[test]
fn reasons_are_read_back_from_the_passes() {
    let page = format!(
        "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav>\
         <div id=main class=wrap><article class=post><h1>Budget agreed</h1>\
         <p>{PROSE}</p><p>{PROSE} Again.</p>\
         <div style=\"display:none;\">2024-01-01 image.jpg 640</div>\
         <div class=\"related-posts\"><p>Other story one is here</p></div>\
         <p>{PROSE}</p></article></div>\
         <footer>Copyright the town</footer><button>Subscribe</button></body></html>"
    );
    let ex = explain(&page);
    let region = ex.region.as_ref().unwrap();
    assert_eq!(region.path, "html > body > div#main.wrap > article.post");
    assert!(!ex.fallback);
    assert_eq!(
        reason_of(&ex, "Home News"),
        &Reason::FurnitureTag { tag: "nav".into() }
    );
    assert_eq!(reason_of(&ex, "Budget agreed"), &Reason::InRegion);
    assert_eq!(reason_of(&ex, "Again."), &Reason::InRegion);
    assert_eq!(
        reason_of(&ex, "image.jpg").to_string(),
        "hidden (style display:none)"
    );
    assert_eq!(
        reason_of(&ex, "Other story").to_string(),
        "furniture word 'related' in class=\"related-posts\""
    );
    assert_eq!(reason_of(&ex, "Copyright").to_string(), "<footer> element");
    assert_eq!(
        reason_of(&ex, "Subscribe").to_string(),
        "not text (<button>)"
    );
    // The third paragraph repeats the first.
    let dups: Vec<_> = ex.blocks.iter().filter(|b| b.text == PROSE).collect();
    assert_eq!(dups.len(), 2);
    assert!(dups[0].kept && !dups[1].kept && dups[1].reason == Reason::Duplicate);
    // Page order.
    let texts: Vec<&str> = ex.blocks.iter().map(|b| b.text.as_str()).collect();
    let at = |t: &str| texts.iter().position(|x| x.contains(t)).unwrap();
    assert!(at("Home") < at("Budget") && at("Budget") < at("image.jpg"));
    assert!(at("Other story") < at("Copyright") && at("Copyright") < at("Subscribe"));
}

#[test]
fn drop_selectors_show_with_their_selector() {
    let page = format!(
        "<html><body><article><p>{PROSE}</p><div class=promo><p>Buy our mug</p></div>\
         <p>{PROSE} More.</p></article></body></html>"
    );
    let mut cfg = CleanConfig::default();
    cfg.html
        .drop_selectors
        .insert("example.com".into(), vec![".promo".into()]);
    let c = Cleaner::new(&cfg).unwrap();
    let hints = Hints::default().with_url("https://www.example.com/a");
    let ex = c.explain(page.as_bytes(), &hints).unwrap();
    assert_eq!(reason_of(&ex, "mug").to_string(), "drop selector '.promo'");
    let doc = c.clean(page.as_bytes(), &hints).unwrap();
    assert!(!doc.text().contains("mug"));
}

#[test]
fn link_bound_and_teaser_blocks_say_so() {
    let teaser = |n: u32| format!("<div><a href=/s{n}>Another story number {n} headline</a></div>");
    let page = format!(
        "<html><body><article><p>Topic <a href=/b>Politics</a></p>\
         <p>{PROSE}</p><p>{PROSE} Two.</p><p>{PROSE} Three.</p>\
         <p>See also: <a href=/c>The bridge repairs begin next spring at last</a></p>\
         <p>{PROSE} Four.</p><h3>More stories</h3>{}</article></body></html>",
        (1..=4).map(teaser).collect::<String>()
    );
    let ex = explain(&page);
    assert_eq!(reason_of(&ex, "Politics"), &Reason::LeadingLinks);
    assert_eq!(reason_of(&ex, "See also"), &Reason::LabelAndLink);
    assert_eq!(reason_of(&ex, "number 2"), &Reason::TeaserRun { items: 4 });
    assert_eq!(reason_of(&ex, "More stories"), &Reason::TeaserLabel);
}

#[test]
fn a_page_without_a_region_shows_the_text_cleaners_verdicts() {
    let ex = explain("<html><body><p>Short.</p><nav>Menu</nav></body></html>");
    assert!(ex.fallback);
    assert_eq!(
        reason_of(&ex, "Menu"),
        &Reason::FurnitureTag { tag: "nav".into() }
    );
    assert!(matches!(
        reason_of(&ex, "Short."),
        Reason::GoodLine | Reason::BadLine | Reason::TextRule
    ));
}
