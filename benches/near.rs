//! The near-duplicate benchmark: `cargo bench --bench near`.
//!
//! A labelled set of pairs built from the dev pages (`../shared/devset`: WCXB and
//! trafilatura's), each page cleaned by the cleaner as `gleaner clean` does:
//!
//! - positives: a page against its own naive text dump, cleaned (two paths to the
//!   same article); against itself with one sentence in four edited (a word swapped);
//!   against itself with its furniture swapped (first and last block dropped, three
//!   lines of another page's furniture and a byline added);
//! - negatives: a page against every other page of the same site and page type
//!   (WCXB's URLs and types), and, where a site has only one, against pages of the same
//!   type elsewhere.
//!
//! A pair is called a near-duplicate as the store calls it: the two signatures share a
//! band (LSH) and agree on at least the threshold's share of positions. Precision and
//! recall are printed for several thresholds, then the rate of pairs called across
//! different domains among all WCXB pages (every page indexed, every other looked up),
//! which should be about 0.
//!
//! Pages whose clean text has fewer than 50 words are left out: too little text to say.

use gleaner::near::{Signature, BANDS};
use gleaner::{Cleaner, Hints};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

struct Page {
    domain: String,
    page_type: String,
    text: String,
    dump: String,
    furniture: Vec<String>,
}

fn gunzip(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// What a careless scraper saves: the page's text nodes, one per line, scripts and
/// styles left out.
fn naive_dump(html: &str) -> String {
    let no_code =
        regex::Regex::new(r"(?is)<(script|style|noscript)[^>]*>.*?</(script|style|noscript)>")
            .unwrap()
            .replace_all(html, "\n");
    let text = regex::Regex::new(r"(?s)<[^>]*>")
        .unwrap()
        .replace_all(&no_code, "\n");
    text.lines()
        .map(|l| l.trim().replace("&nbsp;", " ").replace("&amp;", "&"))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn load(cleaner: &Cleaner) -> Vec<Page> {
    let mut pages = Vec::new();
    let wcxb = Path::new("../shared/devset/wcxb/dev");
    let traf = Path::new("../shared/devset/trafilatura/html");
    let mut files: Vec<(std::path::PathBuf, Option<serde_json::Value>)> = Vec::new();
    for e in std::fs::read_dir(wcxb.join("html")).unwrap() {
        let p = e.unwrap().path();
        let stem = p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".html.gz", "");
        let truth = std::fs::read(wcxb.join("ground-truth").join(format!("{stem}.json")))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        files.push((p, truth));
    }
    for e in std::fs::read_dir(traf).unwrap() {
        files.push((e.unwrap().path(), None));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, (path, truth)) in files.iter().enumerate() {
        let raw = gunzip(path);
        let url = truth
            .as_ref()
            .and_then(|t| t["url"].as_str())
            .map(str::to_string);
        let hints = match &url {
            Some(u) => Hints::default().with_url(u),
            None => Hints::default(),
        };
        let Ok(doc) = cleaner.clean(&raw, &hints) else {
            continue;
        };
        let text = doc.text();
        if text.split_whitespace().count() < 50 {
            continue;
        }
        let html = String::from_utf8_lossy(&raw);
        let dump = naive_dump(&html);
        let dump_text = cleaner
            .clean(
                dump.as_bytes(),
                &Hints::default().with_content_type("text/plain"),
            )
            .map(|d| d.text())
            .unwrap_or_default();
        let kept: HashSet<&str> = text.lines().collect();
        let furniture: Vec<String> = dump
            .lines()
            .filter(|l| !kept.contains(l) && l.split_whitespace().count() >= 2)
            .take(3)
            .map(str::to_string)
            .collect();
        let domain = url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches("www.").to_string())
            })
            .unwrap_or_else(|| format!("traf-{i}"));
        let page_type = truth
            .as_ref()
            .and_then(|t| t["_internal"]["page_type"]["primary"].as_str())
            .unwrap_or("unknown")
            .to_string();
        pages.push(Page {
            domain,
            page_type,
            text,
            dump: dump_text,
            furniture,
        });
    }
    pages
}

/// One sentence in four with a word swapped for another.
fn edited(text: &str) -> String {
    text.split_inclusive(". ")
        .enumerate()
        .map(|(i, s)| {
            if i % 4 == 1 {
                s.replacen(' ', " indeed ", 1)
            } else {
                s.to_string()
            }
        })
        .collect()
}

fn furniture_swapped(text: &str, other: &[String]) -> String {
    let blocks: Vec<&str> = text.split("\n\n").collect();
    let middle = if blocks.len() > 3 {
        &blocks[1..blocks.len() - 1]
    } else {
        &blocks[..]
    };
    let mut out = vec!["By A. Reporter | 12 March 2025".to_string()];
    out.extend(other.iter().cloned());
    out.extend(middle.iter().map(|s| s.to_string()));
    out.join("\n\n")
}

fn shares_band(a: &Signature, b: &Signature) -> bool {
    (0..BANDS).any(|i| a.band(i) == b.band(i))
}

fn main() {
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    let pages = load(&cleaner);
    let sigs: Vec<Signature> = pages.iter().map(|p| Signature::of(&p.text)).collect();
    // (similarity, shares a band, is a positive)
    let mut pairs: Vec<(f64, bool, bool, &str)> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let other = &pages[(i + 1) % pages.len()].furniture;
        for (kind, variant) in [
            ("dump", p.dump.clone()),
            ("edited", edited(&p.text)),
            ("furniture", furniture_swapped(&p.text, other)),
        ] {
            if variant.split_whitespace().count() < 20 {
                continue;
            }
            let v = Signature::of(&variant);
            pairs.push((
                sigs[i].similarity(&v),
                shares_band(&sigs[i], &v),
                true,
                kind,
            ));
        }
    }
    let mut by_site: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut by_type: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.page_type != "unknown")
    {
        by_site
            .entry((&p.domain, &p.page_type))
            .or_default()
            .push(i);
        by_type.entry(&p.page_type).or_default().push(i);
    }
    let mut negatives = 0;
    for (i, p) in pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.page_type != "unknown")
    {
        let same_site = &by_site[&(p.domain.as_str(), p.page_type.as_str())];
        let others: Vec<usize> = if same_site.len() > 1 {
            same_site.iter().copied().filter(|&j| j > i).collect()
        } else {
            let t = &by_type[p.page_type.as_str()];
            let k = t.iter().position(|&j| j == i).unwrap_or(0);
            vec![t[(k + 1) % t.len()]]
                .into_iter()
                .filter(|&j| j != i)
                .collect()
        };
        for j in others {
            pairs.push((
                sigs[i].similarity(&sigs[j]),
                shares_band(&sigs[i], &sigs[j]),
                false,
                "negative",
            ));
            negatives += 1;
        }
    }
    let positives = pairs.iter().filter(|p| p.2).count();
    println!(
        "{} pages (50+ clean words); {positives} positive pairs, {negatives} negative pairs",
        pages.len()
    );
    println!("threshold  precision  recall   (recall by kind: dump / edited / furniture)");
    for t in [0.5, 0.6, 0.7, 0.8, 0.9] {
        let called = |p: &(f64, bool, bool, &str)| p.1 && p.0 >= t;
        let tp = pairs.iter().filter(|p| p.2 && called(p)).count();
        let fp = pairs.iter().filter(|p| !p.2 && called(p)).count();
        let recall_of = |kind: &str| {
            let all: Vec<_> = pairs.iter().filter(|p| p.3 == kind).collect();
            all.iter().filter(|p| called(p)).count() as f64 / all.len().max(1) as f64
        };
        println!(
            "  {t:.1}       {:.3}      {:.3}    ({:.3} / {:.3} / {:.3})",
            tp as f64 / (tp + fp).max(1) as f64,
            tp as f64 / positives.max(1) as f64,
            recall_of("dump"),
            recall_of("edited"),
            recall_of("furniture"),
        );
    }
    // Cross-domain: every WCXB page against every other, through the bands.
    let wcxb: Vec<usize> = (0..pages.len())
        .filter(|&i| !pages[i].domain.starts_with("traf-"))
        .collect();
    let mut index: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for &i in &wcxb {
        for b in 0..BANDS {
            index.entry((b, sigs[i].band(b))).or_default().push(i);
        }
    }
    let n = wcxb.len();
    let all_pairs = n * n.saturating_sub(1) / 2;
    for t in [0.7, 0.8] {
        let mut called = HashSet::new();
        for &i in &wcxb {
            for b in 0..BANDS {
                for &j in &index[&(b, sigs[i].band(b))] {
                    if j > i
                        && pages[i].domain != pages[j].domain
                        && sigs[i].similarity(&sigs[j]) >= t
                    {
                        called.insert((i, j));
                    }
                }
            }
        }
        println!(
            "cross-domain pairs called near at {t} among {n} WCXB pages: {} of {all_pairs} ({:.2e})",
            called.len(),
            called.len() as f64 / all_pairs.max(1) as f64
        );
        for (i, j) in called.iter().take(5) {
            println!("  {} ~ {}", pages[*i].domain, pages[*j].domain);
        }
    }
}
