#!/usr/bin/env python3
"""Page-type accuracy of gleaner on WCXB: `page_type` in the JSON output vs the ground truth.

  python3 bench/page_type.py [--devset ../shared/devset/wcxb/dev] [--gleaner target/release/gleaner]
                             [--show TRUTH,PREDICTED]

Cleans every page with `gleaner clean DIR --out-dir OUT --format json` (bare files: the
only URL gleaner sees is the page's own canonical link) and compares each page's
`page_type` with the ground truth's `_internal.page_type.primary`. WCXB's "collection"
(product grids, category and browse pages) is gleaner's "listing". Prints the confusion
matrix (rows: truth, columns: gleaner), recall and precision per type, the accuracy, and
the pages gleaner marked as soft 404s (all WCXB pages are real pages: each is a false
alarm). `--show article,service` lists the ids of pages of one cell.
"""
import argparse
import collections
import gzip
import json
import subprocess
import tempfile
from pathlib import Path

TYPES = ["article", "listing", "forum", "product", "documentation", "service", "other"]
# WCXB's types that gleaner names otherwise.
TRUTH_MAP = {"collection": "listing"}


def main():
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devset", default=str(here.parent / "shared/devset/wcxb/dev"))
    ap.add_argument("--gleaner", default=str(here / "target/release/gleaner"))
    ap.add_argument("--show", help="TRUTH,PREDICTED: list the page ids of that cell")
    args = ap.parse_args()
    dev = Path(args.devset)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        for f in sorted((dev / "html").glob("*.html.gz")):
            (src / f.name[:-3]).write_bytes(gzip.decompress(f.read_bytes()))
        subprocess.run([args.gleaner, "clean", str(src), "--out-dir", str(out), "--format", "json"],
                       check=False, stderr=subprocess.DEVNULL)
        matrix = collections.Counter()
        cells = collections.defaultdict(list)
        soft = []
        for g in sorted((dev / "ground-truth").glob("*.json")):
            truth = json.loads(g.read_text("utf8"))["_internal"]["page_type"]["primary"]
            truth = TRUTH_MAP.get(truth, truth)
            o = out / f"{g.stem}.json"
            rec = json.loads(o.read_text("utf8")) if o.exists() else {}
            pred = rec.get("page_type") or "none"
            if rec.get("soft_404"):
                soft.append(g.stem)
            matrix[(truth, pred)] += 1
            cells[(truth, pred)].append(g.stem)
    cols = TYPES + (["none"] if any(p == "none" for _, p in matrix) else [])
    rows = [t for t in TYPES if any(matrix[(t, p)] for p in cols)]
    print("truth \\ gleaner " + " ".join(f"{c[:6]:>7}" for c in cols) + "   recall")
    for t in rows:
        n = sum(matrix[(t, p)] for p in cols)
        print(f"{t:16s}" + " ".join(f"{matrix[(t, p)]:7d}" for p in cols) + f"   {matrix[(t, t)] / n:.3f}")
    print("precision       " + " ".join(
        f"{matrix[(c, c)] / max(1, sum(matrix[(t, c)] for t in TYPES)):7.3f}" for c in cols))
    total = sum(matrix.values())
    right = sum(matrix[(t, t)] for t in TYPES)
    print(f"accuracy {right / total:.3f} ({right}/{total}); soft 404s marked: {len(soft)} {soft[:10]}")
    if args.show:
        t, p = args.show.split(",")
        print(" ".join(cells[(t, p)]))


if __name__ == "__main__":
    main()
