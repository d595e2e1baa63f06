"""Coursera catalog API: parsing, paging by `start`, partner lookups, and failures of a live crawl."""

import json
from pathlib import Path

import pytest

from scrapers.parsers import coursera
from scrapers.parsers.base import ParseError

SNAP = Path(__file__).resolve().parents[2] / "scrapers" / "snapshot" / "coursera"
API = "https://api.coursera.org/api/courses.v1?start=0&limit=2&fields=name,slug"


def page(elements, nxt=None, total=10, linked=None):
    paging = {"total": total, **({"next": nxt} if nxt is not None else {})}
    return json.dumps({"elements": elements, "paging": paging, "linked": linked or {}}).encode()


COURSE = {"id": "c1", "slug": "one", "name": "One", "partnerIds": ["7"], "primaryLanguages": ["en"]}
PARTNERS = {"partners.v1": [{"id": "7", "name": "Aalto University", "links": {"website": "https://www.aalto.fi"}}]}


def test_snapshot_page_items_rejects_and_follow_ups(offers_of):
    url = json.loads((SNAP / "index.jsonl").read_text().splitlines()[0])["url"]
    result = coursera.parse((SNAP / "courses_start0.json").read_bytes(), url)
    offers, rejects = offers_of(result, "coursera")
    assert [o.title for o in offers] == [
        "Circular Economy Essentials",
        "Datenbanken: Grundlagen",
        "Marine Spatial Planning",
    ]
    assert [r.reason for r in result.rejects] == ["source_id: missing"] and rejects == []
    assert offers[0].provider == "Delft University of Technology"
    assert offers[0].url == "https://www.coursera.org/learn/circular-economy-essentials"
    assert [o.text for o in offers[0].learning_outcomes][0] == "Explain the three principles of a circular economy"
    assert offers[1].learning_outcomes == []  # no outcome list in the description: nothing invented
    assert offers[2].provider is None and offers[2].extras["partner_ids"] == ["4099"]
    kinds = {f.kind: f.url for f in result.follow}
    assert "ids=4099" in kinds["partners"] and "start=4" in kinds["page"]


def test_real_courses_v1_every_listing(corpus, offers_of):
    path = corpus / "coursera_api" / "coursera_courses_v1.json"
    raw = json.loads(path.read_bytes())
    offers, rejects = offers_of(coursera.parse(path.read_bytes(), path.as_uri()), "coursera")
    assert rejects == [] and len(offers) == len(raw["elements"]) == 2
    assert [(o.title, o.provider, o.url) for o in offers] == [
        (
            "Creative Programming for Digital Media & Mobile Apps",
            "University of London",
            "https://www.coursera.org/learn/digitalmedia",
        ),
        ("Gamification", "University of Pennsylvania", "https://www.coursera.org/learn/gamification"),
    ]
    assert offers[1].workload_raw == "4-8 hours/week" and offers[1].languages == ["en"]
    assert all("1620951" not in o.model_dump_json() and "Gillies" not in o.model_dump_json() for o in offers)


def test_paging_follows_next_and_stops_on_last_page():
    first = coursera.parse(page([COURSE], nxt="2", linked=PARTNERS), API)
    assert [f.url for f in first.follow if f.kind == "page"] == [API.replace("start=0", "start=2")]
    last = coursera.parse(page([{**COURSE, "id": "c3"}], linked=PARTNERS), API.replace("start=0", "start=2"))
    assert last.follow == [] and len(last.items) == 1


def test_next_that_does_not_advance_is_not_followed():
    result = coursera.parse(page([COURSE], nxt="2", linked=PARTNERS), API.replace("start=0", "start=2"))
    assert not [f for f in result.follow if f.kind == "page"]
    assert result.stats["paging/next_not_advancing"] == 1


def test_empty_page_where_results_were_expected_is_an_error():
    assert coursera.parse(page([], total=50), API.replace("start=0", "start=20")).stats == {"errors/empty_results": 1}
    assert coursera.parse(page([], total=0), API).stats == {"paging/no_results": 1}


def test_renamed_fields_give_rejects_or_empty_values_not_crashes(offers_of):
    body = page([{"id": "x1", "title": "renamed", "partners": ["1"]}, {"id": "x2", "name": "Kept", "slug": None}])
    offers, rejects = offers_of(coursera.parse(body, API), "coursera")
    assert rejects == ["title: missing"] and offers[0].title == "Kept" and offers[0].url is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<!DOCTYPE html><html><body>Service Unavailable</body></html>",
        b'{"elements": [{"id": "c1", "name"',
        b'{"errorCode": "Unauthorized", "message": "x"}',
        b'{"unexpected": true}',
    ],
)
def test_bad_bodies_raise_one_line(body):
    with pytest.raises(ParseError) as err:
        coursera.parse(body, API)
    assert "\n" not in str(err.value)


def test_snapshot_crawl_fills_provider_from_partner_lookup(snapshot_run):
    run = snapshot_run("coursera")
    assert run["summary"]["status"] == "ok"
    by_title = {o["title"]: o for o in run["offers"]}
    assert by_title["Marine Spatial Planning"]["provider"] == "University of Gdańsk"
    assert (
        by_title["Sustainable Engineering"]["url"] == "https://www.coursera.org/specializations/sustainable-engineering"
    )
    assert "Public Health Data Literacy" in by_title  # second page followed
    assert run["stats"]["rejects/source_id"] == 1 and run["stats"]["offers/valid"] == 6


def test_live_walks_pages_and_looks_up_partners(server, crawl_live):
    server.json("/api/partners.v1", {"elements": [{"id": "9", "name": "Ghent University"}]})
    second = server.json(
        "/api/courses.v1?start=1", {"elements": [{**COURSE, "id": "c2", "partnerIds": ["9"]}], "paging": {"total": 2}}
    )
    first = server.json(
        "/api/courses.v1", {"elements": [COURSE], "paging": {"next": "1", "total": 2}, "linked": PARTNERS}
    )
    assert second.endswith("start=1")
    run = crawl_live("coursera", [first])
    providers = {o["source_id"]: o["provider"] for o in run["offers"]}
    assert providers == {"c1": "Aalto University", "c2": "Ghent University"}
    assert run["summary"]["status"] == "ok"
    assert any(path.startswith("/api/partners.v1?ids=9") for _, path, _ in server.seen)
