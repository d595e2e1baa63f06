"""One item chain (scrapers/chain.py) for crawls, `mcatlas parse`, the tests and the benchmark.

`mcatlas parse` prints exactly the lines a crawl lands for the same response (reuse included on a second crawl),
and rejects and counters go through the chain's one reject path (tests/test_layers.py: `models` imports nothing
of `scrapers`).
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from click.testing import CliRunner

from scrapers import settings
from scrapers.chain import ItemChain, Tally
from scrapers.landing import LandingRun
from tests.scrapers.conftest import PROV, SNAPSHOT, snapshot_crawl

COURSES = ("02950", "02951", "41998", "41999")


def _without_provenance(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "provenance"}


def test_crawls_run_the_one_chain_pipeline() -> None:
    assert settings.ITEM_PIPELINES == {"scrapers.pipelines.item_chain.ItemChainPipeline": 100}


def test_parse_prints_what_a_crawl_lands_and_a_second_crawl_reuses_it(tmp_path: Path) -> None:
    from pipelines.cli import main

    first = snapshot_crawl("dtu", tmp_path)
    second = snapshot_crawl("dtu", tmp_path)
    assert first["stats"].get("normalise/reused", 0) == 0
    assert second["stats"]["normalise/reused"] == second["stats"]["offers/valid"] == len(COURSES)
    assert second["stats"].get("normalise/normalised", 0) == 0
    crawled = {o["source_id"]: o for o in first["offers"]}
    reused = {o["source_id"]: o for o in second["offers"]}
    for code in COURSES:
        result = CliRunner().invoke(main, ["parse", "dtu", str(SNAPSHOT / "dtu" / f"course_{code}.xml")])
        assert result.exit_code == 0, result.output
        lines = result.stdout_bytes.splitlines()
        assert len(lines) == 1
        parsed = orjson.loads(lines[0])
        assert parsed["record_hash"] == crawled[code]["record_hash"] == reused[code]["record_hash"]
        assert parsed["input_hash"] == crawled[code]["input_hash"]
        assert _without_provenance(parsed) == _without_provenance(crawled[code]) == _without_provenance(reused[code])
        assert parsed["provenance"]["mode"] == "file"


def test_item_and_parser_rejects_are_counted_and_landed_alike(tmp_path: Path) -> None:
    landing = LandingRun(tmp_path, "t", "20260101T000000000000Z")
    stats = Tally()
    chain = ItemChain(stats, landing)
    chain.reject("p1", "source_id: duplicate course code in one response", {"x": 1}, url="https://e.org/p")
    bad = chain({"source": "t", "source_id": "i1", "title": "", "provenance": PROV})
    good = chain({"source": "t", "source_id": "i2", "title": "Kept", "provenance": PROV})
    again = chain({"source": "t", "source_id": "i2", "title": "Kept", "provenance": PROV})
    landing.finish(dict(stats), "ok")
    assert bad.reason == "title: missing" and good.line is not None and again.line is None
    assert stats["rejects/source_id"] == 1 and stats["rejects/title"] == 1
    # the rejected item was normalised too (validation refused it): only reuse skips normalisation
    assert stats["offers/valid"] == 2 and stats["offers/duplicate_in_run"] == 1 and stats["normalise/normalised"] == 3
    rejects = [json.loads(x) for x in (landing.dir / "rejects.jsonl").read_text().splitlines()]
    assert [(r["source_id"], r["reason"].split(":")[0]) for r in rejects] == [("p1", "source_id"), ("i1", "title")]
    offers = (landing.dir / "offers.jsonl").read_bytes().splitlines()
    assert [orjson.loads(x)["source_id"] for x in offers] == ["i2"]


def test_a_failing_step_is_a_reject_and_an_error(tmp_path: Path, monkeypatch) -> None:
    import scrapers.processing as processing

    def broken(item: dict) -> dict:
        raise TypeError("boom")

    monkeypatch.setattr(processing, "normalise_item", broken)
    stats = Tally()
    outcome = ItemChain(stats)({"source": "t", "source_id": "i", "title": "T", "provenance": PROV})
    assert outcome.reason == "normalisation failed: TypeError: boom"
    assert stats["errors/normalisation_failed"] == 1 and stats["rejects/normalisation failed"] == 1
