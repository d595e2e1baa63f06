"""The item chain's steps: size check, clean, normalise, validate, check (scrapers/chain.py puts them in order).

`process` is the part of the chain an input not seen before goes through (clean -> normalise -> validate); the
chain adds reuse, the counters and landing around it, for crawls, `mcatlas parse`, the tests and the benchmark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from annotated_types import MaxLen
from pydantic import ValidationError

from models.normalise.offer import normalise_item
from models.normalise.text import one_line, strip_markup
from models.offer import (
    MAX_LIST_ITEMS,
    MAX_RAW_CHARS,
    MAX_RAW_DEPTH,
    MAX_RAW_ITEM_CHARS,
    RAW_FACTOR,
    Offer,
)

# Fields whose every string (list entries and run fields included) is folded to one line; any other string in
# the item, however deeply nested (extras, outcomes), keeps its paragraph breaks.
ONE_LINE_FIELDS = (
    "title",
    "provider",
    "platform",
    "certificate_type",
    "level_raw",
    "assessment",
    "source",
    "source_id",
    "title_lang",
    "titles",
    "country",
    "languages",
    "alliances",
    "subjects",
    "part_of",
    "runs",
    "participation_form",
    "ects_flag",
    "eqf_flag",
    "price_currency",
)
# Ours, not the source's: left exactly as they are.
UNTOUCHED = ("provenance", "explanations", "input_hash", "record_hash", "learning_outcomes")
# Fields whose absence is counted in crawl stats (the EU standard elements an offer should carry).
CHECKED_FIELDS = (
    "description",
    "provider",
    "country",
    "learning_outcomes",
    "languages",
    "url",
    "ects",
    "workload_hours_min",
    "eqf_level",
    "assessment",
    "participation_form",
)


def _raw_limits() -> dict[str, int]:
    """RAW_FACTOR x each field's schema limit: what a raw value may measure before markup is stripped."""
    limits = {}
    for name, info in Offer.model_fields.items():
        cap = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
        if (
            cap is not None
            and info.annotation is not None
            and "str" in str(info.annotation)
            and not str(info.annotation).startswith(("list", "dict"))
        ):
            limits[name] = RAW_FACTOR * cap
    return limits


RAW_LIMITS = _raw_limits()


class RejectItem(Exception):
    """The item cannot become an Offer; the message is the one-line reason stored with the reject."""


class NormalisationFailed(RejectItem):
    """A step raised where it must not (a bug, not bad data): rejected like bad data, but counted as an error."""


def check_raw_size(item: Mapping[str, Any]) -> None:
    """Refuse an oversized parsed item before any work is done on it (cleaning, hashing, normalising).

    A field's raw string may be RAW_FACTOR times its schema limit (room for markup and entities), any other string
    MAX_RAW_CHARS, a list RAW_FACTOR x MAX_LIST_ITEMS entries, the whole item MAX_RAW_ITEM_CHARS of text and
    MAX_RAW_DEPTH levels of nesting. Only lengths are read, so a 200 MB title costs next to nothing; every item
    pays for it (it runs before the input hash), so the common case builds no paths and only a refused item is
    walked again for the reason.
    """
    if not _within_limits(item):
        _raise_size_error(item)


_MAX_ENTRIES = RAW_FACTOR * MAX_LIST_ITEMS
_CONTAINERS = (list, dict)
_SCALARS = frozenset({int, float, bool, type(None)})


def _within_limits(item: Mapping[str, Any]) -> bool:
    """The same limits as `_raise_size_error`, checked without building a path for every value.

    Every item pays for this walk, so the common leaves (exact str, int, float, bool, None) are told apart by
    `type()`; anything else (a str subclass, say) goes through `isinstance` as before."""
    total = 0
    stack: list[tuple[Any, int]] = []
    for name, value in item.items():
        if name == "provenance":
            continue
        if isinstance(value, str):
            if len(value) > RAW_LIMITS.get(name, MAX_RAW_CHARS):
                return False
            total += len(value)
        elif isinstance(value, _CONTAINERS):
            stack.append((value, 1))
    while stack:
        value, depth = stack.pop()
        if depth > MAX_RAW_DEPTH or len(value) > _MAX_ENTRIES:
            return False
        depth += 1
        for child in value.values() if isinstance(value, dict) else value:
            kind = type(child)
            if kind is str or (kind not in _SCALARS and isinstance(child, str)):
                if len(child) > MAX_RAW_CHARS:
                    return False
                total += len(child)
            elif kind is dict or kind is list or (kind not in _SCALARS and isinstance(child, _CONTAINERS)):
                stack.append((child, depth))
    return total <= MAX_RAW_ITEM_CHARS


def _raise_size_error(item: Mapping[str, Any]) -> None:
    """The walk that names the first limit an item breaks (with its path): run only once `_within_limits` said no."""
    total = 0
    stack: list[tuple[str, Any, int]] = [(k, v, 1) for k, v in item.items() if k != "provenance"]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, str):
            limit = RAW_LIMITS.get(where, MAX_RAW_CHARS)
            if len(value) > limit:
                raise RejectItem(f"{where}: {len(value):,} characters before cleaning, over the limit of {limit:,}")
            total += len(value)
            if total > MAX_RAW_ITEM_CHARS:
                raise RejectItem(f"{where}: the item holds over {MAX_RAW_ITEM_CHARS:,} characters of text")
        elif isinstance(value, list | dict):
            if depth > MAX_RAW_DEPTH:
                raise RejectItem(f"{where}: nested deeper than {MAX_RAW_DEPTH} levels")
            if len(value) > RAW_FACTOR * MAX_LIST_ITEMS:
                raise RejectItem(f"{where}: {len(value):,} entries, over the limit of {RAW_FACTOR * MAX_LIST_ITEMS:,}")
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(
                (f"{where}.{k}" if isinstance(value, dict) else f"{where}[{k}]", v, depth + 1) for k, v in pairs
            )


def shortened(value: Any, keep: int = 300) -> Any:
    """`value` with long strings cut to `keep` characters (and their length noted): the raw kept with a reject."""
    if isinstance(value, str):
        return value if len(value) <= keep else f"{value[:keep]}... ({len(value):,} chars)"
    if isinstance(value, list):
        return [shortened(v, keep) for v in value[:keep]]
    if isinstance(value, dict):
        return {k: shortened(v, keep) for k, v in list(value.items())[:keep]}
    return value


def _clean_value(value: Any, text: Callable[[str | None], str | None]) -> Any:
    """Markup out of every string in `value`, walking lists and dicts; empty strings (and None) drop out of lists.

    Every item goes through this walk, so a list's or dict's strings are cleaned, and its numbers, booleans and None
    kept, without a call per value: only nested lists and dicts recurse."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, list):
        cleaned = []
        for v in value:
            if isinstance(v, str):
                v = text(v)
            elif isinstance(v, _CONTAINERS):
                v = _clean_value(v, text)
            if v is not None:
                cleaned.append(v)
        return cleaned
    if isinstance(value, dict):
        return {
            k: text(v) if isinstance(v, str) else _clean_value(v, text) if isinstance(v, _CONTAINERS) else v
            for k, v in value.items()
        }
    return value


_ONE_LINE = frozenset(ONE_LINE_FIELDS)
_UNTOUCHED = frozenset(UNTOUCHED)


def clean(item: dict[str, Any], size_checked: bool = False) -> dict[str, Any]:
    """Plain text everywhere: markup removed, whitespace folded, empty strings dropped.

    Every string the source gave is cleaned, wherever it sits (subjects, runs, extras at any depth), so that no
    field can carry markup into the warehouse or an export because nobody listed it. Raises RejectItem for an item
    over the size limits (checked first, on the raw lengths, unless the caller did: `size_checked`).
    """
    if not size_checked:
        check_raw_size(item)
    for name, value in item.items():
        if name in _UNTOUCHED:
            continue
        if isinstance(value, str):
            item[name] = one_line(value) if name in _ONE_LINE else strip_markup(value)
        elif isinstance(value, _CONTAINERS):
            item[name] = _clean_value(value, one_line if name in _ONE_LINE else strip_markup)
    if isinstance(item.get("titles"), dict):
        item["titles"] = {k: v for k, v in item["titles"].items() if v}
    outcomes = []
    for outcome in item.get("learning_outcomes") or []:
        if isinstance(outcome, str):
            outcome = {"text": outcome}
        # Lines are kept (one statement per line or list item); normalise_item splits and folds them.
        text = strip_markup(outcome.get("text")) if isinstance(outcome.get("text"), str) else None
        if text:
            outcome = {k: text if k == "text" else _clean_value(v, one_line) for k, v in outcome.items()}
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
    return [name for name in CHECKED_FIELDS if _absent(data.get(name))]


def _absent(value: Any) -> bool:
    """None, or an empty text, list or dict (0 and False are values)."""
    return value is None or (not value and isinstance(value, str | list | dict))


def process(item: dict[str, Any], stats: Counter[str] | None = None, size_checked: bool = False) -> Offer:
    """clean -> normalise -> validate; raises RejectItem with a one-line reason.

    The item chain (scrapers/chain.py) calls this for every input it cannot reuse; tests call it for the Offer.
    """
    try:
        offer = validate(normalise_item(clean(item, size_checked)))
    except RejectItem:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        raise NormalisationFailed(f"normalisation failed: {type(exc).__name__}: {exc}") from None
    if stats is not None:
        for name in missing_fields(vars(offer)):
            stats[f"missing_field/{name}"] += 1
    return offer
