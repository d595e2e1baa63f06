"""Warehouse assets: the raw load of landed harvests (Python), the dbt models (warehouse/dbt) and full-text search.

Every dbt model is an asset and every dbt test an asset check (dagster-dbt). The models that read tables Python
writes after the core (offer_clusters) are a second dbt asset group, `warehouse_models_after_python`, so Dagster
runs: raw_offers -> warehouse_models -> offer_clusters, offer_search, skills -> warehouse_models_after_python.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Failure, MaterializeResult, MetadataValue, asset
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.defs.harvest.assets import harvest
from pipelines.resources import CrawlerResource, WarehouseResource
from scrapers.registry import registry
from warehouse import build, db

WAREHOUSE_GROUP = "warehouse"
QUALITY_GROUP = "quality"
AFTER_PYTHON = "tag:after_python"


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=[harvest],
    kinds={"duckdb"},
    description="Raw layer: every landed harvest run not loaded before (raw_offers, rejects, harvest_runs). "
    "Unchanged listings are not stored twice; failed or empty harvests load nothing and delete nothing.",
)
def raw_offers(
    context: AssetExecutionContext, warehouse: WarehouseResource, crawler: CrawlerResource
) -> MaterializeResult:
    with warehouse.connect() as con:
        loaded = db.load_landing(con, crawler.landing(), list(registry()))
        totals = {
            "raw_offers": db.count(con, "raw_offers"),
            "rejects": db.count(con, "rejects"),
            "harvest_runs": db.count(con, "harvest_runs"),
        }
    for run in loaded:
        context.log.info(
            f"loaded {run['source']} run {run['run_id']} ({run['status']}): "
            f"{run['new_or_changed']} new or changed of {run['offers_in_run']} offers, "
            f"{run['rejects_in_run']} rejects"
        )
    return MaterializeResult(metadata={**totals, "runs_loaded": len(loaded), "runs": MetadataValue.json(loaded)})


class Translator(DagsterDbtTranslator):
    """Models keep their plain names as asset keys (offers, learning_outcomes, ...); marts form the quality group."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        return QUALITY_GROUP if len(fqn) > 1 and fqn[1] == "marts" else WAREHOUSE_GROUP


# several raw tables are written by the one raw_offers asset (and offer_clusters writes source_precedence too)
TRANSLATOR = Translator(settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True))


def build_in_copy(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource) -> Iterator:
    """`dbt build` of the selected models in a copy of the warehouse; published in one transaction when every
    model and test passed, else nothing changes (warehouse/build.py). Events are reported after publishing."""
    with warehouse.connect() as con, build.staged_build(con) as stage:
        with build.environ(**stage.env()):
            invocation = dbt.cli(["build"], context=context, raise_on_error=False, target_path=stage.target)
            events = list(invocation.stream())
        results = invocation.get_artifact("run_results.json") if (stage.target / "run_results.json").exists() else None
        if not invocation.is_successful() or results is None:
            raise Failure(
                build.failure_summary(
                    results,
                    "\n".join(invocation.get_error_messages() if hasattr(invocation, "get_error_messages") else []),
                )
            )
        build.publish(con, stage, build.built_relations(results))
    yield from events


@dbt_assets(
    manifest=build.ensure_manifest(), exclude=AFTER_PYTHON, name="warehouse_models", dagster_dbt_translator=TRANSLATOR
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource) -> Iterator:
    yield from build_in_copy(context, dbt, warehouse)


@dbt_assets(
    manifest=build.ensure_manifest(),
    select=AFTER_PYTHON,
    name="warehouse_models_after_python",
    dagster_dbt_translator=TRANSLATOR,
)
def warehouse_models_after_python(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator:
    yield from build_in_copy(context, dbt, warehouse)


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=[AssetKey("offers"), AssetKey("learning_outcomes")],
    kinds={"duckdb"},
    description="Full-text search over titles, descriptions and outcomes: search_offers('words') in SQL.",
)
def offer_search(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        db.load_fts(con)
        db.run_in_transaction(con, "search/offer_search.sql")
        db.run_sql_file(con, "search/offer_search_index.sql")
        total = db.count(con, "offer_search")
    return MaterializeResult(metadata={"documents": total})


warehouse_assets = [raw_offers, warehouse_models, warehouse_models_after_python, offer_search]
