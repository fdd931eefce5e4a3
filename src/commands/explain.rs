//! `gleaner explain`: why each block of one page was kept or dropped, as a listing for
//! the terminal or a self-contained HTML page for the browser. The cleaner decides
//! ([`gleaner_clean::Cleaner::explain`]); this module only reads the page and formats.

use super::Error;
use gleaner_clean::{BlockKind, CleanConfig, Cleaner, Explanation, Hints, InputKind};
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

pub struct ExplainArgs {
    /// The page: a file, or `-` for stdin.
    pub page: PathBuf,
    /// Where the page came from: per-site selectors need its host.
    pub url: Option<String>,
    pub clean: CleanConfig,
}

/// Cleans the page with explanations.
pub fn explain(args: &ExplainArgs) -> Result<Explanation, Error> {
    let cleaner = Cleaner::new(&args.clean)?;
    let bytes = read(&args.page)?;
    let mut hints = Hints::default();
    if let Some(url) = &args.url {
        hints = hints.with_url(url);
    }
    cleaner
        .explain(&bytes, &hints)
        .map_err(|e| Error::Usage(format!("{}: {e}", args.page.display())))
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| Error::Usage(format!("cannot read {}: {e}", path.display())))?;
    Ok(bytes)
}

/// Longest text shown per block in the listing, in characters.
const MAX_LISTED: usize = 100;

/// One line per block: `+` kept or `-` dropped, its kind, the reason, its text.
pub fn listing(ex: &Explanation) -> String {
    let mut out = summary(ex);
    out.push('\n');
    for b in &ex.blocks {
        let sign = if b.kept { '+' } else { '-' };
        let mut text: String = b.text.replace('\n', " ⏎ ");
        if let Some((cut, _)) = text.char_indices().nth(MAX_LISTED) {
            text.truncate(cut);
            text.push('…');
        }
        let reason = b.reason.to_string();
        let _ = writeln!(out, "{sign} {:<5} {reason:<32} {text}", kind(b.kind));
    }
    out
}

/// What decided the page as a whole: its region, or why it has none.
fn summary(ex: &Explanation) -> String {
    let kept = ex.kept().count();
    let dropped = ex.blocks.len() - kept;
    let how = match (&ex.region, ex.kind, ex.fallback) {
        (_, InputKind::Text, _) => "text dump: each line judged by the text cleaner".to_string(),
        (Some(r), _, false) => format!("region: {} ({} prose characters)", r.path, r.prose),
        (Some(r), _, true) => format!(
            "no region: the best subtree ({}) holds {} prose characters, under {}; \
             the text cleaner judged the body's lines",
            r.path, r.prose, r.min_prose
        ),
        (None, _, _) => "no region: the text cleaner judged the body's lines".to_string(),
    };
    format!("{how}\nblocks: {kept} kept, {dropped} dropped\n")
}

fn kind(k: BlockKind) -> String {
    match k {
        BlockKind::Heading { level } => format!("h{level}"),
        BlockKind::Paragraph => "p".into(),
        BlockKind::ListItem { .. } => "li".into(),
        BlockKind::Quote => "quote".into(),
        BlockKind::Code => "code".into(),
        BlockKind::TableRow { .. } => "row".into(),
        _ => "block".into(),
    }
}

/// A standalone page (no script, no network) of the page's text: kept blocks plain,
/// dropped ones struck through with their reason beside them.
pub fn html_page(ex: &Explanation, title: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n\
         <title>gleaner explain: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<p><strong>gleaner explain</strong> {}</p>\n",
        escape(title),
        escape(title)
    );
    for line in summary(ex).lines() {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str(
        "<p>Kept blocks read plainly; dropped blocks are struck through, with the reason \
         beside them.</p>\n</header>\n<main>\n",
    );
    for b in &ex.blocks {
        let (tag, class) = match b.kind {
            BlockKind::Heading { level } => (format!("h{}", level.clamp(1, 6)), ""),
            BlockKind::ListItem { .. } => ("p".into(), "li"),
            BlockKind::Quote => ("blockquote".into(), ""),
            BlockKind::Code => ("pre".into(), ""),
            BlockKind::TableRow { .. } => ("p".into(), "row"),
            _ => ("p".into(), ""),
        };
        let text = if tag == "pre" {
            escape(&b.text)
        } else {
            escape(&b.text).replace('\n', "<br>")
        };
        let classes = if b.kept {
            class.to_string()
        } else {
            format!("{class} drop").trim().to_string()
        };
        let _ = write!(out, "<{tag}");
        if !classes.is_empty() {
            let _ = write!(out, " class=\"{classes}\"");
        }
        if b.kept {
            let _ = writeln!(out, ">{text}</{tag}>");
        } else {
            let why = escape(&b.reason.to_string());
            let _ = writeln!(
                out,
                "><del>{text}</del> <span class=\"why\">{why}</span></{tag}>"
            );
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

const STYLE: &str = "\
body { font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
header { font-size: 0.9em; color: #555; border-bottom: 1px solid #ccc; margin-bottom: 1.5rem; }
.drop { color: #999; font-weight: normal; font-size: 1rem; }
.drop del { text-decoration-color: #c44; }
.why { font-size: 0.8rem; color: #b33; background: #fdecec; padding: 0 0.3em; border-radius: 3px; }
.li::before { content: \"• \"; }
.row { font-family: monospace; }
pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; }
";

/// Escapes text for HTML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes [`html_page`] to `path`.
pub fn write_html(path: &Path, ex: &Explanation, title: &str) -> Result<(), Error> {
    std::fs::write(path, html_page(ex, title)).map_err(|source| Error::Output {
        path: path.to_path_buf(),
        source,
    })
}
