//! The learned block classifier: gradient-boosted trees over a block's [`features`],
//! deciding whether a block the rules kept is furniture after all (a sidebar teaser's
//! summary, an author's bio, a paywall's pitch, a credit line).
//!
//! The trees are trained by `bench/classifier/train.py` on both development sets (which
//! measures them out of fold first, pages grouped by site so that no site is both
//! learned and judged) and embedded here as `model.json`: the cleaner stays pure and
//! needs no file at run time. About a hundred trees of at most 16 leaves: a few hundred
//! comparisons per block.

pub mod features;

use crate::document::BlockKind;
use features::{Features, COUNT, NAMES};
use serde::Deserialize;
use std::sync::OnceLock;

/// A block the rules kept, with what the classifier sees of it: one training example
/// for `bench/classifier/train.py` (see `examples/block_samples.rs`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Sample {
    /// The block's text.
    pub text: String,
    /// Whether it is a heading (headings left last are dropped after the classifier).
    pub heading: bool,
    /// Its features, in the order of [`features::NAMES`].
    pub features: Vec<f32>,
}

/// Whether the classifier judges a block of this kind. The headline is the page's
/// title whatever the reference texts say, and a list's items (a product's points, a
/// recipe's steps) and a table's rows are judged whole by the rules: the model learned
/// them one by one, and would thin lists and tables out.
pub fn judged(kind: BlockKind) -> bool {
    !matches!(
        kind,
        BlockKind::Heading { level: 1 } | BlockKind::ListItem { .. } | BlockKind::TableRow { .. }
    )
}

/// The embedded model, as `train.py --export` wrote it.
const MODEL: &str = include_str!("model.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    features: Vec<String>,
    /// The log-odds every block starts from.
    base: f64,
    /// A block is furniture above this probability.
    threshold: f64,
    trees: Vec<Tree>,
    /// How the model was trained (sets, parameters, labelled blocks): for people.
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
    fn well_formed(&self) -> bool {
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
            && self.feature.iter().all(|&f| f < COUNT as i32)
            && self
                .left
                .iter()
                .chain(&self.right)
                .all(|&c| (c as usize) < n)
    }
}

/// A tree node, flattened: the trees' nodes sit in one array of 16-byte nodes, so that
/// a block's walk through all the trees stays in a few cache lines.
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
    nodes: Vec<Node>,
    /// Each tree's root in `nodes`, and its node count.
    roots: Vec<(u32, u32)>,
}

impl Model {
    /// The embedded model, parsed once. `None` if it does not match this build's
    /// features (a test keeps that from shipping).
    pub fn builtin() -> Option<&'static Model> {
        static BUILTIN: OnceLock<Option<Model>> = OnceLock::new();
        BUILTIN.get_or_init(|| Model::parse(MODEL)).as_ref()
    }

    fn parse(json: &str) -> Option<Model> {
        let file: ModelFile = serde_json::from_str(json).ok()?;
        let names_match = file
            .features
            .iter()
            .map(String::as_str)
            .eq(NAMES.iter().copied());
        if !names_match || !file.trees.iter().all(Tree::well_formed) {
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
            nodes,
            roots,
        })
    }

    /// One tree's addition to the log-odds for `f`.
    fn tree(&self, (root, len): (u32, u32), f: &Features) -> f64 {
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

    /// The probability that a block with features `f` is furniture.
    pub fn furniture(&self, f: &Features) -> f64 {
        let z = self.base + self.roots.iter().map(|&r| self.tree(r, f)).sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Whether that probability is past the model's threshold.
    pub fn is_furniture(&self, p: f64) -> bool {
        p > self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_matches_the_features() {
        assert_eq!(NAMES.len(), COUNT);
        assert!(
            Model::builtin().is_some(),
            "model.json: features or trees do not match"
        );
    }

    #[test]
    fn trees_are_walked_as_written() {
        let json = format!(
            r#"{{"features": {names:?}, "base": 0.0, "threshold": 0.5, "trees": [
                {{"feature": [1, -1, -1], "threshold": [0.5, 0, 0], "left": [1, 0, 0],
                  "right": [2, 0, 0], "value": [0, -2.0, 3.0]}}]}}"#,
            names = NAMES
        );
        let m = Model::parse(&json).expect("a well-formed model");
        let mut f = [0.0; COUNT];
        assert!(!m.is_furniture(m.furniture(&f)));
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
                {{"feature": [99], "threshold": [0], "left": [0], "right": [0], "value": [0]}}]}}"#
        );
        assert!(Model::parse(&json).is_none());
        assert!(Model::parse("{}").is_none());
    }
}
