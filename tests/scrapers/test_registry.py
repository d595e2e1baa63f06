"""The source registry validates: unique names, ISO countries, known access methods, how each parser was verified;
README table from it."""

import re
from pathlib import Path
from typing import get_args

import pycountry
import pytest
import yaml

from scrapers.parsers.configured import load_catalogue
from scrapers.registry import (
    REGISTRY_PATH,
    VERIFIED_KINDS,
    Access,
    RegistryError,
    load_registry,
    markdown_table,
    registry,
)
from tests.conftest import REPO, SHARED


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    return path


def _entry(**over) -> dict:
    base = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))["sources"][1]  # dtu
    return {**base, **over}


def test_the_bundled_registry_validates():
    sources = load_registry(REGISTRY_PATH)
    names = [s["name"] for s in yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))["sources"]]
    assert len(names) == len(set(names)) == len(sources)
    for src in sources.values():
        assert src.country is None or pycountry.countries.get(alpha_2=src.country) is not None
        assert src.access in get_args(Access)
        src.load_parser()  # every parser reference resolves


def test_duplicate_names_are_refused(tmp_path):
    with pytest.raises(RegistryError, match="duplicate source name 'dtu'"):
        load_registry(_write(tmp_path, [_entry(), _entry()]))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "not an ISO 3166-1 alpha-2"),
        ("country", "DNK", "not an ISO 3166-1 alpha-2"),
        ("access", "ftp", "access"),
        ("schedule", "weekly", "cron"),
        ("name", "DTU-Course", "name"),
    ],
)
def test_bad_entries_are_refused(tmp_path, field, value, message):
    with pytest.raises(ValueError, match=message):
        load_registry(_write(tmp_path, [_entry(**{field: value})]))


def test_every_enabled_source_has_a_replayable_snapshot():
    for src in registry().values():
        if src.enabled:
            assert (src.snapshot_dir / "index.jsonl").exists(), src.name


def test_configured_entries_agree_with_their_catalogue_yaml():
    configured = [s for s in registry().values() if s.parser.startswith("scrapers.parsers.configured:")]
    assert len([s for s in configured if s.country]) >= 3  # at least three institutions with a country
    for src in configured:
        cat = load_catalogue(src.parser.split(":parse_")[1])
        assert cat.start_urls == src.start_urls, src.name
        assert cat.alliance == src.alliance and (cat.country or None) == src.country, src.name
        assert cat.structure_note


def test_markdown_table_lists_every_source():
    table = markdown_table()
    lines = table.splitlines()
    assert lines[0].startswith("| Source |") and len(lines) == 2 + len(registry())
    for name, src in registry().items():
        row = next(line for line in lines if line.startswith(f"| `{name}` |"))
        assert src.type in row and (src.country or "—") in row
    assert "| `euroteq` |" in table and "EuroTeQ" in table
    assert lines[0].split(" | ")[1:] == [
        "Type",
        "Platform",
        "Provider",
        "Country",
        "Institutions",
        "Alliance",
        "Access",
        "Schedule",
        "Enabled",
        "Verified",
        "Terms",
        "robots.txt",
        "Notes |",
    ]


# Entries that state platform, institutions and verified (issue 14); entries added since may not yet, and are flagged.
DESCRIBED = (
    "futurelearn dtu coursera edx mitxonline mitxpro mit_pe moochub schema_org iversity udacity xcri_cap xcri_cap_ou "
    "elm tudelft_online ucc_microcreds helsinki_open euroteq kth_kopps"
).split()


def test_an_unknown_verified_kind_is_refused_in_one_line(tmp_path):
    with pytest.raises(RegistryError) as err:
        load_registry(_write(tmp_path, [_entry(verified="tested: on my laptop")]))
    message = str(err.value)
    assert "\n" not in message and "source 'dtu': verified: unknown kind 'tested'" in message
    assert "real response, specification example, specification, own fixtures, unverified" in message
    with pytest.raises(RegistryError, match="'real response' needs a note naming what the parser was checked on"):
        load_registry(_write(tmp_path, [_entry(verified="real response")]))
    # the mapping form reads the same
    src = load_registry(_write(tmp_path, [_entry(verified={"kind": "specification", "note": "OOAPI 5.0"})]))["dtu"]
    assert (src.verification.kind, str(src.verification)) == ("specification", "specification: OOAPI 5.0")


def test_an_entry_without_the_descriptive_fields_loads_and_is_flagged(tmp_path):
    bare = {k: v for k, v in _entry().items() if k not in ("platform", "institutions", "verified")}
    src = load_registry(_write(tmp_path, [bare]))["dtu"]
    assert src.missing() == ["platform", "institutions", "verified"] and src.verification.kind == "unverified"
    (row,) = [line for line in markdown_table({"dtu": src}).splitlines() if line.startswith("| `dtu` |")]
    assert "**unverified** (not stated in the registry)" in row and row.count("not stated") == 3


def test_sources_command_shows_the_descriptive_fields_and_flags_gaps(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipelines.cli import main
    from scrapers import registry as reg

    bare = {k: v for k, v in _entry(name="bare").items() if k not in ("platform", "institutions", "verified")}
    monkeypatch.setenv("MCATLAS_REGISTRY", str(_write(tmp_path, [_entry(), bare])))
    reg.registry.cache_clear()
    try:
        result = CliRunner().invoke(main, ["sources"])
    finally:
        reg.registry.cache_clear()
    assert result.exit_code == 0, result.output
    out = result.output
    assert "platform: DTU course web service" in out and "verified: real response: ../shared/corpus/dtu" in out
    assert "verified: unverified: not stated in the registry" in out
    assert out.splitlines()[-1].startswith("1 source without every descriptive field (shown as not stated")
    assert "bare (platform, institutions, verified)" in out


def test_described_entries_state_how_they_were_verified():
    sources = registry()
    for name in DESCRIBED:
        src = sources[name]
        assert src.missing() == [], name
        assert src.verification.kind in VERIFIED_KINDS and src.verification.kind != "unverified", name
        if src.verification.kind in ("real response", "specification example") and SHARED.is_dir():
            # the recording named is there to re-check
            for path in re.findall(r"\.\./shared/corpus/[\w./-]*\w", src.verification.note):
                assert (REPO / path).exists(), (name, path)
    assert "Ladok" in (sources["kth_kopps"].notes or "")


def test_readme_table_shows_the_descriptive_columns():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- sources:start -->")[1].split("<!-- sources:end -->")[0].strip().splitlines()
    header = [c.strip() for c in table[0].strip("|").split("|")]
    assert {"Platform", "Country", "Institutions", "Verified"} <= set(header)
    rows = {line.split("|")[1].strip(): line for line in table[2:]}
    for name in DESCRIBED:
        src = registry()[name]
        assert src.platform in rows[f"`{name}`"] and src.verification.kind in rows[f"`{name}`"], name
