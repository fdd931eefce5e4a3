use super::super::{HtmlExtractor, HtmlOptions};
use crate::document::{Block, BlockKind};
use crate::rules::Rules;

/// `body` between two paragraphs of prose, so the article is chosen and holds it. The
/// learned classifier is off: these tests are about rendering, and would otherwise see
/// its verdicts on snippets no real page is made of.
fn blocks(body: &str) -> Vec<Block> {
    let html = format!(
        "<html><body><article><p>The committee agreed on the new budget after a long debate, \
         and the mayor signed it on Friday, saying the city would hire more teachers.</p>\
         {body}<p>Opponents said the plan spends too much on roads, and too little on parks, \
         libraries and the schools that the city council promised last year.</p>\
         </article></body></html>"
    );
    let opts = HtmlOptions {
        learned: false,
        ..HtmlOptions::default()
    };
    HtmlExtractor::new(&opts, Rules::default())
        .extract(&html, None)
        .blocks
}

fn rows(body: &str) -> Vec<Block> {
    blocks(body)
        .into_iter()
        .filter(|b| matches!(b.kind, BlockKind::TableRow { .. }))
        .collect()
}

fn texts(blocks: &[Block]) -> Vec<&str> {
    blocks.iter().map(|b| b.text.as_str()).collect()
}

fn row(header: bool, layout: bool) -> BlockKind {
    BlockKind::TableRow { header, layout }
}

#[test]
fn lines_of_a_layout_cell_stay_apart() {
    let rows = rows(
        "<table><tr><td><b>Marietta - January 13, 2023</b><br><br><h3>EV Home Charging</h3>\
         $151.68 for level 1<br>Reported by:<br><span>ProMatcher</span></td></tr>\
         <tr><td>Duluth<div>EV Home Charging</div></td></tr></table>",
    );
    assert_eq!(
        texts(&rows),
        [
            "Marietta - January 13, 2023\nEV Home Charging\n$151.68 for level 1\nReported by:\nProMatcher",
            "Duluth\nEV Home Charging",
        ]
    );
    assert!(rows.iter().all(|r| r.kind == row(false, true)));
}

#[test]
fn lines_of_a_data_cell_are_spaced() {
    let rows = rows(
        "<table><tr><th>Plan</th><th>Notes</th></tr>\
         <tr><td>Basic</td><td>cheap<br>Slow<div>Monthly</div>only</td></tr></table>",
    );
    assert_eq!(
        texts(&rows),
        ["Plan | Notes", "Basic | cheap Slow Monthly only"]
    );
    assert_eq!(rows[0].kind, row(true, false));
    assert_eq!(rows[1].kind, row(false, false));
    assert_eq!(rows[1].cells, ["Basic", "cheap Slow Monthly only"]);
}

#[test]
fn a_block_inside_a_heading_or_code_breaks_the_words() {
    let b = blocks(
        "<h2>impl Display for T<div class=\"where\">where T: Debug</div></h2>\
         <pre><div>cargo install app --locked</div><div>cargo app</div></pre>",
    );
    let t = texts(&b);
    assert!(t.contains(&"impl Display for T where T: Debug"), "{t:?}");
    assert!(
        t.contains(&"cargo install app --locked\ncargo app"),
        "{t:?}"
    );
}

#[test]
fn a_removed_block_still_breaks_the_line() {
    let b = blocks(
        "<div><span>6 min read</span><div aria-hidden=\"true\">·</div><span>Dec 1, 2025</span></div>",
    );
    assert!(
        texts(&b).contains(&"6 min read Dec 1, 2025"),
        "{:?}",
        texts(&b)
    );
}

#[test]
fn header_cells_keep_a_table_of_paragraphs_a_data_table() {
    // A CMS wraps each line of a cell in a paragraph: the header row says it is data.
    let with_header = rows(
        "<table><thead><tr><th><p>Package</p></th><th>Fee</th></tr></thead>\
         <tr><td><p>Basic</p></td><td><p>Student: $80</p><p>Member: $130</p></td></tr></table>",
    );
    assert_eq!(
        texts(&with_header),
        ["Package | Fee", "Basic | Student: $80 Member: $130"]
    );
    assert!(with_header
        .iter()
        .all(|r| matches!(r.kind, BlockKind::TableRow { layout: false, .. })));
    assert_eq!(with_header[0].kind, row(true, false));
    // Without one, paragraphs in a cell are the page's text laid out in a grid.
    let without = rows(
        "<table><tr><td><p>Basic</p></td><td>Fee</td></tr>\
         <tr><td><p>Student: $80</p><p>Member: $130</p></td><td>x</td></tr></table>",
    );
    assert!(without.iter().all(|r| r.kind == row(false, true)));
    assert_eq!(without[1].text, "Student: $80\nMember: $130 | x");
}

#[test]
fn single_rows_columns_and_nested_tables_lay_out() {
    let single_row = rows("<table><tr><td>Photo</td><td>Caption</td></tr></table>");
    assert_eq!(single_row[0].kind, row(false, true));
    let nested = rows(
        "<table><tr><td>Menu</td><td><table><tr><td>a</td><td>b</td></tr>\
         <tr><td>c</td><td>d</td></tr></table>after</td></tr><tr><td>x</td><td>y</td></tr></table>",
    );
    assert_eq!(
        texts(&nested),
        ["Menu |", "a | b", "c | d", "after", "x | y"]
    );
    // The outer table lays out; the inner one, two by two, is data.
    let kinds: Vec<BlockKind> = nested.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            row(false, true),
            row(false, false),
            row(false, false),
            row(false, true),
            row(false, true)
        ]
    );
    // Every cell's text lands in exactly one block.
    let cells: Vec<Vec<String>> = nested.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(
        cells,
        [
            vec!["Menu".to_string(), String::new()],
            vec!["a".into(), "b".into()],
            vec!["c".into(), "d".into()],
            vec!["after".into()],
            vec!["x".into(), "y".into()],
        ]
    );
}

#[test]
fn spanned_columns_leave_empty_cells() {
    let rows = rows(
        "<table><tr><th colspan=\"2\">Name</th><th>Age</th></tr>\
         <tr><td>Ada</td><td>Lovelace</td><td>36</td></tr></table>",
    );
    assert_eq!(rows[0].cells, ["Name", "", "Age"]);
    assert_eq!(rows[1].cells, ["Ada", "Lovelace", "36"]);
}

#[test]
fn list_items_know_their_depth_and_numbering() {
    let b = blocks("<ol><li>one<ul><li>sub</li></ul></li><li>two</li></ol><dl><dt>term</dt></dl>");
    let items: Vec<(BlockKind, &str)> = b
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::ListItem { .. }))
        .map(|b| (b.kind, b.text.as_str()))
        .collect();
    let item = |depth, ordered| BlockKind::ListItem { depth, ordered };
    assert_eq!(
        items,
        [
            (item(0, true), "one"),
            (item(1, false), "sub"),
            (item(0, true), "two"),
            (item(0, false), "term"),
        ]
    );
}
