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
    # First on the way out (and last on the way back): no request with a URL the policy refuses
    # (models/urls.py) reaches the downloader, including start URLs, redirects and robots.txt.
    "scrapers.middlewares.urlpolicy.UrlPolicyMiddleware": 1,
    # Last before the network: in snapshot mode it answers every request itself.
    "scrapers.middlewares.replay.ReplayMiddleware": 950,
}

# One item pipeline: the spider's ItemChain (scrapers/chain.py), the chain `mcatlas parse` and the benchmark run:
# size check -> reuse | (clean -> normalise -> validate) -> check -> land.
ITEM_PIPELINES = {"scrapers.pipelines.item_chain.ItemChainPipeline": 100}

MCATLAS_MAX_PAGES = 10_000
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Progress of long crawls: pages and items so far, in the terminal and the Dagster run log.
LOGSTATS_INTERVAL = 15.0
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 (installed) starts its remote-control HTTP server (runs Python code sent to it) unless this is
# False (scrapy.extensions.remote_control, default True); a harvester never needs it.
REMOTE_CONTROL_ENABLED = False

# A response larger than this is cut and counted as `errors/response_too_large` (the run is then not `ok`);
# a source with larger documents raises it in its registry `settings`, never to 0 (no limit).
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 32 * 1024 * 1024
# Live mode refuses loopback/private addresses; local test servers are exempted by exact `host:port`
# on the command line (`-s MCATLAS_ALLOW_PRIVATE_HOSTS=127.0.0.1:8080`) or the environment variable of the
# same name, never in the registry; a run using it logs a warning and records `urls/private_allowed_hosts`.
MCATLAS_ALLOW_PRIVATE_HOSTS = ""
# Names that resolve to a loopback/private/link-local address are refused at the lookup, before any connection
# (the URL policy can only see IP literals and local-only names).
TWISTED_DNS_RESOLVER = "scrapers.resolver.PublicOnlyResolver"
# Only HTTP(S) can be fetched at all: even a URL that slipped past the policy could not read a local file
# (file:), run a data: URL or reach FTP/S3. Snapshot replay answers in its middleware, not through a handler.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}

# Offline replay: no network, so no robots.txt, no delays.
SNAPSHOT_SETTINGS = {
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}
