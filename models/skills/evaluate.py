"""Evaluation on skill-extraction benchmarks in the format of Decorte et al. (`*_annotations.csv`).

Rows are grouped by sentence; the gold set is the sentence's ESCO preferred labels other than `LABEL NOT PRESENT`
and `UNDERSPECIFIED`. Metrics follow the benchmark's paper: RP@K = hits in the top K / min(K, |gold|), and MRR =
mean of 1 / rank of the first gold skill (0 when none is ranked).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from models.skills.esco import EscoRelease

NO_SKILL = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}


class BenchmarkError(ValueError):
    pass


@dataclass
class BenchSentence:
    sentence: str
    gold: set[str]  # skill URIs in the loaded release
    unknown: set[str]  # gold labels the loaded release does not have (still count as misses)


def read_annotations(path: Path, release: EscoRelease) -> list[BenchSentence]:
    """Gold sets per sentence, labels resolved to URIs of the loaded ESCO by preferred label."""
    exact = {s.label: s.uri for s in release.skills}
    folded = {s.label.casefold(): s.uri for s in release.skills}
    groups: dict[str, set[str]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"sentence", "label"} <= set(reader.fieldnames):
                raise BenchmarkError(f"{path.name}: needs columns sentence and label, has {reader.fieldnames}")
            for row in reader:
                sentence = (row.get("sentence") or "").strip()
                if not sentence:
                    continue
                labels = groups.setdefault(sentence, set())
                label = (row.get("label") or "").strip()
                if label and label not in NO_SKILL:
                    labels.add(label)
    except UnicodeDecodeError:
        raise BenchmarkError(f"{path.name}: not UTF-8 text") from None
    out = []
    for sentence, labels in groups.items():
        if not labels:
            continue
        gold, unknown = set(), set()
        for label in labels:
            uri = exact.get(label) or folded.get(label.casefold())
            (gold.add(uri) if uri else unknown.add(label))
        out.append(BenchSentence(sentence, gold, unknown))
    return out


def metrics(ranked: Sequence[Sequence[str]], items: Sequence[BenchSentence]) -> dict[str, float]:
    """RP@5, RP@10 and MRR of ranked URI lists against the gold sets."""
    rp5 = rp10 = mrr = 0.0
    for ranking, item in zip(ranked, items, strict=True):
        n_gold = len(item.gold) + len(item.unknown)
        for k in (5, 10):
            hits = len(set(ranking[:k]) & item.gold)
            value = hits / min(k, n_gold)
            if k == 5:
                rp5 += value
            else:
                rp10 += value
        for rank, uri in enumerate(ranking, start=1):
            if uri in item.gold:
                mrr += 1.0 / rank
                break
    n = max(1, len(items))
    return {"sentences": len(items), "rp@5": round(rp5 / n, 4), "rp@10": round(rp10 / n, 4), "mrr": round(mrr / n, 4)}


def evaluate_dir(
    directory: Path, release: EscoRelease, rank: Callable[[list[str]], list[list[str]]]
) -> list[dict[str, object]]:
    """Every `*_annotations.csv` in the folder, ranked by `rank(sentences) -> URI lists, best first`."""
    files = sorted(directory.glob("*_annotations.csv"))
    if not files:
        raise BenchmarkError(f"{directory}: no *_annotations.csv files")
    results = []
    for path in files:
        items = read_annotations(path, release)
        ranked = rank([i.sentence for i in items]) if items else []
        unknown = sorted(set().union(*(i.unknown for i in items))) if items else []
        results.append(
            {
                "file": path.name,
                **metrics(ranked, items),
                "esco_version": release.version,
                "gold_labels_not_in_esco": len(unknown),
            }
        )
    return results


# ------------------------------------------------------------------------------ graded learning outcomes
@dataclass
class GradedOutcome:
    """One outcome of `skillbench-outcomes`: text, its course, and the grades (0/1/2) of every judged skill."""

    id: str
    course: str
    text: str
    grades: dict[str, int]
    no_fit: bool


def course_title(course: str) -> str:
    """ "DTU 02405 Probability theory" -> "Probability theory": the provider word and a course code dropped."""
    words = course.split()
    if len(words) > 1 and words[0].isalpha() and (words[0].isupper() or words[0] in ("FutureLearn", "Coursera", "edX")):
        words = words[1:]
    if len(words) > 1 and any(c.isdigit() for c in words[0]):
        words = words[1:]
    return " ".join(words)


def read_outcomes(path: Path, extra: Path | None = None) -> list[GradedOutcome]:
    """The graded outcomes of `path` (JSON lines: id, course, text, judgments, added, no_fit), plus the grades of
    `extra` (JSON lines: id, uri, grade) for skills the original judges did not see; an original grade wins."""
    items: list[GradedOutcome] = []
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            grades = {j["uri"]: int(j["grade"]) for j in [*row.get("judgments", []), *row.get("added", [])]}
            items.append(GradedOutcome(row["id"], row.get("course", ""), row["text"], grades, bool(row.get("no_fit"))))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise BenchmarkError(f"{path.name}: not a graded-outcomes file ({type(exc).__name__}: {exc})") from None
    if extra is not None:
        if not extra.exists():
            raise BenchmarkError(f"{extra}: no such grades file")
        by_id = {i.id: i for i in items}
        for line in extra.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                item = by_id.get(row["id"])
                if item is not None:
                    item.grades.setdefault(row["uri"], int(row["grade"]))
    return items


def ndcg_at(ranking: Sequence[str], grades: dict[str, int], k: int = 5) -> float | None:
    """nDCG@k with gains 2^grade - 1; unjudged skills gain 0; None when the outcome has no positive grade."""
    dcg = sum((2 ** grades.get(u, 0) - 1) / math.log2(i + 2) for i, u in enumerate(ranking[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else None


def outcome_metrics(
    ranked: Sequence[Sequence[tuple[str, float]]], items: Sequence[GradedOutcome], threshold: float | None
) -> dict[str, float | int | None]:
    """nDCG@5, recall@10 of grade-2 skills, share of unjudged skills in the top 5, and, for matches scoring at
    least `threshold`, how many were accepted and the share graded >= 1 (unjudged ones count as wrong)."""
    ndcgs, recalls, unjudged = [], [], []
    accepted = right = accepted_unjudged = outcomes_with = 0
    for ranking, item in zip(ranked, items, strict=True):
        uris = [u for u, _ in ranking]
        value = ndcg_at(uris, item.grades)
        if value is not None:
            ndcgs.append(value)
        best = {u for u, g in item.grades.items() if g == 2}
        if best:
            recalls.append(len(best & set(uris[:10])) / len(best))
        unjudged.append(sum(u not in item.grades for u in uris[:5]) / 5)
        if threshold is not None:
            took = [u for u, s in ranking if s >= threshold]
            outcomes_with += bool(took)
            accepted += len(took)
            right += sum(item.grades.get(u, 0) >= 1 for u in took)
            accepted_unjudged += sum(u not in item.grades for u in took)
    return {
        "outcomes": len(items),
        "ndcg@5": round(sum(ndcgs) / max(1, len(ndcgs)), 4),
        "recall@10_grade2": round(sum(recalls) / max(1, len(recalls)), 4),
        "unjudged@5": round(sum(unjudged) / max(1, len(unjudged)), 4),
        "threshold": threshold,
        "accepted": accepted if threshold is not None else None,
        "accepted_precision": round(right / accepted, 4) if accepted else None,
        "accepted_unjudged": accepted_unjudged if threshold is not None else None,
        "outcomes_with_accepted": outcomes_with if threshold is not None else None,
    }
