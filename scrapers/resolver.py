"""A DNS resolver that never hands the downloader a loopback, private or link-local address.

The URL policy (models/urls.py) refuses IP literals and local-only names before a request leaves, but a public
name can resolve to 127.0.0.1 or 169.254.169.254 (a hostile or rebinding DNS record). Checking after the
response arrives (UrlPolicyMiddleware) is too late: the request has already reached that address. This
resolver checks the answer itself, so the connection is never opened: the lookup fails as a DNSLookupError
(`errors/DNSLookupError` in the crawl stats, one log line).

Names exempted by `MCATLAS_ALLOW_PRIVATE_HOSTS` (local test servers, exact `host:port`; the host part is what
the resolver sees) still resolve. Snapshot replay never resolves anything: its middleware answers first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from models.urls import host_port, is_private_host, normalise_host
from scrapers.middlewares.urlpolicy import exemption_entries

logger = logging.getLogger(__name__)


def allowed_names(entries: list[str]) -> frozenset[str]:
    """Host parts of the exact `host:port` exemptions (the resolver sees names, not ports)."""
    pairs = (host_port(entry) for entry in entries)
    return frozenset(pair.rsplit(":", 1)[0] for pair in pairs if pair)


class PublicOnlyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing answers that are not public addresses."""

    allow: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> PublicOnlyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow = allowed_names(exemption_entries(crawler.settings))
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 (Twisted)
        return super().getHostByName(name, timeout).addCallback(self.refuse_private, name)

    def refuse_private(self, address: str, name: str) -> str:
        """The resolved address, or a DNSLookupError when it is not public (and the name is not exempt)."""
        try:
            host = normalise_host(name)
        except (ValueError, UnicodeError):
            host = name
        if host in self.allow or not is_private_host(normalise_host(address)):
            return address
        logger.error("refused: %s resolves to non-public address %s (not connecting)", name, address)
        raise DNSLookupError(f"{name} resolves to non-public address {address}")
