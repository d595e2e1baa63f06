"""schema.org pages: JSON-LD with @graph and @id references, microdata, broken blocks, sitemaps and URL lists."""

import pytest

from scrapers.parsers import schema_org
from scrapers.parsers.base import ParseError
from scrapers.parsers.structured import extract_nodes
from tests.scrapers.conftest import FIXTURES

PAGE = "https://uas.example.eu/short-courses"


def test_graph_microdata_and_broken_block(offers_of):
    page = schema_org.parse((FIXTURES / "schema_org" / "graph_and_microdata.html").read_bytes(), PAGE)
    offers, rejects = offers_of(page, "schema_org")
    assert rejects == [] and page.stats["structured/bad_jsonld_block"] == 1
    water, cert = offers
    assert (water.title, water.provider, water.country) == (
        "Microcredential Water Governance",
        "Example University of Applied Sciences",
        "NL",
    )
    assert water.url == "https://uas.example.eu/mc/water"
    assert [o.text for o in water.learning_outcomes] == [
        "Assess river basin governance models",
        "Draft a stakeholder engagement plan",
    ]
    assert (water.ects, water.price_amount, water.price_currency) == (5.0, 450.0, "EUR")
    assert water.participation_form == "blended" and water.runs[0].start_date.isoformat() == "2026-09-07"
    assert "Hidden Teacher" not in water.model_dump_json()
    assert (cert.title, cert.provider, cert.url) == (
        "Certificate in Urban Cycling Planning",
        "Example University of Applied Sciences",
        PAGE,
    )
    assert cert.learning_outcomes == []  # none published: none invented


def test_nested_instances_are_not_separate_items():
    html = b"""<script type="application/ld+json">{"@graph": [
      {"@type": "Course", "@id": "#c", "name": "C", "hasCourseInstance": {"@id": "#i"}},
      {"@type": "CourseInstance", "@id": "#i", "startDate": "2026-01-05"}]}</script>"""
    nodes = extract_nodes(html, PAGE)
    assert len(nodes) == 1 and nodes[0]["hasCourseInstance"]["startDate"] == "2026-01-05"


def test_sitemaps_and_url_lists_become_follow_ups():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://uas.example.eu/sitemap-courses.xml</loc></sitemap></sitemapindex>"""
    assert [(f.url, f.kind) for f in schema_org.parse(index, PAGE).follow] == [
        ("https://uas.example.eu/sitemap-courses.xml", "sitemap")
    ]
    urls = b"# course pages\nhttps://uas.example.eu/mc/water\nhttps://uas.example.eu/mc/cycling\n"
    assert [f.url for f in schema_org.parse(urls, PAGE).follow] == [
        "https://uas.example.eu/mc/water",
        "https://uas.example.eu/mc/cycling",
    ]


def test_page_without_courses_is_counted_not_failed():
    page = schema_org.parse(b"<html><body><h1>About us</h1></body></html>", PAGE)
    assert page.items == [] and page.stats["schema_org/pages_without_course"] == 1


@pytest.mark.parametrize("body", [b"", b'{"not": "html"}', b'<?xml version="1.0"?><urlset><url><loc>x</loc>'])
def test_bad_bodies_raise_one_line(body):
    with pytest.raises(ParseError) as err:
        schema_org.parse(body, PAGE)
    assert "\n" not in str(err.value)


def test_snapshot_crawl_follows_only_course_pages(snapshot_run):
    run = snapshot_run("schema_org")
    assert run["summary"]["status"] == "ok"
    assert sorted(o["title"] for o in run["offers"]) == ["Digitalkompetenz für alle", "Klimawandel verstehen"]
    assert run["stats"]["sitemap/urls_not_followed"] == 1 and run["stats"]["structured/bad_jsonld_block"] == 1
    digital = next(o for o in run["offers"] if o["title"] == "Digitalkompetenz für alle")
    assert digital["runs"][0]["start_date"] == "2026-03-02" and digital["country"] == "AT"
