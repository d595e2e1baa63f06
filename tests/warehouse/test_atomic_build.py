"""A dbt build is all or nothing: a model that fails mid-build leaves every table and view as it was."""

from pathlib import Path

import duckdb
import pytest

from tests.warehouse.test_history import land
from warehouse import build, db


def contents(path: Path) -> dict[str, list]:
    """Every table and view of the live file, `select * ... order by all`."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where not internal and schema_name = 'main' union all "
                "select view_name from duckdb_views() where not internal and schema_name = 'main'"
            ).fetchall()
        ]
        return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


def test_a_model_failing_mid_build_leaves_every_table_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root, path = tmp_path / "landing", tmp_path / "w.duckdb"
    land(root, "20260101T000000Z", {f"c{i}": f"Course {i}" for i in range(5)})
    with db.connect(path) as con:
        db.load_landing(con, root, ["demo"])
        build.run_build(con, exclude=["tag:after_python"])
    land(
        root,
        "20260201T000000Z",
        {**{f"c{i}": f"Course {i}" for i in range(5)}, "c0": "Course 0, revised", "c9": "Course 9"},
    )
    with db.connect(path) as con:
        db.load_landing(con, root, ["demo"])  # the raw load commits on its own; the models are not rebuilt yet
    before = contents(path)
    assert ("c0", "Course 0") in [(r[1], r[7]) for r in before["offers"]]

    # learning_outcomes fails after offers (upstream of it) was rebuilt in the build copy
    monkeypatch.setenv("MCATLAS_DBT_FAIL_MODEL", "learning_outcomes")
    with db.connect(path) as con, pytest.raises(build.BuildFailed, match="learning_outcomes.*unchanged"):
        build.run_build(con, exclude=["tag:after_python"])
    assert contents(path) == before, "a failed build changed the warehouse"
    assert not list(tmp_path.glob("**/.w.duckdb.build-*")), "the build copy was not removed"

    monkeypatch.delenv("MCATLAS_DBT_FAIL_MODEL")
    with db.connect(path) as con:
        build.run_build(con, exclude=["tag:after_python"])
        titles = dict(con.execute("select source_id, title from offers").fetchall())
    assert titles["c0"] == "Course 0, revised" and titles["c9"] == "Course 9"
