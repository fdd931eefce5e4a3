#!/usr/bin/env python3
"""Metadata accuracy on WCXB: gleaner beside trafilatura, title, author and publish date.

  P=/tmp/gleaner-bench/venv/bin/python      # the bench venv (../shared/bench/setup.sh)
  $P bench/metadata.py                      # wcxb:dev, gleaner and trafilatura, one run
  $P bench/metadata.py --show 10            # also 10 failures per field (truth, gleaner, trafilatura)
  $P bench/metadata.py --no-trafilatura     # gleaner alone (quick, while iterating)
  $P bench/metadata.py --cached             # trafilatura's answers saved by the last full run
                                            # (it takes minutes; the final table: a fresh run)
  $P bench/metadata.py --coverage ../shared/devset/trafilatura/html   # a set without truth:
                                            # how many pages each tool gives a field for, dates by year

Both tools see the same bytes and no URL (gleaner cleans a directory of files; trafilatura's
`bare_extraction(html, with_metadata=True)` gets no `url`), so a date in the page's URL counts
only when the page itself states its URL (canonical link, og:url). Per field, over the pages
whose ground truth has that field:
  title   equal after whitespace, case and typographic normalisation (’ as ', – as -)
  author  one contains the other after the same normalisation, list separators made one
          ("A, B, and C" = "A; B; C"; bylines vary in what they include)
  date    the same calendar day (the first 10 characters, YYYY-MM-DD)
A tool that gives nothing scores a miss. Fields are also counted when the truth has none but
the tool gives one ("extra"): a date on a page that states none is a wrong answer too.
"""
import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


# Typographic quotes and dashes read as their plain forms: the reference writes "We've"
# where the page (and so both tools) has "We’ve", and the other way round.
TYPO = str.maketrans({"’": "'", "‘": "'", "´": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})


def norm(s):
    return re.sub(r"\s+", " ", (s or "").translate(TYPO)).strip().lower()


def names(s):
    """An author string with its list separators made one: the reference writes "A, B, and
    C" or "A and B", the tools join with "; " (trafilatura's convention)."""
    return re.sub(r"\s*(?:,\s*and\s+|,|;|&|\band\b)\s*", "; ", norm(s)).strip("; ")


CHECKS = {
    "title": ("title", lambda t, p: norm(t) == norm(p)),
    "author": ("author", lambda t, p: bool(names(p)) and (names(t) in names(p) or names(p) in names(t))),
    "date": ("publish_date", lambda t, p: bool(p) and t[:10] == p[:10]),
}


def read_pages(html_dir):
    pages = {}
    for f in sorted(Path(html_dir).glob("*.html*")):
        raw = f.read_bytes()
        stem = f.name.split(".html")[0]
        pages[stem] = gzip.decompress(raw) if f.name.endswith(".gz") else raw
    return pages


def run_gleaner(binary, pages):
    """{stem: {title, author, date}} from one `gleaner clean --format json --jobs 1` run."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        for stem, raw in pages.items():
            (src / f"{stem}.html").write_bytes(raw)
        t0 = time.perf_counter()
        subprocess.run([binary, "clean", str(src), "--out-dir", str(out), "--format", "json", "--jobs", "1"],
                       check=False, stderr=subprocess.DEVNULL)
        secs = time.perf_counter() - t0
        res = {}
        for stem in pages:
            f = out / f"{stem}.json"
            res[stem] = json.loads(f.read_text("utf8")) if f.is_file() else {}
    return res, secs


def run_trafilatura(pages):
    import trafilatura
    res = {}
    t0 = time.perf_counter()
    for stem, raw in pages.items():
        try:
            doc = trafilatura.bare_extraction(raw, with_metadata=True)
        except Exception:  # a crash is a page with no metadata, as for gleaner
            doc = None
        d = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
        res[stem] = {k: d.get(k) for k in ("title", "author", "date")}
    return res, time.perf_counter() - t0, trafilatura.__version__


def score(truths, results, show, name):
    hits = {f: [0, 0, 0] for f in CHECKS}  # right, with truth, extra (given, truth has none)
    fails = {f: [] for f in CHECKS}
    extras = {f: [] for f in CHECKS}
    for stem, truth in truths.items():
        got = results.get(stem) or {}
        for field, (tkey, ok) in CHECKS.items():
            t, p = truth.get(tkey), got.get(field) or ""
            if not t:
                hits[field][2] += bool(p)
                if p:
                    extras[field].append((stem, p))
                continue
            hits[field][1] += 1
            if ok(t, p):
                hits[field][0] += 1
            else:
                fails[field].append((stem, t, p))
    return hits, fails, extras


def main():
    here = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devset", default=str(here.parent / "shared/devset/wcxb/dev"))
    ap.add_argument("--gleaner", default=str(here / "target/release/gleaner"))
    ap.add_argument("--no-trafilatura", action="store_true", help="gleaner alone")
    ap.add_argument("--cached", action="store_true",
                    help="reuse trafilatura's answers from the last full run on this set, if saved")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print N failures per field")
    ap.add_argument("--field", choices=list(CHECKS), help="with --show: this field only")
    ap.add_argument("--coverage", metavar="HTML_DIR", help="a set without truth: fields given, dates by year")
    args = ap.parse_args()

    if args.coverage:
        return coverage(args)
    dev = Path(args.devset)
    pages = read_pages(dev / "html")
    truths = {}
    for g in sorted((dev / "ground-truth").glob("*.json")):
        truths[g.stem] = json.loads(g.read_text("utf8")).get("ground_truth") or {}
    tools = {}
    gl, gsecs = run_gleaner(args.gleaner, pages)
    tools["gleaner"] = gl
    print(f"gleaner      {len(pages)} pages in {gsecs:.1f}s ({len(pages) / gsecs:.0f} pages/s, --jobs 1, whole clean)")
    if not args.no_trafilatura:
        cache = Path(tempfile.gettempdir(), "gleaner-bench", f"metadata-trafilatura-{dev.resolve().parent.name}-{dev.resolve().name}.json")
        if args.cached and cache.is_file():
            saved = json.loads(cache.read_text("utf8"))
            version, tr = saved["version"], saved["results"]
            print(f"trafilatura  answers from {cache} (a saved run, not this one)")
        else:
            tr, tsecs, version = run_trafilatura(pages)
            print(f"trafilatura  {len(pages)} pages in {tsecs:.1f}s ({len(pages) / tsecs:.1f} pages/s, bare_extraction)")
            if cache.parent.is_dir():
                cache.write_text(json.dumps({"version": version, "results": tr}), "utf8")
        tools[f"trafilatura {version}"] = tr
    scored = {name: score(truths, res, args.show, name) for name, res in tools.items()}
    names = list(tools)
    print()
    print(f"{'field':<8}" + "".join(f"{n:>22}" for n in names) + "    (right/with truth = share; extra)")
    for field in CHECKS:
        row = f"{field:<8}"
        for n in names:
            h, t, x = scored[n][0][field]
            row += f"{f'{h}/{t} = {h / t:.3f}' if t else '-':>22}"
        row += "    extra: " + ", ".join(f"{scored[n][0][field][2]}" for n in names)
        print(row)
    if args.show:
        gfails = scored["gleaner"][1]
        for field in CHECKS:
            if args.field and field != args.field:
                continue
            print(f"\n--- {field}: gleaner failures ({len(gfails[field])}), first {args.show}")
            for stem, t, p in gfails[field][: args.show]:
                others = "".join(f" | {n.split()[0]}: {(tools[n].get(stem) or {}).get(field)!r}" for n in names[1:])
                print(f"{stem}: truth {t!r} | gleaner {p!r}{others}")
            gextra = scored["gleaner"][2][field]
            print(f"--- {field}: gleaner extras, given where the truth has none ({len(gextra)}), first {args.show}")
            for stem, p in gextra[: args.show]:
                print(f"{stem}: gleaner {p!r}")


def coverage(args):
    pages = read_pages(args.coverage)
    tools = {"gleaner": run_gleaner(args.gleaner, pages)[0]}
    if not args.no_trafilatura:
        tools["trafilatura"] = run_trafilatura(pages)[0]
    for name, res in tools.items():
        given = {f: sum(bool((r or {}).get(f)) for r in res.values()) for f in CHECKS}
        years = {}
        for r in res.values():
            d = (r or {}).get("date") or ""
            y = d[:4] if re.match(r"\d{4}-\d\d-\d\d", d) else ("unparsed" if d else None)
            if y:
                years[y] = years.get(y, 0) + 1
        print(f"{name:<12} {len(pages)} pages; given: " + ", ".join(f"{f} {n}" for f, n in given.items()))
        print("  dates by year: " + ", ".join(f"{y}: {n}" for y, n in sorted(years.items())))
    if "trafilatura" in tools:
        both = [s for s in pages if all((r.get(s) or {}).get("date") for r in tools.values())]
        same = [s for s in both if len({(r.get(s) or {}).get("date")[:10] for r in tools.values()}) == 1]
        print(f"dates: both tools give one on {len(both)} pages, the same day on {len(same)}")
        if args.show:
            print(f"--- dates that differ, first {args.show}")
            for s in [s for s in both if s not in same][: args.show]:
                print(s, {n: (r.get(s) or {}).get("date") for n, r in tools.items()})

if __name__ == "__main__":
    sys.exit(main())
