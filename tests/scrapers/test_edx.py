"""edX discovery (and the MIT shapes it recognises): every real recording, paging, JWT auth, RSS."""

import json
from pathlib import Path

import pytest

from scrapers.parsers import edx
from scrapers.parsers.base import ParseError

SNAP = Path(__file__).resolve().parents[2] / "scrapers" / "snapshot" / "edx"
PAGE1 = "https://discovery.edx.org/api/v1/catalogs/1/courses/?page_size=100"


def listings(data):
    """The listings a recorded document holds, counted independently of the parser."""
    if isinstance(data, list):
        return data
    if "results" in data:
        return data["results"]
    return data["data"]["searchAPISearch"]["documents"]


@pytest.mark.parametrize(
    "name",
    [
        "test_mitx_course.json",
        "test_mitx_programs.json",
        "mitxonline_courses.json",
        "xpro_courses.json",
        "prolearn_mitpe_courses.json",
    ],
)
def test_every_listing_of_every_real_recording(corpus, offers_of, name):
    path = corpus / "edx_discovery" / name
    raw = listings(json.loads(path.read_bytes()))
    page = edx.parse(path.read_bytes(), path.as_uri())
    offers, rejects = offers_of(page, "edx")
    # a listing is an offer, or set aside as no offer at all (a proctored exam, a placeholder) with the reason
    assert rejects == [] and all(r.reason.startswith("not_an_offer: ") for r in page.rejects)
    raw = [record for record in raw if not any(record == r.raw for r in page.rejects)]
    assert len(offers) == len(raw)
    for record, offer in zip(raw, offers, strict=True):
        assert offer.title == " ".join(record["title"].split())
        assert offer.provider and offer.url and offer.url.startswith("https://")


def test_real_discovery_course_fields(corpus, offers_of):
    path = corpus / "edx_discovery" / "test_mitx_course.json"
    offers, _ = offers_of(edx.parse(path.read_bytes(), path.as_uri()), "edx")
    edge = offers[0]
    assert (edge.source_id, edge.provider) == ("MITx+15.071x", "Massachusetts Institute of Technology")
    assert edge.url == "https://www.edx.org/course/the-analytics-edge"  # the localhost test URL is not a public page
    assert (edge.price_amount, edge.price_currency, edge.is_free) == (150.0, "USD", True)
    assert (edge.workload_raw, edge.duration_weeks, edge.level_raw) == ("10-15 hours per week", 13, "Intermediate")
    assert edge.languages == ["en"] and edge.subjects == ["Data Analysis & Statistics"]
    assert "Bertsimas" not in edge.model_dump_json()


def test_real_programs_carry_their_courses(corpus, offers_of):
    path = corpus / "edx_discovery" / "test_mitx_programs.json"
    offers, _ = offers_of(edx.parse(path.read_bytes(), path.as_uri()), "edx")
    circuits = offers[0]
    assert circuits.source_id.startswith("program:") and circuits.extras["kind"] == "XSeries"
    assert circuits.extras["course_keys"] == ["MITx+6.002.1x", "MITx+6.002.2x", "MITx+6.002.3x"]
    assert circuits.stackability.startswith("XSeries of 3 courses")


def test_real_prolearn_outcomes_from_takeaways(corpus, offers_of):
    path = corpus / "edx_discovery" / "prolearn_mitpe_courses.json"
    offers, _ = offers_of(edx.parse(path.read_bytes(), path.as_uri()), "edx")
    by_id = {o.source_id: o for o in offers}
    assert by_id["548"].learning_outcomes[1].text.startswith("Develop a better understanding of challenges")
    assert "1548" not in by_id  # "..., ignore me": a placeholder, rejected as no offer
    assert by_id["548"].price_raw == "$3,500" and by_id["548"].participation_form == "on-site"


def test_real_rss_feed(corpus, offers_of):
    path = corpus / "coursera_api" / "edx_course_feed_rss.xml"
    page = edx.parse(path.read_bytes(), path.as_uri())
    offers, _ = offers_of(page, "edx")
    assert [(o.title, o.provider) for o in offers] == [
        ("Mobile Application Experiences Part 4: Understanding Use", "MITx")
    ]
    assert offers[0].url == "https://www.edx.org/course/mobile-application-experiences-part-4-mitx-21w-789-4x"
    assert offers[0].workload_raw == "10-12 hours/week" and "Bentley" not in offers[0].model_dump_json()


def test_snapshot_pages_and_bad_record(offers_of):
    first = edx.parse((SNAP / "courses_page1.json").read_bytes(), PAGE1)
    offers, _ = offers_of(first, "edx")
    assert [r.reason for r in first.rejects] == ["source_id: missing"]
    assert [f.url for f in first.follow] == [
        "https://discovery.edx.org/api/v1/catalogs/1/courses/?page=2&page_size=100"
    ]
    assert offers[0].learning_outcomes[0].text == "Compare farming systems by their environmental footprint"
    assert offers[1].languages == ["fr"] and offers[1].learning_outcomes == []
    last = edx.parse((SNAP / "courses_page2.json").read_bytes(), first.follow[0].url)
    assert last.follow == [] and len(last.items) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"results": [',
        b'{"detail": "Authentication credentials were not provided."}',
        b'{"foo": 1}',
    ],
)
def test_bad_bodies_raise_one_line(body):
    with pytest.raises(ParseError) as err:
        edx.parse(body, PAGE1)
    assert "\n" not in str(err.value)


def test_snapshot_replays_without_credentials(snapshot_run):
    run = snapshot_run("edx")
    assert run["summary"]["status"] == "ok" and run["stats"]["offers/valid"] == 5
    assert {o["source_id"] for o in run["offers"]} >= {"DelftX+ROBO3x", "program:5f1e2d3c-0000-4aaa-8bbb-000000000001"}


def test_live_gets_a_jwt_then_pages_with_it(server, crawl_live):
    server.json("/oauth2/v1/access_token", {"access_token": "tok123", "token_type": "JWT", "expires_in": 3600})
    page2 = server.url + "/api/v1/catalogs/1/courses/?page=2"
    first = server.json(
        "/api/v1/catalogs/1/courses/",
        {
            "count": 2,
            "next": page2,
            "results": [{"key": "X+1", "title": "First", "owners": [{"name": "Lund University"}], "url_slug": "first"}],
        },
    )
    server.json(
        "/api/v1/catalogs/1/courses/?page=2",
        {
            "count": 2,
            "next": None,
            "results": [
                {"key": "X+2", "title": "Second", "owners": [{"name": "Lund University"}], "url_slug": "second"}
            ],
        },
    )
    run = crawl_live(
        "edx",
        [first],
        env={"EDX_CLIENT_ID": "id", "EDX_CLIENT_SECRET": "secret"},
        EDX_TOKEN_URL=server.url + "/oauth2/v1/access_token",
    )
    assert [o["title"] for o in run["offers"]] == ["First", "Second"] and run["summary"]["status"] == "ok"
    pages = [headers for method, path, headers in server.seen if path.startswith("/api/")]
    assert len(pages) == 2 and all(h.get("Authorization") == "JWT tok123" for h in pages)
    landed = (Path(run["summary"]["dir"]) / "index.jsonl").read_text()
    assert "tok123" not in landed and "secret" not in landed
