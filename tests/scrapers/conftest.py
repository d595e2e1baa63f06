"""Helpers for the platform spider tests: the item chain on a parsed page, a local HTTP server, live crawls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from scrapers.parsers.base import Page
from scrapers.processing import RejectItem, process

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SNAPSHOT = REPO / "scrapers" / "snapshot"
PROV = {"fetched_at": "2026-01-01T00:00:00+00:00", "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}


def chain(page: Page, source: str) -> tuple[list[Any], list[str]]:
    """Offers and reject reasons after the same chain `mcatlas parse` runs."""
    offers, rejects = [], []
    for item in page.items:
        try:
            offers.append(process({**item, "source": source, "provenance": PROV}))
        except RejectItem as exc:
            rejects.append(str(exc))
    return offers, rejects


@pytest.fixture
def offers_of() -> Callable[[Page, str], tuple[list[Any], list[str]]]:
    return chain


Route = tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes] | None]


class Server:
    """A local HTTP server answering from a path -> response table; records every request it saw."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                server.seen.append((self.command, self.path, dict(self.headers)))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                else:
                    answer = route(self) if callable(route) else route
                    if answer is None:  # the route wrote its own answer (a streamed body)
                        return
                    status, headers, body = answer
                if status == 0:  # hang: the client's timeout must fire
                    time.sleep(3)
                    return
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def json(self, path: str, data: Any, status: int = 200) -> str:
        self.routes[path] = (status, {"Content-Type": "application/json"}, json.dumps(data).encode())
        return self.url + path

    def raw(self, path: str, body: bytes, status: int = 200, ctype: str = "application/json") -> str:
        self.routes[path] = (status, {"Content-Type": ctype}, body)
        return self.url + path


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.httpd.shutdown()


def live_crawl(
    source: str, start_urls: list[str], landing: Path, env: dict[str, str] | None = None, **settings: Any
) -> dict[str, Any]:
    """`mcatlas crawl SOURCE --live` against local URLs; the run's summary, stats, offers, rejects."""
    base = {
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "RETRY_TIMES": 1,
        "RETRY_BACKOFF_BASE": 0,
        "DOWNLOAD_TIMEOUT": 2,
        "LOG_LEVEL": "WARNING",
        "MCATLAS_START_URLS": " ".join(start_urls),
        # live mode refuses loopback addresses: exempt exactly this test server (host:port)
        "MCATLAS_ALLOW_PRIVATE_HOSTS": " ".join(sorted({urlsplit(u).netloc for u in start_urls})),
        **settings,
    }
    args = [sys.executable, "-m", "pipelines.cli", "crawl", source, "--live", "--landing-dir", str(landing)]
    for key, value in base.items():
        args += ["-s", f"{key}={value}"]
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("EDX_")}
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120, env={**run_env, **(env or {})})
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])

    def lines(name: str) -> list[dict[str, Any]]:
        path = run_dir / name
        return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []

    return {
        "summary": summary,
        "stats": json.loads((run_dir / "stats.json").read_text()),
        "offers": lines("offers.jsonl"),
        "rejects": lines("rejects.jsonl"),
        "log": proc.stderr,
    }


@pytest.fixture
def crawl_live(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    def run(source: str, start_urls: list[str], **kwargs: Any) -> dict[str, Any]:
        return live_crawl(source, start_urls, tmp_path / "landing", **kwargs)

    return run


def snapshot_crawl(source: str, landing: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "crawl",
            source,
            "--landing-dir",
            str(landing),
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])
    offers = [json.loads(x) for x in (run_dir / "offers.jsonl").read_text().splitlines()]
    return {"summary": summary, "stats": json.loads((run_dir / "stats.json").read_text()), "offers": offers}


@pytest.fixture(scope="module")
def snapshot_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    cache: dict[str, dict[str, Any]] = {}

    def run(source: str) -> dict[str, Any]:
        if source not in cache:
            cache[source] = snapshot_crawl(source, tmp_path_factory.mktemp(source))
        return cache[source]

    return run
