"""The contract every source parser follows.

A parser is a pure function `parse(body: bytes, url: str) -> Page`. It knows one source's response format
and nothing about Scrapy, storage or normalisation, so the same code serves the spiders, `mcatlas parse`
and the benchmarks. Items are plain dicts whose keys are `models.offer.Offer` field names holding values
*as the source gives them* (raw strings are fine: normalisation happens later in the item pipelines);
source-specific fields go under `extras`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class ParseError(Exception):
    """The whole response is unusable (malformed body, wrong format, error page). One line, no traceback."""


@dataclass(frozen=True)
class Reject:
    """A record set aside with the reason, so nothing is silently lost."""

    source: str
    source_id: str | None
    reason: str
    raw: Any = None


@dataclass(frozen=True)
class FollowUp:
    """A further request the spider should make (next page, detail document)."""

    url: str
    kind: str = "page"
    meta: dict[str, Any] = field(default_factory=dict)
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Page:
    items: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    follow: list[FollowUp] = field(default_factory=list)
    # Counters the spider adds to its crawl stats (e.g. "missing_field/description").
    stats: dict[str, int] = field(default_factory=dict)


Parser = Callable[[bytes, str], Page]


def load_json(body: bytes, what: str) -> Any:
    """Decode a JSON body, turning HTML error pages and truncation into one clear ParseError."""
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise ParseError(f"{what}: empty response body")
    if text[:1] == "<":
        raise ParseError(f"{what}: expected JSON but got markup (an HTML error page?)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"{what}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
