"""The one Dagster `Definitions` of MC Atlas (`dagster dev` loads it via pyproject's [tool.dagster])."""

from __future__ import annotations

from dagster import AssetsDefinition, Definitions, EnvVar, map_asset_specs

from pipelines.defs import quality, skills
from pipelines.defs.harvest import harvest_assets, harvest_checks
from pipelines.defs.schedules import jobs, schedules, sensors, when_raw_data_lands
from pipelines.defs.warehouse import warehouse_assets, warehouse_checks
from pipelines.resources import CrawlerResource, WarehouseResource


def _automated(assets: list[AssetsDefinition]) -> list[AssetsDefinition]:
    """Downstream assets rebuild when raw data lands (see pipelines/defs/schedules)."""
    return list(map_asset_specs(lambda spec: spec.replace_attributes(automation_condition=when_raw_data_lands), assets))


def build_definitions(mode: str = "snapshot") -> Definitions:
    return Definitions(
        assets=[*harvest_assets, *_automated([*warehouse_assets, *quality.assets, *skills.assets])],
        asset_checks=[*harvest_checks, *warehouse_checks, *quality.asset_checks, *skills.asset_checks],
        jobs=jobs,
        schedules=schedules,
        sensors=sensors,
        resources={
            "warehouse": WarehouseResource(path=EnvVar("MCATLAS_DB").get_value("") or ""),
            "crawler": CrawlerResource(mode=EnvVar("MCATLAS_CRAWL_MODE").get_value(mode) or mode),
        },
    )


defs = build_definitions()
