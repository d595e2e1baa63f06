"""Checks on the quality marts: keys unique and not null, scores in range, unknown never reported as false."""


from dagster import AssetCheckResult, asset_check

from pipelines.defs.quality.assets import cluster_best, euroteq_eligibility, offer_clusters, offer_completeness
from pipelines.defs.warehouse.checks import key_check
from pipelines.resources import WarehouseResource


@asset_check(asset=offer_completeness, name="completeness_score_in_range", blocking=True,
             description="Every offer has a completeness score between 0 and 1 and one row per current offer.")
def completeness_score_in_range(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        bad = con.execute("select count(*) from offer_completeness where completeness_score not between 0 and 1 "
                          "or completeness_score is null").fetchone()[0]
        missing = con.execute("select count(*) from offers anti join offer_completeness using (source, source_id)"
                              ).fetchone()[0]
    return AssetCheckResult(passed=bad == 0 and missing == 0, metadata={"out_of_range": bad, "missing": missing})


@asset_check(asset=euroteq_eligibility, name="euroteq_unknown_is_never_false", blocking=True,
             description="A rule is false only with data that decides it: no false result for an offer lacking the "
                         "language, form of participation or ECTS the rule needs; every result has a reason.")
def euroteq_unknown_is_never_false(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        wrong = con.execute("""
            select count(*) from euroteq_eligibility e join offers o using (source, source_id)
            where e.result = false and (
                (e.rule = 'taught_in_english' and coalesce(len(o.languages), 0) = 0)
                or (e.rule = 'online_hybrid_or_blended' and o.participation_form is null)
                or (e.rule = 'ects_2_to_10' and o.ects is null)
                or e.rule in ('two_or_more_course_elements', 'intercultural_interdisciplinary_or_entrepreneurial'))
        """).fetchone()[0]
        no_reason = con.execute("select count(*) from euroteq_eligibility where reason is null").fetchone()[0]
    return AssetCheckResult(passed=wrong == 0 and no_reason == 0,
                            metadata={"false_without_data": wrong, "without_reason": no_reason})


@asset_check(asset=offer_clusters, name="every_offer_in_one_cluster", blocking=True,
             description="Each current offer belongs to exactly one cluster, and cluster sizes match their members.")
def every_offer_in_one_cluster(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        missing = con.execute("select count(*) from offers anti join offer_clusters using (source, source_id)"
                              ).fetchone()[0]
        wrong_size = con.execute(
            "select count(*) from (select cluster_id, any_value(cluster_size) s, count(*) n from offer_clusters "
            "group by 1) where s <> n").fetchone()[0]
    return AssetCheckResult(passed=missing == 0 and wrong_size == 0,
                            metadata={"offers_without_cluster": missing, "clusters_with_wrong_size": wrong_size})


asset_checks = [
    key_check(offer_completeness, "offer_completeness", ["source", "source_id"]),
    key_check(euroteq_eligibility, "euroteq_eligibility", ["source", "source_id", "rule"]),
    key_check(offer_clusters, "offer_clusters", ["source", "source_id"]),
    key_check(cluster_best, "cluster_best", ["cluster_id"]),
    completeness_score_in_range,
    euroteq_unknown_is_never_false,
    every_offer_in_one_cluster,
]
