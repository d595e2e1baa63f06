"""Every real recording in the platform folders gives all its listings through the platform parsers."""

import json

import pytest

from scrapers.parsers import coursera, edx, futurelearn, iversity, moochub, udacity

FILES = {
    "coursera_courses_v1.json": ("elements", "name"),
    "futurelearn_feeds_courses.json": (None, "name"),
    "iversity_courses.json": ("courses", "title"),
    "udacity_courses.json": ("courses", "title"),
    "mooin_courses_jsonapi.json": ("data", None),
}


@pytest.mark.parametrize("parser", [coursera, futurelearn, edx, moochub])
@pytest.mark.parametrize("name", sorted(FILES))
def test_any_platform_parser_reads_any_recorded_platform_file(corpus, offers_of, parser, name):
    path = corpus / "coursera_api" / name
    key, title = FILES[name]
    data = json.loads(path.read_bytes())
    raw = data[key] if key else data
    offers, rejects = offers_of(parser.parse(path.read_bytes(), path.as_uri()), "x")
    assert rejects == [] and len(offers) == len(raw)
    titles = [r[title] if title else r["attributes"]["name"] for r in raw]
    assert [o.title for o in offers] == titles and all(o.provider for o in offers)


def test_retired_platforms_have_their_own_parsers(corpus, offers_of):
    ivy = corpus / "coursera_api" / "iversity_courses.json"
    uda = corpus / "coursera_api" / "udacity_courses.json"
    (course,), _ = offers_of(iversity.parse(ivy.read_bytes(), ivy.as_uri()), "iversity")
    assert (course.provider, course.languages, course.level_raw) == ("Universität Osnabrück", ["de"], "Beginner")
    assert course.url == "https://iversity.org/en/courses/algorithmen-und-datenstrukturen-april-2015"
    assert "Vornberger" not in course.model_dump_json()
    (intro,), _ = offers_of(udacity.parse(uda.read_bytes(), uda.as_uri()), "udacity")
    assert intro.url == "https://www.udacity.com/course/intro-to-computer-science--cs101"
    assert "Dave Evans" not in intro.model_dump_json()
