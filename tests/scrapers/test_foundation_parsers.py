"""FutureLearn feed and DTU course service parsers, on our own snapshot and on the real corpus."""

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from scrapers.parsers import dtu, futurelearn
from scrapers.parsers.base import ParseError
from scrapers.processing import RejectItem, process
from tests.conftest import REPO

SNAP = REPO / "scrapers" / "snapshot"
PROV = {"fetched_at": "2026-01-01T00:00:00+00:00", "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}


def offers_of(page, source):
    out, rejects = [], []
    for item in page.items:
        try:
            out.append(process({**item, "source": source, "provenance": PROV}))
        except RejectItem as exc:
            rejects.append(str(exc))
    return out, rejects


def test_futurelearn_snapshot_outcomes_only_from_cued_lists():
    page = futurelearn.parse((SNAP / "futurelearn" / "feeds_courses.json").read_bytes(), "u")
    offers, rejects = offers_of(page, "futurelearn")
    assert rejects == ["title: missing"]
    by_title = {o.title: o for o in offers}
    data = by_title["Introduction to Data Analysis with Python"]
    # the outcome list is taken, the "Who is this course for?" list is not
    assert [o.text for o in data.learning_outcomes][0] == "load and clean tabular data with pandas"
    assert len(data.learning_outcomes) == 4
    assert data.url == "https://www.futurelearn.com/courses/intro-data-analysis-python"
    games = by_title["Teaching with Games"]
    assert "alert" not in (games.description or "")
    assert all("Example" not in json.dumps(o.model_dump(mode="json")) for o in offers), "educator names stored"


def test_futurelearn_real_feed_every_listing(corpus: Path):
    raw = json.loads((corpus / "futurelearn" / "feeds_courses.json").read_bytes())
    page = futurelearn.parse((corpus / "futurelearn" / "feeds_courses.json").read_bytes(), "u")
    offers, rejects = offers_of(page, "futurelearn")
    assert rejects == [] and len(offers) == len(raw)
    for course, offer in zip(raw, offers, strict=True):
        assert offer.title == " ".join(course["name"].split())
        assert offer.provider == " ".join(course["organisation"]["name"].split())
        assert offer.url and offer.url.split("?")[0] == course["url"].split("?")[0]
    assert sum(1 for o in offers if o.learning_outcomes) > 20


@pytest.mark.parametrize("body", [b"", b"<html><body>Service unavailable</body></html>", b'[{"uuid": "x"', b"{}"])
def test_futurelearn_bad_bodies_raise_one_line(body):
    with pytest.raises(ParseError) as err:
        futurelearn.parse(body, "u")
    assert "\n" not in str(err.value)


def _xml_facts(path: Path) -> dict:
    course = etree.parse(str(path)).getroot().find(".//Course")
    kws = [{t.get("Lang"): t.get("Txt") for t in kw.findall("Txt")} for kw in course.findall("DTU_ObjectiveKeyword")]
    return {
        "code": course.get("CourseCode"),
        "ects": float(course.findtext("Point")),
        "title_en": next(t.get("Title") for t in course.findall("Title") if t.get("Lang") == "en-GB"),
        "euroteq": any(t.get("OfferedAsACourseOfTypeKey") == "EuroTeQ" for t in course.iter("OfferedAsACourseOfType")),
        "outcomes_en": [k.get("en-GB") for k in kws],
        "personal": [e.text for e in course.iter() if e.tag in ("Email", "GivenName", "FamilyName") and e.text],
    }


def _dtu_files(corpus_dir: Path | None) -> list[Path]:
    own = [p for p in sorted((SNAP / "dtu").glob("course_*.xml")) if "unpublished" not in p.name]
    return own + (sorted((corpus_dir / "dtu").glob("*.xml")) if corpus_dir else [])


def test_dtu_course_matches_the_xml(request):
    corpus_dir = SNAP.parents[1].parent / "shared" / "corpus"
    files = _dtu_files(corpus_dir if corpus_dir.is_dir() else None)
    assert len(files) >= 3
    for path in files:
        facts = _xml_facts(path)
        offers, rejects = offers_of(dtu.parse(path.read_bytes(), "u"), "dtu")
        assert rejects == [] and len(offers) == 1, path
        offer = offers[0]
        assert offer.source_id == facts["code"]
        assert offer.ects == facts["ects"] and offer.ects_flag == "given"
        assert offer.title == " ".join(facts["title_en"].split())
        assert ("EuroTeQ" in offer.alliances) == facts["euroteq"]
        english = [o.text_en or o.text for o in offer.learning_outcomes]
        assert english == [" ".join(t.split()) for t in facts["outcomes_en"]], path
        dumped = json.dumps(offer.model_dump(mode="json"), ensure_ascii=False)
        for value in facts["personal"]:
            assert value not in dumped, f"{path.name}: staff data {value!r} stored"
        assert not re.search(r"[\w.]+@[\w.]+\.\w+", dumped), f"{path.name}: an e-mail address is stored"


def test_dtu_code_lists_lead_to_course_requests():
    page = dtu.parse(
        (SNAP / "dtu" / "start_letters.xml").read_bytes(),
        "https://kurser.dtu.dk/coursewebservicev2/course.asmx/GetCourseCodeStartLetters?yearGroup=2026/2027",
    )
    assert [f.kind for f in page.follow] == ["codes", "codes"]
    codes = dtu.parse((SNAP / "dtu" / "codes_02.xml").read_bytes(), page.follow[0].url)
    assert [f.url.split("courseCode=")[1].split("&")[0] for f in codes.follow] == ["02950", "02951", "02952"]
    assert all("yearGroup=2026%2F2027" in f.url for f in codes.follow)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<root><CoursePublished><CourseXml><Course CourseCode='1'>", "malformed XML"),
        (b"", "empty"),
        (b"<html><body>error</body></html>", "HTML"),
        (b"<other/>", "no course"),
    ],
)
def test_dtu_malformed_documents_raise_one_line(body, message):
    with pytest.raises(ParseError, match=message):
        dtu.parse(body, "https://x/course.asmx/GetCourse?courseCode=1")


def test_dtu_bom_and_mislabelled_encoding_are_read():
    text = (SNAP / "dtu" / "course_02951.xml").read_text(encoding="utf-8")
    offers, _ = offers_of(dtu.parse(b"\xef\xbb\xbf" + text.encode("utf-8"), "u"), "dtu")
    assert offers[0].titles["da"] == "Programmering for ingeniører"
    offers, _ = offers_of(dtu.parse(text.encode("cp1252"), "u"), "dtu")
    assert offers[0].titles["da"] == "Programmering for ingeniører"
