"""One spider class serves every registry source; per-source spiders only override small hooks.

The spider fetches, keeps every raw response in the landing area, hands the body to the source's parser
(scrapers/parsers) and yields its items and follow-up requests. It guards paging: a page whose body was
already seen, or more pages than MCATLAS_MAX_PAGES, stops the walk and is counted in the crawl stats.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from scrapers.chain import ItemChain
from scrapers.landing import LandingRun, landing_root, new_run_id, provenance
from scrapers.middlewares.urlpolicy import PolicyRefusal
from scrapers.parsers.base import FollowUp, ParseError, Parser, one_line_reason
from scrapers.registry import Source, get_source

SPIDER_VERSION = "0.1.0"


def failed_request(failure: Failure) -> Request:
    """The request an errback's failure is about: Scrapy sets `failure.request`, which Twisted's Failure (and so its
    type) does not declare."""
    return failure.request  # type: ignore[attr-defined]  # set by Scrapy on errback failures


def failure_exception(failure: Failure) -> BaseException:
    """The exception a failure carries: Twisted types `value` as optional, though a raised Failure always has one."""
    return failure.value if failure.value is not None else RuntimeError(failure.getErrorMessage())


def source_item(item: dict[str, Any], source: str, landed: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """A parsed item as the item chain receives it, in a crawl and in `mcatlas parse` alike: the source's
    `item_defaults` where the parser set nothing (each item its own copy), the source name and the provenance."""
    for key, value in defaults.items():
        if key not in item:
            item[key] = copy.deepcopy(value)
    item["source"] = source
    item["provenance"] = landed
    return item


class SourceSpider(scrapy.Spider):
    """Harvests one registry source; `name` is the source name."""

    name = "source"
    version: ClassVar[str] = SPIDER_VERSION
    source: Source
    parser: Parser
    _chain: ItemChain | None = None

    def __init__(
        self,
        source: str | None = None,
        mode: str = "snapshot",
        run_id: str | None = None,
        landing_dir: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=source or self.name, **kwargs)
        self.source = get_source(source or self.name)
        self.parser = self.source.load_parser()
        self.mode = mode
        self.run_id = run_id or new_run_id()
        self.landing = LandingRun(Path(landing_dir) if landing_dir else landing_root(), self.source.name, self.run_id)
        self.seen_bodies: set[str] = set()
        self.pages = 0

    @property
    def chain(self) -> ItemChain:
        """The run's item chain (scrapers/chain.py): the one item pipeline calls it, parser rejects go through it
        too. Built on first use, since the crawler's stats exist only once the crawl has started."""
        if self._chain is None:
            self._chain = ItemChain.for_landing(self.landing, self.crawler.stats)
        return self._chain

    # --- hooks a source-specific spider may override -------------------------------------------------
    def start_urls_for_run(self) -> list[str]:
        """Registry start URLs, or the whitespace-separated `MCATLAS_START_URLS` setting (tests)."""
        override = str(self.settings.get("MCATLAS_START_URLS") or "").split()
        return override or list(self.source.start_urls)

    def request_for(self, follow: FollowUp) -> Request:
        return Request(
            follow.url,
            method=follow.method,
            body=follow.body,
            headers=follow.headers or None,
            callback=self.parse_response,
            errback=self.on_error,
            meta={"kind": follow.kind, **follow.meta},
        )

    @classmethod
    def item_defaults(cls, source: Source) -> dict[str, Any]:
        """Values every item of `source` gets unless the parser set them (e.g. country, alliance). A class method of
        the registry entry alone, so `mcatlas parse` applies the same defaults without a crawl (`source_item`)."""
        return {}

    # --- the generic walk -----------------------------------------------------------------------------
    async def start(self) -> Any:
        self.logger.info("harvesting %s in %s mode (run %s)", self.source.name, self.mode, self.run_id)
        for url in self.start_urls_for_run():
            yield self.request_for(FollowUp(url=url, kind="start"))

    def on_error(self, failure: Failure) -> Iterator[Any] | None:
        """Counts and logs a failed request; a subclass may also yield items or requests (Scrapy takes either)."""
        if failure.check(PolicyRefusal):
            return None  # counted and logged once by UrlPolicyMiddleware (urls/refused/..., errors/response_too_large)
        request = failed_request(failure)
        kind = type(failure.value).__name__
        self.crawler.stats.inc_value(f"errors/{kind}")
        self.logger.error("request failed: %s %s: %s", request.method, request.url, failure.getErrorMessage())
        return None

    def parse_response(self, response: Response) -> Iterator[Any]:
        stats = self.crawler.stats
        digest = self.landing.save_response(
            response.url,
            response.status,
            {k.decode(): v[0].decode("latin-1") for k, v in response.headers.items()},
            response.body,
            response.request.method if response.request else "GET",
            response.request.body if response.request else None,
        )
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
        except Exception as exc:  # noqa: BLE001 - a parser bug or a hostile body fails this page, never the run's status
            # counted under errors/ so closed() reports the run partial (or failed): the offers this page carried are
            # missing, and a run that missed them must not withdraw them. The raw response is already landed.
            stats.inc_value(f"errors/parser_exception/{type(exc).__name__}")
            reason = f"parser failed: {one_line_reason(exc)}"
            self.landing.write_reject(None, reason, None, url=response.url)
            self.logger.error("cannot parse %s: %s", response.url, reason, exc_info=True)
            return
        stats.inc_value("responses/parsed")
        for name, count in page.stats.items():
            stats.inc_value(name, count)
        for warning in page.warnings:  # read in part (a recovered document): its errors/* counter makes the run partial
            self.logger.warning("%s: %s", response.url, warning)
        for reject in page.rejects:
            self.chain.reject(reject.source_id, reject.reason, reject.raw, url=response.url)
        landed = provenance(self.source.name, self.version, digest, response.url, self.mode)
        defaults = self.item_defaults(self.source)
        for item in page.items:
            stats.inc_value("items/parsed")
            yield source_item(item, self.source.name, landed, defaults)
        for follow in page.follow:
            yield self.request_for(follow)

    # --- failures outside the parser: item pipelines and the callback itself --------------------------------
    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_item_error, signal=signals.item_error)
        crawler.signals.connect(spider.on_spider_error, signal=signals.spider_error)
        return spider

    def _reject_safely(self, source_id: Any, reason: str, raw: Any, url: str | None) -> None:
        """Land a reject; a raw record that cannot be serialised (too deep, say) is dropped, the reason kept."""
        sid = source_id if isinstance(source_id, str) or source_id is None else str(source_id)
        try:
            self.landing.write_reject(sid, reason, raw, url=url)
        except Exception:  # noqa: BLE001 - the reason must land even when the raw record cannot
            self.landing.write_reject(sid, reason, None, url=url)

    def on_item_error(self, item: Any, response: Response | None, spider: scrapy.Spider, failure: Failure) -> None:
        """An exception in an item pipeline (not a DropItem): Scrapy counts nothing, so the run would look ok."""
        exc = failure_exception(failure)
        self.crawler.stats.inc_value(f"errors/item_pipeline/{type(exc).__name__}")
        record = item if isinstance(item, dict) else {}
        raw = {k: v for k, v in record.items() if k != "provenance"}
        url = response.url if isinstance(response, Response) else record.get("url")
        self._reject_safely(record.get("source_id"), f"item pipeline failed: {one_line_reason(exc)}", raw, url)

    def on_spider_error(self, failure: Failure, response: Response | None, spider: scrapy.Spider) -> None:
        """An exception in the callback outside the parser (Scrapy counts it as spider_exceptions/<type>, which
        closed() reads): land the page and the reason, so the failure is visible next to the rejects."""
        url = response.url if isinstance(response, Response) else None
        self._reject_safely(None, f"callback failed: {one_line_reason(failure_exception(failure))}", None, url)

    @staticmethod
    def error_count(stats: dict[str, Any]) -> int:
        """Every failure the run met: errors/* (fetch, parse, parser and pipeline exceptions, empty results) and
        spider_exceptions/<type> (the per-type keys; `spider_exceptions/count` is their total)."""
        return sum(
            v
            for k, v in stats.items()
            if isinstance(v, int)
            and (k.startswith("errors/") or (k.startswith("spider_exceptions/") and k != "spider_exceptions/count"))
        )

    def closed(self, reason: str) -> None:
        """The run's status: ok only when every page parsed and nothing failed; partial runs withdraw nothing."""
        stats = dict(self.crawler.stats.get_stats())
        errors = self.error_count(stats)
        valid = stats.get("offers/valid", 0)
        if valid == 0:
            status = "failed" if errors else "empty"
        elif errors or stats.get("paging/repeated_page") or reason != "finished":
            status = "partial"
        else:
            status = "ok"
        stats.update(
            {
                "mcatlas/status": status,
                "mcatlas/mode": self.mode,
                "mcatlas/run_id": self.run_id,
                "mcatlas/close_reason": reason,
            }
        )
        self.landing.finish(stats, status)
        self.logger.info("%s: %s (%d offers, %d errors)", self.source.name, status, valid, errors)
