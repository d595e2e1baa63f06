"""ELM credentials (issue #13): a credential's offer is the specification its achievement is specified by, never the
learner, never an empty stub; the Europass XML before ELM 3 (EDCI credentials, QDR datasets) is read the same way."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.parsers import dispatch, elm
from scrapers.parsers.base import ParseError
from tests.scrapers.conftest import FIXTURES, chain

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "elm"
CREDENTIAL = FIXTURES / "elm" / "credential_stub_opportunity.jsonld"
EDCI = FIXTURES / "elm" / "europass_credential.xml"
QDR = FIXTURES / "elm" / "qdr_learning_opportunities.xml"
SNB = "http://data.europa.eu/snb"


def _doc() -> dict:
    return json.loads(CREDENTIAL.read_text(encoding="utf-8"))


def _claim(doc: dict) -> dict:
    return doc["credentialSubject"]["hasClaim"][0]


def _parse(doc: dict):
    return elm.parse(json.dumps(doc).encode(), "https://example.org/credential.jsonld")


def _everything(page, offers) -> str:
    """All an offer or a reject could land: offers as the chain writes them, reject reasons and raw copies."""
    rejects = [{"id": r.source_id, "reason": r.reason, "raw": r.raw} for r in page.rejects]
    return json.dumps([o.model_dump(mode="json") for o in offers] + rejects, ensure_ascii=False)


def test_credential_offer_is_the_specification_its_achievement_is_specified_by():
    doc = _doc()
    spec = _claim(doc)["specifiedBy"]
    page = elm.parse(CREDENTIAL.read_bytes(), "u")
    (offer,), refused = chain(page, "elm")
    assert refused == []
    assert offer.source_id == spec["id"] and offer.title == spec["title"]["en"] and offer.titles == spec["title"]
    assert offer.ects == float(spec["creditPoint"]["point"]) and offer.ects_flag == "given"
    assert offer.eqf_level == int(spec["eqfLevel"]["id"].rsplit("/", 1)[1]) and offer.eqf_flag == "given"
    assert offer.languages == ["nl", "en"] and offer.participation_form == "blended"
    assert offer.workload_hours_min == offer.workload_hours_max == 100
    assert offer.prerequisites == spec["entryRequirement"]["noteLiteral"]["en"]
    assert [o.text for o in offer.learning_outcomes] == [lo["title"]["en"] for lo in spec["learningOutcome"]]
    related = [lo["relatedESCOSkill"] for lo in spec["learningOutcome"]]
    skills = [s["id"] for r in related for s in (r if isinstance(r, list) else [r])]
    assert [u for o in offer.learning_outcomes for u in o.esco_uris] == skills
    assert (offer.provider, offer.country, offer.provider_url) == (
        doc["issuer"]["legalName"]["en"],
        "NL",
        doc["issuer"]["homepage"]["contentURL"],
    )
    # the assessment is named by its specification, not by the learner's assessment claim
    assert offer.assessment == _claim(doc)["provenBy"]["specifiedBy"]["title"]["en"]
    # a part of the specification stays a part: listed, not an offer of its own
    assert offer.extras["has_part"] == [_claim(doc)["hasPart"]["specifiedBy"]["id"]]


def test_stub_opportunity_is_rejected_with_a_reason_and_specs_are_offered_once():
    doc = _doc()
    stub = _claim(doc)["influencedBy"]["learningOpportunity"]
    page = elm.parse(CREDENTIAL.read_bytes(), "u")
    assert [i["source_id"] for i in page.items] == [_claim(doc)["specifiedBy"]["id"]]
    assert all(i["title"] != stub["title"]["en"] for i in page.items)
    (reject,) = page.rejects
    assert reject.source_id == stub["id"] and "stub learning opportunity" in reject.reason
    # the specification is reached by two achievements and by the credential's own learning opportunity: one offer
    assert page.stats["elm/deduplicated"] == 1 and page.stats["elm/offers"] == 1


def test_offers_never_carry_the_learners_personal_data():
    doc = _doc()
    subject = doc["credentialSubject"]
    personal = [
        subject["fullName"]["en"],
        subject["familyName"]["en"],
        subject["dateOfBirth"][:10],
        subject["nationalId"]["notation"],
        subject["contactPoint"]["emailAddress"]["id"].removeprefix("mailto:"),
        _claim(doc)["awardedBy"]["awardingDate"][:10],  # the issue date belongs to the credential
        _claim(doc)["provenBy"]["grade"]["noteLiteral"]["en"],  # and so does the grade
        _claim(doc)["provenBy"]["title"]["en"],
        _claim(doc)["influencedBy"]["temporal"]["startDate"][:10],  # the learner's own attendance
    ]
    page = elm.parse(CREDENTIAL.read_bytes(), "u")
    dumped = _everything(page, chain(page, "elm")[0])
    assert [p for p in personal if p in dumped] == []
    edci = elm.parse(EDCI.read_bytes(), "u")
    dumped = _everything(edci, chain(edci, "elm")[0])
    for value in ("Lorenzo", "Testabianca", "1998-11-04", "IT-TEST-5521907", "lorenzo.testabianca", "28/30", "2024-07"):
        assert value not in dumped


@pytest.mark.skipif(not (CORPUS / "Sample-MC-Annex1-unsigned.jsonld").exists(), reason="corpus not present")
def test_real_credential_sample_keeps_its_learner_out():
    path = CORPUS / "Sample-MC-Annex1-unsigned.jsonld"
    subject = json.loads(path.read_text(encoding="utf-8"))["credentialSubject"]
    page = elm.parse(path.read_bytes(), path.as_uri())
    offers, refused = chain(page, "elm")
    assert len(offers) == 1 and refused == [] and page.rejects == []
    dumped = _everything(page, offers)
    for value in (subject["fullName"]["en"], subject["dateOfBirth"][:10], subject["nationalID"]["notation"]):
        assert value not in dumped
    assert subject["contactPoint"]["emailAddress"]["id"].removeprefix("mailto:") not in dumped


def test_an_offer_that_would_name_the_learner_is_rejected():
    doc = _doc()
    spec = _claim(doc)["specifiedBy"]
    spec["description"] = {"en": f"Prepared for {doc['credentialSubject']['fullName']['en']}."}
    page = _parse(doc)
    assert page.items == []
    assert [r.reason.split(":")[0] for r in page.rejects if r.source_id == spec["id"]] == ["privacy"]
    assert doc["credentialSubject"]["fullName"]["en"] not in json.dumps([r.reason for r in page.rejects])


def test_achievement_specified_outside_the_document_is_a_reject_not_an_offer():
    doc = _doc()
    claim = _claim(doc)
    claim["specifiedBy"] = {"id": "https://qdr.example.eu/qualification/42"}
    del claim["learningOpportunity"]
    doc["credentialSubject"]["hasClaim"] = [claim]
    page = _parse(doc)
    assert page.items == []
    reasons = [r.reason for r in page.rejects]
    assert any(r.startswith("specification:") and "qualification/42" in r for r in reasons)


def test_europass_credential_xml_reads_text_language_maps():
    page = elm.parse(EDCI.read_bytes(), "u")
    (offer,), refused = chain(page, "elm")
    assert refused == [] and page.rejects == [] and page.stats["elm/format/europass_credential"] == 1
    assert offer.source_id == "urn:epass:qualification:1"
    assert offer.titles == {
        "en": "Data Literacy for Public Administration",
        "it": "Alfabetizzazione ai dati per la pubblica amministrazione",
    }
    assert (offer.provider, offer.country, offer.provider_url) == (
        "Università degli Studi di Esempio",
        "IT",
        "https://www.uni-esempio.example",
    )
    assert (offer.ects, offer.ects_flag, offer.eqf_level, offer.languages) == (3, "given", 6, ["it"])
    assert offer.participation_form == "online" and offer.workload_hours_min == 75
    assert offer.prerequisites == "Employment in a public administration."
    assert [o.text for o in offer.learning_outcomes] == [
        "Clean and document a public dataset for publication",
        "Interpret official statistics",
    ]
    assert offer.learning_outcomes[0].esco_uris == [
        "http://data.europa.eu/esco/skill/0ad6d5e8-593f-4191-843c-439b23a468ca"
    ]
    assert offer.subjects == ["Management and administration"] and offer.assessment == "Open data project"


def test_qdr_learning_opportunities_xml():
    page = elm.parse(QDR.read_bytes(), "u")
    (ml, dp), refused = chain(page, "elm")
    assert refused == [] and page.stats["elm/format/europass_qdr"] == 1
    assert ml.titles == {"de": "Grundlagen des maschinellen Lernens", "en": "Machine Learning Basics"}
    assert (ml.provider, ml.country, ml.ects, ml.languages) == ("Hochschule Beispielstadt", "DE", 5, ["en", "de"])
    assert (ml.price_amount, ml.price_currency, ml.duration_weeks, ml.workload_hours_min) == (490, "EUR", 12, 125)
    assert str(ml.runs[0].start_date) == "2026-04-13" and ml.url.endswith("/weiterbildung/ml-grundlagen")
    assert ml.learning_outcomes[0].esco_uris == [
        "http://data.europa.eu/esco/skill/0e78d9c9-7c3c-4c5c-82cb-205c16edbcb8"
    ]
    assert (dp.title, dp.ects, dp.eqf_level, dp.participation_form) == (
        "Datenschutzbeauftragte im Unternehmen",
        6,
        6,
        "blended",
    )
    assert [o.text for o in dp.learning_outcomes] == ["Carry out data protection impact assessments"]
    assert dp.prerequisites == "Erste Berufserfahrung im Datenschutz."
    (stub,) = page.rejects
    assert stub.source_id.endswith("/lo/infoabend") and "stub learning opportunity" in stub.reason


LOQ_WITH_STUB = b"""<?xml version="1.0" encoding="UTF-8"?>
<Courses xmlns="http://data.europa.eu/snb/model/ap/loq-constraints/" xsdVersion="3.1.0">
  <learningOpportunityReferences>
    <learningOpportunity id="http://data.example.eu/lo/1">
      <title language="en">Welding Inspection Basics</title>
      <learningAchievementSpecification idref="http://data.example.eu/q/1"/>
    </learningOpportunity>
    <learningOpportunity id="http://data.example.eu/lo/stub">
      <title language="en">The learning Opportunity</title>
    </learningOpportunity>
  </learningOpportunityReferences>
  <learningAchievementSpecificationReferences>
    <qualification id="http://data.example.eu/q/1">
      <title language="en">Welding Inspection Basics</title>
      <volumeOfLearning>PT40H</volumeOfLearning>
      <EQFLevel uri="http://data.europa.eu/snb/eqf/4"/>
    </qualification>
  </learningAchievementSpecificationReferences>
</Courses>"""


def test_loq_stub_opportunity_is_rejected_not_emitted():
    page = elm.parse(LOQ_WITH_STUB, "u")
    assert [i["source_id"] for i in page.items] == ["http://data.example.eu/lo/1"]
    assert page.items[0]["eqf_level"] == 4 and page.stats["elm/format/loq_xml"] == 1
    (reject,) = page.rejects
    assert reject.source_id == "http://data.example.eu/lo/stub" and reject.reason.startswith("record: stub")


@pytest.mark.parametrize(
    ("tag", "claimed"),
    [
        (f"{{{SNB}}}europassCredential", "europass_credential"),
        ("{http://data.europa.eu/europass/model/credentials#}europassCredential", "europass_credential"),
        (f"{{{SNB}/}}learningOpportunities", "europass_qdr"),
        (f"{{{SNB}}}learningOpportunities", "europass_qdr"),
        ("europassCredential", None),  # no namespace: no signature
        ("{http://example.org/other}europassCredential", None),
        (f"{{{SNB}}}Courses", None),
        ("{http://data.europa.eu/snb/model/ap/loq-constraints/}Courses", None),  # ELM 3 LOQ: read as before
        (f"{{{SNB}}}learningOpportunity", None),
        ("root", None),
    ],
)
def test_europass_xml_is_claimed_only_on_its_signature(tag, claimed):
    assert dispatch.xml_signature(tag) == claimed


def test_a_look_alike_without_the_namespace_is_not_read_as_europass():
    body = EDCI.read_bytes().replace(b' xmlns="http://data.europa.eu/snb"', b"")
    page = elm.parse(body, "u")
    assert "elm/format/europass_credential" not in page.stats and page.stats["elm/format/loq_xml"] == 1


def test_contact_persons_of_a_dataset_are_dropped_without_refusing_the_offer():
    doc = {
        "@graph": [
            {
                "id": "https://data.example.eu/lo/7",
                "type": "LearningOpportunity",
                "title": {"en": "Soil Science for Farmers"},
                "description": {"en": "Taught by Dr Imke Fantasia-Probe with field visits."},
                "contactPoint": {"id": "https://data.example.eu/person/3"},
                "learningAchievementSpecification": {"id": "https://data.example.eu/las/7"},
            },
            {
                "id": "https://data.example.eu/las/7",
                "type": "LearningAchievementSpecification",
                "volumeOfLearning": "PT30H",
            },
            {
                "id": "https://data.example.eu/person/3",
                "type": "Person",
                "fullName": {"en": "Dr Imke Fantasia-Probe"},
                "contactPoint": {
                    "id": "urn:cp:3",
                    "type": "ContactPoint",
                    "emailAddress": {"id": "mailto:imke@example.eu"},
                },
            },
        ]
    }
    page = elm.parse(json.dumps(doc).encode(), "u")
    (item,) = page.items
    assert page.rejects == [] and item["workload_raw"] == "PT30H"
    assert "imke@example.eu" not in json.dumps(page.items)


def test_credential_without_an_achievement_says_why_it_gives_no_offer():
    doc = _doc()
    activity = _claim(doc)["influencedBy"]
    del activity["learningOpportunity"]
    doc["credentialSubject"]["hasClaim"] = [activity]
    with pytest.raises(ParseError, match="no learning opportunity, qualification"):
        _parse(doc)
    # EDCI: the qualification is described, but no achievement of the learner is specified by it
    xml = EDCI.read_bytes()
    body = xml[: xml.index(b"<achievements>")] + xml[xml.index(b"</achievements>") + len(b"</achievements>") :]
    page = elm.parse(body, "u")
    assert page.items == [] and [r.reason.split(":")[0] for r in page.rejects] == ["specification"]


@settings(max_examples=40, deadline=timedelta(seconds=3), derandomize=True, database=None)
@given(data=st.data())
def test_damaged_europass_xml_is_a_parse_error_or_a_page(data):
    """The property every parser keeps (test_parser_properties), on the formats only a signature reaches."""
    body = data.draw(st.sampled_from([EDCI.read_bytes(), QDR.read_bytes()]), label="seed")
    cut = body[: data.draw(st.integers(0, len(body)), label="cut")]
    if data.draw(st.booleans(), label="flip") and cut:
        at = data.draw(st.integers(0, len(cut) - 1), label="at")
        cut = cut[:at] + data.draw(st.binary(min_size=1, max_size=8), label="junk") + cut[at + 1 :]
    try:
        page = elm.parse(cut, "u")
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    chain(page, "elm")
    assert all(r.reason for r in page.rejects)


def test_deep_europass_xml_is_one_parse_error():
    depth = 5000
    body = f'<europassCredential xmlns="{SNB}">'.encode() + b"<a>" * depth + b"</a>" * depth + b"</europassCredential>"
    with pytest.raises(ParseError) as err:
        elm.parse(body, "u")
    assert "\n" not in str(err.value)
