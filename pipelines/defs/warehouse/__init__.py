"""Warehouse domain: raw load (Python), the dbt models with their tests as checks, and search."""

from typing import Any

from pipelines.defs.warehouse.assets import warehouse_assets
from pipelines.defs.warehouse.checks import warehouse_checks
from pipelines.resources import WarehouseResource, dbt_resource

assets = warehouse_assets
asset_checks = warehouse_checks
jobs: list[Any] = []
schedules: list[Any] = []
sensors: list[Any] = []
resources: dict[str, Any] = {"warehouse": WarehouseResource(), "dbt": dbt_resource()}

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
