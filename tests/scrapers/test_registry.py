"""The source registry validates: unique names, ISO countries, known access methods; README table from it."""

from pathlib import Path
from typing import get_args

import pycountry
import pytest
import yaml

from scrapers.parsers.configured import load_catalogue
from scrapers.registry import REGISTRY_PATH, Access, RegistryError, load_registry, markdown_table, registry


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
