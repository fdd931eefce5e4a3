//! Blocks to GitHub-flavoured Markdown. Formatting only: which blocks there are and what
//! they say the cleaner has decided; this chooses the marks around them.

use super::{Block, BlockKind};

/// `blocks` as Markdown: blocks apart by a blank line, except a list's items and a
/// table's rows, which make one Markdown block each.
pub fn render(blocks: &[Block]) -> String {
    let blocks: Vec<&Block> = blocks
        .iter()
        .filter(|b| !b.text.trim().is_empty())
        .collect();
    let mut out = Out::default();
    let mut lists = Lists::default();
    let mut rest = blocks.as_slice();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        if let BlockKind::ListItem { depth, ordered } = b.kind {
            out.push(&lists.item(depth, ordered, &b.text), true);
            continue;
        }
        lists.end();
        match b.kind {
            BlockKind::Heading { level } => {
                let marks = "#".repeat(level.clamp(1, 6) as usize);
                out.push(&format!("{marks} {}", one_line(&b.text)), false);
            }
            BlockKind::Quote => {
                let quoted: Vec<String> = b.text.lines().map(|l| format!("> {l}")).collect();
                out.push(&quoted.join("\n"), false);
            }
            BlockKind::Code => {
                let fence = fence(&b.text);
                out.push(&format!("{fence}\n{}\n{fence}", b.text), false);
            }
            BlockKind::TableRow { layout: false, .. } if !b.cells.is_empty() => {
                let more = table_len(b, rest);
                let (more_rows, after) = rest.split_at_checked(more).unwrap_or((rest, &[]));
                rest = after;
                out.push(&table(b, more_rows), false);
            }
            // A table laying the page out: its cells are paragraphs. Rows stored before
            // cells were kept have only their text.
            BlockKind::TableRow { .. } if !b.cells.is_empty() => {
                for cell in b.cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                    out.push(cell, false);
                }
            }
            _ => out.push(&b.text, false),
        }
    }
    out.text
}

#[derive(Default)]
struct Out {
    text: String,
    /// Whether the last block written was a list item.
    in_list: bool,
}

impl Out {
    fn push(&mut self, chunk: &str, list_item: bool) {
        if !self.text.is_empty() {
            self.text.push_str(if list_item && self.in_list {
                "\n"
            } else {
                "\n\n"
            });
        }
        self.text.push_str(chunk);
        self.in_list = list_item;
    }
}

/// The lists open around the current item, outermost first.
#[derive(Default)]
struct Lists {
    levels: Vec<Level>,
}

struct Level {
    /// The depth the cleaner gave the list's items. Levels are what is shown: a list
    /// nested in a list with no item of its own (or in an item the cleaner dropped) is
    /// one level below the items shown, not two.
    depth: u8,
    ordered: bool,
    /// The number the next item gets, in a numbered list.
    next: u32,
    /// The width of the current item's marker and its space: items nested in it are
    /// indented by that much, so Markdown reads them as its children.
    width: usize,
}

impl Lists {
    /// An item of the list `depth` levels down: "- text", or "3. text", indented under
    /// the items it is nested in (two spaces under a "- ", three under a "1. ").
    fn item(&mut self, depth: u8, ordered: bool, text: &str) -> String {
        while self.levels.last().is_some_and(|l| l.depth > depth) {
            self.levels.pop();
        }
        if self.levels.last().is_none_or(|l| l.depth != depth) {
            self.levels.push(Level {
                depth,
                ordered,
                next: 1,
                width: 2,
            });
        }
        let parents = self.levels.len().saturating_sub(1);
        let indent: usize = self.levels.iter().take(parents).map(|l| l.width).sum();
        let Some(level) = self.levels.last_mut() else {
            return text.to_string();
        };
        if level.ordered != ordered {
            // Another list at the same depth: its own numbering.
            (level.ordered, level.next) = (ordered, 1);
        }
        let marker = if ordered {
            let m = format!("{}.", level.next);
            level.next = level.next.saturating_add(1);
            m
        } else {
            "-".to_string()
        };
        level.width = marker.len() + 1;
        let mut out = format!("{}{marker} ", " ".repeat(indent));
        let hang = " ".repeat(indent + level.width);
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str(&hang);
            }
            out.push_str(line);
        }
        out
    }

    /// A block that is not a list item ends every list.
    fn end(&mut self) {
        self.levels.clear();
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A code fence longer than any run of backticks in `code`, so none closes it early.
fn fence(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

fn is_data_row(b: &Block) -> bool {
    matches!(b.kind, BlockKind::TableRow { layout: false, .. }) && !b.cells.is_empty()
}

fn is_header(b: &Block) -> bool {
    matches!(b.kind, BlockKind::TableRow { header: true, .. })
}

/// How many of `rest` are more rows of the table `first` starts: data rows, up to a
/// header row after a body row, which starts another table.
fn table_len(first: &Block, rest: &[&Block]) -> usize {
    let mut prev_header = is_header(first);
    rest.iter()
        .take_while(|b| {
            let more = is_data_row(b) && (prev_header || !is_header(b));
            prev_header = is_header(b);
            more
        })
        .count()
}

/// A pipe table: the first row is its header (Markdown tables must have one), every
/// row as wide as the widest.
fn table(first: &Block, rest: &[&Block]) -> String {
    let width = rest
        .iter()
        .map(|r| r.cells.len())
        .fold(first.cells.len(), usize::max)
        .max(1);
    let mut out = String::new();
    row(&mut out, &first.cells, width);
    out.push_str("\n|");
    for _ in 0..width {
        out.push_str(" --- |");
    }
    for r in rest {
        out.push('\n');
        row(&mut out, &r.cells, width);
    }
    out
}

fn row(out: &mut String, cells: &[String], width: usize) {
    out.push('|');
    for k in 0..width {
        out.push(' ');
        let cell = cells.get(k).map_or("", String::as_str);
        // One line per row: a cell's line breaks become spaces, its pipes are escaped.
        for (i, word) in cell.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            for c in word.chars() {
                if c == '|' {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        out.push_str(" |");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str], header: bool, layout: bool) -> Block {
        let mut b = Block::new(BlockKind::TableRow { header, layout }, cells.join(" | "));
        b.cells = cells.iter().map(|c| c.to_string()).collect();
        b
    }

    fn item(depth: u8, ordered: bool, text: &str) -> Block {
        Block::new(BlockKind::ListItem { depth, ordered }, text)
    }

    #[test]
    fn a_data_table_is_a_pipe_table() {
        let md = render(&[
            Block::paragraph("Prices:"),
            row(&["Plan", "Price"], true, false),
            row(&["Basic", "$5 | month"], false, false),
            row(&["Pro", "$9", "best"], false, false),
            Block::paragraph("After."),
        ]);
        assert_eq!(
            md,
            "Prices:\n\n\
             | Plan | Price |  |\n\
             | --- | --- | --- |\n\
             | Basic | $5 \\| month |  |\n\
             | Pro | $9 | best |\n\n\
             After."
        );
    }

    #[test]
    fn a_table_without_header_cells_takes_its_first_row_as_header() {
        let md = render(&[
            row(&["a", "b"], false, false),
            row(&["1", "2"], false, false),
        ]);
        assert_eq!(md, "| a | b |\n| --- | --- |\n| 1 | 2 |");
    }

    #[test]
    fn a_header_row_after_body_rows_starts_another_table() {
        let md = render(&[
            row(&["a", "b"], true, false),
            row(&["1", "2"], false, false),
            row(&["c", "d"], true, false),
            row(&["3", "4"], false, false),
        ]);
        assert_eq!(
            md,
            "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n| c | d |\n| --- | --- |\n| 3 | 4 |"
        );
    }

    #[test]
    fn a_layout_table_is_paragraphs() {
        let md = render(&[
            row(&["January 13, 2023\nEV Home Charging", ""], false, true),
            row(&["Reported by:\nProMatcher"], false, true),
        ]);
        assert_eq!(
            md,
            "January 13, 2023\nEV Home Charging\n\nReported by:\nProMatcher"
        );
        assert!(!md.contains('|'));
    }

    #[test]
    fn rows_stored_without_cells_read_as_their_text() {
        let old = Block::new(
            BlockKind::TableRow {
                header: false,
                layout: false,
            },
            "a | b",
        );
        assert_eq!(render(&[old]), "a | b");
    }

    #[test]
    fn nested_lists_are_indented_and_numbered() {
        let md = render(&[
            item(0, false, "fruit"),
            item(1, true, "apple"),
            item(1, true, "pear\nconference"),
            item(2, false, "ripe"),
            item(0, false, "veg"),
            Block::paragraph("Then"),
            item(0, true, "first"),
            item(0, true, "second"),
            Block::paragraph("Minimum:"),
            // A list nested in another with no item of its own: not indented.
            item(1, false, "8 GB RAM"),
            item(3, false, "deeper than its parent by two"),
            item(1, false, "12 GB RAM"),
        ]);
        assert_eq!(
            md,
            "- fruit\n  1. apple\n  2. pear\n     conference\n     - ripe\n- veg\n\n\
             Then\n\n1. first\n2. second\n\n\
             Minimum:\n\n- 8 GB RAM\n  - deeper than its parent by two\n- 12 GB RAM"
        );
    }

    #[test]
    fn code_is_fenced_longer_than_the_backticks_it_holds() {
        let md = render(&[
            Block::new(BlockKind::Code, "let x = 1;"),
            Block::new(BlockKind::Code, "```rust\nfn main() {}\n```"),
        ]);
        assert_eq!(
            md,
            "```\nlet x = 1;\n```\n\n````\n```rust\nfn main() {}\n```\n````"
        );
    }

    #[test]
    fn headings_stay_on_one_line() {
        let md = render(&[Block::heading(2, "Title\nsubtitle"), Block::heading(9, "x")]);
        assert_eq!(md, "## Title subtitle\n\n###### x");
    }

    #[test]
    fn kinds_stored_before_they_had_fields_still_read() {
        let old: Vec<Block> = serde_json::from_str(
            r#"[{"kind":"list_item","text":"a"},{"kind":"table_row","text":"x | y"},
                {"kind":{"heading":{"level":2}},"text":"h"},{"kind":"paragraph","text":"p"}]"#,
        )
        .unwrap();
        let kinds: Vec<BlockKind> = old.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::ListItem {
                    depth: 0,
                    ordered: false
                },
                BlockKind::TableRow {
                    header: false,
                    layout: false
                },
                BlockKind::Heading { level: 2 },
                BlockKind::Paragraph,
            ]
        );
        // And what is written now reads back the same.
        let now = vec![item(2, true, "a"), row(&["x", "y"], true, false)];
        let back: Vec<Block> = serde_json::from_str(&serde_json::to_string(&now).unwrap()).unwrap();
        assert_eq!(back, now);
    }
}
