"""Searching long free text fast: regexes run only in windows around cheap substring hits.

Python's `re` tries an alternation at every position of a 3,000-character description; `str.find` for a few
keywords is C-fast. Phrase rules (exam forms, accreditation, 'master's level') therefore look for their keywords
first and run their regex only on the text around each hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """A regex match in absolute coordinates of the searched text."""

    start: int
    end: int
    text: str
    groups: tuple[str | None, ...]


def search_near(
    rx: re.Pattern[str], text: str, hints: tuple[str, ...], before: int = 80, after: int = 80, low: str | None = None
) -> Hit | None:
    """The first match of `rx` in a window around any (lower-case) `hints` occurrence; None without a hit.

    `low` is `text.lower()` when the caller has it already (lowering non-ASCII text is not free).
    """
    low = text.lower() if low is None else low
    positions: list[int] = []
    for hint in hints:
        i = low.find(hint)
        while i != -1:
            positions.append(i)
            i = low.find(hint, i + 1)
    if not positions:
        return None
    best: Hit | None = None
    for pos in sorted(positions):
        if best is not None and pos - before > best.start:
            break
        lo = max(0, pos - before)
        m = rx.search(text, lo, min(len(text), pos + after))
        if m and (best is None or m.start() < best.start):
            best = Hit(m.start(), m.end(), m.group(0), m.groups())
    return best
