"""The one Dagster `Definitions` of MC Atlas (`dagster dev` loads it via pyproject's [tool.dagster]).

Built generically from the domains under pipelines/defs (each exports the same names, see pipelines/defs/__init__):
a new domain is a new folder, not an edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any, Literal

from dagster import AssetsDefinition, Definitions, map_asset_specs

import pipelines.defs
from pipelines.defs import DOMAIN_EXPORTS
from pipelines.defs.harvest.assets import HARVEST_GROUP
from pipelines.defs.schedules import when_raw_data_lands
from pipelines.resources import CrawlerResource


def domains() -> list[ModuleType]:
    """Every sub-package of pipelines/defs, in name order; each must export DOMAIN_EXPORTS."""
    found = []
    for info in sorted(pkgutil.iter_modules(pipelines.defs.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"pipelines.defs.{info.name}")
        missing = [name for name in DOMAIN_EXPORTS if not hasattr(module, name)]
        if missing:
            raise TypeError(f"Dagster domain pipelines/defs/{info.name} does not export {', '.join(missing)}")
        found.append(module)
    return found


def _automated(assets: list[AssetsDefinition]) -> list[AssetsDefinition]:
    """Everything downstream of the harvests rebuilds when raw data lands (see pipelines/defs/schedules)."""
    return list(
        map_asset_specs(
            lambda spec: (
                spec
                if spec.group_name == HARVEST_GROUP
                else spec.replace_attributes(automation_condition=when_raw_data_lands)
            ),
            assets,
        )
    )


def _resources(modules: list[ModuleType]) -> dict[str, Any]:
    """The domains' resources under one key each; two domains naming one key with different classes is a bug."""
    merged: dict[str, Any] = {}
    for module in modules:
        for key, resource in module.resources.items():
            if key in merged and type(merged[key]) is not type(resource):
                raise TypeError(f"resource {key!r} defined twice with different types (pipelines/defs)")
            merged.setdefault(key, resource)
    return merged


# The command line's mode (a plain str) as the resource's Literal.
CRAWL_MODES: dict[str, Literal["snapshot", "live"]] = {"snapshot": "snapshot", "live": "live"}


def build_definitions(mode: str | None = None) -> Definitions:
    """All domains' definitions; `mode` (snapshot | live) fixes the crawl mode, else MCATLAS_CRAWL_MODE decides at
    run time."""
    modules = domains()
    resources = _resources(modules)
    if mode:
        if mode not in CRAWL_MODES:
            raise ValueError(f"crawl mode {mode!r}: expected snapshot or live")
        resources["crawler"] = CrawlerResource(mode=CRAWL_MODES[mode])
    return Definitions(
        assets=_automated([a for m in modules for a in m.assets]),
        asset_checks=[c for m in modules for c in m.asset_checks],
        jobs=[j for m in modules for j in m.jobs],
        schedules=[s for m in modules for s in m.schedules],
        sensors=[s for m in modules for s in m.sensors],
        resources=resources,
    )


defs = build_definitions()
