from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from models.normalise.offer import normalise_item
from scrapers.pipelines.clean import REUSED


class NormalisePipeline:
    """As-given values onto the schema's normalised fields (rules live in models/normalise)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalisePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.get(REUSED):
            return item
        self.crawler.stats.inc_value("normalise/normalised")
        return normalise_item(item)
