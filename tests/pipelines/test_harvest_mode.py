"""The bundled sample and real data never mix: a harvest of the other mode than the warehouse holds is refused
before anything is crawled (`mcatlas run`, the Dagster harvest assets), unless the sample is purged first."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from dagster import DagsterEventType, DagsterInstance, materialize

from pipelines.cli import main
from pipelines.defs.harvest.assets import harvest
from pipelines.defs.harvest.partitions import sync_partitions
from pipelines.resources import CrawlerResource
from scrapers.landing import LandingRun
from tests.pipelines.release.test_export import _offer
from warehouse import db


def land(data: Path, source: str, run_id: str, mode: str) -> Path:
    """One finished landing run of `source` in `mode`, with one offer."""
    run = LandingRun(data / "landing", source, run_id)
    run.write_offer(_offer(source, f"{source}-{run_id}", mode, title=f"Course {source}-{run_id}"))
    run.finish({"mcatlas/mode": mode, "offers/valid": 1}, "ok")
    return run.dir


def load(data: Path, *sources: str) -> None:
    with db.connect(data / "mcatlas.duckdb") as con:
        db.load_landing(con, data / "landing", list(sources))


def runs_of(data: Path, source: str) -> list[str]:
    base = data / "landing" / source
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []


@pytest.fixture
def sample(data_env: Path) -> Path:
    """A warehouse built from the bundled sample: snapshot runs loaded, plus one not loaded yet."""
    land(data_env, "dtu", "20260105T100000000000Z", "snapshot")
    load(data_env, "dtu")
    land(data_env, "futurelearn", "20260105T100100000000Z", "snapshot")
    return data_env


def test_modes_are_counted_in_the_warehouse_and_the_landing_area(sample: Path):
    assert db.harvest_modes() == {"snapshot": 2}
    assert db.describe_modes(db.harvest_modes()) == "sample"
    assert db.check_harvest_mode("snapshot") == {"snapshot": 2}
    land(sample, "dtu", "20260106T100000000000Z", "live")
    assert db.describe_modes(db.harvest_modes()) == "mixed"
    assert db.describe_modes({}) == "empty" and db.describe_modes({"live": 3}) == "live"


def test_live_harvest_into_the_sample_is_refused_with_one_line(sample: Path):
    with pytest.raises(db.HarvestModeConflict) as err:
        db.check_harvest_mode("live")
    message = str(err.value)
    assert "\n" not in message and "2 snapshot harvest runs" in message and "--purge-sample" in message


def test_sample_warehouse_alone_is_enough_to_refuse(sample: Path):
    """The landing area may have been cleaned: the warehouse's own harvest_runs still say what it holds."""
    for source in ("dtu", "futurelearn"):
        for run in (sample / "landing" / source).iterdir():
            for f in run.iterdir():
                if f.is_file():
                    f.unlink()
    with pytest.raises(db.HarvestModeConflict, match="1 snapshot harvest run"):
        db.check_harvest_mode("live")


def test_snapshot_run_into_a_live_warehouse_is_refused(data_env: Path):
    land(data_env, "dtu", "20260105T100000000000Z", "live")
    load(data_env, "dtu")
    assert db.check_harvest_mode("live") == {"live": 1}
    with pytest.raises(db.HarvestModeConflict, match="holds live data .1 live harvest run.*MCATLAS_DATA_DIR"):
        db.check_harvest_mode("snapshot")
    result = CliRunner().invoke(main, ["run", "--source", "dtu", "--wait", "0"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("mcatlas: error: ") and "holds live data" in lines[-1]
    assert runs_of(data_env, "dtu") == ["20260105T100000000000Z"], "nothing may be crawled"


def test_cli_live_run_into_the_sample_refuses_before_crawling(sample: Path):
    before = {s: runs_of(sample, s) for s in ("dtu", "futurelearn")}
    result = CliRunner().invoke(main, ["run", "--live", "--source", "dtu", "--wait", "0"])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("mcatlas: error:")]
    assert len(errors) == 1 and "holds the bundled sample" in errors[0] and "Traceback" not in result.output
    assert {s: runs_of(sample, s) for s in before} == before, "nothing may be crawled"


def test_purge_flag_needs_a_live_run(sample: Path):
    result = CliRunner().invoke(main, ["run", "--purge-sample", "--wait", "0"])
    assert result.exit_code == 2 and "--purge-sample goes with a live run" in result.stderr
    assert (sample / "mcatlas.duckdb").exists()


def test_purge_sets_the_sample_aside_and_keeps_live_runs(sample: Path):
    live = land(sample, "coursera", "20260107T100000000000Z", "live")
    aside = db.purge_sample()
    assert aside is not None and aside.parent == sample
    assert not (sample / "mcatlas.duckdb").exists() and (aside / "mcatlas.duckdb").exists()
    assert runs_of(sample, "dtu") == [] and runs_of(sample, "futurelearn") == []
    assert (aside / "landing" / "dtu" / "20260105T100000000000Z" / "offers.jsonl").exists()
    assert live.is_dir(), "live landing runs stay, to be loaded into the fresh warehouse"
    assert db.check_harvest_mode("live") == {"live": 1}
    assert db.purge_sample() is None, "nothing left to purge"


def test_cli_live_run_with_purge_flag_gets_past_the_guard(sample: Path):
    # an unknown source stops the run right after the guard, before anything is crawled (no network in tests)
    result = CliRunner().invoke(main, ["run", "--live", "--purge-sample", "--source", "no_such_source", "--wait", "0"])
    assert "holds the bundled sample" not in result.output
    assert "the sample was moved to" in result.stderr
    assert result.exit_code != 0 and "unknown sources" in result.output and "no_such_source" in result.output
    assert not (sample / "mcatlas.duckdb").exists() and runs_of(sample, "dtu") == []


def test_dagster_harvest_asset_refuses_the_other_mode_without_crawling(sample: Path):
    instance = DagsterInstance.ephemeral()
    sync_partitions(instance)
    result = materialize(
        [harvest],
        partition_key="dtu",
        instance=instance,
        resources={"crawler": CrawlerResource(mode="live")},
        raise_on_error=False,
    )
    assert not result.success
    failures = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE]
    assert failures and "holds the bundled sample" in failures[0].step_failure_data.error.message
    assert runs_of(sample, "dtu") == ["20260105T100000000000Z"], "nothing may be crawled"
    retries = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_UP_FOR_RETRY]
    assert retries == [], "a mode conflict is not retried"


def test_rebuild_refuses_a_landing_area_that_mixes_both(sample: Path):
    """`mcatlas crawl --live` lands without asking; the rebuild that would load it beside the sample refuses."""
    land(sample, "dtu", "20260106T100000000000Z", "live")
    result = CliRunner().invoke(main, ["run", "--no-harvest", "--wait", "0"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("mcatlas: error: ")
    assert "hold both sample and live harvest runs (1 live, 2 snapshot)" in result.stderr
