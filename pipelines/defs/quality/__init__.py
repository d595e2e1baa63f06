"""Quality marts as Dagster assets and checks; `assets` and `asset_checks` go into the one Definitions."""

from pipelines.defs.quality.assets import assets
from pipelines.defs.quality.checks import asset_checks

__all__ = ["asset_checks", "assets"]
