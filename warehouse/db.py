"""The DuckDB warehouse: connection, the raw layer's schema, loading landing runs (the models are dbt's).

Readers never wait for a writer and never see a half-written warehouse. The file analysts open (`db_path()`,
`data/mcatlas.duckdb`) is a *published* copy: a writer works in a private copy of it (`.mcatlas-work/` beside it)
and, when its connection closes after a change, publishes it by copying it to a temporary file and renaming that
over the published one (an atomic rename). A reader that opened the warehouse before keeps reading the build it
opened (its file handle still points at it); the next one reads the new build. DuckDB's own lock would otherwise
make a reader fail with "Could not set lock on file" during a build, and an open reader make a build wait.

One writer at a time: writers take an exclusive lock on a lock file and `connect()` waits for it (up to
`MCATLAS_DB_LOCK_WAIT` seconds, saying once that it waits) before failing with a one-line WarehouseBusy error. Every
load runs in one transaction, and every dbt build is published in one (warehouse/build.py), so a killed run leaves
the warehouse exactly as it was. The published file stays the truth: a writer that finds it changed by someone
else (restored from a backup, edited by hand) starts from it, and one that finds it deleted starts afresh.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import duckdb

from models.landing import DONE, data_dir, finished_runs, run_status
from warehouse import filelock

SQL_DIR = Path(__file__).with_name("sql")
# The raw layer, which Python loads; everything built from it is the dbt project in warehouse/dbt (see build.py).
DDL_FILES = ("raw/raw_tables.sql",)
LOADABLE = ("ok", "partial")


class WarehouseError(RuntimeError):
    pass


class WarehouseBusy(WarehouseError):
    pass


def db_path() -> Path:
    return Path(os.environ.get("MCATLAS_DB") or data_dir() / "mcatlas.duckdb").resolve()


WORK_DIR = ".mcatlas-work"


def work_path(published: Path) -> Path:
    """The writer's private copy: same file name in a hidden folder beside the published file (DuckDB names the
    catalog after the file, and dbt's views name the catalog, so the name must not change)."""
    return published.parent / WORK_DIR / published.name


def _signature(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _state_file(work: Path) -> Path:
    return work.with_name(work.name + ".published")


def _recorded(work: Path) -> list[int] | None:
    try:
        return json.loads(_state_file(work).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _sync_work_copy(published: Path, work: Path) -> None:
    """Make the work copy start from the published file (the caller holds the writer lock)."""
    current = _signature(published)
    if current is None:  # no published warehouse: start afresh, whatever an old work copy holds
        for stale in (work, work.with_name(work.name + ".wal"), _state_file(work)):
            stale.unlink(missing_ok=True)
        return
    if work.exists() and current == _recorded(work):
        return
    # first write into this warehouse, or the published file was replaced or edited since we published it
    tmp = work.with_name(work.name + ".adopt")
    shutil.copyfile(published, tmp)
    work.with_name(work.name + ".wal").unlink(missing_ok=True)
    os.replace(tmp, work)
    _state_file(work).write_text(json.dumps(current), encoding="utf-8")


def publish_work_copy(con: duckdb.DuckDBPyConnection, work: Path, published: Path) -> bool:
    """Copy the checkpointed work file over the published one by an atomic rename; False when nothing changed."""
    before = _signature(work)
    con.execute("checkpoint")
    if _signature(work) == before and published.exists() and _recorded(work) == _signature(published):
        return False
    tmp = published.with_name(f".{published.name}.publishing-{os.getpid()}")
    try:
        shutil.copyfile(work, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, published)
    finally:
        tmp.unlink(missing_ok=True)
    _state_file(work).write_text(json.dumps(_signature(published)), encoding="utf-8")
    return True


@contextmanager
def _writer_lock(published: Path, wait: float) -> Iterator[None]:
    lock = work_path(published).with_name(published.name + ".lock")

    def busy() -> NoReturn:
        raise WarehouseBusy(
            f"warehouse {published} is being written by another run (waited {wait:.0f} s); try again later"
            " (readers are not affected)"
        )

    with filelock.exclusive(lock, wait, busy, waiting=f"mcatlas: waiting for another run writing {published} ..."):
        yield


def _open(target: Path, read_only: bool, shown: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open `target`; an error names `shown`, the file the user knows (the published one, not the work copy)."""
    try:
        return duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        raise WarehouseError(f"cannot open warehouse {shown or target}: {exc}") from None


@contextmanager
def connect(
    path: str | Path | None = None, read_only: bool = False, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse: a reader opens the published file, a writer its work copy, published when it closes
    after a change."""
    published = (Path(path) if path else db_path()).resolve()
    if read_only:
        con = _open(published, read_only=True)
        try:
            yield con
        finally:
            con.close()
        return
    published.parent.mkdir(parents=True, exist_ok=True)
    wait = float(os.environ.get("MCATLAS_DB_LOCK_WAIT", 60)) if wait_seconds is None else wait_seconds
    work = work_path(published)
    with _writer_lock(published, wait):
        _sync_work_copy(published, work)
        con = _open(work, read_only=False, shown=published)
        # DuckDB takes 80 % of the machine's memory by default and keeps what it read cached; a load of 200,000
        # records then holds gigabytes. The limit makes it spill or write through instead (MCATLAS_DB_MEMORY).
        con.execute("set memory_limit = ?", [os.environ.get("MCATLAS_DB_MEMORY", "1GB")])
        try:
            yield con
        except BaseException:
            # what the block committed before it failed is committed: publish it, unless the connection cannot
            # (an open transaction, a broken file); the work copy then keeps it for the next writer
            with suppress(duckdb.Error, OSError):
                publish_work_copy(con, work, published)
            raise
        else:
            publish_work_copy(con, work, published)
        finally:
            con.close()


@contextmanager
def connect_checked(
    path: str | Path | None = None, read_only: bool = False, wait_seconds: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect()` for commands: a DuckDB error while opening or inside the block becomes a one-line
    WarehouseError. A damaged or truncated file often opens fine and fails only when a damaged block is read."""
    target = Path(path) if path else db_path()
    try:
        with connect(target, read_only=read_only, wait_seconds=wait_seconds) as con:
            yield con
    except duckdb.Error as exc:
        raise WarehouseError(describe_error(target, exc)) from None


def describe_error(target: Path, exc: duckdb.Error) -> str:
    """One line for a DuckDB error on the warehouse file, saying when the file itself looks damaged."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 300 else text[:297] + "..."
    damaged = isinstance(exc, duckdb.IOException | duckdb.InternalException | duckdb.SerializationException)
    hint = "; the file looks damaged or truncated: restore it, or rebuild it with `mcatlas run`" if damaged else ""
    return f"cannot use warehouse {target}: {text}{hint}"


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
    quoted = "'" + str(found[0]).replace("'", "''") + "'"  # INSTALL takes no parameter; a quote in the path stays text
    con.execute(f"install {quoted}")
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


def _has_data(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


def _chunks(run_dirs: list[Path]) -> Iterator[list[Path]]:
    """Runs in order, in groups of at most MCATLAS_LOAD_CHUNK_MB of offers (one statement each): memory stays
    bounded, and a record seen in several chunks is stored by the first (later ones conflict and add nothing)."""
    limit = float(os.environ.get("MCATLAS_LOAD_CHUNK_MB", 200)) * 1024 * 1024
    chunk: list[Path] = []
    size = 0.0
    for run_dir in run_dirs:
        n = (run_dir / "offers.jsonl").stat().st_size
        if chunk and size + n > limit:
            yield chunk
            chunk, size = [], 0.0
        chunk.append(run_dir)
        size += n
    if chunk:
        yield chunk


def load_runs(con: duckdb.DuckDBPyConnection, run_dirs: list[Path]) -> list[dict[str, Any]]:
    """Load finished landing runs of one source into the raw layer, oldest first (caller holds the transaction).

    The offers of all runs are read in one statement; counts per run come from the keys read on the way."""
    if not run_dirs:
        return []
    source = run_dirs[0].parent.name
    now = datetime.now(UTC).replace(tzinfo=None)
    statuses = {d.name: run_status(d) for d in run_dirs}
    loadable = [d for d in run_dirs if statuses[d.name]["status"] in LOADABLE and _has_data(d / "offers.jsonl")]
    offers_in: dict[str, int] = {}
    new: dict[str, int] = {}
    for chunk in _chunks(loadable):
        run_sql_file(
            con,
            "raw/load_run.sql",
            {
                "offers_files": [str(d / "offers.jsonl") for d in chunk],
                "run_ids": [d.name for d in chunk],
                "loaded_at": now,
            },
        )
        offers_in.update(con.execute("select run_id, count(*) from load_keys group by run_id").fetchall())
        new.update(
            con.execute(
                "select run_id, count(*) from raw_offers "
                "where source = ? and run_id in (select run_id from load_files) group by run_id",
                [source],
            ).fetchall()
        )
        con.execute("drop table if exists load_keys; drop table if exists load_files")
    results = []
    for run_dir in run_dirs:
        run_id, status = run_dir.name, statuses[run_dir.name]
        if _has_data(run_dir / "rejects.jsonl"):
            run_sql_file(
                con,
                "raw/load_rejects.sql",
                {"run_id": run_id, "loaded_at": now, "rejects_file": str(run_dir / "rejects.jsonl")},
            )
        stats_file = run_dir / "stats.json"
        stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
        offers = offers_in.get(run_id, 0) if run_dir in loadable else _count_lines(run_dir / "offers.jsonl")
        rejects = _count_lines(run_dir / "rejects.jsonl")
        con.execute(
            "insert into harvest_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing",
            [
                source,
                run_id,
                stats.get("mcatlas/mode"),
                status["status"],
                status.get("finished_at"),
                offers,
                rejects,
                json.dumps(stats, default=str),
                str(run_dir),
                now,
            ],
        )
        results.append(
            {
                "source": source,
                "run_id": run_id,
                "status": status["status"],
                "offers_in_run": offers,
                "rejects_in_run": rejects,
                "new_or_changed": new.get(run_id, 0),
                "loaded": status["status"] in LOADABLE,
            }
        )
    return results


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path, sources: list[str]) -> list[dict[str, Any]]:
    """Load every finished, not yet loaded run of the given sources, in one transaction."""
    migrate(con)
    results = []
    con.execute("set preserve_insertion_order = false")  # the load relies on no row order; keeping one costs memory
    con.execute("begin transaction")
    try:
        for source in sources:
            done = loaded_run_ids(con, source)
            results.extend(
                load_runs(
                    con, [d for d in finished_runs(landing, source) if d.name not in done and (d / DONE).exists()]
                )
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("reset preserve_insertion_order")
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


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate): a clear error rather than `None[0]`."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise WarehouseError(f"query returned no row: {' '.join(sql.split())[:120]}")
    return row


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    """The first column of `one_row`: counts, maxima and other one-value queries."""
    return one_row(con, sql, params)[0]


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(scalar(con, f"select count(*) from {table}"))


def build_core(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild offers and learning_outcomes and the models they read (dbt, published in one transaction)."""
    from warehouse.build import run_build

    run_build(con, select=["+offers", "+learning_outcomes"])
    return {"offers": count(con, "offers"), "learning_outcomes": count(con, "learning_outcomes")}


# ------------------------------------------------------------------------------------------ harvest modes
# The bundled snapshot is a small self-written sample; a live harvest is real data. One warehouse holds one or the
# other, never both: a mix would count sample offers as real ones (and a live run would withdraw the sample).
HARVEST_MODES = ("snapshot", "live")
SAMPLE_MODE = "snapshot"


class HarvestModeConflict(WarehouseError):
    pass


def _landed_modes(landing: Path) -> dict[tuple[str, str], str]:
    """(source, run_id) -> crawl mode of every finished landing run (from its stats.json); runs without one are
    skipped (a crawl that died before writing stats landed nothing)."""
    found: dict[tuple[str, str], str] = {}
    if not landing.is_dir():
        return found
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        for run_dir in finished_runs(landing, source_dir.name):
            try:
                mode = json.loads((run_dir / "stats.json").read_text(encoding="utf-8")).get("mcatlas/mode")
            except (OSError, ValueError, AttributeError):
                continue
            if mode:
                found[(source_dir.name, run_dir.name)] = str(mode)
    return found


def harvest_modes(db_file: Path | None = None, landing: Path | None = None) -> dict[str, int]:
    """Harvest runs per crawl mode (snapshot | live) in the warehouse and the landing area it is loaded from."""
    from models.landing import landing_root

    target = Path(db_file) if db_file else db_path()
    runs = _landed_modes(Path(landing) if landing else landing_root())
    if target.exists():
        with connect_checked(target, read_only=True) as con:
            has_runs = scalar(con, "select count(*) from duckdb_tables() where table_name = 'harvest_runs'")
            if has_runs:
                rows = con.execute("select source, run_id, mode from harvest_runs where mode is not null").fetchall()
                runs.update({(source, run_id): mode for source, run_id, mode in rows})
    counts: dict[str, int] = {}
    for mode in runs.values():
        counts[mode] = counts.get(mode, 0) + 1
    return dict(sorted(counts.items()))


def describe_modes(modes: dict[str, int]) -> str:
    """'sample' (snapshot only), 'live' (live only), 'mixed' or 'empty': what a warehouse holds."""
    if not modes:
        return "empty"
    if set(modes) == {SAMPLE_MODE}:
        return "sample"
    if SAMPLE_MODE not in modes:
        return "live"
    return "mixed"


def check_harvest_mode(mode: str, db_file: Path | None = None, landing: Path | None = None) -> dict[str, int]:
    """Refuse (HarvestModeConflict, one line) a harvest whose mode differs from the runs already in the warehouse or
    its landing area; returns the runs per mode found. Called wherever harvests start: `mcatlas run` and the
    Dagster harvest assets."""
    if mode not in HARVEST_MODES:
        raise HarvestModeConflict(f"crawl mode {mode!r}: expected snapshot or live")
    modes = harvest_modes(db_file, landing)
    other = {m: n for m, n in modes.items() if m != mode}
    if not other:
        return modes
    target = Path(db_file) if db_file else db_path()
    held = ", ".join(f"{n} {m} harvest run{'s' if n != 1 else ''}" for m, n in other.items())
    if mode == "live":
        raise HarvestModeConflict(
            f"{target} holds the bundled sample ({held}); a live harvest would mix real offers with it: rerun with "
            "`mcatlas run --live --purge-sample` to set the sample aside first, or set MCATLAS_DATA_DIR to a new folder"
        )
    raise HarvestModeConflict(
        f"{target} holds live data ({held}); a snapshot run would mix the bundled sample into it: "
        "set MCATLAS_DATA_DIR to another folder (e.g. MCATLAS_DATA_DIR=data-sample) for the sample"
    )


def purge_sample(db_file: Path | None = None, landing: Path | None = None) -> Path | None:
    """Set the sample aside before a live harvest: the warehouse file (it holds sample rows in every table built from
    them) and the snapshot runs of the landing area move into `$MCATLAS_DATA_DIR/sample-<time>/`; live landing runs
    stay and are loaded into a fresh warehouse. Returns that folder, or None when there was no sample."""
    import shutil

    from models.landing import landing_root

    target = Path(db_file) if db_file else db_path()
    root = Path(landing) if landing else landing_root()
    if SAMPLE_MODE not in harvest_modes(target, root):
        return None
    aside = data_dir() / f"sample-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    (aside / "landing").mkdir(parents=True, exist_ok=True)
    if target.exists():
        # nobody else may be writing it while it moves: wait for any writer, then let go and move
        with connect(target, read_only=False):
            pass
        for path in (target, target.with_name(target.name + ".wal")):
            if path.exists():
                shutil.move(str(path), str(aside / path.name))
    for (source, run_id), mode in _landed_modes(root).items():
        if mode == SAMPLE_MODE:
            (aside / "landing" / source).mkdir(exist_ok=True)
            shutil.move(str(root / source / run_id), str(aside / "landing" / source / run_id))
    return aside
