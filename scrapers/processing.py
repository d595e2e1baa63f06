"""The item chain shared by the Scrapy pipelines and `mcatlas parse`: clean -> normalise -> validate -> check.

Keeping it in one place guarantees that `mcatlas parse` prints exactly what a crawl would load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from models.normalise.offer import normalise_item
from models.normalise.text import one_line, strip_markup
from models.offer import Offer

ONE_LINE_FIELDS = ("title", "provider", "platform", "certificate_type", "level_raw", "assessment")
TEXT_FIELDS = ("description", "prerequisites", "stackability", "quality_assurance", "workload_raw",
               "duration_raw", "price_raw", "participation_raw", "supervision_identity_check")
# Fields whose absence is counted in crawl stats (the EU standard elements an offer should carry).
CHECKED_FIELDS = ("description", "provider", "country", "learning_outcomes", "languages", "url",
                  "ects", "workload_hours_min", "eqf_level", "assessment", "participation_form")


class RejectItem(Exception):
    """The item cannot become an Offer; the message is the one-line reason stored with the reject."""


def clean(item: dict[str, Any]) -> dict[str, Any]:
    """Plain text everywhere: markup removed, whitespace folded, empty strings dropped."""
    for name in ONE_LINE_FIELDS:
        if isinstance(item.get(name), str):
            item[name] = one_line(item[name])
    for name in TEXT_FIELDS:
        if isinstance(item.get(name), str):
            item[name] = strip_markup(item[name])
    if isinstance(item.get("titles"), dict):
        item["titles"] = {k: one_line(v) for k, v in item["titles"].items() if one_line(v)}
    outcomes = []
    for outcome in item.get("learning_outcomes") or []:
        if isinstance(outcome, str):
            outcome = {"text": outcome}
        # Lines are kept (one statement per line or list item); normalise_item splits and folds them.
        text = strip_markup(outcome.get("text")) if isinstance(outcome.get("text"), str) else None
        if text:
            outcome["text"] = text
            if outcome.get("text_en"):
                outcome["text_en"] = one_line(outcome["text_en"])
            outcomes.append(outcome)
    item["learning_outcomes"] = outcomes
    return item


REQUIRED = ("source", "source_id", "title")


def validate(item: dict[str, Any]) -> Offer:
    for name in REQUIRED:
        if item.get(name) in (None, ""):
            raise RejectItem(f"{name}: missing")
    try:
        return Offer.model_validate(item)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise RejectItem(f"{where}: {first['msg']}{more}") from None


def missing_fields(data: Mapping[str, Any]) -> list[str]:
    """Standard elements absent from a record (an Offer's fields or its dumped dict)."""
    return [name for name in CHECKED_FIELDS if data.get(name) in (None, "", [], {})]


def process(item: dict[str, Any], stats: Counter[str] | None = None) -> Offer:
    """Run the whole chain; raises RejectItem with a one-line reason."""
    try:
        offer = validate(normalise_item(clean(item)))
    except RejectItem:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        raise RejectItem(f"normalisation failed: {type(exc).__name__}: {exc}") from None
    if stats is not None:
        for name in missing_fields(vars(offer)):
            stats[f"missing_field/{name}"] += 1
    return offer
