#!/usr/bin/env python3
"""Trains the cleaner's learned classifiers and measures them honestly: the HTML
cleaner's block classifier, and with --text the text cleaner's line classifier.

  P=/tmp/gleaner-bench/venv/bin/python        # the bench venv (../shared/bench/setup.sh)
  $P -m pip install scikit-learn              # once
  cargo build --release -p gleaner-clean --example block_samples
  $P bench/classifier/train.py                # measure: grouped cross-validation, cross-set
  $P bench/classifier/train.py --export       # ...then write the model the cleaner embeds
  $P bench/classifier/train.py --text         # the line classifier, on both sets' text dumps
                                              # (../shared/bench/make_dumps.py makes them)
  $P bench/classifier/train.py --text --export

What it learns from: `examples/block_samples.rs` cleans every page of both development
sets (wcxb:dev and trafilatura:dev) with the classifier off and prints the blocks the
rules keep, with their features. A block is labelled from the ground truth:
  wcxb         furniture when at most 20% of its 4-token shingles are in the main text,
               content when at least 60% are (short blocks: their tokens in the text);
  trafilatura  furniture when it holds (or is part of) a must-not snippet, content when
               it holds (or is part of) a must-have one; unlabelled otherwise.
Pages are grouped by site (host without www.): every figure below is out of fold, scored
on sites the model did not learn from, with the benchmark's own metrics (benchlib), the
cleaned text rebuilt as the cleaner builds it (blocks judged furniture dropped but for
headings followed by kept text, headings left last dropped, a region the model would
empty kept whole).

The line classifier (--text) learns from every line of the text dumps, with what the
rules made of the page as features (whether they kept the line, how far it is from a
kept line...); it drops a kept line above the threshold and restores a dropped one below
the restore threshold, and is scored on the dumps as `extract_eval.py --text-dumps` does
(one round: the cleaner repeats rounds until one keeps everything, which the benchmark
then measures).

It prints, for each set: the rules alone, then the classifier at a few thresholds
(5-fold grouped cross-validation over both sets), and the cross-set check (trained on one
set alone, scored on the other). `--export` fits one model on everything and writes
crates/gleaner-clean/src/html/learned/model.json with the chosen threshold.
"""
import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO.parent / "shared" / "bench"))
import benchlib  # noqa: E402

TEXT = "--text" in sys.argv
if TEXT:
    MODEL = REPO / "crates/gleaner-clean/src/text/learned.json"
    FEATURES = REPO / "crates/gleaner-clean/src/text/learned.rs"
else:
    MODEL = REPO / "crates/gleaner-clean/src/html/learned/model.json"
    FEATURES = REPO / "crates/gleaner-clean/src/html/learned/features.rs"
SAMPLES = REPO / "target/release/examples/block_samples"
SETS = ["wcxb:dev", "trafilatura:dev"]
# Up to 130 trees of at most 16 leaves: as accurate out of fold as 300 at a lower rate,
# and the trees are much of the classifier's time. scikit-learn stops early on its own
# 10% validation split (the shipped model has 107).
PARAMS = dict(max_iter=130, learning_rate=0.1, max_depth=5, max_leaf_nodes=16,
              min_samples_leaf=40, l2_regularization=1.0, random_state=0)
# The line classifier judges several hundred lines a page, in two or three rounds: a
# third as many trees, at 2.5 times the rate.
if TEXT:
    PARAMS = dict(PARAMS, max_iter=40, learning_rate=0.25)
THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9]
# The line classifier's (drop above, restore below) pairs.
TEXT_THRESHOLDS = [(hi, lo) for hi in (0.6, 0.7, 0.8) for lo in (0.2, 0.3, 0.4)]
TOKEN = re.compile(r"\w+")


def site(doc):
    host = urlparse(doc.url).netloc.lower() if doc.url else ""
    return host.removeprefix("www.") or doc.id


def samples(spec, cache=None):
    """The dataset's docs and, per doc, {text, blocks} from block_samples (saved in
    `cache`, a directory, when given: while tuning the training, not the cleaner)."""
    docs, _ = benchlib.load_dataset(spec)
    saved = Path(cache, spec.replace(":", "-") + ("-text" if TEXT else "") + ".jsonl") if cache else None
    if saved and saved.exists():
        out = saved.read_text("utf8")
    else:
        dumps = benchlib.CACHE / "dumps" / benchlib.dataset_tag(spec)
        with tempfile.TemporaryDirectory() as tmp:
            for d in docs:
                if TEXT:
                    Path(tmp, f"{d.id}.txt").write_text((dumps / f"{d.id}.txt").read_text("utf8"), "utf8")
                else:
                    Path(tmp, f"{d.id}.html").write_text(d.html, "utf8")
            out = subprocess.run([str(SAMPLES), tmp], capture_output=True, text=True, check=True).stdout
        if saved:
            saved.parent.mkdir(parents=True, exist_ok=True)
            saved.write_text(out, "utf8")
    by_file = {}
    for line in out.splitlines():
        j = json.loads(line)
        # Lines of the rules' output cleaned again train the line classifier but are not
        # the page's own: they are kept apart from what is scored.
        units = j.get("blocks") or []
        j["again"] = [b for b in units if b.get("again")]
        if j.get("blocks") is not None:
            j["blocks"] = [b for b in units if not b.get("again")]
        # A file of the other kind (an HTML page read as text, or the reverse) has the
        # other classifier's units: the page is the rules' alone, as its text says.
        if any(len(b["features"]) != len(NAMES) for b in units):
            j["blocks"], j["again"] = None, []
        by_file[j["file"].removesuffix(".html").removesuffix(".txt")] = j
    return docs, [by_file.get(d.id, {"text": "", "blocks": None}) for d in docs]


def names():
    src = FEATURES.read_text("utf8")
    return re.findall(r'^    "(\w+)",$', src[src.index("NAMES"):src.index("pub const COUNT")], re.M)


NAMES = names()


def kept_by_rules(b):
    """Whether the rules keep a unit: every HTML block sampled, a line as its feature says."""
    return not TEXT or b["features"][0] == 1


def shingle_set(tokens, n=4):
    return {tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))}


def label_wcxb(doc, blocks):
    truth = [t.lower() for t in TOKEN.findall(doc.truth or "")]
    gold = shingle_set(truth)
    joined = " " + " ".join(truth) + " "
    labels = []
    for b in blocks:
        toks = [t.lower() for t in TOKEN.findall(b["text"])]
        if not toks:
            labels.append(None)
            continue
        if len(toks) < 4:
            labels.append(0 if f" {' '.join(toks)} " in joined else 1)
            continue
        sh = shingle_set(toks)
        share = len(sh & gold) / len(sh)
        labels.append(0 if share >= 0.6 else 1 if share <= 0.2 else None)
    return labels


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def label_snippets(doc, blocks):
    must = [norm(w) for w in doc.with_ if norm(w)]
    must_not = [norm(w) for w in doc.without if norm(w)]
    labels = []
    for b in blocks:
        t = norm(b["text"])
        hit = lambda snips: any(s in t or (len(t) >= 15 and t in s) for s in snips)  # noqa: E731
        bad, good = hit(must_not), hit(must)
        labels.append(1 if bad and not good else 0 if good and not bad else None)
    return labels


def rebuild(page, drop):
    """The cleaned text with the blocks `drop` (booleans) cut, as the cleaner builds it."""
    blocks = page["blocks"]
    if blocks is None:
        return page["text"] or ""
    if TEXT:
        # Every line is sampled: the rules' own keep unless the classifier decided.
        if drop is None:
            drop = [not kept_by_rules(b) for b in blocks]
        else:
            # A heading the rules kept introduces the kept line after it (see `learned_round`).
            drop = list(drop)
            for i in range(len(blocks) - 2, -1, -1):
                if drop[i] and blocks[i]["heading"] and kept_by_rules(blocks[i]) and not drop[i + 1]:
                    drop[i] = False
        return "\n\n".join(b["text"] for b, d in zip(blocks, drop) if not d)
    if drop is not None and not all(drop):
        drop = list(drop)
        # A heading followed by kept text stays (see `learned_cut`).
        for i in range(len(blocks) - 2, -1, -1):
            if drop[i] and blocks[i]["heading"] and not drop[i + 1]:
                drop[i] = False
        blocks = [b for b, d in zip(blocks, drop) if not d]
    while blocks and blocks[-1]["heading"]:
        blocks = blocks[:-1]
    return "\n\n".join(b["text"] for b in blocks if b["text"].strip())


def score(spec, docs, pages, drops):
    preds = {d.id: rebuild(p, dr) for d, p, dr in zip(docs, pages, drops)}
    if spec.startswith("wcxb"):
        m = benchlib.score_shingle_docs(docs, preds, n_bootstrap=0)
    else:
        m = benchlib.score_snippet_docs(docs, preds)
    return m["precision"], m["recall"], m["f1"]


class Data:
    """Both sets' blocks as one table: features, labels, weights, and where each row is from."""

    def __init__(self, cache=None, snippet_weight=0.5):
        self.sets = {}
        X, y, w, groups, origin, judged = [], [], [], [], [], []
        scored = []
        for spec in SETS:
            docs, pages = samples(spec, cache)
            self.sets[spec] = (docs, pages)
            label = label_wcxb if spec.startswith("wcxb") else label_snippets
            rows = 0
            for pi, (d, p) in enumerate(zip(docs, pages)):
                blocks = p["blocks"] or []
                # The shingle metric weighs each page the same, and a block by its words.
                sizes = [len(TOKEN.findall(b["text"])) for b in blocks]
                page_size = max(1, sum(sizes))
                again = p.get("again") or []
                for bi, (b, lab) in enumerate(zip(blocks + again, label(d, blocks + again))):
                    own = bi < len(blocks)
                    X.append(b["features"])
                    judged.append(b["judged"])
                    y.append(-1 if lab is None or not b["judged"] else lab)
                    size = sizes[bi] if own else len(TOKEN.findall(b["text"]))
                    w.append(size / page_size if spec == SETS[0] else 1.0)
                    groups.append(site(d))
                    origin.append((spec, pi, bi))
                    scored.append(own)
                    rows += lab is not None
            print(f"{spec}: {len(docs)} pages, {rows} labelled blocks", file=sys.stderr)
        self.X = np.asarray(X, dtype=np.float32)
        self.y = np.asarray(y)
        self.w = np.asarray(w)
        self.groups = np.asarray(groups)
        self.origin = origin
        self.judged = np.asarray(judged, bool)
        self.scored = np.asarray(scored, bool)
        self.spec = np.asarray([o[0] for o in origin])
        first = (self.spec == SETS[0]) & (self.y >= 0)
        self.w[first] *= first.sum() / max(1e-9, self.w[first].sum())
        # The snippet set labels few blocks per page: weigh them up to a share of the other's.
        for spec in SETS[1:]:
            mine = (self.spec == spec) & (self.y >= 0)
            other = (self.spec == SETS[0]) & (self.y >= 0)
            if mine.any():
                self.w[mine] = snippet_weight * other.sum() / mine.sum()

    def fit(self, rows):
        rows = rows & (self.y >= 0)
        model = HistGradientBoostingClassifier(**PARAMS)
        model.fit(self.X[rows], self.y[rows], sample_weight=self.w[rows])
        return model

    def drops(self, proba, threshold):
        """Per set, per page, the drop flags of its blocks (None: unjudged page).
        `threshold` is a (drop above, restore below) pair for lines."""
        hi, lo = threshold if TEXT else (threshold, None)
        out = {s: [None] * len(self.sets[s][0]) for s in SETS}
        for (spec, pi, bi), p, x, j, own in zip(self.origin, proba, self.X, self.judged, self.scored):
            if np.isnan(p) or not j or not own:
                continue
            page = out[spec][pi]
            blocks = self.sets[spec][1][pi]["blocks"]
            if page is None:
                page = out[spec][pi] = [not kept_by_rules(b) for b in blocks]
            page[bi] = p > hi if kept_by_rules(blocks[bi]) else not (lo is not None and p < lo)
        # A page the model would empty is left to the rules.
        for spec in SETS:
            out[spec] = [None if d is not None and all(d) else d for d in out[spec]]
        return out

    def report(self, name, proba, only=None):
        for t in TEXT_THRESHOLDS if TEXT else THRESHOLDS:
            drops = self.drops(proba, t)
            cells = []
            for spec in only or SETS:
                docs, pages = self.sets[spec]
                p, r, f = score(spec, docs, pages, drops[spec])
                cells.append(f"{spec} {p:.3f}/{r:.3f}/{f:.4f}")
            print(f"  {name} t={t}: " + "   ".join(cells))


def export(model, threshold, restore, summary):
    trees = []
    for stage in model._predictors:
        (pred,) = stage
        nodes = pred.nodes
        trees.append({
            "feature": [-1 if n["is_leaf"] else int(n["feature_idx"]) for n in nodes],
            "threshold": [float(n["num_threshold"]) for n in nodes],
            "left": [int(n["left"]) for n in nodes],
            "right": [int(n["right"]) for n in nodes],
            "value": [float(n["value"]) if n["is_leaf"] else 0.0 for n in nodes],
        })
    base = float(np.ravel(model._baseline_prediction)[0])
    out = {"features": NAMES, "base": base, "threshold": threshold, "trees": trees,
           "trained": summary}
    if restore is not None:
        out["restore"] = restore
    return out


def walk(m, x):
    """The exported model's probability, walked as the cleaner walks it (a self-check)."""
    z = m["base"]
    for t in m["trees"]:
        i = 0
        while t["feature"][i] >= 0:
            i = t["left"][i] if float(x[t["feature"][i]]) <= t["threshold"][i] else t["right"][i]
        z += t["value"][i]
    return 1 / (1 + np.exp(-z))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--export", action="store_true", help="fit on everything and write model.json")
    ap.add_argument("--text", action="store_true", help="the text cleaner's line classifier")
    ap.add_argument("--threshold", type=float, default=None,
                    help="the exported model's threshold (default 0.6; lines 0.7)")
    ap.add_argument("--restore", type=float, default=None,
                    help="lines: the exported restore threshold (default 0.2)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", help="a directory keeping block_samples' output between runs")
    ap.add_argument("--snippet-weight", type=float, default=0.5,
                    help="trafilatura:dev's labelled blocks weigh this share of wcxb:dev's")
    args = ap.parse_args()
    if args.threshold is None:
        args.threshold = 0.7 if TEXT else 0.6
    if TEXT and args.restore is None:
        args.restore = 0.2
    data = Data(args.cache, args.snippet_weight)
    n = len(data.y)
    print("rules alone (the classifier off):")
    for spec in SETS:
        docs, pages = data.sets[spec]
        p, r, f = score(spec, docs, pages, [None] * len(docs))
        print(f"  {spec} {p:.3f}/{r:.3f}/{f:.4f}")
    print(f"classifier, {args.folds}-fold cross-validation grouped by site (P/R/F1):")
    oof = np.full(n, np.nan)
    for train, test in GroupKFold(n_splits=args.folds).split(data.X, groups=data.groups):
        rows = np.zeros(n, bool)
        rows[train] = True
        oof[test] = data.fit(rows).predict_proba(data.X[test])[:, 1]
    data.report("cv", oof)
    print("cross-set check: trained on one set alone, scored on the other:")
    for a, b in [(SETS[0], SETS[1]), (SETS[1], SETS[0])]:
        model = data.fit(data.spec == a)
        proba = np.full(n, np.nan)
        proba[data.spec == b] = model.predict_proba(data.X[data.spec == b])[:, 1]
        data.report(f"{a.split(':')[0]}->", proba, [b])
    if args.export:
        model = data.fit(np.ones(n, bool))
        summary = {"sets": SETS, "params": PARAMS, "labelled_blocks": int((data.y >= 0).sum()),
                   "script": "bench/classifier/train.py --export"}
        m = export(model, args.threshold, args.restore if TEXT else None, summary)
        sample = data.X[:: max(1, n // 500)]
        ours = np.array([walk(m, x) for x in sample])
        theirs = model.predict_proba(sample)[:, 1]
        assert np.max(np.abs(ours - theirs)) < 1e-6, "exported trees disagree with sklearn"
        MODEL.write_text(json.dumps(m, separators=(",", ":")) + "\n")
        restore = f", restore below {args.restore}" if TEXT else ""
        print(f"wrote {MODEL.relative_to(REPO)}: {len(m['trees'])} trees, threshold {args.threshold}{restore}")


if __name__ == "__main__":
    main()
