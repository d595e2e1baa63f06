"""One spider class serves every registry source; per-source spiders only override small hooks.

The spider fetches, keeps every raw response in the landing area, hands the body to the source's parser
(scrapers/parsers) and yields its items and follow-up requests. It guards paging: a page whose body was
already seen, or more pages than MCATLAS_MAX_PAGES, stops the walk and is counted in the crawl stats.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from scrapers.landing import LandingRun, landing_root, new_run_id
from scrapers.parsers.base import FollowUp, ParseError, Parser
from scrapers.registry import Source, get_source

SPIDER_VERSION = "0.1.0"


class SourceSpider(scrapy.Spider):
    """Harvests one registry source; `name` is the source name."""

    name = "source"
    version: ClassVar[str] = SPIDER_VERSION
    source: Source
    parser: Parser

    def __init__(self, source: str | None = None, mode: str = "snapshot", run_id: str | None = None,
                 landing_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=source or self.name, **kwargs)
        self.source = get_source(source or self.name)
        self.parser = self.source.load_parser()
        self.mode = mode
        self.run_id = run_id or new_run_id()
        self.landing = LandingRun(Path(landing_dir) if landing_dir else landing_root(), self.source.name,
                                  self.run_id)
        self.seen_bodies: set[str] = set()
        self.pages = 0

    # --- hooks a source-specific spider may override -------------------------------------------------
    def start_urls_for_run(self) -> list[str]:
        """Registry start URLs, or the whitespace-separated `MCATLAS_START_URLS` setting (tests)."""
        override = str(self.settings.get("MCATLAS_START_URLS") or "").split()
        return override or list(self.source.start_urls)

    def request_for(self, follow: FollowUp) -> Request:
        return Request(follow.url, method=follow.method, body=follow.body, headers=follow.headers or None,
                       callback=self.parse_response, errback=self.on_error,
                       meta={"kind": follow.kind, **follow.meta})

    def item_defaults(self) -> dict[str, Any]:
        """Values every item of this source gets unless the parser set them (e.g. country, alliance)."""
        return {}

    # --- the generic walk -----------------------------------------------------------------------------
    async def start(self) -> Any:
        self.logger.info("harvesting %s in %s mode (run %s)", self.source.name, self.mode, self.run_id)
        for url in self.start_urls_for_run():
            yield self.request_for(FollowUp(url=url, kind="start"))

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        kind = type(failure.value).__name__
        self.crawler.stats.inc_value(f"errors/{kind}")
        self.logger.error("request failed: %s %s: %s", request.method, request.url, failure.getErrorMessage())

    def parse_response(self, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        digest = self.landing.save_response(
            response.url, response.status, {k.decode(): v[0].decode("latin-1") for k, v in response.headers.items()},
            response.body, response.request.method if response.request else "GET",
            response.request.body if response.request else None)
        if response.status >= 400:
            stats.inc_value(f"errors/http_{response.status}")
            self.logger.error("HTTP %s for %s", response.status, response.url)
            return
        if digest in self.seen_bodies:
            stats.inc_value("paging/repeated_page")
            self.logger.warning("repeated response body at %s: not following it again", response.url)
            return
        self.seen_bodies.add(digest)
        self.pages += 1
        if self.pages > self.settings.getint("MCATLAS_MAX_PAGES"):
            stats.inc_value("paging/max_pages_reached")
            return
        try:
            page = self.parser(response.body, response.url)
        except ParseError as exc:
            stats.inc_value("errors/parse_error")
            self.landing.write_reject(None, f"unparseable response: {exc}", None, url=response.url)
            self.logger.error("cannot parse %s: %s", response.url, exc)
            return
        stats.inc_value("responses/parsed")
        for name, count in page.stats.items():
            stats.inc_value(name, count)
        for reject in page.rejects:
            stats.inc_value(f"rejects/{reject.reason.split(':')[0]}")
            self.landing.write_reject(reject.source_id, reject.reason, reject.raw, url=response.url)
        provenance = {
            "fetched_at": datetime.now(UTC).isoformat(), "spider": self.source.name,
            "spider_version": self.version, "raw_sha256": digest, "source_url": response.url,
            "mode": self.mode,
        }
        defaults = self.item_defaults()
        for item in page.items:
            stats.inc_value("items/parsed")
            for key, value in defaults.items():
                item.setdefault(key, value)
            item["source"] = self.source.name
            item["provenance"] = provenance
            yield item
        for follow in page.follow:
            yield self.request_for(follow)

    def closed(self, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        errors = sum(v for k, v in stats.items() if k.startswith("errors/"))
        valid = stats.get("offers/valid", 0)
        if valid == 0:
            status = "failed" if errors else "empty"
        elif errors or stats.get("paging/repeated_page") or reason != "finished":
            status = "partial"
        else:
            status = "ok"
        stats.update({"mcatlas/status": status, "mcatlas/mode": self.mode, "mcatlas/run_id": self.run_id,
                      "mcatlas/close_reason": reason})
        self.landing.finish(stats, status)
        self.logger.info("%s: %s (%d offers, %d errors)", self.source.name, status, valid, errors)
