from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scrapers.pipelines.clean import REUSED
from scrapers.processing import RejectItem, validate


class ValidatePipeline:
    """Items that do not fit the schema are set aside in the landing rejects with their reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.pop(REUSED, False):
            return item  # validated when the previous run produced it, by the same normaliser version
        try:
            return validate(item).model_dump(mode="json")
        except RejectItem as exc:
            spider = self.crawler.spider
            reason = str(exc)
            self.crawler.stats.inc_value(f"rejects/{reason.split(':')[0]}")
            raw = {k: v for k, v in item.items() if k != "provenance"}  # fetch time would make each run's reject new
            spider.landing.write_reject(item.get("source_id"), reason, raw, url=item.get("url"))
            raise DropItem(f"rejected {item.get('source_id')}: {reason}") from None
