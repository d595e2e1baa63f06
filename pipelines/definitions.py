"""The one Dagster `Definitions` of MC Atlas (`dagster dev` loads it via pyproject's [tool.dagster])."""

from __future__ import annotations

from dagster import Definitions, EnvVar

from pipelines.defs.harvest import harvest_assets, harvest_checks
from pipelines.defs.warehouse import warehouse_assets, warehouse_checks
from pipelines.resources import CrawlerResource, WarehouseResource


def build_definitions(mode: str = "snapshot") -> Definitions:
    return Definitions(
        assets=[*harvest_assets, *warehouse_assets],
        asset_checks=[*harvest_checks, *warehouse_checks],
        resources={
            "warehouse": WarehouseResource(path=EnvVar("MCATLAS_DB").get_value("") or ""),
            "crawler": CrawlerResource(mode=EnvVar("MCATLAS_CRAWL_MODE").get_value(mode) or mode),
        },
    )


defs = build_definitions()
