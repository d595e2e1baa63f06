"""Live crawls of the platform spiders against a local server that fails: every failure is recorded, never looped."""

import json

VND = "application/vnd.api+json"


def mooc(cid, name):
    return {
        "id": cid,
        "type": "courses",
        "attributes": {
            "name": name,
            "url": f"https://mooc.example/courses/{cid}",
            "publisher": {"name": "Example Uni"},
            "inLanguage": ["en"],
        },
    }


def test_http_500_fails_the_run_after_retries(server, crawl_live):
    url = server.raw("/api/courses.v1", b"<html>Internal Server Error</html>", status=500, ctype="text/html")
    run = crawl_live("coursera", [url])
    assert run["summary"]["status"] == "failed" and run["offers"] == []
    assert run["stats"]["errors/http_500"] == 1
    assert len([s for s in server.seen if s[1].startswith("/api/courses.v1")]) == 2  # one retry, then give up


def test_timeout_is_an_error_not_a_hang(server, crawl_live):
    server.routes["/bridges/moochub/courses"] = (0, {}, b"")
    run = crawl_live("moochub", [server.url + "/bridges/moochub/courses"])
    assert run["summary"]["status"] == "failed"
    assert any(k.startswith("errors/") for k in run["stats"])


def test_truncated_json_and_html_200_are_parse_errors_with_the_raw_kept(server, crawl_live):
    bad = server.raw("/api/v1/catalogs/1/courses/", b'{"count": 3, "next": null, "results": [{"key": "A+B"')
    html = server.raw("/api/v1/programs/", b"<!DOCTYPE html><html><body>Please log in</body></html>", ctype="text/html")
    run = crawl_live("edx", [bad, html])
    # without credentials the live edX spider fetches nothing at all
    assert run["summary"]["status"] == "empty" and run["stats"]["skipped/no_credentials"] == 1 and not server.seen
    run = crawl_live("mitxonline", [bad, html])
    assert run["summary"]["status"] == "failed" and run["stats"]["errors/parse_error"] == 2
    reasons = sorted(r["reason"] for r in run["rejects"])
    assert reasons[0].startswith("unparseable response: mit catalogue api: expected JSON but got markup")
    assert "malformed JSON" in reasons[1]


def test_a_failing_later_page_keeps_the_first_pages_offers(server, crawl_live):
    server.raw("/api/courses/", b"gateway timeout", status=504, ctype="text/plain")
    first = server.json(
        "/api/courses/?page=1",
        {
            "count": 2,
            "next": server.url + "/api/courses/?page=2",
            "results": [
                {"id": 1, "readable_id": "course-v1:X+1", "title": "Kept", "page": {"page_url": "/courses/x1/"}}
            ],
        },
    )
    server.raw("/api/courses/?page=2", b"upstream error", status=502, ctype="text/plain")
    run = crawl_live("mitxonline", [first])
    assert run["summary"]["status"] == "partial"
    assert [o["title"] for o in run["offers"]] == ["Kept"] and run["stats"]["errors/http_502"] == 1


def test_repeated_page_is_detected_and_the_walk_stops(server, crawl_live):
    body = json.dumps({"links": {"next": server.url + "/courses?page=2"}, "data": [mooc("m1", "Loop")]}).encode()
    first = server.raw("/courses", body, ctype=VND)
    server.routes["/courses?page=2"] = server.routes["/courses"]  # a server that ignores the page parameter
    run = crawl_live("moochub", [first])
    assert run["stats"]["paging/repeated_page"] == 1 and run["summary"]["status"] == "partial"
    assert [o["title"] for o in run["offers"]] == ["Loop"]
    assert len(server.seen) == 2


def test_next_link_to_itself_is_not_followed(server, crawl_live):
    url = server.url + "/courses"
    server.raw(
        "/courses", json.dumps({"links": {"self": url, "next": url}, "data": [mooc("m1", "Self")]}).encode(), ctype=VND
    )
    run = crawl_live("moochub", [url])
    assert run["summary"]["status"] == "ok" and len(server.seen) == 1


def test_empty_results_where_results_were_expected(server, crawl_live):
    one = {"id": 1, "readable_id": "course-v1:X+1", "title": "One"}
    first = server.json(
        "/api/courses/?page=1", {"count": 4, "next": server.url + "/api/courses/?page=2", "results": [one]}
    )
    server.json("/api/courses/?page=2", {"count": 4, "next": None, "results": []})
    run = crawl_live("mitxonline", [first])
    assert run["stats"]["errors/empty_results"] == 1 and run["summary"]["status"] == "partial"
    assert len(run["offers"]) == 1
