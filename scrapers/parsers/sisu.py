"""Sisu (Funidata): the study-information system of Finnish universities, one parser for all of them.

The universities that run Sisu publish its public `kori` API under their own host (Helsinki, Aalto, Tampere,
Jyväskylä, LUT: one registry entry each). Documents, told apart by their content:

* `GET /kori/api/course-unit-search?...&start=&limit=` (`{"searchResults", "start", "limit", "total"}`): each result
  is followed to its course unit, and the next page is followed while `start + limit < total`.
* `GET /kori/api/course-units/{id}` (one object, or a list of versions): a course unit is an offer: names, credits
  (`{"min", "max"}`), study level, attainment languages, content, outcomes, prerequisites.
* a course-unit realisation (`courseUnitIds`, `activityPeriod`, `courseUnitRealisationTypeUrn`): one teaching of a
  course unit, with its dates, teaching language and type.
* Aalto's Sisu-fed Course API (`course.api.aalto.fi/api/sisu/v1/courseunitrealisations`, a keyed API; recorded in
  the corpus): a list of realisations with `summary` texts (workload, outcomes, prerequisites, assessment).

Credits: a fixed amount (`min == max`) is the offer's ECTS; a range (`1-15`) is no one value and stays in
`extras.credits`. Exam realisations are no teaching offers (rejected with the reason). Every text is kept in each of
its languages (a Swedish field that only copies the Finnish text is dropped); English is the title and description
where published. Teachers (`teachers`, `teacherInCharge`, `responsibilityInfos`) are never read, and their names,
e-mails and phone numbers are scrubbed from free text (`scrapers.parsers.finnish.public_record`).
The registry entries' kori paths follow Sisu's published API; only Aalto's Course API shape is checked against a
real recorded response.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from scrapers.parsers.base import FollowUp, Page, too_deep_is_parse_error
from scrapers.parsers.common import (
    as_dict,
    as_list,
    note_empty,
    parse_records,
    query_int,
    run,
    skip,
    skip_arrays,
    text,
    to_date,
    with_query,
)
from scrapers.parsers.finnish import distinct, name_of, outcome_entries, parse_register, pick, texts, whole

SOURCE = "sisu"  # the parser's name in rejects; the spider lands them under the registry source it runs
PLATFORM = "Sisu"
NOT_SISU = (
    "not a Sisu document (expected a kori course-unit-search page with `searchResults`, a kori course unit with"
    " `groupId`, a course-unit realisation, or Aalto's Course API realisations with `courseUnitId`)"
)


@dataclass(frozen=True)
class University:
    name: str
    site: str
    student_host: str  # where Sisu's student pages (course brochures) are served
    api_hosts: tuple[str, ...]
    id_prefixes: tuple[str, ...]


UNIVERSITIES = (
    University(
        "University of Helsinki", "https://www.helsinki.fi", "sisu.helsinki.fi", ("sisu.helsinki.fi",), ("hy", "otm")
    ),
    University(
        "Aalto University",
        "https://www.aalto.fi",
        "sisu.aalto.fi",
        ("sisu.aalto.fi", "course.api.aalto.fi"),
        ("aalto",),
    ),
    University(
        "Tampere University",
        "https://www.tuni.fi",
        "sisu.tuni.fi",
        ("sis-tuni.funidata.fi", "sisu.tuni.fi"),
        ("tuni", "uta", "tut", "tamk"),
    ),
    University("University of Jyväskylä", "https://www.jyu.fi", "sisu.jyu.fi", ("sisu.jyu.fi",), ("jy", "jyu")),
    University("LUT University", "https://www.lut.fi", "sisu.lut.fi", ("sisu.lut.fi",), ("lut",)),
)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,200}$")  # a Sisu id that is safe as one URL path segment
_URN = re.compile(r"^urn:code:[a-z-]+:(.+)$")
# Realisation types (urn:code:course-unit-realisation-type:...) -> form of participation; types naming no form map to
# None. Exams are no teaching offers at all (see `_screen`).
_TYPE_FORMS: dict[str, str | None] = {
    "teaching-participation-lectures": "on-site",
    "teaching-participation-contact": "on-site",
    "teaching-participation-small-group": "on-site",
    "teaching-participation-seminar": "on-site",
    "teaching-participation-field-course": "on-site",
    "teaching-participation-online": "online",
    "teaching-participation-distance": "online",
    "teaching-participation-blended": "blended",
}


def _urn_value(value: Any) -> str | None:
    """`basic-studies` of `urn:code:study-level:basic-studies`; a bare value as it is."""
    found = text(value)
    if not found:
        return None
    m = _URN.match(found)
    return m.group(1) if m else found


def _language(value: Any) -> str | None:
    code = (_urn_value(value) or "").lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def university_of(url: str, record_id: str | None) -> University | None:
    """The university a response or record belongs to: by the host it came from, else by its id's prefix."""
    host = (urlsplit(url).hostname or "").lower()
    for uni in UNIVERSITIES:
        if host in uni.api_hosts:
            return uni
    prefix = (record_id or "").split("-", 1)[0].lower()
    return next((u for u in UNIVERSITIES if prefix in u.id_prefixes), None)


def _provider(url: str, record_id: str | None) -> dict[str, Any]:
    """Provider fields; none for an unknown university (the registry entry's spider then fills them)."""
    uni = university_of(url, record_id)
    return {"provider": uni.name, "provider_url": uni.site} if uni else {}


def brochure(url: str, course_unit_id: str | None) -> str | None:
    uni = university_of(url, course_unit_id)
    if not uni or not course_unit_id or not _ID.match(course_unit_id):
        return None
    return f"https://{uni.student_host}/student/courseunit/{course_unit_id}/brochure"


def credits(value: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(item fields, extras.credits) of Sisu's `{"min": 5, "max": 5}`: a fixed amount is the ECTS, a range is not."""
    value = as_dict(value)
    low, high = value.get("min"), value.get("max")
    nums = [v for v in (low, high) if isinstance(v, int | float) and not isinstance(v, bool)]
    if not nums:
        return {}, None
    low = low if low in nums else None
    high = high if high in nums else None
    extra = {"min": whole(low) if low is not None else None, "max": whole(high) if high is not None else None}
    fixed = low if high is None or high == low else (high if low is None else None)
    fields = {"ects": whole(fixed)} if fixed is not None and fixed > 0 else {}
    return fields, {**{k: v for k, v in extra.items() if v is not None}, "unit": "ECTS", "fixed": bool(fields)}


def _texts(value: Any) -> dict[str, str]:
    return distinct(texts(value))


def _forms(kind: str | None) -> dict[str, str | None] | None:
    return {kind: _TYPE_FORMS.get(kind)} if kind else None


def _screen(item: dict[str, Any]) -> str | None:
    kind = (item.get("extras") or {}).get("realisation_type") or ""
    return f"exam realisation ({kind})" if kind.startswith("exam") else None


def _offer(url: str, record_id: str | None, unit: str | None, titles: dict[str, str], **fields: Any) -> dict[str, Any]:
    """The fields every Sisu offer has: its id, its course unit's brochure, its titles (the title and its language
    picked from `titles` unless given in `fields`), provider, platform and country; then `fields`."""
    title, title_lang = pick(titles)
    return {
        "source_id": record_id,
        "url": brochure(url, unit),
        "title": title,
        "title_lang": title_lang,
        "titles": titles,
        **_provider(url, record_id),
        "platform": PLATFORM,
        "country": "FI",
        **fields,
    }


# ---- Aalto's Course API ---------------------------------------------------------------------------------------


def aalto_item(record: dict[str, Any], url: str) -> dict[str, Any]:
    """One course-unit realisation of Aalto's Sisu-fed Course API."""
    summary = as_dict(record.get("summary"))
    rid, cu = text(record.get("id")), text(record.get("courseUnitId"))
    titles = _texts(record.get("name"))
    languages = [c for v in as_list(record.get("languageOfInstructionCodes")) if (c := _language(v))]
    if not languages:
        languages = list(
            dict.fromkeys(c for v in texts(summary.get("languageOfInstruction")).values() if (c := _language(v)))
        )
    primary = languages[0] if languages else None
    content = _texts(summary.get("content"))
    description, _ = pick(content)
    outcomes = _texts(summary.get("learningOutcomes"))
    prerequisites = _texts(summary.get("prerequisites"))
    assessment = _texts(summary.get("assesmentMethods") or summary.get("assessmentMethods"))
    workload = _texts(summary.get("workload"))
    period = _texts(summary.get("teachingPeriod"))
    level = pick(texts(summary.get("level")))[0]
    kind = text(record.get("type"))
    fields, credit = credits(record.get("credits"))
    org = {"id": text(record.get("organizationId")), "name": name_of(record.get("organizationName"))}
    return _offer(
        url,
        rid,
        cu,
        titles,
        description=description,
        languages=languages,
        learning_outcomes=outcome_entries(outcomes, primary),
        **fields,
        level_raw=level,
        workload_raw=pick(workload)[0],
        prerequisites=pick(prerequisites)[0],
        assessment=pick(assessment)[0],
        participation_raw=kind,
        runs=[run(rid, record.get("startDate"), record.get("endDate"), schedule=pick(period)[0])],
        part_of=[cu] if cu else [],
        extras={
            "record": "course_unit_realisation",
            "code": text(record.get("code")),
            "course_unit_id": cu,
            "realisation_type": kind,
            "participation_forms": _forms(kind),
            "credits": credit,
            "study_level": level,
            "cefr_level": text(summary.get("cefrLevel")),
            "grading_scale": pick(texts(summary.get("gradingScale")))[0],
            "organisation": org if org["id"] or org["name"] else None,
            "enrolment": {
                k: v
                for k, v in {
                    "start_date": to_date(record.get("enrolmentStartDate")),
                    "end_date": to_date(record.get("enrolmentEndDate")),
                }.items()
                if v
            }
            or None,
            "descriptions": content or None,
            "learning_outcomes_by_language": outcomes or None,
            "prerequisites_by_language": prerequisites or None,
            "assessment_by_language": assessment or None,
            "workload_by_language": workload or None,
            "teaching_period": period or None,
            "additional_information": _texts(summary.get("additionalInformation")) or None,
            "registration": _texts(summary.get("registration")) or None,
            "literature": _texts(summary.get("literature")) or None,
            "homepage": _texts(summary.get("homepage")) or None,
            "substitute_course_unit_groups": [
                g
                for alt in as_list(as_dict(summary.get("substitutes")).get("courseUnits"))
                for part in as_list(alt)
                if (g := text(as_dict(part).get("courseUnitGroupId")))
            ]
            or None,
            "study_groups": [
                {"id": text(g.get("id")), "name": name_of(g.get("name")), "type": name_of(g.get("type"))}
                for g in as_list(record.get("studySubGroups"))
                if isinstance(g, dict)
            ]
            or None,
        },
    )


# ---- kori: course units and realisations ---------------------------------------------------------------------


def _open_university(record: dict[str, Any]) -> bool | None:
    types = [text(as_dict(m).get("studyType")) or "" for m in as_list(record.get("completionMethods"))]
    if not types:
        return None
    return any("OPEN_UNIVERSITY" in t.upper() for t in types)


def course_unit_item(record: dict[str, Any], url: str) -> dict[str, Any]:
    """A kori course unit (one version of it: `id`; `groupId` names every version)."""
    cid = text(record.get("id"))
    titles = _texts(record.get("name"))
    languages = [c for v in as_list(record.get("possibleAttainmentLanguages")) if (c := _language(v))]
    content = _texts(record.get("content"))
    description, _ = pick(content)
    outcomes = _texts(record.get("outcomes"))
    prerequisites = _texts(record.get("prerequisites"))
    level = _urn_value(record.get("studyLevel"))
    fields, credit = credits(record.get("credits"))
    validity = as_dict(record.get("validityPeriod"))
    open_university = _open_university(record)
    return _offer(
        url,
        cid,
        cid,
        titles,
        description=description,
        languages=list(dict.fromkeys(languages)),
        learning_outcomes=outcome_entries(outcomes, languages[0] if languages else None),
        **fields,
        level_raw=level,
        prerequisites=pick(prerequisites)[0],
        extras={
            "record": "course_unit",
            "code": text(record.get("code")),
            "group_id": text(record.get("groupId")),
            "credits": credit,
            "study_level": level,
            "course_unit_type": _urn_value(record.get("courseUnitType")),
            "cefr_level": _urn_value(record.get("cefrLevel")),
            "grade_scale": text(record.get("gradeScaleId")),
            "validity": {k: to_date(validity.get(k)) for k in ("startDate", "endDate") if to_date(validity.get(k))}
            or None,
            "curriculum_periods": [p for p in as_list(record.get("curriculumPeriodIds")) if isinstance(p, str)] or None,
            "organisations": [
                {"id": text(o.get("organisationId")), "role": _urn_value(o.get("roleUrn")), "share": o.get("share")}
                for o in as_list(record.get("organisations"))
                if isinstance(o, dict) and text(o.get("organisationId"))
            ]
            or None,
            "open_university": open_university,
            "micro_credential_candidate": True if open_university else None,
            "descriptions": content or None,
            "learning_outcomes_by_language": outcomes or None,
            "prerequisites_by_language": prerequisites or None,
            "additional_information": _texts(record.get("additional")) or None,
            "learning_material": _texts(record.get("learningMaterial")) or None,
            "summary": _texts(record.get("tweetText")) or None,
            "literature": [
                n
                for entry in as_list(record.get("literature"))
                if (n := name_of(entry) or text(as_dict(entry).get("url")))
            ]
            or None,
        },
    )


def realisation_item(record: dict[str, Any], url: str) -> dict[str, Any]:
    """A kori course-unit realisation: one teaching of a course unit (dates, language, type)."""
    rid = text(record.get("id"))
    units = [u for u in as_list(record.get("courseUnitIds")) if isinstance(u, str)]
    titles = _texts(record.get("name"))
    specifier = _texts(record.get("nameSpecifier"))
    title, title_lang = pick(titles)
    if title and title_lang and specifier.get(title_lang):
        title = f"{title}, {specifier[title_lang]}"
    language = _language(record.get("teachingLanguageUrn"))
    kind = _urn_value(record.get("courseUnitRealisationTypeUrn"))
    period = as_dict(record.get("activityPeriod"))
    enrolment = as_dict(record.get("enrolmentPeriod"))
    fields, credit = credits(record.get("credits"))
    return _offer(
        url,
        rid,
        units[0] if units else None,
        titles,
        title=title,
        languages=[language] if language else [],
        **fields,
        participation_raw=kind,
        runs=[run(rid, period.get("startDate"), period.get("endDate"))],
        part_of=units,
        extras={
            "record": "course_unit_realisation",
            "course_unit_ids": units or None,
            "realisation_type": kind,
            "participation_forms": _forms(kind),
            "credits": credit,
            "name_specifier": specifier or None,
            "enrolment": {
                k: to_date(enrolment.get(k)) for k in ("startDateTime", "endDateTime") if to_date(enrolment.get(k))
            }
            or None,
        },
    )


# ---- documents ---------------------------------------------------------------------------------------------------


def _is_aalto(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and "courseUnitId" in record
        and ("summary" in record or "languageOfInstructionCodes" in record)
    )


def _is_realisation(record: Any) -> bool:
    return isinstance(record, dict) and (
        "courseUnitIds" in record or "courseUnitRealisationTypeUrn" in record or "activityPeriod" in record
    )


def _is_course_unit(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and "groupId" in record
        and any(k in record for k in ("credits", "studyLevel", "possibleAttainmentLanguages", "courseUnitType", "code"))
    )


def _kind(record: Any) -> str | None:
    if _is_aalto(record):
        return "aalto"
    if _is_realisation(record):
        return "realisation"
    if _is_course_unit(record):
        return "course_unit"
    return None


def start_of(data: dict[str, Any], url: str) -> int:
    """The page's offset: as the response states it, else as the URL asked for it."""
    start = data.get("start")
    if isinstance(start, int) and not isinstance(start, bool):
        return start
    return query_int(url, "start") or 0


def parse_search(data: dict[str, Any], url: str) -> Page:
    page = Page()
    results = data["searchResults"]
    skip_arrays(page, data, ("searchResults",))
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None
    seen: set[str] = set()
    for result in results:
        cid = text(as_dict(result).get("id"))
        if not cid or not _ID.match(cid):
            skip(page, "no_course_unit_id/searchResults")
            continue
        if cid in seen:
            page.stats["sisu/duplicate_results"] = page.stats.get("sisu/duplicate_results", 0) + 1
            continue
        seen.add(cid)
        if origin:
            page.follow.append(FollowUp(f"{origin}/kori/api/course-units/{cid}", kind="course_unit"))
    page.stats["sisu/search_results"] = len(results)
    total = data.get("total")
    if not results:  # an empty page where the search promised results is an error the run status shows
        page.stats[
            "errors/empty_results" if isinstance(total, int) and total > start_of(data, url) else "paging/no_results"
        ] = 1
    elif not page.follow and origin:
        page.stats["errors/empty_results"] = 1  # results, but none with a course unit id to follow
    start = start_of(data, url)
    stated = data.get("limit")
    limit: int = stated if isinstance(stated, int) and not isinstance(stated, bool) else 0
    limit = limit or query_int(url, "limit") or len(results)
    if origin and results and isinstance(total, int) and limit > 0 and start + limit < total:
        page.follow.append(FollowUp(with_query(url, start=start + limit, limit=limit), kind="search"))
    return page


def _with_url(
    make: Callable[[dict[str, Any], str], dict[str, Any]], url: str, record: dict[str, Any]
) -> dict[str, Any]:
    return make(record, url)


def parse_data(data: Any, url: str) -> Page | None:
    """A Sisu document's page; None unless it carries Sisu's signature."""
    if isinstance(data, dict) and isinstance(data.get("searchResults"), list):
        return parse_search(data, url)
    records = data if isinstance(data, list) else [data]
    kinds = {k for r in records if (k := _kind(r))}
    if not kinds:
        return None
    page = Page()
    makers = {"aalto": aalto_item, "realisation": realisation_item, "course_unit": course_unit_item}
    for kind in ("aalto", "realisation", "course_unit"):
        if kind not in kinds:
            continue
        chosen = [r for r in records if _kind(r) == kind]
        parse_records(page, SOURCE, chosen, partial(_with_url, makers[kind], url), lambda r: r.get("id"), _screen)
    others = [r for r in records if _kind(r) is None]
    if others:
        skip(page, "unrecognised_record/list", len(others))
    note_empty(page, expected=bool(records))
    return page


@too_deep_is_parse_error("sisu")
def parse(body: bytes, url: str) -> Page:
    return parse_register(body, url, "sisu", parse_data, NOT_SISU)
