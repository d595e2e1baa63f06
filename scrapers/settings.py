"""Scrapy settings shared by every MC Atlas spider; polite by default."""

from __future__ import annotations

BOT_NAME = "mcatlas"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

USER_AGENT = "MCAtlasBot/0.1 (+https://github.com/mcatlas/mcatlas; open data on European micro-credentials)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
# Error responses reach the spider so it can record them instead of losing them silently.
HTTPERROR_ALLOW_ALL = True

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.backoff.BackoffRetryMiddleware": 550,
    "scrapers.middlewares.backoff.BackoffDelayMiddleware": 560,
    # Last before the network: in snapshot mode it answers every request itself.
    "scrapers.middlewares.replay.ReplayMiddleware": 950,
}

# clean -> normalise -> validate -> check -> land, one small pipeline per file (alltheplaces order).
ITEM_PIPELINES = {
    "scrapers.pipelines.clean.CleanPipeline": 100,
    "scrapers.pipelines.normalise.NormalisePipeline": 200,
    "scrapers.pipelines.validate.ValidatePipeline": 300,
    "scrapers.pipelines.check.CheckPipeline": 400,
    "scrapers.pipelines.land.LandPipeline": 900,
}

MCATLAS_MAX_PAGES = 10_000
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Progress of long crawls: pages and items so far, in the terminal and the Dagster run log.
LOGSTATS_INTERVAL = 15.0
TELNETCONSOLE_ENABLED = False

# Offline replay: no network, so no robots.txt, no delays.
SNAPSHOT_SETTINGS = {
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}
