"""FutureLearn public feeds: courses (`/feeds/courses`, courses with their runs) and programs (`/feeds/programs`).

A program lists its courses (uuid and URL); the program item carries them for stackability, and the FutureLearn
spider writes the program ids into each course's `part_of`. Other MOOC shapes fall back to `dispatch`.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from models.normalise.outcomes import extract_outcomes
from scrapers.parsers.base import Page, Reject, guard_record, load_json, too_deep_is_parse_error

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
    runs = [
        {"run_id": r.get("uuid"), "start_date": r.get("start_date"), "duration_weeks": r.get("duration_in_weeks")}
        for r in course.get("runs") or []
        if isinstance(r, dict)
    ]
    weeks = next((r["duration_weeks"] for r in runs if r.get("duration_weeks")), None)
    hours = course.get("hours_per_week")
    description = course.get("description") or ""
    structured = course.get("learning_outcomes") or course.get("learning_objectives")
    outcomes = [o for o in structured if isinstance(o, str)] if isinstance(structured, list) else []
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


def program_item(program: dict[str, Any]) -> dict[str, Any]:
    """A program (ExpertTrack, microcredential, program) with the courses it stacks."""
    org = program.get("organisation") or {}
    courses = [c for c in program.get("courses") or [] if isinstance(c, dict)]
    lang = program.get("language")
    description = program.get("description") or ""
    structured = program.get("learning_outcomes")
    kind = program.get("type") or program.get("program_type") or "program"
    weeks = program.get("duration_in_weeks")
    return {
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
            {"text": t, "lang": lang}
            for t in (
                [o for o in structured if isinstance(o, str)]
                if isinstance(structured, list)
                else extract_outcomes(description)
            )
        ],
        "workload_raw": f"{program['hours_per_week']} hours per week" if program.get("hours_per_week") else None,
        "duration_weeks": weeks if isinstance(weeks, int | float) else None,
        "duration_raw": f"{weeks} weeks" if weeks else None,
        "ects": program.get("ects_credits") or None,
        "participation_form": "online",
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


def _records(data: Any) -> tuple[str, list[Any]]:
    if isinstance(data, dict):
        for key in ("courses", "programs"):
            rows = data.get(key)
            if isinstance(rows, list) and not _foreign(rows):
                return key, rows
        return "", []
    if isinstance(data, list) and not _foreign(data):
        rows = [r for r in data if isinstance(r, dict)]
        is_program = bool(rows) and all(isinstance(r.get("courses"), list) and "runs" not in r for r in rows)
        return ("programs" if is_program else "courses"), data
    return "", []


def _foreign(rows: list[Any]) -> bool:
    """Another platform's course list (iversity, Udacity, edX): records with a `title` and no FutureLearn uuid."""
    dicts = [r for r in rows if isinstance(r, dict)]
    return bool(dicts) and not any("uuid" in r or "name" in r for r in dicts) and any("title" in r for r in dicts)


def parse_data(data: Any, url: str) -> Page | None:
    """Items from a decoded feed; None when the document is not a FutureLearn feed."""
    kind, records = _records(data)
    if not kind:
        return None
    page = Page()
    make = program_item if kind == "programs" else course_item
    for record in records:
        if not isinstance(record, dict):
            page.rejects.append(Reject(SOURCE, None, "record: not a JSON object", record))
            continue
        if not record.get("uuid"):
            page.rejects.append(Reject(SOURCE, None, "source_id: missing uuid", record))
            continue
        item = guard_record(page, SOURCE, str(record["uuid"]), partial(make, record), record)
        if item is not None:
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
        else fallback(data, url, "futurelearn feed: expected a JSON array of courses or programs", skip=SOURCE)
    )
