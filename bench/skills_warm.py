"""Warm re-mapping of 10,000 outcomes (every text already in the match cache); writes
bench/results/skills_warm.json.

    python bench/skills_warm.py [--n 10000]

The warm path never calls the model, so the cache is filled here with 10 synthetic matches per outcome (real
skill URIs of the built-in ESCO, the same row count a cold run leaves); what is timed is exactly what a re-run
does: hash the outcome texts, find none missing, rewrite outcome_skill_texts, refresh the views, commit. Reading
the views back (what an analyst's query pays) is timed separately.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from models.skills.esco import load_active  # noqa: E402
from warehouse.skills import METHOD, load_release, map_outcomes  # noqa: E402

OUT = REPO / "bench" / "results" / "skills_warm.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().n
    repeat = ap.parse_args().repeat
    rel = load_active()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "warm.duckdb"))
        con.execute(
            "create table learning_outcomes (outcome_id varchar primary key, source varchar, source_id "
            "varchar, position integer, text varchar, lang varchar, text_en varchar)"
        )
        con.execute(
            "insert into learning_outcomes select 'o' || i, 'bench', (i // 5)::varchar, i % 5, "
            "'Learning outcome number ' || i || ': analyse data', 'en', null from range(?) t(i)",
            [n],
        )
        load_release(con, rel)
        con.execute(
            "create temp table u as select row_number() over () - 1 as k, uri from "
            "(select unnest(?::varchar[]) as uri)",
            [[s.uri for s in rel.skills[:500]]],
        )
        con.execute(
            "insert into skill_match_cache select sha1('Learning outcome number ' || i || ': analyse data'), "
            "'bench-model', ?, ?, ?, r, u.uri, 0.9 - r / 50, null from range(?) t(i), range(1, 11) s(r) "
            "join u on u.k = (i * 7 + r) % 500",
            [rel.version, rel.fingerprint, METHOD, n],
        )

        def no_model():  # noqa: ANN202
            raise AssertionError("a warm run must not need the model")

        times, reads = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            summary = map_outcomes(con, rel, "bench-model", no_model)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            rows = con.execute("select count(*), count(distinct outcome_id) from outcome_skills").fetchone()
            reads.append(time.perf_counter() - t)
        offers = con.execute("select count(*) from offer_skills").fetchone()[0]
        con.close()
    med = statistics.median(times)
    result = {
        "outcomes": n,
        "match_rows": rows[0],
        "outcomes_with_matches": rows[1],
        "offer_skill_rows": offers,
        "texts_embedded": summary["texts_embedded"],
        "runs": repeat,
        "warm_seconds_median": round(med, 4),
        "warm_seconds_min": round(min(times), 4),
        "warm_outcomes_per_s_median": round(n / med),
        "warm_outcomes_per_s_best": round(n / min(times)),
        "read_outcome_skills_seconds_median": round(statistics.median(reads), 4),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
