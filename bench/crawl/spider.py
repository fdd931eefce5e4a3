"""The Scrapy side of `cargo bench --bench crawl`: the minimal spider equivalent to
`gleaner run` on the bench's loopback site. It follows same-site links from the start
page, obeys robots.txt and saves every page body to a file; no cleaning, which gleaner
does on top, so the ratio is, if anything, in Scrapy's favour.

    scrapy runspider bench/crawl/spider.py -a start=http://127.0.0.1:PORT/ \
        -a out=DIR -s CLOSESPIDER_PAGECOUNT=10000
"""

import hashlib
import os

import scrapy
from scrapy.linkextractors import LinkExtractor


class BenchSpider(scrapy.Spider):
    name = "bench"
    allowed_domains = ["127.0.0.1"]
    custom_settings = {
        # Politeness off, like the bench's gleaner config (delay_secs = 0, 16 per host).
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
        # Breadth first, as a crawl frontier goes; Scrapy's default is depth first.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "COOKIES_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "USER_AGENT": "scrapy-bench",
    }

    def __init__(self, start, out, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.out = out
        os.makedirs(out, exist_ok=True)
        # Same-site is left to the offsite middleware (allowed_domains): the extractor's
        # allow_domains compares host:port, which never equals a bare host.
        self.links = LinkExtractor()

    def parse(self, response):
        name = hashlib.sha1(response.url.encode()).hexdigest() + ".html"
        with open(os.path.join(self.out, name), "wb") as f:
            f.write(response.body)
        for link in self.links.extract_links(response):
            yield response.follow(link.url, self.parse)
