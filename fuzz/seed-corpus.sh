#!/usr/bin/env bash
# Seeds every fuzz target's corpus from the test fixtures and the shipped config.
#
# The structure-aware targets (clean_head, url_normalise, robots_sitemap, config) read
# their input partly as raw text and partly as the randomness of a generator, so any
# bytes are a valid input; their seeds are kept small (a few kB) so that libFuzzer's
# default -max_len, taken from the largest seed, stays small and runs stay fast.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures
for t in clean_html clean_text clean_head url_normalise robots_sitemap config warc; do
    mkdir -p "corpus/$t"
done

# clean_html: whole pages; clean_text: text dumps.
cp "$fixtures"/wcxb/*.html "$fixtures"/charset/*.html "$fixtures"/comments/*.html corpus/clean_html/
cp "$fixtures"/seeds/*.txt corpus/clean_text/

# warc: a small crawl, uncompressed (first byte even) and to be gzipped (odd): a
# warcinfo, a request and a chunked response.
warc_records() {
    local http='HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n<html><p>Hello there.</p>\r\n0\r\n\r\n'
    printf 'WARC/1.1\r\nWARC-Type: warcinfo\r\nContent-Length: 10\r\n\r\nsoftware: \r\n\r\n'
    printf 'WARC/1.1\r\nWARC-Type: request\r\nWARC-Target-URI: https://a.example/\r\nContent-Length: 18\r\n\r\nGET / HTTP/1.1\r\n\r\n\r\n\r\n'
    printf 'WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n' "$(printf "$http" | wc -c)"
    printf "$http"
    printf '\r\n\r\n'
}
{ printf '\x00'; warc_records; } >corpus/warc/plain.warc
{ printf '\x01'; warc_records; } >corpus/warc/gzipped.warc

# clean_head: the pages are built into the target; its input picks one and describes
# the mutations. Seed it with the start of the ground-truth records and text dumps
# (real dates, names, titles and URLs for the generators' strings), and the fuzz
# regression inputs of this target.
for f in "$fixtures"/wcxb/*.json "$fixtures"/seeds/*.txt; do
    head -c 2048 "$f" >"corpus/clean_head/$(basename "$f")"
done
for f in "$fixtures"/fuzz/clean_head-*; do
    if [ -e "$f" ]; then cp "$f" corpus/clean_head/; fi
done

# url_normalise: the first line is a URL as written; the rest drives the generators.
# Every href and src of the fixture pages, and the URLs of the shipped config.
i=0
{
    grep -ohaE '(href|src)="[^"]{1,300}"' "$fixtures"/wcxb/*.html "$fixtures"/comments/*.html \
        | sed -E 's/^(href|src)="//; s/"$//'
    grep -ohaE 'https?://[^" ]+' ../config/gleaner.toml
    printf '%s\n' 'HTTP://Example.COM:80/a/b?utm_source=x&id=3&fbclid=y&REF=z#top' \
        'http://h.org/p?q=a+b&utm%5Fmedium=m&z=%2C' 'https://bücher.de/straße/2024/03/0é5/' \
        '//cdn.example.org/x' '../other?utm_campaign=c#x' 'mailto:a@b.c' 'http://[::1]:8080/'
} | sort -u | awk 'NR <= 400' | while IFS= read -r url; do
    i=$((i + 1))
    printf '%s\n' "$url" >"corpus/url_normalise/url-$(printf '%04d' "$i")"
done
for f in "$fixtures"/fuzz/url_normalise-*; do
    if [ -e "$f" ]; then cp "$f" corpus/url_normalise/; fi
done

# robots_sitemap: small HTML pages and page heads (links, canonical, feeds, robots
# meta), and a robots.txt, sitemap, sitemap index and feeds like those the fetch tests
# serve.
cp "$fixtures"/charset/*.html corpus/robots_sitemap/
for f in "$fixtures"/wcxb/*.html; do
    head -c 4096 "$f" >"corpus/robots_sitemap/head-$(basename "$f")"
done
cat >corpus/robots_sitemap/robots.txt <<'EOF'
User-agent: *
Disallow: /private/
Allow: /private/open$
Disallow: /*?print=
Crawl-delay: 2.5

User-agent: gleaner
Disallow: /no-gleaner/
Crawl-delay: 1e40
Sitemap: http://example.org/sitemap.xml
Sitemap: http://example.org/sitemap-index.xml.gz
EOF
cat >corpus/robots_sitemap/sitemap.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc> http://example.org/a?x=1&amp;y=2 </loc><lastmod>2024-03-05</lastmod>
<image:image><image:loc>http://example.org/i.png</image:loc></image:image></url>
<url><loc><![CDATA[http://example.org/b]]></loc></url>
<url><loc>http://example.org/&#233;t&#xE9;</loc></url>
</urlset>
EOF
cat >corpus/robots_sitemap/sitemap-index.xml <<'EOF'
<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://example.org/s1.xml.gz</loc></sitemap>
<sitemap><loc>http://example.org/s2.xml</loc></sitemap>
</sitemapindex>
EOF
cat >corpus/robots_sitemap/rss.xml <<'EOF'
<?xml version="1.0"?>
<rss version="2.0"><channel><link>http://example.org/</link>
<item><title>T</title><link>http://example.org/p1</link></item>
<item><link>http://example.org/p2?a=1&amp;b=2</link></item></channel></rss>
EOF
cat >corpus/robots_sitemap/atom.xml <<'EOF'
<feed xmlns="http://www.w3.org/2005/Atom"><link href="http://example.org/"/>
<entry><link rel="self" href="http://example.org/self"/><link href="http://example.org/e1"/></entry>
<entry><link rel="alternate" href="http://example.org/e2"/></entry></feed>
EOF
gzip -c corpus/robots_sitemap/sitemap.xml >corpus/robots_sitemap/sitemap.xml.gz
for f in "$fixtures"/fuzz/robots_sitemap-*; do
    if [ -e "$f" ]; then cp "$f" corpus/robots_sitemap/; fi
done

# config: the shipped config, its commented-out web site example switched on, and
# the fuzz regression inputs of this target.
cp ../config/gleaner.toml corpus/config/gleaner.toml
{
    cat ../config/gleaner.toml
    sed -n '/^# \[\[sources.web\]\]/,/^$/p' ../config/gleaner.toml | sed -E 's/^# ?//'
} >corpus/config/gleaner-web.toml
printf '[fetch]\ntime_budget_secs = 1e20\nconcurrency = 18446744073709551615\n' \
    >corpus/config/overflow.toml
for f in "$fixtures"/fuzz/config-*; do
    if [ -e "$f" ]; then cp "$f" corpus/config/; fi
done

for t in clean_html clean_text clean_head url_normalise robots_sitemap config; do
    echo "$t: $(ls "corpus/$t" | wc -l) seeds"
done
