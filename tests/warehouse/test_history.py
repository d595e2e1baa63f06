"""History: versions with validity intervals, withdrawal only on complete harvests, `offers_as_of`."""

from pathlib import Path

import pytest

from scrapers.landing import LandingRun, record_hash
from warehouse import db

PROV = {"fetched_at": "2026-01-01T00:00:00+00:00", "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}


def land(root: Path, run_id: str, titles: dict[str, str], status: str = "ok") -> None:
    run = LandingRun(root, "demo", run_id)
    for sid, title in titles.items():
        rec = {
            "schema_version": "1.0.0",
            "source": "demo",
            "source_id": sid,
            "title": title,
            "learning_outcomes": [{"text": f"outcome of {title}"}],
            "provenance": PROV,
        }
        run.write_offer({**rec, "record_hash": record_hash(rec)})
    run.finish({"offers/valid": len(titles)}, status)


@pytest.fixture
def warehouse(tmp_path: Path):
    root = tmp_path / "landing"

    def step(run_id: str, titles: dict[str, str], status: str = "ok") -> dict:
        land(root, run_id, titles, status)
        with db.connect(tmp_path / "w.duckdb") as con:
            db.load_landing(con, root, ["demo"])
            db.build_core(con)
            rows = con.execute("select source_id, title, status from offers order by 1").fetchall()
        return {sid: (title, status) for sid, title, status in rows}

    step.path = tmp_path / "w.duckdb"
    return step


def ten(prefix: str = "Course") -> dict[str, str]:
    return {f"c{i}": f"{prefix} {i}" for i in range(10)}


def test_disappearing_listing_is_withdrawn_not_deleted(warehouse):
    warehouse("20260101T000000Z", ten())
    after = warehouse("20260201T000000Z", {k: v for k, v in ten().items() if k != "c3"})
    assert after["c3"] == ("Course 3", "withdrawn")
    assert sum(1 for _, s in after.values() if s == "active") == 9


def test_partial_or_collapsed_harvests_withdraw_nothing(warehouse):
    warehouse("20260101T000000Z", ten())
    partial = warehouse("20260201T000000Z", {"c0": "Course 0"}, status="partial")
    assert all(s == "active" for _, s in partial.values())
    collapsed = warehouse("20260301T000000Z", {"c0": "Course 0", "c1": "Course 1"})
    assert all(s == "active" for _, s in collapsed.values()), "a run with 2 of 10 offers must not withdraw 8"
    failed = warehouse("20260401T000000Z", {}, status="failed")
    assert len(failed) == 10 and all(s == "active" for _, s in failed.values())


def test_changed_listing_gets_a_new_version_and_the_past_can_be_asked(warehouse):
    warehouse("20260101T000000Z", ten())
    now = warehouse("20260301T000000Z", {**ten(), "c0": "Course 0, revised"})
    assert now["c0"] == ("Course 0, revised", "active")
    with db.connect(warehouse.path, read_only=True) as con:
        then = con.execute("select title from offers_as_of(timestamp '2026-02-01') where source_id = 'c0'").fetchall()
        versions = con.execute(
            "select version_no, valid_to is null from offer_versions where source_id = 'c0' order by 1"
        ).fetchall()
        outcomes = con.execute("select text from learning_outcomes where source_id = 'c0'").fetchall()
    assert then == [("Course 0",)]
    assert versions == [(1, False), (2, True)]
    assert outcomes == [("outcome of Course 0, revised",)]


def test_withdrawn_listing_that_returns_is_active_again(warehouse):
    warehouse("20260101T000000Z", ten())
    warehouse("20260201T000000Z", {k: v for k, v in ten().items() if k != "c3"})
    back = warehouse("20260301T000000Z", ten())
    assert back["c3"] == ("Course 3", "active")
