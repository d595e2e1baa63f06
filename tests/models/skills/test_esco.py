import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.skills import esco
from pipelines.commands.skills import esco as esco_cli
from tests.models.skills.conftest import SHARED, fake_esco_zip

S = "http://data.europa.eu/esco/skill/"


def test_reads_an_official_layout_zip_with_its_version(tmp_path):
    release = esco.read_release([fake_esco_zip(tmp_path / "ESCO dataset - v1.2.0 - classification - en - csv.zip")])
    assert release.version == "v1.2.0"
    by = release.by_uri()
    assert by[S + "a1"].alt_labels == ["Structured Query Language"]  # the preferred label is not repeated
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
    data[info.header_offset + 60] ^= 0xFF  # damage compressed data
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
    rows = con.execute(
        "select uri, esco_version, alt_labels, broader_uris, collections from esco_skills order by uri"
    ).fetchall()
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


# --------------------------------------------------------------- bad downloads and warehouses: one line, no change
def with_members(src: Path, dest: Path, replace: dict[str, bytes]) -> Path:
    """A copy of a release zip with some members replaced (or added)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in replace:
                zout.writestr(info.filename, zin.read(info))
        for name, data in replace.items():
            zout.writestr(name, data)
    return dest


def skills_csv(description: str = "Work within a group.", extra_rows: str = "") -> bytes:
    head = "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,status,description\n"
    row = f'KnowledgeSkillCompetence,{S}a1,knowledge,cross-sector,SQL,,released,"{description}"\n'
    return (head + row + extra_rows).encode("utf-8")


def import_cli(args: list[str]):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(esco_cli, ["import", *args])


def assert_one_line(res, *needles: str) -> str:  # noqa: ANN001 - click's Result
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # exited, did not raise
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mcatlas: error: "), res.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_a_field_over_the_csv_limit_is_one_line_naming_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("MCATLAS_DATA_DIR", str(tmp_path / "data"))
    huge = with_members(
        fake_esco_zip(tmp_path / "base.zip"), tmp_path / "esco-v1.3.0.zip", {"skills_en.csv": skills_csv("x" * 200_000)}
    )
    with pytest.raises(esco.EscoError, match=r"skills_en\.csv line 2: field larger than field limit \(131072\)"):
        esco.read_release([huge])
    assert_one_line(import_cli(["--no-warehouse", str(huge)]), "skills_en.csv line 2", "field larger")
    assert not esco.imported_extract_path().exists()


def test_an_endless_line_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(esco, "MAX_LINE_CHARS", 2000)
    many_fields = ",".join(["a"] * 1500) + "\n"  # 3000 characters of short fields
    bad = with_members(
        fake_esco_zip(tmp_path / "base.zip"),
        tmp_path / "esco-v1.3.0.zip",
        {"skills_en.csv": skills_csv(extra_rows=many_fields)},
    )
    with pytest.raises(esco.EscoError, match=r"skills_en\.csv line 3: longer than 2,000 characters"):
        esco.read_release([bad])


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_inflated(tmp_path, monkeypatch):
    """200 MB of zeros (200 KB compressed) in skills_en.csv: refused on its declared size, in bounded memory."""
    import tracemalloc

    bomb = tmp_path / "esco-v1.3.0.zip"
    with (
        zipfile.ZipFile(fake_esco_zip(tmp_path / "base.zip")) as zin,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            if info.filename != "skills_en.csv":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("skills_en.csv", "w", force_zip64=True) as fh:
            zeros = bytes(1 << 20)
            for _ in range(200):
                fh.write(zeros)
    assert bomb.stat().st_size < 1_000_000

    def no_inflating(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was opened before the sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    tracemalloc.start()
    try:
        with pytest.raises(esco.EscoError, match=r"skills_en\.csv would inflate to 209,715,200 bytes, over the "):
            esco.read_release([bomb])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_a_member_compressed_far_beyond_csv_text_is_refused(tmp_path):
    """Under the size limit, but 2 MB of zeros compresses ~500:1; real ESCO members stay under 7:1."""
    bomb = with_members(
        fake_esco_zip(tmp_path / "base.zip"),
        tmp_path / "esco-v1.3.0.zip",
        {"greenSkillsCollection_en.csv": bytes(2 << 20)},
    )
    with pytest.raises(esco.EscoError, match=r"greenSkillsCollection_en\.csv is compressed [\d,]+:1 .*zip bomb"):
        esco.read_release([bomb])


def test_the_size_limit_applies_to_a_plain_csv_file_too(tmp_path, monkeypatch):
    folder = tmp_path / "ESCO v1.3.0"
    folder.mkdir()
    with zipfile.ZipFile(fake_esco_zip(tmp_path / "base.zip")) as zf:
        zf.extractall(folder)
    (folder / "skills_en.csv").write_bytes(skills_csv() + b"x" * 5000)
    monkeypatch.setattr(esco, "MAX_MEMBER_BYTES", 4096)
    with pytest.raises(esco.EscoError, match=r"skills_en\.csv: 5,\d{3} bytes, over the 4,096-byte limit"):
        esco.read_release([folder])


@pytest.mark.parametrize("member", ["skillGroups_en.csv", "digitalSkillsCollection_en.csv"])
def test_files_without_their_required_columns_are_refused_and_nothing_switches(tmp_path, monkeypatch, member):
    monkeypatch.setenv("MCATLAS_DATA_DIR", str(tmp_path / "data"))
    assert import_cli(["--no-warehouse", str(fake_esco_zip(tmp_path / "esco-v1.2.0.zip"))]).exit_code == 0
    no_uri = b"conceptType,preferredLabel,broaderConceptUri\nSkillGroup,skills,\n"
    bad = with_members(fake_esco_zip(tmp_path / "base.zip"), tmp_path / "esco-v1.3.0.zip", {member: no_uri})
    with pytest.raises(esco.EscoError, match=rf"{member.replace('.', '[.]')} lacks column conceptUri"):
        esco.read_release([bad])
    assert_one_line(
        import_cli(["--no-warehouse", str(bad)]), member, "conceptUri", "previous ESCO release stays active"
    )
    assert esco.load_active().version == "v1.2.0"


@pytest.mark.parametrize("cut", ["open", "mid-file"])
def test_import_into_a_damaged_warehouse_is_one_line_and_switches_nothing(tmp_path, monkeypatch, cut):
    """The active release lives in two places, the imported extract and esco_releases.active: neither moves."""
    import duckdb

    monkeypatch.setenv("MCATLAS_DATA_DIR", str(tmp_path / "data"))
    db = tmp_path / "w.duckdb"
    assert import_cli(["--db", str(db), str(fake_esco_zip(tmp_path / "esco-v1.2.0.zip"))]).exit_code == 0
    con = duckdb.connect(str(db))
    assert con.execute("select esco_version from esco_releases where active").fetchall() == [("v1.2.0",)]
    con.close()
    extract = esco.imported_extract_path()
    before = extract.read_bytes()
    good = db.read_bytes()
    db.write_bytes(good[:4096] if cut == "open" else good[: len(good) // 3])
    res = import_cli(["--db", str(db), str(fake_esco_zip(tmp_path / "esco-v1.3.0.zip"))])
    assert_one_line(res, str(db), "previous ESCO release stays active")
    assert extract.read_bytes() == before and esco.load_active().version == "v1.2.0"
    assert sorted(p.name for p in extract.parent.iterdir()) == [extract.name]  # no pending file left
    db.write_bytes(good)  # the warehouse itself still says v1.2.0 is active
    con = duckdb.connect(str(db))
    assert con.execute("select esco_version from esco_releases where active").fetchall() == [("v1.2.0",)]
    con.close()
