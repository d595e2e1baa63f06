"""Dagster resources: the warehouse, dbt and the crawler; where the warehouse lives is set here and in the dbt
profile only.

Empty fields mean "read the environment when the resource is used" (`MCATLAS_DB`, `MCATLAS_LANDING_DIR`,
`MCATLAS_CRAWL_MODE`), never when the code location is imported: a long-running `dagster dev` or daemon then picks
up what each run's environment says, and importing the definitions has no side effects.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import duckdb
from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource

from models.landing import landing_root
from warehouse import db


class WarehouseResource(ConfigurableResource):
    """The DuckDB file; `path` empty means `$MCATLAS_DB` or `$MCATLAS_DATA_DIR/mcatlas.duckdb`."""

    path: str = ""

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with db.connect(self.path or None, read_only=read_only) as con:
            yield con
            if not read_only:
                # tables that Python assets (re)create lose their DuckDB comments, and these assets may run after
                # the last dbt publish: the data dictionary goes back on every relation after each write
                from warehouse import dictionary

                dictionary.apply_comments(con)


def dbt_resource() -> DbtCliResource:
    """dbt over warehouse/dbt with the `dbt` of this virtual environment. Where it builds is not set here: the dbt
    profile reads MCATLAS_DBT_PATH, which warehouse/build.py points at a copy of WarehouseResource's file."""
    from warehouse import build

    return DbtCliResource(
        project_dir=str(build.DBT_PROJECT_DIR),
        profiles_dir=str(build.DBT_PROJECT_DIR),
        dbt_executable=build.dbt_executable(),
    )


class CrawlerResource(ConfigurableResource):
    """Runs a source's Scrapy spider in a subprocess (Twisted's reactor cannot restart in-process).

    `mode="snapshot"` replays the bundled recorded responses offline; `mode="live"` crawls the real endpoints
    politely (robots.txt, throttling, retries with back-off).
    """

    mode: Literal["", "snapshot", "live"] = ""
    landing_dir: str = ""
    # 0: by mode. A snapshot replay takes seconds; a live crawl of Konfo or a Sisu university may take 11 hours
    # (40,000 requests at one a second, README "Real data"), so a live crawl gets a day.
    timeout_seconds: int = 0

    def timeout(self) -> int:
        if self.timeout_seconds > 0:
            return self.timeout_seconds
        return int(os.environ.get("MCATLAS_CRAWL_TIMEOUT") or (86400 if self.crawl_mode() == "live" else 3600))

    def command(self, source: str) -> list[str]:
        cmd = [sys.executable, "-m", "pipelines.cli", "crawl", source, "--landing-dir", str(self.landing())]
        return [*cmd, "--live"] if self.crawl_mode() == "live" else cmd

    def crawl_mode(self) -> str:
        """`mode`, else `$MCATLAS_CRAWL_MODE`, else snapshot; read per call so the run's environment counts."""
        mode = self.mode or os.environ.get("MCATLAS_CRAWL_MODE") or "snapshot"
        if mode not in ("snapshot", "live"):
            raise ValueError(f"MCATLAS_CRAWL_MODE={mode!r}: expected snapshot or live")
        return mode

    def landing(self) -> Path:
        return Path(self.landing_dir) if self.landing_dir else landing_root()

    def crawl(self, source: str, log: Any = None) -> dict[str, Any]:
        """Run `mcatlas crawl SOURCE` in a subprocess, its log lines to `log`; the run's JSON summary.

        The deadline is kept by a timer that kills the crawl: waiting after the output loop would start counting
        only once the crawl had closed its output, i.e. never for a crawl that hangs."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            self.command(source), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        limit = self.timeout()
        expired = threading.Event()

        def stop() -> None:
            expired.set()
            proc.kill()

        timer = threading.Timer(limit, stop)
        timer.daemon = True
        timer.start()
        lines: list[str] = []
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip())
                if log is not None and (" INFO: " in line or " ERROR: " in line or " WARNING: " in line):
                    log.info(line.rstrip())
            proc.wait()
        finally:
            timer.cancel()
        if expired.is_set():
            raise RuntimeError(f"{source}: crawl exceeded {limit} s and was stopped (MCATLAS_CRAWL_TIMEOUT)")
        summary: dict[str, Any] | None = None
        for line in reversed(lines):
            if line.startswith("{") and '"run_id"' in line:
                summary = json.loads(line)
                break
        if summary is None:
            tail = " | ".join(lines[-5:])
            raise RuntimeError(f"{source}: crawler exited with status {proc.returncode} without a summary: {tail}")
        return summary
