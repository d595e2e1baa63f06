"""Quality marts as Dagster assets and checks (they use the warehouse domain's `warehouse` resource)."""

from typing import Any

from pipelines.defs.quality.assets import assets
from pipelines.defs.quality.checks import asset_checks

jobs: list[Any] = []
schedules: list[Any] = []
sensors: list[Any] = []
resources: dict[str, Any] = {}

__all__ = ["asset_checks", "assets", "jobs", "resources", "schedules", "sensors"]
