"""FutureLearn public feeds: courses (`/feeds/courses`, courses with their runs) and programs (`/feeds/programs`).

A program lists its courses (uuid and URL); the program item carries them for stackability, and the FutureLearn
spider writes the program ids into each course's `part_of`. Each record is told apart on its own (a program has a
`courses` list), so a feed mixing both loses neither. A document is FutureLearn's only on a positive signature
(records with a `uuid`, a `name` and FutureLearn's own fields); other MOOC shapes fall back to `dispatch`.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from models.normalise.outcomes import extract_outcomes, outcome_statements
from scrapers.parsers.base import Page, Reject, guard_record, load_json, too_deep_is_parse_error
from scrapers.parsers.common import member, not_an_offer, programme, skip_arrays

SOURCE = "futurelearn"


def _clean_url(url: str | None) -> str | None:
    """Drop the feed's utm_* tracking query so the URL is a stable identifier."""
    if not url:
        return None
    if url.startswith(("https://", "http://")) and not any(c in url for c in "\t\r\n[]"):
        return url.partition("#")[0].partition("?")[0]  # what urlsplit/urlunsplit give here, 30 times faster
    parts = urlsplit(url)
    return urlunsplit((parts.scheme or "https", parts.netloc, parts.path, "", ""))


def course_item(course: dict[str, Any]) -> dict[str, Any]:
    org = course.get("organisation") or {}
    runs = _runs(course)
    weeks = next((r["duration_weeks"] for r in runs if r.get("duration_weeks")), None)
    hours = course.get("hours_per_week")
    description = course.get("description") or ""
    structured = course.get("learning_outcomes") or course.get("learning_objectives")
    outcomes = _stated(structured)
    lang = course.get("language")
    return {
        "source_id": str(course.get("uuid") or "").strip(),
        "url": _clean_url(course.get("url")),
        "title": course.get("name"),
        "title_lang": lang,
        "description": "\n\n".join(p for p in (course.get("introduction"), description) if p),
        "provider": org.get("name"),
        "provider_url": org.get("url"),
        "platform": "FutureLearn",
        "languages": [lang] if lang else [],
        "learning_outcomes": [{"text": t, "lang": lang} for t in (outcomes or extract_outcomes(description))],
        "workload_raw": f"{hours} hours per week" if hours not in (None, "") else None,
        "duration_weeks": weeks,
        "duration_raw": f"{weeks} weeks" if weeks else None,
        "participation_form": "online",
        "runs": runs,
        "subjects": [c for c in course.get("categories") or [] if isinstance(c, str)],
        "certificate_type": "certificate of achievement (paid upgrade)" if course.get("has_certificates") else None,
        "extras": {
            k: course[k]
            for k in ("hours_per_week", "image_url", "trailer", "has_certificates")
            if course.get(k) is not None
        },
    }


def _stated(structured: Any) -> list[str]:
    """A structured outcomes field: a list of statements, or one text listing them."""
    if isinstance(structured, list):
        return [o for o in structured if isinstance(o, str)]
    return outcome_statements(structured) if isinstance(structured, str) else []


def _runs(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"run_id": r.get("uuid"), "start_date": r.get("start_date"), "duration_weeks": r.get("duration_in_weeks")}
        for r in record.get("runs") or []
        if isinstance(r, dict)
    ]


def program_item(program: dict[str, Any]) -> dict[str, Any]:
    """A program (ExpertTrack, microcredential, program) with the courses it stacks."""
    org = program.get("organisation") or {}
    courses = [c for c in program.get("courses") or [] if isinstance(c, dict)]
    lang = program.get("language")
    description = program.get("description") or ""
    structured = program.get("learning_outcomes")
    kind = program.get("type") or program.get("program_type") or "program"
    weeks = program.get("duration_in_weeks")
    item = {
        "source_id": f"program:{str(program.get('uuid') or '').strip()}",
        "url": _clean_url(program.get("url")),
        "title": program.get("name"),
        "title_lang": lang,
        "description": "\n\n".join(p for p in (program.get("introduction"), description) if p),
        "provider": org.get("name"),
        "provider_url": org.get("url"),
        "platform": "FutureLearn",
        "languages": [lang] if lang else [],
        "learning_outcomes": [
            {"text": t, "lang": lang} for t in (_stated(structured) or extract_outcomes(description))
        ],
        "workload_raw": f"{program['hours_per_week']} hours per week" if program.get("hours_per_week") else None,
        "duration_weeks": weeks if isinstance(weeks, int | float) else None,
        "duration_raw": f"{weeks} weeks" if weeks else None,
        "ects": program.get("ects_credits") or None,
        "participation_form": "online",
        "runs": _runs(program),  # a program's own start dates, where the feed gives them
        "stackability": f"{str(kind).replace('_', ' ').capitalize()} of {len(courses)} FutureLearn courses"
        + (": " + "; ".join(c["name"] for c in courses if c.get("name")) if courses else ""),
        "subjects": [c for c in program.get("categories") or [] if isinstance(c, str)],
        "certificate_type": program.get("award") or None,
        "extras": {
            "kind": kind,
            "course_ids": [c.get("uuid") for c in courses if c.get("uuid")],
            "course_urls": [_clean_url(c.get("url")) for c in courses if c.get("url")],
        },
    }
    return programme(item, str(kind), [member(c.get("uuid"), c.get("name"), _clean_url(c.get("url"))) for c in courses])


# Fields only FutureLearn's feed records carry beside `uuid` and `name` (course feed, programs feed).
_OWN_FIELDS = ("runs", "organisation", "educator", "hours_per_week", "has_certificates", "trailer", "introduction")
ARRAYS = ("courses", "programs")  # the feed's arrays when it comes wrapped in an object


def _is_program(record: dict[str, Any]) -> bool:
    return isinstance(record.get("courses"), list)


def _signed(record: Any) -> bool:
    """A FutureLearn feed record: a uuid and a name, and a program's course list or a course's own fields (or a
    futurelearn.com URL). Another platform's record with a `courses` list or a `name` is not enough."""
    if not isinstance(record, dict) or not record.get("uuid") or "name" not in record:
        return False
    if _is_program(record) and any(isinstance(c, dict) and ("uuid" in c or "name" in c) for c in record["courses"]):
        return True
    return any(k in record for k in _OWN_FIELDS) or "futurelearn." in str(record.get("url") or "")


def _records(data: Any) -> list[Any] | None:
    """The feed's records, or None when the document carries no FutureLearn signature. An empty array is an empty
    feed (the error the run status shows), not another format."""
    if isinstance(data, list):
        return data if not data or any(_signed(r) for r in data) else None
    if isinstance(data, dict):
        rows = [r for key in ARRAYS if isinstance(data.get(key), list) for r in data[key]]
        return rows if any(_signed(r) for r in rows) else None
    return None


def parse_data(data: Any, url: str) -> Page | None:
    """Items from a decoded feed; None when the document is not a FutureLearn feed."""
    records = _records(data)
    if records is None:
        return None
    page = Page()
    skip_arrays(page, data, ARRAYS)
    for record in records:
        if not isinstance(record, dict):
            page.rejects.append(Reject(SOURCE, None, "record: not a JSON object", record))
            continue
        if not record.get("uuid"):
            page.rejects.append(Reject(SOURCE, None, "source_id: missing uuid", record))
            continue
        make = program_item if _is_program(record) else course_item
        item = guard_record(page, SOURCE, str(record["uuid"]), partial(make, record), record)
        if item is None:
            continue
        if why := not_an_offer(item):
            page.rejects.append(Reject(SOURCE, item["source_id"], f"not_an_offer: {why}", record))
            continue
        page.items.append(item)
    if not page.items and not page.rejects:
        page.stats["errors/empty_results"] = 1
    return page


@too_deep_is_parse_error("futurelearn feed")
def parse(body: bytes, url: str) -> Page:
    from scrapers.parsers.dispatch import fallback

    data = load_json(body, "futurelearn feed")
    page = parse_data(data, url)
    return (
        page
        if page is not None
        else fallback(
            data,
            url,
            "futurelearn feed: not a FutureLearn courses or programs feed (expected a JSON array of records with "
            "`uuid`, `name` and `runs`/`organisation`, or programs with a `courses` list), nor another platform's",
            skip=SOURCE,
        )
    )
