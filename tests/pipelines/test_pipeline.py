"""End to end: real spiders replaying the bundled snapshot, real Dagster runs, a real DuckDB file."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from dagster import AssetKey, DynamicPartitionsDefinition

from pipelines.cli import main
from pipelines.definitions import defs
from pipelines.resources import CrawlerResource
from pipelines.runner import run_all
from tests.conftest import REPO
from warehouse import db


def q(sql: str, path: Path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_definitions_load_with_one_partitioned_harvest_and_key_checks():
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert not any(k.startswith("harvest_") for k in keys), "one harvest asset, not one per source"
    partitions = graph.get(AssetKey("harvest")).partitions_def
    assert isinstance(partitions, DynamicPartitionsDefinition) and partitions.name == "registry_source"
    assert {"raw_offers", "offers", "learning_outcomes"} <= keys
    checks = {c.name for c in graph.asset_check_keys}
    # dbt tests (warehouse/dbt/models/**.yml) are asset checks too
    assert {
        "unique_key_offers_source__source_id",
        "unique_learning_outcomes_outcome_id",
        "harvests_not_collapsing",
        "accepted_values_offers_status__active__withdrawn",
        "accepted_enum_offers_participation_form__participation_forms",
        "raw_offers_key_unique_not_null",
        "harvest_without_errors",
    } <= checks
    repo = defs.get_repository_def()
    assert {s.name for s in repo.schedule_defs} == {"harvest_due_sources"}
    assert {"rebuild_when_raw_data_lands", "registry_sources"} <= {s.name for s in repo.sensor_defs}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One full snapshot run, then a second one over the same input."""
    data = tmp_path_factory.mktemp("run") / "data"
    mp = pytest.MonkeyPatch()
    mp.setenv("MCATLAS_DATA_DIR", str(data))
    for var in ("MCATLAS_DB", "MCATLAS_LANDING_DIR", "MCATLAS_SNAPSHOT_DIR", "DAGSTER_HOME"):
        mp.delenv(var, raising=False)
    lines: list[str] = []
    first_ok = run_all(echo=lines.append)
    path = data / "mcatlas.duckdb"
    tables = ("offers", "learning_outcomes", "raw_offers", "rejects")
    first = {t: q(f"select count(*) from {t}", path)[0][0] for t in tables}
    second_ok = run_all(echo=lines.append)
    yield {"path": path, "first": first, "ok": (first_ok, second_ok), "lines": lines, "data": data}
    mp.undo()


def test_snapshot_run_builds_offers_from_both_sources_with_outcomes(built):
    assert built["ok"] == (True, True), "\n".join(built["lines"])
    rows = dict(q("select source, count(*) from offers where n_learning_outcomes > 0 group by 1", built["path"]))
    assert rows.get("futurelearn", 0) >= 3 and rows.get("dtu", 0) >= 3
    # programmes (FutureLearn's stackable bundles) state no outcomes of their own; every course does
    no_outcomes = q(
        "select count(*) from offers o anti join learning_outcomes using (source, source_id) "
        "where o.source = 'dtu' or (o.source = 'futurelearn' and o.source_id not like 'program:%')",
        built["path"],
    )[0][0]
    assert no_outcomes == 0


def test_second_run_over_the_same_input_changes_nothing(built):
    second = {t: q(f"select count(*) from {t}", built["path"])[0][0] for t in built["first"]}
    assert second == built["first"]
    runs = q("select source, count(*) from harvest_runs group by 1", built["path"])
    assert all(n == 2 for _, n in runs)


def test_rejected_listing_is_set_aside_with_its_reason(built):
    rows = q("select source, source_id, reason from rejects where source = 'futurelearn'", built["path"])
    assert ("futurelearn", "0c7b1f6e-1d2a-4c51-9a55-3e1f0d7a1004", "title: missing") in rows


def test_euroteq_flag_and_bilingual_outcomes_reach_the_warehouse(built):
    alliances = q("select alliances from offers where source = 'dtu' and source_id = '02950'", built["path"])
    assert alliances == [(["EuroTeQ"],)]
    danish = q(
        "select text, lang, text_en from learning_outcomes where source = 'dtu' and source_id = '02951' "
        "order by position",
        built["path"],
    )
    assert danish[0] == ("skrive enkle programmer i Python", "da", "write simple programs in Python")


def _copy_snapshot(tmp_path: Path, source: str) -> Path:
    root = tmp_path / "snapshot"
    shutil.copytree(REPO / "scrapers" / "snapshot" / source, root / source)
    return root


def test_changed_listing_updates_its_row(data_env: Path, tmp_path: Path, monkeypatch):
    landing = data_env / "landing"
    crawler = CrawlerResource()
    crawler.crawl("futurelearn")
    with db.connect() as con:
        db.load_landing(con, landing, ["futurelearn"])
        before = db.build_core(con)
    root = _copy_snapshot(tmp_path, "futurelearn")
    feed = root / "futurelearn" / "feeds_courses.json"
    courses = json.loads(feed.read_text())
    courses[0]["name"] = "Sustainable Energy Basics (2nd edition)"
    feed.write_text(json.dumps(courses))
    monkeypatch.setenv("MCATLAS_SNAPSHOT_DIR", str(root))
    crawler.crawl("futurelearn")
    with db.connect() as con:
        db.load_landing(con, landing, ["futurelearn"])
        counts = db.build_core(con)
        titles = [
            r[0] for r in con.execute("select title from offers where source_id = ?", [courses[0]["uuid"]]).fetchall()
        ]
    assert titles == ["Sustainable Energy Basics (2nd edition)"]
    assert counts["offers"] == before["offers"]


def test_a_failing_source_fails_only_its_own_asset(data_env: Path, tmp_path: Path, monkeypatch):
    root = _copy_snapshot(tmp_path, "futurelearn")
    shutil.copytree(REPO / "scrapers" / "snapshot" / "dtu", root / "dtu")
    for feed in (root / "futurelearn").glob("*.json"):
        feed.write_text('[{"uuid": "truncated"')
    monkeypatch.setenv("MCATLAS_SNAPSHOT_DIR", str(root))
    lines: list[str] = []
    ok = run_all(sources=["futurelearn", "dtu"], echo=lines.append)
    assert not ok
    assert any("futurelearn" in line and "FAILED" in line for line in lines), lines
    path = data_env / "mcatlas.duckdb"
    assert [r[0] for r in q("select distinct source from offers", path)] == ["dtu"]
    status = q("select status from harvest_runs where source = 'futurelearn'", path)
    assert status == [("failed",)]


def test_parse_command_prints_canonical_records():
    result = CliRunner().invoke(main, ["parse", "dtu", str(REPO / "scrapers/snapshot/dtu/course_02950.xml")])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.splitlines()[0])
    assert record["title"] == "Green Computing Lab" and record["ects"] == 5.0 and record["alliances"] == ["EuroTeQ"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["parse", "nosuch", "x"], "unknown source 'nosuch'"),
        (["parse", "dtu", "/nonexistent.xml"], "cannot read"),
        (["parse", "futurelearn", str(REPO / "scrapers/snapshot/dtu/course_02950.xml")], "expected JSON"),
    ],
)
def test_parse_command_bad_input_is_one_line_exit_2(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_every_table_and_column_is_in_the_data_dictionary(built):
    from warehouse.dictionary import data_dictionary, undocumented

    con = duckdb.connect(str(built["path"]), read_only=True)
    try:
        assert undocumented(con) == []
        names = {e["name"] for e in data_dictionary(con)}
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'offers' and column_name = 'ects_flag'"
        ).fetchone()[0]
        # the comments travel with the file: on dbt's relations and on the tables Python writes alike
        uncommented = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main' and comment is null "
                "and not table_name like 'fts_%' union all select view_name from duckdb_views() "
                "where schema_name = 'main' and not internal and comment is null"
            ).fetchall()
        ]
    finally:
        con.close()
    assert {"offers", "learning_outcomes", "offer_versions", "rejects", "offers_overview"} <= names
    assert comment and "estimated" in comment
    assert uncommented == []


def test_full_text_search_from_sql(built):
    from warehouse.db import load_fts

    con = duckdb.connect(str(built["path"]), read_only=True)
    try:
        load_fts(con)
        hits = con.execute("select source, source_id from search_offers('energy consumption')").fetchall()
    finally:
        con.close()
    assert ("dtu", "02950") in hits[:3]


def test_readme_example_queries_run_as_written(built):
    import re

    from warehouse.db import load_fts

    blocks = re.findall(r"```sql\n(.*?)```", (REPO / "README.md").read_text(), flags=re.S)
    assert len(blocks) >= 5
    con = duckdb.connect(str(built["path"]), read_only=True)
    try:
        load_fts(con)  # installs the extension from its wheel once; the README's `load fts` then works
        for block in blocks:
            for statement in con.extract_statements(block):
                con.execute(statement.query).fetchall()
    finally:
        con.close()


def test_every_offer_field_has_a_warehouse_column(built):
    from models.offer import Offer

    columns = {r[0] for r in q("select column_name from duckdb_columns() where table_name = 'offers'", built["path"])}
    nested = {"learning_outcomes", "provenance"}  # unnested into learning_outcomes / flattened into columns
    assert set(Offer.model_fields) - nested - columns == set()


def test_quality_marts_answer_and_link_the_same_course_in_two_sources(built):
    clusters = q(
        "select c1.source, c2.source from offer_clusters c1 join offer_clusters c2 using (cluster_id) "
        "where c1.source = 'dtu' and c1.source_id = '02950' and c2.source <> 'dtu'",
        built["path"],
    )
    assert clusters == [("dtu", "euroteq")]
    assert (
        q("select count(*) from offer_completeness", built["path"])[0][0]
        == q("select count(*) from offers", built["path"])[0][0]
    )
    assert q("select count(*) from euroteq_eligibility", built["path"])[0][0] > 0
