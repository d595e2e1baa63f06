"""Offers as European Learning Model (ELM v3) learning opportunities, in JSON-LD.

The shape follows the Commission's LOQ application profile (SHACL shapes `LOQ-constraints.ttl`): a
`LearningOpportunity` carries title, description, homepage, `providedBy` (an `Organisation` with `legalName` and
`location/address/countryCode`), mode, default language, `priceDetail/amount`, duration and period; what the learner
achieves sits in its `learningAchievementSpecification`, a `Qualification` (the class the EU's micro-credential
sample uses, and the only one that may carry `EQFLevel`) with learning outcomes (`relatedESCOSkill`), credit points,
volume of learning, languages, mode, ISCED-F fields and entry requirements.

The key names are those of the official ELM JSON-LD context (`eqfLevel`, `creditPoint`, `relatedESCOSkill`...), but
the context is written inline, because the official one cannot be fetched offline: any JSON-LD processor expands the
file to the ELM IRIs (http://data.europa.eu/snb/model/elm/...) without a network.

Controlled vocabularies: EQF levels, the ECTS credit framework, the learning-assessment scheme and the "Blended"
mode use the identifiers seen in the Commission's own samples; countries, languages and currencies use the EU
Publications Office authority tables (ISO alpha-3 codes); ISCED-F fields use the ELM ISCED-F scheme. Online and
on-site modes are labelled concepts of the learning-assessment scheme without an IRI, since their identifiers
could not be verified offline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import pycountry

ELM = "http://data.europa.eu/snb/model/elm/"
AUTHORITY = "http://publications.europa.eu/resource/authority/"
SNB = "http://data.europa.eu/snb/"
ESCO_SKILLS_SCHEME = "http://data.europa.eu/esco/concept-scheme/skills"
ECTS = SNB + "education-credit/6fcec5c5af"
MODE_SCHEME = SNB + "learning-assessment/25831c2"
# Only identifiers confirmed by the Commission's published samples; the others are labelled concepts.
MODE_IRIS = {"blended": SNB + "learning-assessment/e92d221e4d"}
MODE_LABELS = {"online": "Online", "blended": "Blended", "on-site": "Face-to-face"}

CONTEXT: dict[str, Any] = {
    "id": "@id",
    "type": "@type",
    "elm": ELM,
    "dc": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "adms": "http://www.w3.org/ns/adms#",
    "rov": "http://www.w3.org/ns/regorg#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    # classes
    "LearningOpportunity": "elm:LearningOpportunity",
    "Qualification": "elm:Qualification",
    "LearningOutcome": "elm:LearningOutcome",
    "Organisation": "elm:Organisation",
    "Location": "dc:Location",
    "Address": "elm:Address",
    "Concept": "skos:Concept",
    "ConceptScheme": "skos:ConceptScheme",
    "CreditPoint": "elm:CreditPoint",
    "PriceDetail": "elm:PriceDetail",
    "Amount": "elm:Amount",
    "WebResource": "elm:WebResource",
    "Note": "elm:Note",
    "Identifier": "elm:Identifier",
    "PeriodOfTime": "dc:PeriodOfTime",
    # language-tagged texts
    "title": {"@id": "dc:title", "@container": "@language"},
    "description": {"@id": "dc:description", "@container": "@language"},
    "legalName": {"@id": "rov:legalName", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "noteLiteral": {"@id": "elm:noteLiteral", "@container": "@language"},
    # links and values
    "identifier": "adms:identifier",
    "notation": "skos:notation",
    "schemeName": "elm:schemeName",
    "inScheme": "skos:inScheme",
    "homepage": "foaf:homepage",
    "contentUrl": {"@id": "elm:contentUrl", "@type": "xsd:anyURI"},
    "providedBy": "elm:providedBy",
    "location": "elm:location",
    "address": "elm:address",
    "countryCode": "elm:countryCode",
    "mode": "elm:mode",
    "language": "dc:language",
    "defaultLanguage": "elm:defaultLanguage",
    "priceDetail": "elm:priceDetail",
    "amount": "elm:amount",
    "unit": "elm:unit",
    "value": {"@id": "rdf:value", "@type": "xsd:decimal"},
    "duration": {"@id": "elm:duration", "@type": "xsd:duration"},
    "temporal": "dc:temporal",
    "startDate": {"@id": "elm:startDate", "@type": "xsd:dateTime"},
    "endDate": {"@id": "elm:endDate", "@type": "xsd:dateTime"},
    "learningAchievementSpecification": "elm:learningAchievementSpecification",
    "learningOutcome": "elm:learningOutcome",
    "relatedESCOSkill": "elm:relatedESCOSkill",
    "creditPoint": "elm:creditPoint",
    "framework": "elm:framework",
    "point": "elm:point",
    "eqfLevel": "elm:EQFLevel",
    "volumeOfLearning": {"@id": "elm:volumeOfLearning", "@type": "xsd:duration"},
    "ISCEDFCode": "elm:ISCEDFCode",
    "entryRequirement": "elm:entryRequirement",
    "additionalNote": "elm:additionalNote",
    "modified": {"@id": "dc:modified", "@type": "xsd:dateTime"},
}

# Where each ELM element of the issue comes from (documented in the manifest and docs/export.md).
ELM_MAPPING = {
    "LearningOpportunity.title": "offers.titles / offers.title",
    "LearningOpportunity.description": "offers.description",
    "LearningOpportunity.homepage.contentUrl": "offers.url",
    "LearningOpportunity.providedBy (Organisation.legalName)": "offers.provider",
    "Organisation.location.address.countryCode": "offers.country (EU country authority, ISO alpha-3)",
    "LearningOpportunity.mode, Qualification.mode": "offers.participation_form",
    "LearningOpportunity.defaultLanguage, Qualification.language": "offers.languages (EU language authority)",
    "LearningOpportunity.priceDetail.amount (Amount.value, Amount.unit)": "offers.price_amount, offers.price_currency",
    "LearningOpportunity.duration": "offers.duration_weeks (as days)",
    "LearningOpportunity.temporal": "offers.runs[0].start_date / end_date",
    "Qualification.learningOutcome": "learning_outcomes.text / text_en",
    "LearningOutcome.relatedESCOSkill": "learning_outcomes.esco_uris and accepted outcome_skills",
    "Qualification.creditPoint (ECTS)": "offers.ects",
    "Qualification.eqfLevel": "offers.eqf_level",
    "Qualification.volumeOfLearning": "offers.workload_hours_max (or _min)",
    "Qualification.ISCEDFCode": "offers.isced_broad",
    "Qualification.entryRequirement": "offers.prerequisites",
    "Qualification.additionalNote": "offers.assessment, offers.quality_assurance, offers.workload_raw",
}


def _concept(iri: str | None, label: str | None, scheme: str | None, notation: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "Concept"}
    if iri:
        node["id"] = iri
    if scheme:
        node["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    if notation:
        node["notation"] = notation
    if label:
        node["prefLabel"] = {"en": label}
    return node


def country_concept(code: str) -> dict[str, Any] | None:
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return None
    return _concept(f"{AUTHORITY}country/{country.alpha_3}", country.name, f"{AUTHORITY}country", country.alpha_3)


def language_concept(code: str) -> dict[str, Any] | None:
    lang = pycountry.languages.get(alpha_2=code.lower())
    if lang is None:
        return None
    return _concept(
        f"{AUTHORITY}language/{lang.alpha_3.upper()}", lang.name, f"{AUTHORITY}language", lang.alpha_3.upper()
    )


def currency_concept(code: str) -> dict[str, Any]:
    cur = pycountry.currencies.get(alpha_3=code.upper())
    return _concept(
        f"{AUTHORITY}currency/{code.upper()}", cur.name if cur else None, f"{AUTHORITY}currency", code.upper()
    )


def mode_concept(form: str) -> dict[str, Any] | None:
    if form not in MODE_LABELS:
        return None
    return _concept(MODE_IRIS.get(form), MODE_LABELS[form], MODE_SCHEME)


def eqf_concept(level: int) -> dict[str, Any]:
    return _concept(f"{SNB}eqf/{level}", f"Level {level}", f"{SNB}eqf/25831c2")


def isced_concept(code: str) -> dict[str, Any]:
    return _concept(f"{SNB}isced-f/{code}", None, f"{SNB}isced-f/25831c2", code)


def esco_concept(uri: str, label: str | None) -> dict[str, Any]:
    return _concept(uri, label, ESCO_SKILLS_SCHEME)


def _number(value: float) -> str:
    """ELM points and amounts are decimal strings: 7.5 -> '7.5', 10.0 -> '10'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _hours(value: float) -> str:
    return f"PT{_number(value)}H"


def _lang_map(text: str | None, lang: str | None, fallback: str) -> dict[str, str] | None:
    if not text:
        return None
    return {(lang or fallback): text}


def _note(text: str, lang: str) -> dict[str, Any]:
    return {"type": "Note", "noteLiteral": {lang: text}}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    return list(value) if isinstance(value, list | tuple) else [value]


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def offer_iri(source: str, source_id: str) -> str:
    return f"urn:mcatlas:offer:{quote(source, safe='')}:{quote(source_id, safe='')}"


def web_resource(url: str) -> dict[str, Any]:
    """A web page, identified by its URL's hash so that the same page is one node wherever it appears."""
    return {
        "id": f"urn:mcatlas:webresource:{hashlib.sha1(url.encode()).hexdigest()[:16]}",
        "type": "WebResource",
        "contentUrl": url,
    }


def _datetime(day: Any) -> str | None:
    return f"{day}T00:00:00Z" if day else None


def _organisation(offer: dict[str, Any], lang: str) -> dict[str, Any]:
    """The provider as an ELM Organisation; its IRI hashes name and country, so one provider is one node."""
    org_key = f"{offer['provider']}|{offer.get('country') or ''}"
    org_iri = f"urn:mcatlas:organisation:{hashlib.sha1(org_key.encode()).hexdigest()[:16]}"
    org: dict[str, Any] = {"id": org_iri, "type": "Organisation", "legalName": {lang: offer["provider"]}}
    if offer.get("provider_url"):
        org["homepage"] = web_resource(offer["provider_url"])
    if offer.get("country") and (country := country_concept(offer["country"])):
        org["location"] = {
            "id": f"{org_iri}:location",
            "type": "Location",
            "address": {"id": f"{org_iri}:address", "type": "Address", "countryCode": country},
        }
    return org


def _price(offer: dict[str, Any], iri: str, lang: str) -> dict[str, Any] | None:
    """PriceDetail when the offer states an amount with its currency (or is free), else None."""
    if offer.get("price_amount") is None or not (offer.get("price_currency") or offer["price_amount"] == 0):
        return None
    amount: dict[str, Any] = {"type": "Amount", "value": _number(offer["price_amount"])}
    amount["unit"] = currency_concept(offer.get("price_currency") or "EUR")
    price: dict[str, Any] = {"id": f"{iri}:price", "type": "PriceDetail", "amount": amount}
    if offer.get("price_raw"):
        price["prefLabel"] = {lang: str(offer["price_raw"])}
    return price


def _period(offer: dict[str, Any]) -> dict[str, Any] | None:
    """The first dated run as a PeriodOfTime, else None."""
    runs = [
        r for r in _as_list(offer.get("runs")) if isinstance(r, dict) and (r.get("start_date") or r.get("end_date"))
    ]
    if not runs:
        return None
    period: dict[str, Any] = {"type": "PeriodOfTime"}
    if start := _datetime(runs[0].get("start_date")):
        period["startDate"] = start
    if end := _datetime(runs[0].get("end_date")):
        period["endDate"] = end
    return period


def _outcome_nodes(
    iri: str, outcomes: Iterable[dict[str, Any]], lang: str, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """LearningOutcome nodes in source order, with the English text beside the original and their ESCO skills."""
    nodes = []
    for row in sorted(outcomes, key=lambda r: r["position"]):
        out_lang = row.get("lang") or lang
        title = {out_lang: row["text"]}
        if row.get("text_en") and out_lang != "en":
            title["en"] = row["text_en"]
        out: dict[str, Any] = {"id": f"{iri}:outcome:{row['position']}", "type": "LearningOutcome", "title": title}
        uris = list(dict.fromkeys(u for u in _as_list(row.get("esco_uris")) if u))
        if uris:
            out["relatedESCOSkill"] = [esco_concept(u, labels.get(u)) for u in uris]
        nodes.append(out)
    return nodes


def _specification(
    offer: dict[str, Any],
    iri: str,
    titles: dict[str, str],
    lang: str,
    outcome_nodes: list[dict[str, Any]],
    lang_concepts: list[dict[str, Any]],
    mode: dict[str, Any] | None,
) -> dict[str, Any]:
    """What the learner achieves: a Qualification (the class that may carry EQFLevel) with outcomes and credits."""
    spec: dict[str, Any] = {"id": f"{iri}:specification", "type": "Qualification", "title": titles}
    if outcome_nodes:
        spec["learningOutcome"] = outcome_nodes
    if offer.get("ects"):
        spec["creditPoint"] = {
            "type": "CreditPoint",
            "point": _number(offer["ects"]),
            "framework": _concept(ECTS, "European Credit Transfer System", f"{SNB}education-credit/25831c2"),
        }
    if offer.get("eqf_level"):
        spec["eqfLevel"] = eqf_concept(int(offer["eqf_level"]))
    hours = offer.get("workload_hours_max") or offer.get("workload_hours_min")
    if hours:
        spec["volumeOfLearning"] = _hours(hours)
    if lang_concepts:
        spec["language"] = lang_concepts
    if mode:
        spec["mode"] = mode
    isced = [c for c in _as_list(offer.get("isced_broad")) if c]
    if isced:
        spec["ISCEDFCode"] = [isced_concept(c) for c in isced]
    if offer.get("prerequisites"):
        spec["entryRequirement"] = _note(offer["prerequisites"], lang)
    notes = [
        f"{name}: {offer[col]}"
        for name, col in (
            ("Assessment", "assessment"),
            ("Quality assurance", "quality_assurance"),
            ("Workload", "workload_raw"),
            ("Certificate", "certificate_type"),
        )
        if offer.get(col)
    ]
    if notes:
        spec["additionalNote"] = [_note(text, lang) for text in notes]
    return spec


def learning_opportunity(
    offer: dict[str, Any], outcomes: Iterable[dict[str, Any]], skill_labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """One offer row (dict of `offers` columns) and its outcome rows as an ELM LearningOpportunity node.

    Each outcome row has `position`, `text`, `lang`, `text_en` and `esco_uris` (all ESCO skills linked to it,
    by the source or accepted by the skill model). Elements the offer lacks are left out, never invented.
    """
    iri = offer_iri(offer["source"], offer["source_id"])
    languages = [c for c in _as_list(offer.get("languages")) if c]
    lang = offer.get("title_lang") or (languages[0] if languages else "en")
    titles = {k: v for k, v in _as_dict(offer.get("titles")).items() if v} or {lang: offer["title"]}
    node: dict[str, Any] = {"id": iri, "type": "LearningOpportunity", "title": titles}
    node["identifier"] = {
        "id": f"{iri}:identifier",
        "type": "Identifier",
        "notation": offer["source_id"],
        "schemeName": f"mcatlas source {offer['source']}",
    }
    if description := _lang_map(offer.get("description"), lang, lang):
        node["description"] = description
    if offer.get("url"):
        node["homepage"] = web_resource(offer["url"])
    if offer.get("provider"):
        node["providedBy"] = _organisation(offer, lang)
    mode = mode_concept(offer.get("participation_form") or "")
    if mode:
        node["mode"] = mode
    lang_concepts = [c for c in (language_concept(code) for code in languages) if c]
    if lang_concepts:
        node["defaultLanguage"] = lang_concepts[0]
    if price := _price(offer, iri, lang):
        node["priceDetail"] = price
    if offer.get("duration_weeks"):
        node["duration"] = f"P{max(1, round(offer['duration_weeks'] * 7))}D"
    if period := _period(offer):
        node["temporal"] = period
    outcome_nodes = _outcome_nodes(iri, outcomes, lang, skill_labels or {})
    node["learningAchievementSpecification"] = _specification(
        offer, iri, titles, lang, outcome_nodes, lang_concepts, mode
    )
    return node


def document(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """A JSON-LD document with the inline ELM context and every learning opportunity in `@graph`."""
    return {"@context": CONTEXT, "@graph": nodes}
