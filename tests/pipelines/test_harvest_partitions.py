"""The harvest is one asset with a partition per registry source: partitions follow the registry, the hourly
schedule starts the sources that are due, and a host's concurrency pool lets one run crawl it at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from dagster import (
    DagsterInstance,
    RunRequest,
    SensorResult,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
    materialize,
)

from pipelines.definitions import defs
from pipelines.defs.harvest.assets import harvest
from pipelines.defs.harvest.partitions import PARTITIONS, registry_sources_sensor, sync_partitions
from pipelines.defs.harvest.pools import host_pool, host_slot, pool_limited
from pipelines.defs.schedules import definitions as sched
from pipelines.resources import CrawlerResource
from scrapers.registry import REGISTRY_PATH, registry

ONE_SLOT = {"concurrency": {"pools": {"default_limit": 1}}}


@pytest.fixture
def own_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A registry of three sources made from bundled entries, with crons of our choosing; edit it and call
    registry.cache_clear() to change it."""
    entries = {e["name"]: e for e in yaml.safe_load(REGISTRY_PATH.read_text())["sources"]}
    crons = {"dtu": "0 5 * * 2", "futurelearn": "30 5 * * 2", "coursera": "0 3 * * *"}
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [{**entries[n], "schedule": c} for n, c in crons.items()]}))
    monkeypatch.setenv("MCATLAS_REGISTRY", str(path))
    registry.cache_clear()
    yield path
    registry.cache_clear()


def edit_registry(path: Path, **changes: dict) -> None:
    data = yaml.safe_load(path.read_text())
    for entry in data["sources"]:
        entry.update(changes.get(entry["name"], {}))
    path.write_text(yaml.safe_dump(data))
    registry.cache_clear()


def test_partitions_follow_the_registry(own_registry: Path):
    instance = DagsterInstance.ephemeral()
    assert sync_partitions(instance) == (["coursera", "dtu", "futurelearn"], [])
    assert sync_partitions(instance) == ([], []), "a second sync changes nothing"
    edit_registry(own_registry, coursera={"enabled": False})
    assert sync_partitions(instance) == ([], ["coursera"])
    assert sorted(instance.get_dynamic_partitions(PARTITIONS)) == ["dtu", "futurelearn"]


def test_the_sensor_asks_for_the_missing_partitions_only(own_registry: Path):
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(PARTITIONS, ["dtu", "gone_source"])
    result = registry_sources_sensor(build_sensor_context(instance=instance))
    assert isinstance(result, SensorResult)
    requests = {type(r).__name__: sorted(r.partition_keys) for r in result.dynamic_partitions_requests or []}
    assert requests == {
        "AddDynamicPartitionsRequest": ["coursera", "futurelearn"],
        "DeleteDynamicPartitionsRequest": ["gone_source"],
    }
    sync_partitions(instance)
    assert isinstance(registry_sources_sensor(build_sensor_context(instance=instance)), SkipReason)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 12, 1, 5, 0, tzinfo=UTC), ["dtu"]),  # a Tuesday: dtu's 05:00 is in (04:00, 05:00]
        (datetime(2026, 12, 1, 6, 0, tzinfo=UTC), ["futurelearn"]),  # its 05:30
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), ["coursera"]),  # daily at 03:00
        (datetime(2026, 12, 2, 5, 0, tzinfo=UTC), []),  # Wednesday
    ],
)
def test_sources_are_due_when_their_cron_fell_in_the_hour(own_registry: Path, now: datetime, due: list[str]):
    assert sched.due_sources(now) == due


def test_the_hourly_schedule_starts_one_run_per_due_partition(own_registry: Path):
    (schedule,) = sched.harvest_schedules()
    tick = datetime(2026, 12, 1, 3, tzinfo=UTC)
    repo = defs.get_repository_def()
    with instance_for_test() as instance:
        instance.add_dynamic_partitions(PARTITIONS, ["dtu"])  # coursera is due but has no partition yet
        result = schedule.evaluate_tick(
            build_schedule_context(instance=instance, scheduled_execution_time=tick, repository_def=repo)
        )
        assert result.run_requests == [] or result.skip_message
        sync_partitions(instance)
        result = schedule.evaluate_tick(
            build_schedule_context(instance=instance, scheduled_execution_time=tick, repository_def=repo)
        )
        requests = result.run_requests or []
        assert [(r.partition_key, r.tags["mcatlas/source"]) for r in requests] == [("coursera", "coursera")]
        assert all(isinstance(r, RunRequest) and r.run_key for r in requests)


def test_one_run_at_a_time_holds_a_host_pool():
    pool = host_pool(registry()["dtu"])
    assert pool == "crawl_host_kurser_dtu_dk"
    with instance_for_test(overrides=ONE_SLOT) as instance:
        held: list[tuple[str, float, float]] = []

        def crawl(run_id: str) -> None:
            with host_slot(instance, pool, run_id, "harvest", poll=0.05) as slot:
                assert slot
                start = time.monotonic()
                time.sleep(0.4)
                held.append((run_id, start, time.monotonic()))

        threads = [threading.Thread(target=crawl, args=(f"run-{i}",)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(held) == 3
        spans = sorted(held, key=lambda h: h[1])
        assert all(a[2] <= b[1] for a, b in zip(spans, spans[1:], strict=False)), spans
        assert instance.event_log_storage.get_concurrency_info(pool).claimed_slots == []


def test_an_instance_without_pool_limits_does_not_wait():
    with instance_for_test() as instance:
        assert not pool_limited(instance, "crawl_host_example_org")
        with host_slot(instance, "crawl_host_example_org", "run", "harvest") as slot:
            assert slot is False


def test_a_partition_run_crawls_its_source_inside_the_host_slot(data_env: Path):
    with instance_for_test(overrides=ONE_SLOT) as instance:
        sync_partitions(instance)
        result = materialize(
            [harvest], partition_key="dtu", instance=instance, resources={"crawler": CrawlerResource(mode="snapshot")}
        )
        assert result.success
        (mat,) = result.asset_materializations_for_node("harvest")
        assert mat.partition == "dtu"
        assert mat.metadata["source"].value == "dtu" and mat.metadata["offers"].value > 0
        assert mat.metadata["pool"].value == "crawl_host_kurser_dtu_dk (slot held)"
        (check,) = result.get_asset_check_evaluations()
        assert check.check_name == "harvest_without_errors" and check.passed
        assert instance.event_log_storage.get_concurrency_info("crawl_host_kurser_dtu_dk").claimed_slots == []
