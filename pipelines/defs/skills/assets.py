"""Skill assets: the active ESCO release in the warehouse, outcome-to-skill matches, skills per offer."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from pipelines.resources import WarehouseResource
from warehouse.db import scalar

SKILLS_GROUP = "skills"


@asset(
    group_name=SKILLS_GROUP,
    kinds={"duckdb"},
    description="ESCO skills of the active release (imported with `mcatlas esco import`, else the built-in "
    "v1.1.1 extract), with skill groups, broader relations and collections; every row carries the version.",
)
def esco_skills(warehouse: WarehouseResource) -> MaterializeResult:
    from models.skills.esco import load_active
    from warehouse.skills import load_release

    release = load_active()
    with warehouse.connect() as con:
        rows = load_release(con, release)
    return MaterializeResult(
        metadata={
            "rows": rows,
            "esco_version": release.version,
            "fingerprint": release.fingerprint,
            "source": release.source,
        }
    )


@asset(
    group_name=SKILLS_GROUP,
    deps=["learning_outcomes", esco_skills],
    kinds={"duckdb"},
    description="Top-10 ESCO skills per learning outcome with score, rank, method, model and ESCO version; "
    "only texts not mapped before with the same model and release are embedded. Outcomes in other languages "
    "are mapped through the source's English text, or marked not_mapped_language in outcome_skill_status.",
)
def outcome_skills(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    from models.skills import service
    from warehouse.skills import coverage_by_language, map_outcomes

    release, enc = service.release(), service.encoder()
    with warehouse.connect() as con:
        # progress lines (index build, batches of new texts) go to the run's log: terminal and Dagster UI
        summary = map_outcomes(
            con,
            release,
            enc.model_id,
            lambda: service.matcher(release, enc, progress=context.log.info),
            progress=context.log.info,
        )
        coverage = coverage_by_language(con)
        summary["match_rows"] = scalar(con, "select count(*) from outcome_skills")
    context.log.info(
        f"mapped {summary['outcomes']} outcomes: {summary['texts_embedded']} embedded, "
        f"{summary['texts_from_cache']} from cache, {summary['texts_invalid']} invalid"
    )
    return MaterializeResult(
        metadata={
            "rows": summary["match_rows"],
            "outcomes": summary["outcomes"],
            "texts_embedded": summary["texts_embedded"],
            "texts_from_cache": summary["texts_from_cache"],
            "model": summary["model"],
            "esco_version": summary["esco_version"],
            "method": summary["method"],
            "threshold": summary["threshold"],
            "coverage_by_language": MetadataValue.json(coverage),
        }
    )


@asset(
    group_name=SKILLS_GROUP,
    deps=[outcome_skills],
    kinds={"duckdb"},
    description="Accepted skills per offer (source, source_id): outcomes naming it, best and mean score; "
    "analysts' rejections removed and acceptances kept.",
)
def offer_skills(warehouse: WarehouseResource) -> MaterializeResult:
    from warehouse.skills import ensure_tables, ensure_views

    with warehouse.connect() as con:
        ensure_tables(con)
        ensure_views(con)
        rows = scalar(con, "select count(*) from offer_skills")
        offers = scalar(con, "select count(distinct (source, source_id)) from offer_skills")
    return MaterializeResult(metadata={"rows": rows, "offers_with_skills": offers})


skills_assets = [esco_skills, outcome_skills, offer_skills]
