"""Konfo / Opintopolku (issue 14, item 1): the real search page and koulutus of the corpus, our own snapshot (search ->
koulutus -> toteutus), credits and their units, levels, micro-credential flags, personal data, bad input, a crawl."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scrapers.parsers import konfo
from scrapers.parsers.base import ParseError
from scrapers.parsers.finnish import credit_parts, split_concatenated
from tests.scrapers.conftest import REPO, SNAPSHOT, chain

SEARCH_URL = "https://opintopolku.fi/konfo-backend/search/koulutukset?page=1&size=20&lng=fi&sort=name&order=asc"
KOULUTUS_URL = "https://opintopolku.fi/konfo-backend/koulutus/1.2.246.562.13.00000000000000000018"
OWN = SNAPSHOT / "konfo"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _people(data: Any) -> set[str]:
    """Every person a Konfo document names: editors (`muokkaaja`, `muokkaajanNimi`) and contact persons."""
    found: set[str] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "muokkaaja" and isinstance(value, dict):
                    found.add(value["nimi"])
                elif key == "muokkaajanNimi":
                    found.add(value)
                elif key == "yhteyshenkilot":
                    found.update(n for p in value for n in p["nimi"].values())
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _assert_private(dumped: str, people: set[str]) -> None:
    assert people
    for name in people:
        assert name not in dumped, f"personal name {name!r} stored"
    assert not EMAIL.search(dumped), "an e-mail address is stored"
    assert "1.2.246.562.24." not in dumped, "a person's OID is stored"
    assert not re.search(r"\+358|040 123", dumped), "a phone number is stored"


# ---- the real recorded responses --------------------------------------------------------------------------------


def test_real_search_page(corpus):
    path = corpus / "konfo" / "konfo-ui_search-koulutukset-all.json"
    page = konfo.parse(path.read_bytes(), SEARCH_URL)
    offers, rejects = chain(page, "konfo")
    assert rejects == [] and page.rejects == [] and len(offers) == 20
    by_id = {o.source_id: o for o in offers}
    # 180120 is "180+120": a bachelor's and a master's degree together, 300 ECTS, which no ECTS field holds
    arch = by_id["1.2.246.562.13.00000000000000001380"]
    assert arch.extras["credits"] == {
        "value": 300,
        "parts": [180, 120],
        "stated": "180120",
        "unit": "ECTS",
        "unit_names": {"fi": "opintopistettä", "sv": "studiepoäng", "en": "ECTS credits"},
        "label": "180+120",
    }
    assert arch.ects is None and any(
        e.field == "ects" and e.rule == "ects.invalid" and e.raw_value == 300 for e in arch.explanations
    )
    assert arch.provider == "Aalto University" and arch.country == "FI" and arch.titles.keys() == {"fi", "sv"}
    master = by_id["1.2.246.562.13.00000000000000000413"]
    assert (master.ects, master.ects_flag, master.title_lang) == (120.0, "given", "en")
    assert master.eqf_level == 7 and master.eqf_flag == "inferred"  # from the degree title "Master of Science"
    # a qualification unit: ECVET competence points are no ECTS; it is a micro-credential candidate
    unit = by_id["1.2.246.562.13.00000000000000002644"]
    assert unit.ects is None and unit.extras["credits"]["value"] == 20 and unit.extras["credits"]["unit"] == "ECVET"
    assert unit.extras["micro_credential_candidate"] and unit.extras["micro_credential_reasons"] == [
        "vocational qualification unit (tutkinnon osa)"
    ]
    assert unit.title == "3D-valmistusmenetelmän käyttö" and unit.description.startswith("Students know how")
    # `kielivalinta` is the language of the record, not a teaching language
    assert all(o.languages == [] for o in offers) and arch.extras["content_languages"] == ["fi", "sv"]
    # each hit's detail is followed, and page 2 of 2,274 results
    assert [f.kind for f in page.follow].count("koulutus") == 20
    assert page.follow[-1].kind == "search" and "page=2" in page.follow[-1].url


def test_real_koulutus(corpus):
    path = corpus / "konfo" / "konfo-ui_koulutus-ajoneuvoalan-perustutkinto.json"
    raw = json.loads(path.read_bytes())
    page = konfo.parse(path.read_bytes(), KOULUTUS_URL)
    offers, rejects = chain(page, "konfo")
    assert rejects == [] and len(offers) == 1
    offer = offers[0]
    assert (offer.eqf_level, offer.eqf_flag) == (4, "given") and offer.extras["nqf"] == ["4"]
    assert offer.ects is None and offer.extras["credits"]["unit"] == "ECVET" and offer.extras["credits"]["value"] == 180
    assert offer.title == "Vocational qualification in the Vehicle Sector" and offer.titles["fi"] == (
        "Ajoneuvoalan perustutkinto"
    )
    assert offer.provider is None and offer.extras["providers_count"] == 57 == len(raw["tarjoajat"])
    assert offer.subjects == ["Engineering, manufacturing and construction"] and offer.isced_broad == ["07"]
    assert page.stats["konfo/toteutukset_listed"] == 125 and len(page.follow) == 125
    assert all(f.kind == "toteutus" and "/konfo-backend/toteutus/1.2.246.562.17." in f.url for f in page.follow)
    assert page.stats["items/skipped/application_rounds/haut"] == 82
    dumped = json.dumps(offer.model_dump(mode="json"), ensure_ascii=False)
    _assert_private(dumped, _people(raw))  # 36 editors of the record and its implementations


# ---- our own snapshot: the implementation (toteutus) and the walk ------------------------------------------------


def _own(name: str) -> tuple[Any, list[Any]]:
    path = OWN / name
    page = konfo.parse(path.read_bytes(), "https://opintopolku.fi/konfo-backend/x")
    offers, rejects = chain(page, "konfo")
    assert rejects == [] and page.rejects == []
    return page, offers


def test_toteutus_teaching_language_mode_fee_duration_start():
    _, (online,) = _own("toteutus_9201.json")
    assert online.languages == ["en", "fi"] and online.participation_form == "online"
    assert (online.price_amount, online.price_currency, online.is_free) == (0.0, "EUR", True)
    assert online.duration_raw == "4 months" and online.duration_weeks == 17.33
    assert [(r.start_date.isoformat(), r.end_date.isoformat(), r.schedule) for r in online.runs] == [
        ("2026-09-01", "2026-12-15", "Autumn 2026")
    ]
    assert online.ects == 5.0 and online.part_of == ["1.2.246.562.13.00000000000000009101"]
    assert online.provider == "Metropolia University of Applied Sciences"
    assert [o.text for o in online.learning_outcomes][:1] == [
        "explain the difference between supervised and unsupervised learning"
    ]
    assert online.extras["micro_credential_reasons"] == [
        "higher-education study unit (opintojakso)",
        "open university education (avoin korkeakoulutus)",
    ]
    _, (vocational,) = _own("toteutus_9203.json")
    # contact teaching and apprenticeship: both on-site; Finnish and Swedish; the owner, not the branch, provides it
    assert vocational.participation_form == "on-site" and vocational.languages == ["fi", "sv"]
    assert vocational.provider == "Omnia" and vocational.extras["branches"][0]["name"] == "Omnia, Leppävaara"
    _, (degree,) = _own("toteutus_9204.json")
    assert (degree.price_amount, degree.is_free, degree.duration_raw) == (10000.0, False, "5 years")
    assert degree.price_raw == "10000 EUR (lukuvuosimaksu)" and degree.eqf_level is None


def test_contact_persons_and_editors_are_never_stored():
    for name in ("toteutus_9201.json", "toteutus_9203.json", "koulutus_9101.json"):
        raw = json.loads((OWN / name).read_bytes())
        _, offers = _own(name)
        dumped = json.dumps([o.model_dump(mode="json") for o in offers], ensure_ascii=False)
        _assert_private(dumped, _people(raw))
        assert "Maija" not in dumped and "Mallikas" not in dumped
    _, (online,) = _own("toteutus_9201.json")
    assert "More information: [staff], [e-mail], tel. [phone]." in online.description


def test_oppilaitos_records_are_providers_not_offers():
    hits = json.loads((OWN / "search_page1.json").read_bytes())
    hits["hits"].append(
        {"oid": "1.2.246.562.10.00000000000000009301", "nimi": {"fi": "Metropolia"}, "koulutusohjelmia": 3}
    )
    page = konfo.parse(json.dumps(hits).encode(), SEARCH_URL)
    assert len(page.items) == 2 and page.stats["items/skipped/provider_record/hits"] == 1
    institution = {"oid": "1.2.246.562.10.00000000000000009301", "nimi": {"fi": "Metropolia"}, "tila": "julkaistu"}
    page = konfo.parse(json.dumps(institution).encode(), "https://opintopolku.fi/konfo-backend/oppilaitos/x")
    assert page.items == [] and page.stats == {"items/skipped/provider_record/oppilaitos": 1}


def test_combined_credits_are_read_from_the_label_or_the_digits():
    assert credit_parts(180120, {"fi": "180+120"}["fi"]) == ([180.0, 120.0], "label")
    assert credit_parts(180120) == ([180.0, 120.0], "concatenated")
    assert credit_parts(60120) == ([60.0, 120.0], "concatenated")
    assert credit_parts(330) == ([330.0], "number")  # a 5.5-year degree: one number
    assert credit_parts(12345) == (None, "unreadable") and split_concatenated(12345) is None
    assert credit_parts("7,5") == ([7.5], "number") and credit_parts(None) == (None, None)
    unlabelled = {"oid": "1.2.246.562.13.1", "nimi": {"fi": "X"}, "opintojenLaajuusNumero": 180120}
    unlabelled["opintojenLaajuusyksikko"] = {
        "koodiUri": "opintojenlaajuusyksikko_2#1",
        "nimi": {"fi": "opintopistettä"},
    }
    fields, credit = konfo.credits(unlabelled)
    assert fields == {"ects": 300} and credit["parts"] == [180, 120] and credit["stated"] == "180120"
    ranged = {"opintojenLaajuusNumeroMin": 15, "opintojenLaajuusNumeroMax": 30, "opintojenLaajuusyksikko": None}
    assert konfo.credits(ranged) == ({}, {"min": 15, "max": 30})


# ---- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "konfo: empty response body"),
        (b"<html><body>503</body></html>", "konfo: expected JSON but got markup"),
        (b'{"total": 3, "hits": [', "konfo: malformed JSON"),
        (b'{"results": [{"id": 1}]}', "konfo: not a Konfo document"),
        (b'{"total": 1, "hits": [{"id": "x", "name": "Pottery"}]}', "konfo: not a Konfo document"),
    ],
)
def test_bad_documents_are_one_line(body, message):
    with pytest.raises(ParseError) as err:
        konfo.parse(body, SEARCH_URL)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_bad_records_are_rejected_with_reasons_and_without_personal_data():
    data = json.loads((OWN / "search_page1.json").read_bytes())
    person = {
        "nimi": {"fi": "Outi Ohjaaja"},
        "sahkoposti": {"fi": "outi@x.example"},
        "puhelinnumero": {"fi": "040 765 4321"},
    }
    data["hits"] += [
        {"nimi": {"fi": "Ilman tunnistetta"}, "yhteyshenkilot": [person]},  # no OID
        {"oid": "1.2.246.562.13.00000000000000009199", "nimi": ["not", "a", "text"], "yhteyshenkilot": [person]},
        "not an object",
    ]
    page = konfo.parse(json.dumps(data).encode(), SEARCH_URL)
    offers, chain_rejects = chain(page, "konfo")
    assert len(offers) == 2 and chain_rejects == ["title: missing"]
    assert sorted(r.reason for r in page.rejects) == ["record: not a JSON object", "source_id: missing"]
    kept = json.dumps([r.raw for r in page.rejects] + [i for i in page.items], ensure_ascii=False)
    assert "Outi" not in kept and "outi@" not in kept and "765 4321" not in kept and "yhteyshenkilot" not in kept


# ---- the crawl ---------------------------------------------------------------------------------------------------


def test_snapshot_crawl_search_koulutus_toteutus(snapshot_run):
    run = snapshot_run("konfo")
    assert run["summary"]["status"] == "ok", run["stats"]
    ids = sorted(o["source_id"] for o in run["offers"])
    assert ids == [
        "1.2.246.562.13.00000000000000009101",
        "1.2.246.562.13.00000000000000009102",
        "1.2.246.562.13.00000000000000009103",
        "1.2.246.562.17.00000000000000009201",
        "1.2.246.562.17.00000000000000009203",
        "1.2.246.562.17.00000000000000009204",
    ]
    stats = run["stats"]
    # page 2 followed; every search summary superseded by its koulutus; the archived implementation not fetched
    assert stats["konfo/search_hits"] == 3 and stats["konfo/summaries_superseded"] == 3
    assert stats["konfo/toteutukset_unpublished"] == 1 and stats["replay/served"] == 8
    by_id = {o["source_id"]: o for o in run["offers"]}
    degree = by_id["1.2.246.562.13.00000000000000009103"]
    assert (
        degree["eqf_level"] == 7
        and degree["eqf_flag"] == "given"
        and degree["extras"]["credits"]["parts"] == [180, 120]
    )
    unit = by_id["1.2.246.562.13.00000000000000009102"]
    assert unit["eqf_level"] == 4 and unit["extras"]["micro_credential_candidate"] is True


def test_landed_lines_carry_no_personal_data_from_a_real_recording(corpus, tmp_path: Path):
    """A crawl replaying the real koulutus (36 editors named) lands neither their names in offers nor in rejects."""
    replay = tmp_path / "replay"
    replay.mkdir()
    shutil.copy(corpus / "konfo" / "konfo-ui_koulutus-ajoneuvoalan-perustutkinto.json", replay / "koulutus.json")
    shutil.copy(OWN / "toteutus_9201.json", replay / "toteutus.json")
    oid = "1.2.246.562.17.00000000000000015225"  # the first of its implementations: our own contact-person file
    lines = [
        {"url": SEARCH_URL, "file": "koulutus.json"},
        {"url": f"https://opintopolku.fi/konfo-backend/toteutus/{oid}", "file": "toteutus.json"},
    ]
    (replay / "index.jsonl").write_text(
        "".join(
            json.dumps({**x, "method": "GET", "request_body": None, "status": 200, "headers": {}}) + "\n" for x in lines
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "crawl", "konfo", "--landing-dir", str(tmp_path / "landing"),
         "--replay-dir", str(replay), "-s", "LOG_LEVEL=ERROR"],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])
    assert summary["status"] == "partial" and summary["offers"] == 2  # 124 implementations are not in the replay
    landed = "".join(
        (run_dir / name).read_text() for name in ("offers.jsonl", "rejects.jsonl") if (run_dir / name).exists()
    )
    people = _people(json.loads((replay / "koulutus.json").read_bytes())) | _people(
        json.loads((replay / "toteutus.json").read_bytes())
    )
    _assert_private(landed, people)


def test_live_walk_follows_on_the_host_it_read(server, crawl_live):
    """Against a local server: paging, details and implementations are requested on the same host, as JSON."""
    query = "page=1&size=20&lng=fi&sort=name&order=asc"
    for name, path in [
        ("search_page1.json", f"/konfo-backend/search/koulutukset?{query}"),
        ("search_page2.json", f"/konfo-backend/search/koulutukset?{query.replace('page=1', 'page=2')}"),
        *[
            (p.name, f"/konfo-backend/koulutus/1.2.246.562.13.0000000000000000{p.stem[-4:]}")
            for p in OWN.glob("koulutus_*")
        ],
        *[
            (p.name, f"/konfo-backend/toteutus/1.2.246.562.17.0000000000000000{p.stem[-4:]}")
            for p in OWN.glob("toteutus_*")
        ],
    ]:
        server.raw(path, (OWN / name).read_bytes())
    run = crawl_live("konfo", [f"{server.url}/konfo-backend/search/koulutukset?{query}"])
    assert run["summary"]["status"] == "ok", run["log"][-2000:]
    assert len(run["offers"]) == 6 and run["stats"]["konfo/summaries_superseded"] == 3
    assert len(server.seen) == 8 and all(h.get("Accept") == "application/json" for _, _, h in server.seen)
    assert all("Cookie" not in h for _, _, h in server.seen)
