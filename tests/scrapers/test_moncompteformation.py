"""Mon Compte Formation (Opendatasoft explore API v2.1, dataset moncompteformation_catalogueformation): our own
records page and CSV export, paging inside the API's window, the export beyond it, other shapes, bad input, French
levels, mojibake, and no contact data stored (landed lines included)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scrapers.parsers import moncompteformation as mcf
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

PAGE = SNAPSHOT / "moncompteformation" / "records_p1.json"
EXPORT = FIXTURES / "moncompteformation" / "export.csv"
RECORDS = "https://opendata.caissedesdepots.fr/api/explore/v2.1/catalog/datasets/moncompteformation_catalogueformation/records"
PERSONAL = ["Odile Exemple", "Exemple,", "03 88 00 11 22", "odile.exemple", "Lou Brouillon", "07 00 00 00 70"]


def record(n: int, **over: object) -> dict:
    return {"numero_formation": f"F{n}", "siret": "12345678900011", "intitule_formation": f"Formation {n}", **over}


def body(total: int, count: int, start: int = 0) -> bytes:
    return json.dumps({"total_count": total, "results": [record(start + i) for i in range(count)]}).encode()


def test_own_records_page_values_as_the_dataset_gives_them():
    page = mcf.parse(PAGE.read_bytes(), f"{RECORDS}?limit=100&offset=0")
    assert page.stats["moncompteformation/shape/v2.1"] == 1 and page.follow == []  # 5 records, one page
    offers, rejects = chain(page, "moncompteformation")
    assert rejects == ["title: missing"]
    english, web, paie, elec = offers
    assert english.source_id == "81234567800017_ANG-PRO-01" and web.source_id == "90876543200025_DWWM-2027"
    assert english.platform == "Mon Compte Formation" and english.provider == "LINGUA CONSEIL FORMATION"
    assert english.titles == {"fr": english.title} and english.title_lang == "fr" and english.languages == []
    assert (english.workload_hours_min, english.workload_hours_max) == (20, 40)
    assert (english.price_amount, english.price_currency) == (890, "EUR")  # 890-1290: the lowest, with a note
    assert english.participation_form == "online" and web.participation_form == "blended"
    assert paie.participation_form == "on-site"
    assert (web.eqf_level, web.eqf_flag) == (5, "inferred") and english.eqf_level is None
    (why,) = [e for e in web.explanations if e.field == "eqf_level"]
    assert why.rule == "eqf.inferred_from_framework_level" and "2019-14" in why.note
    assert web.quality_assurance == "certification registered in France's national register RNCP (RNCP37674)"
    assert english.quality_assurance and "RS6107" in english.quality_assurance
    assert web.extras["other_fields"] == {"nb_session_active": 3}  # an unmapped field is kept, not lost
    assert "02" in english.isced_broad and "06" in web.isced_broad
    # mojibake (UTF-8 encoded twice) repaired and recorded
    assert elec.title == "Habilitation électrique : personnel non électricien" and elec.provider.startswith(
        "PRÉVENTION"
    )
    assert "intitule_formation" in elec.extras["text_repaired"]["fields"]
    assert page.stats["moncompteformation/mojibake_repaired"] == 1


def test_contact_data_in_texts_is_never_stored():
    offers, _ = chain(mcf.parse(PAGE.read_bytes(), f"{RECORDS}?limit=100&offset=0"), "moncompteformation")
    text = json.dumps([o.model_dump(mode="json") for o in offers], ensure_ascii=False)
    assert "[contact]" in text and "[phone]" in text and "[e-mail]" in text
    for value in PERSONAL:
        assert value not in text
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)


def test_paging_follows_offset_inside_the_window():
    first = mcf.parse(body(250, 100), f"{RECORDS}?limit=100&offset=0")
    (nxt,) = first.follow
    assert parse_qs(urlsplit(nxt.url).query) == {"limit": ["100"], "offset": ["100"]} and nxt.kind == "page"
    last = mcf.parse(body(250, 50, 200), f"{RECORDS}?limit=100&offset=200")
    assert last.follow == [] and len(last.items) == 50


def test_a_dataset_larger_than_the_window_is_read_from_its_export():
    page = mcf.parse(body(210_000, 100), f"{RECORDS}?limit=100&offset=0")
    (export,) = page.follow
    assert export.kind == "export" and export.url == RECORDS.replace("/records", "/exports/csv") + "?delimiter=%3B"
    assert page.stats["moncompteformation/export_instead_of_paging"] == 1 and len(page.items) == 100
    # a later page of such a dataset (reached by hand) follows nothing: the export covers it
    assert mcf.parse(body(210_000, 100, 9_800), f"{RECORDS}?limit=100&offset=9800").follow == []


def test_csv_export_with_bom_quotes_and_levels():
    page = mcf.parse(EXPORT.read_bytes(), RECORDS.replace("/records", "/exports/csv"))
    assert page.stats["moncompteformation/shape/export_csv"] == 1 and page.follow == []
    offers, rejects = chain(page, "moncompteformation")
    assert rejects == [] and [o.source_id for o in offers] == [
        "53344455500066_EBEN-01",
        "54455566600077_COMPTA-N4",
        "55566677700088_MED",
    ]
    wood, compta, mediation = offers
    assert wood.description == "Atelier équipé; petits groupes.\nDeuxième ligne du texte."
    assert compta.eqf_level == 4 and mediation.eqf_level == 5  # "Niveau 4" (2019), "niveau III" (1969)
    assert "[phone]" in compta.description and "02 99" not in compta.description
    assert mediation.participation_form == "blended" and mediation.price_amount is None


@pytest.mark.parametrize(
    "data",
    [
        {"total_count": 1, "links": [], "records": [{"links": [], "record": {"id": "x", "fields": record(1)}}]},
        {"nhits": 1, "parameters": {}, "records": [{"datasetid": "d", "recordid": "r", "fields": record(1)}]},
        [record(1)],
    ],
    ids=["v2.0", "v1", "export_json"],
)
def test_other_opendatasoft_shapes_read_the_same(data):
    page = mcf.parse(json.dumps(data).encode(), "https://opendata.caissedesdepots.fr/x")
    assert [i["source_id"] for i in page.items] == ["12345678900011_F1"] and page.items[0]["title"] == "Formation 1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"total_count": 1, "results": [{"id": 1, "name": "a MOOC"}]}', "not the moncompteformation"),
        (b"id;name\n1;a\n", "not the moncompteformation_catalogueformation export"),
        (b'{"error_code": "ODSQLError", "message": "Unknown field"}', "the API answered with an error"),
        (b"<html><body>502</body></html>", "markup"),
        (b'{"total_count": 3, "results": [', "malformed JSON"),
        (b"", "empty"),
    ],
)
def test_bad_input_is_one_line(raw, message):
    with pytest.raises(ParseError, match=message) as err:
        mcf.parse(raw, f"{RECORDS}?limit=100&offset=0")
    assert "\n" not in str(err.value)


def test_rejects_name_the_record_and_empty_pages_are_counted():
    page = mcf.parse(
        json.dumps(
            {"total_count": 3, "results": [record(1), record(1), {"intitule_formation": "sans numéro"}]}
        ).encode(),
        f"{RECORDS}?limit=100&offset=0",
    )
    assert [r.reason for r in page.rejects] == ["source_id: duplicate in one response", "source_id: missing"]
    assert mcf.parse(body(0, 0), f"{RECORDS}?limit=100&offset=0").stats["paging/no_results"] == 1
    assert mcf.parse(body(500, 0), f"{RECORDS}?limit=100&offset=600").stats["errors/empty_results"] == 1


def test_snapshot_crawl_lands_no_contact_data(snapshot_run):
    run = snapshot_run("moncompteformation")
    assert run["summary"]["status"] == "ok" and len(run["offers"]) == 4
    assert {o["country"] for o in run["offers"]} == {"FR"}  # the registry's country: a French catalogue
    landed = Path(run["summary"]["dir"])
    lines = (landed / "offers.jsonl").read_text(encoding="utf-8") + (landed / "rejects.jsonl").read_text(
        encoding="utf-8"
    )
    assert "title: missing" in lines
    for value in PERSONAL:
        assert value not in lines
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", lines)
