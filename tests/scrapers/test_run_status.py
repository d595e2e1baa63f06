"""A harvest is `ok` only when every page parsed and every item went through the pipelines.

A parser that crashes (not a ParseError), an item pipeline that raises, or a callback that fails must make the run
`partial` (or `failed` when nothing valid came through), land the page's URL with a one-line reason, and a partial
run must never withdraw the offers the failed page carried.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import yaml

from scrapers.landing import LandingRun, record_hash
from scrapers.registry import REGISTRY_PATH
from warehouse import db

VND = "application/vnd.api+json"

# A test parser: the MOOChub parser, except that marked bodies make it (or what it returns) misbehave.
CRASHY = textwrap.dedent('''
    from scrapers.parsers import moochub
    from scrapers.parsers.base import Page, Reject


    class Explodes:
        """A value no serialiser can write: an item carrying it fails inside the item pipelines."""

        def __str__(self) -> str:
            raise RuntimeError("cannot be written")

        __repr__ = __str__


    def parse(body: bytes, url: str) -> Page:
        if b"CRASH" in body:
            raise KeyError("attributes")
        page = moochub.parse(body, url)
        if b"BAD_ITEM" in body:
            page.items[0]["extras"] = {"bad": Explodes()}
        if b"BAD_REJECT" in body:
            page.rejects.append(Reject("moochub", "x", None))  # a reason that is not text: the callback fails
        return page
''')


def mooc(cid: str, name: str) -> dict[str, Any]:
    return {
        "id": cid,
        "type": "courses",
        "attributes": {
            "name": name,
            "url": f"https://mooc.example/courses/{cid}",
            "publisher": {"name": "Example Uni"},
            "inLanguage": ["en"],
            "description": f"{name}: a course about testing harvests.",
        },
    }


def page_body(courses: list[dict[str, Any]], nxt: str | None = None, marker: str = "") -> bytes:
    doc: dict[str, Any] = {"data": courses, "links": {"next": nxt} if nxt else {}}
    if marker:
        doc["meta"] = {"marker": marker}
    return json.dumps(doc).encode()


def crashy_env(tmp_path: Path) -> dict[str, str]:
    """A registry whose `moochub` entry uses the crashing test parser (importable from tmp_path)."""
    (tmp_path / "crashy_parser.py").write_text(CRASHY)
    entries = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))
    rows = entries["sources"] if isinstance(entries, dict) else entries
    row = next(r for r in rows if r["name"] == "moochub")
    row["parser"] = "crashy_parser:parse"
    registry = tmp_path / "registry.yaml"
    registry.write_text(yaml.safe_dump({"sources": [row]} if isinstance(entries, dict) else [row]))
    return {"MCATLAS_REGISTRY": str(registry), "PYTHONPATH": str(tmp_path)}


def two_pages(server: Any, second: bytes) -> str:
    first = page_body([mooc("m1", "Kept one"), mooc("m2", "Kept two")], server.url + "/courses?page=2")
    server.raw("/courses", first, ctype=VND)
    server.raw("/courses?page=2", second, ctype=VND)
    return server.url + "/courses"


def test_a_parser_crash_makes_the_run_partial_and_lands_the_page(server, crawl_live, tmp_path):
    url = two_pages(server, page_body([mooc("m3", "Lost")], marker="CRASH"))
    run = crawl_live("moochub", [url], env=crashy_env(tmp_path))
    assert run["summary"]["status"] == "partial"
    assert run["stats"]["errors/parser_exception/KeyError"] == 1
    assert sorted(o["title"] for o in run["offers"]) == ["Kept one", "Kept two"]
    crash = [r for r in run["rejects"] if r["reason"].startswith("parser failed: KeyError")]
    assert len(crash) == 1 and crash[0]["url"] == server.url + "/courses?page=2" and "\n" not in crash[0]["reason"]


def test_a_run_whose_only_page_crashes_is_failed_not_empty(server, crawl_live, tmp_path):
    server.raw("/courses", page_body([mooc("m1", "Lost")], marker="CRASH"), ctype=VND)
    run = crawl_live("moochub", [server.url + "/courses"], env=crashy_env(tmp_path))
    assert run["summary"]["status"] == "failed" and run["offers"] == []


def test_an_item_pipeline_exception_is_counted_and_landed(server, crawl_live, tmp_path):
    url = two_pages(server, page_body([mooc("m3", "Breaks a pipeline")], marker="BAD_ITEM"))
    run = crawl_live("moochub", [url], env=crashy_env(tmp_path))
    assert run["summary"]["status"] == "partial"
    assert any(k.startswith("errors/item_pipeline/") for k in run["stats"])
    bad = [r for r in run["rejects"] if r["reason"].startswith("item pipeline failed:")]
    assert len(bad) == 1 and bad[0]["source_id"] == "m3" and bad[0]["url"] == server.url + "/courses?page=2"


def test_a_callback_exception_is_counted(server, crawl_live, tmp_path):
    url = two_pages(server, page_body([mooc("m3", "Three")], marker="BAD_REJECT"))
    run = crawl_live("moochub", [url], env=crashy_env(tmp_path))
    assert run["stats"].get("spider_exceptions/AttributeError") == 1
    assert run["summary"]["status"] == "partial"
    assert any(r["reason"].startswith("callback failed: AttributeError") for r in run["rejects"])


def test_a_run_with_a_crashed_page_withdraws_nothing(server, crawl_live, tmp_path):
    """Through crawl -> loader -> build: the offer only the crashed page carried stays active."""
    env = crashy_env(tmp_path)
    good_second = page_body([mooc("m3", "Only on page two")])
    url = two_pages(server, good_second)
    first = crawl_live("moochub", [url], env=env)
    assert first["summary"]["status"] == "ok" and len(first["offers"]) == 3
    server.raw("/courses?page=2", page_body([mooc("m3", "Only on page two")], marker="CRASH"), ctype=VND)
    second = crawl_live("moochub", [url], env=env)
    assert second["summary"]["status"] == "partial" and len(second["offers"]) == 2
    with db.connect(tmp_path / "w.duckdb") as con:
        db.load_landing(con, tmp_path / "landing", ["moochub"])
        db.build_core(con)
        rows = dict(con.execute("select source_id, status from offers").fetchall())
    assert rows == {"m1": "active", "m2": "active", "m3": "active"}


def _land(root: Path, run_id: str, ids: list[str], status: str, stats: dict[str, Any]) -> None:
    prov = {"fetched_at": "2026-01-01T00:00:00+00:00", "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}
    run = LandingRun(root, "demo", run_id)
    for sid in ids:
        rec = {
            "schema_version": "1.0.0",
            "source": "demo",
            "source_id": sid,
            "title": f"Course {sid}",
            "learning_outcomes": [{"text": f"outcome {sid}"}],
            "provenance": prov,
        }
        run.write_offer({**rec, "record_hash": record_hash(rec)})
    run.finish({"offers/valid": len(ids), **stats}, status)


def test_an_ok_marker_with_recorded_failures_withdraws_nothing(tmp_path):
    """Runs landed before this rule (status `ok` despite spider exceptions in their stats) may not withdraw."""
    root = tmp_path / "landing"
    _land(root, "20260101T000000Z", ["a", "b", "c"], "ok", {})
    _land(
        root,
        "20260201T000000Z",
        ["a", "b"],
        "ok",
        {"spider_exceptions/RecursionError": 1, "spider_exceptions/count": 1},
    )
    with db.connect(tmp_path / "w.duckdb") as con:
        db.load_landing(con, root, ["demo"])
        db.build_core(con)
        rows = dict(con.execute("select source_id, status from offers").fetchall())
        complete = con.execute("select run_id, is_complete from int_harvest_runs order by 1").fetchall()
    assert rows == {"a": "active", "b": "active", "c": "active"}
    assert complete == [("20260101T000000Z", True), ("20260201T000000Z", False)]
