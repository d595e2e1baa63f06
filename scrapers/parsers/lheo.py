"""LHÉO (Langage Harmonisé d'Échange d'informations sur l'Offre de formation), France's exchange standard for
training offers, versions 1.3 and 2.x, as the regional Carif-Oref publish their catalogues.

A document is `lheo > offres > offre` where an offer is `offre-formation` (1.3: `action-formation` for what is
taught, `organisation-formation` for how, `organismes` for who) or `formation` (2.x: the training, its `action`s
each with its place, price, hours and `session`s, and its `organisme-formation-responsable`). One item per offer;
sessions become runs. Elements are matched by local name, so both versions and any prefix read the same way; the
version is the root's namespace (`dispatch.XML_SIGNATURES`: 1.3.0 and 2.3 as published; another namespace is read
and counted as `lheo/version/unsigned`).

Values as LHÉO gives them: the exit level is its dictionary label (`level_raw`, "niveau III (BTS, DUT)"), with the
code and the framework the dictionary places it in (`extras.level_code`, `extras.level_framework`: codes 2-8 are the
1969 nomenclature, 11-18 the 2019 national framework); the normaliser maps it to the EQF (models/normalise/
levels_fr.py). The teaching mode is the `modalites-enseignement` label with the form its dictionary gives it
(`extras.participation_forms`); 1.3's `FOAD` flag says only "open and/or distance", so only `FOAD: non` names a form.
Texts are French (LHÉO is a French standard with no language attribute), so titles and outcomes carry `fr`; the
teaching languages are only those stated (`langue-formation`, ISO 639-1).

Personal data: `coordonnees` of contacts (offer, organisation, session, trainer contacts) hold names, phones and
e-mails. They are never read into an item; their names, every e-mail address and phone number are also scrubbed from
the free texts kept (fr_text.scrubber), and training places keep only town, postcode, department, region, country.
Mojibake (UTF-8 encoded twice, as in one of the standard's own 1.3 examples) is repaired (fr_text.repair) and
recorded in `extras.text_repaired`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import partial
from typing import Any

from lxml import etree

from models.normalise.levels_fr import CNCP, NOMENCLATURE_1969
from models.offer import form_vocabulary
from models.urls import scheme_error
from scrapers.parsers.base import Page, ParseError, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import keep_unique
from scrapers.parsers.dispatch import xml_signature
from scrapers.parsers.fr_text import reflow, repair, scrubber, without_marker
from scrapers.parsers.xml import children, load_xml, local

SOURCE = "lheo"
VERSIONS = {"lheo_1_3": "1.3", "lheo_2_3": "2.3"}
OFFER_ELEMENTS = ("formation", "offre-formation")
# Elements holding a person's contact details: never read, except for the names to scrub from free text.
CONTACT_ELEMENTS = {"coordonnees", "contact-formation-resume"}

# LHÉO dictionaries (dict-niveaux, dict-modalites-enseignement, dict-financeurs, ...), the source's vocabulary.
LEVELS_1969 = {
    "2": "niveau VI (illettrisme, analphabétisme)",
    "3": "niveau V bis (préqualification)",
    "4": "niveau V (CAP, BEP, CFPA du premier degré)",
    "5": "niveau IV (BP, BT, baccalauréat professionnel ou technologique)",
    "6": "niveau III (BTS, DUT)",
    "7": "niveau II (licence ou maîtrise universitaire)",
    "8": "niveau I (supérieur à la maîtrise)",
}
LEVELS_2019 = {str(10 + n): f"Niveau {n}" for n in range(1, 9)}  # the labels' first words; CNCP levels 1-8
NO_LEVEL = {"0": "information non communiquée", "1": "sans niveau spécifique"}
TEACHING_MODES = {
    "0": "formation entièrement présentielle",
    "1": "formation mixte",
    "2": "formation entièrement à distance",
}
FORMS = form_vocabulary(
    {
        "formation entièrement présentielle": "on-site",
        "formation mixte": "blended",
        "formation entièrement à distance": "online",
        "FOAD: non": "on-site",  # 1.3: no open or distance learning
        "FOAD: oui": None,  # 1.3: open and/or distance learning: fully or partly, the flag does not say
    }
)
PATHWAYS = {"1": "en groupe (non personnalisable)", "2": "individualisé", "3": "modularisé", "4": "mixte"}
GENERAL_OBJECTIVES = {
    "1": "Code(s) obsolète(s)",
    "2": "Perfectionnement, élargissement des compétences",
    "4": "Création d'entreprise",
    "5": "Remise à niveau, maîtrise des savoirs de base, initiation",
    "6": "Certification",
    "7": "Professionnalisation",
    "8": "Préparation à la qualification",
    "9": "(Re)mobilisation, aide à l'élaboration de projet professionnel",
}
FUNDERS = {
    "0": "Autre",
    "2": "Collectivité territoriale - Conseil régional",
    "3": "Fonds européens - FSE",
    "4": "Pôle emploi",
    "5": "Entreprise",
    "6": "ACSÉ (anciennement FASILD)",
    "7": "AGEFIPH",
    "8": "Collectivité territoriale - Conseil général",
    "9": "Collectivité territoriale - Commune",
    "10": "Bénéficiaire de l'action",
    "11": "Etat - Ministère chargé de l'emploi",
    "12": "Etat - Ministère de l'éducation nationale",
    "13": "Etat - Autre",
    "14": "Fonds européens - Autre",
    "15": "Collectivité territoriale - Autre",
}
_TRUE = {"1", "oui", "true"}
_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def _descendants(node: etree._Element, name: str, skip: Iterable[str] = CONTACT_ELEMENTS) -> Iterator[etree._Element]:
    """Elements called `name` (any namespace) under `node`, in document order, never inside contact details.

    lxml's own iteration finds the candidates; only those are checked for a contact element between them and
    `node` (a walk in Python over every element of a large offer costs ~10 times more)."""
    skipped = set(skip)
    for el in node.iter(f"{{*}}{name}"):
        if el is node:
            continue
        inside = False
        for up in el.iterancestors():
            if up is node:
                break
            if local(up.tag) in skipped:
                inside = True
                break
        if not inside:
            yield el


def _first_el(node: etree._Element, name: str) -> etree._Element | None:
    return next(_descendants(node, name), None)


def _raw_text(node: etree._Element | None) -> str | None:
    """An element's text, lines reflowed where the document only wrapped them."""
    if node is None:
        return None
    return reflow("".join(str(t) for t in node.itertext()))


def _code(node: etree._Element, name: str) -> str | None:
    """A dictionary code (`code-niveau-sortie`, `FOAD`, ...): the element's text, stripped."""
    return _raw_text(_first_el(node, name))


def _date(value: str | None) -> str | None:
    """ISO date of an LHÉO date (AAAAMMJJ); 00000000 / 99999999 (unknown) and AAAAMM00 / AAAA0000 (a month or a year,
    no day) are no date."""
    m = _DATE.match(value or "")
    if not m or m.group(2) == "00" or m.group(3) == "00":
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


class _Record:
    """Reads one offer's texts: mojibake repaired (and recorded per field), contact data scrubbed."""

    def __init__(self, offer: etree._Element) -> None:
        names: list[str] = []
        organisations = {
            (_raw_text(el) or "").casefold()
            for el in offer.iter("{*}nom-organisme", "{*}raison-sociale", "{*}raison-sociale-formateur")
        }
        # a person: the coordinates of a contact (contact-offre, contact-formation, contact-organisme, ...), any
        # coordinates with a first name, and a `nom` in an organisation's coordinates that is not the organisation's
        # name; a training place's own `nom` is no person
        for holder in offer.iter("{*}coordonnees", "{*}contact-formation-resume"):
            parent = local(up.tag) if (up := holder.getparent()) is not None else ""
            kids = {local(c.tag): c for c in holder if isinstance(c.tag, str)}
            contact = local(holder.tag) != "coordonnees" or parent.startswith("contact-")
            if parent == "coordonnees-organisme" and "nom" in kids:
                contact = contact or (_raw_text(kids["nom"]) or "").casefold() not in organisations
            if not (contact or "prenom" in kids):
                continue
            found = [repair(v)[0] for k in ("prenom", "nom") if k in kids and (v := _raw_text(kids[k]))]
            names += found
            if len(found) == 2:
                names.append(" ".join(found))
        self.scrub = scrubber(names)
        self.repaired: list[str] = []

    def raw(self, node: etree._Element | None, field: str) -> str | None:
        """The element's text, mojibake repaired, not scrubbed (codes, URLs)."""
        raw = _raw_text(node)
        if raw is None:
            return None
        value, fixed = repair(raw)
        if fixed and field not in self.repaired:
            self.repaired.append(field)
        return value

    def text(self, node: etree._Element | None, field: str) -> str | None:
        """The element's text, mojibake repaired and contact data scrubbed (every free text an item keeps)."""
        return self.scrub(self.raw(node, field))

    def first(self, node: etree._Element, name: str, field: str | None = None) -> str | None:
        for el in _descendants(node, name):
            if value := self.text(el, field or name):
                return value
        return None

    def all(self, node: etree._Element, name: str, field: str | None = None) -> list[str]:
        found = (self.text(el, field or name) for el in _descendants(node, name))
        return list(dict.fromkeys(v for v in found if v))


def _http(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v and scheme_error(v) is None), None)


def _web(rec: _Record, node: etree._Element | None) -> str | None:
    """The first http(s) `urlweb` of a web or url-* element (never of a contact)."""
    if node is None:
        return None
    return _http(rec.raw(u, "url") for u in node.iter() if isinstance(u.tag, str) and local(u.tag) == "urlweb")


def _place(address: etree._Element) -> dict[str, str]:
    """Town-level location of a training place or organisation: never street lines or contact details."""
    kids = children(address)
    out = {}
    for key, name in (
        ("town", "ville"),
        ("postcode", "codepostal"),
        ("department", "departement"),
        ("region", "region"),
        ("country", "pays"),
    ):
        value = _raw_text(kids[name][0]) if kids.get(name) else None
        if value:
            out[key] = repair(value)[0]
    return out


def _organisation(rec: _Record, org: etree._Element | None) -> dict[str, Any]:
    if org is None:
        return {}
    kids = children(org)
    coords = next(iter(kids.get("coordonnees-organisme") or []), None)
    address = next((a for a in coords.iter() if local(a.tag) == "adresse"), None) if coords is not None else None
    web = next((w for w in coords.iter() if local(w.tag) == "web"), None) if coords is not None else None
    place = _place(address) if address is not None else {}
    return {
        "name": rec.first(org, "nom-organisme", "provider") or rec.first(org, "raison-sociale", "provider"),
        "legal_name": rec.first(org, "raison-sociale", "provider"),
        "siret": rec.first(org, "SIRET", "siret"),
        "activity_number": rec.first(org, "numero-activite", "activity_number"),
        "uai": rec.first(org, "code-UAI", "uai"),
        "url": _web(rec, web),
        "place": place or None,
    }


def _actions(offer: etree._Element) -> list[etree._Element]:
    """2.x: the offer's `action`s; 1.3: the offer's `organisation-formation` (how, where, when: one action)."""
    kids = children(offer)
    return kids.get("action") or kids.get("organisation-formation") or []


def _action(rec: _Record, action: etree._Element, stats: dict[str, int]) -> dict[str, Any]:
    sessions = []
    for session in _descendants(action, "session"):
        period = _first_el(session, "periode")
        start_raw = _code(period, "debut") if period is not None else None
        end_raw = _code(period, "fin") if period is not None else None
        start, end = _date(start_raw), _date(end_raw)
        if start_raw and not start and start_raw not in ("00000000", "99999999"):
            stats["lheo/imprecise_dates"] = stats.get("lheo/imprecise_dates", 0) + 1
        sessions.append(
            {
                "id": session.get("numero"),
                "start": start,
                "end": end if not (start and end and end < start) else None,
                "start_raw": start_raw,
                "end_raw": end_raw,
                "state": _code(session, "etat-recrutement"),
            }
        )
    mode = _code(action, "modalites-enseignement")
    foad = _code(action, "FOAD")
    places = [ad for a in _descendants(action, "lieu-de-formation") for ad in a.iter() if local(ad.tag) == "adresse"]
    trainers = [
        {
            "name": rec.first(t, "raison-sociale-formateur", "trainer"),
            "siret": rec.first(t, "SIRET", "trainer_siret"),
        }
        for t in _descendants(action, "organisme-formateur")
    ]
    return {
        "id": action.get("numero"),
        "sessions": sessions,
        "teaching_mode": TEACHING_MODES.get(mode or "", mode),
        "foad": None if foad is None else ("FOAD: oui" if foad.lower() in _TRUE else "FOAD: non"),
        "languages": rec.all(action, "langue-formation", "languages"),
        "rhythm": rec.first(action, "rythme-formation", "rhythm"),
        "duration": rec.first(action, "duree-indicative", "duration"),
        "hours_total": _code(action, "nombre-heures-total"),
        "hours_centre": _code(action, "nombre-heures-centre"),
        "hours_company": _code(action, "nombre-heures-entreprise"),
        "price_total_ttc": _code(action, "prix-total-TTC"),
        "price_hourly_ttc": _code(action, "prix-horaire-TTC"),
        "url": _web(rec, _first_el(action, "url-action")),
        "places": [p for p in (_place(a) for a in places) if p],
        "trainers": [t for t in trainers if t["name"] or t["siret"]],
        "funders": [FUNDERS.get(c, c) for c in (_raw_text(f) for f in _descendants(action, "code-financeur")) if c],
        "alternance": rec.first(action, "modalite-alternance", "alternance")
        or rec.first(action, "modalites-alternance", "alternance"),
        "teaching_methods": rec.first(action, "modalites-pedagogiques", "teaching_methods"),
        "admission": rec.first(action, "modalites-recrutement", "admission"),
        "prerequisites": rec.first(action, "conditions-specifiques", "prerequisites"),
    }


def _number(value: str | None) -> float | None:
    if not value or not _NUMBER.match(value.strip()):
        return None
    number = float(value.strip().replace(",", "."))
    return number if number > 0 else None


def _level(code: str | None) -> tuple[str | None, str | None]:
    """(label, framework) of a dict-niveaux code, the code itself when the dictionary does not know it."""
    if not code:
        return None, None
    if code in LEVELS_2019:
        return LEVELS_2019[code], CNCP
    if code in LEVELS_1969:
        return LEVELS_1969[code], NOMENCLATURE_1969
    return NO_LEVEL.get(code, code), None


def _certifications(rec: _Record, offer: etree._Element) -> list[dict[str, str]]:
    out = []
    for cert in _descendants(offer, "certification"):
        found = {
            key: value
            for key, name in (("rncp", "code-RNCP"), ("certifinfo", "code-CERTIFINFO"), ("rs", "code-RS"))
            if (value := rec.first(cert, name, "certification"))
        }
        if found:
            out.append(found)
    return out


def _synthetic_id(title: str | None, org: dict[str, Any], certs: list[dict[str, str]], actions: list[Any]) -> str:
    """LHÉO 1.3 offers often carry no `numero`: a stable id from what identifies the offer in the document."""
    first = actions[0] if actions else {}
    key = "|".join(
        str(x)
        for x in (
            org.get("siret"),
            title,
            certs,
            [p.get("postcode") for a in actions for p in a["places"]],
            first.get("sessions", [{}])[0].get("start_raw") if first.get("sessions") else None,
        )
    )
    return "lheo-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def offer_item(offer: etree._Element, version: str, stats: dict[str, int]) -> dict[str, Any]:
    """One LHÉO offer (1.3 `offre-formation` or 2.x `formation`) as an item of values as LHÉO gives them."""
    rec = _Record(offer)
    kids = children(offer)
    what = next(iter(kids.get("action-formation") or []), offer)  # 1.3 keeps what is taught in action-formation
    title = rec.first(what, "intitule-formation", "title") or rec.first(what, "intitule-action", "title")
    objective = rec.first(what, "objectif-formation", "objective")
    content = rec.first(what, "contenu-formation", "content")
    results = rec.first(what, "resultats-attendus", "expected_results")
    responsible = next(iter(_descendants(offer, "organisme-formation-responsable")), None)
    org = _organisation(rec, responsible)
    actions = [_action(rec, a, stats) for a in _actions(offer)]
    level_code = _code(what, "code-niveau-sortie")
    level_label, framework = _level(level_code)
    entry_code = _code(what, "code-niveau-entree") or next(
        (c for a in _actions(offer) if (c := _code(a, "code-niveau-entree"))), None
    )
    certs = _certifications(rec, what)
    sid = offer.get("numero") or (actions[0]["id"] if len(actions) == 1 and actions[0]["id"] else None)
    if not sid:
        sid = _synthetic_id(title, org, certs, actions)
        stats["lheo/synthetic_ids"] = stats.get("lheo/synthetic_ids", 0) + 1
    modes = list(dict.fromkeys(m for a in actions for m in (a["teaching_mode"], a["foad"]) if m))
    hours = [h for a in actions if (h := _number(a["hours_total"])) is not None]
    prices = [p for a in actions if (p := _number(a["price_total_ttc"])) is not None]
    stated = rec.all(what, "conditions-specifiques", "prerequisites")
    prerequisites = list(dict.fromkeys(stated + [a["prerequisites"] for a in actions if a["prerequisites"]]))
    rncp = next((c["rncp"] for c in certs if c.get("rncp")), None)
    rs = next((c["rs"] for c in certs if c.get("rs")), None)
    certifying = rec.first(what, "certifiante", "certifying") or rec.first(what, "diplomante", "certifying")
    runs = [
        {k: v for k, v in (("run_id", s["id"]), ("start_date", s["start"]), ("end_date", s["end"])) if v}
        for a in actions
        for s in a["sessions"]
        if s["id"] or s["start"]
    ]
    domain = {
        "formacode": rec.all(what, "code-FORMACODE", "domain"),
        "nsf": rec.all(what, "code-NSF", "domain"),
        "rome": rec.all(what, "code-ROME", "domain"),
    }
    item: dict[str, Any] = {
        "source_id": sid,
        "url": _web(rec, _first_el(what, "url-formation")) or _http(a["url"] for a in actions),
        "title": title,
        "title_lang": "fr" if title else None,
        "titles": {"fr": title} if title else {},
        "description": "\n\n".join(t for t in (objective, content) if t) or None,
        "provider": org.get("name"),
        "provider_url": org.get("url"),
        **({"country": country} if (country := (org.get("place") or {}).get("country", "")).isalpha() else {}),
        "languages": list(dict.fromkeys(lang for a in actions for lang in a["languages"])),
        "learning_outcomes": [
            {"text": without_marker(line), "lang": "fr"}
            for line in (objective or "").split("\n")
            if line and not line.endswith(":")
        ],
        "level_raw": level_label,
        "certificate_type": results if results and len(results) <= 300 else None,
        "quality_assurance": (
            f"certification registered in France's national register RNCP (RNCP{rncp})"
            if rncp
            else f"certification registered in France's répertoire spécifique (RS{rs})"
            if rs
            else None
        ),
        "participation_raw": "; ".join(modes) or None,
        "duration_raw": next((a["duration"] for a in actions if a["duration"]), None)
        or rec.first(what, "duree-indicative", "duration"),
        "workload_hours_min": min(hours) if hours else None,
        "workload_hours_max": max(hours) if hours else None,
        # several actions, several prices: all listed, the normaliser takes the lowest and says so
        "price_raw": " ; ".join(f"{p:g} € TTC" for p in dict.fromkeys(prices)) or None,
        "prerequisites": "\n\n".join(prerequisites) or None,
        "runs": runs,
        "extras": {
            "lheo_version": version,
            "level_code": level_code,
            "level_framework": framework,
            "entry_level": _level(entry_code)[0],
            "entry_level_required": None
            if (required := _code(offer, "niveau-entree-obligatoire")) is None
            else required.lower() in _TRUE,
            "certifying": None if certifying is None else certifying.lower() in _TRUE,
            "certifications": certs or None,
            "expected_results": results,
            "objective": objective,
            "content": content,
            "domain": {k: v for k, v in domain.items() if v} or None,
            "target_public_codes": rec.all(offer, "code-public-vise", "target_public") or None,
            "pathway": PATHWAYS.get(_code(what, "parcours-de-formation") or "", None),
            "general_objective": GENERAL_OBJECTIVES.get(_code(what, "objectif-general-formation") or "", None),
            "modules": rec.all(offer, "reference-module", "modules") or None,
            "participation_forms": {m: FORMS[m] for m in modes if m in FORMS} or None,
            "provider_organisation": {k: v for k, v in org.items() if v and k not in ("name", "url")} or None,
            "prices_total_ttc_eur": prices or None,
            "actions": [
                {
                    k: v
                    for k, v in a.items()
                    if v not in (None, [], "") and k not in ("languages", "prerequisites", "url")
                }
                for a in actions
            ],
            "text_repaired": {
                "fields": rec.repaired,
                "repair": "double-encoded UTF-8 (mojibake) decoded again (ftfy.fix_encoding)",
            }
            if rec.repaired
            else None,
        },
    }
    if rec.repaired:
        stats["lheo/mojibake_repaired"] = stats.get("lheo/mojibake_repaired", 0) + 1
    return item


def _offers(root: etree._Element) -> Iterator[etree._Element]:
    """Every offer under `offres` (also inside an `lheo-plus` wrapper)."""
    for offres in root.iter("{*}offres"):
        yield from (o for o in offres if isinstance(o.tag, str) and local(o.tag) in OFFER_ELEMENTS)


@too_deep_is_parse_error("lheo")
def parse(body: bytes, url: str) -> Page:
    root = load_xml(body, "lheo")
    name = local(root.tag)
    if name not in ("lheo", "lheo-plus"):
        raise ParseError(f"lheo: expected an <lheo> document, got <{name}>")
    heads = [root, *(el for el in root if isinstance(el.tag, str) and local(el.tag) == "lheo")]  # lheo-plus wraps
    signed = next((s for el in heads if isinstance(el.tag, str) and (s := xml_signature(el.tag))), None)
    version = VERSIONS.get(signed or "", "unsigned")
    page = Page()
    page.stats[f"lheo/version/{version}"] = 1
    seen: set[str] = set()
    found = 0
    for offer in _offers(root):
        found += 1
        item = guard_record(page, SOURCE, offer.get("numero"), partial(offer_item, offer, version, page.stats))
        keep_unique(page, SOURCE, item, seen, "duplicate offer number in one document", "lheo/missing_language")
    page.stats["lheo/offers"] = found
    if not found:
        page.stats["errors/empty_results"] = 1
    return page
