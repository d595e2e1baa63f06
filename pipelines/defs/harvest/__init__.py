"""Harvest domain: one asset per registry source (a Scrapy crawl into the landing area) and its checks."""

from typing import Any

from pipelines.defs.harvest.assets import harvest_assets
from pipelines.defs.harvest.checks import harvest_checks
from pipelines.resources import CrawlerResource

assets = harvest_assets
asset_checks = harvest_checks
jobs: list[Any] = []
schedules: list[Any] = []
sensors: list[Any] = []
resources: dict[str, Any] = {"crawler": CrawlerResource()}

__all__ = ["asset_checks", "assets", "harvest_assets", "harvest_checks", "jobs", "resources", "schedules", "sensors"]
