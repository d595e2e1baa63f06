"""Reuse of records whose parsed input did not change: input hash, previous landed lines, fresh provenance."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson

from models.normalise import NORMALISER_VERSION
from models.normalise.reuse import input_hash
from scrapers.chain import ItemChain, Tally
from scrapers.landing import landed_line, record_hash
from scrapers.reuse import PreviousRecords

PROV = {
    "fetched_at": "2026-01-01T00:00:00+00:00",
    "spider": "t",
    "spider_version": "1",
    "raw_sha256": "a" * 64,
    "mode": "file",
}


def _item(**extra: object) -> dict:
    return {
        "source": "t",
        "source_id": "c1",
        "title": "Data <b>science</b>",
        "workload_raw": "4 hours per week",
        "duration_raw": "6 weeks",
        "price_raw": "€49",
        "languages": ["English"],
        "provenance": dict(PROV),
        "extras": {"z": 1, "a": [1, 2]},
        **extra,
    }


def test_input_hash_ignores_provenance_and_key_order_but_not_content() -> None:
    a = _item()
    b = dict(reversed(list(_item(provenance={**PROV, "fetched_at": "2027-01-01T00:00:00+00:00"}).items())))
    assert input_hash(a) == input_hash(b)
    assert input_hash(a) != input_hash(_item(title="Other"))
    assert len(input_hash(a)) == 64 and NORMALISER_VERSION


def test_landed_line_is_the_record_with_its_hash(tmp_path: Path) -> None:
    record = {"source": "t", "source_id": "c1", "title": "Ø", "provenance": PROV, "extras": {"b": 1, "a": 2}}
    line, digest = landed_line(record)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    decoded = orjson.loads(line)
    assert decoded["record_hash"] == digest == record_hash(record) == record_hash(decoded)
    assert {k: v for k, v in decoded.items() if k != "record_hash"} == record


def process_or_reuse(item: dict, previous: PreviousRecords | None, stats: Tally) -> tuple[bytes | None, str | None]:
    """One item through the crawl's chain (a fresh chain each time, so no source id is a duplicate)."""
    outcome = ItemChain(stats, previous=previous)(item)
    return outcome.line, outcome.reason


def test_second_pass_reuses_every_unchanged_record_with_the_new_provenance(tmp_path: Path) -> None:
    stats = Tally()
    first, reason = process_or_reuse(_item(), None, stats)
    assert reason is None and first is not None and stats["normalise/normalised"] == 1
    rec1 = orjson.loads(first)
    assert rec1["input_hash"] == input_hash(_item()) and rec1["price_currency"] == "EUR"
    path = tmp_path / "offers.jsonl"
    path.write_bytes(first)
    previous = PreviousRecords.from_offer_files([path])
    assert len(previous) == 1

    later = _item(provenance={**PROV, "fetched_at": "2027-01-01T00:00:00+00:00"})
    again, _ = process_or_reuse(copy.deepcopy(later), previous, stats)
    assert stats["normalise/reused"] == 1 and stats["normalise/normalised"] == 1
    rec2 = orjson.loads(again)
    assert rec2["provenance"]["fetched_at"] == "2027-01-01T00:00:00+00:00"
    assert rec2["record_hash"] == rec1["record_hash"] == record_hash(rec2)
    assert {k: v for k, v in rec2.items() if k != "provenance"} == {k: v for k, v in rec1.items() if k != "provenance"}

    changed, _ = process_or_reuse(_item(title="Data science II"), previous, stats)
    assert stats["normalise/normalised"] == 2 and orjson.loads(changed)["record_hash"] != rec1["record_hash"]


def test_rejects_are_not_reused_and_give_a_reason() -> None:
    stats = Tally()
    line, reason = process_or_reuse(_item(title=""), PreviousRecords(), stats)
    assert line is None and reason == "title: missing" and stats["rejects/title"] == 1


def test_previous_lines_in_the_older_spaced_format_are_read(tmp_path: Path) -> None:
    key = "f" * 64
    path = tmp_path / "offers.jsonl"
    path.write_text('{"source": "t", "input_hash": "' + key + '"}\n{"no": "hash"}\n', encoding="utf-8")
    assert PreviousRecords.from_offer_files([path]).get(key) is not None
