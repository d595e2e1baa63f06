"""Erasmus Without Paper (EWP): the Courses API (`courses-response`) and the Simple Course Replication API
(`course-replication-response`), stable-v1, both XML.

A learning-opportunity specification (LOS) is an offer: a `Course`, or a `Module` (a group of courses: a programme
offer with its member LOS ids). `Degree Programme`s (whole degrees, no short course) and `Class`es (parts of a
course) are counted as skipped, with the reason; a LOS without `type` is typed by its id prefix (CR/, CLS/, MOD/,
DEP/), and one of an unknown type is skipped as the spec asks ("as if the entity did not exist"). The LOS's
instances (LOI) are the offer's runs (start, end, academic term); the ECTS credits (`credit` with scheme `ects`),
the credit level (Bachelor / Master / PhD, `level_raw`, read by the normaliser), the language of instruction and the
engagement hours come from the instances, the most recent first. `eqfLevelProvided` is a stated EQF level,
`iscedCode` the ISCED-F field (a subject the normaliser maps to its broad field). Titles and descriptions keep every
`xml:lang`; English goes to the title and description.

The Courses API is asked per LOS id: a replication response (every LOS id of a HEI) becomes Courses API requests
for its course and module ids, `LOS_IDS_PER_REQUEST` at a time, at the same endpoint path with `course-replication`
replaced by `courses` (the EWP Registry's manifest names each HEI's endpoints; where they do not follow that layout
no request is made and the ids are only counted). The HEI is the request's `hei_id` (its SCHAC code): the offer's
provider and the prefix of its source id.

EWP carries no staff fields, but descriptions name contacts: every text is scrubbed of e-mail addresses, phone
numbers and names after a contact label, and of those names wherever else the LOS repeats them (`privacy`). An
`error-response` is a ParseError. The HEI's SCHAC code is a domain name: `https://<hei_id>` is its site (the
normaliser reads a country-code domain there).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from lxml import etree

from scrapers.parsers.base import FollowUp, Page, ParseError, Reject, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import absolute, member, programme, skip, text
from scrapers.parsers.dispatch import xml_signature
from scrapers.parsers.privacy import Scrubber, labelled_names
from scrapers.parsers.xml import load_xml, local

SOURCE = "ewp"
NS = "https://github.com/erasmus-without-paper/ewp-specs-api-courses/tree/stable-v1"
REPLICATION_NS = "https://github.com/erasmus-without-paper/ewp-specs-api-course-replication/tree/stable-v1"
TERM_NS = "https://github.com/erasmus-without-paper/ewp-specs-types-academic-term/tree/stable-v1"
COMMON_NS = "https://github.com/erasmus-without-paper/ewp-specs-architecture/blob/stable-v1/common-types.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LOS_IDS_PER_REQUEST = 10
PREFIX_TYPES = {"CR": "Course", "CLS": "Class", "MOD": "Module", "DEP": "Degree Programme"}
# LOS types that are no short course offer, with the reason they are skipped
NOT_OFFERS = {"degree programme": "degree_programme", "class": "class_of_a_course"}
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def _q(name: str, ns: str = NS) -> str:
    return f"{{{ns}}}{name}"


def _text(node: etree._Element | None) -> str | None:
    if node is None:
        return None
    return "".join(str(t) for t in node.itertext()).strip() or None


def by_lang(nodes: list[etree._Element]) -> dict[str, str]:
    """`{xml:lang: text}` of repeated language-tagged elements (the first per language; untagged under '')."""
    out: dict[str, str] = {}
    for node in nodes:
        value = _text(node)
        lang = (node.get(XML_LANG) or "").strip()
        if value and lang not in out:
            out[lang] = value
    return out


def english(texts: dict[str, str]) -> tuple[str | None, str | None]:
    """(text, lang): English where given, else untagged, else the first."""
    for lang, value in texts.items():
        if lang.lower().startswith("en"):
            return value, lang
    if "" in texts:
        return texts[""], None
    for lang, value in texts.items():
        return value, lang
    return None, None


def los_type(los: etree._Element, los_id: str | None) -> str | None:
    """The LOS's `type`, else the one its id prefix names; None when neither says."""
    given = text(los.findtext(_q("type")))
    if given:
        return given
    prefix = (los_id or "").split("/", 1)[0]
    return PREFIX_TYPES.get(prefix)


def _instance(loi: etree._Element) -> dict[str, Any]:
    term = loi.find(_q("academic-term", TERM_NS))
    credits = []
    for credit in loi.findall(_q("credit")):
        credits.append(
            {
                "scheme": text(credit.findtext(_q("scheme"))),
                "level": text(credit.findtext(_q("level"))),
                "value": text(credit.findtext(_q("value"))),
            }
        )
    grading = loi.find(_q("gradingScheme"))
    return {
        "loi_id": text(loi.findtext(_q("loi-id"))),
        "start": text(loi.findtext(_q("start"))),
        "end": text(loi.findtext(_q("end"))),
        "term": english(by_lang(term.findall(_q("display-name", TERM_NS))))[0] if term is not None else None,
        "term_id": text(term.findtext(_q("ewp-id", TERM_NS))) if term is not None else None,
        "academic_year": text(term.findtext(_q("academic-year-id", TERM_NS))) if term is not None else None,
        "credits": credits,
        "language": text(loi.findtext(_q("languageOfInstruction"))),
        "engagement_hours": text(loi.findtext(_q("engagementHours"))),
        "grading_scheme": english(by_lang(grading.findall(_q("label"))))[0] if grading is not None else None,
    }


def _ects(instance: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for c in instance["credits"] if (c["scheme"] or "").lower() == "ects" and c["value"]), None)


def los_item(los: etree._Element, hei_id: str | None) -> dict[str, Any]:
    """One LOS (a course or module) as an item of values as EWP gives them."""
    los_id = text(los.findtext(_q("los-id")))
    titles = by_lang(los.findall(_q("title")))
    title, title_lang = english(titles)
    descriptions = by_lang(los.findall(_q("description")))
    description, _ = english(descriptions)
    urls = by_lang(los.findall(_q("url")))
    instances = [_instance(loi) for loi in los.iterfind(f"{_q('specifies')}/{_q('learningOpportunityInstance')}")]
    recent = sorted(instances, key=lambda i: i["start"] or "", reverse=True)  # the most recent instance first
    ects = next((c for i in recent if (c := _ects(i))), None)
    ects_values = {i["loi_id"] or "?": c["value"] for i in instances if (c := _ects(i))}
    level = next((c["level"] for i in recent for c in i["credits"] if c["level"]), None)
    languages = list(dict.fromkeys(i["language"] for i in recent if i["language"]))
    hours = next((i["engagement_hours"] for i in recent if i["engagement_hours"]), None)
    isced = text(los.findtext(_q("iscedCode")))
    kind = los_type(los, los_id)
    contains = [child for n in los.iterfind(f"{_q('contains')}/{_q('los-id')}") if (child := text(n.text))]
    item: dict[str, Any] = {
        "source_id": f"{hei_id}:{los_id}" if hei_id and los_id else los_id,
        "url": absolute(english(urls)[0], ""),
        "title": title,
        "title_lang": title_lang,
        "titles": {lang: value for lang, value in titles.items() if lang},
        "description": description,
        "provider": hei_id,
        # a HEI's SCHAC code is its home domain name: its site, whose country-code domain the normaliser reads
        "provider_url": f"https://{hei_id}" if hei_id and _DOMAIN.fullmatch(hei_id) else None,
        "languages": languages,
        "ects": ects["value"] if ects else None,
        "eqf_level": text(los.findtext(_q("eqfLevelProvided"))),
        "level_raw": level,
        "subjects": [isced] if isced else [],
        "runs": [
            {"run_id": i["loi_id"], "start_date": i["start"], "end_date": i["end"], "schedule": i["term"]}
            for i in instances
        ],
        "extras": {
            "los_id": los_id,
            "los_code": text(los.findtext(_q("los-code"))),
            "los_type": kind,
            "hei_id": hei_id,
            "ounit_id": text(los.findtext(_q("ounit-id"))),
            "isced_code": isced,
            "erasmus_subject_area": text(los.findtext(_q("subjectArea"))),
            "descriptions": {lang: value for lang, value in descriptions.items() if lang} or None,
            "urls": {lang or "default": u for lang, value in urls.items() if (u := absolute(value, ""))} or None,
            # the hours a student spends attending classes (contact hours): not the notional workload
            "engagement_hours": hours,
            "ects_by_instance": ects_values if len(set(ects_values.values())) > 1 else None,
            "other_credits": [c for i in instances for c in i["credits"] if (c["scheme"] or "").lower() != "ects"]
            or None,
            "instances": [{k: v for k, v in i.items() if k != "credits" and v is not None} for i in instances],
            "contains": contains or None,
        },
    }
    item = {k: v for k, v in item.items() if v is not None}
    # names given after a contact label anywhere in the LOS are scrubbed from all of its texts
    item = Scrubber(labelled_names(item)).value(item)
    if (kind or "").lower() == "module":
        programme(item, "module", [member(c) for c in contains], noun="learning opportunities")
    return item


def _hei_id(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("hei_id")
    return text(values[0]) if values else None


def courses(root: etree._Element, url: str) -> Page:
    page = Page()
    hei_id = _hei_id(url)
    seen: set[str] = set()
    for los in root.findall(_q("learningOpportunitySpecification")):
        los_id = text(los.findtext(_q("los-id")))
        kind = (los_type(los, los_id) or "").lower()
        if not los_id:
            page.rejects.append(Reject(SOURCE, None, "source_id: missing (no los-id)", None))
            continue
        if kind in NOT_OFFERS:
            skip(page, f"{NOT_OFFERS[kind]}/learningOpportunitySpecification")
            continue
        if kind not in ("course", "module"):
            skip(page, f"unknown_type/learningOpportunitySpecification:{kind or los_id.split('/', 1)[0]}")
            continue
        item = guard_record(page, SOURCE, los_id, partial(los_item, los, hei_id))
        if item is None:
            continue
        if item["source_id"] in seen:
            page.rejects.append(Reject(SOURCE, item["source_id"], "source_id: duplicate los-id in one response"))
            continue
        seen.add(item["source_id"])
        page.items.append(item)
    if not page.items and not page.rejects and not any(k.startswith("items/skipped/") for k in page.stats):
        page.stats["paging/no_results"] = 1
    return page


def courses_url(url: str, hei_id: str, los_ids: list[str]) -> str | None:
    """The Courses API request for `los_ids` at the replication endpoint's sibling path; None when the replication
    URL is not laid out as `.../course-replication` (the Registry's manifest would say where the Courses API is)."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    if parts.scheme not in ("http", "https") or "course-replication" not in segments:
        return None
    path = "/".join("courses" if s == "course-replication" else s for s in segments)
    query = urlencode([("hei_id", hei_id), *(("los_id", i) for i in los_ids)])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def replication(root: etree._Element, url: str) -> Page:
    page = Page()
    ids = list(dict.fromkeys(i for n in root.findall(_q("los-id", REPLICATION_NS)) if (i := text(n.text))))
    wanted = []
    for los_id in ids:
        kind = PREFIX_TYPES.get(los_id.split("/", 1)[0], "").lower()
        if kind in NOT_OFFERS:
            skip(page, f"{NOT_OFFERS[kind]}/los-id")
        elif kind in ("course", "module"):
            wanted.append(los_id)
        else:
            skip(page, "unknown_type/los-id")
    page.stats["ewp/los_ids_listed"] = len(ids)
    hei_id = _hei_id(url)
    if not wanted:
        page.stats["paging/no_results"] = 1
        return page
    batches = [wanted[i : i + LOS_IDS_PER_REQUEST] for i in range(0, len(wanted), LOS_IDS_PER_REQUEST)]
    targets = [courses_url(url, hei_id, batch) for batch in batches] if hei_id else []
    if not targets or None in targets:
        page.warnings.append(
            f"{len(wanted)} course/module ids listed, but no Courses API endpoint is known for {url} "
            "(expected a hei_id parameter and a .../course-replication path)"
        )
        page.stats["ewp/courses_endpoint_unknown"] = 1
        return page
    page.follow.extend(FollowUp(t, kind="courses") for t in targets if t)
    return page


@too_deep_is_parse_error("ewp courses api")
def parse(body: bytes, url: str) -> Page:
    root = load_xml(body, "ewp courses api")
    tag = root.tag if isinstance(root.tag, str) else ""
    fmt = xml_signature(tag)
    if fmt == "ewp_courses":
        return courses(root, url)
    if fmt == "ewp_course_replication":
        return replication(root, url)
    if tag == _q("error-response", COMMON_NS):
        message = _text(root.find(_q("developer-message", COMMON_NS))) or "no developer message"
        raise ParseError(f"ewp courses api: error response ({' '.join(message.split())[:200]})")
    raise ParseError(
        f"ewp courses api: expected <courses-response> or <course-replication-response> in the EWP stable-v1 "
        f"namespaces, got <{local(tag) or '?'}>"
        + (f" in {tag[1:].partition('}')[0]}" if tag.startswith("{") else " without a namespace")
    )
