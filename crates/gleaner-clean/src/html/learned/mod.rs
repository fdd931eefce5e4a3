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
pub use crate::trees::{Model, Sample};
#[cfg(test)]
use features::COUNT;
use features::NAMES;
use std::sync::OnceLock;

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

/// The embedded model, parsed once. `None` if it does not match this build's features
/// (a test keeps that from shipping).
pub fn builtin() -> Option<&'static Model> {
    static BUILTIN: OnceLock<Option<Model>> = OnceLock::new();
    Model::embedded(&BUILTIN, MODEL, NAMES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_matches_the_features() {
        assert_eq!(NAMES.len(), COUNT);
        assert!(
            builtin().is_some(),
            "model.json: features or trees do not match"
        );
    }
}
