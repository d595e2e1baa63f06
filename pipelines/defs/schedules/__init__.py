"""Scheduling domain: a harvest job and cron schedule per source, the rebuild-when-raw-data-lands sensor."""

from typing import Any

from pipelines.defs.schedules.definitions import jobs, schedules, sensors, when_raw_data_lands

assets: list[Any] = []
asset_checks: list[Any] = []
resources: dict[str, Any] = {}

__all__ = ["asset_checks", "assets", "jobs", "resources", "schedules", "sensors", "when_raw_data_lands"]
