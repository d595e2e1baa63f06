"""Dagster for a team, for real: run and event storage on a PostgreSQL server, harvest partitions in parallel runs
(each through the multiprocess executor) into the shared warehouse while an analyst queries it, and one crawl per
host at a time across runs (the host's concurrency pool). Skips with its reason where PostgreSQL cannot be started."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.pipelines import postgres
from tests.warehouse.test_readers_during_build import READER

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("dtu", "futurelearn", "coursera", "mitxonline", "mitxpro")
# the warehouse the harvests load; the skill and quality groups are not needed to show the point, nor the two
# analyst views built on the duplicate clusters (a quality asset)
WAREHOUSE = "group:warehouse and not key:offers_overview and not key:offer_listings"

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


def materialize(env: dict[str, str], selection: str, partition: str | None = None) -> subprocess.Popen:
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "asset", "materialize", "-m", "pipelines.definitions", "--select", selection]
    return subprocess.Popen(
        [*cmd, "--partition", partition] if partition else cmd,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 900) -> None:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out[-3000:]


def harvest_runs(env: dict[str, str]) -> list[dict]:
    """Every run, read back from the PostgreSQL storage: its status, and for a harvest run the partition, the
    step's start and end and the pool its materialisation names."""
    code = """
import json
from dagster import AssetKey, DagsterEventType, DagsterInstance
out = []
with DagsterInstance.get() as instance:
    for run in instance.get_runs():
        row = {"run_id": run.run_id, "status": run.status.value, "partition": run.tags.get("dagster/partition")}
        types = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.ASSET_MATERIALIZATION}
        for e in instance.all_logs(run.run_id, of_type=types):
            kind = e.dagster_event.event_type
            if e.step_key == "harvest" and kind == DagsterEventType.STEP_START:
                row["start"] = e.timestamp
            elif e.step_key == "harvest" and kind == DagsterEventType.STEP_SUCCESS:
                row["end"] = e.timestamp
            elif kind == DagsterEventType.ASSET_MATERIALIZATION and e.dagster_event.asset_key == AssetKey("harvest"):
                row["pool"] = e.asset_materialization.metadata["pool"].value
        out.append(row)
    print(json.dumps({"storage": type(instance.run_storage).__name__, "runs": out}))
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["storage"] == "PostgresRunStorage"
    return found["runs"]


def crawls(data: Path, source: str) -> list[tuple[float, float]]:
    """(start, end) of each crawl of `source`: the landing run's id is its start time, its _DONE marker its end."""
    out = []
    for run in sorted((data / "landing" / source).iterdir()):
        start = datetime.strptime(run.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC).timestamp()
        out.append((start, (run / "_DONE").stat().st_mtime))
    return out


def most_at_once(spans: list[tuple[float, float]]) -> int:
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    level = peak = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def test_parallel_harvest_partitions_on_postgres_with_a_reader_and_one_crawl_per_host(tmp_path: Path):
    data = tmp_path / "data"
    with postgres.server() as server:
        env = team_env(tmp_path, server)
        mcatlas = Path(sys.executable).with_name("mcatlas")
        synced = subprocess.run([str(mcatlas), "sources", "--sync-partitions"], env=env, capture_output=True, text=True)
        assert synced.returncode == 0 and "harvest partitions:" in synced.stderr, synced.stderr[-2000:]
        # the first build, so that the analyst has a warehouse to query
        for proc in [materialize(env, "harvest", s) for s in SOURCES]:
            finish(proc)
        finish(materialize(env, WAREHOUSE))
        db_file = data / "mcatlas.duckdb"
        stop, out = tmp_path / "stop", tmp_path / "reader.json"
        reader = subprocess.Popen([sys.executable, "-c", READER, str(db_file), str(stop), str(out)])
        try:
            # every source again in parallel runs, and two more runs of DTU's partition at the same moment
            runs = [materialize(env, "harvest", s) for s in (*SOURCES, "dtu", "dtu")]
            for proc in runs:
                finish(proc)
            finish(materialize(env, WAREHOUSE))
        finally:
            stop.touch()
            reader.wait(timeout=60)
        found = harvest_runs(env)

    seen = json.loads(out.read_text())
    assert seen["errors"] == [], seen["errors"][:3]
    assert len(seen["answers"]) >= 10 and len({json.dumps(a) for a in seen["answers"]}) == 1  # nothing changed

    assert all(r["status"] == "SUCCESS" for r in found), [r for r in found if r["status"] != "SUCCESS"]
    harvests = [r for r in found if r["partition"]]
    assert sorted(r["partition"] for r in harvests) == sorted([*SOURCES, *SOURCES, "dtu", "dtu"])
    assert all(r["pool"].endswith("(slot held)") for r in harvests), {r["pool"] for r in harvests}
    # the harvest runs of the second round ran side by side: several sources' steps at one moment
    second = sorted(harvests, key=lambda r: r["start"])[len(SOURCES) :]
    assert most_at_once([(r["start"], r["end"]) for r in second]) >= 3
    # but DTU's host was crawled by one run at a time, across the four runs that wanted it
    dtu = crawls(data, "dtu")
    assert len(dtu) == 4 and most_at_once(dtu) == 1, dtu

    # nothing lost: every source's offers are in the warehouse
    import duckdb

    con = duckdb.connect(str(db_file), read_only=True)
    try:
        loaded = dict(con.execute("select source, count(*) from offers group by all").fetchall())
    finally:
        con.close()
    assert set(SOURCES) <= set(loaded) and all(loaded[s] > 0 for s in SOURCES)
