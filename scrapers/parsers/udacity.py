"""Udacity public catalog API (`/public-api/v0/courses`, retired): `{"courses": [...]}` keyed by course key.

The same document may list `degrees` (Nanodegree programs, paid) and `tracks` beside the courses: degrees are
programme offers with their member courses, tracks are subject groupings (counted as skipped; courses carry their
track names as subjects). Kept so recorded responses stay readable; instructor entries are never read.
"""

from __future__ import annotations

from typing import Any

from models.normalise.outcomes import outcome_statements
from scrapers.parsers.base import Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    as_list,
    member,
    names,
    not_an_offer,
    note_empty,
    outcomes,
    parse_records,
    programme,
    skip_arrays,
    strip_tracking,
    text,
)

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
        # `expected_learning` is the field that states what the course teaches ("You'll learn ...")
        "learning_outcomes": outcomes(outcome_statements(text(record.get("expected_learning"))), None),
        "duration_raw": f"{amount} {unit}" if amount and unit else None,
        "level_raw": text(record.get("level")),
        "participation_form": "online",
        "prerequisites": text(record.get("required_knowledge")),
        "subjects": names(record.get("tracks")),
        "extras": {"subtitle": text(record.get("subtitle")), "project": text(record.get("project_name"))},
    }


def degree_item(record: dict[str, Any]) -> dict[str, Any]:
    """A Nanodegree program: the course fields, and the courses it is built from where the record lists them."""
    item = course_item(record)
    courses = as_list(record.get("courses")) or as_list(record.get("course_keys"))
    members = [
        member(c.get("key"), c.get("title"), strip_tracking(text(c.get("homepage"))))
        if isinstance(c, dict)
        else member(c)
        for c in courses
    ]
    item["certificate_type"] = "Nanodegree program certificate"
    return programme(item, "Nanodegree program", members)


ARRAYS = ("courses", "degrees")
REASONS = {"tracks": "not_offers"}  # subject groupings: each course names its tracks (subjects)


def _signed(rows: Any) -> bool:
    return isinstance(rows, list) and any(isinstance(r, dict) and "key" in r and "homepage" in r for r in rows)


def parse_data(data: Any, url: str) -> Page | None:
    if not isinstance(data, dict) or not any(_signed(data.get(key)) for key in ARRAYS):
        return None
    page = skip_arrays(Page(), data, ARRAYS, REASONS)
    for key, make in (("courses", course_item), ("degrees", degree_item)):
        rows = data.get(key)
        if isinstance(rows, list):
            parse_records(page, SOURCE, rows, make, lambda r: r.get("key"), not_an_offer)
    return note_empty(page, expected=False)


@too_deep_is_parse_error("udacity api")
def parse(body: bytes, url: str) -> Page:
    page = parse_data(load_json(body, "udacity api"), url)
    if page is None:
        raise ParseError('udacity api: expected {"courses": [...]} with course keys')
    return page
