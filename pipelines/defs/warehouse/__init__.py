"""Warehouse domain: raw load, core tables, search and analyst views, with their checks."""

from typing import Any

from pipelines.defs.warehouse.assets import warehouse_assets
from pipelines.defs.warehouse.checks import warehouse_checks
from pipelines.resources import WarehouseResource

assets = warehouse_assets
asset_checks = warehouse_checks
jobs: list[Any] = []
schedules: list[Any] = []
sensors: list[Any] = []
resources: dict[str, Any] = {"warehouse": WarehouseResource()}

__all__ = [
    "asset_checks",
    "assets",
    "jobs",
    "resources",
    "schedules",
    "sensors",
    "warehouse_assets",
    "warehouse_checks",
]
