"""Coursera: course items whose partner is not in the page's `linked` block wait for one `partners.v1?ids=`.

Each partner id is looked up once per run; items wait for their first partner's lookup and are released when
it answers, fails or times out, so nothing is held back at the end of a run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from scrapers.parsers import coursera
from scrapers.parsers.common import with_query
from scrapers.spiders.base import SourceSpider, failed_request


class CourseraSpider(SourceSpider):
    name = "coursera"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners: dict[str, dict[str, Any]] = {}
        self.asked: set[str] = set()
        self.answered: set[str] = set()
        self.pending: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def _fill(self, item: dict[str, Any]) -> dict[str, Any]:
        ids = item.get("extras", {}).get("partner_ids") or []
        found = [self.partners[i] for i in ids if i in self.partners]
        if found:
            item["provider"] = " / ".join(p["name"] for p in found) if len(found) == len(ids) else found[0]["name"]
            item["provider_url"] = item.get("provider_url") or found[0].get("url")
            item["extras"]["partner_names"] = [p["name"] for p in found]
        return item

    def _release(self, ids: list[str]) -> Iterator[dict[str, Any]]:
        self.answered.update(ids)
        for pid in ids:
            for item in self.pending.pop(pid, []):
                yield self._fill(item)

    def parse_response(self, response: Response) -> Iterator[Any]:
        if response.meta.get("kind") == "partners":
            yield from super().parse_response(response)
            if response.status < 400:
                try:
                    self.partners.update(coursera.partner_names(json.loads(response.body)))
                except ValueError:
                    pass  # counted as a parse error by the base spider
            yield from self._release(response.meta.get("partner_ids") or [])
            return
        for out in super().parse_response(response):
            if isinstance(out, Request) and out.meta.get("kind") == "partners":
                ids = [i for i in out.meta["partner_ids"] if i not in self.asked and i not in self.partners]
                if ids:
                    self.asked.update(ids)
                    yield out.replace(url=with_query(out.url, ids=",".join(ids)), meta={**out.meta, "partner_ids": ids})
                continue
            wanted = out.get("extras", {}).get("partner_ids") if isinstance(out, dict) else None
            if (
                wanted
                and out.get("provider") is None
                and wanted[0] not in self.partners
                and wanted[0] not in self.answered
            ):
                self.pending[wanted[0]].append(out)
                continue
            yield self._fill(out) if isinstance(out, dict) and out.get("provider") is None else out

    def on_error(self, failure: Failure) -> Iterator[dict[str, Any]]:
        super().on_error(failure)
        if failed_request(failure).meta.get("kind") == "partners":
            yield from self._release(failed_request(failure).meta.get("partner_ids") or [])
