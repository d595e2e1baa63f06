"""Europass XML before ELM 3: the EDCI 1.x credential and the Qualification Dataset Register's learning opportunities.

Two XML serialisations of the Europass Learning Model's earlier versions (EDCI / ELM 1.x-2.x) are still around:
the Europass credential (`<europassCredential>`: a credential subject with its achievements, activities and
assessments, and `...References` sections holding the specifications, learning outcomes and organisations) and the
learning-opportunity datasets publishers uploaded to the Europass QDR (`learningOpportunity`,
`learningSpecification`, `qualification`). Both write strings as `<title><text lang="en">...</text></title>`, codes
as `<eqfLevel uri="..."><targetName><text lang="en">Level 6</text></targetName></eqfLevel>`, links as
`idref="..."`, and use a few property names ELM 3 later renamed (`wasAwardedBy`, `hasLocation`, `teaches`, ...).

`read(root)` turns such a document into the neutral graph of `scrapers.parsers.elm` (nodes with `id` and `_class`,
properties keyed by ELM 3's lower-cased local names, language maps as `{"_lang": {...}}`), so the one mapping in
elm.py serves every version. Which documents are read this way is decided by their root element and namespace
(`scrapers.parsers.dispatch.xml_signature`), never by guessing.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from scrapers.parsers.xml import local

# ELM 1.x-2.x property names -> the ELM 3 names elm.py reads (all lower-cased local names).
ALIASES = {
    "wasawardedby": "awardedby",
    "wasinfluencedby": "influencedby",
    "wasderivedfrom": "provenby",
    "haslocation": "location",
    "hasaddress": "address",
    "definition": "description",
    "learningoutcomedescription": "learningoutcomesummary",
    "entryrequirementsnote": "entryrequirement",
    "entryrequirements": "entryrequirement",
    "teaches": "learningoutcome",
    "learningopportunitytype": "dctype",
    "type": "dctype",  # dc:type is `dcType` in JSON-LD, as in the LOQ XML reader
    "learningspecification": "learningachievementspecification",
    "targetname": "preflabel",  # a code's label
    "targetdescription": "description",
    "preferredname": "preflabel",
    "name": "preflabel",  # a learning outcome's or an organisation's name
    "alternativelabel": "altlabel",
    "alternativename": "altlabel",
    "instructionlanguage": "language",
    "pricedetails": "pricedetail",
    "creditpoints": "creditpoint",
    "spatialid": "spatial",
    "currency": "unit",
    "homepages": "homepage",
}
# Element names that are classes under another name in ELM 3.
CLASS_ALIASES = {"organization": "organisation", "credentialsubject": "person"}
# Attributes that only qualify a text or say how it is written.
_TEXT_ATTRS = {"lang", "language", "content-type", "contenttype", "format"}


def _key(tag: str) -> str:
    name = local(tag).lower()
    return ALIASES.get(name, name)


def _classes(tag: str) -> list[str]:
    name = local(tag).lower()
    return [name, CLASS_ALIASES[name]] if name in CLASS_ALIASES else [name]


def _attrs(el: etree._Element) -> dict[str, str]:
    return {local(str(k)).lower(): str(v) for k, v in el.attrib.items()}


def _singular(name: str) -> str:
    return name[:-3] + "y" if name.endswith("ies") else name[:-1] if name.endswith("s") else name


def _is_wrapper(el: etree._Element, kids: list[etree._Element]) -> bool:
    """`<achievements><learningAchievement .../>...</achievements>`, `<learningOutcomes><learningOutcome .../>`: a
    plural element without attributes whose children all name its singular; its children become the parent's values
    under their own name."""
    if el.attrib or not kids:
        return False
    name = local(el.tag).lower()
    child = local(kids[0].tag).lower()
    return (
        name.endswith("s")
        and all(local(k.tag).lower() == child for k in kids)
        and child.endswith(_singular(name))
        and child != "text"
    )


def _lang_map(kids: list[etree._Element]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kid in kids:
        text = " ".join((kid.text or "").split())
        if text:
            attrs = _attrs(kid)
            out[attrs.get("lang") or attrs.get("language") or ""] = text
    return out


def _value(attr: str) -> Any:
    return {"id": attr} if attr.startswith(("http://", "https://", "urn:", "mailto:")) else attr


def read(el: etree._Element) -> Any:
    """One element in the neutral form of `scrapers.parsers.elm` (same shapes as its JSON-LD and LOQ readers)."""
    attrs = _attrs(el)
    if "idref" in attrs:
        return {"id": attrs["idref"], "_ref": True}
    kids = [c for c in el if isinstance(c.tag, str)]
    text = (el.text or "").strip()
    if kids and all(local(k.tag) == "text" for k in kids):  # <title><text lang="en">...</text>...</title>
        texts = _lang_map(kids)
        if "uri" not in attrs and "id" not in attrs:
            return {"_lang": texts} if texts else None
        node: dict[str, Any] = {"_class": _classes(el.tag), "id": attrs.get("uri") or attrs.get("id")}
        if texts:
            node["preflabel"] = {"_lang": texts}
        return node
    lang = attrs.get("lang") or attrs.get("language")
    if not kids and lang is not None:
        return {"_lang": {lang: " ".join(text.split())}} if text else None
    extra = {k: v for k, v in attrs.items() if k not in _TEXT_ATTRS and k not in ("id", "uri", "xsdversion")}
    extra = {k: v for k, v in extra.items() if k not in ("schemalocation", "targetframeworkurl", "targetframeworkuri")}
    if not kids and "uri" not in attrs and "id" not in attrs and not extra:
        return text or None
    node = {"_class": _classes(el.tag)}
    if "id" in attrs or "uri" in attrs:
        node["id"] = attrs.get("uri") or attrs.get("id")
    for name, value in extra.items():
        node[ALIASES.get(name, name)] = _value(value)
    if not kids and text:
        node["value"] = text
    for child in kids:
        grand = [c for c in child if isinstance(c.tag, str)]
        if _is_wrapper(child, grand):
            key, values = _key(grand[0].tag), [read(g) for g in grand]
        else:
            key, values = _key(child.tag), [read(child)]
        for value in values:
            if value is not None:
                _add(node, key, value)
    return node


def _add(node: dict[str, Any], key: str, value: Any) -> None:
    if key not in node:
        node[key] = value
        return
    prev = node[key]
    if isinstance(prev, dict) and "_lang" in prev and isinstance(value, dict) and "_lang" in value:
        prev["_lang"].update(value["_lang"])
        return
    node[key] = (prev if isinstance(prev, list) else [prev]) + [value]
