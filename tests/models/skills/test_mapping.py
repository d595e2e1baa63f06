import json
import re

import duckdb
import pytest
from click.testing import CliRunner
from dagster import DagsterInstance, materialize

from models.skills import service
from pipelines.commands.skills import skills as skills_cli
from tests.models.skills.conftest import OUTCOMES_DDL, uri_of
from warehouse.skills import coverage_by_language, load_release, map_outcomes

OUTCOMES = [
    ("o1", "dtu", "1", 0, "Write SQL queries to analyse data", "en", None),
    ("o2", "dtu", "1", 1, "Analysere data med statistiske metoder", "da", "Apply statistics to analyse data"),
    ("o3", "dtu", "2", 0, "Im Team arbeiten", "de", None),
    ("o4", "x", "3", 0, "   ", "en", None),
    ("o5", "x", "3", 1, "Write SQL queries to analyse data", None, None),
]


@pytest.fixture
def con(skills_env, tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    c.execute(OUTCOMES_DDL)
    c.executemany("insert into learning_outcomes values (?, ?, ?, ?, ?, ?, ?)", OUTCOMES)
    load_release(c, service.release())
    yield c
    c.close()


def run(con, calls=None):
    rel, enc = service.release(), service.encoder()

    def factory():
        if calls is not None:
            calls.append(1)
        return service.matcher(rel, enc)

    return map_outcomes(con, rel, enc.model_id, factory)


def test_mapping_fills_tables_with_model_and_version_and_handles_languages(con):
    summary = run(con)
    assert summary["texts_embedded"] == 2 and summary["texts_invalid"] == 1  # o1 = o5 embedded once
    rows = con.execute(
        "select outcome_id, rank, method, model, esco_version, mapped_from from outcome_skills "
        "order by outcome_id, rank"
    ).fetchall()
    assert {r[0] for r in rows} == {"o1", "o2", "o5"}
    assert {(r[2], r[3], r[4]) for r in rows} == {(summary["method"], service.encoder().model_id, "v1.1.1")}
    assert [r[1] for r in rows if r[0] == "o1"] == list(range(1, 11))
    assert {r[5] for r in rows if r[0] == "o2"} == {"text_en"}
    status = dict(con.execute("select outcome_id, status from outcome_skill_status").fetchall())
    assert status == {"o1": "mapped", "o2": "mapped", "o3": "not_mapped_language", "o4": "invalid", "o5": "mapped"}
    cov = {c["lang"]: c for c in coverage_by_language(con)}
    assert cov["de"]["not_mapped_language"] == 1 and cov["da"]["via_english_text"] == 1
    top = con.execute("select skill_uri from outcome_skills where outcome_id = 'o1' and rank = 1").fetchone()[0]
    assert top in {uri_of(service.release(), "SQL"), uri_of(service.release(), "perform data analysis")}
    offers = con.execute("select source, source_id, esco_version from offer_skills").fetchall()
    assert offers and {o[2] for o in offers} == {"v1.1.1"}


def test_rerun_embeds_only_new_texts(con):
    run(con)
    calls: list[int] = []
    again = run(con, calls)
    assert again["texts_embedded"] == 0 and calls == []  # warm: no model, no index
    con.execute("insert into learning_outcomes values ('o6', 'x', '4', 0, 'Teach mathematics to pupils', 'en', null)")
    third = run(con, calls)
    assert third["texts_embedded"] == 1 and calls == [1]


def test_cache_rows_of_another_model_are_not_used(con):
    rel = service.release()
    con.execute(
        "insert into skill_match_cache select sha1('Write SQL queries to analyse data'), 'other-model@1', "
        "?, ?, 'ctxphrase-v1', 1, ?, 0.99, null",
        [rel.version, rel.fingerprint, uri_of(rel, "manage budgets")],
    )
    summary = run(con)
    assert summary["texts_embedded"] == 2
    assert (
        con.execute(
            "select count(*) from outcome_skills where skill_uri = ? and outcome_id = 'o1'",
            [uri_of(rel, "manage budgets")],
        ).fetchone()[0]
        == 0
    )


def test_analyst_decisions_survive_remapping(con):
    run(con)
    rel = service.release()
    top = con.execute("select skill_uri from outcome_skills where outcome_id = 'o1' and rank = 1").fetchone()[0]
    budget = uri_of(rel, "manage budgets")
    con.execute(
        "insert into skill_decisions (outcome_id, skill_uri, decision, analyst) values "
        "('o1', ?, 'rejected', 'ana'), ('o1', ?, 'accepted', 'ana')",
        [top, budget],
    )
    for _ in range(2):
        run(con)
        got = {
            r[0]: r[1:]
            for r in con.execute(
                "select skill_uri, accepted, decision, rank from outcome_skills where outcome_id = 'o1'"
            ).fetchall()
        }
        assert got[top] == (False, "rejected", 1)
        assert got[budget][:2] == (True, "accepted")
        offer = {
            r[0]
            for r in con.execute(
                "select skill_uri from offer_skills where source = 'dtu' and source_id = '1'"
            ).fetchall()
        }
        assert budget in offer
        assert top not in offer or top in _other_outcome_skills(con)
    assert con.execute("select count(*) from skill_decisions").fetchone()[0] == 2


def _other_outcome_skills(con):
    return {
        r[0]
        for r in con.execute("select skill_uri from outcome_skills where outcome_id = 'o2' and accepted").fetchall()
    }


def test_rank_cli_contract(skills_env):
    res = CliRunner().invoke(
        skills_cli, ["rank", "--top-k", "3"], input=b"Write SQL queries\n\nteamwork\n\xff\xfe binary\n"
    )
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == 4
    assert lines[0]["text"] == "Write SQL queries" and len(lines[0]["skills"]) == 3
    assert set(lines[0]["skills"][0]) == {"uri", "label", "score"}
    scores = [s["score"] for s in lines[0]["skills"]]
    assert scores == sorted(scores, reverse=True)
    assert lines[1]["skills"] == [] and lines[1]["error"] == "empty outcome"
    assert lines[2]["skills"][0]["label"] == "work in teams" and "one word" in lines[2]["note"]
    assert lines[3]["skills"] == [] and "UTF-8" in lines[3]["error"]
    assert "line 2: empty outcome" in res.stderr


def test_rank_cli_with_nothing_to_rank_exits_2(skills_env):
    res = CliRunner().invoke(skills_cli, ["rank"], input="")
    assert res.exit_code == 2 and "no input" in res.stderr and "Traceback" not in res.output
    res = CliRunner().invoke(skills_cli, ["rank"], input="\n  \n")
    assert res.exit_code == 2


def test_eval_cli_reports_three_metrics_per_file(skills_env, tmp_path):
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "a_annotations.csv").write_text(
        "sentence,span,sub_span,label\n"
        "Experience with SQL,SQL,,SQL\n"
        "Experience with SQL,experience,,UNDERSPECIFIED\n"
        "Good teamwork,teamwork,,work in teams\n"
        "Nothing here,nothing,,LABEL NOT PRESENT\n",
        encoding="utf-8",
    )
    (bench / "b_annotations.csv").write_text(
        "sentence,label\nTeach maths to children,teach mathematics\n", encoding="utf-8"
    )
    res = CliRunner().invoke(skills_cli, ["eval", str(bench), "--json"])
    assert res.exit_code == 0, res.output
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert [o["file"] for o in out] == ["a_annotations.csv", "b_annotations.csv"]
    assert out[0]["sentences"] == 2 and out[1]["sentences"] == 1
    assert out[0]["rp@5"] == 1.0 and out[0]["mrr"] >= 0.5
    for o in out:
        assert {"rp@5", "rp@10", "mrr", "esco_version", "model", "method"} <= set(o)
    missing = CliRunner().invoke(skills_cli, ["eval", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "not a folder" in missing.stderr


def test_metrics_follow_the_benchmark_definition():
    from models.skills.evaluate import BenchSentence, metrics

    items = [BenchSentence("s", {"a", "b"}, set()), BenchSentence("t", {"c"}, {"unknown label"})]
    m = metrics([["x", "a", "y", "z", "w", "b"], ["c"]], items)
    # RP@5: 1/min(5,2) = 0.5 and 1/2 = 0.5; RP@10: 2/2 = 1 and 0.5; MRR: 1/2 and 1
    assert m == {"sentences": 2, "rp@5": 0.5, "rp@10": 0.75, "mrr": 0.75}


def test_dagster_assets_materialise_and_checks_pass(skills_env, tmp_path):
    from pipelines.defs.skills import asset_checks, assets
    from pipelines.resources import WarehouseResource

    db = tmp_path / "dag.duckdb"
    c = duckdb.connect(str(db))
    c.execute(OUTCOMES_DDL)
    c.executemany("insert into learning_outcomes values (?, ?, ?, ?, ?, ?, ?)", OUTCOMES)
    c.close()
    instance = DagsterInstance.ephemeral()
    result = materialize(
        [*assets, *asset_checks], resources={"warehouse": WarehouseResource(path=str(db))}, instance=instance
    )
    assert result.success
    evals = result.get_asset_check_evaluations()
    assert evals and all(e.passed for e in evals)
    # progress of the embedding reaches the run's log (the terminal and the Dagster UI), with its rate
    logged = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any(re.search(r"mapped \d+/\d+ new outcome texts \(\d+ s, [\d,]+/s, ", m) for m in logged), logged
    c = duckdb.connect(str(db))
    assert c.execute("select count(distinct outcome_id) from outcome_skills").fetchone()[0] == 3
    assert c.execute("select count(*) from esco_skills").fetchone()[0] == len(service.release().skills)
