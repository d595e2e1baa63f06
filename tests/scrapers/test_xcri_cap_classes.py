"""XCRI-CAP data that unseen publishers' feeds lost quietly (issue #13): dates given as `dtf`, typed descriptions,
the 1.1 profile, costs without a currency or with a placeholder zero, and malformed but recoverable XML.

Fixtures: tests/fixtures/xcri_cap/*.xml, our own small feeds written in the publishers' formats.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from models.normalise.offer import normalise_item
from models.normalise.prices import parse_price
from scrapers.parsers import xcri_cap
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES, REPO, chain

FEEDS = FIXTURES / "xcri_cap"
NS_12 = (
    'xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:mlo="http://purl.org/net/mlo" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xcriTerms="http://xcri.org/profiles/1.2/catalog/terms"'
)


def feed(course: str, provider: str = "<dc:title>Example College</dc:title>", root: str = "") -> bytes:
    """A one-course XCRI-CAP 1.2 feed around `course`'s inner elements."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><catalog {root or NS_12}><provider>{provider}'
        f"<course><dc:identifier>C1</dc:identifier><dc:title>A course</dc:title>{course}</course>"
        f"</provider></catalog>"
    ).encode()


def parsed(name: str) -> tuple[list, dict]:
    page = xcri_cap.parse((FEEDS / name).read_bytes(), f"https://feeds.example/{name}")
    offers, rejects = chain(page, "xcri_cap")
    assert rejects == []
    return offers, {o.source_id: o for o in offers}


# ---- 1. dates: every date element takes its dtf; text is the human form --------------------------------------


@pytest.mark.parametrize(
    ("element", "key"), [("start", "start"), ("end", "end"), ("applyFrom", "apply_from"), ("applyUntil", "apply_until")]
)
def test_every_date_element_takes_its_dtf_over_the_human_text(element, key):
    other = "" if element == "start" else '<mlo:start dtf="2017-06-01">1 June 2017</mlo:start>'
    body = feed(
        f'<presentation><dc:identifier>P1</dc:identifier>{other}<{element} dtf="2017-06-21">22 June 2017'
        f"</{element}></presentation>"
    )
    (presentation,) = xcri_cap.parse(body, "u").items[0]["extras"]["presentations"]
    assert presentation[key] == "2017-06-21"  # the dtf, not the text's 22nd


def test_end_and_application_dates_from_dtf_and_from_human_text():
    _, by_id = parsed("dates_dtf.xml")
    course = by_id["ART-SUM-1"]
    first, second, third = course.runs
    assert (str(first.start_date), str(first.end_date)) == ("2017-06-19", "2017-06-23")
    assert (str(second.start_date), str(second.end_date)) == ("2017-08-14", "2017-08-18")  # text only, no dtf
    assert str(third.start_date) == "2018-06-01" and third.end_date is None  # dtf "2018-06"; a bare year is no date
    presentations = course.extras["presentations"]
    assert [(p["apply_from"], p["apply_until"]) for p in presentations[:2]] == [
        ("2017-01-09", "2017-05-31"),  # dtf date and dtf timestamp; the texts are prose
        (None, "2017-07-31"),  # "31/07/2017", day first
    ]


# ---- 2. typed descriptions go to their fields, never into the description ------------------------------------


def test_typed_descriptions_are_mapped_to_their_fields_and_extras():
    _, by_id = parsed("typed_descriptions.xml")
    course = by_id["MET-DS-101"]
    assert course.description == "A practical short course on turning spreadsheets into charts that persuade a board."
    assert [o.text for o in course.learning_outcomes] == [
        "choose a chart for a comparison",
        "write a one-page data brief",
    ]
    assert course.assessment == "A portfolio of three dashboards, marked by the tutor."
    assert course.prerequisites == "Some experience of spreadsheets."
    kept = course.extras["descriptions"]
    assert kept["careerOutcome"] == ["Managers who finish the course often move into analytics lead roles."]
    assert kept["topic"] == ["Visual encoding", "Narrative structure"] and kept["leadsTo"] == ["MSc Business Analytics"]
    assert kept["metadataKeywords"] == ["data, charts, dashboards, storytelling"]
    assert set(kept) == {
        "careerOutcome",
        "topic",
        "leadsTo",
        "metadataKeywords",
        "teachingStrategy",
        "aim",
        "specialFeature",
    }
    assert course.extras["abstract"] == "Charts that persuade, in six weeks."


def test_placeholder_description_falls_back_to_the_abstract_and_the_objective_is_an_outcome():
    _, by_id = parsed("typed_descriptions.xml")
    course = by_id["MET-GD-102"]
    assert course.description == "An evening course in planning small gardens."  # "[]" is no description
    assert "[]" not in (course.description or "")
    assert course.extras["descriptions"] == {
        "careerOutcome": ["Some students go on to set up their own garden design business."]
    }
    assert [o.text for o in course.learning_outcomes] == ["draw a scaled plan of a small garden"]


@pytest.mark.parametrize(
    ("attribute", "field", "expected"),
    [
        ('type="Career Outcome"', "extras", "careerOutcome"),  # 1.1 label
        ('xsi:type="xcriTerms:careerOutcome"', "extras", "careerOutcome"),
        ('type="Leads To"', "extras", "leadsTo"),
        ('type="Metadata Keywords"', "extras", "metadataKeywords"),
        ('type="Learning Outcome"', "learning_outcomes", None),
        ('type="Assessment Strategy"', "assessment", None),
        ('type="Entry Profile"', "prerequisites", None),
        ('type="Prerequisites"', "prerequisites", None),
        ('xsi:type="xcriTerms:somethingNew"', "extras", "somethingNew"),  # unknown type: kept under its own name
    ],
)
def test_description_types_of_both_profiles(attribute, field, expected):
    text = "Typed text of the course."
    body = feed(f"<dc:description>Plain prose.</dc:description><dc:description {attribute}>{text}</dc:description>")
    item = xcri_cap.parse(body, "u").items[0]
    assert item["description"] == "Plain prose."
    if field == "extras":
        assert item["extras"]["descriptions"] == {expected: [text]}
    elif field == "learning_outcomes":
        assert item["learning_outcomes"] == [{"text": text}]
    else:
        assert item[field] == text


# ---- 3. XCRI-CAP 1.1 ------------------------------------------------------------------------------------------


def test_xcri_cap_1_1_feed_is_read_provider_names_and_no_identifier_as_url():
    page = xcri_cap.parse((FEEDS / "profile_1_1.xml").read_bytes(), "u")
    assert page.stats["xcri_cap/profile/1.1"] == 1
    offers, rejects = chain(page, "xcri_cap")
    assert rejects == [] and page.rejects == []
    college, service = offers
    assert (college.provider, college.provider_url) == ("Example Valley College", "http://www.valley.example.ac.uk/")
    assert (service.provider, service.provider_url) == ("Example Hill Adult Learning Service", None)  # not "10008888"
    assert college.description.startswith("A two-term evening course")  # the Aim: no untyped description
    assert "Accounts assistant" not in college.description
    assert [o.text for o in college.learning_outcomes][0].startswith("record sales and purchases")
    assert college.prerequisites.startswith("No formal entry") and college.assessment.startswith("Two computer")
    assert (str(college.runs[0].start_date), str(college.runs[0].end_date)) == ("2013-09-16", "2014-03-24")
    assert college.extras["presentations"][0]["venues"] == ["Town Centre Campus"]
    assert college.level_raw == "2" and college.participation_form == "on-site"


def test_dispatch_signs_1_1_positively_and_only_1_1():
    from scrapers.parsers.dispatch import xml_signature

    assert xml_signature("{http://xcri.org/profiles/catalog}catalog") == "xcri_cap_1_1"
    assert xml_signature("{http://xcri.org/profiles/catalog}provider") is None
    assert xml_signature("catalog") is None


def test_identifier_that_is_not_a_url_is_never_a_url():
    body = feed(
        "<mlo:url>course-page-42</mlo:url>",
        provider="<dc:identifier>urn:ukprn:10001234</dc:identifier><dc:title>P</dc:title>",
    )
    item = xcri_cap.parse(body, "u").items[0]
    assert item["provider_url"] is None and item["url"] is None
    (offer,), rejects = chain(xcri_cap.parse(body, "u"), "xcri_cap")
    assert rejects == [] and offer.provider == "P"


# ---- 4. costs: the provider country's one currency; a bare zero is no free course -------------------------------


def test_costs_without_currency_and_placeholder_zeros():
    _, by_id = parsed("costs.xml")
    bare = by_id["CC-ICT-1"]  # "84.0000" from a .ac.uk provider: GB, whose one currency is GBP
    assert (bare.price_amount, bare.price_currency, bare.is_free) == (84, "GBP", False)
    inferred = [e for e in bare.explanations if e.rule == "price.currency_from_country"]
    assert len(inferred) == 1 and inferred[0].value == "GBP" and "country" in inferred[0].note
    zero = by_id["CC-ESOL-1"]  # "0.0000": a placeholder, not a free course
    assert (zero.price_amount, zero.is_free, zero.price_raw) == (None, None, "0.0000")
    assert any(e.rule == "price.placeholder" for e in zero.explanations)
    assert by_id["CC-MATH-1"].is_free is True  # "0.0000 (free course)": the feed says free
    assert by_id["CC-CV-1"].is_free is True  # <mlo:cost type="Free">0.00</mlo:cost>: the cost type says free
    later = by_id["CC-ART-1"]  # a placeholder zero on the first presentation, 120.0000 on the next
    assert (later.price_amount, later.price_currency, later.is_free) == (120, "GBP", False)


@pytest.mark.parametrize(
    ("country", "why"),
    [
        (None, "no provider country"),
        ("HR", "HRK until 2023"),
        ("GI", "GIP and GBP"),
        ("AR", "no single currency known for AR"),
    ],
)
def test_no_currency_is_inferred_without_one_currency_for_the_country(country, why):
    item = normalise_item({"price_raw": "84.0000", "country": country})
    assert item["price_amount"] is None and item["price_currency"] is None and item["price_raw"] == "84.0000"
    (unparsed,) = [e for e in item["explanations"] if e["field"] == "price_amount"]
    assert unparsed["rule"] == "price.unparsed" and why in unparsed["note"]


def test_currency_inference_rules():
    from models.normalise.prices import currency_of_country

    assert currency_of_country("IE")[0] == "EUR" and currency_of_country("gb")[0] == "GBP"
    assert parse_price("84.0000").error.startswith("no currency")  # nothing assumed unless the caller says so
    assert parse_price("84.0000", "GB", "GBP").currency == "GBP"
    assert parse_price("60.00 or 80.00", "GB", "GBP").error.startswith("no currency")  # a list: nothing assumed
    assert parse_price("0.0000").is_free is None and parse_price("0").is_free is None
    assert parse_price("free").is_free is True and parse_price("0.00 GBP").is_free is True  # stated, as before
    amount_only = normalise_item({"price_amount": 84, "country": "GB"})
    assert (amount_only["price_amount"], amount_only["price_currency"]) == (84, "GBP")


# ---- 5. malformed but recoverable XML: kept, reported, never ok ---------------------------------------------------


def test_stray_quote_in_the_root_tag_is_repaired_and_reported():
    page = xcri_cap.parse((FEEDS / "stray_quote.xml").read_bytes(), "u")
    assert len(page.items) == 12
    assert page.stats["errors/malformed_xml_recovered"] == 1 and page.stats["xcri_cap/courses_lost"] == 0
    (reject,) = page.rejects
    assert reject.source_id is None and "root start tag repaired" in reject.reason and "12 of 12" in reject.reason
    assert page.warnings == [reject.reason] and "\n" not in reject.reason
    offers, rejects = chain(page, "xcri_cap")
    assert rejects == [] and offers[0].provider == "Example Riverside College" and offers[0].price_currency == "GBP"


def test_a_broken_course_tag_keeps_the_others_and_counts_the_loss():
    page = xcri_cap.parse((FEEDS / "broken_course.xml").read_bytes(), "u")
    assert len(page.items) == 11 and "RV-005" not in {i["source_id"] for i in page.items}
    assert page.stats["xcri_cap/courses_lost"] == 1 and page.stats["errors/malformed_xml_recovered"] == 1
    assert any("11 of 12 courses read, 1 lost" in r.reason for r in page.rejects)
    assert {i["provider"] for i in page.items} == {"Example Riverside College"}  # courses after the break too


def test_an_unclosed_course_gives_back_the_courses_nested_in_it():
    body = (FEEDS / "broken_course.xml").read_text().replace('<course ">', "<course>")
    body = body.replace(
        "</presentation>\n    </course>\n    <course>\n      <dc:identifier>RV-006",
        "</presentation>\n    <course>\n      <dc:identifier>RV-006",
    )
    page = xcri_cap.parse(body.encode(), "u")
    assert len(page.items) == 12 and page.stats["errors/malformed_xml_recovered"] == 1


def test_recovery_never_relaxes_the_safety_limits():
    levels = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE catalog [<!ENTITY l0 "lol">{levels}]><catalog {NS_12} ">'
        f"<provider><dc:title>P</dc:title><course><dc:identifier>C</dc:identifier><dc:title>&l9;</dc:title>"
        f"</course></provider></catalog>"
    ).encode()
    started = time.perf_counter()
    with pytest.raises(ParseError, match="amplification|entity"):
        xcri_cap.parse(bomb, "u")
    assert time.perf_counter() - started < 2
    deep = feed("<dc:description>" + "<div>" * 1500 + "x" + "</div>" * 1500 + "</dc:description>").replace(
        b"<catalog ", b'<catalog " '
    )
    with pytest.raises(ParseError, match="(?i)depth"):
        xcri_cap.parse(deep, "u")
    secret = (
        b'<?xml version="1.0"?><!DOCTYPE catalog [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        + feed("<dc:description>&x; & more</dc:description>").split(b"?>", 1)[1]
    )
    try:
        page = xcri_cap.parse(secret, "u")
    except ParseError:
        return
    assert "hostname" not in str(page.items) and all("x;" not in (i["description"] or "") for i in page.items)


def test_repairing_a_root_tag_after_a_long_prolog_is_quick():
    started = time.perf_counter()
    with pytest.raises(ParseError, match="malformed XML"):  # repaired, then nothing to read: the strict error stands
        xcri_cap.parse(b"<?xml version='1.0'?>" + b" " * 100_000 + b'<catalog " ><provider>', "u")
    assert time.perf_counter() - started < 2


def test_a_malformed_html_page_is_still_refused():
    with pytest.raises(ParseError, match="HTML"):
        xcri_cap.parse(b"<html><body>Service unavailable<br></body></html>", "u")


def test_mcatlas_parse_says_so_in_one_stderr_line():
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "parse", "xcri_cap", str(FEEDS / "broken_course.xml")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 11
    errors = proc.stderr.splitlines()
    recovered = [line for line in errors if "malformed XML recovered" in line]
    assert len(recovered) == 1 and "11 of 12 courses read, 1 lost" in recovered[0]


def test_a_recovered_feed_makes_the_harvest_partial_never_ok(server, crawl_live):
    broken = (FEEDS / "broken_course.xml").read_bytes()
    url = server.raw("/xcri.xml", broken, ctype="application/xml")
    run = crawl_live("xcri_cap", [url])
    assert run["summary"]["status"] == "partial"
    assert run["stats"]["errors/malformed_xml_recovered"] == 1 and run["stats"]["xcri_cap/courses_lost"] == 1
    assert len(run["offers"]) == 11
    (lost,) = [r for r in run["rejects"] if "malformed XML recovered" in r["reason"]]
    assert lost["url"] == url and "malformed XML recovered" in run["log"]
    server.raw("/xcri.xml", broken.replace(b'<course ">', b"<course>"), ctype="application/xml")
    assert crawl_live("xcri_cap", [url])["summary"]["status"] == "ok"  # the same feed well-formed
