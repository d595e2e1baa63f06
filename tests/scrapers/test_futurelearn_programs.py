"""FutureLearn programs feed: programs list their courses, and a crawl writes the programs into `part_of`."""

import json

from scrapers.parsers import futurelearn
from tests.scrapers.conftest import SNAPSHOT


def test_programs_feed_items_carry_their_courses(offers_of):
    page = futurelearn.parse(
        (SNAPSHOT / "futurelearn" / "feeds_programs.json").read_bytes(), "https://www.futurelearn.com/feeds/programs"
    )
    offers, rejects = offers_of(page, "futurelearn")
    assert rejects == []
    track, micro = offers
    assert track.source_id == "program:7d2c0a11-5e3b-4c8e-9f10-2a6b5c0e9001"
    assert track.url == "https://www.futurelearn.com/experttracks/data-skills-for-sustainability"
    assert track.stackability.startswith("Experttrack of 2 FutureLearn courses")
    assert [o.text for o in track.learning_outcomes] == [
        "Analyse energy consumption data with Python",
        "Communicate sustainability findings to non-specialists",
    ]
    assert micro.ects == 7.5 and micro.extras["course_ids"] == ["0c7b1f6e-1d2a-4c51-9a55-3e1f0d7a1003"]


def test_real_recorded_feed_in_the_platform_folder(corpus, offers_of):
    path = corpus / "coursera_api" / "futurelearn_feeds_courses.json"
    raw = json.loads(path.read_bytes())
    offers, rejects = offers_of(futurelearn.parse(path.read_bytes(), path.as_uri()), "futurelearn")
    assert rejects == [] and [(o.title, o.provider) for o in offers] == [(raw[0]["name"], "University of Reading")]
    assert offers[0].url == "http://www.futurelearn.com/courses/begin-programming"
    assert "Lundqvist" not in offers[0].model_dump_json()


def test_empty_feed_is_an_error_not_silence():
    assert futurelearn.parse(b"[]", "https://www.futurelearn.com/feeds/courses").stats == {"errors/empty_results": 1}


def test_snapshot_crawl_links_courses_to_programs(snapshot_run):
    run = snapshot_run("futurelearn")
    assert run["summary"]["status"] == "ok"
    part_of = {o["title"]: o["part_of"] for o in run["offers"]}
    assert part_of["Sustainable Energy Basics"] == ["program:7d2c0a11-5e3b-4c8e-9f10-2a6b5c0e9001"]
    assert part_of["Teaching with Games"] == ["program:7d2c0a11-5e3b-4c8e-9f10-2a6b5c0e9002"]
    assert part_of["Game-Based Learning Design"] == []
