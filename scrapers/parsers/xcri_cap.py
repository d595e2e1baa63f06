"""XCRI-CAP 1.2 and 1.1 course-advertising feeds (the UK standard built on the MLO model), from any publisher.

A feed is `catalog > provider > course > presentation`. One offer per course; its presentations become runs
(start, end, duration, study and attendance mode, language, cost, application window). The document is read
once with lxml and walked child by child (no per-node XPath), so a national feed of thousands of courses parses
in well under a second. Namespaces differ between publishers (the 1.2 profile namespace, `dc`, `dcterms`, `mlo`,
`credit`; the 1.1 profile `http://xcri.org/profiles/catalog` with plain `name`, `description type="Aim"`, `start`,
`cost`), so elements are matched by local name only, and a name is read from `title` or 1.1's `name`.

Dates: every date element (`start`, `end`, `applyFrom`, `applyUntil`) gives its `dtf` attribute (W3C-DTF) when
there is one; its text is the human form ("22 June 2017"), read only without a `dtf`.
Descriptions: `dc:description` is typed with `xsi:type` (1.2: `xcriTerms:careerOutcome`, ...) or `type` (1.1:
"Career Outcome"). Untyped prose is the description (else the abstract, else the aim); learning outcomes,
assessment strategy and entry profile / prerequisites go to their fields; every other type (career outcomes,
leads to, topics, metadata keywords, teaching strategy, ...) to `extras.descriptions`, never into the description.
Placeholders (`[]`, `null`, punctuation only) are no text.
Malformed XML: a document the strict parser refuses is read again by a recovering parse
(`scrapers.parsers.xml.load_xml_recovering`); what it recovers is kept, and the page says so (`errors/...`
counter, so the run is `partial`; a reject line with the number of courses lost; a warning).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from typing import Any

from lxml import etree

from models.normalise.dates import parse_date
from models.urls import scheme_error
from scrapers.parsers.base import Page, ParseError, Reject, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import keep_unique, outcomes, to_date
from scrapers.parsers.dispatch import xml_signature
from scrapers.parsers.xml import Recovery, children, load_xml_recovering, local

SOURCE = "xcri_cap"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Credit schemes whose points are UK credits (10 notional hours each, 2 per ECTS credit).
_UK_SCHEMES = re.compile(r"open university|cats|scqf|cqfw|\bfheq\b|\buk\b|credit accumulation", re.IGNORECASE)
_BLOCKS = {"p", "li", "div", "br", "h1", "h2", "h3", "h4", "tr", "dd", "dt"}
# Presentations dated before this are placeholders ("1900-01-01" for "start any time"), not real dates.
_PLACEHOLDER_BEFORE = "1970-01-01"
# The profile a feed follows, by its root: 1.2's namespace, or 1.1's positive signature in dispatch.XML_SIGNATURES.
PROFILE_1_2 = "{http://xcri.org/profiles/1.2/catalog}catalog"
# Values that hold no text: punctuation only ("[]", "-", "{}") or a serialised null.
_PLACEHOLDER = re.compile(r"[\W_]*|null|undefined|nan|nil|\[object object\]", re.IGNORECASE)
# dc:description may hold coded notes ("NLD Target Group Code: G"); those are extras, not prose.
_CODED = re.compile(r"[A-Z][\w ]{0,30} Code: \w+")
# A course start tag in the raw bytes, whatever its prefix: what a damaged feed held before recovery.
_COURSE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?course(?=[\s/>])")
# A cost of zero with nothing else: a placeholder in many feeds, not a price.
_BARE_ZERO = re.compile(r"\s*0+(?:[.,]0+)?\s*")

# Description types (XCRI-CAP 1.2 terms vocabulary, `xcriTerms:*`; 1.1's "Learning Outcome" style labels; common
# variants), by the label's letters lower-cased, to the 1.2 term. Untyped descriptions are the description.
DESCRIPTION_TYPES = {
    **{
        k: "description"
        for k in ("", "description", "general", "generaldescription", "fulldescription", "overview", "courseoverview")
    },
    **{k: "abstract" for k in ("abstract", "summary", "briefdescription", "shortdescription")},
    **{k: "aim" for k in ("aim", "aims", "aimsandobjectives")},
    **{k: "learningOutcome" for k in ("learningoutcome", "learningoutcomes", "objective", "objectives")},
    **{k: "assessmentStrategy" for k in ("assessmentstrategy", "assessment", "assessmentmethods")},
    **{
        k: "entryProfile"
        for k in ("entryprofile", "entryrequirements", "entryrequirement", "prerequisite", "prerequisites")
    },
    **{k: "careerOutcome" for k in ("careeroutcome", "careeroutcomes", "careers")},
    **{k: "leadsTo" for k in ("leadsto", "progression")},
    **{k: "topic" for k in ("topic", "topics")},
    **{k: "metadataKeywords" for k in ("metadatakeywords", "keywords")},
    **{k: "teachingStrategy" for k in ("teachingstrategy", "teachingmethods")},
    **{
        term.lower(): term
        for term in (
            "applicationProcedure",
            "events",
            "indicativeResource",
            "policy",
            "providedResource",
            "requiredResource",
            "specialFeature",
            "structure",
            "support",
        )
    },
}


def _text(node: etree._Element | None) -> str | None:
    """Plain text of a simple or XHTML-valued element; block elements become line breaks."""
    if node is None:
        return None
    if len(node) == 0:
        value = (node.text or "").strip()
        return None if _PLACEHOLDER.fullmatch(value) else value
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
    value = "\n".join(line for line in lines if line)
    return None if _PLACEHOLDER.fullmatch(value) else value


def _first(kids: dict[str, list[etree._Element]], name: str) -> str | None:
    for node in kids.get(name, []):
        value = _text(node)
        if value:
            return value
    return None


def _all(kids: dict[str, list[etree._Element]], name: str) -> list[str]:
    return [v for v in (_text(n) for n in kids.get(name, [])) if v]


def _name(kids: dict[str, list[etree._Element]]) -> str | None:
    """A provider's or course's name: `dc:title` (1.2), `name` (1.1)."""
    return _first(kids, "title") or _first(kids, "name")


def _http_url(kids: dict[str, list[etree._Element]], *names: str) -> str | None:
    """The first value of these elements that is an absolute http(s) URL (models/urls.py): an identifier such as a
    UKPRN ("10001234") or a URN is no web site."""
    for name in names:
        for value in _all(kids, name):
            if scheme_error(value) is None:
                return value
    return None


def _date(node: etree._Element | None) -> str | None:
    """ISO date of an XCRI-CAP date element: its `dtf` attribute (W3C-DTF: a date, a month, a timestamp) when it
    has one, the text being the human form; else its text, ISO or human ("22 June 2017")."""
    if node is None:
        return None
    for value in (node.get("dtf"), _text(node)):
        value = (value or "").strip()
        if value:
            found = to_date(value)
            if found is None:
                day, _rule = parse_date(value)
                found = day.isoformat() if day else None
            if found:
                return found
    return None


def _first_date(kids: dict[str, list[etree._Element]], name: str) -> str | None:
    return next((d for d in (_date(n) for n in kids.get(name, [])) if d), None)


def _cost(node: etree._Element) -> str | None:
    """The cost as published, with the words of a cost type or currency attribute where the element has one
    (`<cost type="Free">0.00</cost>` is "0.00 (Free)"): the normaliser reads them with the amount."""
    text = _text(node)
    words = []
    for key, value in node.attrib.items():
        word = str(value).strip()
        if local(key).lower() in ("type", "costtype", "currency") and word:
            words.append(re.split(r"[:/#]", word)[-1])
    if not words:
        return text
    return f"{text} ({', '.join(words)})" if text else ", ".join(words)


def _description_type(node: etree._Element) -> str:
    """The 1.2 term of a description's type (`xsi:type`, 1.1's `type`); an unknown type keeps its own name."""
    label = (node.get(_XSI_TYPE) or node.get("type") or "").strip()
    name = re.split(r"[:/#]", label)[-1] if label else ""
    return DESCRIPTION_TYPES.get(re.sub(r"[^a-z]", "", name.lower()), name)


def _descriptions(kids: dict[str, list[etree._Element]]) -> dict[str, list[str]]:
    """Every description's text by its type, in document order, repeated texts once."""
    out: dict[str, list[str]] = defaultdict(list)
    for node in kids.get("description", []):
        value = _text(node)
        kind = _description_type(node)
        if value and value not in out[kind]:
            out[kind].append(value)
    return out


def _joined(*parts: list[str]) -> str | None:
    return "\n\n".join(dict.fromkeys(v for part in parts for v in part)) or None


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
        kids = children(node)
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
    kids = children(node)
    start_node = next(iter(kids.get("start") or []), None)
    start = _date(start_node)
    end = _first_date(kids, "end")
    if start and start < _PLACEHOLDER_BEFORE:
        stats["xcri_cap/placeholder_start_dates"] = stats.get("xcri_cap/placeholder_start_dates", 0) + 1
        start = None
    if end and (end < _PLACEHOLDER_BEFORE or (start and end < start)):
        end = None
    venues = []
    for venue in kids.get("venue", []):
        provider = children(venue).get("provider", [])
        name = _name(children(provider[0])) if provider else None
        if name:
            venues.append(name)
    return {
        "id": _first(kids, "identifier"),
        "start": start,
        "start_text": _text(start_node),
        "end": end,
        "duration": _first(kids, "duration"),
        "apply_from": _first_date(kids, "applyFrom"),
        "apply_until": _first_date(kids, "applyUntil"),
        "apply_to": _first(kids, "applyTo"),
        "study_mode": _first(kids, "studyMode"),
        "attendance_mode": _first(kids, "attendanceMode"),
        "attendance_pattern": _first(kids, "attendancePattern"),
        "languages": _all(kids, "languageOfInstruction"),
        "cost": next((c for c in (_cost(n) for n in kids.get("cost", [])) if c), None),
        "places": _first(kids, "places"),
        "venues": venues,
        "description": _first(kids, "description"),
    }


def course_item(node: etree._Element, provider: dict[str, Any], stats: dict[str, int]) -> dict[str, Any]:
    kids = children(node)
    titles: dict[str, str] = {}
    for t in kids.get("title", []):
        if title_text := _text(t):
            titles.setdefault(t.get(_XML_LANG) or "", title_text)
    title = titles.get("en") or titles.get("") or next(iter(titles.values()), None) or _first(kids, "name")
    typed = _descriptions(kids)
    untyped = typed.pop("description", [])
    abstracts = _all(kids, "abstract") + typed.pop("abstract", [])
    abstract = abstracts[0] if abstracts else None
    prose = [d for d in untyped if not _CODED.fullmatch(d)]
    description = _joined(prose) or abstract or _joined(typed.get("aim", []))
    qualification = next(iter(kids.get("qualification") or []), None)
    qual = children(qualification) if qualification is not None else {}
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
    # learningOutcome elements and outcome-typed descriptions; the MLO objective where there is neither
    structured_outcomes = list(dict.fromkeys(_all(kids, "learningOutcome") + typed.pop("learningOutcome", [])))
    structured_outcomes = structured_outcomes or _all(kids, "objective")
    lang = languages[0].lower() if languages else None
    costs = [p["cost"] for p in presentations if p["cost"]]
    return {
        "source_id": _identifier(kids) or _first(kids, "url"),
        "url": _http_url(kids, "url"),
        "title": title,
        "titles": {k: v for k, v in titles.items() if k},
        "description": description,
        "provider": provider.get("name"),
        "provider_url": provider.get("url"),
        "languages": languages,
        "learning_outcomes": outcomes(structured_outcomes, description, lang),
        "prerequisites": _joined(_all(kids, "prerequisite"), typed.pop("entryProfile", [])),
        "assessment": _joined(_all(kids, "assessment"), typed.pop("assessmentStrategy", [])),
        "level_raw": _first(qual, "educationLevel") or _first(qual, "level"),
        "certificate_type": _first(qual, "title"),
        "participation_raw": "; ".join(modes) or None,
        "duration_raw": next((p["duration"] for p in presentations if p["duration"]), None),
        # a bare zero ("0.0000") is a placeholder in many feeds: another presentation's cost first
        "price_raw": next((c for c in costs if not _BARE_ZERO.fullmatch(c)), costs[0] if costs else None),
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
            "coded_descriptions": [d for d in untyped if d not in prose] or None,
            # typed descriptions with no field of their own, by 1.2 term: careerOutcome, leadsTo, topic, ...
            "descriptions": {k: v for k, v in typed.items() if v} or None,
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
    kids = children(node)
    return {"name": _name(kids), "url": _http_url(kids, "url", "identifier")}


def _courses(root: etree._Element, page: Page, recovered: bool) -> Iterator[tuple[etree._Element, dict[str, Any]]]:
    """(course, its provider) for every course of the feed. In a recovered document a course may sit where the
    recovering parse put it after a broken tag: outside any provider (it belongs to the provider before it) or
    inside the course before it (an unclosed course); both are read."""
    provider: dict[str, Any] = {}

    def with_nested(course: etree._Element) -> Iterator[tuple[etree._Element, dict[str, Any]]]:
        yield course, provider
        if recovered:
            for inner in (c for c in course if isinstance(c.tag, str) and local(c.tag) == "course"):
                yield from with_nested(inner)

    for child in root:
        if not isinstance(child.tag, str):
            continue
        name = local(child.tag)
        if name == "provider":
            found = guard_record(page, SOURCE, None, partial(_provider, child))
            if found is None:
                continue
            provider = found
            for course in (c for c in child if isinstance(c.tag, str) and local(c.tag) == "course"):
                yield from with_nested(course)
        elif name == "course":
            page.stats["xcri_cap/courses_outside_provider"] = page.stats.get("xcri_cap/courses_outside_provider", 0) + 1
            if not recovered:
                provider = {}
            yield from with_nested(child)


def _recovered(page: Page, body: bytes, recovery: Recovery) -> None:
    """A damaged feed read in part: an error counter (the run is `partial`, never `ok`), the courses lost, one reject
    line (on stderr in `mcatlas parse`, in rejects.jsonl in a crawl) and a warning."""
    tags = len(_COURSE_TAG.findall(body))
    read = len(page.items)
    lost = max(tags - read, 0)
    page.stats["errors/malformed_xml_recovered"] = 1
    page.stats["xcri_cap/courses_lost"] = lost
    message = (
        f"xml: malformed XML recovered ({recovery.error}; {recovery.how}): "
        f"{read} of {tags} courses read, {lost} lost or set aside"
    )
    page.rejects.append(Reject(SOURCE, None, message))
    page.warnings.append(message)


@too_deep_is_parse_error("xcri-cap feed")
def parse(body: bytes, url: str) -> Page:
    root, recovery = load_xml_recovering(body, "xcri-cap feed")
    if local(root.tag) != "catalog":
        raise ParseError(f"xcri-cap feed: expected a <catalog> document, got <{local(root.tag)}>")
    page = Page()
    profile = "1.2" if root.tag == PROFILE_1_2 else "1.1" if xml_signature(root.tag) == "xcri_cap_1_1" else "other"
    page.stats[f"xcri_cap/profile/{profile}"] = 1
    seen: set[str] = set()
    found = 0
    for course, provider in _courses(root, page, recovery is not None):
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
        duplicate = "duplicate course identifier in one feed"
        keep_unique(page, SOURCE, item, seen, duplicate, "xcri_cap/missing_language", f"{provider.get('name')}|{sid}")
    page.stats["xcri_cap/courses"] = found
    if recovery is not None:
        if not page.items:  # nothing recovered: the document is as unusable as the strict parser said
            raise ParseError(f"xcri-cap feed: malformed XML ({recovery.error})")
        _recovered(page, body, recovery)
    if not found:
        page.stats["errors/empty_results"] = 1
    return page
