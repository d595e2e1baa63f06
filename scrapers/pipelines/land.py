from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from scrapers.landing import landed_line


class LandPipeline:
    """Writes each valid offer to the run's landing folder (duplicates within a run are counted, kept once)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LandPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        sid = item["source_id"]
        if sid in self.seen:
            self.crawler.stats.inc_value("offers/duplicate_in_run")
            return item
        self.seen.add(sid)
        line, item["record_hash"] = landed_line(item)
        self.crawler.spider.landing.write_line("offers.jsonl", line)
        return item
