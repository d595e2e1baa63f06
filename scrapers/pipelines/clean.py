from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from models.normalise.reuse import PreviousRecords, input_hash, with_provenance
from scrapers.landing import finished_runs
from scrapers.processing import RejectItem, check_raw_size, clean, shortened

REUSED = "_reused"  # marks an item taken over from the previous run: normalise and validate leave it alone


class CleanPipeline:
    """Markup out, whitespace folded: later steps only ever see plain text.

    First, though, the parsed item's input hash is looked up in the previous landing run of the same source: an
    unchanged input gets that run's normalised record back (with this crawl's provenance) and is not cleaned,
    normalised or validated again (counted as `normalise/reused`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.previous: PreviousRecords | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler)

    def _previous(self) -> PreviousRecords:
        if self.previous is None:
            self.previous = PreviousRecords()
            landing = getattr(self.crawler.spider, "landing", None)
            if landing is not None:
                runs = [r for r in finished_runs(landing.dir.parent.parent, landing.source)
                        if r.name != landing.run_id and (r / "offers.jsonl").exists()]
                if runs:
                    self.previous = PreviousRecords.from_offer_files([Path(runs[-1] / "offers.jsonl")])
        return self.previous

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        try:
            check_raw_size(item)  # before hashing: an oversized item is refused without being serialised
        except RejectItem as exc:
            reason = str(exc)
            self.crawler.stats.inc_value(f"rejects/{reason.split(':')[0]}")
            raw = shortened({k: v for k, v in item.items() if k != "provenance"})
            landing = getattr(self.crawler.spider, "landing", None)
            if landing is not None:
                landing.write_reject(shortened(item.get("source_id")), reason, raw, url=shortened(item.get("url")))
            raise DropItem(f"rejected {shortened(item.get('source_id'), 80)}: {reason}") from None
        key = input_hash(item)
        line = self._previous().get(key)
        if line is not None:
            self.crawler.stats.inc_value("normalise/reused")
            record = orjson.loads(with_provenance(line, item.get("provenance")))
            record[REUSED] = True
            return record
        item["input_hash"] = key
        return clean(item)
