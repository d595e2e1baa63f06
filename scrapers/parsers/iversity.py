"""iversity public courses API (`/api/v1/courses`, retired): `{"courses": [...]}` with organisations and tracks.

Kept so recorded responses stay readable; instructor entries are never read. Arrays beside `courses` are counted as
skipped (`items/skipped/unrecognised_array/<name>`), never dropped silently.
"""

from __future__ import annotations

from typing import Any

from scrapers.parsers.base import Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    as_list,
    names,
    not_an_offer,
    note_empty,
    outcomes,
    parse_records,
    run,
    skip_arrays,
    strip_tracking,
    text,
)

SOURCE = "iversity"


def course_item(record: dict[str, Any]) -> dict[str, Any]:
    tracks = [t for t in as_list(record.get("verifications")) if isinstance(t, dict)]
    description = text(record.get("description"))
    ects = [t.get("credits") for t in tracks if t.get("credits")]
    prices = [f"{t.get('title')}: {t.get('price')}" for t in tracks if t.get("price")]
    return {
        "source_id": text(record.get("id")) or text(record.get("url")),
        "url": strip_tracking(text(record.get("url"))),
        "title": text(record.get("title")),
        "description": "\n\n".join(p for p in (text(record.get("subtitle")), description) if p) or None,
        "provider": " / ".join(names(record.get("organisations"))) or None,
        "platform": "iversity",
        "languages": [v for v in as_list(record.get("language")) if text(v)],
        "learning_outcomes": outcomes(None, description),
        "duration_raw": f"{record['duration']} weeks" if text(record.get("duration")) else None,
        "level_raw": text(record.get("knowledge_level")),
        "participation_form": "online",
        "price_raw": "; ".join(prices) or None,
        "runs": [run(start=record.get("start_date"), end=record.get("end_date"))] if record.get("start_date") else [],
        "subjects": names(record.get("discipline")),
        "certificate_type": ", ".join(names(tracks, "title")) or None,
        "extras": {"ects_available": record.get("ects_available"), "track_credits": ects},
    }


def parse_data(data: Any, url: str) -> Page | None:
    rows = data.get("courses") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not any(isinstance(r, dict) and "organisations" in r for r in rows):
        return None
    page = skip_arrays(Page(), data, ("courses",))  # other arrays (programs, tracks ...) are counted, not lost
    return note_empty(
        parse_records(page, SOURCE, rows, course_item, lambda r: r.get("id"), not_an_offer), expected=False
    )


@too_deep_is_parse_error("iversity api")
def parse(body: bytes, url: str) -> Page:
    page = parse_data(load_json(body, "iversity api"), url)
    if page is None:
        raise ParseError('iversity api: expected {"courses": [...]} with organisations')
    return page
