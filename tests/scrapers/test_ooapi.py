"""OOAPI v5 (eduXchange): the spec's own examples, our snapshots of the eight EuroTeQ members, paging, offerings merged
into their course, credentials, bad input, dispatch, and staff data never landed."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from models.normalise.languages import to_iso639_1
from scrapers.parsers import edx, ooapi
from scrapers.parsers.base import Page, ParseError
from scrapers.registry import registry
from scrapers.spiders.ooapi import OoapiSpider
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

TUE = SNAPSHOT / "ooapi_tue"
START = "https://ooapi.tue.nl/v5/courses?pageSize=100&pageNumber=1&consumer=eduxchange&alliances.name=euroteq"
EUROTEQ = [
    "ooapi_tue",
    "ooapi_taltech",
    "ooapi_dtu",
    "ooapi_polytechnique",
    "ooapi_ctu",
    "ooapi_tum",
    "ooapi_technion",
    "ooapi_epfl",
]


# ---- the specification's examples (../shared/corpus/ooapi) -----------------------------------------------------


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def example_of(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """An instance built from the schema's own `example`s: the example where one is given, else the object of its
    properties' examples (allOf merged, the first oneOf alternative, arrays of their item's example)."""
    schema = _resolve(spec, schema)
    if "example" in schema:
        return schema["example"]
    if depth > 6:
        return None
    if "allOf" in schema:
        out: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_of(spec, part, depth + 1)
            if isinstance(value, dict):
                out.update(value)
        return out
    if "oneOf" in schema:
        return example_of(spec, schema["oneOf"][0], depth + 1)
    if schema.get("type") == "array" and "items" in schema:
        item = example_of(spec, schema["items"], depth + 1)
        return [item] if item is not None else []
    if "properties" in schema:
        out = {}
        for name, prop in schema["properties"].items():
            value = example_of(spec, prop, depth + 1)
            if value is not None:
                out[name] = value
        return out
    return None


def _profile_consumers(corpus: Path) -> list[dict[str, Any]]:
    """The eduXchange profile's course consumer example (the one with the EuroTeQ alliance), read from its markdown."""
    text = (corpus / "ooapi" / "eduxchange-consumer-profile_v5.md").read_text(encoding="utf-8")
    for block in re.findall(r"```json\n(.*?)```", text, re.DOTALL):
        try:
            data = json.loads(block)
        except json.JSONDecodeError:
            continue
        consumers = data.get("consumers") if isinstance(data, dict) else None
        if consumers and any(a.get("name") == "euroteq" for c in consumers for a in c.get("alliances", [])):
            return consumers
    raise AssertionError("no EuroTeQ consumer example in the eduXchange profile")


@pytest.fixture(scope="module")
def spec_documents(corpus: Path) -> dict[str, Any]:
    spec = json.loads((corpus / "ooapi" / "ooapi-v5.0.0-openapi.json").read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    course = example_of(spec, schemas["Course"])
    person = example_of(spec, schemas["Person"])
    course["consumers"] = _profile_consumers(corpus)
    course["coordinators"] = [person]  # as `expand=coordinators` returns them
    offering = example_of(spec, schemas["CourseOffering"])
    offering.update(course=course["courseId"], offeringType="course")
    offering["priceInformation"] = [example_of(spec, schemas["Cost"])]
    envelope = {"pageSize": 10, "pageNumber": 1, "hasPreviousPage": False, "hasNextPage": False}
    return {
        "course": course,
        "person": person,
        "offering": offering,
        "courses": json.dumps({**envelope, "items": [course]}).encode(),
        "offerings": json.dumps({**envelope, "items": [offering]}).encode(),
    }


def test_the_specs_example_course_and_offering_make_one_complete_offer(spec_documents):
    course, offering = spec_documents["course"], spec_documents["offering"]
    page = ooapi.parse(spec_documents["courses"], START)
    assert [f.kind for f in page.follow] == ["offerings"]
    offered = ooapi.parse(spec_documents["offerings"], page.follow[0].url)
    merged = ooapi.merge_offerings(page.items[0], offered.items[0])
    defaults = OoapiSpider.item_defaults(registry()["ooapi_tue"])
    offers, rejects = chain(Page(items=[{**defaults, **merged}]), "ooapi_tue")
    assert rejects == [] and len(offers) == 1
    offer = offers[0]
    name = course["name"][0]
    assert (offer.title, offer.title_lang) == (name["value"], to_iso639_1(name["language"]))
    assert offer.ects == course["studyLoad"]["value"] and course["studyLoad"]["studyLoadUnit"] == "ects"
    assert offer.level_raw == course["level"] and offer.eqf_level == 7 and offer.eqf_flag == "inferred"
    assert offer.languages == [to_iso639_1(course["teachingLanguage"])]
    euroteq = next(a for c in course["consumers"] for a in c["alliances"] if a["name"] == "euroteq")
    assert offer.participation_raw == euroteq["modeOfDelivery"] and offer.participation_form == "blended"
    assert offer.certificate_type == f"micro-credential ({euroteq['microcredential']})"
    assert offer.extras["target_group"] == euroteq["targetGroup"] and "EuroTeQ" in offer.alliances
    assert [(str(r.start_date), str(r.end_date)) for r in offer.runs] == [(offering["startDate"], offering["endDate"])]
    cost = offering["priceInformation"][0]
    assert (offer.price_amount, offer.price_currency) == (float(cost["amount"]), cost["currency"])
    assert offer.provider == "Eindhoven University of Technology (TU/e)" and offer.country == "NL"
    dumped = json.dumps(offer.model_dump(mode="json"), ensure_ascii=False)
    person = spec_documents["person"]
    staff = [*euroteq["instructorNames"], person["displayName"], person["mail"], person["givenName"]]
    staff += [person.get("secondaryMail"), person.get("telephoneNumber"), person.get("mobileNumber")]
    for value in filter(None, staff):
        assert str(value) not in dumped, f"staff data {value!r} stored"


def test_counts_over_the_spec_examples(spec_documents):
    """What the corpus yields: one course, every element filled (the provider from the registry entry)."""
    page = ooapi.parse(spec_documents["courses"], START)
    defaults = OoapiSpider.item_defaults(registry()["ooapi_tue"])
    offers, _ = chain(Page(items=[{**defaults, **i} for i in page.items]), "ooapi_tue")
    counts = {
        "offers": len(offers),
        "titles": sum(bool(o.title) for o in offers),
        "credits": sum(o.ects is not None for o in offers),
        "levels": sum(o.eqf_level is not None for o in offers),
        "languages": sum(bool(o.languages) for o in offers),
        "providers": sum(bool(o.provider) for o in offers),
    }
    assert counts == dict.fromkeys(counts, 1)
    bare, _ = chain(page, "ooapi")  # without an institution's entry no provider is stated
    assert bare[0].provider is None


# ---- our snapshots -------------------------------------------------------------------------------------------


def test_course_page_asks_for_each_courses_offerings_and_the_next_page():
    page = ooapi.parse((TUE / "courses_p1.json").read_bytes(), START)
    ids = [i["source_id"] for i in page.items]
    offerings = [f for f in page.follow if f.kind == "offerings"]
    assert [f.meta["ooapi_course"] for f in offerings] == ids and len(ids) == 2
    assert all(urlsplit(f.url).path == f"/v5/courses/{cid}/offerings" for f, cid in zip(offerings, ids, strict=True))
    query = parse_qs(urlsplit(offerings[0].url).query)
    assert query == {
        "consumer": ["eduxchange"],
        "alliances.name": ["euroteq"],
        "pageSize": ["100"],
        "pageNumber": ["1"],
    }
    (nxt,) = [f for f in page.follow if f.kind == "page"]
    assert parse_qs(urlsplit(nxt.url).query)["pageNumber"] == ["2"]
    last = ooapi.parse((TUE / "courses_p2.json").read_bytes(), nxt.url)
    assert [f.kind for f in last.follow] == ["offerings"]  # hasNextPage false: no further page


def test_paging_stops_at_total_pages_and_never_loops():
    body = {"pageSize": 1, "pageNumber": 3, "hasPreviousPage": True, "hasNextPage": True, "totalPages": 3}
    page = ooapi.parse(json.dumps({**body, "items": []}).encode(), START)
    assert page.follow == [] and page.stats == {"paging/no_results": 1}
    assert "pageNumber=4&" in (ooapi.next_page({**body, "totalPages": None}, START) or "")
    assert ooapi.next_page({**body, "pageNumber": True}, START) is None


def test_an_offerings_page_on_its_own_is_an_offer_per_course(offers_of):
    url = "https://ooapi.tue.nl/v5/courses/x/offerings?pageSize=100&pageNumber=1"
    page = ooapi.parse((TUE / "offerings_4em70.json").read_bytes(), url)
    offers, rejects = offers_of(page, "ooapi_tue")
    assert rejects == [] and len(offers) == 1
    offer = offers[0]
    assert [str(r.start_date) for r in offer.runs] == ["2026-09-07", "2027-02-08"]  # sorted by start
    assert (offer.price_amount, offer.price_currency, offer.participation_form) == (1200.0, "EUR", "on-site")


def test_merge_keeps_the_course_and_adds_runs_fees_and_offerings():
    course = {"source_id": "c", "title": "T", "languages": ["eng"], "participation_raw": "Hybrid", "extras": {"a": 1}}
    offered = {
        "source_id": "c",
        "runs": [{"run_id": "o1", "start_date": "2027-01-01"}],
        "price_raw": "10 EUR",
        "price_amount": "10",
        "price_currency": "EUR",
        "languages": ["nld"],
        "participation_raw": "online",
        "url": "https://x.example/o1",
        "extras": {"offerings": [{"offering_id": "o1"}], "participation_forms": {"online": "online"}},
    }
    merged = ooapi.merge_offerings(course, offered)
    assert merged["runs"] == offered["runs"] and merged["price_amount"] == "10" and merged["url"] == offered["url"]
    assert merged["languages"] == ["eng", "nld"] and merged["participation_raw"] == "Hybrid"
    assert merged["extras"] == {"a": 1, "offerings": [{"offering_id": "o1"}]}
    assert course == {
        "source_id": "c",
        "title": "T",
        "languages": ["eng"],
        "participation_raw": "Hybrid",
        "extras": {"a": 1},
    }
    again = ooapi.merge_offerings(merged, {**offered, "price_amount": "99"})
    assert again["price_amount"] == "10" and len(again["runs"]) == 2  # a second offerings page adds runs only


def test_language_tagged_strings_keep_every_language(offers_of):
    body = (SNAPSHOT / "ooapi_polytechnique" / "courses_p1.json").read_bytes()
    offers, _ = offers_of(ooapi.parse(body, START), "ooapi_polytechnique")
    convex = next(o for o in offers if "fr" in o.titles)
    assert convex.title_lang == "en" and convex.titles["en"] == convex.title  # English where the schema wants it
    assert set(convex.extras["descriptions"]) == {"fr-FR", "en-GB"} and convex.languages == ["fr"]
    first = convex.learning_outcomes[0]
    assert first.lang == "fr" and first.text_en and first.text != first.text_en  # taught in French, English beside


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"<html><body>401 Unauthorized</body></html>", "markup"),
        (b'{"pageSize": 10, "items": [', "malformed JSON"),
        (b'{"status": "401", "title": "Unauthorized", "detail": "token expired"}', "error response (401 Unauthorized"),
        (b'{"foo": 1}', "not an Open Education API v5 response"),
        (b'{"items": [{"courseId": "x"}], "next": null}', "not an Open Education API v5 response"),
    ],
)
def test_bad_bodies_raise_one_line(body, message):
    with pytest.raises(ParseError, match=re.escape(message)) as err:
        ooapi.parse(body, START)
    assert "\n" not in str(err.value)


def test_bad_records_are_rejected_with_reasons_and_the_rest_kept():
    url = "https://ooapi.tue.nl/v5/courses/c1/offerings?pageNumber=1"
    items = [
        {"courseId": "c1", "name": [{"language": "en", "value": "Kept"}]},
        {"name": [{"language": "en", "value": "No id"}]},
        "not an object",
        {"courseId": "c1", "name": [{"language": "en", "value": "Twice"}]},
        {"courseId": "c2", "name": [{"language": "en", "value": "placeholder"}]},
        {"programId": "p1", "name": [{"language": "en", "value": "A minor"}]},
    ]
    body = {"pageSize": 10, "pageNumber": 1, "hasPreviousPage": False, "hasNextPage": False, "items": items}
    page = ooapi.parse(json.dumps(body).encode(), START)
    assert [i["title"] for i in page.items] == ["Kept"]
    assert [r.reason for r in page.rejects] == [
        "source_id: missing",
        "record: not a JSON object",
        "source_id: duplicate in one response",
        "not_an_offer: placeholder or test entry",
    ]
    assert page.stats["items/skipped/not_a_course/items:program"] == 1
    offerings = [
        {"offeringId": "o1", "offeringType": "course", "name": [], "startDate": "2027-01-01"},
        {"offeringId": "o2", "offeringType": "program", "name": []},
    ]
    page = ooapi.parse(json.dumps({**body, "items": offerings}).encode(), url)
    assert [i["source_id"] for i in page.items] == ["c1"]  # the course named by the URL
    assert page.stats["items/skipped/not_a_course_offering/items:program"] == 1
    page = ooapi.parse(json.dumps({**body, "items": offerings[:1]}).encode(), START)
    assert [r.reason for r in page.rejects] == ["source_id: offering names no course"]


def test_a_record_too_deep_to_redact_is_rejected_without_its_raw_copy():
    deep = "[" * 1000 + "]" * 1000
    items = f'[{{"courseId": "c", "name": [], "x": {deep}}}, {{"courseId": "d", "name": [{{"value": "Fine"}}]}}]'
    body = f'{{"pageSize": 2, "pageNumber": 1, "hasNextPage": false, "items": {items}}}'.encode()
    page = ooapi.parse(body, START)
    assert [i["title"] for i in page.items] == ["Fine"]
    assert [(r.source_id, r.reason, r.raw) for r in page.rejects] == [("c", "record: nested too deeply to read", None)]


def test_dispatch_claims_ooapi_only_on_its_envelope_or_objects():
    page = (TUE / "courses_p1.json").read_bytes()
    via_edx = edx.parse(page, START)  # another platform's parser hands an OOAPI page on
    assert via_edx.stats.get("dispatch/ooapi") == 1 and len(via_edx.items) == 2
    discovery = {"count": 1, "next": None, "results": [{"key": "X+1", "title": "One", "course_runs": []}]}
    assert ooapi.parse(json.dumps(discovery).encode(), START).stats.get("dispatch/edx") == 1
    assert ooapi.parse_data({"items": [], "pageNumber": 1}, START) is None  # half an envelope is no signature
    assert ooapi.parse_data({"courseId": "c", "name": "plain"}, START) is None
    single = ooapi.parse_data({"courseId": "c", "name": [{"language": "en", "value": "One"}]}, START)
    assert single is not None and [f.kind for f in single.follow] == ["offerings"]


# ---- crawls: snapshot of every EuroTeQ member, live with and without credentials, staff never landed -------------


def test_every_euroteq_member_has_a_specification_only_entry():
    entries = {name: src for name, src in registry().items() if name.startswith("ooapi_")}
    assert sorted(entries) == sorted(EUROTEQ)
    env_names = [src.options["client_id_env"] for src in entries.values()]
    assert len(set(env_names)) == len(env_names)
    for src in entries.values():
        assert src.enabled and src.alliance == "EuroTeQ" and src.country and src.institutions == src.provider
        assert src.verification.kind == "specification" and "no response of" in src.verification.note
        assert "assumed" in (src.notes or "") and src.options["token_url"].startswith("https://")
        assert all("consumer=eduxchange" in u for u in src.start_urls)
    generic = registry()["ooapi"]
    assert not generic.enabled and generic.options["generic"] and "provider" not in OoapiSpider.item_defaults(generic)
    assert generic.verification.kind == "specification"


def _staff_in(snapshot: Path) -> list[str]:
    names = []
    for path in snapshot.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for course in data.get("items", []):
            for consumer in course.get("consumers", []):
                for alliance in consumer.get("alliances", []):
                    names += alliance.get("instructorNames", [])
    return names


@pytest.mark.parametrize("source", EUROTEQ)
def test_snapshot_crawl_of_each_member(snapshot_run, source):
    result = snapshot_run(source)
    assert result["summary"]["status"] == "ok", result["stats"]
    offers = result["offers"]
    assert len(offers) >= 2 and all(o["runs"] for o in offers if o["source_id"] != _empty_offering_course())
    assert all(o["ects"] and o["eqf_level"] and o["languages"] and o["provider"] for o in offers)
    assert all(o["country"] == registry()[source].country and "EuroTeQ" in o["alliances"] for o in offers)
    landed = (Path(result["summary"]["dir"]) / "offers.jsonl").read_text(encoding="utf-8")
    rejects = Path(result["summary"]["dir"]) / "rejects.jsonl"
    landed += rejects.read_text(encoding="utf-8") if rejects.exists() else ""
    for name in _staff_in(SNAPSHOT / source):
        assert name not in landed and name.split()[-1] not in landed, f"{source}: instructor {name!r} landed"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", landed)


def _empty_offering_course() -> str:
    data = json.loads((TUE / "courses_p1.json").read_text(encoding="utf-8"))
    return next(c["courseId"] for c in data["items"] if c["abbreviation"] == "0LEB0")


def test_tue_snapshot_merges_offerings_and_follows_page_two(snapshot_run):
    result = snapshot_run("ooapi_tue")
    stats, offers = result["stats"], {o["extras"]["abbreviation"]: o for o in result["offers"]}
    assert sorted(offers) == ["0LEB0", "4EM70", "5LMB0"] and stats["offers/valid"] == 3
    mobility = offers["5LMB0"]
    assert [r["start_date"] for r in mobility["runs"]] == ["2026-09-07"]
    assert (mobility["price_amount"], mobility["price_currency"], mobility["participation_form"]) == (
        750.0,
        "EUR",
        "online",
    )
    assert mobility["extras"]["offerings"][0]["enrollment_url_for_professionals"].startswith("https://www.tue.nl/")
    assert mobility["certificate_type"] == "micro-credential (standalone)"
    assert mobility["extras"]["target_group"] == "forProfessionals"
    assert "Coordinator: [staff] ([e-mail], [phone])" in mobility["description"]
    assert offers["0LEB0"]["runs"] == [] and stats["paging/no_results"] == 1  # a course with no offering yet
    assert offers["0LEB0"]["alliances"] == ["EuroTeQ", "EWUU"]


def test_taltech_snapshot_lands_the_bad_record_as_a_reject(snapshot_run):
    result = snapshot_run("ooapi_taltech")
    assert result["summary"]["status"] == "ok" and result["stats"]["rejects/source_id"] == 1
    (reject,) = [json.loads(x) for x in (Path(result["summary"]["dir"]) / "rejects.jsonl").read_text().splitlines()]
    assert reject["reason"] == "source_id: missing" and "instructorNames" not in json.dumps(reject)


def test_live_without_credentials_is_skipped_with_one_line(server, crawl_live):
    start = server.json("/v5/courses", {"pageSize": 10, "pageNumber": 1, "hasNextPage": False, "items": []})
    run = crawl_live("ooapi_tue", [start])
    assert run["summary"]["status"] == "empty" and run["stats"]["skipped/no_credentials"] == 1
    assert server.seen == []  # nothing fetched
    assert "OOAPI_TUE_CLIENT_ID and OOAPI_TUE_CLIENT_SECRET are not set; skipping" in run["log"]


def _page(items: list[dict[str, Any]], number: int = 1, more: bool = False) -> dict[str, Any]:
    return {"pageSize": 1, "pageNumber": number, "hasPreviousPage": number > 1, "hasNextPage": more, "items": items}


def test_live_token_bearer_paging_and_offerings(server, crawl_live):
    def token(handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0)).decode()
        expected = "Basic " + base64.b64encode(b"cid:s%C3%A9cret%2F1").decode()
        if handler.headers.get("Authorization") != expected or body != "grant_type=client_credentials":
            return 401, {"Content-Type": "application/json"}, b'{"error": "invalid_client"}'
        return 200, {"Content-Type": "application/json"}, b'{"access_token": "tok123", "expires_in": 3600}'

    def course(cid, title):
        return {"courseId": cid, "name": [{"language": "en-GB", "value": title}], "teachingLanguage": "eng",
                "studyLoad": {"studyLoadUnit": "ects", "value": 5}, "level": "master"}  # fmt: skip

    def courses(handler):
        number = parse_qs(urlsplit(handler.path).query).get("pageNumber", ["1"])[0]
        data = _page([course("c1", "First")], 1, True) if number == "1" else _page([course("c2", "Second")], 2)
        return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()

    server.routes["/oauth2/token"] = token
    server.routes["/v5/courses"] = courses
    offering = {"offeringId": "o1", "offeringType": "course", "name": [], "course": "c1"}
    offering.update(startDate="2027-02-01", endDate="2027-03-01")
    offering["priceInformation"] = [{"costType": "total costs", "amount": "80", "currency": "EUR"}]
    server.json("/v5/courses/c1/offerings", _page([offering]))
    server.json("/v5/courses/c2/offerings", _page([]))
    run = crawl_live(
        "ooapi_tue",
        [server.url + "/v5/courses?pageSize=1&pageNumber=1&consumer=eduxchange"],
        env={"OOAPI_TUE_CLIENT_ID": "cid", "OOAPI_TUE_CLIENT_SECRET": "sécret/1"},
        OOAPI_TOKEN_URL=server.url + "/oauth2/token",
    )
    assert run["summary"]["status"] == "ok", run["log"]
    offers = {o["title"]: o for o in run["offers"]}
    assert sorted(offers) == ["First", "Second"]
    assert offers["First"]["runs"][0]["start_date"] == "2027-02-01" and offers["First"]["price_amount"] == 80.0
    assert offers["Second"]["runs"] == []
    api = [(path, headers) for method, path, headers in server.seen if path.startswith("/v5/")]
    assert len(api) == 4 and all(h.get("Authorization") == "Bearer tok123" for _, h in api)
    assert all("consumer=eduxchange" in path for path, _ in api)
    landed = (Path(run["summary"]["dir"]) / "index.jsonl").read_text()
    assert "tok123" not in landed and "cid" not in landed and "s%C3%A9cret" not in landed


def test_live_crawl_never_lands_staff_data(server, crawl_live):
    """A catalogue that expands coordinators and names staff in texts, codes and the eduXchange consumer: neither the
    offers nor the rejects (the chain's and the parser's) carry any of it."""
    pages = FIXTURES / "ooapi"
    server.raw("/v5/courses", (pages / "courses_with_staff.json").read_bytes())
    server.raw(
        "/v5/courses/5a0c1f3e-1111-4c2d-8e9f-000000000001/offerings", (pages / "offerings_with_staff.json").read_bytes()
    )
    server.json("/v5/courses/5a0c1f3e-1111-4c2d-8e9f-000000000002/offerings", _page([]))
    server.json("/oauth2/token", {"access_token": "t"})
    run = crawl_live(
        "ooapi_tue",
        [server.url + "/v5/courses?pageSize=10&pageNumber=1"],
        env={"OOAPI_TUE_CLIENT_ID": "i", "OOAPI_TUE_CLIENT_SECRET": "s"},
        OOAPI_TOKEN_URL=server.url + "/oauth2/token",
    )
    folder = Path(run["summary"]["dir"])
    assert [o["title"] for o in run["offers"]] == ["Privacy by Design for Engineers"]
    assert sorted(r["reason"] for r in run["rejects"]) == ["source_id: missing", "title: missing"]
    offer = run["offers"][0]
    assert offer["runs"][0]["start_date"] == "2027-02-01" and offer["price_amount"] == 495.0
    assert offer["extras"]["other_codes"] == [{"type": "identifier", "code": "PRIV-101"}]
    landed = (folder / "offers.jsonl").read_text(encoding="utf-8") + (folder / "rejects.jsonl").read_text(
        encoding="utf-8"
    )
    for value in ("Hendrik", "Berg", "Kovač", "Kovac", "Pieter", "Smit", "uni.example", "mail.example", "253 000",
                  "1234 5678", "234 5678", "1971-04-02", "staff-77"):  # fmt: skip
        assert value not in landed, f"staff data {value!r} landed"
    assert "Taught by [staff] and [staff]" in offer["description"] and "[e-mail]" in offer["description"]
