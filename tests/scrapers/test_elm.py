"""European Learning Model: every real file in ../shared/corpus/elm, our own datasets, expanded JSON-LD, bad input."""

import json
from pathlib import Path

import pytest
from lxml import etree

from scrapers.parsers import elm
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES, SNAPSHOT, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "elm"


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".xml", ".jsonld", ".json")) if CORPUS.is_dir() else []


def _expected(path: Path) -> int:
    """Learning opportunities in the document, or (none) its top-level qualification specifications."""
    if path.suffix == ".xml":
        root = etree.parse(str(path)).getroot()
        return sum(
            1
            for e in root.iter()
            if isinstance(e.tag, str) and etree.QName(e).localname == "learningOpportunity" and e.get("id")
        )
    text = path.read_text(encoding="utf-8")
    return text.count('"type":"LearningOpportunity"') or text.count('"type":"Qualification"')


@pytest.mark.skipif(not _corpus_files(), reason="../shared/corpus/elm is not present")
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_real_elm_file(path: Path):
    page = elm.parse(path.read_bytes(), path.as_uri())
    offers, rejects = chain(page, "elm")
    assert rejects == [] and page.rejects == [] and len(offers) == _expected(path) > 0
    for offer in offers:
        assert offer.title and offer.provider and offer.learning_outcomes
    dumped = json.dumps([o.model_dump(mode="json") for o in offers], ensure_ascii=False)
    # a credential's learner never reaches an offer
    for personal in ("Andromeda", "ana.andromeda", "dateOfBirth", "1999-10-01", "LA-234218"):
        assert personal not in dumped


def test_credential_sample_gives_the_specification_as_offer():
    path = CORPUS / "Sample-MC-Annex1-unsigned.jsonld"
    if not path.exists():
        pytest.skip("../shared/corpus/elm is not present")
    data = json.loads(path.read_text(encoding="utf-8"))
    spec = data["credentialSubject"]["hasClaim"]["specifiedBy"]
    offer = chain(elm.parse(path.read_bytes(), "u"), "elm")[0][0]
    assert offer.title == spec["title"]["en"] and offer.source_id == spec["id"]
    assert offer.ects == float(spec["creditPoint"]["point"]) and offer.ects_flag == "given"
    assert offer.eqf_level == int(spec["eqfLevel"]["id"].rsplit("/", 1)[1]) and offer.eqf_flag == "given"
    esco = [
        s["id"]
        for lo in spec["learningOutcome"]
        for s in (lo["relatedESCOSkill"] if isinstance(lo["relatedESCOSkill"], list) else [lo["relatedESCOSkill"]])
    ]
    assert [u for o in offer.learning_outcomes for u in o.esco_uris] == esco
    assert offer.provider == "University of Zed" and offer.country == "IE" and offer.languages == ["en"]
    assert offer.participation_form == "blended" and offer.workload_hours_min == 60


def test_loq_xml_references_are_resolved():
    path = CORPUS / "loq.xml"
    if not path.exists():
        pytest.skip("../shared/corpus/elm is not present")
    root = etree.parse(str(path)).getroot()
    ns = "{http://data.europa.eu/snb/model/ap/loq-constraints/}"
    opp = root.find(f".//{ns}learningOpportunity")
    q_id = opp.find(f"{ns}learningAchievementSpecification").get("idref")
    qual = next(q for q in root.iter(f"{ns}qualification") if q.get("id") == q_id)
    lo_titles = []
    for ref in qual.findall(f"{ns}learningOutcome"):
        lo = next(x for x in root.iter(f"{ns}learningOutcome") if x.get("id") == ref.get("idref"))
        lo_titles.append(next(t.text for t in lo.findall(f"{ns}title") if t.get("language") == "en"))
    item = elm.parse(path.read_bytes(), "u").items[0]
    assert item["source_id"] == opp.get("id") and item["extras"]["specification_id"] == q_id
    assert [o["text"] for o in item["learning_outcomes"]] == lo_titles
    assert item["eqf_level"] == int(qual.find(f"{ns}EQFLevel").get("uri").rsplit("/", 1)[1])
    assert item["titles"]["en"] == next(t.text for t in opp.findall(f"{ns}title") if t.get("language") == "en")


def test_own_datasets_both_serialisations():
    jsonld = chain(elm.parse((SNAPSHOT / "elm" / "um_microcredentials.jsonld").read_bytes(), "u"), "elm")[0]
    dsa, gi = jsonld
    assert (dsa.provider, dsa.country, dsa.ects, dsa.eqf_level) == ("University of Malta", "MT", 6, 6)
    assert dsa.price_amount == 350 and dsa.price_currency == "EUR" and dsa.languages == ["en", "mt"]
    assert dsa.learning_outcomes[0].esco_uris == [
        "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
    ]
    assert dsa.assessment == "Portfolio of three data reports" and str(dsa.runs[0].start_date) == "2026-10-05"
    assert gi.is_free and gi.languages == [] and gi.participation_form == "blended"  # mode label from its URI
    (tlu,) = chain(elm.parse((SNAPSHOT / "elm" / "tlu_loq.xml").read_bytes(), "u"), "elm")[0]
    assert (tlu.provider, tlu.country, tlu.ects, tlu.eqf_level, tlu.price_amount) == (
        "Tallinn University",
        "EE",
        3,
        6,
        240,
    )
    assert tlu.titles["et"] == "Digivahenditega õpetamine" and tlu.workload_hours_min == 78


def test_expanded_json_ld_is_read_like_compact():
    item = elm.parse((FIXTURES / "elm" / "expanded.jsonld").read_bytes(), "u").items[0]
    assert item["titles"] == {"en": "Applied Robotics", "de": "Angewandte Robotik"}
    assert (item["provider"], item["country"], item["ects"], item["eqf_level"], item["languages"]) == (
        "Beispiel Hochschule",
        "DE",
        2.5,
        5,
        ["de"],
    )


def test_duplicate_ids_are_rejected_and_unusable_prices_kept_aside():
    doc = json.loads((SNAPSHOT / "elm" / "um_microcredentials.jsonld").read_text(encoding="utf-8"))
    doc["@graph"][1]["id"] = doc["@graph"][0]["id"]
    doc["@graph"][0]["priceDetail"]["amount"]["unit"]["id"] = (
        "http://publications.europa.eu/resource/authority/currency/XXX"
    )
    page = elm.parse(json.dumps(doc).encode(), "u")
    assert len(page.items) == 1 and page.items[0]["extras"]["price_unusable"] == "350 XXX"
    assert "price_amount" not in page.items[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"@graph": [{"id": "x", "type": "LearningOpportunity"', "malformed JSON"),
        (b"<Courses><learningOpportunityReferences><learningOpportunity id='a'>", "malformed XML"),
        (b'{"@context": "https://schema.org", "@type": "Course", "name": "x"}', "no learning opportunity"),
        (b"<html><body>Europass is down</body></html>", "HTML"),
    ],
)
def test_bad_documents_are_one_line_errors(body, message):
    with pytest.raises(ParseError, match=message) as err:
        elm.parse(body, "u")
    assert "\n" not in str(err.value)


def test_snapshot_crawl_loads_several_countries(snapshot_run):
    run = snapshot_run("elm")
    assert run["summary"]["status"] == "ok" and {o["country"] for o in run["offers"]} == {"MT", "EE"}
