"""Scheduled runs: each source harvested on its registry schedule, the warehouse rebuilt when raw data lands.

One hourly schedule starts a harvest run for every source whose registry cron fell in the past hour (one run per
partition), so thousands of sources are one schedule, not thousands. Everything downstream carries the
`when_raw_data_lands` automation condition, evaluated by the automation sensor: when any harvest materialises,
the load and the tables after it run once, without waiting for the sources that did not run.
"""

import os
from datetime import UTC, datetime, timedelta

from dagster import (
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
)
from dagster._utils.schedules import get_latest_completed_cron_tick

from pipelines.defs.harvest.assets import HARVEST_GROUP, HARVEST_KEY
from pipelines.defs.harvest.partitions import PARTITIONS, SOURCES
from scrapers.registry import registry

# Unlike `eager()`, harvests that never ran (missing parents) do not block the rebuild.
when_raw_data_lands = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("when_raw_data_lands")

harvest_job = define_asset_job(
    "harvest_job",
    selection=AssetSelection.assets(HARVEST_KEY),
    partitions_def=SOURCES,
    description="Harvest one registry source (the partition) into the landing area.",
)
TICK = timedelta(hours=1)

warehouse_job = define_asset_job(
    "warehouse_job",
    selection=AssetSelection.all() - AssetSelection.groups(HARVEST_GROUP),
    description="Load every landed harvest and rebuild the warehouse tables downstream of it.",
)

SCHEDULES_ENV = "MCATLAS_SCHEDULES"
SCHEDULE_STATUSES = {"stopped": DefaultScheduleStatus.STOPPED, "running": DefaultScheduleStatus.RUNNING}


def default_schedule_status() -> DefaultScheduleStatus:
    """`$MCATLAS_SCHEDULES` (running | stopped, default stopped): whether the harvest schedules start switched on.

    Stopped by default, because a scheduled harvest crawls the real endpoints only with MCATLAS_CRAWL_MODE=live and a
    fresh checkout should contact nobody. Read when the code location loads (Dagster fixes a schedule's default status
    then); a schedule toggled in the UI keeps the state it was given there."""
    value = (os.environ.get(SCHEDULES_ENV) or "stopped").strip().lower()
    if value not in SCHEDULE_STATUSES:
        raise ValueError(f"{SCHEDULES_ENV}={value!r}: expected running or stopped")
    return SCHEDULE_STATUSES[value]


def due_sources(now: datetime, window: timedelta = TICK) -> list[str]:
    """Enabled sources whose registry cron (UTC) fired in (now - window, now]."""
    return sorted(
        name
        for name, src in registry().items()
        if src.enabled and now - window < get_latest_completed_cron_tick(src.schedule, now, "UTC") <= now
    )


def harvest_schedules() -> list[ScheduleDefinition]:
    """The hourly schedule that starts the harvests due, one run per source; each source's cron is its registry
    `schedule`, in UTC."""

    @schedule(
        name="harvest_due_sources",
        cron_schedule="0 * * * *",
        job=harvest_job,
        execution_timezone="UTC",
        default_status=default_schedule_status(),
        description="Every hour: a harvest run for each source whose registry schedule (cron, UTC) fell in the hour.",
    )
    def _due(context: ScheduleEvaluationContext) -> list[RunRequest] | SkipReason:
        now = context.scheduled_execution_time or datetime.now(UTC)
        due = due_sources(now)
        known = set(context.instance.get_dynamic_partitions(PARTITIONS))
        if missing := [name for name in due if name not in known]:
            # the registry_sources sensor adds them on its next tick; they run at their next scheduled time
            context.log.warning(f"due but not yet partitions (sensor registry_sources adds them): {missing}")
        runs = [
            RunRequest(run_key=f"{name}@{now:%Y-%m-%dT%H:%M}", partition_key=name, tags={"mcatlas/source": name})
            for name in due
            if name in known
        ]
        return runs or SkipReason(f"no source due at {now:%Y-%m-%d %H:%M} UTC")

    return [_due]


schedules = harvest_schedules()

automation_sensor = AutomationConditionSensorDefinition(
    "rebuild_when_raw_data_lands",
    target=AssetSelection.all() - AssetSelection.groups(HARVEST_GROUP),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Evaluates the automation conditions of the warehouse assets (see when_raw_data_lands).",
)

jobs = [harvest_job, warehouse_job]
sensors = [automation_sensor]
