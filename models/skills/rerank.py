"""Second stage of skill ranking: a calibrated logistic model over a few similarities, per candidate skill.

The first stage (`Matcher`, contextual phrases) finds candidates by words; it cannot tell "train a CNN" from dog
training. The second stage looks at what the words mean here: the outcome against each skill's ESCO description
(which says the sense), the offer's topic (its title, else subject, else description) against the skill's labels
and description, and the skill's type and reuse level (transversal skills are rarely what a course teaches). A
logistic model turns these into a probability that an expert would grade the skill as taught or related by the
outcome (grade >= 1 under `../shared/skillbench-outcomes/PROTOCOL.md`): the score in [0, 1] that the warehouse
stores. Its weights are fitted by `python -m models.skills.train_rerank` and shipped in
`resources/rerank.json` with the cross-validated figures; two weight sets, for outcomes with and without context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

RESOURCE = Path(__file__).with_name("resources") / "rerank.json"
# Similarities per candidate; "relative" adds each minus its best value among the outcome's candidates.
WITH_CONTEXT = ("phrase", "label", "desc", "topic_desc", "ctx_desc", "topic_label", "ctx_label", "mention")
WITHOUT_CONTEXT = ("phrase", "label", "desc", "pref", "mention")
REUSE_LEVELS = ("cross-sector", "occupation-specific", "sector-specific", "transversal")


class RerankError(ValueError):
    """The shipped weights do not fit the features this code computes (one line)."""


def design(
    features: dict[str, np.ndarray], names: tuple[str, ...], knowledge: np.ndarray, reuse: np.ndarray
) -> np.ndarray:
    """(candidates, columns): the similarities, their distance to the outcome's best candidate, skill type, reuse.

    `knowledge` is 1.0 for ESCO knowledge concepts; `reuse` holds an index into REUSE_LEVELS (-1: none given)."""
    sims = np.stack([np.asarray(features[n], dtype=np.float64) for n in names], 1)
    relative = sims - sims.max(0, keepdims=True) if len(sims) else sims
    onehot = np.zeros((len(sims), len(REUSE_LEVELS)))
    known = reuse >= 0
    onehot[np.flatnonzero(known), reuse[known]] = 1.0
    return np.hstack([sims, relative, knowledge[:, None].astype(np.float64), onehot])


def columns(names: tuple[str, ...]) -> list[str]:
    return [*names, *(f"{n}-best" for n in names), "knowledge", *(f"reuse:{r}" for r in REUSE_LEVELS)]


@dataclass(frozen=True)
class Weights:
    names: tuple[str, ...]
    coef: np.ndarray
    intercept: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class Reranker:
    method: str
    accept: float
    with_context: Weights
    without_context: Weights
    info: dict

    def weights(self, has_context: bool) -> Weights:
        return self.with_context if has_context else self.without_context


def _weights(entry: dict, names: tuple[str, ...]) -> Weights:
    want = columns(names)
    if entry.get("columns") != want:
        raise RerankError(f"{RESOURCE.name}: weights are for columns {entry.get('columns')}, the code computes {want}")
    return Weights(names, np.array(entry["coef"], dtype=np.float64), float(entry["intercept"]))


def header(path: Path = RESOURCE) -> tuple[str, float]:
    """(method, acceptance threshold) of the shipped weights, read without checking them against the code, so that
    importing the matcher works while `train_rerank` refits weights for new features."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["method"]), float(data["accept"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RerankError(f"{path.name}: unreadable rerank weights ({exc})") from None


@lru_cache(maxsize=4)
def load(path: Path = RESOURCE) -> Reranker:
    """The shipped second stage; RerankError when the file does not match the code (retrain: train_rerank)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Reranker(
            method=str(data["method"]),
            accept=float(data["accept"]),
            with_context=_weights(data["with_context"], WITH_CONTEXT),
            without_context=_weights(data["without_context"], WITHOUT_CONTEXT),
            info={k: v for k, v in data.items() if k not in ("with_context", "without_context")},
        )
    except RerankError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RerankError(f"{path.name}: unreadable rerank weights ({exc})") from None


def quality_statement(method: str, path: Path = RESOURCE) -> str | None:
    """One sentence for reports: how often this method's accepted matches were right on graded outcomes, when
    measured (the shipped weights' cross-source figures), or None for another method."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        m = data["cross_source"]["with_context"]["all"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("method") != method or not m.get("accepted"):
        return None
    return (
        f"{method}: {m['accepted_precision']:.0%} of accepted matches (probability >= {data['accept']}) were right "
        f"(graded taught or related) on {m['outcomes']} graded learning outcomes of real courses, "
        f"measured out of sample on {data.get('date', '?')}"
    )
