"""CDM-fr: the French profile of the CEN Course Description Metadata (EN 15982), as French universities export their
offer of training (ROF, "référentiel de l'offre de formation").

A document is `CDM` (namespace `http://cdm-fr.fr/2006/CDM-frSchema`, `dispatch.XML_SIGNATURES`) holding `orgUnit`s
(the university and its components, nested), `program`s (degrees and their tracks; `subProgram`s inside a program),
`course`s and `person`s, linked by id (`refProgram`, `refCourse`, `refOrgUnit`, `refPerson` with `idRef`).
Every program and every course is an offer. A program lists its member courses (`programStructure/refCourse`) in
`extras.member_courses` and `stackability` (scrapers.parsers.common.programme); a course names the programs it
belongs to (`part_of`). The provider is the top `orgUnit` (the university), the component that carries the program
goes to `extras.component`.

Texts are multilingual: `text language="fr-FR"` and `subBlock blockLang="en-GB"`; every language is kept with its
ISO 639-1 code (`titles`, `extras.descriptions`, outcomes' `lang`), English first where published. Name variants
that are not a language (`fr-FR-MTP`, `fr-FR-TRL`: search forms) go to `extras.name_variants`. `subBlock`s typed by
`userDefined` (domaine / mention / spécialité, forms of teaching) are facts, read by name.

Personal data: `person` elements (names, addresses, phones, e-mails) and `contacts` are never read; `email`
elements inside texts become "[e-mail]"; the persons' names, phone numbers and "M./Mme Name" are scrubbed from every
text kept (fr_text.scrubber), and information blocks that are contact lines (an e-mail or a phone number in them)
are dropped, counted as `cdm_fr/contact_blocks_dropped`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import Any

from lxml import etree

from models.offer import form_vocabulary
from models.urls import scheme_error
from scrapers.parsers.base import Page, ParseError, Reject, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import member, programme
from scrapers.parsers.dispatch import xml_signature
from scrapers.parsers.fr_text import clean_lines, repair, scrubber, without_marker
from scrapers.parsers.xml import load_xml, local

SOURCE = "cdm_fr"
_BLOCK = {"subBlock", "p", "li", "div", "h1", "h2", "h3", "h4", "list", "item", "listItem"}
_LANG = re.compile(r"^([a-z]{2})(?:-[A-Za-z]{2})?$")
# CDM-fr `formOfTeaching` subBlock enseignementADistance: how much of the teaching is at a distance
DISTANCE = "enseignement à distance"
FORMS = form_vocabulary(
    {
        f"{DISTANCE} : aucune": "on-site",
        f"{DISTANCE} : aucun": "on-site",
        f"{DISTANCE} : non": "on-site",
        f"{DISTANCE} : partielle": "blended",
        f"{DISTANCE} : partiel": "blended",
        f"{DISTANCE} : hybride": "blended",
        f"{DISTANCE} : totale": "online",
        f"{DISTANCE} : total": "online",
        f"{DISTANCE} : intégrale": "online",
        f"{DISTANCE} : oui": None,  # at a distance, fully or partly: the flag does not say
    }
)


def _kids(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and local(c.tag) == name]


def _kid(node: etree._Element | None, name: str) -> etree._Element | None:
    if node is None:
        return None
    return next(iter(_kids(node, name)), None)


def _iso(tag: str | None) -> str | None:
    m = _LANG.match((tag or "").strip())
    return m.group(1).lower() if m else None


def _block_lang(block: etree._Element, stop: etree._Element) -> str:
    """The ISO language of the nearest `blockLang` from `block` up to `stop`; "" when none says."""
    for el in (block, *block.iterancestors()):
        if el is stop:
            break
        if lang := _iso(el.get("blockLang")):
            return lang
    return ""


def _pick(texts: dict[str, str]) -> tuple[str | None, str | None]:
    """English where published, else French, else any language; (text, iso code)."""
    for lang in ("en", "fr"):
        if texts.get(lang):
            return texts[lang], lang
    for lang, value in texts.items():
        return value, lang or None
    return None, None


class _Doc:
    """The document's texts (mojibake repaired, contacts scrubbed) and its id index."""

    def __init__(self, root: etree._Element) -> None:
        self.by_id: dict[str, etree._Element] = {}
        for el in root.iter():
            if isinstance(el.tag, str) and (ident := el.get("id")):
                self.by_id.setdefault(ident, el)
        names = []
        for person in (el for el in root.iter() if isinstance(el.tag, str) and local(el.tag) == "person"):
            name = _kid(person, "name")
            if name is None:
                continue
            parts = [" ".join("".join(str(t) for t in n.itertext()).split()) for n in name if isinstance(n.tag, str)]
            found = [p for p in parts if p]
            names += found + ([" ".join(found)] if len(found) > 1 else [])
        self.scrub = scrubber(repair(n)[0] for n in names)
        self.repaired: set[str] = set()
        self.dropped = 0

    def render(self, node: etree._Element, field: str) -> str | None:
        """Plain text of a CDM text element: `br` and blocks are line breaks, `email` never kept, links as URL."""
        parts: list[str] = []

        def walk(el: etree._Element) -> None:
            if el.text:
                parts.append(" ".join(el.text.split()) + (" " if el.text[-1:].isspace() else ""))
            for child in el:
                if isinstance(child.tag, str):
                    tag = local(child.tag)
                    if tag == "br":
                        parts.append("\n")
                    elif tag == "email":
                        parts.append("[e-mail]")
                    elif tag == "webLink":
                        parts.append(_href(child))
                    elif tag == "extension":
                        pass
                    else:
                        block = tag in _BLOCK
                        parts.append("\n" if block else "")
                        walk(child)
                        parts.append("\n" if block else "")
                if child.tail:
                    parts.append(" ".join(child.tail.split()) + (" " if child.tail[-1:].isspace() else ""))

        walk(node)
        value = clean_lines("".join(parts))
        if value is None:
            return None
        value, fixed = repair(value)
        if fixed:
            self.repaired.add(field)
        return self.scrub(value)

    def by_lang(self, node: etree._Element | None, field: str) -> dict[str, str]:
        """Per ISO language, the text of `text language=..` children and of untyped `subBlock blockLang=..`s."""
        out: dict[str, list[str]] = {}
        if node is None:
            return {}

        def add(lang: str, el: etree._Element) -> None:
            value = self.render(el, field)
            if value:
                out.setdefault(lang, []).append(value)

        for child in node:
            if not isinstance(child.tag, str):
                continue
            tag = local(child.tag)
            if tag == "text":
                lang = child.get("language") or ""
                if lang and _iso(lang) is None:
                    continue  # a search form (fr-FR-MTP ...), not a language
                add(_iso(lang) or "", child)
            elif tag == "subBlock" and child.get("userDefined") is None:
                add(_iso(child.get("blockLang")) or "", child)
        return {k: "\n".join(dict.fromkeys(v)) for k, v in out.items()}

    def information(self, node: etree._Element | None, field: str) -> dict[str, str]:
        """An information block's lines by ISO language (typed or not), contact lines (an e-mail, a phone) dropped."""
        out: dict[str, list[str]] = {}
        if node is None:
            return {}
        for block in node.iter():
            if not (isinstance(block.tag, str) and local(block.tag) == "subBlock"):
                continue
            if any(isinstance(c.tag, str) and local(c.tag) == "subBlock" for c in block):
                continue  # read through its lines
            if self._is_contact(block):
                self.dropped += 1
                continue
            lang = _block_lang(block, node)
            if value := self.render(block, field):
                out.setdefault(lang, []).append(value)
        return {k: "\n".join(dict.fromkeys(v)) for k, v in out.items()}

    def _is_contact(self, el: etree._Element) -> bool:
        raw = "".join(str(t) for t in el.itertext())
        return any(isinstance(e.tag, str) and local(e.tag) == "email" for e in el.iter()) or self.scrub.has_contact(raw)

    def typed(self, node: etree._Element | None, field: str) -> dict[str, str]:
        """`subBlock userDefined="name"` facts under `node` (nested), by name."""
        out: dict[str, str] = {}
        if node is None:
            return out
        for block in node.iter():
            if isinstance(block.tag, str) and local(block.tag) == "subBlock" and (name := block.get("userDefined")):
                if any(isinstance(c.tag, str) and local(c.tag) == "subBlock" for c in block):
                    continue  # a group of facts, read through its members
                value = self.render(block, field)
                if value:
                    out.setdefault(name, value)
        return out


def _names(doc: _Doc, node: etree._Element, element: str) -> tuple[dict[str, str], dict[str, str]]:
    """(titles by ISO language, variants that are no language) of a programName / courseName / orgUnitName."""
    name = _kid(node, element)
    if name is None:
        return {}, {}
    titles: dict[str, str] = {}
    variants: dict[str, str] = {}
    for text in _kids(name, "text"):
        value = doc.render(text, "title")
        if not value:
            continue
        lang = text.get("language") or ""
        iso = _iso(lang)
        if iso or not lang:
            titles.setdefault(iso or "", value)
        else:
            variants.setdefault(lang, value)
    if not titles and (value := doc.render(name, "title")):
        titles[""] = value
    return titles, variants


def _href(link: etree._Element) -> str:
    """The address of a `webLink` (its `href`, else its own text)."""
    href = _kid(link, "href")
    return "".join(str(t) for t in (href if href is not None else link).itertext()).strip()


def _url(node: etree._Element) -> str | None:
    for link in _kids(node, "webLink"):
        href = _href(link)
        if href and scheme_error(href) is None:
            return href
    return None


def _ects(node: etree._Element) -> str | None:
    credits = _kid(node, "credits")
    if credits is None:
        return None
    value = credits.get("ECTScredits") or credits.get("ectsCredits")
    if value is None and (inner := _kid(credits, "ECTScredits")) is not None:
        value = "".join(str(t) for t in inner.itertext())
    return (value or "").strip() or None


def _level(doc: _Doc, node: etree._Element) -> str | None:
    level = _kid(node, "level")
    if level is None:
        return None
    return (level.get("level") or "").strip() or (doc.render(level, "level") or "").replace("\n", " ") or None


def _languages(node: etree._Element) -> list[str]:
    found = []
    for lang in _kids(node, "instructionLanguage"):
        code = _iso(lang.get("teachingLang") or "".join(str(t) for t in lang.itertext()).strip())
        if code:
            found.append(code)
    return list(dict.fromkeys(found))


def _distance(doc: _Doc, node: etree._Element) -> tuple[str | None, dict[str, Any] | None, dict[str, str]]:
    """(participation words, forms they name, every typed fact of formOfTeaching)."""
    facts = doc.typed(_kid(node, "formOfTeaching"), "form_of_teaching")
    value = facts.get("enseignementADistance")
    if not value:
        return None, None, facts
    words = f"{DISTANCE} : {value.lower()}"
    return words, ({words: FORMS[words]} if words in FORMS else None), facts


def _outcomes(objectives: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for lang, value in objectives.items():
        for line in value.split("\n"):
            line = without_marker(line)
            if line and not line.endswith(":"):
                out.append({"text": line, "lang": lang} if lang else {"text": line})
    return out


class _Links:
    """Who refers to whom: a program's courses and sub-programs, each course's programs, each program's org unit."""

    def __init__(self, root: etree._Element, doc: _Doc) -> None:
        self.courses: dict[str, list[str]] = {}
        self.programs: dict[str, list[str]] = {}
        self.part_of: dict[str, list[str]] = {}
        self.org_of: dict[str, etree._Element] = {}
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            tag = local(el.tag)
            if tag in ("program", "subProgram"):
                pid = _id(el, "programID")
                for holder in [el, *_kids(el, "programStructure")]:
                    for ref in _kids(holder, "refCourse"):
                        self._link(self.courses, pid, ref.get("idRef"))
                    for ref in _kids(holder, "refProgram"):
                        self._link(self.programs, pid, ref.get("idRef"))
                    for ref in _kids(holder, "refOrgUnit"):
                        if (unit := doc.by_id.get(ref.get("idRef") or "")) is not None:
                            self.org_of.setdefault(pid or "", unit)
                for sub in _kids(el, "subProgram"):
                    self._link(self.programs, pid, _id(sub, "programID"))
            elif tag == "orgUnit":
                for ref in _kids(el, "refProgram"):
                    self.org_of.setdefault(ref.get("idRef") or "", el)
        for pid, members in [*self.courses.items(), *self.programs.items()]:
            for mid in members:
                self.part_of.setdefault(mid, []).append(pid)

    @staticmethod
    def _link(table: dict[str, list[str]], parent: str | None, child: str | None) -> None:
        if parent and child and child not in table.setdefault(parent, []):
            table[parent].append(child)


def _id(node: etree._Element, element: str) -> str | None:
    found = _kid(node, element)
    value = "".join(str(t) for t in found.itertext()).strip() if found is not None else ""
    return value or node.get("id") or None


def _top_unit(unit: etree._Element | None) -> etree._Element | None:
    """The outermost orgUnit around `unit` (the university)."""
    top = unit
    while unit is not None:
        if isinstance(unit.tag, str) and local(unit.tag) == "orgUnit":
            top = unit
        unit = unit.getparent()
    return top


def offer_item(
    doc: _Doc, links: _Links, node: etree._Element, root_units: list[etree._Element], kind: str
) -> dict[str, Any]:
    """One program or course as an item of values as CDM-fr gives them."""
    is_program = kind in ("program", "subProgram")
    doc.repaired = set()  # the fields of this offer whose text was repaired
    sid = _id(node, "programID" if is_program else "courseID")
    titles, variants = _names(doc, node, "programName" if is_program else "courseName")
    title, title_lang = _pick(titles)
    descriptions = doc.by_lang(_kid(node, "programDescription" if is_program else "courseDescription"), "description")
    description, _ = _pick(descriptions)
    objectives = doc.by_lang(_kid(node, "learningObjectives"), "learning_objectives")
    prerequisites = {
        **doc.by_lang(_kid(node, "recommendedPrerequisites"), "prerequisites"),
        **doc.by_lang(_kid(node, "formalPrerequisites"), "prerequisites"),
    }
    assessment = doc.by_lang(_kid(node, "formOfAssessment"), "assessment") or doc.by_lang(
        _kid(node, "regulations"), "assessment"
    )
    participation, forms, teaching = _distance(doc, node)
    unit = links.org_of.get(sid or "")
    top = _top_unit(unit) if unit is not None else (root_units[0] if len(root_units) == 1 else None)
    provider_titles = _names(doc, top, "orgUnitName")[0] if top is not None else {}
    facts = doc.typed(_kid(node, "programDescription" if is_program else "courseDescription"), "description")
    subjects = [facts[k] for k in ("domaine", "mention", "specialite") if facts.get(k)]
    qualification = _kid(node, "qualification")
    qualification_name = (
        _pick(_names(doc, qualification, "qualificationName")[0])[0] if qualification is not None else None
    )
    item: dict[str, Any] = {
        "source_id": sid,
        "url": _url(node),
        "title": title,
        "title_lang": title_lang,
        "titles": {k: v for k, v in titles.items() if k},
        "description": description,
        "provider": _pick(provider_titles)[0],
        "provider_url": _url(top) if top is not None else None,
        "languages": _languages(node),
        "learning_outcomes": _outcomes(objectives),
        "ects": _ects(node),
        "level_raw": _level(doc, node),
        "certificate_type": qualification_name,
        "assessment": _pick(assessment)[0],
        "participation_raw": participation,
        "duration_raw": _pick(
            doc.by_lang(_kid(node, "programDuration" if is_program else "courseDuration"), "duration")
        )[0],
        "prerequisites": _pick(prerequisites)[0],
        "subjects": subjects,
        "part_of": links.part_of.get(sid or "", []),
        "extras": {
            "cdm_kind": kind,
            "descriptions": {k: v for k, v in descriptions.items() if k} or None,
            "learning_objectives": {k: v for k, v in objectives.items() if k} or None,
            "prerequisites": prerequisites or None,
            "name_variants": variants or None,
            "code": _id(node, "programCode" if is_program else "courseCode")
            if _kid(node, "programCode" if is_program else "courseCode") is not None
            else None,
            "facts": facts or None,
            "form_of_teaching": teaching or None,
            "participation_forms": forms,
            "keywords": [w for w in (doc.render(s, "keywords") for s in _kids(node, "searchword")) if w] or None,
            "qualification": {
                **doc.typed(qualification, "qualification"),
                **{
                    k: v
                    for k, v in (
                        ("professions", _pick(doc.by_lang(_kid(qualification, "profession"), "qualification"))[0]),
                        (
                            "further_studies",
                            _pick(doc.by_lang(_kid(qualification, "studyQualification"), "qualification"))[0],
                        ),
                    )
                    if v
                },
            }
            if qualification is not None
            else None,
            "component": _pick(_names(doc, unit, "orgUnitName")[0])[0]
            if unit is not None and unit is not top
            else None,
            "provider_code": _id(top, "orgUnitCode")
            if top is not None and _kid(top, "orgUnitCode") is not None
            else None,
            "information": doc.information(_kid(node, "infoBlock"), "information") or None,
            "expenses": _pick(doc.by_lang(_kid(node, "expenses"), "expenses"))[0],
            "admission": _pick(doc.by_lang(_kid(node, "admissionInfo"), "admission"))[0],
        },
    }
    if doc.repaired:
        item["extras"]["text_repaired"] = {
            "fields": sorted(doc.repaired),
            "repair": "double-encoded UTF-8 (mojibake) decoded again (ftfy.fix_encoding)",
        }
    if is_program:
        courses = [
            member(
                cid, _pick(_names(doc, c, "courseName")[0])[0] if (c := doc.by_id.get(cid)) is not None else None, None
            )
            for cid in links.courses.get(sid or "", [])
        ]
        item["extras"]["sub_programs"] = links.programs.get(sid or "") or None
        if courses:
            programme(item, item["certificate_type"] or item["level_raw"] or "programme", courses)
        else:
            item["extras"]["offer_type"] = "programme"
    return item


def _offers(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    for el in root.iter():
        if isinstance(el.tag, str) and (tag := local(el.tag)) in ("program", "subProgram", "course"):
            yield el, tag


@too_deep_is_parse_error("cdm-fr")
def parse(body: bytes, url: str) -> Page:
    root = load_xml(body, "cdm-fr")
    if local(root.tag) != "CDM":
        raise ParseError(f"cdm-fr: expected a <CDM> document, got <{local(root.tag)}>")
    doc = _Doc(root)
    links = _Links(root, doc)
    page = Page()
    page.stats[f"cdm_fr/profile/{'cdm-fr' if xml_signature(root.tag) == 'cdm_fr' else 'unsigned'}"] = 1
    root_units = _kids(root, "orgUnit")
    seen: set[str] = set()
    counts = {"program": 0, "subProgram": 0, "course": 0}
    for node, kind in _offers(root):
        counts[kind] += 1
        ident = node.get("id")
        item = guard_record(page, SOURCE, ident, partial(offer_item, doc, links, node, root_units, kind))
        if item is None:
            continue
        sid = item["source_id"]
        if not sid:
            page.rejects.append(Reject(SOURCE, None, f"source_id: {kind} without id", {"title": item["title"]}))
            continue
        if sid in seen:
            page.rejects.append(Reject(SOURCE, sid, "source_id: duplicate id in one document"))
            continue
        seen.add(sid)
        if item["extras"].get("text_repaired"):
            page.stats["cdm_fr/mojibake_repaired"] = page.stats.get("cdm_fr/mojibake_repaired", 0) + 1
        if not item["languages"]:
            page.stats["cdm_fr/missing_language"] = page.stats.get("cdm_fr/missing_language", 0) + 1
        page.items.append(item)
    for kind, count in counts.items():
        if count:
            page.stats[f"cdm_fr/{kind}s"] = count
    persons = sum(1 for el in root.iter() if isinstance(el.tag, str) and local(el.tag) == "person")
    if persons:
        page.stats["cdm_fr/persons_not_read"] = persons
    if doc.dropped:
        page.stats["cdm_fr/contact_blocks_dropped"] = doc.dropped
    if not any(counts.values()):
        page.stats["errors/empty_results"] = 1
    return page
