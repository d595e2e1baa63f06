"""The URL policy: which URLs MC Atlas may fetch or publish, in one pure module (no Scrapy, no I/O).

Remote content (sitemaps, next-page links, course records) names URLs we do not control. A `file://` URL
read the local disk into the landing area, `file:///dev/zero` exhausted memory, and a sitemap on one host sent
the crawler to `localhost`. So every URL is checked here: the crawler's downloader middleware
(`scrapers.middlewares.urlpolicy`) calls `check_fetch` before any request leaves, and the `Offer` model calls
`scheme_error` on the URLs it publishes. Each refusal has a short reason (`scheme`, `userinfo`, `malformed`,
`private`, `host`) used as the crawl-stats key `urls/refused/<reason>`.

DNS names are not resolved here (that needs I/O): names that always mean this machine or the local network
(`localhost`, `*.localhost`, `*.local`, `*.internal`, single-label names) and every IP literal form that a
resolver accepts (`127.1`, `2130706433`, `0x7f.0.0.1`, `[::ffff:127.0.0.1]`) are refused as `private`.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Names that resolve to this machine or the local network whatever DNS says.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "broadcasthost"})
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".localdomain", ".intranet")
# Browsers drop these before reading a scheme, so `java\tscript:` and ` javascript:` are still javascript.
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\r\n]")
# Keys of `Offer.extras` whose values are links or images (`image_url`, `photoUrl`, `course_urls`, `logo`).
URL_KEY = re.compile(r"(url|href|link|image|photo|logo|thumbnail|icon|picture|banner)", re.IGNORECASE)
_IPV4ISH = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?$")
# Most published links are plain: http(s)://, a host of ASCII letters, digits, dots and hyphens (no userinfo, port,
# brackets or IDNA), then printable ASCII only (no spaces, controls or non-ASCII to clean or fold). `urlsplit` cannot
# fail on such a URL and finds that scheme and a non-empty host, so `scheme_error` accepts it without parsing; any
# other URL takes the full path (tests/test_url_policy.py checks that both agree). re.ASCII: without it IGNORECASE
# would let `ſ` (long s) match `s` and `K` (Kelvin) match `k`, and `httpſ://` is no http URL.
_PLAIN_HTTP_URL = re.compile(r"https?://[a-z0-9.-]+(?:[/?#][!-~]*)?", re.IGNORECASE | re.ASCII)
_URL_KEYS: dict[str, bool] = {}  # URL_KEY's verdict per extras key (is_url_key)
_URL_KEYS_MAX = 4096


@dataclass(frozen=True)
class Refusal:
    """Why a URL is refused: `reason` is the stats key suffix, `detail` the one-line log text."""

    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


def _clean(url: str) -> str:
    """The URL as a browser or HTTP client reads it (surrounding controls/spaces and tabs/newlines removed)."""
    return _TAB_NEWLINE.sub("", url.strip(_C0_OR_SPACE))


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(_clean(url))
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        return None
    return parts


def scheme_error(url: str, *, relative_ok: bool = False) -> str | None:
    """One-line reason why `url` is not an absolute http(s) URL with a host; None when it is.

    With `relative_ok`, a reference without a scheme (`/course/1`, `//cdn.example/a.png`) passes: it resolves
    against the page's own http(s) URL. A scheme other than http(s) (`javascript:`, `data:`, `file:`) never does.
    """
    if _PLAIN_HTTP_URL.fullmatch(url):
        return None
    return _parsed_scheme_error(url, relative_ok=relative_ok)


def _parsed_scheme_error(url: str, *, relative_ok: bool = False) -> str | None:
    """`scheme_error` for any URL, by parsing it as a browser would."""
    parts = _split(url)
    if parts is None:
        return f"malformed URL {url[:80]!r}"
    if not parts.scheme:
        if relative_ok:
            return None
        return f"not an absolute http(s) URL: {url[:80]!r}"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return f"URL scheme {parts.scheme.lower()!r} not allowed (http or https only): {url[:80]!r}"
    if not parts.hostname:
        return f"URL without a host: {url[:80]!r}"
    return None


def is_url_key(key: str) -> bool:
    """True when an extras key names a link or image (`URL_KEY`). Short keys' verdicts are remembered (a source
    uses the same few keys on every item) in a table emptied when full."""
    found = _URL_KEYS.get(key)
    if found is None:
        found = URL_KEY.search(key) is not None
        if len(key) <= 100 and type(key) is str:
            if len(_URL_KEYS) >= _URL_KEYS_MAX:
                _URL_KEYS.clear()
            _URL_KEYS[key] = found
    return found


def normalise_host(host: str) -> str:
    """Lower-case ASCII form of a host (IDNA for international names, no trailing dot, no brackets).

    Raises ValueError for a host that is not a valid name. Unicode full-width dots and digits are folded by
    IDNA first, so `１２７．０．０．１` is seen as the IP literal it becomes on the wire.
    """
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host:
        raise ValueError("empty host")
    if ":" in host:  # IPv6 literal
        return str(ipaddress.ip_address(host.split("%")[0]))
    if not host.isascii():
        host = host.encode("idna").decode("ascii").lower()
    return host.rstrip(".")


def ip_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address an IP-literal host names, in any form a resolver accepts (`127.1`, `0x7f000001`)."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if not _IPV4ISH.match(host):
            return None
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local, reserved or unspecified addresses and local-only names."""
    ip = ip_of(host)
    if ip is not None:
        return not ip.is_global or ip.is_multicast
    return host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or "." not in host


def host_in(host: str, domains: Iterable[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one (label-wise: `evil-example.org` is not)."""
    return any(host == d or host.endswith("." + d) for d in domains)


def domain_of(url: str) -> str | None:
    """The domain a start URL allows: its host without a leading `www.` (so `www.x.org` allows `x.org`)."""
    parts = _split(url)
    if parts is None or not parts.hostname:
        return None
    try:
        host = normalise_host(parts.hostname)
    except ValueError:
        return None
    return host.removeprefix("www.") if host.count(".") >= 2 else host


def host_port(entry: str) -> str | None:
    """`host:port` (normalised, default port filled) of an allow-list entry such as `127.0.0.1:8080`.

    The port is required: an exemption names one local test server, never a whole host.
    """
    parts = _split(f"//{entry.strip()}")
    if parts is None or not parts.hostname or parts.port is None:
        return None
    try:
        return f"{normalise_host(parts.hostname)}:{parts.port}"
    except (ValueError, UnicodeError):
        return None


def check_fetch(
    url: str, domains: Iterable[str] | None = None, *, live: bool = True, allow_private: Iterable[str] = ()
) -> Refusal | None:
    """Why the crawler must not fetch `url`, or None when it may.

    `domains`: hosts (and their subdomains) the source may fetch from; None skips the host check.
    `live`: private/loopback addresses are refused only in live mode (snapshot replay has no network).
    `allow_private`: exact `host:port` pairs exempt from the private check (local test servers only).
    """
    parts = _split(url)
    if parts is None:
        return Refusal("malformed", f"cannot parse URL {url[:80]!r}")
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return Refusal("scheme", f"scheme {scheme or '(none)'!r} not allowed (http or https only): {url[:80]!r}")
    if "@" in parts.netloc or "\\" in parts.netloc:
        return Refusal("userinfo", f"credentials or '@' in the host part: {url[:80]!r}")
    if not parts.hostname:
        return Refusal("malformed", f"no host in {url[:80]!r}")
    try:
        host = normalise_host(parts.hostname)
    except (ValueError, UnicodeError):
        return Refusal("malformed", f"invalid host {parts.hostname[:80]!r}")
    port = parts.port or (443 if scheme == "https" else 80)
    if live and is_private_host(host) and f"{host}:{port}" not in set(allow_private):
        return Refusal("private", f"loopback, private or local-only address {host!r}: {url[:80]!r}")
    if domains is not None and not host_in(host, domains):
        return Refusal("host", f"host {host!r} is not one of the source's domains: {url[:80]!r}")
    return None
