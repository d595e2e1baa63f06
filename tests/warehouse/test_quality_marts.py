"""Quality marts on a real DuckDB file, built by real Dagster runs of the quality assets."""

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from dagster import materialize

from pipelines.defs.quality import asset_checks, assets
from pipelines.defs.warehouse.assets import warehouse_models, warehouse_models_after_python
from pipelines.resources import WarehouseResource, dbt_resource
from scrapers.landing import LandingRun, record_hash
from scrapers.parsers import dtu
from scrapers.processing import process
from warehouse import db

PROV = {
    "fetched_at": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
    "spider": "t",
    "spider_version": "1",
    "raw_sha256": "0" * 64,
}
DTU_XML = """<?xml version="1.0" encoding="utf-8"?>
<root><CoursePublished><CourseXml><Course CourseCode="{code}" Volume="2026/2027">
<Title Lang="en-GB" Title="{title}" /><Title Lang="da-DK" Title="{title}" />
<Teaching_Language LangCode="en-GB" /><Point PointType="ECTS">5</Point>
<CBS_Programme_Level CBS_Programme_LevellKey="DTU_MSC" />
<Location Key="Campus_Lyngby" />
<Txt Lang="en-GB"><Course_Objectives>{objectives}</Course_Objectives></Txt>
<DTU_ObjectiveKeyword><Txt Lang="en-GB" Txt="Deploy machine learning models in the cloud" /></DTU_ObjectiveKeyword>
<DTU_ObjectiveKeyword><Txt Lang="en-GB" Txt="Monitor models after deployment" /></DTU_ObjectiveKeyword>
<Examination><Assessment><Pre_Def_List AssessmentKey="Eval_Of_Exercises" /></Assessment>
<Evaluation EvaluationKey="GLOB_INTERN" /></Examination>
<OfferedAsACourseOfTypes><OfferedAsACourseOfType OfferedAsACourseOfTypeKey="EuroTeQ" /></OfferedAsACourseOfTypes>
</Course></CourseXml></CoursePublished></root>"""


def land(root: Path, source: str, items: list[dict]) -> None:
    run = LandingRun(root, source, "20260101T000000000000Z")
    for item in items:
        item["source"], item["provenance"] = source, dict(PROV)
        record = process(item).model_dump(mode="json")
        record["record_hash"] = record_hash(record)
        run.write_offer(record)
    run.finish({}, "ok")


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("marts")
    landing = tmp / "landing"
    dtu_items = [
        dtu.parse(DTU_XML.format(code=code, title=title, objectives=obj).encode(), "u").items[0]
        for code, title, obj in (
            (
                "02476",
                "Machine Learning Operations",
                "Lectures, exercises and a project in groups on MLOps. An interdisciplinary course.",
            ),
            ("02456", "Deep Learning", "Lectures on deep learning."),
        )
    ]
    platform = [
        {
            "source_id": "mlops",
            "title": "Machine learning operations",
            "provider": "DTU",
            "languages": ["English"],
            "participation_form": "online",
            "workload_raw": "5 hours per week",
            "duration_raw": "6 weeks",
            "price_raw": "$49",
            "description": "Video lectures and quizzes.",
            "learning_outcomes": ["Deploy machine learning models in the cloud"],
        },
        {
            "source_id": "cooking",
            "title": "Cooking for students",
            "provider": "Some Academy",
            "languages": [],
            "participation_form": None,
        },
    ]
    land(landing, "dtu", dtu_items)
    land(landing, "futurelearn", platform)
    path = tmp / "mcatlas.duckdb"
    with db.connect(path) as con:
        db.load_landing(con, landing, ["dtu", "futurelearn"])
        db.build_core(con)
    resources = {"warehouse": WarehouseResource(path=str(path)), "dbt": dbt_resource()}
    everything = [warehouse_models, *assets, warehouse_models_after_python, *asset_checks]
    result = materialize(everything, resources=resources, raise_on_error=True)
    assert result.success
    checks = materialize(everything, resources=resources)
    assert checks.success
    return path


def q(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_completeness_per_offer_and_aggregates(warehouse_path):
    rows = dict(q(warehouse_path, "select source || ':' || source_id, completeness_score from offer_completeness"))
    assert rows["dtu:02476"] == 1.0
    assert rows["futurelearn:cooking"] < 0.5
    assert q(warehouse_path, "select count(*) from offer_completeness_by_source")[0][0] == 2
    assert q(warehouse_path, "select count(*) from offer_completeness_by_country")[0][0] >= 1
    assert q(warehouse_path, "select count(*) from offer_completeness_by_provider")[0][0] >= 2


def test_euroteq_rules_store_results_with_reasons_and_unknown_stays_null(warehouse_path):
    res = {
        (s, r): (v, why)
        for s, r, v, why in q(warehouse_path, "select source_id, rule, result, reason from euroteq_eligibility")
    }
    assert res[("02476", "taught_in_english")][0] is True
    assert res[("02476", "online_hybrid_or_blended")] == (False, "on-site (source: Campus_Lyngby)")
    assert res[("02476", "ects_2_to_10")][0] is True
    assert res[("02476", "two_or_more_course_elements")][0] is True
    assert "interdisciplinary" in res[("02476", "intercultural_interdisciplinary_or_entrepreneurial")][1]
    assert res[("cooking", "taught_in_english")] == (None, "teaching language not stated")
    assert res[("cooking", "online_hybrid_or_blended")][0] is None
    assert res[("cooking", "intercultural_interdisciplinary_or_entrepreneurial")][0] is None
    eligible = dict(q(warehouse_path, "select source_id, eligible from euroteq_eligible_offers"))
    assert eligible["02476"] is False and eligible["cooking"] is None


def test_the_same_course_in_two_sources_is_one_cluster_with_the_catalogue_as_best(warehouse_path):
    clusters = {
        sid: (cid, size, reason)
        for sid, cid, size, reason in q(
            warehouse_path, "select source_id, cluster_id, cluster_size, link_reason from offer_clusters"
        )
    }
    assert clusters["02476"][0] == clusters["mlops"][0] and clusters["mlops"][1] == 2
    assert "acronym DTU" in clusters["mlops"][2]
    assert clusters["cooking"][1] == 1 and clusters["02456"][1] == 1
    best = q(
        warehouse_path,
        f"select best_source, ects, ects_flag, price_amount, field_sources ->> 'price' "
        f"from cluster_best where cluster_id = '{clusters['02476'][0]}'",
    )[0]
    assert best[:3] == ("dtu", 5.0, "given")
    assert best[3] == 49 and best[4] == "futurelearn:mlops"


def test_normalisation_coverage_and_rules_views(warehouse_path):
    coverage = dict(q(warehouse_path, "select source, share_ects_given from normalisation_coverage"))
    assert coverage["dtu"] == 1.0
    fired = {r for (r,) in q(warehouse_path, "select distinct rule from normalisation_rules")}
    assert {"ects.given", "workload.hours_per_week_x_weeks", "ects.estimated_from_hours"} <= fired


def test_quality_checks_are_defined_for_the_marts():
    names = {spec.name for check in asset_checks for spec in check.check_specs}
    assert {
        "completeness_score_in_range",
        "euroteq_unknown_is_never_false",
        "every_offer_in_one_cluster",
        "offer_clusters_key_unique_not_null",
    } <= names


def test_completeness_history_keeps_every_build_and_a_regression_fails_its_check(warehouse_path, tmp_path):
    from pipelines.defs.quality.checks import completeness_not_regressing

    path = tmp_path / "copy.duckdb"
    path.write_bytes(warehouse_path.read_bytes())
    builds = q(path, "select count(distinct measured_at) from completeness_history")[0][0]
    assert builds == 2, "the fixture built the marts twice"
    resources = {"warehouse": WarehouseResource(path=str(path)), "dbt": dbt_resource()}

    def build_and_check() -> dict:
        # offer_completeness and the history it appends to (dbt), then the python check
        result = materialize(
            [warehouse_models, completeness_not_regressing],
            resources=resources,
            selection=["offer_completeness", "offer_completeness_by_source", "completeness_history"],
        )
        assert result.success
        (evaluation,) = [
            e for e in result.get_asset_check_evaluations() if e.check_name == "completeness_not_regressing"
        ]
        return {"passed": evaluation.passed, **{k: v.value for k, v in evaluation.metadata.items()}}

    unchanged = build_and_check()
    assert unchanged["passed"] and unchanged["regressions"] == {} and unchanged["builds_recorded"] == 3
    con = duckdb.connect(str(path))
    con.execute("update offers set eqf_level = null, eqf_flag = null where source = 'dtu'")  # a parser lost EQF
    con.close()
    regressed = build_and_check()
    assert not regressed["passed"]
    assert regressed["regressions"]["dtu/eqf_level"] == "1.000 -> 0.000"
    assert "dtu/score" in regressed["regressions"] and not any(
        k.startswith("futurelearn/") for k in regressed["regressions"]
    )
    per_build = q(
        path,
        "select measured_at, share from completeness_history where source = 'dtu' and element = 'eqf_level' order by 1",
    )
    assert [share for _, share in per_build] == [1.0, 1.0, 1.0, 0.0]
