"""Evaluation on skill-extraction benchmarks in the format of Decorte et al. (`*_annotations.csv`).

Rows are grouped by sentence; the gold set is the sentence's ESCO preferred labels other than `LABEL NOT PRESENT`
and `UNDERSPECIFIED`. Metrics follow the benchmark's paper: RP@K = hits in the top K / min(K, |gold|), and MRR =
mean of 1 / rank of the first gold skill (0 when none is ranked).
"""

from __future__ import annotations

import csv
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
