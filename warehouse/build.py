"""Building the warehouse with dbt, without readers ever seeing a half-built warehouse.

dbt-duckdb runs models one by one, each in its own transaction; a build that fails at the fifth model would leave
four new tables next to old ones. So dbt never builds in the live file: `staged_build` checkpoints the live file
(the caller holds its write connection, so no other writer can start), copies it beside itself and points dbt at
the copy (`MCATLAS_DBT_PATH`, read by warehouse/dbt/profiles.yml). When dbt succeeded, tests included, `publish`
copies every relation the build wrote from the copy into the live file in one transaction; a failed build publishes
nothing, and a process killed anywhere leaves the live file as it was (DuckDB rolls back the open transaction).
Tables written by Python (raw layer, skills, clusters, search) are never published from the copy, so they cannot be
overwritten with an older state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from models.offer import ECTS_FLAGS, EQF_FLAGS, PARTICIPATION_FORMS
from warehouse import db

DBT_PROJECT_DIR = Path(__file__).with_name("dbt")
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
PUBLISHED = ("model", "seed", "snapshot")


class BuildFailed(db.WarehouseError):
    pass


def dbt_executable() -> str:
    """The `dbt` of the running virtual environment (it need not be on PATH)."""
    local = Path(sys.executable).with_name("dbt")
    return str(local) if local.exists() else "dbt"


def _project_files() -> list[Path]:
    return [
        p
        for p in DBT_PROJECT_DIR.rglob("*")
        if p.is_file()
        and "target" not in p.relative_to(DBT_PROJECT_DIR).parts
        and "logs" not in p.relative_to(DBT_PROJECT_DIR).parts
    ]


def ensure_manifest() -> Path:
    """`dbt parse` when target/manifest.json is missing or older than a project file (it is never committed)."""
    newest = max(p.stat().st_mtime for p in _project_files())
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < newest:
        done = subprocess.run(
            [dbt_executable(), "parse", "--quiet", *project_args()],
            capture_output=True,
            text=True,
            env=dbt_env(),
            cwd=DBT_PROJECT_DIR,
        )
        if done.returncode != 0:
            raise BuildFailed(f"dbt parse failed: {(done.stdout + done.stderr).strip()[-2000:]}")
        _manifest.cache_clear()
        _parsed.clear()
    return MANIFEST


@cache
def _manifest(mtime: float) -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


_checked: list[bool] = []


def manifest() -> dict[str, Any]:
    """The parsed project (checked against the project files once per process)."""
    if not _checked:
        ensure_manifest()
        _checked.append(True)
    return _manifest(MANIFEST.stat().st_mtime)


def project_args() -> list[str]:
    return ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]


def enumerations() -> dict[str, str]:
    """The offer schema's enumerations for dbt's `accepted_enum` tests (warehouse/dbt/tests/generic): generated from
    the Literals in models/offer.py, so the warehouse accepts exactly what the schema allows."""
    enums = {"participation_forms": PARTICIPATION_FORMS, "ects_flags": ECTS_FLAGS, "eqf_flags": EQF_FLAGS}
    return {f"MCATLAS_ENUM_{name.upper()}": ",".join(values) for name, values in enums.items()}


def dbt_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1", **enumerations(), **extra}


@dataclass
class Stage:
    """A copy of the live warehouse that dbt builds in, with its own dbt target folder and logs."""

    root: Path
    db_file: Path

    @property
    def target(self) -> Path:
        return self.root / "target"

    def env(self) -> dict[str, str]:
        return {
            "MCATLAS_DBT_PATH": str(self.db_file),
            "DBT_LOG_PATH": str(self.root / "logs"),
            "DBT_TARGET_PATH": str(self.target),
            **enumerations(),
        }


def live_path(con: duckdb.DuckDBPyConnection) -> Path:
    return Path(db.scalar(con, "select path from duckdb_databases() where database_name = current_database()"))


@contextmanager
def staged_build(con: duckdb.DuckDBPyConnection) -> Iterator[Stage]:
    """A copy of the live file (through `con`, which the caller keeps open as the one writer) in a temporary
    folder beside it; removed afterwards, whatever happened."""
    live = live_path(con)
    con.execute("checkpoint")  # everything committed is in the file itself, none of it in the write-ahead log
    root = Path(tempfile.mkdtemp(prefix=f".{live.name}.build-", dir=live.parent))
    try:
        stage = Stage(root, root / live.name)  # same file name: same catalog name inside dbt
        shutil.copyfile(live, stage.db_file)
        yield stage
    finally:
        shutil.rmtree(root, ignore_errors=True)


def built_relations(run_results: dict[str, Any]) -> list[tuple[str, str]]:
    """(relation name, table | view) of every model and seed the build wrote, in build order."""
    nodes = manifest()["nodes"]
    out = []
    for result in run_results["results"]:
        node = nodes.get(result["unique_id"])
        if node is None or node["resource_type"] not in PUBLISHED or result["status"] != "success":
            continue
        kind = "view" if node["config"].get("materialized") == "view" else "table"
        out.append((node.get("alias") or node["name"], kind))
    return out


def copy_relation(con: duckdb.DuckDBPyConnection, name: str, kind: str) -> None:
    """Replace one relation of the live file by the build's (inside the caller's transaction)."""
    if kind == "table":
        con.execute(f'create or replace table "{name}" as from stage.main."{name}"')
        return
    sql = db.scalar(
        con,
        "select sql from duckdb_views() where database_name = 'stage' and schema_name = 'main' and view_name = ?",
        [name],
    )
    body = sql[sql.upper().index(" AS ") + 4 :] if sql.upper().startswith("CREATE VIEW") else sql
    con.execute(f'create or replace view "{name}" as {body.rstrip().rstrip(";")}')


def publish(con: duckdb.DuckDBPyConnection, stage: Stage, relations: list[tuple[str, str]]) -> None:
    """Every relation the build wrote, from the copy into the live file, in one transaction; then the macros and
    the data dictionary as comments (rebuilt tables lose theirs)."""
    from warehouse import dictionary

    if not relations:
        return
    quoted = "'" + str(stage.db_file).replace("'", "''") + "'"
    con.execute(f"attach {quoted} as stage (read_only)")
    try:
        con.execute("begin transaction")
        try:
            for name, kind in relations:
                copy_relation(con, name, kind)
            if any(name in ("offer_versions", "stg_offers") for name, _ in relations):
                db.run_sql_file(con, "core/macros.sql")
            dictionary.apply_comments(con, only={name for name, _ in relations})
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.execute("detach stage")


def failure_summary(run_results: dict[str, Any] | None, output: str = "") -> str:
    """One line: which models or tests failed, and the first error."""
    failed = [r for r in (run_results or {}).get("results", []) if r["status"] in ("error", "fail")]
    if failed:
        first = " ".join(str(failed[0].get("message") or "").split())[:300]
        names = ", ".join(r["unique_id"].split(".", 2)[-1] for r in failed[:5])
        return f"dbt build failed ({names}): {first}; the warehouse is unchanged"
    tail = " ".join(output.strip().splitlines()[-3:])[:300]
    return f"dbt build failed: {tail}; the warehouse is unchanged"


_parsed: dict[tuple[float, str], Any] = {}


def _parsed_manifest(stage: Stage) -> Any:
    """The project parsed once per process and warehouse file name (dbt's Manifest object, for dbtRunner): later
    builds skip parsing. The file name matters: it is the catalog name dbt records in every node."""
    from dbt.cli.main import dbtRunner

    ensure_manifest()
    key = (MANIFEST.stat().st_mtime, stage.db_file.name)
    if key not in _parsed:
        with tempfile.TemporaryDirectory(prefix="mcatlas-dbt-parse-") as tmp, environ(**dbt_env(**stage.env())):
            res = dbtRunner().invoke(
                ["parse", "--quiet", *project_args(), "--target-path", tmp, "--log-path", tmp, "--no-write-json"]
            )
        if not res.success:
            raise BuildFailed(f"dbt parse failed: {res.exception}")
        _parsed[key] = res.result
    return _parsed[key]


@contextmanager
def environ(**values: str) -> Iterator[None]:
    """os.environ with `values` set (profiles.yml and the hooks read env_var() at run time, and dagster-dbt starts dbt
    with this process's environment), restored after."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _dbt_build(stage: Stage, args: list[str]) -> tuple[bool, str]:
    """`dbt build` in this process (dbtRunner, with the parsed manifest: no interpreter start, no parse), so that
    loads and tests that build often do not pay for a dbt process each time. dagster-dbt keeps its own CLI runs."""
    from dbt.cli.main import dbtRunner

    runner = dbtRunner(manifest=_parsed_manifest(stage))
    try:
        with environ(**dbt_env(**stage.env())):
            res = runner.invoke(
                [
                    "build",
                    "--quiet",
                    *project_args(),
                    "--target-path",
                    str(stage.target),
                    "--log-path",
                    str(stage.root / "logs"),
                    *args,
                ]
            )
    finally:
        _close_dbt_database()
    return res.success, "" if res.exception is None else str(res.exception)


def _close_dbt_database() -> None:
    """dbt-duckdb keeps its database open for the process (a class attribute); close it, or the build copy stays
    attached in this process and can be neither attached for publishing nor removed cleanly."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if env is not None:
        env.close()


def run_build(
    con: duckdb.DuckDBPyConnection, select: list[str] | None = None, exclude: list[str] | None = None
) -> list[tuple[str, str]]:
    """`dbt build` (models, seeds and their tests) in a copy of the warehouse, published on success.
    Returns the published relations; raises BuildFailed (warehouse unchanged) when a model or test fails."""
    ensure_manifest()
    with staged_build(con) as stage:
        args = []
        if select:
            args += ["--select", *select]
        if exclude:
            args += ["--exclude", *exclude]
        ok, output = _dbt_build(stage, args)
        results_file = stage.target / "run_results.json"
        results = json.loads(results_file.read_text()) if results_file.exists() else None
        if not ok or results is None:
            raise BuildFailed(failure_summary(results, output))
        relations = built_relations(results)
        publish(con, stage, relations)
    return relations
