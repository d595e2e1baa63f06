"""CDM-fr: Université de Strasbourg's real export (../shared/corpus/cdm_fr) and our own snapshot (a programme with
its member courses, texts in French and English), persons never stored (landed lines included), bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from scrapers.parsers import cdm_fr
from scrapers.parsers.base import ParseError
from scrapers.parsers.dispatch import xml_signature
from tests.scrapers.conftest import SNAPSHOT, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "cdm_fr"
REAL = CORPUS / "unistra_program-cdm-fr_licence-anglais.xml"
OWN = SNAPSHOT / "cdm_fr_unistra" / "offre-cdm-fr.xml"
URL = "https://formations.unistra.fr/cdm/offre-de-formation-cdm-fr.xml"
CDM = "http://cdm-fr.fr/2006/CDM-frSchema"


def personal_values(path: Path) -> list[str]:
    """Every person's name, phone and e-mail in a CDM-fr file, and every e-mail and phone written into its texts."""
    root = etree.parse(str(path)).getroot()
    found: set[str] = set()
    for person in root.iter(f"{{{CDM}}}person"):
        for el in person.iter(f"{{{CDM}}}given", f"{{{CDM}}}family", f"{{{CDM}}}telephone", f"{{{CDM}}}email"):
            if (el.text or "").strip():
                found.add(el.text.strip())
    for el in root.iter(f"{{{CDM}}}email"):
        found.add((el.text or "").strip())
    text = " ".join(root.itertext())
    found |= set(re.findall(r"(?:\+33\s?\(0\)\s?|0)\d(?:[ .]?\d{2}){4}", text))
    return sorted(v for v in found if v)


def assert_no_personal(text: str, values: list[str], where: str) -> None:
    for value in values:
        assert not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text), f"{where}: {value!r} stored"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), f"{where}: an e-mail address is stored"


def test_the_universitys_real_export():
    if not REAL.exists():
        pytest.skip("../shared/corpus/cdm_fr is not present")
    page = cdm_fr.parse(REAL.read_bytes(), REAL.as_uri())
    assert page.stats["cdm_fr/profile/cdm-fr"] == 1 and page.stats["cdm_fr/persons_not_read"] == 1
    offers, rejects = chain(page, "cdm_fr")
    assert rejects == [] and page.rejects == [] and len(offers) == 1
    (licence,) = offers
    assert licence.source_id == "FR_RNE_0673021V_PR_LV203_231" and licence.title == "Licence Anglais"
    assert licence.titles == {"fr": "Licence Anglais"} and licence.title_lang == "fr"
    assert licence.extras["name_variants"] == {"fr-FR-MTP": "LSNS ANKL", "fr-FR-TRL": "licence anglais"}
    assert licence.provider == "UNIVERSITÉ DE STRASBOURG" and licence.extras["provider_code"] == "0673021V"
    assert licence.extras["component"] == "Faculté Langues et Cultures étrangères"
    assert (licence.level_raw, licence.eqf_level, licence.eqf_flag) == ("Licence", 6, "inferred")
    assert licence.participation_form == "on-site" and licence.assessment == "Contrôle continu"
    assert [o.lang for o in licence.learning_outcomes] == ["fr"] * 5
    assert licence.subjects == [
        "Arts, Lettres, Langues",
        "Langues, littératures et civilisations etrangères",
        "Anglais",
    ]
    assert licence.extras["offer_type"] == "programme" and "further_studies" in licence.extras["qualification"]
    # contact lines of the information block are dropped, the rest kept
    assert page.stats["cdm_fr/contact_blocks_dropped"] == 7
    assert licence.extras["information"]["fr"].startswith("Secrétariat pédagogique")
    dumped = json.dumps(licence.model_dump(mode="json"), ensure_ascii=False)
    values = personal_values(REAL)
    assert len(values) >= 10  # names, phones and e-mails in persons and in the texts
    assert_no_personal(dumped, values + ["Michaël Choffat", "Claudie Lotz", "Choffat", "Lotz"], REAL.name)


def test_own_snapshot_programme_members_and_languages():
    page = cdm_fr.parse(OWN.read_bytes(), URL)
    assert page.stats["cdm_fr/programs"] == 1 and page.stats["cdm_fr/courses"] == 3
    offers, rejects = chain(page, "cdm_fr")
    assert rejects == ["title: missing"]  # the course without a name
    du, metadata, edition = offers
    assert du.title == "University diploma in Digital Humanities" and du.title_lang == "en"
    assert du.titles == {
        "fr": "Diplôme d'université Humanités numériques",
        "en": "University diploma in Digital Humanities",
    }
    assert du.extras["descriptions"].keys() == {"fr", "en"} and du.description.startswith("This university diploma")
    assert {(o.lang, o.text) for o in du.learning_outcomes} >= {
        ("fr", "Décrire un corpus avec des métadonnées normalisées."),
        ("en", "Describe a collection with standard metadata."),
    }
    assert du.languages == ["fr", "en"] and (du.ects, du.ects_flag) == (10, "given") and du.duration_weeks == 26
    assert du.participation_form == "blended" and du.certificate_type == "Diplôme d'université"
    assert du.extras["offer_type"] == "programme" and du.extras["member_courses"] == [
        {"id": "FR_RNE_0673021V_CO_HN1", "title": "Metadata and text encoding"},
        {"id": "FR_RNE_0673021V_CO_HN2", "title": "Édition numérique et publication en ligne"},
    ]
    assert du.stackability.endswith("Metadata and text encoding; Édition numérique et publication en ligne")
    assert du.extras["component"] == "Service de formation continue" and du.provider == "Université de Strasbourg"
    assert du.url == "https://sfc.unistra.fr/formations/du-humanites-numeriques"
    assert du.extras["information"] == {"fr": "Calendrier : de janvier à juin, deux jours par mois."}
    assert metadata.part_of == edition.part_of == ["FR_RNE_0673021V_PR_DU_HUMNUM"]
    assert metadata.languages == ["en"] and metadata.participation_form == "online" and metadata.ects == 4
    assert [o.lang for o in metadata.learning_outcomes] == ["en", "en"]
    assert edition.participation_form == "on-site" and edition.learning_outcomes[0].text.startswith("Choisir")
    assert "[contact]" in metadata.extras["descriptions"]["fr"]  # a person named in prose
    assert_no_personal(
        json.dumps([o.model_dump(mode="json") for o in offers], ensure_ascii=False),
        personal_values(OWN) + ["Élodie Fictive", "Gaspard Exemplaire", "Fictive", "Exemplaire"],
        OWN.name,
    )


def test_signature_and_bad_documents():
    assert xml_signature(f"{{{CDM}}}CDM") == "cdm_fr" and xml_signature(f"{{{CDM}}}program") is None
    unsigned = cdm_fr.parse(b"<CDM><program id='P'><programName><text>Prog</text></programName></program></CDM>", "u")
    assert unsigned.stats["cdm_fr/profile/unsigned"] == 1 and unsigned.items[0]["title"] == "Prog"
    empty = cdm_fr.parse(f'<CDM xmlns="{CDM}"><orgUnit id="O"/></CDM>'.encode(), "u")
    assert empty.items == [] and empty.stats["errors/empty_results"] == 1
    twice = f'<CDM xmlns="{CDM}"><course id="C"/><course id="C"/></CDM>'.encode()
    assert [r.reason for r in cdm_fr.parse(twice, "u").rejects] == ["source_id: duplicate id in one document"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f'<?xml version="1.0"?><CDM xmlns="{CDM}"><program>'.encode(), "malformed XML"),
        (b"<html><body>Not found</body></html>", "HTML"),
        (b'<?xml version="1.0"?><lheo xmlns="http://lheo.gouv.fr/2.3"/>', "expected a <CDM>"),
        (b"", "empty"),
    ],
)
def test_bad_input_is_one_line(body, message):
    with pytest.raises(ParseError, match=message) as err:
        cdm_fr.parse(body, URL)
    assert "\n" not in str(err.value)


def test_snapshot_crawl_lands_no_person(snapshot_run):
    run = snapshot_run("cdm_fr_unistra")
    assert run["summary"]["status"] == "ok" and len(run["offers"]) == 3
    landed = Path(run["summary"]["dir"])
    lines = (landed / "offers.jsonl").read_text(encoding="utf-8") + (landed / "rejects.jsonl").read_text(
        encoding="utf-8"
    )
    assert "title: missing" in lines
    assert_no_personal(lines, personal_values(OWN) + ["Fictive", "Exemplaire"], "landing")
