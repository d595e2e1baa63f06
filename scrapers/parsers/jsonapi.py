"""JSON:API documents (https://jsonapi.org): primary resources and `links.next` paging."""

from __future__ import annotations

from typing import Any

from scrapers.parsers.base import ParseError
from scrapers.parsers.common import as_dict, next_link


def is_document(data: Any) -> bool:
    """A JSON:API top-level document: `data` holding resource objects (or `errors`)."""
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("errors"), list) and "data" not in data:
        return True
    rows = data.get("data")
    rows = rows if isinstance(rows, list) else [rows]
    return "data" in data and all(isinstance(r, dict) and ("attributes" in r or "type" in r) for r in rows if r)


def resources(data: dict[str, Any], what: str) -> list[Any]:
    """The primary resources; an `errors` document is one ParseError with the first error's title."""
    if isinstance(data.get("errors"), list) and not data.get("data"):
        first = data["errors"][0] if data["errors"] and isinstance(data["errors"][0], dict) else {}
        raise ParseError(f"{what}: error document ({first.get('status') or ''} {first.get('title') or ''})".strip())
    rows = data.get("data")
    if rows is None:
        return []
    return rows if isinstance(rows, list) else [rows]


def next_page(data: dict[str, Any], url: str) -> str | None:
    """`links.next` (a string or a link object), unless empty or pointing back at this page."""
    links = as_dict(data.get("links"))
    nxt = links.get("next")
    if isinstance(nxt, dict):
        nxt = nxt.get("href")
    self_link = links.get("self") if isinstance(links.get("self"), str) else None
    found = next_link(url, nxt)
    return None if found and self_link and found.rstrip("/") == self_link.rstrip("/") else found
