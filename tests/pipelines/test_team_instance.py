"""Dagster for a team, for real: run and event storage on a PostgreSQL server, harvests in parallel through the
multiprocess executor into the shared warehouse while an analyst queries it, and one crawl per host at a time
across runs (concurrency pools). Skips with its reason where PostgreSQL cannot be started."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pipelines import postgres
from tests.warehouse.test_readers_during_build import READER

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("dtu", "futurelearn", "coursera", "mitxonline", "mitxpro")
HARVESTS = " or ".join(f"key:harvest_{s}" for s in SOURCES)
# the harvests and the warehouse they load; the skill and quality groups are not needed to show the point, nor the
# two analyst views built on the duplicate clusters (a quality asset)
SELECTION = f"{HARVESTS} or (group:warehouse and not key:offers_overview and not key:offer_listings)"

pytestmark = pytest.mark.skipif(postgres.missing_reason() is not None, reason=str(postgres.missing_reason()))


def team_env(tmp_path: Path, server: postgres.Server) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "team" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("MCATLAS_DB", "MCATLAS_LANDING_DIR")}
    return {
        **env,
        **server.env(),
        "DAGSTER_HOME": str(home),
        "MCATLAS_DAGSTER_ARTIFACTS": str(home / "artifacts"),
        "MCATLAS_DAGSTER_LOGS": str(home / "logs"),
        "MCATLAS_DATA_DIR": str(tmp_path / "data"),
        "MCATLAS_CRAWL_MODE": "snapshot",
        "MCATLAS_DB_LOCK_WAIT": "600",
        "HF_HUB_OFFLINE": "1",
        "DAGSTER_TELEMETRY_DISABLED": "1",
    }


def materialize(env: dict[str, str], selection: str) -> subprocess.Popen:
    dagster = Path(sys.executable).with_name("dagster")
    return subprocess.Popen(
        [str(dagster), "asset", "materialize", "-m", "pipelines.definitions", "--select", selection],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 900) -> None:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out[-3000:]


def step_intervals(env: dict[str, str]) -> list[tuple[str, str, float, float]]:
    """(run id, step key, start, end) of every finished step, read back from the PostgreSQL event log."""
    code = """
import json
from dagster import DagsterEventType, DagsterInstance
out = []
with DagsterInstance.get() as instance:
    for run in instance.get_runs():
        assert run.status.value == "SUCCESS", (run.run_id, run.status)
        starts = {}
        for e in instance.all_logs(run.run_id, of_type={DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS}):
            if e.dagster_event.event_type == DagsterEventType.STEP_START:
                starts[e.step_key] = e.timestamp
            else:
                out.append([run.run_id, e.step_key, starts[e.step_key], e.timestamp])
    print(json.dumps({"storage": type(instance.run_storage).__name__, "steps": out}))
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["storage"] == "PostgresRunStorage"
    return [tuple(s) for s in found["steps"]]


def overlap(a: tuple, b: tuple) -> bool:
    return a[2] < b[3] and b[2] < a[3]


def test_parallel_harvests_on_postgres_with_a_reader_and_one_crawl_per_host(tmp_path: Path):
    with postgres.server() as server:
        env = team_env(tmp_path, server)
        finish(materialize(env, SELECTION))  # the first build: the analyst has a warehouse to query
        db_file = tmp_path / "data" / "mcatlas.duckdb"
        stop, out = tmp_path / "stop", tmp_path / "reader.json"
        reader = subprocess.Popen([sys.executable, "-c", READER, str(db_file), str(stop), str(out)])
        try:
            # a rebuild with every harvest in parallel, and two more runs wanting DTU's host at the same moment
            runs = [materialize(env, SELECTION), *(materialize(env, "key:harvest_dtu") for _ in range(2))]
            for proc in runs:
                finish(proc)
        finally:
            stop.touch()
            reader.wait(timeout=60)
        steps = step_intervals(env)

    seen = json.loads(out.read_text())
    assert seen["errors"] == [], seen["errors"][:3]
    assert len(seen["answers"]) >= 10 and len({json.dumps(a) for a in seen["answers"]}) == 1  # nothing changed

    wanted = {f"harvest_{s}" for s in SOURCES}
    harvests = [s for s in steps if s[1] in wanted]
    first_run = steps[-1][0] if steps else None
    assert {s[1] for s in harvests if s[0] == first_run} == wanted
    # the multiprocess executor ran harvests of one run side by side
    by_run: dict[str, list] = {}
    for s in harvests:
        by_run.setdefault(s[0], []).append(s)
    assert any(overlap(a, b) for run in by_run.values() for a in run for b in run if a is not b)
    # one crawl of DTU's host at a time, across the three runs that wanted it
    dtu = sorted((s for s in harvests if s[1] == "harvest_dtu"), key=lambda s: s[2])
    assert len(dtu) == 4
    assert not any(overlap(a, b) for a in dtu for b in dtu if a is not b), dtu

    # nothing lost: every source's offers are in the warehouse
    import duckdb

    con = duckdb.connect(str(db_file), read_only=True)
    try:
        loaded = dict(con.execute("select source, count(*) from offers group by all").fetchall())
    finally:
        con.close()
    assert set(SOURCES) <= set(loaded) and all(loaded[s] > 0 for s in SOURCES)
