"""Skill domain: the ESCO release, outcome-to-skill matches and skills per offer, with their checks."""

from typing import Any

from pipelines.defs.skills.assets import skills_assets
from pipelines.defs.skills.checks import skills_checks

assets = skills_assets
asset_checks = skills_checks
jobs: list[Any] = []
schedules: list[Any] = []
sensors: list[Any] = []
resources: dict[str, Any] = {}

__all__ = ["asset_checks", "assets", "jobs", "resources", "schedules", "sensors", "skills_assets", "skills_checks"]
