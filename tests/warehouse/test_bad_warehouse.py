"""A damaged warehouse, or an output path that cannot be written, gives one line and exit 2, never a traceback,
and nothing is written."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main


def small_warehouse(path: Path) -> Path:
    """Just enough for `mcatlas report` to run its queries: offers (100,000 rows, so that the data blocks lie far
    into the file) and harvest_runs."""
    con = duckdb.connect(str(path))
    con.execute(
        "create table offers as select 'active' as status, 'src' || (i % 7) as source, "
        "'offer ' || i as title from range(100000) t(i)"
    )
    con.execute("create table harvest_runs (finished_at timestamp, loaded_at timestamp)")
    con.execute("insert into harvest_runs values (now()::timestamp, now()::timestamp)")
    con.close()
    return path


def truncate(path: Path, size: int) -> None:
    path.write_bytes(path.read_bytes()[:size])


def one_error_line(result) -> str:  # noqa: ANN001 - click's Result
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # exited, did not raise
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mcatlas: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("size", [0, 4096])
def test_dictionary_on_a_truncated_warehouse_is_one_line(tmp_path, monkeypatch, size):
    db = small_warehouse(tmp_path / "w.duckdb")
    truncate(db, size)
    monkeypatch.setenv("MCATLAS_DB", str(db))
    line = one_error_line(CliRunner().invoke(main, ["dictionary"]))
    assert str(db) in line
    assert db.stat().st_size == size


def test_report_on_a_warehouse_truncated_mid_file_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    db = small_warehouse(tmp_path / "w.duckdb")
    truncate(db, db.stat().st_size // 2)  # opens fine; the offers' blocks are gone
    monkeypatch.setenv("MCATLAS_DB", str(db))
    out = tmp_path / "out" / "r.html"
    line = one_error_line(CliRunner().invoke(main, ["report", "--out", str(out)]))
    assert "damaged or truncated" in line
    assert not out.parent.exists()


def test_report_under_an_existing_file_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("MCATLAS_DB", str(small_warehouse(tmp_path / "w.duckdb")))
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    line = one_error_line(CliRunner().invoke(main, ["report", "--out", str(blocker / "r.html")]))
    assert "notes.txt" in line and "not a folder" in line
    assert blocker.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
