"""KTH Kopps: each programme offer waits for its curriculum, which names its member courses.

`programmes/all` gives the programmes still admitting (scrapers/parsers/kopps.py); for each, the spider asks for its
curriculum of the run's admission term (`options.curriculum_term` in the registry, or `-s MCATLAS_KOPPS_TERM=20271`)
and holds the programme offer until that curriculum answers: its courses become course offers and the programme
offer gets them as member courses. A curriculum that fails or is missing releases its programme without members (the
failure is counted, so the run is not `ok`); nothing is held back at the end of a run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response
from twisted.python.failure import Failure

from scrapers.parsers import kopps
from scrapers.parsers.base import FollowUp
from scrapers.spiders.base import SourceSpider, failed_request

CURRICULUM = "curriculum"


class KoppsSpider(SourceSpider):
    name = "kth_kopps"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held: dict[str, dict[str, Any]] = {}

    def curriculum_term(self) -> str | None:
        term = self.settings.get("MCATLAS_KOPPS_TERM") or self.source.options.get("curriculum_term")
        return (str(term).strip() or None) if term else None

    def parse_response(self, response: Response) -> Iterator[Any]:
        if response.meta.get("kind") == CURRICULUM:
            yield from super().parse_response(response)
            code = response.meta.get("programme_code")
            item = self.held.pop(code, None) if isinstance(code, str) else None
            if item is not None:
                members = kopps.members_of(response.body, response.url) if response.status < 400 else []
                yield kopps.with_members(item, members)
            return
        term = self.curriculum_term()
        for out in super().parse_response(response):
            code = out.get("extras", {}).get("programme_code") if isinstance(out, dict) else None
            if term and isinstance(code, str) and code not in self.held:
                self.held[code] = out
                self.crawler.stats.inc_value("kopps/curricula_requested")
                yield self.request_for(
                    FollowUp(kopps.curriculum_url(code, term), kind=CURRICULUM, meta={"programme_code": code})
                )
                continue
            yield out

    def on_error(self, failure: Failure) -> Iterator[Any]:
        super().on_error(failure)
        request = failed_request(failure)
        code = request.meta.get("programme_code")
        if request.meta.get("kind") == CURRICULUM and isinstance(code, str) and code in self.held:
            yield self.held.pop(code)
