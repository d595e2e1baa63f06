"""MIT catalogues: MITx Online (paged), xPRO (list), Prolearn (GraphQL POST) from our snapshot and the corpus."""

import json

from scrapers.parsers import mit


def test_real_mitxonline_page(corpus, offers_of):
    path = corpus / "edx_discovery" / "mitxonline_courses.json"
    raw = json.loads(path.read_bytes())
    page = mit.parse(path.read_bytes(), path.as_uri())
    offers, rejects = offers_of(page, "mitxonline")
    # the proctored-exam entry is not an offer: set aside with its reason, the other 11 listings kept
    assert rejects == [] and len(offers) == len(raw["results"]) - 1 == 11
    assert [(r.source_id, r.reason) for r in page.rejects] == [
        ("course-v1:MITxT+14.100PEx", "not_an_offer: proctored exam entry")
    ]
    asym = next(o for o in offers if o.source_id == "course-v1:MITxT+10.50.CH04x")
    assert asym.url == "https://mitxonline.mit.edu/courses/course-v1:MITxT+10.50.CH04x/"
    assert (asym.workload_raw, asym.duration_raw, asym.price_amount) == ("10-12 hours/week", "2 weeks", 29.0)
    assert asym.subjects == ["Chemical Engineering"]


def test_real_xpro_list(corpus, offers_of):
    path = corpus / "edx_discovery" / "xpro_courses.json"
    offers, rejects = offers_of(mit.parse(path.read_bytes(), path.as_uri()), "mitxpro")
    assert rejects == [] and len(offers) == 7
    by_id = {o.source_id: o for o in offers}
    assert by_id["course-v1:xPRO+SysEngxB3"].url == "https://xpro.mit.edu/courses/course-v1:xPRO+SysEngxB3"
    assert by_id["course-v1:xPRO+SysEngxB3"].participation_form == "on-site"
    assert by_id["course-v1:xPRO+SysEngxB1"].stackability == (
        "Part of the Architecture and Systems Engineering Professional Certificate Program"
    )
    assert "Joe Smith" not in by_id["course-v1:xPRO+DgtlLearn1"].model_dump_json()


def test_snapshot_crawls(snapshot_run):
    online, xpro, pe = snapshot_run("mitxonline"), snapshot_run("mitxpro"), snapshot_run("mit_pe")
    assert [r["summary"]["status"] for r in (online, xpro, pe)] == ["ok", "ok", "ok"]
    assert len(online["offers"]) == 3 and online["stats"]["rejects/title"] == 1  # page 2 followed, bad record set aside
    assert len(xpro["offers"]) == 3
    ml = next(o for o in pe["offers"] if o["source_id"] == "901")
    assert ml["runs"][0]["start_date"] == "2026-07-20" and len(ml["learning_outcomes"]) == 2
    assert ml["stackability"].startswith("Counts towards the Professional Certificate Program")
