"""Fit the second stage's weights on graded learning outcomes and write resources/rerank.json.

    python -m models.skills.train_rerank ../shared/skillbench-outcomes/outcomes_dev.gold.jsonl \\
        [--extra bench/grades/outcomes_dev.extra_grades.jsonl] [--check]

Deterministic: the same grades, model and ESCO release give the same file. Only development sets may be given;
the held-out outcomes are never read. Every candidate of an outcome is a training example: a judged one with its
grade, an unjudged one as 0 (the judges searched ESCO for the skills that fit, and the extra grades cover the top
of every method tried, so what nobody graded is almost always wrong: 490 of the 569 extra grades are 0).
Generalisation is measured across the two sources of the set (train on DTU, test on FutureLearn, and back), and
the acceptance threshold is the lowest at which those out-of-fold predictions reach TARGET_PRECISION.
`--check` refits and fails when the shipped file differs (run by the tests when the set is present).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from models.skills.evaluate import GradedOutcome, course_title, outcome_metrics, read_outcomes
from models.skills.matcher import Context, Matcher
from models.skills.rerank import RESOURCE, WITH_CONTEXT, WITHOUT_CONTEXT, columns, design

METHOD = "ctxrank-v2"
EXTRA_GRADES = Path(__file__).resolve().parents[2] / "bench" / "grades" / "outcomes_dev.extra_grades.jsonl"
TARGET_PRECISION = 0.85  # what the threshold must reach out of fold: margin over the 0.80 the issue asks
C = 1.0  # inverse L2 strength; 0.1 and 1.0 gave the same cross-source nDCG, 1.0 calibrates better
Features = list[tuple[np.ndarray, dict[str, np.ndarray], bool]]


def _examples(
    matcher: Matcher, items: list[GradedOutcome], feats: Features, names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    xs: list[np.ndarray] = []
    ys: list[int] = []
    for item, (cand, f, _) in zip(items, feats, strict=True):
        xs.append(design(f, names, matcher.knowledge[cand], matcher.reuse[cand]))
        ys.extend(int(item.grades.get(matcher.index.uris[c], 0) >= 1) for c in cand)
    return np.vstack(xs), np.array(ys)


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    clf = LogisticRegression(C=C, max_iter=5000, tol=1e-8).fit(x, y)
    return clf.coef_[0], float(clf.intercept_[0])


def _predict(
    matcher: Matcher, feats: Features, names: tuple[str, ...], coef: np.ndarray, b: float
) -> list[list[tuple[str, float]]]:
    out = []
    for cand, f, _ in feats:
        p = 1 / (1 + np.exp(-(design(f, names, matcher.knowledge[cand], matcher.reuse[cand]) @ coef + b)))
        order = sorted(range(len(cand)), key=lambda i: (-p[i], int(cand[i])))
        out.append([(matcher.index.uris[cand[i]], float(p[i])) for i in order])
    return out


def _threshold(ranked: list[list[tuple[str, float]]], items: list[GradedOutcome]) -> float:
    """Lowest threshold (0.05 steps) whose accepted matches reach TARGET_PRECISION out of fold."""
    for t in np.arange(0.30, 0.96, 0.05):
        m = outcome_metrics(ranked, items, float(t))
        if m["accepted"] and (m["accepted_precision"] or 0) >= TARGET_PRECISION:
            return round(float(t), 2)
    return 0.95


def train(gold: Path, extra: Path | None, matcher: Matcher) -> dict:
    items = read_outcomes(gold, extra)
    texts = [i.text for i in items]
    contexts = [Context(title=course_title(i.course)) for i in items]
    sources = [i.course.split()[0] if i.course else "" for i in items]
    groups = sorted(set(sources))
    feats = {True: matcher.candidates(texts, contexts), False: matcher.candidates(texts, None)}
    result: dict = {"method": METHOD}
    oof_all: dict[bool, list[list[tuple[str, float]]]] = {}
    for has_context, names in ((True, WITH_CONTEXT), (False, WITHOUT_CONTEXT)):
        key = "with_context" if has_context else "without_context"
        x, y = _examples(matcher, items, feats[has_context], names)
        coef, b = _fit(x, y)
        result[key] = {"columns": columns(names), "coef": [round(float(c), 6) for c in coef], "intercept": round(b, 6)}
        oof: list[list[tuple[str, float]]] = [[] for _ in items]
        for held in groups:
            train_ix = [i for i, s in enumerate(sources) if s != held]
            test_ix = [i for i, s in enumerate(sources) if s == held]
            xt, yt = _examples(matcher, [items[i] for i in train_ix], [feats[has_context][i] for i in train_ix], names)
            c, bb = _fit(xt, yt)
            for i, r in zip(
                test_ix, _predict(matcher, [feats[has_context][i] for i in test_ix], names, c, bb), strict=True
            ):
                oof[i] = r
        oof_all[has_context] = oof
    accept = _threshold(oof_all[True], items)
    result["accept"] = accept
    result["threshold_curve"] = {  # out of fold, with context: what another threshold would give
        f"{t:.2f}": {k: outcome_metrics(oof_all[True], items, float(t))[k] for k in ("accepted", "accepted_precision")}
        for t in np.arange(0.40, 0.96, 0.05)
    }
    cv = {}
    for has_context in (True, False):
        key = "with_context" if has_context else "without_context"
        cv[key] = {
            held: outcome_metrics(
                [oof_all[has_context][i] for i, s in enumerate(sources) if s == held],
                [items[i] for i, s in enumerate(sources) if s == held],
                accept,
            )
            for held in groups
        }
        cv[key]["all"] = outcome_metrics(oof_all[has_context], items, accept)
    result["cross_source"] = cv
    result["trained_on"] = {
        "gold": gold.name,
        "gold_sha256": hashlib.sha256(gold.read_bytes()).hexdigest()[:16],
        "extra": extra.name if extra else None,
        "extra_sha256": hashlib.sha256(extra.read_bytes()).hexdigest()[:16] if extra and extra.exists() else None,
        "outcomes": len(items),
        "model": matcher.index.model_id,
        "esco": f"{matcher.index.esco_version}-{matcher.index.esco_fingerprint}",
        "target_precision": TARGET_PRECISION,
        "C": C,
    }
    result["date"] = dt.date.today().isoformat()
    return result


def main(argv: list[str] | None = None) -> int:
    from models.skills import service

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--extra", type=Path, default=EXTRA_GRADES)
    ap.add_argument("--out", type=Path, default=RESOURCE)
    ap.add_argument("--check", action="store_true", help="fail when the shipped weights differ from a refit")
    args = ap.parse_args(argv)
    if "held" in args.gold.name or "test" in args.gold.name:
        print(f"refusing {args.gold.name}: train on development sets only", file=sys.stderr)
        return 2
    result = train(args.gold, args.extra, service.matcher(second_stage=False))
    if args.check:
        shipped = json.loads(args.out.read_text(encoding="utf-8"))
        same = all(
            np.allclose(shipped[k]["coef"], result[k]["coef"], atol=0.05) for k in ("with_context", "without_context")
        )  # float16 indexes built on another machine round differently: weights agree to a few hundredths
        print("shipped weights match a refit" if same else "shipped weights differ from a refit", file=sys.stderr)
        return 0 if same and abs(shipped["accept"] - result["accept"]) <= 0.051 else 1
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"accept": result["accept"], "cross_source": result["cross_source"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
