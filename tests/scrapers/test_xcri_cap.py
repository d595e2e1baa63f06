"""XCRI-CAP 1.2 feeds: every real file in ../shared/corpus/xcri_cap, our own feed, and bad input."""

from pathlib import Path

import pytest
from lxml import etree

from scrapers.parsers import xcri_cap
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "xcri_cap"
NS = "{http://xcri.org/profiles/1.2/catalog}"


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not _corpus_files(), reason="../shared/corpus/xcri_cap is not present")
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_course_and_presentation_of_a_real_feed(path: Path):
    root = etree.parse(str(path)).getroot()
    courses = list(root.iter(f"{NS}course"))
    presentations = list(root.iter(f"{NS}presentation"))
    page = xcri_cap.parse(path.read_bytes(), path.as_uri())
    offers, rejects = chain(page, "xcri_cap")
    assert rejects == [] and page.rejects == [] and len(offers) == len(courses)
    assert sum(len(i["extras"]["presentations"]) for i in page.items) == len(presentations)
    titles = [" ".join(c.findtext("{http://purl.org/dc/elements/1.1/}title").split()) for c in courses]
    assert [o.title for o in offers] == titles
    assert all(o.provider == "The Open University" for o in offers)
    assert sum(1 for o in offers if o.languages == ["en"]) >= len(offers) * 0.9
    assert sum(1 for o in offers if o.price_currency == "GBP") > 0
    assert all(o.participation_form == "online" for o in offers if o.participation_raw)


def test_the_full_ou_catalogue_counts():
    path = CORPUS / "ou-conversion.xml"
    if not path.exists():
        pytest.skip("../shared/corpus/xcri_cap is not present")
    page = xcri_cap.parse(path.read_bytes(), "u")
    assert len(page.items) == 965 and sum(len(i["extras"]["presentations"]) for i in page.items) == 1034
    assert sum(1 for i in page.items if i["learning_outcomes"]) > 400


def test_own_feed_bom_xhtml_credits_runs_and_duplicates():
    page = xcri_cap.parse((SNAPSHOT / "xcri_cap_ou" / "courses.xml").read_bytes(), "u")
    assert [r.reason for r in page.rejects] == ["source_id: duplicate course identifier in one feed"]
    offers, _ = chain(page, "xcri_cap")
    first, welsh = offers
    assert first.source_id == "SC101" and [r.run_id for r in first.runs] == ["SC1012026J", "SC1012027B"]
    assert str(first.runs[0].start_date) == "2026-10-03" and first.participation_form == "online"
    assert first.assessment.startswith("One tutor-marked assignment") and "quiz" in first.assessment
    assert first.ects == 5 and first.ects_flag == "converted"  # 10 UK credits, 2 per ECTS
    assert first.price_amount == 450 and first.price_currency == "GBP"
    assert welsh.titles == {"en": "Welsh for beginners", "cy": "Cymraeg i ddechreuwyr"}
    assert welsh.languages == [] and page.stats["xcri_cap/missing_language"] == 1  # missing language: kept, counted
    assert "NLD Target Group" not in (welsh.description or "")


def test_same_code_from_two_providers_is_two_offers_and_ects_scheme():
    page = xcri_cap.parse((FIXTURES / "xcri_cap" / "two_providers.xml").read_bytes(), "u")
    assert [(i["source_id"], i["provider"]) for i in page.items] == [
        ("EX-100", "Example College of Further Education"),
        ("EX-100", "Example University"),
    ]
    assert page.items[0]["ects"] == "5" and page.items[0]["languages"] == ["en"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'<?xml version="1.0"?><catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider><course>',
            "malformed XML",
        ),
        (b"<html><body>Not found</body></html>", "HTML"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "expected a <catalog>"),
        (b"", "empty"),
    ],
)
def test_bad_feeds_are_one_line_errors(body, message):
    with pytest.raises(ParseError, match=message) as err:
        xcri_cap.parse(body, "u")
    assert "\n" not in str(err.value)


def test_wrong_encoding_and_bom_are_read():
    text = (
        (FIXTURES / "xcri_cap" / "two_providers.xml")
        .read_text(encoding="utf-8")
        .replace("Bookkeeping", "Café bookkeeping")
    )
    for body in (text.encode("cp1252"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        assert xcri_cap.parse(body, "u").items[0]["title"] == "Café bookkeeping for Small Business"


def test_empty_catalogue_is_an_error_for_the_run():
    page = xcri_cap.parse(b'<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider/></catalog>', "u")
    assert page.items == [] and page.stats["errors/empty_results"] == 1


def test_snapshot_crawl_gets_the_country_from_the_registry(snapshot_run):
    run = snapshot_run("xcri_cap_ou")
    assert run["summary"]["status"] == "ok" and {o["country"] for o in run["offers"]} == {"GB"}
