"""Checks on the quality marts that dbt tests do not express: completeness not regressing, unknown never reported
as false, every offer in one cluster, scores for every offer. Keys of the dbt marts are dbt tests (schema files)."""

import duckdb
from dagster import AssetCheckResult, AssetKey, asset_check

from pipelines.defs.quality.assets import offer_clusters
from pipelines.defs.warehouse.checks import key_check
from pipelines.resources import WarehouseResource
from warehouse.db import scalar


@asset_check(
    asset=AssetKey("offer_completeness"),
    name="completeness_score_in_range",
    blocking=True,
    description="Every offer has a completeness score between 0 and 1 and one row per current offer.",
)
def completeness_score_in_range(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = scalar(
            con,
            "select count(*) from offer_completeness where completeness_score not between 0 and 1 "
            "or completeness_score is null",
        )
        missing = scalar(con, "select count(*) from offers anti join offer_completeness using (source, source_id)")
    return AssetCheckResult(passed=bad == 0 and missing == 0, metadata={"out_of_range": bad, "missing": missing})


# A source's share of offers carrying an element (or its average score) may fall by this much between two builds
# before the check fails: listings come and go, a lost element across a source is a parser or source problem.
COMPLETENESS_TOLERANCE = 0.05


def completeness_regressions(
    con: duckdb.DuckDBPyConnection, tolerance: float = COMPLETENESS_TOLERANCE
) -> dict[str, str]:
    """'source/element' -> 'previous -> latest' for every share that fell by more than `tolerance` between the
    last two builds of offer_completeness (completeness_history)."""
    rows = con.execute(
        """
        with builds as (
            select distinct measured_at from completeness_history order by measured_at desc limit 2
        ),
        latest as (select * from completeness_history where measured_at = (select max(measured_at) from builds)),
        previous as (select * from completeness_history where measured_at = (select min(measured_at) from builds))
        select l.source, l.element, p.share, l.share
        from latest l
        join previous p using (source, element)
        where (select count(*) from builds) = 2 and l.share < p.share - ?
        order by l.source, l.element
    """,
        [tolerance],
    ).fetchall()
    return {f"{source}/{element}": f"{before:.3f} -> {after:.3f}" for source, element, before, after in rows}


@asset_check(
    asset=AssetKey("offer_completeness"),
    name="completeness_not_regressing",
    blocking=False,
    description="No source's share of offers carrying an EU standard element (nor its average score) fell by "
    f"more than {COMPLETENESS_TOLERANCE:g} since the previous build.",
)
def completeness_not_regressing(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        regressed = completeness_regressions(con)
        builds = scalar(con, "select count(distinct measured_at) from completeness_history")
    return AssetCheckResult(
        passed=not regressed,
        metadata={"regressions": regressed, "builds_recorded": builds, "tolerance": COMPLETENESS_TOLERANCE},
    )


@asset_check(
    asset=AssetKey("euroteq_eligibility"),
    name="euroteq_unknown_is_never_false",
    blocking=True,
    description="A rule is false only with data that decides it: no false result for an offer lacking the "
    "language, form of participation or ECTS the rule needs; every result has a reason.",
)
def euroteq_unknown_is_never_false(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        wrong = scalar(
            con,
            """
            select count(*) from euroteq_eligibility e join offers o using (source, source_id)
            where e.result = false and (
                (e.rule = 'taught_in_english' and coalesce(len(o.languages), 0) = 0)
                or (e.rule = 'online_hybrid_or_blended' and o.participation_form is null)
                or (e.rule = 'ects_2_to_10' and o.ects is null)
                or e.rule in ('two_or_more_course_elements', 'intercultural_interdisciplinary_or_entrepreneurial'))
        """,
        )
        no_reason = scalar(con, "select count(*) from euroteq_eligibility where reason is null")
    return AssetCheckResult(
        passed=wrong == 0 and no_reason == 0, metadata={"false_without_data": wrong, "without_reason": no_reason}
    )


@asset_check(
    asset=offer_clusters,
    name="every_offer_in_one_cluster",
    blocking=True,
    description="Each current offer belongs to exactly one cluster, and cluster sizes match their members.",
)
def every_offer_in_one_cluster(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        missing = scalar(con, "select count(*) from offers anti join offer_clusters using (source, source_id)")
        wrong_size = scalar(
            con,
            "select count(*) from (select cluster_id, any_value(cluster_size) s, count(*) n from offer_clusters "
            "group by 1) where s <> n",
        )
    return AssetCheckResult(
        passed=missing == 0 and wrong_size == 0,
        metadata={"offers_without_cluster": missing, "clusters_with_wrong_size": wrong_size},
    )


asset_checks = [
    key_check(offer_clusters, "offer_clusters", ["source", "source_id"]),
    completeness_score_in_range,
    completeness_not_regressing,
    euroteq_unknown_is_never_false,
    every_offer_in_one_cluster,
]
