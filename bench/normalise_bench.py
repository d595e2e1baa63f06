"""Benchmark: parse + normalise + load of synthetic listings in the real source formats, and deduplication.

    python bench/normalise_bench.py              # 200,000 JSON-feed offers, 20,000 DTU XML documents, dedup 200,000
    python bench/normalise_bench.py --n 20000    # quick check (XML and dedup scaled to --n / 10 and --n)

Synthetic data is generated here (FutureLearn `feeds/courses` JSON pages, DTU `GetCourse` XML documents), never
copied from ../shared. Each phase runs the real code: the source's parser, the crawl's own item chain
(scrapers/chain.py: size check -> reuse | clean -> normalise -> validate -> check -> land), the landing files and
the warehouse loader (DuckDB). Work is spread over the machine's cores with one process per core. The second run
over unchanged input reuses the normalised records by input hash and must normalise nothing and store nothing
new. Figures go to bench/results/normalise.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RESULTS = REPO / "bench" / "results" / "normalise.json"
PAGE = 1000
WORDS = (
    "data science climate health history teaching business leadership design ethics law energy water food "
    "cities policy media music language art software networks statistics biology chemistry finance "
    "marketing europe society innovation robotics security privacy justice psychology"
).split()
PROVIDERS = [
    ("University of Leeds", "http://www.leeds.ac.uk/"),
    ("Technical University of Denmark (DTU)", "https://www.dtu.dk"),
    ("Universität Hamburg", "https://www.uni-hamburg.de"),
    ("Université de Lyon", "https://www.universite-lyon.fr"),
    ("The Open University", "http://www.open.ac.uk"),
    ("Monash University", "https://www.monash.edu"),
    ("Aarhus Universitet", "https://www.au.dk"),
]
CATEGORIES = [
    "Tech & Coding",
    "Business & Management",
    "Health & Psychology",
    "Science, Engineering & Maths",
    "History",
    "Teaching",
    "Languages & Cultures",
    "Nature & Environment",
    "Creative Arts & Media",
]


def _title(rng: random.Random, i: int) -> str:
    return f"{' '.join(w.capitalize() for w in rng.sample(WORDS, 3))} {i}"


def fl_course(rng: random.Random, i: int) -> dict[str, Any]:
    """One course as FutureLearn's feeds/courses publishes it (HTML description, runs, categories)."""
    org, url = PROVIDERS[i % len(PROVIDERS)]
    topic = " ".join(rng.sample(WORDS, 4))
    outcomes = "".join(
        f"<li>{v} {w} in {x}</li>"
        for v, w, x in zip(
            ("Explain", "Apply", "Evaluate", "Design"), rng.sample(WORDS, 4), rng.sample(WORDS, 4), strict=False
        )
    )
    description = (
        f"<p>Explore {topic} with leading researchers. This course looks at how {rng.choice(WORDS)} "
        f"and {rng.choice(WORDS)} shape our world, with case studies, discussion and short quizzes.</p>"
        f"<p>You will work through videos, articles and peer review &amp; reflect on your practice.</p>"
        + (f"<h2>What will you achieve?</h2><ul>{outcomes}</ul>" if i % 3 == 0 else "")
    )
    weeks = rng.choice((2, 3, 4, 6, 8))
    return {
        "uuid": f"fl-{i:07d}",
        "url": f"https://www.futurelearn.com/courses/course-{i}?utm_source=feed",
        "name": _title(rng, i),
        "introduction": f"Learn about {topic}.",
        "description": description,
        "language": rng.choice(("en", "en", "en", "de", "fr")),
        "hours_per_week": rng.choice((2, 3, 4, 5)),
        "has_certificates": rng.random() < 0.8,
        "image_url": f"https://img.example/{i}.jpg",
        "organisation": {"name": org, "url": url},
        "categories": rng.sample(CATEGORIES, rng.choice((1, 2))),
        "runs": [
            {
                "uuid": f"run-{i}-{r}",
                "start_date": f"202{5 + r}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "duration_in_weeks": weeks,
            }
            for r in range(rng.choice((1, 2, 3)))
        ],
    }


DTU_TEMPLATE = """<?xml version="1.0" encoding="utf-8"?>
<root><CoursePublished><CourseXml>
  <Course CourseCode="{code}" Volume="2026/2027" LastUpdated="2026-03-01T10:00:00">
    <Title Lang="da-DK" Title="{title_da}" />
    <Title Lang="en-GB" Title="{title}" />
    <Teaching_Language LangCode="{lang}" />
    <Point PointType="ECTS">{ects}</Point>
    <CBS_Programme_Level CBS_Programme_LevellKey="{level}" />
    <Course_Duration><Exact>P6M</Exact></Course_Duration>
    <Location Key="Campus_Lyngby" />
    <Class_Schedule SortID="1"><Schedule ScheduleKey="{schedule}" SortID="0" /></Class_Schedule>
    <Txt Lang="da-DK"><Course_Objectives>Kurset giver en introduktion til {topic}.</Course_Objectives>
      <Contents>Forelæsninger og øvelser om {topic}.</Contents>
      <Teaching_And_Learning_Methods>Forelæsninger, øvelser og projektarbejde.</Teaching_And_Learning_Methods></Txt>
    <Txt Lang="en-GB"><Course_Objectives>The course gives an introduction to {topic}.</Course_Objectives>
      <Contents>Lectures and exercises on {topic}.</Contents>
      <Teaching_And_Learning_Methods>Lectures, exercises and project work.</Teaching_And_Learning_Methods></Txt>
    <DTU_ObjectiveKeyword><Txt Lang="da-DK" Txt="Forklare {w1} i {w2}" />
      <Txt Lang="en-GB" Txt="Explain {w1} in {w2}" /></DTU_ObjectiveKeyword>
    <DTU_ObjectiveKeyword><Txt Lang="da-DK" Txt="Anvende {w2} på {w3}" />
      <Txt Lang="en-GB" Txt="Apply {w2} to {w3}" /></DTU_ObjectiveKeyword>
    <DTU_ObjectiveKeyword><Txt Lang="da-DK" Txt="Vurdere {w3}" /><Txt Lang="en-GB" Txt="Evaluate {w3}" />
      </DTU_ObjectiveKeyword>
    <Examination><Assessment><Pre_Def_List AssessmentKey="{exam}" /></Assessment>
      <Evaluation EvaluationKey="GLOB_INTERN" /><Marking_Scale Marking_ScaleKey="7_step" /></Examination>
    <OfferedAsACourseOfTypes><OfferedAsACourseOfType OfferedAsACourseOfTypeKey="{ctype}" /></OfferedAsACourseOfTypes>
  </Course>
</CourseXml></CoursePublished></root>"""


def dtu_doc(rng: random.Random, i: int) -> bytes:
    topic = " ".join(rng.sample(WORDS, 3))
    w1, w2, w3 = rng.sample(WORDS, 3)
    return DTU_TEMPLATE.format(
        code=f"{i % 100000:05d}",
        title=_title(rng, i),
        title_da=_title(rng, i),
        lang=rng.choice(("en-GB", "da-DK")),
        ects=rng.choice(("5", "5", "7.5", "10")),
        level=rng.choice(("DTU_BSC", "DTU_MSC", "DTU_PHD")),
        schedule=rng.choice(("E1A", "F2B", "January", "June")),
        topic=topic,
        w1=w1,
        w2=w2,
        w3=w3,
        exam=rng.choice(("Written_Exam", "Oral_Exam", "Eval_Of_Exercises")),
        ctype=rng.choice(("EuroTeQ", "Standard", "Standard")),
    ).encode()


def make_inputs(root: Path, n_json: int, n_xml: int, seed: int = 7) -> tuple[list[Path], list[Path]]:
    """JSON pages of PAGE courses each, and XML batch files (one document per line-separated chunk)."""
    rng = random.Random(seed)
    (root / "json").mkdir(parents=True)
    (root / "xml").mkdir(parents=True)
    pages = []
    for p in range(0, n_json, PAGE):
        path = root / "json" / f"page-{p // PAGE:05d}.json"
        path.write_text(
            json.dumps([fl_course(rng, i) for i in range(p, min(n_json, p + PAGE))], separators=(",", ":")),
            encoding="utf-8",
        )
        pages.append(path)
    batches = []
    for b in range(0, n_xml, PAGE):
        path = root / "xml" / f"batch-{b // PAGE:05d}.xmls"
        path.write_bytes(b"\x00".join(dtu_doc(rng, i) for i in range(b, min(n_xml, b + PAGE))))
        batches.append(path)
    return pages, batches


# ---- workers -------------------------------------------------------------------------------------------------


def _work(args: tuple[str, str, str, str, str | None]) -> dict[str, Any]:
    """Parse one input file and run its items through the crawl's item chain (scrapers/chain.py: reuse of what the
    previous run normalised from the same input, else clean -> normalise -> validate; check; land) into one
    landing run."""
    kind, path, landing, run_id, previous_file = args
    from scrapers.chain import ItemChain, Tally
    from scrapers.landing import LandingRun, sha256
    from scrapers.reuse import PreviousRecords

    stats = Tally()
    previous = PreviousRecords.from_offer_files([Path(previous_file)]) if previous_file else None
    source = "bench_json" if kind == "json" else "bench_xml"
    run = LandingRun(Path(landing), source, run_id)
    chain = ItemChain(stats, run, previous)
    body = Path(path).read_bytes()
    docs = [body] if kind == "json" else body.split(b"\x00")
    fetched = datetime.now(UTC).isoformat()
    for doc in docs:
        if kind == "json":
            from scrapers.parsers import futurelearn

            page = futurelearn.parse(doc, "https://www.futurelearn.com/feeds/courses")
        else:
            from scrapers.parsers import dtu

            page = dtu.parse(doc, "https://kurser.dtu.dk/coursewebservicev2/course.asmx/GetCourse")
        prov = {
            "fetched_at": fetched,
            "spider": source,
            "spider_version": "bench",
            "raw_sha256": sha256(doc),
            "mode": "file",
        }
        for reject in page.rejects:
            chain.reject(reject.source_id, reject.reason, reject.raw)
        for item in page.items:
            item["source"] = source
            item["provenance"] = prov
            chain(item)
    run.finish(dict(stats), "ok")
    return {
        "normalised": stats["normalise/normalised"],
        "reused": stats["normalise/reused"],
        "rejected": sum(v for k, v in stats.items() if k.startswith("rejects/")),
    }


def run_phase(
    kind: str, files: list[Path], landing: Path, run_tag: str, workers: int, previous: list[Path]
) -> dict[str, Any]:
    from warehouse import db

    started = time.perf_counter()
    stats: Counter[str] = Counter()
    jobs = [
        (kind, str(f), str(landing), f"{run_tag}{i:05d}", str(previous[i]) if previous else None)
        for i, f in enumerate(files)
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_work, jobs):
            stats.update(result)
    processed = time.perf_counter()
    source = "bench_json" if kind == "json" else "bench_xml"
    with db.connect(landing.parent / "bench.duckdb") as con:
        opened = time.perf_counter()
        loaded = db.load_landing(con, landing, [source])
        committed = time.perf_counter()
    done = time.perf_counter()
    offers = stats["normalised"] + stats["reused"]
    return {
        "offers": offers,
        "normalised": stats["normalised"],
        "reused": stats["reused"],
        "rejected": stats["rejected"],
        "stored_new_or_changed": sum(r["new_or_changed"] for r in loaded),
        "parse_normalise_seconds": round(processed - started, 2),
        "load_seconds": round(done - processed, 2),
        "load_detail_seconds": {
            "open": round(opened - processed, 2),
            "load_commit": round(committed - opened, 2),
            "close_checkpoint": round(done - committed, 2),
        },
        "total_seconds": round(done - started, 2),
        "offers_per_second": round(offers / (done - started)),
    }


def dedup_phase(n: int, seed: int = 11) -> dict[str, Any]:
    """Entity resolution over n listings in three sources, a fifth of them the same course seen twice."""
    from models.resolve import Listing, resolve

    rng = random.Random(seed)
    listings = []
    truth = 0
    i = 0
    while len(listings) < n:
        org = PROVIDERS[i % len(PROVIDERS)][0]
        title = _title(rng, i)
        outcomes = frozenset(f"explain {w}" for w in rng.sample(WORDS, 3))
        listings.append(Listing("catalogue", f"c{i}", title, org, f"https://cat.example/{i}", outcomes, 5.0))
        if rng.random() < 0.2 and len(listings) < n:
            truth += 1
            variant = title.lower() if rng.random() < 0.5 else title + " (online)"
            listings.append(
                Listing(
                    rng.choice(("platform", "aggregator")),
                    f"p{i}",
                    variant,
                    org if rng.random() < 0.5 else org.split("(")[0].strip(),
                    None,
                    outcomes,
                    5.0,
                )
            )
        i += 1
    started = time.perf_counter()
    result = resolve(listings)
    seconds = time.perf_counter() - started
    linked = sum(1 for r in result.rows if r["source"] != "catalogue" and r["cluster_size"] > 1)
    return {
        "listings": len(listings),
        "true_duplicates": truth,
        "duplicates_linked": linked,
        "pairs_compared": result.pairs_compared,
        "blocks_skipped": result.blocks_skipped,
        "seconds": round(seconds, 2),
        "listings_per_second": round(len(listings) / seconds),
    }


def peak_rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"main_process_mb": round(own, 1), "largest_worker_mb": round(children, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="JSON-feed offers (XML documents: n/10, dedup: n)")
    ap.add_argument("--xml", type=int, default=None, help="DTU XML documents (default n/10)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    n_xml = args.xml if args.xml is not None else max(1, args.n // 10)
    load_start = os.getloadavg()  # the machine is shared: figures mean little without the load they ran under
    tmp = Path(tempfile.mkdtemp(prefix="mcatlas-bench-"))
    try:
        t = time.perf_counter()
        pages, batches = make_inputs(tmp / "input", args.n, n_xml)
        generate_s = round(time.perf_counter() - t, 1)
        landing = tmp / "data" / "landing"
        landing.mkdir(parents=True)
        results: dict[str, Any] = {"generated_inputs_seconds": generate_s}
        for kind, files in (("json", pages), ("xml", batches)):
            first = run_phase(kind, files, landing, "20260101T000000", args.workers, [])
            source = "bench_json" if kind == "json" else "bench_xml"
            previous = sorted((landing / source).glob("*/offers.jsonl"))
            second = run_phase(kind, files, landing, "20260102T000000", args.workers, previous)
            results[kind] = {"first_run": first, "second_run_unchanged_input": second}
            print(kind, json.dumps(results[kind]), flush=True)
        results["dedup"] = dedup_phase(args.n)
        print("dedup", json.dumps(results["dedup"]), flush=True)
        results["peak_rss"] = peak_rss_mb()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    from models.normalise import NORMALISER_VERSION

    report = {
        "benchmark": "normalise_bench",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "normaliser_version": NORMALISER_VERSION,
        "json_offers": args.n,
        "xml_documents": n_xml,
        "workers": args.workers,
        "load_average": {"start": [round(x, 2) for x in load_start], "end": [round(x, 2) for x in os.getloadavg()]},
        "targets": {
            "json_offers_per_second": 20000,
            "xml_offers_per_second": 2000,
            "peak_rss_mb": 2048,
            "dedup_seconds_for_200k": 60,
            "second_run_normalised": 0,
        },
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
