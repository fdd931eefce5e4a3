#!/usr/bin/env python3
"""Metadata accuracy of gleaner on WCXB: title, author and publish date vs the ground truth.

  python3 bench/metadata.py [--devset ../shared/devset/wcxb/dev] [--gleaner target/release/gleaner]

Cleans every page with `gleaner clean --format json` and compares, per field, over the pages
whose ground truth has that field:
  title   equal after whitespace and case normalisation
  author  one contains the other after normalisation (bylines vary in what they include)
  date    the same calendar day (the first 10 characters, YYYY-MM-DD)
"""
import argparse
import gzip
import json
import re
import subprocess
import tempfile
from pathlib import Path


def norm(s):
    return re.sub(r"\s+", " ", s or "").strip().lower()


def main():
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devset", default=str(here.parent / "shared/devset/wcxb/dev"))
    ap.add_argument("--gleaner", default=str(here / "target/release/gleaner"))
    args = ap.parse_args()
    dev = Path(args.devset)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        for f in sorted((dev / "html").glob("*.html.gz")):
            (src / f.name[:-3]).write_bytes(gzip.decompress(f.read_bytes()))
        subprocess.run([args.gleaner, "clean", str(src), "--out-dir", str(out), "--format", "json"],
                       check=False, stderr=subprocess.DEVNULL)
        hits = {"title": [0, 0], "author": [0, 0], "date": [0, 0]}
        for g in sorted((dev / "ground-truth").glob("*.json")):
            truth = json.loads(g.read_text("utf8")).get("ground_truth") or {}
            f = out / f"{g.stem}.json"
            got = json.loads(f.read_text("utf8")) if f.is_file() else {}
            checks = {
                "title": (truth.get("title"), lambda t, p: norm(t) == norm(p)),
                "author": (truth.get("author"),
                           lambda t, p: bool(norm(p)) and (norm(t) in norm(p) or norm(p) in norm(t))),
                "date": (truth.get("publish_date"), lambda t, p: bool(p) and t[:10] == p[:10]),
            }
            for field, (t, ok) in checks.items():
                if not t:
                    continue
                hits[field][1] += 1
                hits[field][0] += bool(ok(t, got.get(field) or ""))
    for field, (h, n) in hits.items():
        print(f"{field:<7} {h:4d}/{n:<4d} = {h / n:.3f}" if n else f"{field:<7} -")


if __name__ == "__main__":
    main()
