"""Parsers give source values; the normaliser derives participation, duration and workload and says why.

MIT, MOOChub and schema.org pages name their form of participation in their own words ("In person",
courseMode "asynchronous", "https://schema.org/Blended"). The parser gives those words (`participation_raw`; for
MOOChub and schema.org also `extras.participation_forms`, each word with the form the source's own vocabulary
gives it); the normaliser maps them and explains how. No derived value is recorded as `given`, and the values
themselves are the ones these files gave before the derivation moved (pinned below).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scrapers.parsers import edx, elm, mit, moochub, schema_org
from scrapers.registry import get_source
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
SCHEMA_PAGE = "https://uas.example.eu/short-courses"

# (source, file, url, {source_id: participation_form}): the final values before the derivation moved
PARTICIPATION: list[tuple[str, Path, str | None, dict[str, str | None]]] = [
    (
        "mitxpro",
        SNAPSHOT / "mitxpro" / "courses.json",
        "https://xpro.mit.edu/api/courses/",
        {"course-v1:xPRO+LDT1": "online", "course-v1:xPRO+QCF1": "online", "course-v1:xPRO+SEB1": "on-site"},
    ),
    (
        "mit_pe",
        SNAPSHOT / "mit_pe" / "search.json",
        "https://prolearn.mit.edu/graphql",
        {"901": "online", "902": "on-site"},
    ),
    (
        "moochub",
        FIXTURES / "moochub" / "v3_page.json",
        "https://lernen.example.eu/bridges/moochub/courses?page=1",
        {"5a0c9f0e-1111-4e2a-9c3b-aaaaaaaa0001": "online"},
    ),
    (
        "moochub",
        SNAPSHOT / "moochub" / "openhpi_page1.json",
        "https://open.hpi.de/bridges/moochub/courses",
        {"1b7e0c52-0001-4c1a-9a6f-7b0f2d1e0001": "online", "1b7e0c52-0001-4c1a-9a6f-7b0f2d1e0002": "online"},
    ),
    (
        "moochub",
        SNAPSHOT / "moochub" / "moochouse_page1.json",
        "https://mooc.house/bridges/moochub/courses",
        {"3e5f6a70-0003-4d3e-9f8a-2b3c4d5e0001": "blended"},
    ),
    (
        "schema_org",
        FIXTURES / "schema_org" / "graph_and_microdata.html",
        SCHEMA_PAGE,
        {
            "https://uas.example.eu/mc/water#course": "blended",
            f"{SCHEMA_PAGE}#Certificate in Urban Cycling Planning": None,
        },
    ),
    (
        "schema_org",
        SNAPSHOT / "schema_org" / "course_digitalkompetenz.html",
        "https://imoox.at/course/digitalkompetenz",
        {"https://imoox.at/course/digitalkompetenz#course": "online"},
    ),
    (
        "mitxpro",
        CORPUS / "edx_discovery" / "xpro_courses.json",
        None,
        {
            "course-v1:xPRO+DgtlLearn1": "online",
            "course-v1:xPRO+DgtlLearn2": "online",
            "course-v1:xPRO+DgtlLearn3": "online",
            "course-v1:xPRO+SysEngxB1": "online",
            "course-v1:xPRO+SysEngxB2": "online",
            "course-v1:xPRO+SysEngxB3": "on-site",
            "course-v1:xPRO+SysEngxB4": "online",
        },
    ),
    (
        "mit_pe",
        CORPUS / "edx_discovery" / "prolearn_mitpe_courses.json",
        None,
        {"193": "on-site", "507": "blended", "548": "on-site"},  # 1548 is a placeholder ("ignore me"): a reject
    ),
    (
        "moochub",
        CORPUS / "coursera_api" / "mooin_courses_jsonapi.json",
        None,
        {"04c99073eb53d13bab526141ab872f30": "online", "7fb8bf5bcccb7560ab56c02b19d9cb97": "online"},
    ),
    (
        "edx",
        CORPUS / "edx_discovery" / "test_mitx_course.json",
        None,
        {"MITx+15.071x": "online", "MITx+8.370.3x_review": "online"},
    ),
    (
        "edx",
        SNAPSHOT / "edx" / "courses_page1.json",
        "https://discovery.edx.org/api/v1/catalogs/1/courses/?page_size=100",
        {"KULeuvenX+AGRI101x": "online", "SorbonneX+HIST02x": "online"},
    ),
]


def _offers(source: str, path: Path, url: str | None) -> tuple[list[dict[str, Any]], list[Any]]:
    if not path.exists():
        pytest.skip(f"{path} is not present")
    page = get_source(source).load_parser()(path.read_bytes(), url or path.as_uri())
    offers, _ = chain(page, source)  # the fixtures' deliberately broken records are rejected as before
    return page.items, offers


def _ids(case: tuple[str, Path, str | None, dict[str, str | None]]) -> str:
    return f"{case[0]}-{case[1].name}"


@pytest.mark.parametrize("case", PARTICIPATION, ids=_ids)
def test_participation_is_mapped_by_the_normaliser_with_a_reason_and_unchanged(case) -> None:
    source, path, url, expected = case
    items, offers = _offers(source, path, url)
    assert {o.source_id: o.participation_form for o in offers} == expected
    for item in items:  # the parser gives the source's words, never a form of its own making for them
        assert not (item.get("participation_raw") and item.get("participation_form"))
    for offer in offers:
        rules = [e for e in offer.explanations if e.field == "participation_form"]
        assert not [e for e in rules if e.rule == "participation.given"], rules
        if offer.participation_form is not None:
            (ex,) = [e for e in rules if e.value is not None]
            assert ex.rule in ("participation.mapped", "participation.mapped_several", "participation.vocabulary")
            assert ex.raw_field == "participation_raw" and ex.raw_value == offer.participation_raw and ex.note


def test_moochub_course_mode_is_mapped_by_moochubs_vocabulary_in_the_normaliser() -> None:
    _, offers = _offers("moochub", FIXTURES / "moochub" / "v3_page.json", "https://lernen.example.eu/x?page=1")
    (ex,) = [e for e in offers[0].explanations if e.field == "participation_form"]
    assert (ex.rule, ex.value, ex.raw_value) == ("participation.mapped", "online", "online, asynchronous")
    assert ex.note == "moochub vocabulary: 'online' -> online, 'asynchronous' -> online"
    assert offers[0].extras["participation_forms"] == {"online": "online", "asynchronous": "online"}


def test_several_modes_collapse_to_blended_in_the_normaliser_not_the_parser() -> None:
    doc = (
        b'{"links": {}, "data": [{"id": "c1", "type": "courses", "attributes": {"name": "Mixed",'
        b' "courseMode": ["online", "onsite", "hybrid"]}}]}'
    )
    page = moochub.parse(doc, "https://lernen.example.eu/bridges/moochub/courses")
    item = page.items[0]
    assert "participation_form" not in item and item["participation_raw"] == "online, onsite, hybrid"
    assert item["extras"]["participation_forms"] == {"online": "online", "onsite": "on-site"}  # hybrid: not its word
    (offer,), _ = chain(page, "moochub")
    (ex,) = [e for e in offer.explanations if e.field == "participation_form"]
    assert offer.participation_form == "blended" and ex.rule == "participation.mapped_several"
    assert "'online' -> online, 'onsite' -> on-site" in ex.note and "blended" in ex.note


def test_schema_org_words_without_a_form_fall_back_to_the_normalisers_vocabulary() -> None:
    html = (
        b'<html><script type="application/ld+json">{"@type": "Course", "name": "Evening course",'
        b' "hasCourseInstance": {"@type": "CourseInstance", "courseMode": ["parttime", "Distance learning"]}}'
        b"</script></html>"
    )
    page = schema_org.parse(html, SCHEMA_PAGE)
    assert page.items[0]["extras"]["participation_forms"] == {"parttime": None}
    (offer,), _ = chain(page, "schema_org")
    (ex,) = [e for e in offer.explanations if e.field == "participation_form"]
    assert (offer.participation_form, ex.rule) == ("online", "participation.vocabulary")


def test_mit_keeps_no_vocabulary_of_its_own() -> None:
    """Every MIT word ('In person', 'Live Virtual', 'Blended', 'Online') is in the normaliser's vocabulary."""
    assert not hasattr(mit, "FORMS") and not hasattr(mit, "_form")
    assert mit.xpro_item({"title": "x", "format": "In person"}).get("participation_form") is None
    assert (
        edx.course_item({"key": "k", "course_runs": [{"pacing_type": "self_paced"}]}).get("participation_form") is None
    )
    assert edx.course_item({"key": "k"})["participation_form"] == "online"  # edX itself is an online platform


@pytest.mark.parametrize(
    ("source", "path", "url"),
    [
        ("moochub", FIXTURES / "moochub" / "v3_page.json", "https://lernen.example.eu/bridges/moochub/courses?page=1"),
        ("moochub", SNAPSHOT / "moochub" / "openhpi_page1.json", "https://open.hpi.de/bridges/moochub/courses"),
        ("moochub", CORPUS / "coursera_api" / "mooin_courses_jsonapi.json", None),
    ],
    ids=lambda v: getattr(v, "name", None) or str(v)[:20],
)
def test_iso_durations_are_parsed_by_the_normaliser_not_given(source: str, path: Path, url: str | None) -> None:
    items, offers = _offers(source, path, url)
    assert all("duration_weeks" not in item for item in items)
    for offer in offers:
        if offer.duration_weeks is not None:
            (ex,) = [e for e in offer.explanations if e.field == "duration_weeks"]
            assert ex.rule == "duration.parsed" and ex.raw_value == offer.duration_raw


def test_schema_org_iso_duration_is_parsed_by_the_normaliser() -> None:
    html = (
        b'<html><script type="application/ld+json">{"@type": "Course", "name": "Short",'
        b' "hasCourseInstance": {"@type": "CourseInstance", "duration": "P6W"}}</script></html>'
    )
    page = schema_org.parse(html, SCHEMA_PAGE)
    assert "duration_weeks" not in page.items[0] and page.items[0]["duration_raw"] == "P6W"
    (offer,), _ = chain(page, "schema_org")
    (ex,) = [e for e in offer.explanations if e.field == "duration_weeks"]
    assert (offer.duration_weeks, ex.rule) == (6, "duration.parsed")


@pytest.mark.parametrize(
    ("path", "hours"),
    [(SNAPSHOT / "elm" / "tlu_loq.xml", 78.0), (CORPUS / "elm" / "Sample-MC-Annex1-unsigned.jsonld", 60.0)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_elm_volume_of_learning_is_read_by_the_normaliser_not_given(path: Path, hours: float) -> None:
    items, offers = _offers("elm", path, None)
    assert all("workload_hours_min" not in i and "eqf_flag" not in i for i in items)
    offer = offers[0]
    assert (offer.workload_hours_min, offer.workload_hours_max) == (hours, hours)
    (ex,) = [e for e in offer.explanations if e.field == "workload_hours_min"]
    assert ex.raw_field == "workload_raw" and ex.raw_value == offer.workload_raw == f"PT{hours:g}H"
    assert ex.rule != "workload.given"


def test_elm_module_has_no_hours_reader_of_its_own() -> None:
    assert not hasattr(elm, "_iso_hours")
