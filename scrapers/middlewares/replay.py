"""Serve requests from recorded responses instead of the network (bundled snapshot or a landing run).

A folder is replayable when it has an `index.jsonl` whose lines name url, method, request_body, status,
headers and file; the landing area writes exactly this format, so any past harvest can be replayed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)


def _key(method: str, url: str, body: bytes | str | None) -> tuple[str, str, str]:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return (method.upper(), canonicalize_url(url), body or "")


class ReplayIndex:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries: dict[tuple[str, str, str], dict] = {}
        index = folder / "index.jsonl"
        if not index.exists():
            raise FileNotFoundError(f"no index.jsonl in replay folder {folder}")
        for line in index.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                self.entries[_key(entry.get("method", "GET"), entry["url"], entry.get("request_body"))] = entry

    def lookup(self, request: Request) -> dict | None:
        return self.entries.get(_key(request.method, request.url, request.body))


class ReplayMiddleware:
    """Downloader middleware: answers every request from the replay folder; unknown URLs get a 404."""

    def __init__(self, folder: Path, crawler: Crawler) -> None:
        self.index = ReplayIndex(folder)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        folder = crawler.settings.get("MCATLAS_REPLAY_DIR")
        if not folder:
            raise NotConfigured
        return cls(Path(folder), crawler)

    def process_request(self, request: Request) -> Response:
        entry = self.index.lookup(request)
        stats = self.crawler.stats
        if entry is None:
            stats.inc_value("replay/missing")
            logger.warning("not in the replay folder: %s %s", request.method, request.url)
            return Response(request.url, status=404, body=b"", request=request, flags=["replay-missing"])
        body = (self.index.folder / entry["file"]).read_bytes()
        headers = Headers(entry.get("headers") or {})
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        stats.inc_value("replay/served")
        return cls(url=request.url, status=int(entry.get("status", 200)), headers=headers, body=body,
                   request=request, flags=["replay"])
