"""Konfo / Opintopolku: a search hit is the summary of an education whose detail document the walk fetches.

The parser yields each search hit as an offer (so `mcatlas parse` on a search page prints the educations) and
follows its detail document (`FollowUp.meta["summary_of"]`). In a crawl the detail supersedes the summary: this
spider holds back the summaries it follows, so each education lands once, from its detail, with its levels and
providers. A detail that fails leaves the run partial (an `errors/*` count), which withdraws nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response

from scrapers.spiders.base import SourceSpider


class KonfoSpider(SourceSpider):
    name = "konfo"

    def parse_response(self, response: Response) -> Iterator[Any]:
        out = list(super().parse_response(response))
        followed = {r.meta["summary_of"] for r in out if isinstance(r, Request) and r.meta.get("summary_of")}
        for entry in out:
            if isinstance(entry, dict) and entry.get("source_id") in followed:
                self.crawler.stats.inc_value("konfo/summaries_superseded")
                continue
            yield entry
