"""MOOChub v3 JSON:API and the older mooin (v2) recording: fields, outcomes from `teaches`, `links.next` paging."""

import json

import pytest

from scrapers.parsers import moochub
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES

URL = "https://lernen.example.eu/bridges/moochub/courses?page=1"


def test_v3_fields_outcomes_and_paging(offers_of):
    page = moochub.parse((FIXTURES / "moochub" / "v3_page.json").read_bytes(), URL)
    offers, rejects = offers_of(page, "moochub")
    assert rejects == ["title: missing"] and page.stats["moochub/other_resource_types"] == 1
    course = offers[0]
    assert (course.title, course.provider, course.url) == (
        "Datenschutz im Alltag",
        "Hochschule Beispielstadt",
        "https://lernen.example.eu/courses/dsgvo-alltag",
    )
    assert [(o.text, o.lang, o.text_en) for o in course.learning_outcomes] == [
        ("Personenbezogene Daten schützen", "de", "Protect personal data")
    ]
    assert (course.workload_raw, course.duration_weeks, course.ects, course.country) == ("2 h/week", 4, 1.0, "DE")
    assert (course.price_amount, course.price_currency, course.is_free) == (0.0, "EUR", True)
    assert course.price_raw == "course: 0 EUR; certificate: 40 EUR"
    assert len(course.runs) == 2 and course.participation_form == "online" and course.level_raw == "FOUNDATION"
    assert course.part_of == ["https://lernen.example.eu/programs/digital-buerger"]
    assert "A Person" not in course.model_dump_json() and "Another Person" not in course.model_dump_json()
    assert [f.url for f in page.follow] == ["https://lernen.example.eu/bridges/moochub/courses?page=2"]


def test_last_page_and_self_link_stop():
    doc = {"links": {"self": URL, "next": ""}, "data": [{"id": "1", "type": "courses", "attributes": {"name": "x"}}]}
    assert moochub.parse(json.dumps(doc).encode(), URL).follow == []
    doc["links"]["next"] = URL
    assert moochub.parse(json.dumps(doc).encode(), URL).follow == []


def test_real_mooin_recording(corpus, offers_of):
    path = corpus / "coursera_api" / "mooin_courses_jsonapi.json"
    raw = json.loads(path.read_bytes())["data"]
    offers, rejects = offers_of(moochub.parse(path.read_bytes(), path.as_uri()), "moochub")
    assert rejects == [] and [o.title for o in offers] == [r["attributes"]["name"] for r in raw]
    assert offers[0].url == "https://mooin.oncampus.de/mod/page/view.php?id=1941&lang=de"
    assert offers[0].provider.startswith("Fachhochschule Lübeck") and offers[1].provider == "oncampus GmbH"
    assert (offers[0].duration_weeks, offers[0].languages, offers[0].is_free) == (6, ["de", "ar"], False)
    assert "Handke" not in offers[0].model_dump_json()


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html>maintenance</html>",
        b'{"links": {}, "data": [',
        b'{"errors": [{"status": "406", "title": "Unsupported requested version"}]}',
    ],
)
def test_bad_bodies_raise_one_line(body):
    with pytest.raises(ParseError) as err:
        moochub.parse(body, URL)
    assert "\n" not in str(err.value)


def test_snapshot_crawl_reads_every_endpoint(snapshot_run):
    run = snapshot_run("moochub")
    assert run["summary"]["status"] == "ok" and run["stats"]["rejects/record"] == 1
    hosts = {o["url"].split("/")[2] for o in run["offers"]}
    assert hosts == {"open.hpi.de", "learn.ki-campus.org", "mooc.house"}
    assert "Quantencomputing verstehen" in {o["title"] for o in run["offers"]}  # page 2 of openHPI
