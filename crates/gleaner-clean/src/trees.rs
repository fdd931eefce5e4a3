//! Gradient-boosted trees, as `bench/classifier/train.py --export` writes them: the
//! walker both learned classifiers share (the HTML cleaner's block classifier and the
//! text cleaner's line classifier). A model is a JSON file embedded in the binary; it
//! names its features, and a model whose names differ from the build's is refused, not
//! trusted (each classifier has a test that its embedded file is accepted).

use serde::Deserialize;
use std::sync::OnceLock;

/// What a classifier learns from: one unit (a block, a line) the rules judged, with what
/// the classifier sees of it. `bench/classifier/train.py` reads these through
/// `examples/block_samples.rs`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sample {
    /// The unit's text.
    pub text: String,
    /// Whether it is a heading (headings left last are dropped after the classifier).
    pub heading: bool,
    /// Whether the classifier judges it (else the rules' verdict stands).
    pub judged: bool,
    /// A line of the rules' output cleaned again, not of the page as it came: the
    /// context the classifier meets in its later rounds, and when a clean text is cleaned
    /// again. For training only; the page's own units are what is scored.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub again: bool,
    /// Its features, in the order of the classifier's feature names.
    pub features: Vec<f32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    features: Vec<String>,
    /// The log-odds every unit starts from.
    base: f64,
    /// A unit is furniture above this probability.
    threshold: f64,
    /// Units the rules dropped are kept below this probability (the line classifier
    /// restores as well as drops; absent: never).
    #[serde(default)]
    restore: Option<f64>,
    trees: Vec<Tree>,
    /// How the model was trained (sets, parameters, labelled units): for people.
    #[serde(default)]
    #[allow(dead_code)]
    trained: serde_json::Value,
}

/// One regression tree, as parallel arrays: node `i` splits on `feature[i]` (going
/// `left[i]` when the value is at most `threshold[i]`, else `right[i]`), or is a leaf
/// when `feature[i]` is negative, adding `value[i]` to the log-odds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tree {
    feature: Vec<i32>,
    threshold: Vec<f64>,
    left: Vec<u32>,
    right: Vec<u32>,
    value: Vec<f64>,
}

impl Tree {
    fn well_formed(&self, count: usize) -> bool {
        let n = self.feature.len();
        [
            self.threshold.len(),
            self.left.len(),
            self.right.len(),
            self.value.len(),
        ]
        .iter()
        .all(|&l| l == n)
            && n > 0
            && u32::try_from(n).is_ok()
            && self
                .feature
                .iter()
                .all(|&f| usize::try_from(f).map_or(true, |f| f < count))
            && self
                .left
                .iter()
                .chain(&self.right)
                .all(|&c| (c as usize) < n)
    }
}

/// A tree node, flattened: the trees' nodes sit in one array of 16-byte nodes, so that
/// a unit's walk through all the trees stays in a few cache lines.
#[derive(Clone, Copy)]
struct Node {
    /// A split's threshold, or a leaf's addition to the log-odds.
    number: f32,
    /// The feature split on, or [`LEAF`].
    feature: u16,
    left: u32,
    right: u32,
}

/// The largest `f32` at most `t`: for an `f32` feature `x`, `x <= below(t)` exactly when
/// `x <= t`, as the trainer compared them (in `f64`).
fn below(t: f64) -> f32 {
    let near = t as f32;
    if f64::from(near) > t {
        near.next_down()
    } else {
        near
    }
}

const LEAF: u16 = u16::MAX;

/// The classifier: a sum of trees read as the log-odds that a block is furniture.
pub struct Model {
    base: f64,
    threshold: f64,
    restore: Option<f64>,
    nodes: Vec<Node>,
    /// Each tree's root in `nodes`, and its node count.
    roots: Vec<(u32, u32)>,
}

impl Model {
    /// An embedded model file, parsed on first use into `cell`. `None` if it does not
    /// match `names` (each classifier has a test that keeps that from shipping).
    pub fn embedded(
        cell: &'static OnceLock<Option<Model>>,
        json: &str,
        names: &[&str],
    ) -> Option<&'static Model> {
        cell.get_or_init(|| Model::parse(json, names)).as_ref()
    }

    /// Reads a model file. `None` if its features are not `names` or a tree is
    /// malformed.
    pub fn parse(json: &str, names: &[&str]) -> Option<Model> {
        let file: ModelFile = serde_json::from_str(json).ok()?;
        let names_match = file
            .features
            .iter()
            .map(String::as_str)
            .eq(names.iter().copied());
        if !names_match || !file.trees.iter().all(|t| t.well_formed(names.len())) {
            return None;
        }
        let mut nodes = Vec::new();
        let mut roots = Vec::with_capacity(file.trees.len());
        for t in &file.trees {
            let root = u32::try_from(nodes.len()).ok()?;
            roots.push((root, u32::try_from(t.feature.len()).ok()?));
            for i in 0..t.feature.len() {
                let at = |v: &[u32]| v.get(i).copied().unwrap_or(0).checked_add(root);
                let feature = t.feature.get(i).copied().unwrap_or(-1);
                nodes.push(Node {
                    number: if feature < 0 {
                        t.value.get(i).copied().unwrap_or(0.0) as f32
                    } else {
                        below(t.threshold.get(i).copied().unwrap_or(0.0))
                    },
                    feature: match feature {
                        f if f < 0 => LEAF,
                        f => u16::try_from(f).ok()?,
                    },
                    left: at(&t.left)?,
                    right: at(&t.right)?,
                });
            }
        }
        Some(Model {
            base: file.base,
            threshold: file.threshold,
            restore: file.restore,
            nodes,
            roots,
        })
    }

    /// One tree's addition to the log-odds for `f`.
    fn tree(&self, (root, len): (u32, u32), f: &[f32]) -> f64 {
        let mut at = root as usize;
        // Each step goes down one level: at most as many steps as the tree has nodes.
        for _ in 0..len {
            let Some(n) = self.nodes.get(at) else {
                return 0.0;
            };
            if n.feature == LEAF {
                return f64::from(n.number);
            }
            let x = f.get(usize::from(n.feature)).copied().unwrap_or(0.0);
            at = if x <= n.number { n.left } else { n.right } as usize;
        }
        0.0
    }

    /// The probability that a unit with features `f` is furniture.
    pub fn furniture(&self, f: &[f32]) -> f64 {
        let z = self.base + self.roots.iter().map(|&r| self.tree(r, f)).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Whether that probability is past the model's threshold.
    pub fn is_furniture(&self, p: f64) -> bool {
        p > self.threshold
    }

    /// Whether a unit the rules dropped is content after all at that probability: below
    /// the model's restore threshold (never, without one).
    pub fn is_restored(&self, p: f64) -> bool {
        self.restore.is_some_and(|r| p < r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["a", "b"];

    #[test]
    fn trees_are_walked_as_written() {
        let json = format!(
            r#"{{"features": {NAMES:?}, "base": 0.0, "threshold": 0.5, "trees": [
                {{"feature": [1, -1, -1], "threshold": [0.5, 0, 0], "left": [1, 0, 0],
                  "right": [2, 0, 0], "value": [0, -2.0, 3.0]}}]}}"#
        );
        let m = Model::parse(&json, NAMES).expect("a well-formed model");
        let mut f = [0.0; 2];
        assert!(!m.is_furniture(m.furniture(&f)));
        assert!(
            !m.is_restored(m.furniture(&f)),
            "no restore threshold: never"
        );
        f[1] = 0.9;
        assert!(m.is_furniture(m.furniture(&f)));
    }

    #[test]
    fn thresholds_round_down_to_the_same_comparisons() {
        for t in [0.1f64, 0.5, 1.0 / 3.0, 2.75431, -0.3, 1e-9, 12345.678] {
            let b = below(t);
            assert!(f64::from(b) <= t);
            assert!(f64::from(b.next_up()) > t, "{t}");
        }
    }

    #[test]
    fn a_malformed_model_is_refused() {
        let json = format!(
            r#"{{"features": {NAMES:?}, "base": 0.0, "threshold": 0.5, "trees": [
                {{"feature": [2], "threshold": [0], "left": [0], "right": [0], "value": [0]}}]}}"#
        );
        assert!(Model::parse(&json, NAMES).is_none());
        assert!(Model::parse("{}", NAMES).is_none());
        let other = json.replace("[\"a\", \"b\"]", "[\"a\", \"c\"]");
        assert!(Model::parse(&other, NAMES).is_none(), "names must match");
    }
}
