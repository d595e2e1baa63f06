"""Reliability: concurrent runs, a run killed mid-load, a source that times out."""

import fcntl
import http.server
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO

MCATLAS = [sys.executable, "-m", "pipelines.cli"]


def env_for(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCATLAS_", "DAGSTER_HOME"))}
    return {**env, "MCATLAS_DATA_DIR": str(data), "MCATLAS_LOG_LEVEL": "WARNING", **extra}


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("offers", "learning_outcomes", "raw_offers", "offer_versions")
        }
    finally:
        con.close()


def held_by_first(lock: Path, first: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until the first run holds the run lock: a fixed sleep raced the first run's start-up (imports take longer
    than any sleep short enough to keep the test quick)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and first.poll() is None:
        if lock.exists():
            with lock.open("a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # held: by the first run, the only other process using this data folder
                fcntl.flock(fh, fcntl.LOCK_UN)
        time.sleep(0.05)
    raise AssertionError("the first run never took the run lock")


def test_two_runs_started_at_once_one_waits_or_fails_cleanly(tmp_path: Path):
    data = tmp_path / "data"
    args = [*MCATLAS, "run", "--source", "dtu", "--source", "futurelearn"]
    first = subprocess.Popen(
        [*args, "--wait", "120"], cwd=REPO, env=env_for(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    held_by_first(data / ".mcatlas-run.lock", first)
    impatient = subprocess.run([*args, "--wait", "0"], cwd=REPO, env=env_for(data), capture_output=True, text=True)
    patient = subprocess.run([*args, "--wait", "120"], cwd=REPO, env=env_for(data), capture_output=True, text=True)
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert impatient.returncode == 3, impatient.stderr
    assert impatient.stderr.strip().splitlines()[-1].startswith("mcatlas: error: another mcatlas run holds")
    assert "Traceback" not in impatient.stderr
    assert patient.returncode == 0, patient.stderr[-2000:]
    after = counts(data / "mcatlas.duckdb")
    assert after["offers"] > 0 and after["raw_offers"] == after["offers"], "unchanged input stored twice"


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from warehouse import build, db

    real_sql, real_copy = db.run_sql_file, build.copy_relation
    def die_after(name):
        if name == sys.argv[3]:
            os.kill(os.getpid(), signal.SIGKILL)   # killed inside the transaction, after these statements
    def run_then_die(con, name, params=None):
        real_sql(con, name, params)
        die_after(name)
    def copy_then_die(con, name, kind):        # publishing a dbt build into the live file
        real_copy(con, name, kind)
        die_after(name)
    db.run_sql_file = run_then_die
    build.copy_relation = copy_then_die
    with db.connect(sys.argv[1]) as con:
        db.load_landing(con, Path(sys.argv[2]), ["dtu", "futurelearn"])
        db.build_core(con)
""")


@pytest.mark.parametrize(
    ("die_after", "unchanged"),
    [
        ("raw/load_run.sql", ("offers", "learning_outcomes", "raw_offers", "offer_versions")),  # mid-load
        ("offers", ("offers", "learning_outcomes", "offer_versions")),  # mid-publish of the build: load committed
    ],
)
def test_a_run_killed_mid_load_leaves_the_warehouse_as_before(tmp_path: Path, die_after: str, unchanged: tuple):
    data = tmp_path / "data"
    done = subprocess.run(
        [*MCATLAS, "run", "--source", "dtu"], cwd=REPO, env=env_for(data), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    db_file = data / "mcatlas.duckdb"
    before = counts(db_file)
    crawl = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "crawl", "futurelearn", "--landing-dir", str(data / "landing")],
        cwd=REPO,
        env=env_for(data),
        capture_output=True,
        text=True,
    )
    assert crawl.returncode == 0, crawl.stdout[-2000:]
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(db_file), str(data / "landing"), die_after],
        cwd=REPO,
        env=env_for(data),
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    after = counts(db_file)
    assert {t: after[t] for t in unchanged} == {t: before[t] for t in unchanged}, "half-written tables"
    con = duckdb.connect(str(db_file), read_only=True)
    assert con.execute("select count(*) from offers where source = 'futurelearn'").fetchone()[0] == 0
    con.close()
    # the interrupted work is simply done again by the next run
    again = subprocess.run(
        [*MCATLAS, "run", "--no-harvest"], cwd=REPO, env=env_for(data), capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert counts(db_file)["offers"] > before["offers"]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def local_site():
    feed = (REPO / "scrapers" / "snapshot" / "futurelearn" / "feeds_courses.json").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path.startswith("/slow"):
                time.sleep(3)
            body, status = (feed, 200) if self.path.startswith(("/feed", "/slow")) else (b"", 404)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_source_that_times_out_fails_alone(tmp_path: Path, local_site: str):
    fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_BACKOFF_BASE": 0.1}
    entry = {
        "type": "mooc_platform",
        "provider": "Test",
        "country": "GB",
        "access": "json_feed",
        "parser": "scrapers.parsers.futurelearn:parse",
        "terms": "test",
        "robots": "test",
        "schedule": "0 3 * * 1",
        "base_url": local_site,
    }
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        json.dumps(
            {
                "sources": [
                    {**entry, "name": "futurelearn", "start_urls": [f"{local_site}/feed"], "settings": fast},
                    {
                        **entry,
                        "name": "sleepy",
                        "start_urls": [f"{local_site}/slow"],
                        "settings": {**fast, "DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1},
                    },
                ]
            }
        )
    )
    data = tmp_path / "data"
    result = subprocess.run(
        [*MCATLAS, "run", "--live"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=env_for(
            data,
            MCATLAS_REGISTRY=str(registry),
            MCATLAS_HARVEST_RETRIES="0",
            MCATLAS_ALLOW_PRIVATE_HOSTS=local_site.split("://")[1],
        ),
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out[-3000:]
    assert any("sleepy" in line and "FAILED" in line for line in out.splitlines()), out[-3000:]
    assert any(line.split()[:2] == ["futurelearn", "ok"] for line in out.splitlines()), out[-3000:]
    con = duckdb.connect(str(data / "mcatlas.duckdb"), read_only=True)
    runs = dict(con.execute("select source, status from harvest_runs").fetchall())
    n = con.execute("select count(*) from offers where source = 'futurelearn'").fetchone()[0]
    con.close()
    assert runs == {"futurelearn": "ok", "sleepy": "failed"} and n > 0
