"""A release says what it holds: the bundled sample is labelled sample in the manifest and CITATION.cff, real
harvests are not, and the manifest names no local path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.release import export as ex
from tests.pipelines.release.test_export import build_small_warehouse


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _release(tmp_path: Path, sql: str | None = None) -> tuple[dict[str, Any], str]:
    db = build_small_warehouse(tmp_path / "data", with_optional=False)
    if sql:
        con = duckdb.connect(str(db))
        con.execute(sql)
        con.close()
    out = tmp_path / "release"
    manifest = ex.export_release(out, db=db)
    return manifest, (out / "CITATION.cff").read_text(encoding="utf-8")


def test_sample_release_says_so_and_holds_no_local_path(tmp_path: Path):
    manifest, cff = _release(tmp_path)
    offers = manifest["tables"][0]["rows"]
    mode = manifest["harvest_mode"]
    assert mode["mode"] == "snapshot" and mode["sample"] is True
    assert mode["offers"] == {"snapshot": offers} and set(mode["harvest_runs"]) == {"snapshot"}
    assert "bundled snapshot" in mode["note"]
    title = next(line for line in cff.splitlines() if line.startswith("title:"))
    abstract = next(line for line in cff.splitlines() if line.startswith("abstract:"))
    assert "sample data" in title.lower() and abstract.startswith('abstract: "SAMPLE DATA')
    # the release is shared: no path of the machine that built it, in the manifest or the citation
    on_disk = json.loads((tmp_path / "release" / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["warehouse"] == "mcatlas.duckdb"
    local = [s for s in _strings(on_disk) if str(tmp_path) in s or s.startswith("/")]
    assert local == []
    assert str(tmp_path) not in cff


@pytest.mark.parametrize(
    ("sql", "mode", "sample", "title"),
    [
        ("update harvest_runs set mode = 'live'; update offers set harvest_mode = 'live'", "live", False, None),
        (
            "update harvest_runs set mode = 'live' where source = 'dtu'; "
            "update offers set harvest_mode = 'live' where source = 'dtu'",
            "mixed",
            True,
            "partly sample data",
        ),
    ],
)
def test_live_and_mixed_releases_are_labelled_by_their_offers(tmp_path: Path, sql, mode, sample, title):
    manifest, cff = _release(tmp_path, sql)
    found = manifest["harvest_mode"]
    assert (found["mode"], found["sample"]) == (mode, sample)
    assert sum(found["offers"].values()) == manifest["tables"][0]["rows"]
    assert ("note" in found) is sample
    cff_title = next(line for line in cff.splitlines() if line.startswith("title:")).lower()
    if title:
        assert title in cff_title
    else:
        assert "sample" not in cff_title and "SAMPLE" not in cff
