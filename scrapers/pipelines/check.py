from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from scrapers.processing import missing_fields


class CheckPipeline:
    """Counts missing standard elements in the crawl stats; never drops an item."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CheckPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        for name in missing_fields(item):
            self.stats.inc_value(f"missing_field/{name}")
        self.stats.inc_value("offers/valid")
        return item
