#!/usr/bin/env bash
# Seeds the fuzz corpora from the test fixtures (HTML pages, charset traps, text dumps).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/clean_html corpus/clean_text
cp ../tests/fixtures/wcxb/*.html ../tests/fixtures/charset/*.html corpus/clean_html/
cp ../tests/fixtures/seeds/*.txt corpus/clean_text/
echo "corpora: $(ls corpus/clean_html | wc -l) HTML, $(ls corpus/clean_text | wc -l) text"
