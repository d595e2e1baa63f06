"""Small frictions (issue #16): schedules switched on by configuration, disabled sources marked, a data dictionary
that needs no `dbt parse`, and no progress bar off a terminal."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from dagster import DefaultScheduleStatus

from pipelines.cli import main
from pipelines.defs.schedules import definitions as sched
from scrapers.registry import registry


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (None, DefaultScheduleStatus.STOPPED),
        ("stopped", DefaultScheduleStatus.STOPPED),
        ("running", DefaultScheduleStatus.RUNNING),
        (" Running ", DefaultScheduleStatus.RUNNING),
    ],
)
def test_schedules_start_as_the_environment_says(monkeypatch: pytest.MonkeyPatch, value, status):
    if value is None:
        monkeypatch.delenv(sched.SCHEDULES_ENV, raising=False)
    else:
        monkeypatch.setenv(sched.SCHEDULES_ENV, value)
    schedules = sched.harvest_schedules()
    assert [s.name for s in schedules] == ["harvest_due_sources"]
    assert {s.default_status for s in schedules} == {status}


def test_a_misspelt_schedule_setting_is_one_clear_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(sched.SCHEDULES_ENV, "on")
    with pytest.raises(ValueError, match="MCATLAS_SCHEDULES='on': expected running or stopped"):
        sched.harvest_schedules()


def test_sources_marks_disabled_sources():
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 0, result.output
    reg = registry()
    heads = {line.split()[0]: line for line in result.output.splitlines() if line and not line.startswith(" ")}
    disabled = [n for n, s in reg.items() if not s.enabled]
    assert disabled, "the registry has disabled sources to mark"
    for name, src in reg.items():
        assert ("[DISABLED]" in heads[name]) is (not src.enabled), heads[name]
    summary = next(line for line in result.output.splitlines() if line.startswith(f"{len(reg)} sources:"))
    assert f"{len(reg) - len(disabled)} enabled, {len(disabled)} disabled" in summary
    assert all(name in summary for name in disabled)


def test_dictionary_reads_the_schema_files_without_dbt(monkeypatch: pytest.MonkeyPatch):
    """The dictionary answers without `dbt parse` (seconds, and on every edit of the project), and says what dbt's
    manifest says of every relation."""
    from warehouse import build, dictionary

    parsed = build.manifest()  # dbt's own reading, for comparison
    expected: dict[str, dict] = {}
    for node in parsed["sources"].values():
        meta = node.get("meta") or {}
        expected[node.get("identifier") or node["name"]] = dictionary._entry(node, meta.get("built_by") or "python")
    for node in parsed["nodes"].values():
        if node["resource_type"] in ("model", "seed", "snapshot"):
            path = f"warehouse/dbt/{node['original_file_path']}"
            expected[node.get("alias") or node["name"]] = dictionary._entry(node, path)

    def no_dbt(*args, **kwargs):
        raise AssertionError("the dictionary ran dbt")

    monkeypatch.setattr(build, "ensure_manifest", no_dbt)
    monkeypatch.setattr(build, "manifest", no_dbt)
    dictionary._tables_of.cache_clear()
    assert dictionary._tables() == expected
    meaning = dictionary.column_meaning("esco_releases", "source")
    assert meaning and "ESCO release files" in meaning and "sources.yaml" not in meaning


def test_no_progress_bar_off_a_terminal():
    from transformers.utils import logging as hf_logging

    from models.skills.embed import quiet_progress_off_a_terminal

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    was = hf_logging.is_progress_bar_enabled()
    try:
        hf_logging.enable_progress_bar()
        assert quiet_progress_off_a_terminal((Tty(), Tty())) is False
        assert hf_logging.is_progress_bar_enabled()
        assert quiet_progress_off_a_terminal((io.StringIO(), Tty())) is True  # stdout piped
        assert not hf_logging.is_progress_bar_enabled()
        hf_logging.enable_progress_bar()
        assert quiet_progress_off_a_terminal((Tty(), io.StringIO())) is True  # stderr to a file
        assert not hf_logging.is_progress_bar_enabled()
    finally:
        (hf_logging.enable_progress_bar if was else hf_logging.disable_progress_bar)()
