"""FutureLearn public course feed (`/feeds/courses`): a JSON array of courses with their runs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from models.normalise.outcomes import extract_outcomes
from scrapers.parsers.base import Page, ParseError, Reject, load_json

SOURCE = "futurelearn"


def _clean_url(url: str | None) -> str | None:
    """Drop the feed's utm_* tracking query so the URL is a stable identifier."""
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme or "https", parts.netloc, parts.path, "", ""))


def course_item(course: dict[str, Any]) -> dict[str, Any]:
    org = course.get("organisation") or {}
    runs = [
        {"run_id": r.get("uuid"), "start_date": r.get("start_date"), "duration_weeks": r.get("duration_in_weeks")}
        for r in course.get("runs") or [] if isinstance(r, dict)
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
        "extras": {k: course[k] for k in ("hours_per_week", "image_url", "trailer", "has_certificates")
                   if course.get(k) is not None},
    }


def parse(body: bytes, url: str) -> Page:
    data = load_json(body, "futurelearn feed")
    if isinstance(data, dict) and isinstance(data.get("courses"), list):
        data = data["courses"]
    if not isinstance(data, list):
        raise ParseError(f"futurelearn feed: expected a JSON array of courses, got {type(data).__name__}")
    page = Page()
    for course in data:
        if not isinstance(course, dict):
            page.rejects.append(Reject(SOURCE, None, "record: not a JSON object", course))
            continue
        if not course.get("uuid"):
            page.rejects.append(Reject(SOURCE, None, "source_id: missing uuid", course))
            continue
        page.items.append(course_item(course))
    return page
