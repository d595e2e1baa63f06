"""DTU course base: every real GetCourse file and our own snapshot, both languages, flags, privacy, bad input."""

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from scrapers.parsers import dtu
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import SNAPSHOT, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dtu"
COURSE_URL = "https://kurser.dtu.dk/coursewebservicev2/course.asmx/GetCourse?courseCode=X&yearGroup=2026%2F2027"


def _files() -> list[Path]:
    own = [p for p in sorted((SNAPSHOT / "dtu").glob("course_*.xml")) if "unpublished" not in p.name]
    return own + (sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else [])


def _facts(path: Path) -> dict:
    course = etree.parse(str(path)).getroot().find(".//Course")
    staff = [e.text.strip() for e in course.iter("GivenName", "FamilyName", "Email") if (e.text or "").strip()]
    for ext in course.iter("External_Course_Responsible"):
        staff += [ext.get("Name"), ext.get("Email")]
    return {
        "code": course.get("CourseCode"),
        "ects": float(course.findtext("Point")),
        "titles": {t.get("Lang")[:2]: " ".join(t.get("Title").split()) for t in course.findall("Title")},
        "level": course.find("CBS_Programme_Level").get("CBS_Programme_LevellKey"),
        "euroteq": any(t.get("OfferedAsACourseOfTypeKey") == "EuroTeQ" for t in course.iter("OfferedAsACourseOfType")),
        "open": any(o.get("TaughtUnderOpenUniversity") == "true" for o in course.iter("Open_University")),
        "outcomes_en": [
            " ".join(t.get("Txt").split())
            for kw in course.findall("DTU_ObjectiveKeyword")
            for t in kw.findall("Txt")
            if t.get("Lang") == "en-GB"
        ],
        "teaching": [t.get("LangCode")[:2] for t in course.findall("Teaching_Language")],
        "staff": [s for s in staff if s],
    }


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_course_file_matches_its_xml(path: Path):
    facts = _facts(path)
    page = dtu.parse(path.read_bytes(), COURSE_URL)
    offers, rejects = chain(page, "dtu")
    assert rejects == [] and page.rejects == [] and len(offers) == 1
    offer = offers[0]
    assert offer.source_id == facts["code"] and offer.country == "DK"
    assert offer.ects == facts["ects"] and offer.ects_flag == "given"
    assert offer.title == facts["titles"]["en"] and offer.titles == facts["titles"]  # both languages kept
    assert ("EuroTeQ" in offer.alliances) == facts["euroteq"]
    assert offer.extras["open_university"] == facts["open"]
    assert [o.text_en or o.text for o in offer.learning_outcomes] == facts["outcomes_en"]
    assert offer.languages == facts["teaching"]
    expected_eqf = {"DTU_BSC": 6, "DTU_DIPLOM": 6, "DTU_MSC": 7, "DTU_PHD": 8}.get(facts["level"])
    assert offer.eqf_level == expected_eqf and offer.eqf_flag == ("inferred" if expected_eqf else None)
    assert offer.extras["schedule_keys"] and offer.assessment and offer.extras["descriptions"].get("en-GB")
    dumped = json.dumps(offer.model_dump(mode="json"), ensure_ascii=False)
    for value in facts["staff"]:
        assert not re.search(rf"\b{re.escape(value)}\b", dumped), f"{path.name}: staff data {value!r} stored"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", dumped), f"{path.name}: an e-mail address is stored"


def test_real_corpus_has_danish_taught_and_euroteq_courses():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    offers = [chain(dtu.parse(p.read_bytes(), COURSE_URL), "dtu")[0][0] for p in sorted(CORPUS.glob("*.xml"))]
    assert len(offers) == len(list(CORPUS.glob("*.xml")))
    assert any("da" in o.languages for o in offers) and any(o.alliances == ["EuroTeQ"] for o in offers)
    danish = next(o for o in offers if o.languages == ["da"])
    assert danish.learning_outcomes[0].lang == "da" and danish.learning_outcomes[0].text_en


def test_open_university_course_without_teaching_language_and_staff_in_free_text():
    page = dtu.parse((SNAPSHOT / "dtu" / "course_41998.xml").read_bytes(), COURSE_URL)
    assert page.stats["dtu/missing_teaching_language"] == 1
    offer = chain(page, "dtu")[0][0]
    assert offer.languages == [] and offer.extras["teaching_language_stated"] is False
    assert offer.extras["open_university"] and offer.extras["open_university_subtitle"] == "3D printing in practice"
    notes = json.dumps(offer.extras["schedule_notes"], ensure_ascii=False)
    assert "[staff]" in notes and "Prøvesen" not in notes and "[e-mail]" in notes
    assert "Gæstelærer" not in (offer.assessment or "") and "[staff]" in offer.assessment
    assert offer.extras["remarks"]["en-GB"].startswith("Also offered through Open University")
    assert offer.eqf_level == 6 and offer.eqf_flag == "inferred" and offer.level_raw == "DTU_BSC"


def test_duplicate_course_codes():
    body = (SNAPSHOT / "dtu" / "course_41999.xml").read_bytes()
    course = body.split(b"<Course ", 1)[1].split(b"</Course>", 1)[0]
    doubled = body.replace(b"</CourseXml>", b"</CourseXml><CourseXml><Course " + course + b"</Course></CourseXml>")
    page = dtu.parse(doubled, COURSE_URL)
    assert len(page.items) == 1 and [r.reason for r in page.rejects] == [
        "source_id: duplicate course code in one response"
    ]
    codes = dtu.parse(
        (SNAPSHOT / "dtu" / "codes_41.xml").read_bytes(),
        "https://kurser.dtu.dk/coursewebservicev2/course.asmx/GetCoursesByCourseCodeStartingLetters"
        "?startLetters=41&yearGroup=2026%2F2027",
    )
    assert [f.url.split("courseCode=")[1][:5] for f in codes.follow] == ["41998", "41999"]
    assert codes.stats["dtu/duplicate_codes_listed"] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'<?xml version="1.0" encoding="utf-8"?><root><CoursePublished><Course CourseCode="01017">', "malformed XML"),
        (b"\xef\xbb\xbf", "empty"),
        (b"\x00\x01binary", "not XML"),
    ],
)
def test_malformed_xml_is_one_clear_line(body, message):
    with pytest.raises(ParseError, match=message) as err:
        dtu.parse(body, COURSE_URL)
    assert "\n" not in str(err.value)


def test_bom_and_wrong_encoding_still_read():
    text = (SNAPSHOT / "dtu" / "course_41998.xml").read_text(encoding="utf-8")
    for body in (b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252")):
        offer = chain(dtu.parse(body, COURSE_URL), "dtu")[0][0]
        assert offer.titles["da"] == "Introduktion til additiv fremstilling"


def test_snapshot_crawl_polite_settings_and_stats(snapshot_run):
    from scrapers.registry import get_source

    settings = get_source("dtu").settings
    assert settings["COOKIES_ENABLED"] is False and float(settings["DOWNLOAD_DELAY"]) >= 1
    run = snapshot_run("dtu")
    assert run["summary"]["status"] == "ok"
    assert sorted(o["source_id"] for o in run["offers"]) == ["02950", "02951", "41998", "41999"]
    assert run["stats"]["dtu/course_not_published"] == 1 and run["stats"]["dtu/duplicate_codes_listed"] == 1


def test_duration_comes_from_the_teaching_period_not_the_duration_code():
    from scrapers.parsers.dtu import period_weeks, schedule_weeks

    assert period_weeks("January") == 3.0
    assert period_weeks("E2B") == 13.0 and period_weeks("F5") == 13.0
    assert period_weeks("DTU_DecideWithTeacher") is None
    assert schedule_weeks(["E1A", "January", "DTU_DecideWithTeacher"]) == {"E1A": 13.0, "January": 3.0}


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_derived_values_are_inferred_by_the_normaliser_with_a_reason_never_given(path):
    """The parser gives DTU's own words (programme level, location, schedule keys); EQF, participation and
    duration are derived in models/normalise and explained there, never recorded as `given`."""
    item = dtu.parse(path.read_bytes(), COURSE_URL).items[0]
    assert not {"eqf_level", "eqf_flag", "participation_form", "duration_weeks", "duration_raw"} & item.keys()
    offers, rejects = chain(dtu.parse(path.read_bytes(), COURSE_URL), "dtu")
    assert not rejects
    offer = offers[0]
    explained = {e.field: e for e in offer.explanations}
    if offer.eqf_level is not None:
        assert offer.eqf_flag == "inferred"
        ex = explained["eqf_level"]
        assert ex.rule.startswith("eqf.inferred_") and ex.raw_field == "level_raw" and ex.note
    if offer.participation_form is not None:
        ex = explained["participation_form"]
        assert ex.rule == "participation.vocabulary" and ex.raw_field == "participation_raw" and ex.note
    if offer.duration_weeks is not None:
        ex = explained["duration_weeks"]
        assert ex.rule == "duration.inferred_from_schedule" and "teaching period" in ex.note
    assert not [
        e.rule
        for e in offer.explanations
        if e.field in ("eqf_level", "participation_form", "duration_weeks") and e.rule.endswith(".given")
    ]
    assert all(e.rule != "eqf.inferred_by_parser" for e in offer.explanations)


def test_own_snapshot_course_gets_eqf_participation_and_duration_inferred():
    offers, _ = chain(dtu.parse((SNAPSHOT / "dtu" / "course_02950.xml").read_bytes(), COURSE_URL), "dtu")
    offer = offers[0]
    assert offer.eqf_level is not None and offer.participation_form == "on-site" and offer.duration_weeks in (3, 13)
