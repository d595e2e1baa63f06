"""Harvest domain: one asset partitioned by registry source (a Scrapy crawl into the landing area), its check,
and the sensor that keeps the partitions in line with the registry."""

from typing import Any

from pipelines.defs.harvest.assets import harvest
from pipelines.defs.harvest.partitions import registry_sources_sensor
from pipelines.resources import CrawlerResource

assets = [harvest]
asset_checks: list[Any] = []  # the check is part of the asset (check_specs): it judges the partition just crawled
jobs: list[Any] = []
schedules: list[Any] = []
sensors: list[Any] = [registry_sources_sensor]
resources: dict[str, Any] = {"crawler": CrawlerResource()}

__all__ = ["asset_checks", "assets", "harvest", "jobs", "resources", "schedules", "sensors"]
