//! Where a key of the config file is: the TOML parser's spans, walked by key path, so an
//! error names the line the value is really on (a text search could find a commented-out
//! example, or the same key in another table).

use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One step of a path into the config: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl From<&str> for Step {
    fn from(key: &str) -> Self {
        Step::Key(key.to_string())
    }
}

impl From<usize> for Step {
    fn from(index: usize) -> Self {
        Step::Index(index)
    }
}

/// A key path, e.g. `sources.web[1].seeds[0]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Step>);

impl KeyPath {
    /// The path with one more step.
    pub fn then(&self, step: impl Into<Step>) -> KeyPath {
        let mut steps = self.0.clone();
        steps.push(step.into());
        KeyPath(steps)
    }

    /// The dotted keys without indexes, as a reader names them: `sources.web.seeds`.
    pub fn dotted(&self) -> String {
        let keys: Vec<&str> = self
            .0
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::Index(_) => None,
            })
            .collect();
        keys.join(".")
    }
}

/// The 1-based line of the deepest part of `path` the file holds: the key itself, or
/// the array element, or (when a key was left at its default) the table it belongs in.
/// Line 1 when the text does not parse, which can't happen for a config that
/// deserialised.
pub fn line_of(text: &str, path: &KeyPath) -> usize {
    let span = match DeTable::parse(text) {
        Ok(root) => deepest(&root, &path.0),
        Err(_) => None,
    };
    span.map_or(1, |s| line_at(text, s.start))
}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

fn deepest(root: &Spanned<DeTable<'_>>, path: &[Step]) -> Option<Range<usize>> {
    let mut found: Option<Range<usize>> = None;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
    for step in path {
        let value = match (step, table, array) {
            (Step::Key(k), Some(t), _) => {
                let Some((key, value)) = t.iter().find(|(key, _)| key.get_ref() == k) else {
                    break;
                };
                found = Some(key.span());
                value
            }
            (Step::Index(i), _, Some(a)) => {
                let Some(value) = a.get(*i) else {
                    break;
                };
                found = Some(value.span());
                value
            }
            _ => break,
        };
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a.as_ref()),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: &[Step]) -> KeyPath {
        KeyPath(steps.to_vec())
    }

    #[test]
    fn keys_are_found_by_structure_not_text() {
        let text = "# time_budget_secs = 10 in a comment\n\
                    [store]\npath = 'x'\n\n[fetch]\n\
                    concurrency = 4\ntime_budget_secs = 1e20\n\
                    [[sources.web]]\nname = 'a'\nseeds = ['http://a/']\n\
                    [[sources.web]]\nname = 'b'\nseeds = [\n  'http://b/',\n  'mailto:x',\n]\n";
        let k = |s: &str| Step::Key(s.into());
        assert_eq!(
            line_of(text, &path(&[k("fetch"), k("time_budget_secs")])),
            7
        );
        assert_eq!(
            line_of(text, &path(&[k("sources"), k("web"), 1.into(), k("name")])),
            12
        );
        assert_eq!(
            line_of(
                text,
                &path(&[k("sources"), k("web"), 1.into(), k("seeds"), 1.into()])
            ),
            15
        );
        // A key left at its default: its table's line.
        assert_eq!(line_of(text, &path(&[k("fetch"), k("max_attempts")])), 5);
    }

    #[test]
    fn dotted_names_skip_indexes() {
        let p = KeyPath::default()
            .then("sources")
            .then("web")
            .then(2)
            .then("seeds");
        assert_eq!(p.dotted(), "sources.web.seeds");
    }
}
