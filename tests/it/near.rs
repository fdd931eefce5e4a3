//! Near-duplicates through the CLI, on the seeds: five articles about one event
//! (none may be linked to another) and altered copies of each (each must be).

use crate::helpers::*;

/// A copy of a seed as another site would serve it: a byline on top, an ad in the
/// middle, and one sentence edited.
fn altered(seed: &str) -> String {
    let lines: Vec<&str> = seed.lines().collect();
    let mid = lines.len() / 2;
    let mut out = vec!["By Staff Writer | March 3, 2025", ""];
    out.extend_from_slice(&lines[..mid]);
    out.extend_from_slice(&[
        "",
        "Advertisement",
        "Subscribe now and save 50% on your first year!",
        "",
    ]);
    out.extend_from_slice(&lines[mid..]);
    // One word swapped, in the first sentence that has it.
    out.join("\n").replacen(" the ", " this ", 1)
}

#[test]
fn seeds_are_not_near_each_other_and_their_altered_copies_are() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for stem in SEEDS {
        std::fs::write(inputs.join(format!("a_{stem}.txt")), seed(stem)).unwrap();
        std::fs::write(inputs.join(format!("b_{stem}.txt")), altered(&seed(stem))).unwrap();
    }
    let store = dir.path().join("store");
    // Templates would learn the shared byline and ad lines: one variant per seed is
    // the point here, not the batch's furniture.
    let cfg = dir.path().join("g.toml");
    std::fs::write(&cfg, "[clean.text]\ntemplates = false\n").unwrap();
    let (code, _, summary) = run(&[
        "clean",
        s(&inputs),
        "--store",
        s(&store),
        "--jobs",
        "1",
        "--config",
        s(&cfg),
    ]);
    assert_eq!(code, 0, "{summary}");
    let (code, out, err) = run(&["export", "--store", s(&store), "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let docs = json_lines(&out);
    let by_locator = |prefix: &str| -> Vec<&serde_json::Value> {
        docs.iter()
            .filter(|d| {
                d["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["locator"].as_str().unwrap().contains(prefix))
            })
            .collect()
    };
    for stem in SEEDS {
        let original = by_locator(&format!("a_{stem}"));
        assert_eq!(original.len(), 1, "{stem}");
        let original = original[0];
        assert!(
            original.get("near_duplicate_of").is_none(),
            "seed {stem} linked to another seed: {original}"
        );
        // The copy is the same document (the cleaner dropped all it added) or a new one
        // linked to the seed.
        let copy = by_locator(&format!("b_{stem}"));
        assert_eq!(copy.len(), 1, "{stem}");
        let copy = copy[0];
        assert!(
            copy["hash"] == original["hash"] || copy["near_duplicate_of"] == original["hash"],
            "copy of {stem} not recognised: {}",
            copy["text"]
        );
    }
    let linked = docs
        .iter()
        .filter(|d| d.get("near_duplicate_of").is_some())
        .count();
    // Every copy kept something the cleaner could not tell from the article (the edited
    // sentence at least): five new documents, each linked.
    assert_eq!(linked, SEEDS.len(), "{out}");
    // `show` names the document a near-duplicate is linked to.
    let copy = docs
        .iter()
        .find(|d| d.get("near_duplicate_of").is_some())
        .unwrap();
    let seq = copy["seq"].to_string();
    let (code, shown, err) = run(&["show", "--store", s(&store), &seq]);
    assert_eq!(code, 0, "{err}");
    let of = copy["near_duplicate_of"].as_str().unwrap();
    assert!(shown.contains(&format!("near:     {of}")), "{shown}");
    assert!(
        summary.contains(&format!("{linked} near-duplicates")),
        "{summary}"
    );
}
