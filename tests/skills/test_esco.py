import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.skills import esco
from models.skills.cli import esco as esco_cli
from tests.skills.conftest import SHARED, fake_esco_zip

S = "http://data.europa.eu/esco/skill/"


def test_reads_an_official_layout_zip_with_its_version(tmp_path):
    release = esco.read_release([fake_esco_zip(tmp_path / "ESCO dataset - v1.2.0 - classification - en - csv.zip")])
    assert release.version == "v1.2.0"
    by = release.by_uri()
    assert by[S + "a1"].alt_labels == ["Structured Query Language"]      # the preferred label is not repeated
    assert by[S + "a2"].reuse_level == "transversal"
    assert (S + "a1", S + "g1") in release.broader and (S + "g1", S + "g0") in release.broader
    assert release.collections["transversal"] == [S + "a2"]
    assert {g["uri"]: g["level"] for g in release.groups} == {S + "g0": 0, S + "g1": 1}
    assert release.warnings == []


def test_partial_and_corrupt_downloads_are_refused_with_a_reason(tmp_path):
    partial = fake_esco_zip(tmp_path / "esco-v1.2.0.zip", drop=("skills_en.csv",))
    with pytest.raises(esco.EscoError, match="missing skills_en.csv"):
        esco.read_release([partial])
    good = fake_esco_zip(tmp_path / "esco-v1.2.0-full.zip").read_bytes()
    truncated = tmp_path / "esco-v1.2.0-cut.zip"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(esco.EscoError, match="not a readable zip"):
        esco.read_release([truncated])
    garbage = tmp_path / "esco-v1.2.0-flipped.zip"
    data = bytearray(good)
    with zipfile.ZipFile(tmp_path / "esco-v1.2.0-full.zip") as zf:
        info = zf.getinfo("skills_en.csv")
    data[info.header_offset + 60] ^= 0xFF                                      # damage compressed data
    garbage.write_bytes(bytes(data))
    with pytest.raises(esco.EscoError, match="corrupt|not a readable"):
        esco.read_release([garbage])
    with pytest.raises(esco.EscoError, match="version"):
        esco.read_release([fake_esco_zip(tmp_path / "release.zip")])


def test_import_cli_keeps_the_previous_release_on_bad_input(tmp_path, monkeypatch):
    monkeypatch.setenv("MCATLAS_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    ok = runner.invoke(esco_cli, ["import", "--no-warehouse", str(fake_esco_zip(tmp_path / "esco-v1.2.0.zip"))])
    assert ok.exit_code == 0, ok.output
    assert esco.load_active().version == "v1.2.0"
    bad = tmp_path / "esco-v1.3.0.zip"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    res = runner.invoke(esco_cli, ["import", "--no-warehouse", str(bad)])
    assert res.exit_code == 2
    assert "not a readable zip" in res.output and "previous ESCO release stays active" in res.output
    assert "Traceback" not in res.output
    assert esco.load_active().version == "v1.2.0"


def test_import_cli_writes_the_warehouse_tables(tmp_path, monkeypatch):
    import duckdb

    monkeypatch.setenv("MCATLAS_DATA_DIR", str(tmp_path / "data"))
    db = tmp_path / "w.duckdb"
    res = CliRunner().invoke(esco_cli, ["import", "--db", str(db), str(fake_esco_zip(tmp_path / "esco-v1.2.0.zip"))])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(db))
    rows = con.execute("select uri, esco_version, alt_labels, broader_uris, collections from esco_skills "
                       "order by uri").fetchall()
    assert rows[0] == (S + "a1", "v1.2.0", ["Structured Query Language"], [S + "g1"], ["digital", "green", "language"])
    assert con.execute("select esco_version, active from esco_releases").fetchall() == [("v1.2.0", True)]


def test_builtin_extract_is_compact_and_attributed():
    release = esco.load_extract(esco.BUILTIN_EXTRACT)
    assert release.version == "v1.1.1"
    assert len(release.skills) == 13896
    assert esco.BUILTIN_EXTRACT.stat().st_size < 4_000_000
    assert "European Union" in (esco.PACKAGE_DATA / "ATTRIBUTION.md").read_text()
    counts = {k: len(v) for k, v in release.collections.items()}
    assert counts["digital"] > 1000 and counts["transversal"] > 50 and counts["green"] > 500


def test_builtin_extract_matches_the_official_download():
    folder = SHARED / "esco"
    if not (folder / "esco-v1.1.1-classification-en-csv.zip").exists():
        pytest.skip("../shared/esco is not present")
    release = esco.read_release([folder])
    assert release.version == "v1.1.1" and release.warnings == []
    assert release.fingerprint == esco.load_extract(esco.BUILTIN_EXTRACT).fingerprint
    assert len(release.broader) > 20000


def test_damaged_extract_is_not_used(tmp_path):
    path = tmp_path / "x.json.gz"
    path.write_bytes(Path(esco.BUILTIN_EXTRACT).read_bytes()[:5000])
    with pytest.raises(esco.EscoError, match="unreadable ESCO extract"):
        esco.load_extract(path)
