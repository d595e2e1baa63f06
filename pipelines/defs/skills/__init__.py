"""Dagster definitions of the skill domain; the foundation adds `assets` and `asset_checks` to its Definitions."""

from pipelines.defs.skills.assets import skills_assets
from pipelines.defs.skills.checks import skills_checks

assets = skills_assets
asset_checks = skills_checks

__all__ = ["asset_checks", "assets", "skills_assets", "skills_checks"]
