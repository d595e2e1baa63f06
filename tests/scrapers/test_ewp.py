"""Erasmus Without Paper Courses API: the spec's example, our snapshot (replication -> courses), LOS types, privacy
of landed lines, bad input, positive signatures, and a disabled entry that never fetches live."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from models.normalise.languages import to_iso639_1
from scrapers.parsers import dispatch, ewp
from scrapers.parsers.base import ParseError
from scrapers.registry import registry
from tests.scrapers.conftest import FIXTURES, REPO, SNAPSHOT, chain

NS = {"c": ewp.NS, "t": ewp.TERM_NS}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COURSES_URL = "https://ewp.example.org/ewp/courses?hei_id=uio.no&los_id=CR%2Fx"
REPLICATION_URL = "https://ewp.example.org/ewp/course-replication?hei_id=uio.no"


def test_the_specs_example_every_los_an_offer_or_skipped_with_its_reason(corpus):
    path = corpus / "ewp" / "courses-response-example.xml"
    root = etree.parse(str(path)).getroot()
    specs = root.findall("c:learningOpportunitySpecification", NS)
    page = ewp.parse(path.read_bytes(), COURSES_URL)
    offers, rejects = chain(page, "ewp")
    assert rejects == [] and page.rejects == []
    courses = [s for s in specs if s.findtext("c:type", namespaces=NS) == "Course"]
    skipped = sum(v for k, v in page.stats.items() if k.startswith("items/skipped/"))
    assert len(offers) == len(courses) and len(offers) + skipped == len(specs)
    assert page.stats == {"items/skipped/degree_programme/learningOpportunitySpecification": 1}
    offer, los = offers[0], courses[0]
    titles = {t.get(LANG): t.text for t in los.findall("c:title", NS)}
    assert offer.title == titles["en"] and offer.titles == {to_iso639_1(k): v for k, v in titles.items()}
    instances = los.findall("c:specifies/c:learningOpportunityInstance", NS)
    assert len(offer.runs) == len(instances)
    credit = instances[0].find("c:credit", NS)
    assert offer.ects == float(credit.findtext("c:value", namespaces=NS)) and offer.ects_flag == "given"
    assert offer.level_raw == credit.findtext("c:level", namespaces=NS) and offer.eqf_flag == "inferred"
    assert offer.languages == [instances[0].findtext("c:languageOfInstruction", namespaces=NS)]
    assert offer.isced_broad == [los.findtext("c:iscedCode", namespaces=NS)[:2]]
    assert offer.extras["engagement_hours"] == instances[0].findtext("c:engagementHours", namespaces=NS)
    term = instances[0].find("t:academic-term", NS)
    assert offer.runs[0].schedule in {d.text for d in term.findall("t:display-name", NS)}
    assert offer.provider == "uio.no" and offer.country == "NO" and offer.source_id.startswith("uio.no:CR/")


def test_counts_over_the_corpus_files(corpus):
    """What each corpus file yields (providers come from the request's hei_id, which a file read alone lacks)."""
    found = {}
    for path in sorted((corpus / "ewp").glob("*.xml")):
        page = ewp.parse(path.read_bytes(), path.as_uri())
        offers, _ = chain(page, "ewp")
        found[path.name] = (
            len(offers),
            sum(bool(o.title) for o in offers),
            sum(o.ects is not None for o in offers),
            sum(o.eqf_level is not None for o in offers),
            sum(bool(o.languages) for o in offers),
            sum(bool(o.provider) for o in offers),
        )
    assert found == {
        "course-replication-response-example.xml": (0, 0, 0, 0, 0, 0),
        "courses-response-example.xml": (1, 1, 1, 1, 1, 0),
    }


def test_replication_lists_ids_and_asks_the_courses_api_in_batches(corpus):
    page = ewp.parse((corpus / "ewp" / "course-replication-response-example.xml").read_bytes(), REPLICATION_URL)
    assert page.stats == {"ewp/los_ids_listed": 2} and [f.kind for f in page.follow] == ["courses"]
    query = parse_qs(urlsplit(page.follow[0].url).query)
    assert urlsplit(page.follow[0].url).path == "/ewp/courses" and query["hei_id"] == ["uio.no"]
    assert len(query["los_id"]) == 2
    ids = "".join(f"<los-id>CR/{i}</los-id>" for i in range(25)) + "<los-id>DEP/x</los-id><los-id>ZZ/y</los-id>"
    body = f'<course-replication-response xmlns="{ewp.REPLICATION_NS}">{ids}</course-replication-response>'.encode()
    page = ewp.parse(body, REPLICATION_URL)
    assert [len(parse_qs(urlsplit(f.url).query)["los_id"]) for f in page.follow] == [10, 10, 5]
    assert (
        page.stats["items/skipped/degree_programme/los-id"] == 1
        and page.stats["items/skipped/unknown_type/los-id"] == 1
    )
    elsewhere = ewp.parse(body, "https://ewp.example.org/replicate?hei_id=uio.no")
    assert elsewhere.follow == [] and elsewhere.stats["ewp/courses_endpoint_unknown"] == 1 and elsewhere.warnings


def test_snapshot_crawl_replication_then_courses(snapshot_run):
    result = snapshot_run("ewp")
    assert result["summary"]["status"] == "ok" and not registry()["ewp"].enabled
    stats, offers = result["stats"], {o["extras"]["los_id"].split("/")[0]: o for o in result["offers"]}
    assert stats["ewp/los_ids_listed"] == 5 and stats["items/skipped/degree_programme/los-id"] == 1
    assert stats["items/skipped/class_of_a_course/los-id"] == 1 and len(result["offers"]) == 3
    module = offers["MOD"]
    assert module["extras"]["offer_type"] == "programme" and len(module["extras"]["member_courses"]) == 2
    assert module["ects"] == 30 and module["provider"] == "example.org"
    course = next(o for o in result["offers"] if o["extras"].get("los_code") == "OFF110")
    assert (course["eqf_level"], course["eqf_flag"], course["ects"]) == (6, "given", 7.5)  # eqfLevelProvided
    assert course["languages"] == ["en", "nb"] and [r["schedule"] for r in course["runs"]] == ["Autumn 2026", None]
    assert course["titles"] == {"nb": "Innføring i offshoreteknologi", "en": "Introduction to Offshore Engineering"}
    landed = (Path(result["summary"]["dir"]) / "offers.jsonl").read_text(encoding="utf-8")
    for value in ("Ingrid", "Berg", "Nordmann", "ingrid.berg@", "55 58 00 00", "55 58 99 99"):
        assert value not in landed


def _replay_crawl(tmp_path: Path, fixture: Path, url: str) -> dict:
    folder = tmp_path / "replay"
    folder.mkdir()
    shutil.copy(fixture, folder / fixture.name)
    entry = {"url": url, "method": "GET", "request_body": None, "status": 200, "headers": {}, "file": fixture.name}
    (folder / "index.jsonl").write_text(json.dumps(entry) + "\n", encoding="utf-8")
    args = ["crawl", "ewp", "--landing-dir", str(tmp_path / "landing"), "--replay-dir", str(folder)]
    args += ["-s", f"MCATLAS_START_URLS={url}", "-s", "LOG_LEVEL=WARNING"]
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])
    return {
        "summary": summary,
        "offers": (run_dir / "offers.jsonl").read_text(encoding="utf-8"),
        "rejects": (run_dir / "rejects.jsonl").read_text(encoding="utf-8"),
    }


def test_staff_named_in_texts_is_never_landed(tmp_path):
    """Contacts, e-mails and phone numbers in descriptions and grading labels: not in the offers, nor in the rejects
    (the parser's: no los-id, a repeated los-id; the chain's: no title)."""
    run = _replay_crawl(
        tmp_path, FIXTURES / "ewp" / "courses_with_contacts.xml", COURSES_URL.replace("uio.no", "tum.de")
    )
    offers = [json.loads(x) for x in run["offers"].splitlines()]
    rejects = [json.loads(x) for x in run["rejects"].splitlines()]
    assert [o["title"] for o in offers] == ["Data Protection in Engineering"]
    assert sorted(r["reason"] for r in rejects) == [
        "source_id: duplicate los-id in one response",
        "source_id: missing (no los-id)",
        "title: missing",
    ]
    landed = run["offers"] + run["rejects"]
    for value in ("Katharina", "Weber", "Jonas", "Richter", "Hoffmann", "Wagner", "hei.example", "289 0", "289 1",
                  "289 2"):  # fmt: skip
        assert value not in landed, f"staff data {value!r} landed"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", landed)
    offer = offers[0]
    assert "Course coordinator: [staff] ([e-mail]). Teachers: [staff]." in offer["description"]
    assert offer["country"] == "DE" and offer["ects"] == 5 and offer["eqf_level"] == 7


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01binary", "not XML"),
        (b"<courses-response><learningOpportunitySpecification>", "malformed XML"),
        (b"<html><body>403</body></html>", "HTML page"),
        (b'<catalog xmlns="http://xcri.org/profiles/1.2/catalog"/>', "got <catalog> in http://xcri.org/profiles/1.2"),
        (b"<courses-response/>", "got <courses-response> without a namespace"),
        (
            b'<error-response xmlns="https://github.com/erasmus-without-paper/ewp-specs-architecture/blob/stable-v1/'
            b'common-types.xsd"><developer-message>Unknown hei_id</developer-message></error-response>',
            "error response (Unknown hei_id)",
        ),
    ],
)
def test_bad_bodies_raise_one_line(body, message):
    with pytest.raises(ParseError, match=re.escape(message)) as err:
        ewp.parse(body, COURSES_URL)
    assert "\n" not in str(err.value)


def test_claimed_only_on_root_element_and_namespace():
    assert dispatch.xml_signature(f"{{{ewp.NS}}}courses-response") == "ewp_courses"
    assert dispatch.xml_signature(f"{{{ewp.REPLICATION_NS}}}course-replication-response") == "ewp_course_replication"
    assert dispatch.xml_signature("courses-response") is None
    assert dispatch.xml_signature(f"{{{ewp.NS}}}learningOpportunitySpecification") is None
    assert dispatch.xml_signature(f"{{{ewp.REPLICATION_NS}}}courses-response") is None


def test_types_from_prefix_and_unknown_types_skipped():
    los = "".join(
        f"<learningOpportunitySpecification><los-id>{i}</los-id><title>{t}</title>{extra}</learningOpportunitySpecification>"
        for i, t, extra in [
            ("CR/1", "By prefix", ""),
            ("CLS/2", "A class", ""),
            ("XX/3", "Unknown", ""),
            ("CR/4", "Typed", "<type>Thesis</type>"),
        ]
    )
    page = ewp.parse(f'<courses-response xmlns="{ewp.NS}">{los}</courses-response>'.encode(), COURSES_URL)
    assert [i["title"] for i in page.items] == ["By prefix"]
    assert page.stats == {
        "items/skipped/class_of_a_course/learningOpportunitySpecification": 1,
        "items/skipped/unknown_type/learningOpportunitySpecification:XX": 1,
        "items/skipped/unknown_type/learningOpportunitySpecification:thesis": 1,
    }
    empty = ewp.parse(f'<courses-response xmlns="{ewp.NS}"/>'.encode(), COURSES_URL)
    assert empty.items == [] and empty.stats == {"paging/no_results": 1}


def test_disabled_entry_never_fetches_live(server, crawl_live):
    start = server.raw("/ewp/course-replication", (SNAPSHOT / "ewp" / "replication.xml").read_bytes(), ctype="text/xml")
    run = crawl_live("ewp", [start + "?hei_id=example.org"])
    assert run["summary"]["status"] == "empty" and run["stats"]["skipped/no_ewp_membership"] == 1
    assert server.seen == [] and "signed by an EWP network member" in run["log"]
    entry = registry()["ewp"]  # disabled, and the registry says why
    assert not entry.enabled and "signed by a network member" in (entry.notes or "")
    assert entry.verification.kind == "specification example"
