"""Configured catalogue pages: our own recorded pages per YAML, EuroTeQ partners, and a changed layout."""

import pytest
from pydantic import ValidationError

from scrapers.parsers import configured
from scrapers.parsers.configured import BROKEN, Catalogue, load_catalogue
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

TD = "https://online-learning.tudelft.nl"


@pytest.mark.parametrize(
    ("source", "countries", "count"),
    [
        ("tudelft_online", {"NL"}, 2),
        ("ucc_microcreds", {"IE"}, 2),
        ("helsinki_open", {"FI"}, 2),
        ("euroteq", {"DE", "EE", "CH", "DK"}, 4),
    ],
)
def test_snapshot_crawl_of_each_catalogue(snapshot_run, source, countries, count):
    run = snapshot_run(source)
    assert run["summary"]["status"] == "ok" and len(run["offers"]) == count
    assert {o["country"] for o in run["offers"]} == countries
    for offer in run["offers"]:
        assert offer["title"] and offer["learning_outcomes"] and offer["url"].startswith("https://")
        assert "utm_source" not in offer["url"]


def test_tudelft_fields_from_the_selectors():
    parse = configured.parse_tudelft_online
    listing = parse((SNAPSHOT / "tudelft_online" / "listing.html").read_bytes(), f"{TD}/courses/")
    assert [f.url for f in listing.follow] == [
        f"{TD}/courses/hydrogen-fuel-cells/",
        f"{TD}/courses/responsible-ai-design/",
    ]
    assert listing.stats["configured/duplicate_links"] == 1 and listing.stats["configured/links_not_followed"] == 1
    page = parse(
        (SNAPSHOT / "tudelft_online" / "hydrogen-fuel-cells.html").read_bytes(), f"{TD}/courses/hydrogen-fuel-cells/"
    )
    offer = chain(page, "tudelft_online")[0][0]
    assert offer.ects == 1 and offer.ects_flag == "given"
    assert offer.price_amount == 895 and offer.price_currency == "EUR"
    assert offer.duration_weeks == 6 and offer.participation_form == "online" and len(offer.learning_outcomes) == 3
    assert str(offer.runs[0].start_date) == "2026-09-14" and offer.assessment.startswith("Weekly graded quizzes")


def test_page_without_a_language_row_takes_the_page_language():
    url = "https://www.helsinki.fi/en/open-university/courses/johdatus-tietojenkasittelyyn"
    item = configured.parse_helsinki_open(
        (SNAPSHOT / "helsinki_open" / "johdatus-tietojenkasittelyyn.html").read_bytes(), url
    ).items[0]
    assert item["languages"] == ["fi"] and item["extras"]["languages_stated"] is False
    assert item["ects"] == "5" and item["extras"]["credits_raw"] == "5 op"


def test_euroteq_items_carry_the_alliance_and_the_partner_country():
    url = "https://euroteq.eurotech-universities.eu/course/circular-materials/"
    item = configured.parse_euroteq((SNAPSHOT / "euroteq" / "circular-materials.html").read_bytes(), url).items[0]
    assert item["alliances"] == ["EuroTeQ"] and item["country"] == "EE"
    assert item["provider"] == "Tallinn University of Technology (TalTech)"


def test_local_file_is_recognised_by_its_selectors():
    page = configured.parse_ucc_microcreds(
        (SNAPSHOT / "ucc_microcreds" / "data-protection-practice.html").read_bytes(), "file:///tmp/page.html"
    )
    assert page.items[0]["title"] == "Data Protection in Practice" and page.items[0]["extras"]["nfq_level"] == "9"


def test_changed_layout_is_reported_not_loaded_empty():
    listing = configured.parse_tudelft_online(
        (FIXTURES / "configured" / "tudelft_listing_redesigned.html").read_bytes(), f"{TD}/courses/"
    )
    assert listing.follow == [] and listing.stats[BROKEN] == 1
    assert listing.rejects[0].reason.startswith("layout: no course links matched")
    course = configured.parse_tudelft_online(
        (FIXTURES / "configured" / "tudelft_course_redesigned.html").read_bytes(), f"{TD}/courses/hydrogen-fuel-cells/"
    )
    assert course.items == [] and course.stats[BROKEN] == 1
    assert course.rejects[0].reason == "layout: selectors for title matched nothing on a course page"


def test_a_run_over_a_redesigned_site_fails(server, crawl_live):
    listing = server.raw(
        "/courses/", (FIXTURES / "configured" / "tudelft_listing_redesigned.html").read_bytes(), ctype="text/html"
    )
    run = crawl_live("tudelft_online", [listing])
    assert run["summary"]["status"] == "failed" and run["offers"] == []
    assert run["stats"][BROKEN] == 1 and run["rejects"][0]["reason"].startswith("layout:")


def test_catalogue_yaml_is_validated():
    good = load_catalogue("ucc_microcreds").model_dump()
    with pytest.raises(ValidationError, match="unknown offer fields"):
        Catalogue.model_validate({**good, "detail": {**good["detail"], "fields": {"titel": {"css": "h1"}}}})
    with pytest.raises(ValidationError, match="exactly one of css or xpath"):
        Catalogue.model_validate({**good, "listing": {**good["listing"], "links": {"css": "a", "xpath": "//a"}}})
    with pytest.raises(AttributeError):
        configured.parse_no_such_catalogue  # noqa: B018
