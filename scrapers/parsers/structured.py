"""The one structured-data path: schema.org nodes from JSON-LD (incl. `@graph`) and microdata in an HTML page.

Every parser that reads schema.org markup (the generic `schema_org` source, university pages) calls
`extract_nodes(body, url, types)`. JSON-LD blocks are decoded one by one, so a single broken block is counted
and skipped instead of hiding the others; `@id` references are resolved within the page; microdata comes from
extruct in its uniform (JSON-LD-like) form. Only the outermost nodes of the wanted types are returned (a
`CourseInstance` inside a `Course` stays inside it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import extruct
import orjson
from lxml import html as lxml_html

from scrapers.parsers.base import ParseError

# Real JSON-LD nests a handful of levels; the walks below recurse, so a deeper block is skipped, not walked.
MAX_JSONLD_DEPTH = 64
COURSE_TYPES = ("Course", "CourseInstance", "EducationalOccupationalCredential")
_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")


def type_names(node: Any) -> list[str]:
    """`@type` as bare schema.org names (`https://schema.org/Course` -> `Course`)."""
    if not isinstance(node, dict):
        return []
    out = []
    types = node.get("@type")
    for value in types if isinstance(types, list) else [types]:
        if isinstance(value, str):
            for prefix in _PREFIXES:
                value = value.removeprefix(prefix)
            out.append(value)
    return out


def _walk(value: Any) -> Iterable[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def _resolve(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> Any:
    """Replace `{"@id": ...}` stubs by the node they name (bounded depth: graphs may be cyclic)."""
    if depth > 6:
        return value
    if isinstance(value, dict):
        if set(value) <= {"@id"} and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        return {k: _resolve(v, by_id, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, by_id, depth + 1) for v in value]
    return value


def _outermost(roots: list[Any], wanted: set[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            if wanted & set(type_names(value)):
                found.append(value)
                return
            for child in value.values():
                visit(child)
        elif isinstance(value, list):
            for child in value:
                visit(child)

    visit(roots)
    return found


def _too_deep(value: Any, limit: int) -> bool:
    """True when `value` nests containers deeper than `limit` (iterative: a deep block must not overflow here)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values() if isinstance(v, dict | list))
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current if isinstance(v, dict | list))
    return False


def _decode_block(raw: str) -> Any:
    """One JSON-LD block; raises ValueError when it is malformed or nested too deeply to walk."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth" in exc.msg.lower() or "recursion" in exc.msg.lower():
            raise ValueError("nested too deeply") from None
        try:  # lenient fallback: control characters inside strings are common in hand-written JSON-LD
            data = json.loads(raw, strict=False)
        except RecursionError:
            raise ValueError("nested too deeply") from None
    if _too_deep(data, MAX_JSONLD_DEPTH):
        raise ValueError("nested too deeply")
    return data


def jsonld_documents(tree: Any, stats: dict[str, int]) -> list[Any]:
    """Each JSON-LD block decoded on its own: a malformed or absurdly deep block is counted and skipped, so it
    cannot hide the valid blocks beside it."""
    docs = []
    for script in tree.xpath('//script[contains(translate(@type, "JSONLD", "jsonld"), "ld+json")]'):
        raw = (script.text or "").strip().removeprefix("<!--").removesuffix("-->").strip()
        if not raw:
            continue
        try:
            docs.append(_decode_block(raw))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            key = "structured/too_deep_jsonld_block" if "too deeply" in str(exc) else "structured/bad_jsonld_block"
            stats[key] = stats.get(key, 0) + 1
    return docs


def extract_nodes(
    body: bytes, url: str, types: Iterable[str] = COURSE_TYPES, stats: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """Outermost schema.org nodes of `types` in the page, JSON-LD first, then microdata; refs resolved."""
    stats = stats if stats is not None else {}
    if not body.strip():
        raise ParseError("html page: empty response body")
    try:
        tree = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ParseError(f"html page: unreadable ({exc})") from None
    docs = jsonld_documents(tree, stats)
    try:
        micro = extruct.extract(body, base_url=url, syntaxes=["microdata"], uniform=True, errors="ignore")
        docs.extend(micro.get("microdata") or [])
    except Exception:  # noqa: BLE001 - extruct raises many kinds; broken microdata must not lose JSON-LD
        stats["structured/bad_microdata"] = 1
    graph = [
        g for d in docs for g in (d.get("@graph", [d]) if isinstance(d, dict) else d if isinstance(d, list) else [])
    ]
    by_id = {n["@id"]: n for n in _walk(graph) if isinstance(n.get("@id"), str) and len(n) > 1}
    nodes = [_resolve(n, by_id) for n in _outermost(graph, set(types))]
    inner = {c.get("@id") for n in nodes for c in list(_walk(n))[1:] if c.get("@id")}
    nodes = [n for n in nodes if not n.get("@id") or n["@id"] not in inner]
    stats["structured/nodes"] = len(nodes)
    return nodes
