"""The URL policy (models/urls.py): only http(s) URLs on the source's hosts, never this machine or the LAN."""

from __future__ import annotations

import ipaddress
import random
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from scrapy.http import Response
from scrapy.settings import Settings

from models.offer import Offer
from models.urls import _parsed_scheme_error, check_fetch, domain_of, host_port, is_url_key, scheme_error
from scrapers import settings as default_settings
from scrapers.crawl import build_settings
from scrapers.middlewares.urlpolicy import RefusedURL, ResponseTooLarge, UrlPolicyMiddleware
from scrapers.registry import REGISTRY_PATH, get_source, load_registry

DOMAINS = frozenset({"example.org", "xn--bcher-kva.example"})


def reason(url: str, domains: frozenset[str] | None = DOMAINS, **kw: Any) -> str | None:
    refusal = check_fetch(url, domains, **kw)
    return refusal.reason if refusal else None


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///dev/zero",
        "ftp://example.org/x",
        "data:text/plain,hi",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "jav\tascript:alert(1)",
        "gopher://example.org/",
        "s3://bucket/key",
        "//example.org/x",
    ],
)
def test_only_http_and_https_are_fetched(url):
    assert reason(url) == "scheme"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/a",
        "HTTPS://EXAMPLE.ORG/a",
        "https://www.example.org/a?b=1",
        "https://api.example.org:8443/x",
        "https://example.org./trailing-dot",
        "https://bücher.example/x",
        "https://BÜCHER.example/x",
    ],
)
def test_hosts_of_the_source_and_their_subdomains_pass(url):
    assert reason(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "https://example.org.evil.example/",
        "https://evilexample.org/",
        "https://example.com/",
        "https://xn--bcher-kva.evil/",
    ],
)
def test_other_hosts_are_refused(url):
    assert reason(url) == "host"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]:8080/",
        "http://localhost/",
        "http://LOCALHOST:8000/",
        "http://localhost./",
        "http://api.localhost/",
        "http://printer.local/",
        "http://metadata.google.internal/",
        "http://intranet/",
        "http://１２７．０．０．１/",
        "http://224.0.0.1/",
    ],
)
def test_private_loopback_and_link_local_are_refused_in_live_mode(url):
    assert reason(url, None) == "private"
    assert reason(url, DOMAINS) == "private"  # reported as private, the more telling reason
    assert reason(url, None, live=False) is None  # snapshot replay never touches the network


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org@127.0.0.1/",
        "http://user:pw@example.org/",
        "http://127.0.0.1\\@example.org/",
        "http://example.org:80@localhost/",
    ],
)
def test_userinfo_tricks_are_refused(url):
    assert reason(url, None) == "userinfo"


@pytest.mark.parametrize("url", ["http://example.org:99999/", "http://[::1/", "http:///nohost"])
def test_malformed_urls_are_refused(url):
    assert reason(url) == "malformed"


def test_public_addresses_pass_the_private_check():
    assert reason("http://93.184.216.34/", None) is None
    assert reason("http://[2606:4700::1111]/", None) is None


def test_the_private_exemption_names_one_host_and_port():
    allow = {host_port("127.0.0.1:8080")}
    assert reason("http://127.0.0.1:8080/x", None, allow_private=allow) is None
    assert reason("http://127.0.0.1:8081/x", None, allow_private=allow) == "private"
    assert reason("http://localhost:8080/x", None, allow_private=allow) == "private"
    assert host_port("127.0.0.1") is None and host_port("[::1]:81") == "::1:81"


def test_domains_come_from_start_urls_and_the_explicit_list():
    assert domain_of("https://www.futurelearn.com/feeds/courses") == "futurelearn.com"
    assert domain_of("https://imoox.at/sitemap.xml") == "imoox.at"
    edx = get_source("edx")
    assert {"discovery.edx.org", "api.edx.org"} <= edx.fetch_domains()
    assert check_fetch(str(edx.options["token_url"]), edx.fetch_domains()) is None
    assert "127.0.0.1" in get_source("dtu").fetch_domains(["http://127.0.0.1:5000/x"])


def _registry_with(tmp_path, **over: Any):
    entry = {**yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))["sources"][1], **over}
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}), encoding="utf-8")
    return load_registry(path)


def test_the_registry_cannot_exempt_private_hosts_or_lift_the_size_limit(tmp_path):
    with pytest.raises(ValueError, match="MCATLAS_ALLOW_PRIVATE_HOSTS cannot be set in the registry"):
        _registry_with(tmp_path, settings={"MCATLAS_ALLOW_PRIVATE_HOSTS": "10.0.0.1:80"})
    with pytest.raises(ValueError, match="DOWNLOAD_MAXSIZE must be a positive"):
        _registry_with(tmp_path, settings={"DOWNLOAD_MAXSIZE": 0})
    with pytest.raises(ValueError, match="not a bare host name"):
        _registry_with(tmp_path, allowed_domains=["https://evil.example/"])
    src = _registry_with(tmp_path, settings={"DOWNLOAD_MAXSIZE": 200 * 1024 * 1024})["dtu"]
    assert build_settings(src, "live", None).getint("DOWNLOAD_MAXSIZE") == 200 * 1024 * 1024


def test_crawl_settings_limit_size_and_disable_remote_control():
    settings = build_settings(get_source("dtu"), "live", None)
    assert settings.getint("DOWNLOAD_MAXSIZE") == 64 * 1024 * 1024 == default_settings.DOWNLOAD_MAXSIZE
    assert 0 < settings.getint("DOWNLOAD_WARNSIZE") < settings.getint("DOWNLOAD_MAXSIZE")
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False and settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert not settings.get("MCATLAS_ALLOW_PRIVATE_HOSTS")
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["scrapers.middlewares.urlpolicy.UrlPolicyMiddleware"] < 100


def _offer(**over: Any) -> dict[str, Any]:
    return {
        "source": "t",
        "source_id": "1",
        "title": "T",
        "url": "https://example.org/c/1",
        "provenance": {
            "fetched_at": "2026-01-01T00:00:00+00:00",
            "spider": "t",
            "spider_version": "1",
            "raw_sha256": "0" * 64,
        },
        **over,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "javascript:alert(1)"),
        ("url", "file:///etc/passwd"),
        ("url", "/relative/page"),
        ("provider_url", "JavaScript:alert(document.cookie)"),
        ("provider_url", "data:text/html,<b>x</b>"),
    ],
)
def test_offers_with_non_http_links_are_rejected(field, value):
    with pytest.raises(ValueError, match=f"{field}\n.*(scheme|absolute)") as err:
        Offer.model_validate(_offer(**{field: value}))
    assert len(str(err.value.errors()[0]["msg"]).splitlines()) == 1


@pytest.mark.parametrize(
    "extras",
    [
        {"image_url": "javascript:alert(1)"},
        {"photoUrl": "data:image/svg+xml,<svg/>"},
        {"course_urls": ["https://example.org/a", "vbscript:x"]},
    ],
)
def test_offers_with_non_http_image_urls_are_rejected(extras):
    with pytest.raises(ValueError, match="extras\n.*scheme"):
        Offer.model_validate(_offer(extras=extras))


def test_offers_with_http_links_pass():
    offer = Offer.model_validate(
        _offer(
            provider_url="http://uni.example",
            extras={"image_url": "https://cdn.example/a.png", "photoUrl": "//cdn.example/b.png", "url_slug": "first"},
        )
    )
    assert offer.url == "https://example.org/c/1"
    assert scheme_error("https://example.org") is None


_LOOKALIKES = [
    "http://",
    "https://@evil.example",
    "http://user@example.org/",
    "http://example.org:80/",
    "http://example.org:99999/",
    "http://[::1]/",
    "http://[::1/",
    "http:///path",
    "http:\\\\example.org",
    "http://exa mple.org",
    "http://ex\tample.org/",
    " http://example.org",
    "http://example.org/a b",
    "http://example.org/é",
    "http://exämple.org/",
    "http://１２７．０．０．１/",
    "httpſ://example.org/",
    "http://exa\u212aample.org/",
    "hxxp://example.org/",
    "http:/example.org",
    "//example.org/x",
    "/relative",
    "javascript://example.org/%0aalert(1)",
]


def test_the_plain_url_fast_path_agrees_with_the_full_parse():
    """scheme_error skips parsing for plain http(s) URLs: its verdict must be the parser's for every URL."""
    rng = random.Random(20261203)
    alphabet = "aZ09.-:/?#@[]%\\ \t\n\x00\x7féſ\u212a１．"
    heads = ["http://", "https://", "HTTP://", "hTtPs://", "http:/", "http:", "javascript://", "ftp://", "//", ""]
    urls = _LOOKALIKES + [
        rng.choice(heads) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(20_000)
    ]
    for url in urls:
        for relative_ok in (False, True):
            assert scheme_error(url, relative_ok=relative_ok) == _parsed_scheme_error(url, relative_ok=relative_ok), url
    assert scheme_error("httpſ://example.org/") is not None


def test_url_keys_are_remembered_within_bounds():
    assert is_url_key("image_url") and is_url_key("photoUrl") and not is_url_key("volume")
    assert is_url_key("image_url") and not is_url_key("volume")  # remembered verdicts are the same verdicts
    for i in range(5_000):
        is_url_key(f"key{i}")
    from models import urls

    assert len(urls._URL_KEYS) <= urls._URL_KEYS_MAX


class _Stats(dict):
    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] = self.get(key, 0) + count

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


def _middleware(mode: str = "live", **settings: Any) -> UrlPolicyMiddleware:
    spider = SimpleNamespace(mode=mode, source=get_source("dtu"), start_urls_for_run=lambda: [])
    crawler = SimpleNamespace(settings=Settings({"DOWNLOAD_MAXSIZE": 1000, **settings}), stats=_Stats(), spider=spider)
    return UrlPolicyMiddleware(crawler)  # type: ignore[arg-type]


def test_the_middleware_refuses_before_the_downloader_and_counts_the_reason():
    mw = _middleware()
    with pytest.raises(RefusedURL, match="scheme"):
        mw.process_request(Request("file:///etc/passwd"))
    with pytest.raises(RefusedURL, match="host"):
        mw.process_request(Request("https://evil.example/x"))
    assert mw.process_request(Request("https://kurser.dtu.dk/course/1")) is None
    assert mw.crawler.stats == {"urls/refused/scheme": 1, "urls/refused/host": 1}


def test_a_redirect_to_a_local_file_and_a_name_resolving_to_a_private_address_are_dropped():
    mw = _middleware()
    request = Request("https://kurser.dtu.dk/a")
    with pytest.raises(RefusedURL, match="scheme"):
        mw.process_response(request, Response(request.url, status=302, headers={"Location": "file:///etc/passwd"}))
    resolved = Response(request.url, status=200, body=b"secret", ip_address=ipaddress.ip_address("10.0.0.5"))
    with pytest.raises(RefusedURL, match="resolved to private address 10.0.0.5"):
        mw.process_response(request, resolved)
    assert mw.crawler.stats == {"urls/refused/scheme": 1, "urls/refused/private": 1}
    assert _middleware("snapshot").process_response(request, resolved) is resolved


def test_a_response_cut_for_size_is_an_error():
    mw = _middleware()
    cut = DownloadCancelledError("Received 2000 bytes which is larger than download max size (1000) in request")
    with pytest.raises(ResponseTooLarge):
        mw.process_exception(Request("https://kurser.dtu.dk/big"), cut)
    assert mw.crawler.stats == {"errors/response_too_large": 1}
    assert mw.process_exception(Request("https://kurser.dtu.dk/t"), DownloadTimeoutError("slow")) is None


def test_a_private_exemption_is_exact_and_announced():
    mw = _middleware(MCATLAS_ALLOW_PRIVATE_HOSTS="127.0.0.1:8080 localhost")  # no port: ignored
    assert mw.allow_private == {"127.0.0.1:8080"} and mw.crawler.stats["urls/private_allowed_hosts"] == 1
    with pytest.raises(RefusedURL, match="private"):
        mw.process_request(Request("http://127.0.0.1:8081/"))


def test_names_resolving_to_non_public_addresses_fail_at_the_lookup():
    """A public-looking name whose DNS answer is loopback/private/link-local never gets a connection."""
    from twisted.internet.error import DNSLookupError

    from scrapers.resolver import PublicOnlyResolver, allowed_names

    resolver = PublicOnlyResolver.__new__(PublicOnlyResolver)
    resolver.allow = allowed_names(["127.0.0.1:8080", "test-server.example:9000"])
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.7", "169.254.169.254", "0.0.0.0", "::1", "fe80::1"):
        with pytest.raises(DNSLookupError, match="non-public"):
            resolver.refuse_private(address, "courses.example.org")
    assert resolver.refuse_private("93.184.215.14", "courses.example.org") == "93.184.215.14"
    # Exempt test servers (host part of an exact host:port) still resolve.
    assert resolver.refuse_private("127.0.0.1", "test-server.example") == "127.0.0.1"
    assert resolver.refuse_private("127.0.0.1", "127.0.0.1") == "127.0.0.1"


def test_crawls_cannot_fetch_anything_but_http_and_resolve_through_the_public_only_resolver():
    settings = build_settings(get_source("dtu"), "live", None)
    assert settings.get("TWISTED_DNS_RESOLVER") == "scrapers.resolver.PublicOnlyResolver"
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers.get(scheme, "missing") is None for scheme in ("file", "data", "ftp", "s3"))
