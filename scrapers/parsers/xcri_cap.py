"""XCRI-CAP 1.2 course-advertising feeds (the UK standard built on the MLO model), from any publisher.

A feed is `catalog > provider > course > presentation`. One offer per course; its presentations become runs
(start, end, duration, study and attendance mode, language, cost, application window). The document is read
once with lxml and walked child by child (no per-node XPath), so a national feed of thousands of courses parses
in well under a second. Namespaces differ between publishers (the 1.2 profile namespace, `dc`, `dcterms`, `mlo`,
`credit`), so elements are matched by local name only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import partial
from typing import Any

from lxml import etree

from scrapers.parsers.base import Page, ParseError, Reject, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import outcomes, to_date
from scrapers.parsers.xml import load_xml, local

SOURCE = "xcri_cap"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Credit schemes whose points are UK credits (10 notional hours each, 2 per ECTS credit).
_UK_SCHEMES = re.compile(r"open university|cats|scqf|cqfw|\bfheq\b|\buk\b|credit accumulation", re.IGNORECASE)
_BLOCKS = {"p", "li", "div", "br", "h1", "h2", "h3", "h4", "tr", "dd", "dt"}
# Presentations dated before this are placeholders ("1900-01-01" for "start any time"), not real dates.
_PLACEHOLDER_BEFORE = "1970-01-01"


def _children(node: etree._Element) -> dict[str, list[etree._Element]]:
    """Child elements grouped by local name: one pass per element instead of a search per field."""
    out: dict[str, list[etree._Element]] = defaultdict(list)
    for child in node:
        if isinstance(child.tag, str):
            out[local(child.tag)].append(child)
    return out


def _text(node: etree._Element | None) -> str | None:
    """Plain text of a simple or XHTML-valued element; block elements become line breaks."""
    if node is None:
        return None
    if len(node) == 0:
        return (node.text or "").strip() or None
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        if el.text:
            parts.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                block = local(child.tag) in _BLOCKS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")
            if child.tail:
                parts.append(child.tail)

    walk(node)
    lines = [" ".join(line.split()) for line in "".join(parts).splitlines()]
    return "\n".join(line for line in lines if line) or None


def _first(kids: dict[str, list[etree._Element]], name: str) -> str | None:
    for node in kids.get(name, []):
        value = _text(node)
        if value:
            return value
    return None


def _all(kids: dict[str, list[etree._Element]], name: str) -> list[str]:
    return [v for v in (_text(n) for n in kids.get(name, [])) if v]


def _identifier(kids: dict[str, list[etree._Element]]) -> str | None:
    """The publisher's internal id where typed, else the first plain id, else the first (often a URL)."""
    ids = [(n.get(_XSI_TYPE) or "", v) for n in kids.get("identifier", []) if (v := _text(n))]
    for kind, value in ids:
        if kind.lower().endswith("internalid"):
            return value
    for _, value in ids:
        if not value.startswith(("http://", "https://")) and ":" not in value:
            return value
    return ids[0][1] if ids else None


def _credit(course: dict[str, list[etree._Element]]) -> dict[str, Any]:
    """ECTS where the scheme is ECTS; UK credit schemes as a UK-credit statement; all credits in extras."""
    credits = []
    for node in course.get("credit", []):
        kids = _children(node)
        credits.append(
            {"scheme": _first(kids, "scheme"), "level": _first(kids, "level"), "value": _first(kids, "value")}
        )
    out: dict[str, Any] = {"credits": credits}
    for c in credits:
        if c["value"] and re.fullmatch(r"\d+(?:[.,]\d+)?", c["value"]) and "ects" in (c["scheme"] or "").lower():
            out["ects"] = c["value"]
            return out
    for c in credits:
        if c["value"] and re.fullmatch(r"\d+(?:[.,]\d+)?", c["value"]) and _UK_SCHEMES.search(c["scheme"] or ""):
            level = f", level {c['level']}" if c["level"] else ""
            out["workload_raw"] = f"{c['value']} UK credits ({c['scheme']} scheme{level})"
            return out
    return out


def _presentation(node: etree._Element, stats: dict[str, int]) -> dict[str, Any]:
    kids = _children(node)
    start_node = next(iter(kids.get("start") or []), None)
    start = to_date(start_node.get("dtf")) if start_node is not None and start_node.get("dtf") else None
    start = start or to_date(_text(start_node))
    end = to_date(_first(kids, "end"))
    if start and start < _PLACEHOLDER_BEFORE:
        stats["xcri_cap/placeholder_start_dates"] = stats.get("xcri_cap/placeholder_start_dates", 0) + 1
        start = None
    if end and (end < _PLACEHOLDER_BEFORE or (start and end < start)):
        end = None
    venues = []
    for venue in kids.get("venue", []):
        provider = _children(venue).get("provider", [])
        name = _first(_children(provider[0]), "title") if provider else None
        if name:
            venues.append(name)
    return {
        "id": _first(kids, "identifier"),
        "start": start,
        "start_text": _text(start_node),
        "end": end,
        "duration": _first(kids, "duration"),
        "apply_from": to_date(_first(kids, "applyFrom")),
        "apply_until": to_date(_first(kids, "applyUntil")),
        "apply_to": _first(kids, "applyTo"),
        "study_mode": _first(kids, "studyMode"),
        "attendance_mode": _first(kids, "attendanceMode"),
        "attendance_pattern": _first(kids, "attendancePattern"),
        "languages": _all(kids, "languageOfInstruction"),
        "cost": _first(kids, "cost"),
        "places": _first(kids, "places"),
        "venues": venues,
        "description": _first(kids, "description"),
    }


def course_item(node: etree._Element, provider: dict[str, Any], stats: dict[str, int]) -> dict[str, Any]:
    kids = _children(node)
    titles: dict[str, str] = {}
    for t in kids.get("title", []):
        if title_text := _text(t):
            titles.setdefault(t.get(_XML_LANG) or "", title_text)
    title = titles.get("en") or titles.get("") or next(iter(titles.values()), None)
    descriptions = _all(kids, "description")
    abstract = _first(kids, "abstract")
    # dc:description may hold coded notes ("NLD Target Group Code: G"); those are extras, not prose.
    prose = [d for d in descriptions if not re.fullmatch(r"[A-Z][\w ]{0,30} Code: \w+", d)]
    description = "\n\n".join(dict.fromkeys(prose)) or abstract
    qualification = next(iter(kids.get("qualification") or []), None)
    qual = _children(qualification) if qualification is not None else {}
    presentations = [_presentation(p, stats) for p in kids.get("presentation", [])]
    languages = list(dict.fromkeys(lang for p in presentations for lang in p["languages"]))
    modes = list(
        dict.fromkeys(
            m for p in presentations for m in (p["attendance_mode"], p["study_mode"], p["attendance_pattern"]) if m
        )
    )
    subjects = []
    for s in kids.get("subject", []):
        value = _text(s)
        if value and value != s.get("identifier") and not re.match(r"^[A-Z]{2,6}\d?:", value):
            subjects.append(value)
    credit = _credit(kids)
    structured_outcomes = _all(kids, "learningOutcome")
    lang = languages[0].lower() if languages else None
    return {
        "source_id": _identifier(kids) or _first(kids, "url"),
        "url": _first(kids, "url"),
        "title": title,
        "titles": {k: v for k, v in titles.items() if k},
        "description": description,
        "provider": provider.get("name"),
        "provider_url": provider.get("url"),
        "languages": languages,
        "learning_outcomes": outcomes(structured_outcomes, description, lang),
        "prerequisites": _first(kids, "prerequisite"),
        "assessment": _first(kids, "assessment"),
        "level_raw": _first(qual, "educationLevel") or _first(qual, "level"),
        "certificate_type": _first(qual, "title"),
        "participation_raw": "; ".join(modes) or None,
        "duration_raw": next((p["duration"] for p in presentations if p["duration"]), None),
        "price_raw": next((p["cost"] for p in presentations if p["cost"]), None),
        "runs": [
            {k: v for k, v in (("run_id", p["id"]), ("start_date", p["start"]), ("end_date", p["end"])) if v}
            for p in presentations
            if p["id"] or p["start"]
        ],
        "subjects": list(dict.fromkeys(subjects)),
        **{k: v for k, v in credit.items() if k in ("ects", "workload_raw")},
        "extras": {
            "abstract": abstract,
            "objective": _first(kids, "objective"),
            "identifiers": _all(kids, "identifier"),
            "coded_descriptions": [d for d in descriptions if d not in prose] or None,
            "subject_codes": [s.get("identifier") for s in kids.get("subject", []) if s.get("identifier")],
            "credits": credit["credits"],
            "qualification": {
                "title": _first(qual, "title"),
                "level": _first(qual, "educationLevel"),
                "type": _first(qual, "type"),
                "awarded_by": _first(qual, "awardedBy"),
            }
            if qualification is not None
            else None,
            "presentations": presentations,
        },
    }


def _provider(node: etree._Element) -> dict[str, Any]:
    kids = _children(node)
    return {"name": _first(kids, "title"), "url": _first(kids, "url") or _first(kids, "identifier")}


@too_deep_is_parse_error("xcri-cap feed")
def parse(body: bytes, url: str) -> Page:
    root = load_xml(body, "xcri-cap feed")
    if local(root.tag) != "catalog":
        raise ParseError(f"xcri-cap feed: expected a <catalog> document, got <{local(root.tag)}>")
    page = Page()
    seen: set[str] = set()
    found = 0
    for provider_node in (c for c in root if isinstance(c.tag, str) and local(c.tag) == "provider"):
        provider = guard_record(page, SOURCE, None, partial(_provider, provider_node))
        if provider is None:
            continue
        for course in (c for c in provider_node if isinstance(c.tag, str) and local(c.tag) == "course"):
            found += 1
            item = guard_record(page, SOURCE, None, partial(course_item, course, provider, page.stats))
            if item is None:
                continue
            sid = item["source_id"]
            if not sid:
                page.rejects.append(
                    Reject(SOURCE, None, "source_id: course without identifier or url", {"title": item["title"]})
                )
                continue
            key = f"{provider.get('name')}|{sid}"
            if key in seen:
                page.rejects.append(Reject(SOURCE, sid, "source_id: duplicate course identifier in one feed"))
                continue
            seen.add(key)
            if not item["languages"]:
                page.stats["xcri_cap/missing_language"] = page.stats.get("xcri_cap/missing_language", 0) + 1
            page.items.append(item)
    page.stats["xcri_cap/courses"] = found
    if not found:
        page.stats["errors/empty_results"] = 1
    return page
