"""The one shape of an explanation: why a normalised value is what it is (see `models.offer.Explanation`)."""

from __future__ import annotations

from typing import Any

MAX_RAW_CHARS = 300


def explain(
    field: str, value: Any, raw_field: str | None, raw_value: Any, rule: str, note: str | None = None
) -> dict[str, Any]:
    """An Explanation as a plain dict (validated with the offer); long raw text is cut so records stay small."""
    if isinstance(raw_value, str) and len(raw_value) > MAX_RAW_CHARS:
        raw_value = raw_value[:MAX_RAW_CHARS] + f"... ({len(raw_value)} chars)"
    return {"field": field, "value": value, "raw_field": raw_field, "raw_value": raw_value, "rule": rule, "note": note}
