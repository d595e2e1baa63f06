"""FutureLearn: the programs feed is read first so every course item can name the programs it belongs to.

The course feeds are requested once the programs feed has answered (or failed), so `part_of` is filled
without holding items back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response
from twisted.python.failure import Failure

from scrapers.parsers.base import FollowUp
from scrapers.spiders.base import SourceSpider, failed_request


class FutureLearnSpider(SourceSpider):
    name = "futurelearn"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_of: dict[str, list[str]] = {}
        self.waiting: list[str] = []

    async def start(self) -> Any:
        urls = self.start_urls_for_run()
        programs = [u for u in urls if "program" in u]
        self.waiting = [u for u in urls if u not in programs]
        for url in programs or self.waiting:
            yield self.request_for(FollowUp(url=url, kind="programs" if programs else "start"))
        if not programs:
            self.waiting = []

    def _release(self) -> Iterator[Any]:
        urls, self.waiting = self.waiting, []
        for url in urls:
            yield self.request_for(FollowUp(url=url, kind="start"))

    def parse_response(self, response: Response) -> Iterator[Any]:
        for out in super().parse_response(response):
            if isinstance(out, dict):
                extras = out.get("extras") or {}
                if out["source_id"].startswith("program:"):
                    for key in [*extras.get("course_ids", []), *extras.get("course_urls", [])]:
                        self.part_of.setdefault(key, []).append(out["source_id"])
                else:
                    links = self.part_of.get(out["source_id"], []) + self.part_of.get(out.get("url") or "", [])
                    out["part_of"] = list(dict.fromkeys([*out.get("part_of", []), *links]))
            yield out
        if response.meta.get("kind") == "programs":
            yield from self._release()

    def on_error(self, failure: Failure) -> Iterator[Any]:
        super().on_error(failure)
        if failed_request(failure).meta.get("kind") == "programs":
            yield from self._release()
