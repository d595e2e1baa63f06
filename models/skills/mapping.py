"""Which ESCO skills a batch of outcome texts maps to: the pure step of the warehouse mapping.

The warehouse side (which texts need mapping, the match cache, the views) is warehouse/skills.py; this module only
checks and ranks texts, so it runs and tests without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from models.skills.matcher import Context, Matcher, OutcomeError, check_text


class MatchRow(NamedTuple):
    """One cached match (rank >= 1), or rank 0 with the reason a text could not be mapped."""

    text_hash: str
    rank: int
    skill_uri: str | None
    score: float | None
    problem: str | None


def match_batch(
    matcher: Matcher, texts: Sequence[tuple[str, str] | tuple[str, str, str | None]], top_k: int
) -> tuple[list[MatchRow], int]:
    """(rows, texts ranked) for (text hash, text[, topic]) tuples: top-k skills per valid text, a problem row per
    invalid one. The topic (the offer's title) is the matcher's context.

    Invalid texts are recorded rather than dropped, so the next run does not try them again."""
    rows: list[MatchRow] = []
    valid: list[tuple[str, str, Context | None]] = []
    for text_hash, text, *rest in texts:
        try:
            topic = rest[0] if rest else None
            valid.append((text_hash, check_text(text), Context(title=topic) if topic else None))
        except OutcomeError as exc:
            rows.append(MatchRow(text_hash, 0, None, None, str(exc)))
    ranked = matcher.rank([t for _, t, _ in valid], top_k, contexts=[c for _, _, c in valid]) if valid else []
    for (text_hash, _, _), matches in zip(valid, ranked, strict=True):
        rows.extend(MatchRow(text_hash, r, m.uri, m.score, None) for r, m in enumerate(matches, start=1))
    return rows, len(valid)
