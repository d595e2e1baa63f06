"""A crawl whose parsed items did not change since the previous run of the source normalises nothing again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[2]


def _crawl(landing: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "crawl", "futurelearn", "--landing-dir", str(landing)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return Path(json.loads(done.stdout.strip().splitlines()[-1])["dir"])


def _offers(run: Path) -> dict[str, dict]:
    return {r["source_id"]: r for r in map(orjson.loads, (run / "offers.jsonl").read_bytes().splitlines())}


def test_second_crawl_reuses_every_landed_record(tmp_path: Path) -> None:
    first = _crawl(tmp_path)
    second = _crawl(tmp_path)
    s1 = json.loads((first / "stats.json").read_text())
    s2 = json.loads((second / "stats.json").read_text())
    valid = s1["offers/valid"]
    assert valid > 0 and s1.get("normalise/reused", 0) == 0
    assert s2["normalise/reused"] == valid == s2["offers/valid"]
    # only the item that was rejected (no landed record to reuse) goes through the chain again
    rejected = sum(v for k, v in s1.items() if k.startswith("rejects/"))
    assert s2.get("normalise/normalised", 0) == s1["normalise/normalised"] - valid == rejected
    a, b = _offers(first), _offers(second)
    assert a.keys() == b.keys()
    for sid in a:
        assert b[sid]["record_hash"] == a[sid]["record_hash"] and b[sid]["input_hash"] == a[sid]["input_hash"]
        assert {**b[sid], "provenance": None} == {**a[sid], "provenance": None}
        assert b[sid]["provenance"]["fetched_at"] != a[sid]["provenance"]["fetched_at"]  # this crawl's provenance
