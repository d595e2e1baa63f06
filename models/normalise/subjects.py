"""Subjects to ISCED-F 2013 broad fields (two-digit codes), where the source names a subject.

The mapping is the shipped table `models/reference/isced_f_2013.csv`: each broad field with the words that
name it in our sources' subject vocabularies (FutureLearn categories, Coursera domain types, edX subjects,
MOOChub/ELM ISCED-F URIs, university catalogue subjects). A label may name several fields ('Science,
Engineering & Maths' -> 05 and 07); a label naming none is reported, never guessed.
"""

from __future__ import annotations

import re
from functools import cache

from models import reference

_URI = re.compile(r"isced-f/(\d{2,4})\b|^(\d{2})(?:\d{1,2})?$")


@cache
def broad_fields() -> dict[str, str]:
    """Broad field code -> label."""
    return {code: label for code, label, _ in _rows()}


@cache
def _rows() -> list[tuple[str, str, list[str]]]:
    return [(r["code"], r["label"], r["keywords"].split("|")) for r in reference.rows("isced_f_2013")]


@cache
def _matcher() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for code, _, words in _rows():
        alts = [re.escape(w[:-1]) + r"[\w-]*" if w.endswith("*") else re.escape(w) for w in words if w]
        out.append(
            (
                code,
                re.compile(
                    r"(?<![\w-])(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?![\w])", re.IGNORECASE
                ),
            )
        )
    return out


@cache
def isced_broad(subject: str) -> tuple[tuple[str, str], ...]:
    """((code, matched word), ...) for one subject label; empty when the label names no field."""
    text = subject.strip()
    if not text:
        return ()
    m = _URI.search(text)
    if m:
        code = (m.group(1) or m.group(2))[:2]
        return ((code, text),) if code in broad_fields() else ()
    text = text.replace(":", " ").replace("_", " ")
    found = []
    for code, rx in _matcher():
        hit = rx.search(text)
        if hit:
            found.append((code, hit.group(0)))
    return tuple(found)
