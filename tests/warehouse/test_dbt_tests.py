"""dbt's tests are the warehouse's key and value checks: each one fails on the rows it is there to catch."""

from pathlib import Path

import pytest

from tests.warehouse.test_history import land
from warehouse import build, db

ENUM_TEST = "accepted_enum_offers_participation_form__participation_forms"
KEY_TEST = "unique_key_offers_source__source_id"


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    root, path = tmp_path / "landing", tmp_path / "w.duckdb"
    land(root, "20260101T000000Z", {f"c{i}": f"Course {i}" for i in range(3)})
    with db.connect(path) as con:
        db.load_landing(con, root, ["demo"])
        build.run_build(con, exclude=["tag:after_python"])
    return path


def test_the_schemas_values_pass_and_a_value_outside_the_literal_fails(built: Path) -> None:
    with db.connect(built) as con:
        con.execute("update offers set participation_form = 'blended' where source_id = 'c1'")
        build.run_build(con, select=[ENUM_TEST, KEY_TEST])  # tests only: nothing rebuilt, nothing raised
        con.execute("update offers set participation_form = 'hybrid' where source_id = 'c1'")
        with pytest.raises(build.BuildFailed, match=ENUM_TEST):
            build.run_build(con, select=[ENUM_TEST])


def test_a_duplicate_key_fails_the_key_test(built: Path) -> None:
    with db.connect(built) as con:
        con.execute("insert into offers select * from offers where source_id = 'c0'")
        with pytest.raises(build.BuildFailed, match=KEY_TEST):
            build.run_build(con, select=[KEY_TEST])


def test_the_reference_tables_in_the_warehouse_are_the_ones_the_normaliser_reads(built: Path) -> None:
    from models.normalise.credits import _NFQ_TO_EQF
    from models.normalise.prices import fx_table
    from models.normalise.subjects import broad_fields

    day, rates = fx_table()
    with db.connect(built) as con:
        assert dict(con.execute("select currency, per_eur from fx_rates_eur").fetchall()) == rates
        assert {r[0] for r in con.execute("select distinct as_of from fx_rates_eur").fetchall()} == {day}
        assert dict(con.execute("select code, label from isced_f_2013").fetchall()) == broad_fields()
        irish = con.execute("select framework_level, eqf_level from qf_levels where framework = 'Irish NFQ'")
        assert dict(irish.fetchall()) == _NFQ_TO_EQF


def test_mcatlas_dbt_runs_read_only_commands_and_refuses_writes() -> None:
    import subprocess
    import sys

    cli = [sys.executable, "-m", "pipelines.cli", "dbt"]
    listed = subprocess.run(
        [*cli, "ls", "--resource-type", "seed", "--output", "name", "--quiet"], capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert {"fx_rates_eur", "isced_f_2013", "qf_levels", "euroteq_vocabulary"} <= set(listed.stdout.split())
    refused = subprocess.run([*cli, "build"], capture_output=True, text=True)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "mcatlas run" in refused.stderr
