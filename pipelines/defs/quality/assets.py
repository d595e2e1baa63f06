"""Quality assets written by Python: entity resolution (offer_clusters). The SQL marts (offer_completeness,
euroteq_eligibility, normalisation_coverage, cluster_best, ...) are dbt models in warehouse/dbt/models/marts."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from pipelines.defs.quality import build
from pipelines.resources import WarehouseResource

QUALITY_GROUP = "quality"


@asset(
    group_name=QUALITY_GROUP,
    deps=[AssetKey("offers"), AssetKey("learning_outcomes")],
    kinds={"duckdb", "python"},
    description="Entity resolution across sources: every offer in one cluster (stable cluster ids), with the "
    "similarity and reason of the link that joined it.",
)
def offer_clusters(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        stats = build.build_clusters(con)
    context.log.info(f"{stats['offers']} offers -> {stats['clusters']} clusters ({stats['links']} links)")
    return MaterializeResult(metadata=dict(stats))


assets = [offer_clusters]
