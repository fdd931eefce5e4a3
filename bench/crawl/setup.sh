#!/usr/bin/env bash
# Once, before `cargo bench --bench crawl`: Scrapy in a venv of its own, where the bench
# looks for it (GLEANER_SCRAPY_VENV, default /tmp/gleaner-scrapy). Without it the bench
# still runs gleaner and reports Scrapy as skipped.
set -euo pipefail
VENV=${GLEANER_SCRAPY_VENV:-/tmp/gleaner-scrapy}
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "scrapy==${SCRAPY_VERSION:-2.19.0}"
"$VENV/bin/scrapy" version
