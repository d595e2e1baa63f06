"""Dagster domains: every sub-package of pipelines/defs exports the same names, and pipelines/definitions.py builds
the one `Definitions` from them without knowing any domain by name.

Each `pipelines/defs/<domain>/__init__.py` exports `assets`, `asset_checks`, `jobs`, `schedules`, `sensors` (lists)
and `resources` (a dict of resource key -> resource the domain's assets need).
"""

from __future__ import annotations

DOMAIN_EXPORTS = ("assets", "asset_checks", "jobs", "schedules", "sensors", "resources")
