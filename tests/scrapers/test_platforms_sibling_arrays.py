"""Issue #13, class 6: a catalogue document holding several arrays (courses beside degrees, programs, tracks, linked
records) has every array either read for offers or counted as skipped with a reason, in the page's stats (the crawl's
`items/skipped/<why>/<array>`) and on one stderr line of `mcatlas parse`. Fixtures: tests/fixtures/platforms."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pipelines.cli import main
from scrapers.parsers import coursera, edx, futurelearn, iversity, moochub, udacity
from tests.scrapers.conftest import FIXTURES

PLATFORMS = FIXTURES / "platforms"


def skipped(page) -> dict[str, int]:
    return {k.removeprefix("items/skipped/"): v for k, v in page.stats.items() if k.startswith("items/skipped/")}


def test_udacity_degrees_beside_courses_are_read_and_tracks_counted():
    page = udacity.parse(
        (PLATFORMS / "udacity_catalog.json").read_bytes(), "https://www.udacity.com/public-api/v0/courses"
    )
    assert [i["source_id"] for i in page.items] == ["ud901", "nd950"]  # the paid Nanodegree is no longer dropped
    assert skipped(page) == {"not_offers/tracks": 1}


def test_futurelearn_feed_wrapped_in_an_object_reads_courses_and_programs():
    page = futurelearn.parse((PLATFORMS / "futurelearn_wrapped.json").read_bytes(), "https://www.futurelearn.com/feeds")
    assert [i["title"] for i in page.items] == ["Beekeeping Basics", "Pollinators and People"]
    assert skipped(page) == {"unrecognised_array/categories": 2}


def test_coursera_linked_arrays_are_used_or_counted_with_their_reason():
    page = coursera.parse(
        (PLATFORMS / "coursera_mixed.json").read_bytes(), "https://api.coursera.org/api/courses.v1?start=0"
    )
    assert skipped(page) == {
        "linked_copy/linked.courses.v1": 2,
        "personal_data/linked.instructors.v1": 1,
        "unrecognised_array/linked.reviews.v1": 1,
    }
    assert "Some Teacher" not in json.dumps(page.items)


def test_iversity_edx_and_moochub_count_arrays_they_do_not_read():
    ivy = iversity.parse(
        (PLATFORMS / "iversity_with_programs.json").read_bytes(), "https://iversity.org/api/v1/courses"
    )
    assert [i["title"] for i in ivy.items] == ["Statistik verstehen"]
    assert skipped(ivy) == {"unrecognised_array/programs": 1, "unrecognised_array/disciplines": 1}

    page = {"count": 1, "next": None, "results": [{"key": "X+1", "title": "One", "owners": [{"name": "Uni"}]}]}
    discovery = edx.parse(json.dumps({**page, "facets": [{"subject": "a"}, {"subject": "b"}]}).encode(), "https://d/x")
    assert skipped(discovery) == {"unrecognised_array/facets": 2}

    course = {"id": "m1", "type": "courses", "attributes": {"name": "Kurs", "url": "https://mooc.example/m1"}}
    doc = {
        "data": [course, {"id": "p1", "type": "Program", "attributes": {"name": "Paket"}}],
        "included": [{"id": "o1", "type": "organizations", "attributes": {"name": "Hochschule"}}],
    }
    mooc = moochub.parse(json.dumps(doc).encode(), "https://mooc.example/bridges/moochub/courses")
    assert [i["title"] for i in mooc.items] == ["Kurs"]
    assert skipped(mooc) == {"other_resource_type/data:Program": 1, "related_resources/included": 1}


def test_skipped_summary_is_one_line_naming_array_count_and_reason():
    from scrapers.parsers.common import skipped_summary

    line = skipped_summary({"items/skipped/not_offers/tracks": 3, "items/skipped/personal_data/linked.x": 1, "a": 2})
    assert line == "skipped 4 records not read as offers: 3 in tracks (not_offers), 1 in linked.x (personal_data)"
    assert skipped_summary({"offers/valid": 3}) is None


def test_mcatlas_parse_reports_skipped_arrays_on_one_stderr_line():
    result = CliRunner().invoke(main, ["parse", "udacity", str(PLATFORMS / "udacity_catalog.json")])
    assert result.exit_code == 0
    assert [json.loads(line)["source_id"] for line in result.stdout.splitlines()] == ["ud901", "nd950"]
    lines = result.stderr.splitlines()
    assert "udacity_catalog.json: skipped 1 records not read as offers: 1 in tracks (not_offers)" in lines
    assert "reject ud902: not_an_offer: proctored exam entry" in lines


def test_a_crawl_counts_skipped_arrays_in_its_stats(server, crawl_live):
    body = json.loads((PLATFORMS / "iversity_with_programs.json").read_bytes())
    run = crawl_live("iversity", [server.json("/api/v1/courses", body)])
    assert [o["title"] for o in run["offers"]] == ["Statistik verstehen"] and run["summary"]["status"] == "ok"
    assert run["stats"]["items/skipped/unrecognised_array/programs"] == 1
    assert run["stats"]["items/skipped/unrecognised_array/disciplines"] == 1
