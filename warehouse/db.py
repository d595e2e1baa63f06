"""The DuckDB warehouse: connection, schema migration, loading landing runs, building the core tables.

One writer at a time: DuckDB locks the file, and `connect()` waits for the lock (up to `MCATLAS_DB_LOCK_WAIT`
seconds) before failing with a one-line WarehouseBusy error. Every load and build runs in one transaction, so a
killed run leaves the warehouse exactly as it was.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from scrapers.landing import DONE, data_dir, finished_runs, run_status

SQL_DIR = Path(__file__).with_name("sql")
# Order matters: each layer reads the one before (raw -> staging -> intermediate -> core).
DDL_FILES = (
    "raw/raw_tables.sql",
    "staging/stg_offers.sql",
    "intermediate/int_harvest_runs.sql",
    "intermediate/int_offer_versions.sql",
    "core/core_tables.sql",
)
LOADABLE = ("ok", "partial")


class WarehouseError(RuntimeError):
    pass


class WarehouseBusy(WarehouseError):
    pass


def db_path() -> Path:
    return Path(os.environ.get("MCATLAS_DB") or data_dir() / "mcatlas.duckdb").resolve()


@contextmanager
def connect(path: str | Path | None = None, read_only: bool = False,
            wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, waiting for another writer to finish rather than failing at once."""
    target = Path(path) if path else db_path()
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    wait = float(os.environ.get("MCATLAS_DB_LOCK_WAIT", 60)) if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(target), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise WarehouseError(f"cannot open warehouse {target}: {exc}") from None
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"warehouse {target} is locked by another run (waited {wait:.0f} s); try again later"
                ) from None
            time.sleep(0.5)
    try:
        yield con
    finally:
        con.close()


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's full-text search extension from its PyPI wheel (extensions cannot be downloaded here)."""
    try:
        con.execute("load fts")
        return
    except duckdb.Error:
        pass
    import duckdb_extension_fts

    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    found = sorted(root.glob(f"v{duckdb.__version__}/fts.duckdb_extension"))
    found = found or sorted(root.glob("*/fts.duckdb_extension"))
    if not found:
        raise WarehouseError(f"no fts extension for duckdb {duckdb.__version__} in {root}")
    con.execute(f"install '{found[0]}'")
    con.execute("load fts")


def read_sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> None:
    """Run a `.sql` file from warehouse/sql; `$name` parameters are bound from `params`."""
    for statement in con.extract_statements(read_sql(name)):
        text = statement.query
        used = {k: v for k, v in (params or {}).items() if f"${k}" in text}
        con.execute(text, used) if used else con.execute(text)


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    for name in DDL_FILES:
        run_sql_file(con, name)


def loaded_run_ids(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    return {r[0] for r in con.execute("select run_id from harvest_runs where source = ?", [source]).fetchall()}


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def load_run(con: duckdb.DuckDBPyConnection, run_dir: Path) -> dict[str, Any]:
    """Load one finished landing run into the raw layer (caller holds the transaction)."""
    source, run_id = run_dir.parent.name, run_dir.name
    status = run_status(run_dir)
    stats_file = run_dir / "stats.json"
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    now = datetime.now(UTC).replace(tzinfo=None)
    params = {"run_id": run_id, "loaded_at": now}
    before = con.execute("select count(*) from raw_offers where source = ?", [source]).fetchone()[0]
    loadable = status["status"] in LOADABLE
    if loadable and (run_dir / "offers.jsonl").exists() and (run_dir / "offers.jsonl").stat().st_size:
        run_sql_file(con, "raw/load_run.sql", {**params, "offers_file": str(run_dir / "offers.jsonl")})
    if (run_dir / "rejects.jsonl").exists() and (run_dir / "rejects.jsonl").stat().st_size:
        run_sql_file(con, "raw/load_rejects.sql", {**params, "rejects_file": str(run_dir / "rejects.jsonl")})
    after = con.execute("select count(*) from raw_offers where source = ?", [source]).fetchone()[0]
    offers, rejects = _count_lines(run_dir / "offers.jsonl"), _count_lines(run_dir / "rejects.jsonl")
    con.execute(
        "insert into harvest_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
        [source, run_id, stats.get("mcatlas/mode"), status["status"], status.get("finished_at"), offers, rejects,
         json.dumps(stats, default=str), str(run_dir), now],
    )
    return {"source": source, "run_id": run_id, "status": status["status"], "offers_in_run": offers,
            "rejects_in_run": rejects, "new_or_changed": after - before, "loaded": loadable}


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path, sources: list[str]) -> list[dict[str, Any]]:
    """Load every finished, not yet loaded run of the given sources, in one transaction."""
    migrate(con)
    results = []
    con.execute("begin transaction")
    try:
        for source in sources:
            done = loaded_run_ids(con, source)
            for run_dir in finished_runs(landing, source):
                if run_dir.name not in done and (run_dir / DONE).exists():
                    results.append(load_run(con, run_dir))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return results


def run_in_transaction(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Run SQL files as one transaction: readers see the old or the new tables, never half-built ones."""
    migrate(con)
    con.execute("begin transaction")
    try:
        for name in names:
            run_sql_file(con, name)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchone()[0]


def build_core(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild offers and learning_outcomes from staging."""
    run_in_transaction(con, "core/build_offers.sql", "core/build_learning_outcomes.sql")
    return {"offers": count(con, "offers"), "learning_outcomes": count(con, "learning_outcomes")}
