"""The harvest's partitions: one per enabled registry source, kept in line with `scrapers/sources.yaml`.

Dynamic partitions, because the registry is data: thousands of sources stay one asset (with per-partition retries,
backfills and history), and adding a source to the YAML adds a partition without a code change."""

from __future__ import annotations

from collections.abc import Iterable

from dagster import (
    AddDynamicPartitionsRequest,
    DagsterInstance,
    DefaultSensorStatus,
    DeleteDynamicPartitionsRequest,
    DynamicPartitionsDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from scrapers.registry import registry

PARTITIONS = "registry_source"
SOURCES = DynamicPartitionsDefinition(name=PARTITIONS)


def wanted_partitions() -> list[str]:
    return sorted(name for name, src in registry().items() if src.enabled)


def partition_changes(existing: Iterable[str]) -> tuple[list[str], list[str]]:
    """(to add, to remove): sources enabled in the registry without a partition, partitions of sources gone or
    disabled. A removed partition keeps its history; adding it again shows it once more."""
    wanted = set(wanted_partitions())
    have = set(existing)
    return sorted(wanted - have), sorted(have - wanted)


def sync_partitions(instance: DagsterInstance) -> tuple[list[str], list[str]]:
    """Bring the instance's harvest partitions in line with the registry; (added, removed)."""
    added, removed = partition_changes(instance.get_dynamic_partitions(PARTITIONS))
    if added:
        instance.add_dynamic_partitions(PARTITIONS, added)
    for name in removed:
        instance.delete_dynamic_partition(PARTITIONS, name)
    return added, removed


@sensor(
    name="registry_sources",
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=300,
    description="Keeps the harvest's partitions in line with scrapers/sources.yaml (one per enabled source).",
)
def registry_sources_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    added, removed = partition_changes(context.instance.get_dynamic_partitions(PARTITIONS))
    if not added and not removed:
        return SkipReason("the harvest's partitions match the registry")
    requests: list[AddDynamicPartitionsRequest | DeleteDynamicPartitionsRequest] = []
    if added:
        requests.append(SOURCES.build_add_request(added))
    if removed:
        requests.append(SOURCES.build_delete_request(removed))
    context.log.info(f"partitions: +{added} -{removed}")
    return SensorResult(dynamic_partitions_requests=requests)
