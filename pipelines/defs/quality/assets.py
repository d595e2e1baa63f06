"""Quality marts: completeness of the EU standard elements, EuroTeQ eligibility, duplicate clusters, best records."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.defs.quality import build
from pipelines.resources import WarehouseResource
from warehouse.db import scalar

QUALITY_GROUP = "quality"


@asset(
    group_name=QUALITY_GROUP,
    deps=["offers", "learning_outcomes"],
    kinds={"duckdb"},
    description="Per offer: which EU micro-credential standard elements are present, and a completeness score; "
    "views aggregate it by source, provider and country.",
)
def offer_completeness(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        rows = build.build_sql_mart(con, "offer_completeness")
        by_source = dict(
            con.execute("select source, avg_score from offer_completeness_by_source order by 1").fetchall()
        )
    return MaterializeResult(metadata={"rows": rows, "avg_score_by_source": MetadataValue.json(by_source)})


@asset(
    group_name=QUALITY_GROUP,
    deps=["offers", "learning_outcomes"],
    kinds={"duckdb"},
    description="The EuroTeQ micro-credential checklist per offer and rule (true / false / unknown) with reasons; "
    "euroteq_eligible_offers has one row per offer.",
)
def euroteq_eligibility(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        rows = build.build_sql_mart(con, "euroteq_eligibility")
        summary = dict(
            con.execute(
                "select coalesce(eligible::varchar, 'unknown'), count(*) from euroteq_eligible_offers group by 1"
            ).fetchall()
        )
    return MaterializeResult(metadata={"rows": rows, "eligible": MetadataValue.json(summary)})


@asset(
    group_name=QUALITY_GROUP,
    deps=["offers", "learning_outcomes"],
    kinds={"duckdb", "python"},
    description="Entity resolution across sources: every offer in one cluster (stable cluster ids), with the "
    "similarity and reason of the link that joined it.",
)
def offer_clusters(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        stats = build.build_clusters(con)
    context.log.info(f"{stats['offers']} offers -> {stats['clusters']} clusters ({stats['links']} links)")
    return MaterializeResult(metadata=dict(stats))


@asset(
    group_name=QUALITY_GROUP,
    deps=[offer_clusters],
    kinds={"duckdb"},
    description="One merged record per cluster: each field from the highest-precedence member that has it "
    "(provider's own catalogue over platform over aggregator), with the member each field came from.",
)
def cluster_best(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        rows = build.build_sql_mart(con, "cluster_best")
        merged = scalar(con, "select count(*) from cluster_best where cluster_size > 1")
    return MaterializeResult(metadata={"rows": rows, "multi_source_clusters": merged})


@asset(
    group_name=QUALITY_GROUP,
    deps=["offers"],
    kinds={"duckdb"},
    description="Views normalisation_coverage (share of offers with each normalised value, per source and how it "
    "was obtained) and normalisation_rules (every rule that fired, from the offers' explanations).",
)
def normalisation_coverage(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        rows = build.build_sql_mart(con, "normalisation_coverage")
    return MaterializeResult(metadata={"sources": rows})


assets = [offer_completeness, euroteq_eligibility, offer_clusters, cluster_best, normalisation_coverage]
