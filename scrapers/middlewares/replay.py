"""Serve requests from recorded responses instead of the network (bundled snapshot or a landing run).

A folder is replayable when it has an `index.jsonl` whose lines name url, method, request_body, status,
headers and file; the landing area writes exactly this format, so any past harvest can be replayed.

A replay reads only its own folder: an entry whose `file` is absolute, climbs out (`../`), resolves outside
the folder through a symlink, is not a regular file (a FIFO, `/dev/zero`) or is larger than DOWNLOAD_MAXSIZE is
refused when the index is loaded (one log line and `replay/refused_file` in the crawl stats) and never read.
A request for a refused entry fails with `ReplayFileRefused` (so the run counts `errors/ReplayFileRefused`
and is not `ok`); nothing of it reaches the landing area. The index itself still loads, so one bad line does
not hide what the other entries show.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path, PurePosixPath, PureWindowsPath

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

logger = logging.getLogger(__name__)


def _key(method: str, url: str, body: bytes | str | None) -> tuple[str, str, str]:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return (method.upper(), canonicalize_url(url), body or "")


class ReplayFileRefused(IgnoreRequest):
    """The index names a file outside the replay folder (or not a plain file): it is never read."""


def file_problem(folder: Path, name: object, max_size: int = 0) -> str | None:
    """Why the index entry's `file` must not be read (one line), or None when it is a plain file in `folder`."""
    if not isinstance(name, str) or not name.strip():
        return f"file {name!r} is not a relative path"
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or PureWindowsPath(name).drive or PureWindowsPath(name).root:
        return f"file {name!r} is an absolute path"
    if ".." in relative.parts:
        return f"file {name!r} climbs out of the replay folder"
    root = folder.resolve()
    try:
        target = (root / relative).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return f"file {name!r} does not exist in the replay folder"
    if not target.is_relative_to(root):
        return f"file {name!r} leads outside the replay folder (to {target})"
    if not target.is_file():
        return f"file {name!r} is not a regular file"
    if max_size and target.stat().st_size > max_size:
        return f"file {name!r} is larger than DOWNLOAD_MAXSIZE ({max_size} bytes)"
    return None


class ReplayIndex:
    def __init__(self, folder: Path, max_size: int = 0) -> None:
        self.folder = folder
        self.max_size = max_size
        self.entries: dict[tuple[str, str, str], dict] = {}
        self.refused: dict[tuple[str, str, str], str] = {}
        index = folder / "index.jsonl"
        if not index.exists():
            raise FileNotFoundError(f"no index.jsonl in replay folder {folder}")
        for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                entry = json.loads(line)
                key = _key(entry.get("method", "GET"), entry["url"], entry.get("request_body"))
                problem = file_problem(folder, entry.get("file"), max_size)
                if problem is None:
                    self.entries[key] = entry
                else:
                    self.refused[key] = problem
                    logger.warning("replay index %s line %d refused: %s", index, number, problem)

    def lookup(self, request: Request) -> dict | None:
        return self.entries.get(_key(request.method, request.url, request.body))

    def read(self, entry: dict) -> bytes:
        """The recorded body, checked again at read time (the folder may have changed since the index loaded)."""
        problem = file_problem(self.folder, entry.get("file"), self.max_size)
        if problem is not None:
            raise ReplayFileRefused(problem)
        return (self.folder.resolve() / entry["file"]).read_bytes()


class ReplayMiddleware:
    """Downloader middleware: answers every request from the replay folder; unknown URLs get a 404."""

    def __init__(self, folder: Path, crawler: Crawler) -> None:
        self.index = ReplayIndex(folder, crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        self.crawler = crawler
        if self.index.refused:
            crawler.stats.set_value("replay/refused_file", len(self.index.refused))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        folder = crawler.settings.get("MCATLAS_REPLAY_DIR")
        if not folder:
            raise NotConfigured
        return cls(Path(folder), crawler)

    def process_request(self, request: Request) -> Response:
        entry = self.index.lookup(request)
        stats = self.crawler.stats
        refused = self.index.refused.get(_key(request.method, request.url, request.body))
        if refused is not None:
            raise ReplayFileRefused(f"replay file refused: {refused}")
        if entry is None:
            stats.inc_value("replay/missing")
            logger.warning("not in the replay folder: %s %s", request.method, request.url)
            return Response(request.url, status=404, body=b"", request=request, flags=["replay-missing"])
        body = self.index.read(entry)
        headers = Headers(entry.get("headers") or {})
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        stats.inc_value("replay/served")
        return cls(
            url=request.url,
            status=int(entry.get("status", 200)),
            headers=headers,
            body=body,
            request=request,
            flags=["replay"],
        )
