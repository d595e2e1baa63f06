"""Scheduled runs: each source harvested on its registry schedule, the warehouse rebuilt when raw data lands.

Harvests run on cron schedules (one job per source, from the registry). Everything downstream carries the
`when_raw_data_lands` automation condition, evaluated by the automation sensor: when any harvest materialises,
the load and the tables after it run once, without waiting for the sources that did not run.
"""

import os

from dagster import (
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    ScheduleDefinition,
    define_asset_job,
)

from pipelines.defs.harvest.assets import HARVEST_GROUP, harvest_key
from scrapers.registry import registry

# Unlike `eager()`, harvests that never ran (missing parents) do not block the rebuild.
when_raw_data_lands = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("when_raw_data_lands")

harvest_jobs = {
    src.name: define_asset_job(
        f"harvest_{src.name}_job",
        selection=AssetSelection.assets(harvest_key(src.name)),
        description=f"Harvest {src.provider} into the landing area.",
    )
    for src in registry().values()
    if src.enabled
}

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


def harvest_schedules() -> list[ScheduleDefinition]:
    """One cron schedule per enabled source (its registry `schedule`), in UTC."""
    status = default_schedule_status()
    return [
        ScheduleDefinition(
            name=f"harvest_{name}_schedule",
            job=job,
            cron_schedule=registry()[name].schedule,
            execution_timezone="UTC",
            default_status=status,
        )
        for name, job in harvest_jobs.items()
    ]


schedules = harvest_schedules()

automation_sensor = AutomationConditionSensorDefinition(
    "rebuild_when_raw_data_lands",
    target=AssetSelection.all() - AssetSelection.groups(HARVEST_GROUP),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Evaluates the automation conditions of the warehouse assets (see when_raw_data_lands).",
)

jobs = [*harvest_jobs.values(), warehouse_job]
sensors = [automation_sensor]
