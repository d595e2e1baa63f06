"""The contract every source parser follows.

A parser is a pure function `parse(body: bytes, url: str) -> Page`. It knows one source's response format
and nothing about Scrapy, storage or normalisation, so the same code serves the spiders, `mcatlas parse`
and the benchmarks. Items are plain dicts whose keys are `models.offer.Offer` field names holding values
*as the source gives them* (raw strings are fine: normalisation happens later in the item pipelines);
source-specific fields go under `extras`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

T = TypeVar("T")


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
    # One-line notes on a response read only in part (a malformed document recovered): the spider logs each as a
    # warning. What they report also reaches the run's status through an `errors/*` counter in `stats`.
    warnings: list[str] = field(default_factory=list)


Parser = Callable[[bytes, str], Page]


def one_line_reason(exc: BaseException, limit: int = 200) -> str:
    """`Type: message` on one short line: landing rejects and logs must stay one line per problem."""
    message = " ".join(str(exc).split())
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def guard_record(page: Page, source: str, source_id: Any, make: Callable[[], T], raw: Any = None) -> T | None:
    """Map one record; any exception becomes a `Reject` of that record, so its page's other records survive.

    The one place where parsers turn a per-record failure (a wrong type, a bug, a record nested too deeply)
    into a reject instead of losing the whole response. Returns None when the record was rejected."""
    try:
        return make()
    except Exception as exc:  # noqa: BLE001 - any failure of one record is that record's reject, never the page's
        # a record too deep to map is also too deep to serialise into the rejects file: keep the reason only
        keep = None if isinstance(exc, RecursionError) else raw
        sid = source_id if isinstance(source_id, str) or source_id is None else str(source_id)
        page.rejects.append(Reject(source, sid, f"record: unreadable ({one_line_reason(exc)})", keep))
        return None


def too_deep_is_parse_error(what: str) -> Callable[[Parser], Parser]:
    """Decorate a source's `parse`: a document nested too deeply for Python's recursion limit (a JSON body just
    under orjson's depth limit, an XML tree walked recursively) is one ParseError, not a RecursionError."""

    def wrap(parse: Parser) -> Parser:
        @functools.wraps(parse)
        def guarded(body: bytes, url: str) -> Page:
            try:
                return parse(body, url)
            except RecursionError:
                raise ParseError(f"{what}: document nested too deeply to read") from None

        return guarded

    return wrap


# orjson refuses documents nested deeper than this (1024) with a JSONDecodeError, where the standard library
# recurses until RecursionError; no catalogue nests anywhere near it.
JSON_MAX_DEPTH = 1024


def load_json(body: bytes, what: str) -> Any:
    """Decode a JSON body, turning HTML error pages, truncation and absurd nesting into one clear ParseError."""
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise ParseError(f"{what}: empty response body")
    if text[:1] == "<":
        raise ParseError(f"{what}: expected JSON but got markup (an HTML error page?)")
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "depth" in exc.msg.lower() or "recursion" in exc.msg.lower():
            raise ParseError(f"{what}: malformed JSON (nested deeper than {JSON_MAX_DEPTH} levels)") from None
        first = exc
    try:  # orjson is strict; the standard library also reads NaN/Infinity, which some APIs send
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ParseError(f"{what}: malformed JSON ({first.msg} at line {first.lineno} column {first.colno})") from None
