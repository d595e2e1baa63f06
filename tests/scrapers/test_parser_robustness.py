"""Parsers under hostile or broken input: one bad record is one reject, a too-deep document is one ParseError (or
parses what it can), a bad JSON-LD block hides nothing, and internal XML entities are expanded, external ones never.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scrapers.parsers import dtu, edx, elm, futurelearn, moochub, schema_org, xcri_cap
from scrapers.parsers.base import ParseError, load_json

DEEP = 100_000


def fl_course(uuid: str, name: str, organisation: object) -> dict[str, object]:
    return {
        "uuid": uuid,
        "url": f"https://www.futurelearn.com/courses/{uuid}",
        "name": name,
        "description": "A course.",
        "organisation": organisation,
        "language": "en",
        "runs": [],
    }


# ---- one bad record keeps its page --------------------------------------------------------------------------


def test_futurelearn_record_with_string_organisation_is_one_reject():
    body = json.dumps([fl_course("a1", "Fine", {"name": "Uni A"}), fl_course("b2", "Odd", "Uni B")]).encode()
    page = futurelearn.parse(body, "https://www.futurelearn.com/feeds/courses")
    assert [i["title"] for i in page.items] == ["Fine"]
    assert len(page.rejects) == 1 and page.rejects[0].source_id == "b2"
    assert page.rejects[0].reason.startswith("record: unreadable (AttributeError")


def test_moochub_record_whose_id_cannot_be_read_is_one_reject():
    good = {"id": "g", "type": "courses", "attributes": {"name": "Good", "url": "https://m.example/g"}}
    bad = {"type": "courses", "attributes": "not an object"}  # no id, and no attributes to take a course code from
    page = moochub.parse(json.dumps({"data": [good, bad]}).encode(), "https://m.example/courses")
    assert [i["title"] for i in page.items] == ["Good"]
    assert len(page.rejects) == 1 and page.rejects[0].reason.startswith("record: unreadable (ValueError")


# ---- deep documents -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"[" * DEEP + b"]" * DEEP, b'{"data": ' + b"[" * DEEP + b"]" * DEEP + b"}"])
def test_deep_json_is_one_parse_error(body):
    started = time.perf_counter()
    with pytest.raises(ParseError, match="nested deeper than 1024 levels") as info:
        load_json(body, "moochub api")
    assert "\n" not in str(info.value) and time.perf_counter() - started < 2
    with pytest.raises(ParseError):
        moochub.parse(body, "https://m.example/courses")


def xcri_feed(inner: str) -> bytes:
    return (
        f'<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<provider><dc:title>Uni</dc:title><course><dc:identifier>C1</dc:identifier>"
        f"<dc:title>Deep course</dc:title>"
        f"<dc:description>{inner}</dc:description></course></provider></catalog>"
    ).encode()


def test_xcri_cap_1500_deep_is_a_one_line_parse_error():
    body = xcri_feed("<div>" * 1500 + "text" + "</div>" * 1500)
    with pytest.raises(ParseError) as info:
        xcri_cap.parse(body, "https://feeds.example/xcri.xml")
    assert "depth" in str(info.value).lower() and "\n" not in str(info.value)


def test_xcri_cap_moderately_deep_description_still_parses():
    body = xcri_feed("<div>" * 200 + "Deep text" + "</div>" * 200)
    page = xcri_cap.parse(body, "https://feeds.example/xcri.xml")
    assert [i["title"] for i in page.items] == ["Deep course"] and page.items[0]["description"] == "Deep text"


def test_elm_1500_deep_xml_and_deep_json_ld_are_parse_errors():
    xml = b"<Courses>" + b"<a>" * 1500 + b"</a>" * 1500 + b"</Courses>"
    with pytest.raises(ParseError):
        elm.parse(xml, "https://qdr.example/loq.xml")
    deep_ld = ('{"@graph": [' + '{"x": ' * 950 + "1" + "}" * 950 + "]}").encode()  # under orjson's limit
    with pytest.raises(ParseError, match="nested too deeply|nested deeper"):
        elm.parse(deep_ld, "https://qdr.example/elm.jsonld")


def test_deep_json_ld_block_does_not_hide_the_course_beside_it():
    course = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Course",
            "@id": "https://u.example/c1",
            "name": "Visible course",
            "description": "Still here.",
        }
    )
    for deep in ("[" * DEEP + "]" * DEEP, "[" * 900 + "]" * 900, '{"a": ' * 500 + "1" + "}" * 500):
        html = (
            f'<html><head><script type="application/ld+json">{deep}</script>'
            f'<script type="application/ld+json">{course}</script></head><body></body></html>'
        ).encode()
        page = schema_org.parse(html, "https://u.example/c1")
        assert [i["title"] for i in page.items] == ["Visible course"]
        assert page.stats.get("structured/too_deep_jsonld_block") == 1


def test_malformed_json_ld_block_is_counted_and_skipped():
    html = (
        b'<html><head><script type="application/ld+json">{"@type": "Course", </script>'
        b'<script type="application/ld+json">{"@type": "Course", "@id": "c2", "name": "Second"}</script>'
        b"</head></html>"
    )
    page = schema_org.parse(html, "https://u.example/c2")
    assert [i["title"] for i in page.items] == ["Second"] and page.stats["structured/bad_jsonld_block"] == 1


# ---- entities -------------------------------------------------------------------------------------------------

RSS = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE rss [<!ENTITY nbsp "&#160;"> <!ENTITY mdash "&#8212;">]>\n'
    '<rss version="2.0" xmlns:course="https://www.edx.org/api/course/elements/1.0/"><channel><title>edX</title>'
    "<item><guid>https://www.edx.org/course/intro-python</guid><title>Intro&nbsp;to Python&mdash;Part 1</title>"
    "<link>https://www.edx.org/course/intro-python</link>"
    "<description>Learn&nbsp;Python from scratch.</description><course:school>ExampleX</course:school>"
    "</item></channel></rss>"
)


def test_edx_rss_title_with_internal_entity_survives_whole():
    page = edx.parse(RSS.encode(), "https://www.edx.org/api/v2/report/course-feed/rss")
    assert [i["title"] for i in page.items] == ["Intro\u00a0to Python\u2014Part 1"]
    assert page.items[0]["description"] == "Learn\u00a0Python from scratch."


DTU = (
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE root [<!ENTITY nbsp "&#160;"> <!ENTITY co "Course">]>\n'
    '<root><CoursePublished><CourseXml><Course CourseCode="02999" Volume="2026/2027">'
    '<Title Lang="en-GB" Title="Intro&nbsp;to Green Computing"/><Teaching_Language LangCode="en-GB"/>'
    '<Txt Lang="en-GB"><Course_Objectives>This&nbsp;&co; teaches energy-aware programming.</Course_Objectives>'
    "</Txt></Course></CourseXml></CoursePublished></root>"
)


def test_dtu_texts_with_internal_entities_survive_whole():
    page = dtu.parse(DTU.encode(), "https://kurser.dtu.dk/coursewebservicev2/course.asmx/GetCourse?courseCode=02999")
    assert page.items[0]["title"] == "Intro\u00a0to Green Computing"
    assert page.items[0]["description"] == "This\u00a0Course teaches energy-aware programming."


@pytest.mark.parametrize(
    "decl",
    [
        '<!ENTITY x SYSTEM "file://{path}">',
        '<!ENTITY % x SYSTEM "file://{path}"> %x;',
        '<!ENTITY x PUBLIC "-//X//EN" "file://{path}">',
    ],
)
def test_external_entities_are_never_read(tmp_path: Path, decl: str):
    secret = tmp_path / "hostname"
    secret.write_text("SECRET-HOST-NAME")
    body = RSS.replace('<!ENTITY nbsp "&#160;">', decl.format(path=secret) + ' <!ENTITY nbsp "&#160;">')
    body = body.replace("Part 1</title>", "Part 1 &x;</title>" if "%" not in decl else "Part 1</title>")
    try:
        page = edx.parse(body.encode(), "https://www.edx.org/api/v2/report/course-feed/rss")
    except ParseError:
        return  # refused outright: fine
    assert "SECRET" not in json.dumps([i.get("title") for i in page.items] + [i.get("description") for i in page.items])


def test_billion_laughs_is_refused_quickly():
    levels = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{levels}]>'
        f"<rss><channel><item><guid>g</guid><title>&l9;</title></item></channel></rss>"
    ).encode()
    started = time.perf_counter()
    with pytest.raises(ParseError, match="amplification|entity"):
        edx.parse(body, "https://www.edx.org/rss")
    assert time.perf_counter() - started < 2
