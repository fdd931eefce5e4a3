//! Tables: telling a data table from one that lays the page out, and the element facts
//! a row needs (header cells, column spans).

use super::super::dom::{Dom, Tag};
use scraper::Node as HNode;

/// The element name of the node, when it is an element.
pub fn name<'a>(dom: &'a Dom, i: usize) -> Option<&'a str> {
    match dom.nodes.get(i)?.node.value() {
        HNode::Element(e) => Some(e.name()),
        _ => None,
    }
}

/// Whether the table at `table` lays the page out rather than tabulating data: a single
/// column or a single row, another table inside it, or cells holding what a data cell
/// does not (headings, lists, quotes, code, several paragraphs) while no header cell or
/// caption says it is data (CMSs wrap data cells' lines in `<p>`s and lists). Its cells
/// are then the page's text, not a grid of values. Nodes `skip` says are removed do not
/// count.
///
/// Stops at the first nested table (which says "layout" on its own), so every node is
/// scanned by its innermost table at most: linear over the page however tables nest.
pub fn is_layout(dom: &Dom, table: usize, skip: impl Fn(u8) -> bool) -> bool {
    let Some(t) = dom.nodes.get(table) else {
        return true;
    };
    let end = t.end as usize;
    let (mut rows, mut cells, mut widest) = (0u32, 0u32, 0u32);
    let (mut blocks, mut header) = (false, false);
    // The open cell's end and how many paragraphs it holds so far.
    let (mut cell_end, mut paragraphs) = (0usize, 0u32);
    let mut i = table + 1;
    while i < end {
        let Some(n) = dom.nodes.get(i) else { break };
        if skip(n.flags) {
            i = n.end as usize;
            continue;
        }
        match n.tag {
            Tag::Tr => {
                rows += 1;
                widest = widest.max(cells);
                cells = 0;
            }
            Tag::Cell => {
                cells += 1;
                (cell_end, paragraphs) = (n.end as usize, 0);
                header |= name(dom, i) == Some("th");
            }
            Tag::P if i < cell_end => {
                paragraphs += 1;
                blocks |= paragraphs > 1;
            }
            Tag::Heading(_) | Tag::Li | Tag::Quote | Tag::Pre => blocks = true,
            Tag::Block => match name(dom, i) {
                Some("table") => return true,
                Some("thead" | "caption") => header = true,
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    widest = widest.max(cells);
    rows <= 1 || widest <= 1 || (blocks && !header)
}

/// How many columns the cell at `i` spans (its `colspan`, 1 to 50).
pub fn colspan(dom: &Dom, i: usize) -> usize {
    let Some(HNode::Element(e)) = dom.nodes.get(i).map(|n| n.node.value()) else {
        return 1;
    };
    e.attr("colspan")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(1, |n| n.clamp(1, 50))
}

/// Whether the row at `i` sits in a `<thead>`.
pub fn in_thead(dom: &Dom, i: usize) -> bool {
    dom.nodes
        .get(i)
        .and_then(|n| n.node.parent())
        .is_some_and(|p| matches!(p.value(), HNode::Element(e) if e.name() == "thead"))
}
