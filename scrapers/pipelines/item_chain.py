"""The crawl's one item pipeline: hands each item to the spider's `ItemChain` (scrapers/chain.py).

The chain is the spider's (it also takes the parser's rejects), so this stays a thin adapter to Scrapy: a rejected
item becomes a DropItem, a landed one goes on as its landed record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scrapers.processing import shortened

if TYPE_CHECKING:
    from scrapers.spiders.base import SourceSpider


class ItemChainPipeline:
    """clean -> reuse -> normalise -> validate -> check -> land, through the same chain `mcatlas parse` runs."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ItemChainPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        # Every spider of this project is a SourceSpider (scrapers/spiders/base.py), which owns the item chain.
        outcome = cast("SourceSpider", self.crawler.spider).chain(item)
        if outcome.reason is not None:
            raise DropItem(f"rejected {shortened(item.get('source_id'), 80)}: {outcome.reason}")
        return outcome.record or {}
