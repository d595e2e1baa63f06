"""KTH Royal Institute of Technology (Sweden): the Kopps API v2, programmes and the courses of their curricula.

Kopps is KTH's course and programme catalogue; KTH is replacing it with Ladok-based services, so this parser's
life is limited (the registry entry says so). Two documents:

* `GET /api/kopps/v2/programmes/all` (checked on a real recorded response, ../shared/corpus/kopps): a JSON array of
  programme records: `programmeCode`, `title` (in the language asked for with `?l=`, Swedish by default) and
  `titleOtherLanguage`, `credits` with `creditUnitAbbr` / `creditUnitLabel` ("hp" högskolepoäng, "fup"
  förutbildningspoäng of preparatory education), `educationalLevel` (BASIC, ADVANCED, PREPARATORY ...),
  `lengthInStudyYears`, `firstAdmissionTerm` / `lastAdmissionTerm` ("20072" = autumn 2007), `owningSchoolCode` and
  `degrees`. A programme that is still admitting (no `lastAdmissionTerm`) is a programme offer; one with a last
  admission term is closed to new students and counted as skipped (`items/skipped/closed_programme/programmes`).
* a programme's curriculum for one admission term (`curriculum_url`): an object with `curriculums`, each with its
  `studyYears` and their `courses` (`code`, `title`, `credits`, `creditUnitAbbr`, `educationalLevel`). Its shape
  follows Kopps's curriculum structure but was NOT checked on a recorded response (none was available); confirm
  before a live harvest. Each distinct course is a course offer; the programme's member courses are the courses
  of all its curricula (`members_of`), which the spider (scrapers/spiders/kopps.py) adds to the programme offer.

Values are given as Kopps gives them: credits and their unit in `extras.credits`, the level code in `level_raw`
with `extras.level_framework` naming them Swedish cycles; the normaliser converts hp to ECTS and the cycles to EQF
levels and says why (models/normalise/sweden.py). Only the fields listed here are read, and a rejected record keeps only
those fields, so names or e-mails of staff that a response may carry are never stored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from models.normalise.sweden import SE_CYCLES
from scrapers.parsers.base import Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import as_dict, as_list, member, note_empty, parse_records, programme, skip, text

API = "https://api.kth.se/api/kopps/v2"
KTH = "https://www.kth.se"
PROVIDER = "KTH Royal Institute of Technology"
PLATFORM = "KTH Kopps"
PROGRAMME_KIND = "Study programme"

# The only fields read: a rejected record's raw copy keeps these and nothing else.
PROGRAMME_FIELDS = (
    "programmeCode",
    "title",
    "titleOtherLanguage",
    "credits",
    "creditUnitAbbr",
    "creditUnitLabel",
    "educationalLevel",
    "lengthInStudyYears",
    "firstAdmissionTerm",
    "lastAdmissionTerm",
    "owningSchoolCode",
    "degrees",
)
COURSE_FIELDS = (
    "code",
    "courseCode",
    "title",
    "titleOtherLanguage",
    "credits",
    "creditUnitAbbr",
    "creditUnitLabel",
    "educationalLevel",
)


def curriculum_url(programme_code: str, term: str) -> str:
    """The curriculum of one programme for one admission term ("20262" = autumn 2026)."""
    return f"{API}/programme/{quote(programme_code, safe='')}/curriculum/{quote(term, safe='')}"


def _languages(url: str) -> tuple[str, str]:
    """(language of `title`, language of `titleOtherLanguage`): Kopps answers in `?l=` (Swedish by default)."""
    asked = (parse_qs(urlsplit(url).query).get("l") or ["sv"])[0].lower()
    return ("en", "sv") if asked == "en" else ("sv", "en")


def _readable(record: Any, fields: tuple[str, ...]) -> Any:
    """The record with only the fields this parser reads (what a reject may keep), or the value as it is."""
    return {k: record[k] for k in fields if k in record} if isinstance(record, dict) else record


def _titles(record: dict[str, Any], url: str) -> dict[str, Any]:
    lang, other = _languages(url)
    titles = {
        k: v for k, v in ((lang, text(record.get("title"))), (other, text(record.get("titleOtherLanguage")))) if v
    }
    title_lang = "en" if "en" in titles else next(iter(titles), None)
    return {"title": titles.get(title_lang) if title_lang else None, "title_lang": title_lang, "titles": titles}


def _credits(record: dict[str, Any]) -> dict[str, Any] | None:
    """The credits as Kopps states them (number and unit); the normaliser decides what they are in ECTS."""
    value = record.get("credits")
    if value is None or value == "":
        return None
    return {
        "value": value,
        "unit": text(record.get("creditUnitAbbr")),
        "unit_label": text(record.get("creditUnitLabel")),
    }


def _common(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "provider": PROVIDER,
        "provider_url": KTH,
        "platform": PLATFORM,
        "country": "SE",
        "level_raw": text(record.get("educationalLevel")),
    }


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def programme_item(record: dict[str, Any], url: str = API) -> dict[str, Any]:
    """A programme still admitting: a programme offer; its member courses come from its curricula."""
    code = text(record.get("programmeCode"))
    years = record.get("lengthInStudyYears")
    item: dict[str, Any] = {
        "source_id": f"programme:{code}",
        "url": f"{KTH}/student/kurser/program/{quote(code or '', safe='')}",
        **_titles(record, url),
        **_common(record),
        # Kopps states the nominal length in study years (years of full-time study)
        "duration_raw": f"{years:g} years of full-time study" if _positive(years) else None,
        "extras": {
            "programme_code": code,
            "credits": _credits(record),
            "level_framework": SE_CYCLES,
            "length_in_study_years": years,
            "first_admission_term": text(record.get("firstAdmissionTerm")),
            "last_admission_term": text(record.get("lastAdmissionTerm")),
            "school": text(record.get("owningSchoolCode")),
            "degrees": [c for d in as_list(record.get("degrees")) if (c := text(as_dict(d).get("code")))],
        },
    }
    return programme(item, PROGRAMME_KIND, [])


def course_item(record: dict[str, Any], url: str = API) -> dict[str, Any]:
    """A course of a curriculum: the same record whichever programme lists it (the programme keeps the link)."""
    code = text(record.get("code")) or text(record.get("courseCode"))
    return {
        "source_id": code,
        "url": f"{KTH}/student/kurser/kurs/{quote(code or '', safe='')}",
        **_titles(record, url),
        **_common(record),
        "extras": {"course_code": code, "credits": _credits(record), "level_framework": SE_CYCLES},
    }


def _programme_code(record: dict[str, Any]) -> str | None:
    code = text(record.get("programmeCode"))
    return f"programme:{code}" if code else None


def curriculum_courses(data: dict[str, Any]) -> list[Any]:
    """Every course entry of every curriculum and study year, in order (a course may appear in several)."""
    return [
        course
        for curriculum in as_list(data.get("curriculums"))
        for year in as_list(as_dict(curriculum).get("studyYears"))
        for course in as_list(as_dict(year).get("courses"))
    ]


def _course_code(record: Any) -> str | None:
    return (text(record.get("code")) or text(record.get("courseCode"))) if isinstance(record, dict) else None


def members_of(body: bytes, url: str = API) -> list[dict[str, str]]:
    """The member courses of a curriculum response (id = course code, title, course page), each once, in order;
    [] for a body that is no curriculum (its parse failure is counted where it is parsed)."""
    try:
        data = load_json(body, "kopps curriculum")
    except (ParseError, RecursionError):
        return []
    if not is_curriculum(data):
        return []
    out: dict[str, dict[str, str]] = {}
    for record in curriculum_courses(data):
        code = _course_code(record)
        if code and code not in out:
            title = _titles(record, url)["title"]
            out[code] = member(code, title, f"{KTH}/student/kurser/kurs/{quote(code, safe='')}")
    return list(out.values())


def with_members(item: dict[str, Any], members: list[dict[str, str]]) -> dict[str, Any]:
    """A programme offer completed with the member courses of its curricula."""
    return programme(item, PROGRAMME_KIND, members)


def is_programme_list(data: Any) -> bool:
    """Kopps's signature for `programmes/all`: a JSON array of records carrying `programmeCode`."""
    return isinstance(data, list) and any(isinstance(r, dict) and "programmeCode" in r for r in data)


def is_curriculum(data: Any) -> bool:
    """Kopps's signature for a curriculum: an object with a `curriculums` list."""
    return isinstance(data, dict) and isinstance(data.get("curriculums"), list)


def parse_programmes(data: list[Any], url: str) -> Page:
    page = Page()
    records: list[Any] = []
    for record in data:
        if isinstance(record, dict) and text(record.get("lastAdmissionTerm")):
            skip(page, "closed_programme/programmes")  # no longer admits students: not on offer
            continue
        records.append(_readable(record, PROGRAMME_FIELDS))
    parse_records(page, "kth_kopps", records, lambda r: programme_item(r, url), _programme_code)
    if not data:
        page.stats["errors/empty_results"] = 1  # the list of every programme KTH ever had is never empty
    return page


def parse_curriculum(data: dict[str, Any], url: str) -> Page:
    page = Page()
    seen: set[str] = set()
    records: list[Any] = []
    for record in curriculum_courses(data):
        code = _course_code(record)
        if code and code in seen:
            continue  # a course in several study years or specialisations is one offer
        if code:
            seen.add(code)
        records.append(_readable(record, COURSE_FIELDS))
    parse_records(page, "kth_kopps", records, lambda r: course_item(r, url), _course_code)
    return note_empty(page, expected=False)


@too_deep_is_parse_error("kopps api")
def parse(body: bytes, url: str) -> Page:
    data = load_json(body, "kopps api")
    if is_curriculum(data):
        return parse_curriculum(data, url)
    if is_programme_list(data) or data == []:
        return parse_programmes(data, url)
    raise ParseError(
        "kopps api: not a Kopps programmes list or curriculum (expected a JSON array of programme records with "
        "`programmeCode`, or an object with a `curriculums` list)"
    )
