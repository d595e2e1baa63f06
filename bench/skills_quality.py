"""Quality of skill matching on the skillbench validation splits, for every variant tried; writes
bench/results/skills_quality.json.

    python bench/skills_quality.py [../shared/skillbench]

Variants that the Matcher supports are measured here on the CPU-built index of the built-in ESCO v1.1.1; the
acceptance threshold is calibrated on the same predictions. Only validation splits are used.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from models.skills import service  # noqa: E402
from models.skills.evaluate import metrics, read_annotations  # noqa: E402
from models.skills.matcher import ACCEPT_THRESHOLD, Matcher, check_text  # noqa: E402

OUT = REPO / "bench" / "results" / "skills_quality.json"
# Explored before the CPU index existed, on an index embedded on a GPU from the same model with float16 weights;
# kept for the record (same formulas, same validation splits). RP@5 / RP@10 / MRR.
EXPLORATION = {
    "note": "GPU-embedded index (fp16 weights), exploration only; not re-measured on the CPU index",
    "sentence x description embedding": {"tech": [0.257, 0.344, 0.231], "house": [0.242, 0.350, 0.231]},
    "max label + 0.2 description": {"tech": [0.550, 0.660, 0.498], "house": [0.450, 0.568, 0.455]},
    "isolated n-gram spans (<=3 words, each embedded alone), max": {
        "tech": [0.676, 0.739, 0.580],
        "house": [0.514, 0.609, 0.493],
    },
    "isolated n-gram spans <=3 + 0.3 sentence": {"tech": [0.705, 0.786, 0.659], "house": [0.611, 0.708, 0.548]},
    "isolated n-gram spans <=4 + 0.3 sentence + 0.2 lexical": {
        "tech": [0.705, 0.786, 0.629],
        "house": [0.620, 0.705, 0.526],
    },
    "contextual phrases <=4 + 0.3 sentence, int8-quantised model": {
        "tech": [0.705, 0.772, 0.602],
        "house": [0.580, 0.692, 0.570],
    },
    "candidates (top-C skills by whole outcome) C=100/300/1000/3000, RP@5 tech": [0.657, 0.673, 0.673, 0.673],
    "candidates C=100/300/1000/3000, RP@5 house": [0.615, 0.615, 0.623, 0.623],
}


def main() -> None:
    bench = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "skillbench"
    release = service.release()
    t = time.perf_counter()
    full = service.matcher(release)
    load_s = time.perf_counter() - t
    idx, enc = full.index, full.encoder
    splits = {p.name.split("_")[0]: read_annotations(p, release) for p in sorted(bench.glob("*_validation_*.csv"))}
    sentences = {k: [check_text(i.sentence) for i in v] for k, v in splits.items()}

    def sentence_level(pref_only: bool) -> dict[str, dict]:
        out = {}
        for name, items in splits.items():
            e = enc.encode(sentences[name])
            sim = e @ idx.emb.T
            skill = sim[:, idx.starts] if pref_only else np.maximum.reduceat(sim, idx.starts, axis=1)
            ranked = [[idx.uris[k] for k in np.argsort(-row)[:10]] for row in skill]
            out[name] = metrics(ranked, items)
        return out

    def matcher_level(m: Matcher) -> tuple[dict[str, dict], dict[str, list]]:
        out, preds = {}, {}
        for name, items in splits.items():
            ranked = m.rank(sentences[name], 10)
            preds[name] = ranked
            out[name] = metrics([[x.uri for x in r] for r in ranked], items)
        return out, preds

    variants: dict[str, dict] = {}
    variants["sentence x preferred label (plain zero-shot cosine)"] = sentence_level(True)
    variants["sentence x best of preferred/alternative labels"] = sentence_level(False)
    variants["+ exact label mentions (lexical 0.2)"] = matcher_level(Matcher(idx, enc, phrases=False))[0]
    variants["contextual phrases <=4 + 0.3 sentence, no lexical"] = matcher_level(Matcher(idx, enc, lexical=False))[0]
    final, preds = matcher_level(full)
    variants[f"{full.method}: contextual phrases + sentence + lexical (shipped)"] = final

    # Threshold: precision of the top-10 predictions whose score is at least t (gold sets are incomplete, so
    # this is a lower bound on precision).
    pairs = []
    for name, items in splits.items():
        for item, ranked in zip(items, preds[name], strict=True):
            pairs += [(m.score, m.uri in item.gold) for m in ranked]
    pairs.sort(reverse=True)
    n_gold = sum(len(i.gold) + len(i.unknown) for items in splits.values() for i in items)
    calib = []
    for t in (0.5, 0.55, 0.6, 0.62, 0.65, 0.7, 0.75, 0.8, 0.9):
        sel = [ok for s, ok in pairs if s >= t]
        calib.append(
            {
                "threshold": t,
                "predictions": len(sel),
                "precision": round(sum(sel) / len(sel), 3) if sel else None,
                "recall": round(sum(sel) / n_gold, 3),
                "f1": round(2 * sum(sel) / (len(sel) + n_gold), 3) if sel else 0.0,
            }
        )
    best = max(calib, key=lambda c: c["f1"])
    result = {
        "benchmark": str(bench.name),
        "splits": {k: len(v) for k, v in splits.items()},
        "model": idx.model_id,
        "esco_version": idx.esco_version,
        "index_load_seconds": round(load_s, 2),
        "variants": variants,
        "threshold_calibration": calib,
        "threshold_max_f1": best["threshold"],
        "threshold_shipped": ACCEPT_THRESHOLD,
        "exploration": EXPLORATION,
        "targets": {"tech_rp@5": 0.60, "house_rp@5": 0.50},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for name, res in variants.items():
        print(
            f"{name:70} " + " | ".join(f"{k} {v['rp@5']:.3f} {v['rp@10']:.3f} {v['mrr']:.3f}" for k, v in res.items())
        )
    for c in calib:
        print(c)


if __name__ == "__main__":
    main()
