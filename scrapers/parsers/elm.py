"""European Learning Model (ELM v3 and the Europass XML before it): learning opportunities, qualifications, credentials.

Publishers send ELM to the Europass Qualification Dataset Register in two serialisations: the LOQ XML profile
(`learningOpportunityReferences`, `learningAchievementSpecificationReferences`, ... with `id` / `idref` links)
and JSON-LD (nested or `@graph`, compact or expanded keys). Both are first turned into one neutral graph (nodes
with an id, a type and properties keyed by lower-cased local name), so the mapping to offers below is written
once and follows the model's structure, not one sample's layout:

- one offer per `LearningOpportunity`; when a document has none (a qualification register extract), one per
  top-level `Qualification` / `LearningAchievementSpecification`;
- a credential (`VerifiableCredential`, `EuropeanDigitalCredential`, EDCI's `europassCredential`) is no offer: its
  offers are the distinct specifications its subject's achievements are `specifiedBy` (reached directly or through
  the claim's `learningOpportunity`, counted once however often reached); the credential's own opportunities
  offering those specifications are the same offers, not more;
- an opportunity or specification that says nothing but a title (the stub `LearningOpportunity` a credential's
  activity points to) is rejected with the reason, never emitted as an empty offer;
- the specification linked by `learningAchievementSpecification` / `specifiedBy` supplies outcomes (with their
  `relatedESCOSkill` URIs), credit points, EQF level, language, mode, entry requirements;
- the provider is the opportunity's `providedBy` organisation, else the awarding body; its country comes from
  the EU country authority URI of its address or registration.

Persons (a credential's subject, contact persons) are never read: before anything is mapped, every person node is
emptied of all but its links to claims, and an offer that would still carry one of the values removed from the
learner (a name, a birth date, an e-mail address, an identifier) is rejected. Learner name, issue date and grade
belong to the credential, not to the offer. The Europass XML of ELM 1.x-2.x (EDCI credentials, QDR learning-opportunity
datasets) is read by `scrapers.parsers.europass` into the same neutral graph, claimed by its root element and
namespace (`scrapers.parsers.dispatch.xml_signature`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import partial
from typing import Any

import pycountry
from lxml import etree

from models.normalise.numbers import parse_number
from scrapers.parsers import europass
from scrapers.parsers.base import Page, ParseError, Reject, guard_record, load_json, too_deep_is_parse_error
from scrapers.parsers.common import run, to_date
from scrapers.parsers.dispatch import xml_signature
from scrapers.parsers.xml import load_xml, local

SOURCE = "elm"
ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
# Concepts of the EU "learning and assessment mode" list whose labels are stable and known.
MODE_LABELS = {"920fbb3cbe": "Online", "e92d221e4d": "Blended"}
OPPORTUNITY = {"learningopportunity"}
# `learningSpecification` is the ELM 1.x-2.x name (EDCI credentials, QDR datasets) of the achievement specification
SPECS = {"qualification", "learningachievementspecification", "learningspecification"}
CREDENTIALS = {"verifiablecredential", "europeandigitalcredential", "europasscredential"}
PERSONS = {"person"}
# A credential subject's links to its claims (ELM 3 `hasClaim`; EDCI's `achievements`, ... read as their items)
CLAIM_KEYS = (
    "hasclaim",
    "learningachievement",
    "learningactivity",
    "learningassessment",
    "assessment",
    "learningentitlement",
    "entitlement",
)
# Claims specified by their own kinds of specification (of an activity, an assessment, an entitlement): not offers
OTHER_CLAIMS = {"learningactivity", "learningassessment", "assessment", "learningentitlement", "entitlement"}
# Where a person's identifying values sit: they are collected before the person is emptied, and no offer may hold one
PERSONAL_KEYS = {
    "fullname",
    "givenname",
    "givennames",
    "familyname",
    "birthname",
    "patronymicname",
    "preflabel",
    "altlabel",
    "dateofbirth",
    "birthdate",
    "notation",
    "value",
    "emailaddress",
    "email",
    "mailbox",
    "phonenumber",
    "dialnumber",
}
# Fields of an item that say something about the offer besides its title and provider: an item with none is a stub
INFORMATIVE = (
    "description",
    "learning_outcomes",
    "ects",
    "eqf_level",
    "level_raw",
    "languages",
    "subjects",
    "workload_raw",
    "duration_raw",
    "runs",
    "url",
    "price_raw",
    "participation_raw",
    "prerequisites",
    "assessment",
)
_XML_ID_ATTRS = ("id",)
Node = dict[str, Any]


# ---- one neutral graph from either serialisation ------------------------------------------------------------


def _key(name: str) -> str:
    """`http://data.europa.eu/snb/model/elm/EQFLevel`, `elm:EQFLevel`, `eqfLevel` -> `eqflevel`."""
    if name in ("@id", "id"):
        return "id"
    if name in ("@type", "type"):
        return "type"
    return re.split(r"[/#:]", name)[-1].lower()


def _from_json(value: Any) -> Any:
    """JSON-LD value -> neutral form: literals as str, language maps as {lang: text}, nodes as dicts."""
    if isinstance(value, list):
        out = [_from_json(v) for v in value]
        langs = [v for v in out if isinstance(v, dict) and v.get("_lang")]
        if langs and len(langs) == len(out):  # expanded form: [{"@value", "@language"}, ...]
            return {"_lang": {k: t for v in langs for k, t in v["_lang"].items()}}
        return out
    if isinstance(value, dict):
        if "@value" in value:
            if value.get("@language"):
                return {"_lang": {str(value["@language"]): str(value["@value"])}}
            return value["@value"]
        node: Node = {}
        for k, v in value.items():
            if k == "@context":
                continue
            key = _key(k)
            if key == "type":
                node["_class"] = [_key(t) for t in (v if isinstance(v, list) else [v]) if isinstance(t, str)]
            elif key == "id":
                node["id"] = v if isinstance(v, str) else None
            else:
                node[key] = _from_json(v)
        if (
            node
            and "id" not in node
            and "_class" not in node
            and all(isinstance(k, str) and re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?", k) for k in node)
            and all(isinstance(v, str) for v in node.values())
        ):
            return {"_lang": dict(node)}  # compact language map {"en": "...", "nl": "..."}
        return node
    return value


def _from_xml(el: etree._Element) -> Any:
    """LOQ XML element -> neutral form (same shapes as `_from_json`)."""
    attrs = {etree.QName(k).localname: v for k, v in el.attrib.items()}
    if "idref" in attrs:
        return {"id": attrs["idref"], "_ref": True}
    kids = [c for c in el if isinstance(c.tag, str)]
    text = (el.text or "").strip()
    if "language" in attrs and not kids:
        return {"_lang": {attrs["language"]: text}} if text else None
    if not kids and "uri" not in attrs and "id" not in attrs:
        return text or None
    node: Node = {"_class": [local(el.tag).lower()]}
    if "id" in attrs:
        node["id"] = attrs["id"]
    if "uri" in attrs:
        node["id"] = attrs["uri"]
    for child in kids:
        value = _from_xml(child)
        if value is None:
            continue
        key = local(child.tag).lower()
        key = "dctype" if key == "type" else key  # dc:type in XML is `dcType` in JSON-LD
        if key in node and key not in ("id",):
            prev = node[key]
            if isinstance(prev, dict) and "_lang" in prev and isinstance(value, dict) and "_lang" in value:
                prev["_lang"].update(value["_lang"])
                continue
            node[key] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            node[key] = value
    return node


def _walk(value: Any) -> Iterable[Node]:
    if isinstance(value, dict):
        if "_lang" not in value:
            yield value
        for k, v in value.items():
            if k != "_lang":
                yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


class Graph:
    """Nodes indexed by id; references (`idref`, `{"id": ...}` stubs) resolved on access."""

    def __init__(self, roots: list[Any]) -> None:
        self.roots = roots
        self.by_id: dict[str, Node] = {}
        for node in _walk(roots):
            nid = node.get("id")
            if isinstance(nid, str) and not node.get("_ref") and len(node) > 2:
                # the fullest description of a node wins (JSON-LD repeats nodes inline)
                if len(node) > len(self.by_id.get(nid, {})):
                    self.by_id[nid] = node

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("id"), str) and (value.get("_ref") or len(value) <= 2):
            return self.by_id.get(value["id"], value)
        return value

    def all(self, node: Node | None, *path: str) -> list[Any]:
        """Values along a property path (each step may be one value or a list), references resolved."""
        current: list[Any] = [node] if node is not None else []
        for step in path:
            nxt: list[Any] = []
            for item in current:
                item = self.resolve(item)
                if not isinstance(item, dict):
                    continue
                value = item.get(step.lower())
                nxt.extend(value if isinstance(value, list) else [value] if value is not None else [])
            current = nxt
        return [self.resolve(v) for v in current]

    def first(self, node: Node | None, *path: str) -> Any:
        values = self.all(node, *path)
        return values[0] if values else None


def types_of(node: Any) -> set[str]:
    return {t.lower() for t in node.get("_class", []) if isinstance(t, str)} if isinstance(node, dict) else set()


# ---- value helpers -----------------------------------------------------------------------------------------


def lang_map(value: Any) -> dict[str, str]:
    """A language-tagged text as {lang: text}; a plain string counts as language-neutral ('')."""
    out: dict[str, str] = {}
    for v in value if isinstance(value, list) else [value]:
        if isinstance(v, dict) and "_lang" in v:
            out.update({k: " ".join(t.split()) for k, t in v["_lang"].items() if isinstance(t, str) and t.strip()})
        elif isinstance(v, dict) and ("noteliteral" in v or "prefLabel" in v or "preflabel" in v):
            out.update(lang_map(v.get("noteliteral") or v.get("preflabel")))
        elif isinstance(v, str) and v.strip():
            out.setdefault("", " ".join(v.split()))
    return out


def pick(texts: dict[str, str]) -> tuple[str | None, str | None]:
    """English where published, else a language-neutral text, else the first language."""
    for lang in ("en", "en-GB", "eng", ""):
        if texts.get(lang):
            return texts[lang], (lang or None)
    for lang, text in texts.items():
        return text, lang
    return None, None


def text_of(value: Any) -> str | None:
    return pick(lang_map(value))[0]


def concept_id(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("id") if isinstance(value.get("id"), str) else None
    return value if isinstance(value, str) and value.startswith(("http", "urn:")) else None


def concept_label(value: Any) -> str | None:
    if isinstance(value, dict):
        return text_of(value.get("preflabel")) or text_of(value.get("title"))
    return None


def _tail(uri: str | None) -> str | None:
    return uri.rstrip("/").rsplit("/", 1)[-1] if uri else None


def country_alpha2(uri: str | None) -> str | None:
    """EU country authority URI (`.../country/IRL`) -> ISO 3166-1 alpha-2 (`IE`)."""
    code = _tail(uri)
    if not code or "/country" not in (uri or ""):
        return None
    found = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    return found.alpha_2 if found else None


def language_alpha2(uri: str | None) -> str | None:
    """EU language authority URI (`.../language/ENG`) -> ISO 639-1 (`en`); codes without one are dropped."""
    code = (_tail(uri) or "").lower()
    if len(code) != 3 or "/language" not in (uri or ""):
        return None
    found = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    return getattr(found, "alpha_2", None) if found else None


# ---- mapping -----------------------------------------------------------------------------------------------


def organisation(graph: Graph, org: Any) -> dict[str, Any]:
    if not isinstance(org, dict):
        return {}
    name = text_of(org.get("legalname")) or text_of(org.get("preflabel")) or text_of(org.get("altlabel"))
    country = None
    for path in (
        ("location", "address", "countrycode"),
        ("contactpoint", "address", "countrycode"),
        ("registration", "spatial"),
        ("eidaslegalidentifier", "spatial"),
        ("vatidentifier", "spatial"),
        ("location", "spatialcode"),
    ):
        for value in graph.all(org, *path):
            country = country_alpha2(concept_id(value))
            if country:
                break
        if country:
            break
    return {"name": name, "country": country, "url": _web(graph.first(org, "homepage"))}


def _web(page: Any) -> str | None:
    """A web resource's address: its `contentURL`, else (ELM 1.x `<homepage uri="..."/>`) its http(s) id."""
    if not isinstance(page, dict):
        return None
    url = page.get("contenturl")
    if isinstance(url, str) and url:
        return url
    pid = page.get("id")
    return pid if isinstance(pid, str) and pid.startswith(("http://", "https://")) and not page.get("_ref") else None


def _credit(graph: Graph, spec: Node | None) -> dict[str, Any]:
    out: dict[str, Any] = {"credit_points": []}
    for cp in graph.all(spec, "creditpoint"):
        if not isinstance(cp, dict):
            continue
        framework = graph.first(cp, "framework")
        fid, label = concept_id(framework), concept_label(framework)
        point = cp.get("point")
        point = point if isinstance(point, str | int | float) else text_of(point)
        out["credit_points"].append({"framework": fid, "framework_label": label, "point": point})
        is_ects = (
            fid == ECTS_FRAMEWORK
            or "european credit transfer" in (label or "").lower()
            or "ects" in (label or "").lower()
        )
        if is_ects and parse_number(point) is not None and "ects" not in out:
            out["ects"] = parse_number(point)
    for value in graph.all(spec, "ectscreditpoints"):  # ELM 1.x-2.x: the ECTS credits as a number of their own
        point = value if isinstance(value, str | int | float) else text_of(value)
        out["credit_points"].append(
            {"framework": ECTS_FRAMEWORK, "framework_label": "ECTSCreditPoints", "point": point}
        )
        if parse_number(point) is not None and "ects" not in out:
            out["ects"] = parse_number(point)
    return out


def _eqf(graph: Graph, spec: Node | None) -> int | None:
    for value in graph.all(spec, "eqflevel"):
        m = re.search(r"/eqf/(\d)$", concept_id(value) or "")
        if m:
            return int(m.group(1))
        m = re.search(r"\b([1-8])\b", concept_label(value) or "")
        if m:
            return int(m.group(1))
    return None


def _modes(graph: Graph, *nodes: Node | None) -> list[str]:
    out = []
    for node in nodes:
        for mode in graph.all(node, "mode"):
            label = concept_label(mode) or MODE_LABELS.get(_tail(concept_id(mode)) or "")
            if label:
                out.append(label)
    return list(dict.fromkeys(out))


def _outcomes(graph: Graph, spec: Node | None) -> list[dict[str, Any]]:
    out = []
    for lo in graph.all(spec, "learningoutcome"):
        if not isinstance(lo, dict):
            continue
        titles = lang_map(lo.get("title")) or lang_map(lo.get("preflabel")) or lang_map(lo.get("description"))
        text, lang = pick(titles)
        if not text:
            continue
        esco = [
            u
            for u in (concept_id(s) for s in graph.all(lo, "relatedescoskill"))
            if u and u.startswith("http://data.europa.eu/esco/")
        ]
        item: dict[str, Any] = {"text": text, "lang": lang, "esco_uris": list(dict.fromkeys(esco))}
        if lang and not lang.startswith("en") and titles.get("en"):
            item["text_en"] = titles["en"]
        out.append(item)
    return out


def _price(graph: Graph, opp: Node | None) -> dict[str, Any]:
    for detail in graph.all(opp, "pricedetail"):
        if not isinstance(detail, dict):
            continue
        amount = graph.first(detail, "amount")
        value = amount.get("value") if isinstance(amount, dict) else amount
        unit = graph.first(amount, "unit") if isinstance(amount, dict) else graph.first(detail, "currency")
        code = (_tail(concept_id(unit)) or (unit if isinstance(unit, str) else "") or "").upper()
        number = parse_number(value)
        label = text_of(detail.get("preflabel")) or text_of(detail.get("description"))
        if number is None:
            if label:
                return {"price_raw": label}
            continue
        if number == 0:
            return {"price_raw": f"{value} {code}".strip(), "price_amount": 0.0, "is_free": True}
        if code and code != "XXX" and pycountry.currencies.get(alpha_3=code):
            return {"price_raw": f"{value} {code}", "price_amount": number, "price_currency": code}
        # an amount without a usable ISO 4217 currency (XXX = "no currency") is kept aside, not priced
        return {"_price_unusable": f"{value} {code}".strip()}
    return {}


def _provider(graph: Graph, opp: Node | None, spec: Node | None, claimed_by: list[Node], issuer: Any) -> dict[str, Any]:
    candidates = [*graph.all(opp, "providedby"), *graph.all(spec, "awardingopportunity", "awardingbody")]
    for claim in claimed_by:
        candidates += graph.all(claim, "awardedby", "awardingbody")
    candidates += [graph.resolve(issuer)] if issuer else []
    candidates += graph.all(opp, "publisher") + graph.all(spec, "publisher")
    for org in candidates:
        found = organisation(graph, org)
        if found.get("name"):
            return found
    return {}


def _languages(graph: Graph, opp: Node | None, spec: Node | None) -> list[str]:
    """Teaching languages of the specification, else of the opportunity's learning activity."""
    languages = [c for c in (language_alpha2(concept_id(v)) for v in graph.all(spec, "language")) if c]
    if languages:
        return languages
    return [
        c
        for c in (language_alpha2(concept_id(v)) for v in graph.all(opp, "learningactivityspecification", "language"))
        if c
    ]


def _assessment(graph: Graph, spec: Node | None, claimed_by: list[Node]) -> dict[str, Any]:
    """Assessment titles and identity / supervision checks of the specification and the credentials claiming it."""
    assessments = [
        a
        for a in graph.all(spec, "provenby") + [s for c in claimed_by for s in graph.all(c, "provenby")]
        if isinstance(a, dict)
    ]
    # a credential's assessment (a claim) is named by its specification: the claim's own title is the learner's
    titles = [text_of(graph.first(a, "specifiedby", "title")) or text_of(a.get("title")) for a in assessments]
    checks = [
        concept_label(v)
        for a in assessments
        for v in graph.all(a, "idverification") + graph.all(a, "supervisionverification")
    ]
    quality = [text_of(a.get("title")) for a in graph.all(spec, "accreditation") if isinstance(a, dict)]
    return {
        "assessment": "; ".join(dict.fromkeys(t for t in titles if t)) or None,
        "supervision_identity_check": "; ".join(t for t in checks if t) or None,
        "quality_assurance": "; ".join(q for q in quality if q) or None,
    }


def _volume(graph: Graph, spec: Node | None) -> str | None:
    """The specification's volume of learning as given (an ISO 8601 duration, or text)."""
    volume = graph.first(spec, "volumeoflearning")
    return volume if isinstance(volume, str) else None


def _workload(graph: Graph, opp: Node | None, volume: str | None) -> dict[str, Any]:
    """The volume of learning and the stated duration as given (ISO 8601 `PT60H`, `P10W`, or text): the normaliser
    reads hours and weeks from them and explains how."""
    duration = graph.first(opp, "duration")
    return {"workload_raw": volume, "duration_raw": duration if isinstance(duration, str) else None}


def _where_and_when(graph: Graph, main: Node, opp: Node | None, spec: Node | None) -> dict[str, Any]:
    """The offer's home page and its run (the opportunity's temporal start and end)."""
    temporal = graph.first(opp, "temporal")
    runs = [run(None, temporal.get("startdate"), temporal.get("enddate"))] if isinstance(temporal, dict) else []
    homepage = graph.first(main, "homepage") or graph.first(spec, "homepage") or graph.first(main, "landingpage")
    return {"url": _web(homepage), "runs": [r for r in runs if r]}


def _classification(graph: Graph, main: Node, spec: Node | None) -> dict[str, Any]:
    """Subjects (ISCED-F codes, thematic areas, subjects), the credential type, the level, what it is part of."""
    types = [concept_label(t) for t in graph.all(main, "dctype") if isinstance(t, dict)]
    subjects = [
        concept_label(s) or _tail(concept_id(s))
        for s in graph.all(spec, "iscedfcode") + graph.all(spec, "thematicarea") + graph.all(spec, "educationsubject")
    ]
    eqf = _eqf(graph, spec)
    return {
        "eqf_level": eqf,
        "level_raw": concept_label(graph.first(spec, "educationlevel")) or concept_label(graph.first(spec, "nqflevel")),
        "subjects": list(dict.fromkeys(s for s in subjects if s)),
        "certificate_type": next((t for t in types if t), None),
        "part_of": [p.get("id") for p in graph.all(main, "ispartof") if isinstance(p, dict) and p.get("id")],
    }


def _extras(graph: Graph, main: Node, opp: Node | None, spec: Node | None) -> dict[str, Any]:
    """ELM fields without a place in the schema, kept as the source gives them (URIs, deadlines, NQF levels)."""
    maximum = graph.first(spec, "maximumduration")
    return {
        "elm_type": sorted(types_of(main)),
        "specification_id": spec.get("id") if spec else None,
        "maximum_duration": maximum if isinstance(maximum, str) else None,
        "learning_setting": concept_label(graph.first(spec, "learningsetting"))
        or concept_id(graph.first(spec, "learningsetting")),
        "mode_uris": [concept_id(m) for m in graph.all(opp, "mode") + graph.all(spec, "mode") if concept_id(m)],
        "type_uris": [concept_id(t) for t in graph.all(main, "dctype") if concept_id(t)],
        "eqf_uri": concept_id(graph.first(spec, "eqflevel")),
        "nqf_levels": [concept_label(n) or concept_id(n) for n in graph.all(spec, "nqflevel")],
        "isced_f": [
            concept_id(s) for s in graph.all(spec, "iscedfcode") + graph.all(spec, "thematicarea") if concept_id(s)
        ],
        "is_partial_qualification": spec.get("ispartialqualification") if spec else None,
        "has_part": [p.get("id") for p in graph.all(main, "haspart") if isinstance(p, dict)],
        "application_deadlines": [d for d in (to_date(v) for v in graph.all(opp, "applicationdeadline")) if d],
    }


def _offer_for(
    graph: Graph, opp: Node | None, spec: Node | None, claimed: dict[Any, list[Node]], issuer: Any
) -> dict[str, Any]:
    """`offer_item` with the claims on `spec` looked up inside the record's guard (an id may be any JSON value)."""
    return offer_item(graph, opp, spec, claimed.get(spec.get("id"), []) if spec else [], issuer)


def offer_item(
    graph: Graph, opp: Node | None, spec: Node | None, claimed_by: list[Node], issuer: Any
) -> dict[str, Any]:
    """One learning opportunity (or a specification offered on its own) as an item of values as ELM gives them."""
    main = opp if opp is not None else spec
    if main is None:
        raise ValueError("neither a learning opportunity nor a specification")
    titles = lang_map(main.get("title")) or lang_map(spec.get("title") if spec else None)
    title, title_lang = pick(titles)
    descriptions = lang_map(main.get("description")) or lang_map(spec.get("description") if spec else None)
    description, _ = pick(descriptions)
    summary = text_of(graph.first(spec, "learningoutcomesummary"))
    provider = _provider(graph, opp, spec, claimed_by, issuer)
    credit = _credit(graph, spec)
    classification = _classification(graph, main, spec)
    price = _price(graph, opp)
    volume = _volume(graph, spec)
    return {
        "source_id": main.get("id"),
        "title": title,
        "title_lang": title_lang,
        "titles": {k: v for k, v in titles.items() if k},
        "description": description or summary,
        "provider": provider.get("name"),
        "provider_url": provider.get("url"),
        # absent (not None) when the data names no country, so the registry entry's country can fill it
        **({"country": provider["country"]} if provider.get("country") else {}),
        "languages": _languages(graph, opp, spec),
        "learning_outcomes": _outcomes(graph, spec),
        "ects": credit.get("ects"),
        **classification,
        **_assessment(graph, spec, claimed_by),
        "participation_raw": ", ".join(_modes(graph, opp, spec)) or None,
        "prerequisites": text_of(graph.first(spec, "entryrequirement"))
        or text_of(graph.first(opp, "admissionprocedure")),
        **_workload(graph, opp, volume),
        **_where_and_when(graph, main, opp, spec),
        **{k: v for k, v in price.items() if not k.startswith("_")},
        "extras": {
            **_extras(graph, main, opp, spec),
            "price_unusable": price.get("_price_unusable"),
            "learning_outcome_summary": summary,
            "credit_points": credit["credit_points"],
            "volume_of_learning": volume,
            "descriptions": {k: v for k, v in descriptions.items() if k},
            "provider_country_from": "elm address or registration" if provider.get("country") else None,
        },
    }


# the older Europass XML formats this parser reads (dispatch.XML_SIGNATURES signs other formats too)
EUROPASS_FORMATS = ("europass_credential", "europass_qdr")


def _load(body: bytes) -> tuple[list[Any], str]:
    """Neutral roots and the format's name from JSON-LD, LOQ XML or (claimed by its root) Europass XML bytes."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        data = load_json(body, "elm json-ld")
        neutral = _from_json(data)
        roots = neutral if isinstance(neutral, list) else [neutral]
        roots = [g for r in roots for g in ((r.get("@graph") or r.get("graph") or [r]) if isinstance(r, dict) else [r])]
        return [g for r in roots for g in (r if isinstance(r, list) else [r])], "jsonld"
    root = load_xml(body, "elm loq xml")
    fmt = xml_signature(root.tag) if isinstance(root.tag, str) else None
    if fmt in EUROPASS_FORMATS:
        return [europass.read(root)], fmt
    return [_from_xml(root)], "loq_xml"


# ---- persons out, before anything is read ------------------------------------------------------------------


def _personal_values(value: Any, key: str = "") -> set[str]:
    """The identifying strings under a person's property (names, birth date, e-mail, identifiers), for the check that
    no offer carries one. Authority concepts (a nationality, a country: ids in http) identify nobody and are skipped."""
    out: set[str] = set()
    if isinstance(value, list):
        for v in value:
            out |= _personal_values(v, key)
    elif isinstance(value, dict) and "_lang" in value:
        if key in PERSONAL_KEYS:
            out |= {t for t in value["_lang"].values() if isinstance(t, str)}
    elif isinstance(value, dict):
        vid = value.get("id")
        if isinstance(vid, str) and vid.startswith(("http://", "https://")):
            return out
        if isinstance(vid, str) and vid.startswith(("mailto:", "tel:")):
            out.add(vid.split(":", 1)[1])
        for k, v in value.items():
            if k not in ("id", "_class", "_ref"):
                out |= _personal_values(v, k)
    elif isinstance(value, str) and key in PERSONAL_KEYS:
        out.add(value)
        if key in ("dateofbirth", "birthdate"):
            out.add(value[:10])
    # too short to name anyone (a lone initial, a short number) would refuse offers that merely contain it
    values = {" ".join(v.split()) for v in out if isinstance(v, str)}
    return {v for v in values if len(v) >= 4 and (len(v) >= 6 or not v.isdigit())}


def _scrub_persons(roots: list[Any]) -> set[str]:
    """Empty every person (typed `Person`, or a credential's subject) of all but its id and its links to claims, in
    place, so nothing of them is in the graph the offers are read from. Returns the identifying values removed from
    credential subjects (the learners), which no offer may carry; other persons (contacts, teachers) are only
    removed, their names in a published description are no reason to refuse it."""
    nodes = list(_walk(roots))
    subjects: list[Any] = []
    for node in nodes:
        value = node.get("credentialsubject")
        subjects.extend(value if isinstance(value, list) else [value])
    subject_ids = {s.get("id") for s in subjects if isinstance(s, dict) and isinstance(s.get("id"), str)}
    personal: set[str] = set()
    for person in nodes:
        learner = person.get("id") in subject_ids or any(person is s for s in subjects)
        if not learner and not types_of(person) & PERSONS:
            continue
        for key in [k for k in person if k not in ("id", "_class", "_ref") and k not in CLAIM_KEYS]:
            removed = person.pop(key)
            if learner:
                personal |= _personal_values(removed, key)
    return personal


def _leaks(item: dict[str, Any], personal: set[str]) -> bool:
    """Whether any removed personal value still appears, as a whole word, anywhere in the item."""
    if not personal:
        return False
    dumped = json.dumps(item, ensure_ascii=False, default=str)
    return any(
        re.search(rf"(?<!\w){re.escape(json.dumps(v, ensure_ascii=False)[1:-1])}(?!\w)", dumped) for v in personal
    )


# ---- which nodes are offers ---------------------------------------------------------------------------------


def _spec_of(graph: Graph, node: Node | None) -> Node | None:
    """The achievement specification an opportunity (or a claim's opportunity) offers."""
    for key in ("learningachievementspecification", "specifiedby"):
        for found in graph.all(node, key):
            if isinstance(found, dict) and types_of(found) & SPECS:
                return found
    return None


def _credential_specs(graph: Graph, credentials: list[Node], page: Page) -> list[Node]:
    """The distinct specifications a credential's achievements are specified by: its offers. Claims of other kinds
    (activities, assessments, entitlements) are specified by their own kinds of specification, which are not offers;
    parts of a claim (`hasPart`) are offered as parts of its specification, not on their own."""
    specs: dict[str, Node] = {}
    for credential in credentials:
        for subject in graph.all(credential, "credentialsubject"):
            for claim in (c for key in CLAIM_KEYS for c in graph.all(subject, key)):
                if not isinstance(claim, dict) or types_of(claim) & OTHER_CLAIMS:
                    continue
                found = [s for s in graph.all(claim, "specifiedby") if isinstance(s, dict) and types_of(s) & SPECS]
                found += [s for o in graph.all(claim, "learningopportunity") if (s := _spec_of(graph, o))]
                for spec in found:
                    if isinstance(spec.get("id"), str):
                        specs.setdefault(spec["id"], spec)
                if not found and types_of(claim) & {"learningachievement"}:
                    cid = claim.get("id") if isinstance(claim.get("id"), str) else None
                    targets = [concept_id(t) or "?" for t in graph.all(claim, "specifiedby")]
                    why = f"its specification {', '.join(targets)} is not in the document" if targets else "none given"
                    page.rejects.append(
                        Reject(SOURCE, cid, f"specification: credential achievement without one ({why})")
                    )
    return list(specs.values())


def _is_stub(item: dict[str, Any]) -> bool:
    """Nothing but a title (and at most a provider): not an offer anyone could compare or choose."""
    extras = item.get("extras") or {}
    return not any(item.get(k) for k in INFORMATIVE) and not any(
        extras.get(k) for k in ("credit_points", "application_deadlines", "learning_outcome_summary")
    )


@too_deep_is_parse_error("elm")
def parse(body: bytes, url: str) -> Page:
    roots, fmt = _load(body)
    personal = _scrub_persons(roots)
    graph = Graph(roots)
    nodes = list(graph.by_id.values())
    page = Page()
    page.stats[f"elm/format/{fmt}"] = 1
    credentials = [n for n in _walk(graph.roots) if types_of(n) & CREDENTIALS or "credentialsubject" in n]
    issuer = next((c.get("issuer") for c in credentials if c.get("issuer")), None)
    issuer = issuer or next((r.get("issuer") for r in graph.roots if isinstance(r, dict) and r.get("issuer")), None)
    opportunities = [n for n in nodes if types_of(n) & OPPORTUNITY]
    specs = [n for n in nodes if types_of(n) & SPECS]
    if not opportunities and not specs:
        if not any(types_of(n) for n in nodes) and not graph.roots:
            raise ParseError("elm: empty document")
        raise ParseError("elm: no learning opportunity, qualification or learning achievement specification found")
    # who claims (is specified by) each specification: the awarding process of a credential hangs there
    claimed: dict[str, list[Node]] = {}
    for node in _walk(graph.roots):
        for target in graph.all(node, "specifiedby"):
            if isinstance(target, dict) and target.get("id"):
                claimed.setdefault(target["id"], []).append(node)
    pairs: list[tuple[Node | None, Node | None]] = []
    claimed_specs: set[Any] = set()  # specifications a credential's achievements are specified by: its offers
    if credentials:
        credential_specs = _credential_specs(graph, credentials, page)
        pairs += [(None, s) for s in credential_specs]
        claimed_specs = {s.get("id") for s in credential_specs}
    for found in opportunities:
        spec = _spec_of(graph, found)
        if spec is not None and spec.get("id") in claimed_specs:  # the credential's offer, reached another way
            page.stats["elm/deduplicated"] = page.stats.get("elm/deduplicated", 0) + 1
            continue
        pairs.append((found, spec))
    if not credentials and not opportunities:  # a qualification register extract: its top-level specifications
        parts = {p.get("id") for s in specs for p in graph.all(s, "haspart") if isinstance(p, dict)}
        pairs = [(None, s) for s in specs if s.get("id") not in parts] or [(None, s) for s in specs]
    seen: set[str] = set()
    for opp, spec in pairs:
        main = opp if opp is not None else spec
        sid = main.get("id") if main else None
        if not sid:
            page.rejects.append(Reject(SOURCE, None, "source_id: learning opportunity without id"))
            continue
        if sid in seen:
            page.rejects.append(Reject(SOURCE, sid, "source_id: duplicate id in one document"))
            continue
        seen.add(sid)
        item = guard_record(page, SOURCE, sid, partial(_offer_for, graph, opp, spec, claimed, issuer))
        if item is None:
            continue
        if _is_stub(item):
            said = "title only" if item.get("title") else "no title"
            what = f"learning opportunity ({said}, no specification or details)" if opp else f"specification ({said})"
            reason = f"record: stub {what}: not an offer"
            page.rejects.append(Reject(SOURCE, sid, reason, {"id": sid, "title": item.get("title")}))
            continue
        if _leaks(item, personal):
            reason = "privacy: the offer would carry personal data of the credential's subject"
            page.rejects.append(Reject(SOURCE, sid, reason))
            continue
        if not item["languages"]:
            page.stats["elm/missing_language"] = page.stats.get("elm/missing_language", 0) + 1
        page.items.append(item)
    if credentials and not pairs and not page.rejects:
        cid = credentials[0].get("id") if isinstance(credentials[0].get("id"), str) else None
        reason = "specification: credential without an achievement specified by a qualification or specification"
        page.rejects.append(Reject(SOURCE, cid, reason))
    page.stats["elm/offers"] = len(page.items)
    return page
