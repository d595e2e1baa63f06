"""Warehouse assets: raw load of landed harvests, then the core tables."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.defs.harvest.assets import harvest_assets
from pipelines.resources import CrawlerResource, WarehouseResource
from scrapers.registry import registry
from warehouse import db, dictionary
from warehouse.db import scalar

WAREHOUSE_GROUP = "warehouse"


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=harvest_assets,
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


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=[raw_offers],
    kinds={"duckdb"},
    description="Core offers: the latest version of every listing, one row per (source, source_id).",
)
def offers(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        db.run_in_transaction(con, "core/build_offers.sql")
        by_source = dict(con.execute("select source, count(*) from offers group by 1 order by 1").fetchall())
        total = db.count(con, "offers")
    return MaterializeResult(metadata={"rows": total, "by_source": MetadataValue.json(by_source)})


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=[offers],
    kinds={"duckdb"},
    description="Learning outcomes, one statement per row, keyed by outcome_id.",
)
def learning_outcomes(warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        db.run_in_transaction(con, "core/build_learning_outcomes.sql")
        total = db.count(con, "learning_outcomes")
        without = scalar(
            con,
            "select count(*) from offers o where not exists "
            "(select 1 from learning_outcomes l where l.source = o.source and l.source_id = o.source_id)",
        )
    return MaterializeResult(metadata={"rows": total, "offers_without_outcomes": without})


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=[offers, learning_outcomes],
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


# Views for analysts read many tables: they come last, and leave the data dictionary as DuckDB comments.
ANALYST_VIEW_FILES = ["views/offers_overview.sql"]
ANALYST_VIEW_DEPS = ["offer_completeness", "euroteq_eligibility", "cluster_best", "offer_skills"]


@asset(
    group_name=WAREHOUSE_GROUP,
    deps=[offers, learning_outcomes, offer_search, *ANALYST_VIEW_DEPS],
    kinds={"duckdb"},
    description="Documented analyst views, and the data dictionary stored as comments on every table/column.",
)
def analyst_views(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    with warehouse.connect() as con:
        db.run_in_transaction(con, *ANALYST_VIEW_FILES)
        comments = dictionary.apply_comments(con)
        missing = dictionary.undocumented(con)
    if missing:
        context.log.warning(f"undocumented in warehouse/dictionary.yaml: {', '.join(missing)}")
    return MaterializeResult(
        metadata={"views": len(ANALYST_VIEW_FILES), "comments": comments, "undocumented": MetadataValue.json(missing)}
    )


warehouse_assets = [raw_offers, offers, learning_outcomes, offer_search, analyst_views]
