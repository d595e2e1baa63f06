"""A crawl that hangs is stopped at its deadline (the deadline used to start counting only once the crawl had
closed its output, i.e. never for a hung one), and the deadline follows the crawl mode."""

from __future__ import annotations

import sys
import time

import pytest

from pipelines.resources import CrawlerResource


class HangingCrawler(CrawlerResource):
    """A crawl subprocess that prints a line, then hangs without closing its output."""

    def command(self, source: str) -> list[str]:
        return [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(120)"]


def test_a_hung_crawl_is_stopped_at_its_deadline():
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"demo: crawl exceeded 2 s and was stopped"):
        HangingCrawler(mode="snapshot", timeout_seconds=2).crawl("demo")
    assert time.monotonic() - started < 60


def test_the_deadline_follows_the_mode(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MCATLAS_CRAWL_TIMEOUT", raising=False)
    assert CrawlerResource(mode="snapshot").timeout() == 3600
    assert CrawlerResource(mode="live").timeout() == 86400  # Konfo and Sisu may take 11 h at one request a second
    assert CrawlerResource(mode="live", timeout_seconds=60).timeout() == 60
    monkeypatch.setenv("MCATLAS_CRAWL_TIMEOUT", "900")
    assert CrawlerResource(mode="live").timeout() == 900
