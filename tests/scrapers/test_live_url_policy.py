"""A live crawl never fetches what remote content points it to outside http(s) on the source's own hosts.

The test server listens on loopback only, is exempted by exact host:port (MCATLAS_ALLOW_PRIVATE_HOSTS, as
every live test does), answers a bounded number of bytes and stops with the test.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.scrapers.conftest import Server

MAXSIZE = 256 * 1024
STREAM_BOUND = 64 * 1024 * 1024  # the endless body stops here at the latest (or after 20 s)


def _endless(sent: list[int]) -> object:
    """A /dev/zero over HTTP: 200, no Content-Length, zeros until the client hangs up (or the bound)."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.end_headers()
        chunk, deadline = b"\0" * 65536, time.monotonic() + 20
        try:
            while sent[0] < STREAM_BOUND and time.monotonic() < deadline:
                handler.wfile.write(chunk)
                sent[0] += len(chunk)
        except OSError:
            pass  # the crawler cut the response
        handler.close_connection = True

    return answer


def _course_page(title: str, url: str) -> bytes:
    node = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": f"urn:test:{title}",
        "name": title,
        "url": url,
        "description": "A course.",
        "provider": {"@type": "Organization", "name": "Example Uni"},
    }
    return f'<html><head><script type="application/ld+json">{json.dumps(node)}</script></head></html>'.encode()


def test_a_hostile_sitemap_fetches_nothing_outside_the_policy(server: Server, crawl_live):
    port = server.httpd.server_address[1]
    sent = [0]
    server.routes["/zero.xml"] = _endless(sent)
    server.routes["/bounce-file.xml"] = (302, {"Location": "file:///etc/passwd"}, b"")
    server.routes["/bounce-private.xml"] = (302, {"Location": f"http://localhost:{port}/secret-2.xml"}, b"")
    server.raw("/secret.xml", b"<urlset/>", ctype="application/xml")
    server.raw("/secret-2.xml", b"<urlset/>", ctype="application/xml")
    pages = server.raw(
        "/pages.xml",
        (b"<urlset><url><loc>/course/honest</loc></url><url><loc>/course/scripted</loc></url></urlset>"),
        ctype="application/xml",
    )
    server.raw("/course/honest", _course_page("Honest", "/course/honest"), ctype="text/html")
    server.raw("/course/scripted", _course_page("Scripted", "javascript:alert(1)"), ctype="text/html")
    listed = [
        "file:///etc/passwd",
        "file:///dev/zero",
        "http://foreign.example/sitemap.xml",
        f"http://localhost:{port}/secret.xml",
        f"http://example.org@127.0.0.1:{port}/secret.xml",
        f"http://[::1]:{port}/secret.xml",
        "/zero.xml",
        "/bounce-file.xml",
        "/bounce-private.xml",
        pages,
    ]
    index = server.raw(
        "/sitemap.xml",
        ("<sitemapindex>" + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in listed) + "</sitemapindex>").encode(),
        ctype="application/xml",
    )

    run = crawl_live("schema_org", [index], DOWNLOAD_MAXSIZE=MAXSIZE, DOWNLOAD_WARNSIZE=MAXSIZE // 2)
    stats, log = run["stats"], run["log"]

    # nothing outside the policy was requested from the server, nor read from the disk
    paths = [path for _, path, _ in server.seen]
    assert not any(p.startswith(("/secret", "/etc", "/dev")) for p in paths)
    assert stats["urls/refused/scheme"] == 3  # two file: URLs in the sitemap, one file: redirect
    assert stats["urls/refused/host"] == 1  # foreign.example
    assert stats["urls/refused/private"] == 3  # localhost, [::1] and the redirect to localhost
    assert stats["urls/refused/userinfo"] == 1
    assert stats["urls/private_allowed_hosts"] == 1
    assert len([ln for ln in log.splitlines() if "refused " in ln]) == 8, log[-4000:]
    # the endless body was cut at the size limit, counted as an error, and the run is not ok
    assert stats["errors/response_too_large"] == 1 and sent[0] < STREAM_BOUND
    assert any("response too large" in ln for ln in log.splitlines())
    assert run["summary"]["status"] == "partial"
    # the honest course still arrives; the one whose link is javascript: is rejected with a one-line reason
    assert [o["title"] for o in run["offers"]] == ["Honest"]
    assert [r["reason"].split(",")[0] for r in run["rejects"]] == ["url: Value error"]
    assert "scheme 'javascript' not allowed" in run["rejects"][0]["reason"]
    run_dir = Path(run["summary"]["dir"])
    landed = [json.loads(x)["url"] for x in (run_dir / "index.jsonl").read_text().splitlines()]
    assert sorted(u.removeprefix(server.url) for u in landed) == [
        "/course/honest",
        "/course/scripted",
        "/pages.xml",
        "/sitemap.xml",
    ]
    assert sum(p.stat().st_size for p in (run_dir / "responses").iterdir()) < MAXSIZE
    assert b"root:" not in b"".join(p.read_bytes() for p in (run_dir / "responses").iterdir())


def test_a_configured_catalogues_next_page_link_to_a_local_file_is_refused(server: Server, crawl_live):
    listing = server.raw(
        "/courses/",
        (
            b'<html><body><div class="course-card"><a class="course-card__link" href="/courses/a/">A</a></div>'
            b'<nav class="pagination"><a class="next" href="file:///etc/passwd">next</a></nav></body></html>'
        ),
        ctype="text/html",
    )
    run = crawl_live("tudelft_online", [listing])
    assert run["stats"]["urls/refused/scheme"] == 1
    assert [path for _, path, _ in server.seen] == ["/courses/"]
    run_dir = Path(run["summary"]["dir"])
    assert b"root:" not in b"".join(p.read_bytes() for p in (run_dir / "responses").iterdir())
