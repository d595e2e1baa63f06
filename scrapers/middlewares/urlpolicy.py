"""Downloader middleware enforcing the URL policy (models/urls.py) on every request of a crawl.

It sits first on the way out, so a start URL, a parser's follow-up, a redirect target or a robots.txt request
with a refused URL never reaches the downloader (nor triggers a robots.txt fetch). Refusals are counted as
`urls/refused/<reason>` (scheme, userinfo, malformed, private, host) and logged on one line; they are not
errors: a sitemap listing another host is the source's business, not a failed run. It also turns a response
cut at `DOWNLOAD_MAXSIZE` into `errors/response_too_large`, so such a run is never `ok`.

Live mode refuses loopback/private addresses, also after the fact when a name resolved to one (the
response's `ip_address`): its body is dropped, never landed. `MCATLAS_ALLOW_PRIVATE_HOSTS` (a `-s` setting or
the environment variable) exempts exact `host:port` pairs (local test servers); the registry refuses it, and
every run using it says so in its log and in its stats (`urls/private_allowed_hosts`).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from models.urls import Refusal, check_fetch, host_port, is_private_host, normalise_host

if TYPE_CHECKING:
    from scrapers.spiders.base import SourceSpider

logger = logging.getLogger(__name__)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class PolicyRefusal(IgnoreRequest):
    """A request or response the policy refused; already counted and logged, so errbacks need not count it."""


class RefusedURL(PolicyRefusal):
    """The URL (or the redirect target, or the address it resolved to) is not allowed."""


class ResponseTooLarge(PolicyRefusal):
    """The response was cut at DOWNLOAD_MAXSIZE; counted as `errors/response_too_large`."""


def exemption_entries(settings: Any) -> list[str]:
    """The `MCATLAS_ALLOW_PRIVATE_HOSTS` entries (a `-s` setting, else the environment variable), unparsed; the
    middleware and the resolver (scrapers/resolver.py) both read them here."""
    value = settings.get("MCATLAS_ALLOW_PRIVATE_HOSTS") or os.environ.get("MCATLAS_ALLOW_PRIVATE_HOSTS")
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [str(v) for v in value or []]


class UrlPolicyMiddleware:
    """Refuses requests whose URL the policy refuses; records size cuts as errors."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._domains: frozenset[str] | None = None
        self.allow_private: frozenset[str] = frozenset()
        for entry in exemption_entries(crawler.settings):
            pair = host_port(entry)
            if pair is None:
                logger.error("MCATLAS_ALLOW_PRIVATE_HOSTS: %r ignored (give an exact host:port)", entry)
            else:
                self.allow_private |= {pair}
        if self.allow_private:
            crawler.stats.set_value("urls/private_allowed_hosts", len(self.allow_private))
            logger.warning(
                "private addresses allowed for %s (MCATLAS_ALLOW_PRIVATE_HOSTS: local tests only)",
                ", ".join(sorted(self.allow_private)),
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlPolicyMiddleware:
        return cls(crawler)

    @property
    def live(self) -> bool:
        """Snapshot replay never touches the network; anything else (or an unknown mode) is treated as live."""
        return getattr(self.crawler.spider, "mode", "live") != "snapshot"

    @property
    def domains(self) -> frozenset[str] | None:
        """The source's registry domains plus those of this run's start URLs, computed once per crawl."""
        if self._domains is None:
            spider = self.crawler.spider
            source = getattr(spider, "source", None)
            if source is None:
                return None
            # A spider with a source is a SourceSpider (imported for typing only: it imports this module).
            self._domains = source.fetch_domains(cast("SourceSpider", spider).start_urls_for_run())
        return self._domains

    def _refuse(self, request: Request, refusal: Refusal, what: str = "request") -> RefusedURL:
        self.crawler.stats.inc_value(f"urls/refused/{refusal.reason}")
        referer = (request.headers.get("Referer") or b"").decode("latin-1") or "-"
        logger.warning(
            "refused %s (%s, kind %s, linked from %s): %s",
            what,
            refusal.reason,
            request.meta.get("kind", "-"),
            referer,
            refusal.detail,
        )
        return RefusedURL(str(refusal))

    def check(self, url: str) -> Refusal | None:
        return check_fetch(url, self.domains, live=self.live, allow_private=self.allow_private)

    def process_request(self, request: Request) -> None:
        refusal = self.check(request.url)
        if refusal is not None:
            raise self._refuse(request, refusal)

    def process_response(self, request: Request, response: Response) -> Response:
        # Scrapy follows http(s) redirects itself (the new request comes back through process_request) and
        # hands other schemes (file:, data:) back as the 3xx response: refuse it rather than land or parse it.
        location = response.headers.get("Location")
        if response.status in REDIRECT_STATUSES and location and not request.meta.get("dont_redirect"):
            target = urljoin(request.url, location.decode("latin-1"))
            refusal = self.check(target)
            if refusal is not None:
                raise self._refuse(request, refusal, "redirect")
        # A name that resolved to a private address (DNS we do not control): the request went out, but its
        # answer is dropped here, before the spider can land or parse it.
        ip = getattr(response, "ip_address", None)
        if self.live and ip is not None and is_private_host(normalise_host(str(ip))):
            parts = urlparse_cached(request)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            if f"{normalise_host(str(ip))}:{port}" not in self.allow_private:
                refusal = Refusal("private", f"{request.url[:80]!r} resolved to private address {ip}; dropped")
                raise self._refuse(request, refusal, "response")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, DownloadCancelledError) and self._too_large(request, exception):
            limit = request.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            self.crawler.stats.inc_value("errors/response_too_large")
            logger.error(
                "response too large, cut at DOWNLOAD_MAXSIZE (%d bytes): %s %s", limit, request.method, request.url
            )
            raise ResponseTooLarge(f"response larger than DOWNLOAD_MAXSIZE ({limit} bytes): {request.url}")

    def _too_large(self, request: Request, exception: Exception) -> bool:
        """Scrapy cancels a download for its size (the only cancellation it does; timeouts are their own
        error): the expected-size case says `max size`, a streamed body past the limit gives no message."""
        message = str(exception)
        return "max size" in message or not message
