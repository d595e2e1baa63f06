"""Which ESCO skills a batch of outcome texts maps to: the pure step of the warehouse mapping.

The warehouse side (which texts need mapping, the match cache, the views) is warehouse/skills.py; this module only
checks and ranks texts, so it runs and tests without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from models.skills.matcher import Matcher, OutcomeError, check_text


class MatchRow(NamedTuple):
    """One cached match (rank >= 1), or rank 0 with the reason a text could not be mapped."""

    text_hash: str
    rank: int
    skill_uri: str | None
    score: float | None
    problem: str | None


def match_batch(matcher: Matcher, texts: Sequence[tuple[str, str]], top_k: int) -> tuple[list[MatchRow], int]:
    """(rows, texts ranked) for (text hash, text) pairs: top-k skills per valid text, a problem row per invalid one.

    Invalid texts are recorded rather than dropped, so the next run does not try them again."""
    rows: list[MatchRow] = []
    valid: list[tuple[str, str]] = []
    for text_hash, text in texts:
        try:
            valid.append((text_hash, check_text(text)))
        except OutcomeError as exc:
            rows.append(MatchRow(text_hash, 0, None, None, str(exc)))
    ranked = matcher.rank([t for _, t in valid], top_k) if valid else []
    for (text_hash, _), matches in zip(valid, ranked, strict=True):
        rows.extend(MatchRow(text_hash, r, m.uri, m.score, None) for r, m in enumerate(matches, start=1))
    return rows, len(valid)
