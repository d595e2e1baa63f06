"""Retries with exponential back-off: Scrapy's RetryMiddleware retries at once, which hammers a failing host."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    """Schedules each retry `RETRY_BACKOFF_BASE * 2**n` seconds later (capped by RETRY_BACKOFF_MAX)."""

    def __init__(self, settings) -> None:  # noqa: ANN001
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            n = retry.meta.get("retry_times", 1)
            retry.meta["backoff_delay"] = min(self.cap, self.base * 2 ** (n - 1))
        return retry


class BackoffDelayMiddleware:
    """Waits the delay the retry middleware asked for before the request goes out."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffDelayMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop("backoff_delay", 0)
        if delay:
            self.crawler.stats.inc_value("retry/backoff_seconds", delay)
            await asyncio.sleep(delay)
