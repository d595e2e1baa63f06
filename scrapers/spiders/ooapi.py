"""Open Education API (OOAPI v5) endpoints, as eduXchange reads them: a bearer token from client credentials, then
`GET /courses` pages and each course's `GET /courses/{courseId}/offerings`.

One spider for every institution's entry (`ooapi_<institution>` in scrapers/sources.yaml). Each entry names, in its
`options`, the environment variables holding its client credentials (`client_id_env`, `client_secret_env`) and the
OAuth2 token endpoint (`token_url`; `-s OOAPI_TOKEN_URL=...` overrides it). Without credentials a live run says so
in one log line and fetches nothing (status `empty`, stat `skipped/no_credentials`: the Dagster asset reports it
skipped, never failed); snapshot replay needs no token. The token response is never landed, and the token and the
secret travel only in request headers (the secret as HTTP Basic client authentication, RFC 6749 2.3.1).

A course is landed once its offerings are read: the course page's items are held (`waiting`) until the course's
offerings pages (`kind` `offerings`, walked page by page) have been parsed, then merged into it
(`scrapers.parsers.ooapi.merge_offerings`). A failed or refused offerings request releases the course as it is.
The staff names a course record gives travel (in memory) with its offerings request and are scrubbed from the
offerings' texts before the merge. Identical first offerings pages of different courses (typically the empty page
of a course with no offering) are not a paging loop, so they are not refused as repeated bodies.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from scrapers.landing import sha256
from scrapers.parsers.ooapi import merge_offerings
from scrapers.parsers.privacy import Scrubber
from scrapers.registry import Source
from scrapers.spiders.base import failed_request
from scrapers.spiders.oauth import ClientCredentialsSpider

OFFERINGS = "offerings"


class OoapiSpider(ClientCredentialsSpider):
    name = "ooapi"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # course id -> the course's item (source and provenance set), held until its offerings are read
        self.waiting: dict[str, dict[str, Any]] = {}
        # course id -> its staff names (from the course record, never landed): scrubbed from its offerings' texts
        self.staff: dict[str, list[str]] = {}

    @classmethod
    def item_defaults(cls, source: Source) -> dict[str, Any]:
        """The institution of the entry publishes the endpoint: its name, site, country and alliance fill what a
        course does not state (the generic entry, `options.generic`, names no institution)."""
        defaults: dict[str, Any] = {}
        if not source.options.get("generic"):
            defaults.update(provider=source.provider, provider_url=source.base_url)
        if source.country:
            defaults["country"] = source.country
        if source.alliance:
            defaults["alliances"] = [source.alliance]
        return defaults

    # --- credentials (scrapers/spiders/oauth.py) -------------------------------------------------------------
    def credentials(self) -> tuple[str | None, str | None, list[str]]:
        """(client id, secret, the names of the variables read), from the variables the registry entry names."""
        names = [
            str(self.source.options.get("client_id_env") or "OOAPI_CLIENT_ID"),
            str(self.source.options.get("client_secret_env") or "OOAPI_CLIENT_SECRET"),
        ]
        return os.environ.get(names[0]) or None, os.environ.get(names[1]) or None, names

    def token_url(self) -> str | None:
        url = self.settings.get("OOAPI_TOKEN_URL") or self.source.options.get("token_url")
        return str(url) if url else None

    def token_request(self, token_url: str, client_id: str, secret: str) -> Request:
        """The secret as HTTP Basic client authentication (RFC 6749 2.3.1), an optional scope in the body."""
        basic = base64.b64encode(f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()).decode()
        body = {"grant_type": "client_credentials"}
        if scope := self.source.options.get("scope"):
            body["scope"] = str(scope)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"}
        return Request(token_url, method="POST", body=urlencode(body), headers=headers)

    # --- courses held until their offerings are read ------------------------------------------------------------
    def parse_response(self, response: Response) -> Iterator[Any]:
        kind, course = response.meta.get("kind"), response.meta.get("ooapi_course")
        if kind == OFFERINGS and response.status < 400 and _first_page(response.url):
            self.seen_bodies.discard(sha256(response.body))
        out = list(super().parse_response(response))
        pending = set()
        for r in out:
            if isinstance(r, Request) and r.meta.get("kind") == OFFERINGS:
                pending.add(r.meta.get("ooapi_course"))
                if names := r.meta.pop("ooapi_staff", None):  # kept in memory only, for the offerings' texts
                    self.staff[str(r.meta.get("ooapi_course"))] = names
        for thing in out:
            if isinstance(thing, dict):
                sid = thing.get("source_id")
                if kind == OFFERINGS and sid == course and course in self.waiting:
                    offered = Scrubber(self.staff.get(course, ())).value(thing)
                    self.waiting[course] = merge_offerings(self.waiting[course], offered)
                    continue
                if kind != OFFERINGS and isinstance(sid, str) and sid in pending and sid not in self.waiting:
                    self.waiting[sid] = thing
                    continue
            yield thing
        if kind == OFFERINGS and course in self.waiting and course not in pending:
            self.staff.pop(course, None)
            yield self.waiting.pop(course)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        super().on_error(failure)
        request = failed_request(failure)
        course = request.meta.get("ooapi_course")
        if request.meta.get("kind") == OFFERINGS and course in self.waiting:
            self.crawler.stats.inc_value("ooapi/course_without_offerings_read")
            self.staff.pop(course, None)
            yield self.waiting.pop(course)


def _first_page(url: str) -> bool:
    return parse_qs(urlsplit(url).query).get("pageNumber", ["1"])[0] == "1"
