"""LHÉO 1.3 and 2.x: the standard's real examples (../shared/corpus/lheo), our own 2.3 snapshot and 1.3 fixture,
French levels to EQF, mojibake repaired, contacts never stored (landed lines included), bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from scrapers.parsers import lheo
from scrapers.parsers.base import ParseError
from scrapers.parsers.dispatch import xml_signature
from scrapers.parsers.fr_text import repair
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "lheo"
OWN_23 = SNAPSHOT / "lheo" / "offres-lheo-2.3.xml"
OWN_13 = FIXTURES / "lheo" / "offre-1.3-mojibake.xml"
URL = "https://carif-oref.example.org/lheo/offres-lheo-2.3.xml"


def _examples() -> list[Path]:
    return sorted(CORPUS.glob("*exemple*.xml")) if CORPUS.is_dir() else []


def personal_values(path: Path) -> list[str]:
    """Names, phone numbers and e-mail addresses of every contact in an LHÉO file, as the file holds them (the
    double-encoded example's names repaired too)."""
    root = etree.parse(str(path)).getroot()
    found: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag in ("courriel", "numtel") and (el.text or "").strip():
            found.add(el.text.strip())
        if tag.startswith("contact-"):
            for name in el.iter("{*}nom", "{*}prenom"):
                if (name.text or "").strip():
                    found.add(name.text.strip())
    repaired = {repair(v)[0] for v in found}
    return sorted(found | repaired)


def dumped(offers: list) -> str:
    return json.dumps([o.model_dump(mode="json") for o in offers], ensure_ascii=False)


def assert_no_personal(text: str, values: list[str], where: str) -> None:
    for value in values:
        assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text), f"{where}: {value!r} stored"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), f"{where}: an e-mail address is stored"


@pytest.mark.skipif(not _examples(), reason="../shared/corpus/lheo is not present")
@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.name)
def test_the_standards_13_examples(path: Path):
    page = lheo.parse(path.read_bytes(), path.as_uri())
    offers, rejects = chain(page, "lheo")
    assert rejects == [] and page.rejects == [] and len(offers) == 1
    assert page.stats["lheo/version/1.3"] == 1
    offer = offers[0]
    assert offer.title and offer.titles == {"fr": offer.title} and offer.provider and offer.country == "FR"
    assert offer.workload_hours_min and offer.runs and offer.learning_outcomes
    assert all(o.lang == "fr" for o in offer.learning_outcomes)
    assert offer.extras["lheo_version"] == "1.3" and offer.source_id.startswith("lheo-")  # 1.3 offers: no numero
    values = personal_values(path)
    assert values, "the example holds contact data"
    assert_no_personal(dumped(offers), values, path.name)


def test_conseiller_example_level_iii_is_eqf_5_with_the_decree_in_the_trail():
    path = CORPUS / "lheo-schema_exemple-conseiller-insertion_lheo1.3.xml"
    if not path.exists():
        pytest.skip("../shared/corpus/lheo is not present")
    (offer,), _ = chain(lheo.parse(path.read_bytes(), path.as_uri()), "lheo")
    assert offer.level_raw == "niveau III (BTS, DUT)" and offer.extras["level_code"] == "6"
    assert (offer.eqf_level, offer.eqf_flag) == (5, "inferred")
    (why,) = [e for e in offer.explanations if e.field == "eqf_level"]
    assert why.rule == "eqf.inferred_from_framework_level" and "2019-14" in why.note and "1969" in why.note
    assert offer.quality_assurance and "RNCP403" in offer.quality_assurance
    assert offer.participation_raw == "FOAD: oui" and offer.participation_form is None  # the flag names no form
    assert offer.provider == "AFPA Rillieux"  # a training place's own name is no contact


def test_double_encoded_example_is_repaired_and_says_so():
    path = CORPUS / "lheo-schema_exemple-photographe_lheo1.3.xml"
    if not path.exists():
        pytest.skip("../shared/corpus/lheo is not present")
    page = lheo.parse(path.read_bytes(), path.as_uri())
    (offer,), _ = chain(page, "lheo")
    text = dumped([offer])
    assert "Ã" not in text and "identité" in offer.description and offer.provider.endswith("académique (CFA)")
    assert page.stats["lheo/mojibake_repaired"] == 1
    repaired = offer.extras["text_repaired"]
    assert {"objective", "content", "provider"} <= set(repaired["fields"]) and "mojibake" in repaired["repair"]
    assert offer.participation_form == "on-site" and offer.extras["participation_forms"] == {"FOAD: non": "on-site"}


def test_own_13_fixture_mojibake_level_i_and_contacts():
    page = lheo.parse(OWN_13.read_bytes(), "https://example.org/offre.xml")
    (offer,), rejects = chain(page, "lheo")
    assert rejects == [] and offer.title == "Pâtisserie : créations de saison"
    assert "Ã" not in dumped([offer]) and offer.extras["text_repaired"]["fields"][0] == "title"
    # niveau I of the 1969 nomenclature spans levels 7 and 8 of the 2019 framework: no single EQF level
    assert offer.level_raw.startswith("niveau I ") and offer.eqf_level is None
    (why,) = [e for e in offer.explanations if e.field == "eqf_level"]
    assert why.rule == "eqf.not_inferred" and "7 and 8" in why.note
    assert "[contact]" in offer.description and "[phone]" in offer.description
    assert offer.extras["actions"][0]["price_hourly_ttc"] == "18" and offer.price_amount is None  # hourly only
    assert_no_personal(dumped([offer]), ["Irène Modèle", "Modèle", "04 78 00 00 50"], OWN_13.name)


def test_own_23_snapshot_versions_levels_runs_modes():
    page = lheo.parse(OWN_23.read_bytes(), URL)
    assert page.stats["lheo/version/2.3"] == 1 and page.stats["lheo/offers"] == 3
    offers, rejects = chain(page, "lheo")
    assert rejects == ["title: missing"]
    web, cap = offers
    assert (web.source_id, cap.source_id) == ("F-2026-004512", "F-2026-007731")
    assert web.level_raw == "Niveau 6" and web.extras["level_framework"] == "France CNCP"
    assert (web.eqf_level, web.eqf_flag) == (6, "inferred")
    assert (cap.eqf_level, cap.level_raw) == (3, "niveau V (CAP, BEP, CFPA du premier degré)")
    assert web.participation_form == "blended" and cap.participation_form == "on-site"
    assert web.languages == ["fr"] and cap.languages == []  # only stated teaching languages
    assert [r.run_id for r in web.runs] == ["S-2027-01", "S-2027-09"]
    assert str(web.runs[0].start_date) == "2027-01-11" and web.runs[1].start_date is None  # 20270900: a month
    assert page.stats["lheo/imprecise_dates"] == 1
    assert (web.price_amount, web.price_currency) == (4200, "EUR") and cap.price_amount is None  # 0: not a price
    assert (web.workload_hours_min, web.duration_weeks) == (350, 26)
    assert web.url == "https://www.of-exemple.example/formations/dev-web-front"
    assert web.provider == "OF Exemple Numérique" and web.provider_url == "https://www.of-exemple.example"
    assert web.extras["actions"][0]["places"] == [
        {"town": "Strasbourg", "postcode": "67000", "department": "67", "region": "44", "country": "FR"}
    ]
    assert web.extras["actions"][0]["funders"] == ["Collectivité territoriale - Conseil régional"]
    assert [o.text for o in web.learning_outcomes][0] == "Concevoir des interfaces web accessibles."
    assert_no_personal(
        dumped(offers),
        [
            "Camille Imaginaire",
            "Imaginaire",
            "Exemplaire",
            "Fictif",
            "03 88 00 00 10",
            "06 00 00 00 30",
            "03 88 00 00 20",
        ],
        OWN_23.name,
    )


def test_signatures_claim_only_the_lheo_root_in_its_namespace():
    assert xml_signature("{http://www.lheo.org/1.3.0}lheo") == "lheo_1_3"
    assert xml_signature("{http://lheo.gouv.fr/2.3}lheo") == "lheo_2_3"
    assert xml_signature("{http://lheo.gouv.fr/2.3}offres") is None and xml_signature("lheo") is None
    page = lheo.parse(
        b"<lheo><offres><formation numero='1'><intitule-formation>X</intitule-formation></formation></offres></lheo>",
        "u",
    )
    assert page.stats["lheo/version/unsigned"] == 1 and page.items[0]["title"] == "X"


def test_lheo_plus_wrapper_and_a_summary_contact_are_read_safely():
    body = (
        '<lheo-plus><lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="P1">'
        "<intitule-formation>Soudure TIG</intitule-formation>"
        "<contenu-formation>Appeler Alix Témoin pour un rendez-vous.</contenu-formation>"
        "<contact-formation><coordonnees><nom>Témoin</nom><prenom>Alix</prenom></coordonnees></contact-formation>"
        "</formation></offres></lheo></lheo-plus>"
    ).encode()
    page = lheo.parse(body, URL)
    assert page.stats["lheo/version/2.3"] == 1 and page.items[0]["source_id"] == "P1"
    assert page.items[0]["description"] == "Appeler [contact] pour un rendez-vous."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'<?xml version="1.0"?><lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation>', "malformed XML"),
        (b"<html><body>Erreur 500</body></html>", "HTML"),
        (b'<?xml version="1.0"?><catalog xmlns="http://xcri.org/profiles/1.2/catalog"/>', "expected an <lheo>"),
        (b"", "empty"),
    ],
)
def test_bad_documents_are_one_line_errors(body, message):
    with pytest.raises(ParseError, match=message) as err:
        lheo.parse(body, URL)
    assert "\n" not in str(err.value)


def test_empty_offers_duplicates_and_a_broken_record():
    empty = lheo.parse(b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>', URL)
    assert empty.items == [] and empty.stats["errors/empty_results"] == 1
    one = b"<formation numero='F1'><intitule-formation>A</intitule-formation></formation>"
    page = lheo.parse(b'<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>' + one + one + b"</offres></lheo>", URL)
    assert len(page.items) == 1 and [r.reason for r in page.rejects] == [
        "source_id: duplicate offer number in one document"
    ]
    assert all(r.raw is None for r in page.rejects)  # a reject never carries the record (contacts) along


def test_snapshot_crawl_lands_no_contact_data(snapshot_run):
    run = snapshot_run("lheo")
    assert run["summary"]["status"] == "ok"
    assert sorted(o["source_id"] for o in run["offers"]) == ["F-2026-004512", "F-2026-007731"]
    assert {o["country"] for o in run["offers"]} == {"FR"}
    landed = Path(run["summary"]["dir"])
    lines = (landed / "offers.jsonl").read_text(encoding="utf-8") + (landed / "rejects.jsonl").read_text(
        encoding="utf-8"
    )
    assert "title: missing" in lines  # the draft offer's reject is landed too, scrubbed like the offers
    assert_no_personal(
        lines,
        ["Camille", "Imaginaire", "Dominique", "Exemplaire", "Sacha", "Provisoire", "06 00 00 00 60", "03 88 00 00 10"],
        "landing",
    )
