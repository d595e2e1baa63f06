"""Udacity public catalog API (`/public-api/v0/courses`, retired): `{"courses": [...]}` keyed by course key.

Kept so recorded responses stay readable; instructor entries are never read.
"""

from __future__ import annotations

from typing import Any

from scrapers.parsers.base import Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import names, note_empty, outcomes, parse_records, strip_tracking, text

SOURCE = "udacity"


def course_item(record: dict[str, Any]) -> dict[str, Any]:
    description = (
        "\n\n".join(
            p
            for p in (
                text(record.get("summary")) or text(record.get("short_summary")),
                text(record.get("expected_learning")),
            )
            if p
        )
        or None
    )
    amount, unit = record.get("expected_duration"), text(record.get("expected_duration_unit"))
    slug = text(record.get("slug"))
    return {
        "source_id": text(record.get("key")) or slug,
        "url": strip_tracking(text(record.get("homepage")))
        or (f"https://www.udacity.com/course/{slug}" if slug else None),
        "title": text(record.get("title")),
        "description": description,
        "provider": " / ".join(names(record.get("affiliates"))) or "Udacity",
        "platform": "Udacity",
        "learning_outcomes": outcomes(None, text(record.get("expected_learning"))),
        "duration_raw": f"{amount} {unit}" if amount and unit else None,
        "level_raw": text(record.get("level")),
        "participation_form": "online",
        "prerequisites": text(record.get("required_knowledge")),
        "subjects": names(record.get("tracks")),
        "extras": {"subtitle": text(record.get("subtitle")), "project": text(record.get("project_name"))},
    }


def parse_data(data: Any, url: str) -> Page | None:
    rows = data.get("courses") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not any(isinstance(r, dict) and "key" in r and "homepage" in r for r in rows):
        return None
    return note_empty(parse_records(Page(), SOURCE, rows, course_item, lambda r: r.get("key")), expected=False)


@too_deep_is_parse_error("udacity api")
def parse(body: bytes, url: str) -> Page:
    page = parse_data(load_json(body, "udacity api"), url)
    if page is None:
        raise ParseError('udacity api: expected {"courses": [...]} with course keys')
    return page
