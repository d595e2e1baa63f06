"""`mcatlas parse FILE` gives the offers a crawl replaying FILE lands, item_defaults included.

A feeds spider fills each item's country and alliance from the registry entry (`item_defaults`) where the feed
states none; `parse` prepares its items with the same function (`scrapers/spiders/base.py:source_item`), so a
recorded file parsed offline and the same file replayed by a crawl give the same records (provenance aside).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from scrapers.registry import REGISTRY_PATH
from scrapers.spiders.base import source_item
from scrapers.spiders.feeds import FeedSpider
from tests.scrapers.conftest import REPO, SNAPSHOT

FEED = SNAPSHOT / "xcri_cap_ou" / "courses.xml"


def _registry(tmp_path: Path) -> Path:
    """The bundled registry plus `xcri_test`: the OU feed entry with another country and an alliance, so the
    defaults differ from anything the feed or its provider's domain could give."""
    data = yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))
    entry = next(s for s in data["sources"] if s["name"] == "xcri_cap_ou")
    data["sources"].append({**entry, "name": "xcri_test", "country": "DE", "alliance": "EuroTeQ"})
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _cli(*args: str, registry: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MCATLAS_REGISTRY": str(registry), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], cwd=REPO, capture_output=True, text=True, timeout=120, env=env
    )


def _records(lines: list[str]) -> dict[str, dict[str, Any]]:
    return {r["source_id"]: {k: v for k, v in r.items() if k != "provenance"} for r in map(json.loads, lines)}


@pytest.mark.parametrize("source", ["xcri_cap_ou", "xcri_test"])
def test_parse_gives_the_offers_a_crawl_of_the_same_file_lands(tmp_path: Path, source: str) -> None:
    registry = _registry(tmp_path)
    crawl = _cli(
        "crawl",
        source,
        "--landing-dir",
        str(tmp_path / "landing"),
        "--replay-dir",
        str(FEED.parent),
        "-s",
        "LOG_LEVEL=WARNING",
        registry=registry,
    )
    summary = json.loads(crawl.stdout.strip().splitlines()[-1])
    assert summary["status"] == "ok", crawl.stderr
    crawled = _records((Path(summary["dir"]) / "offers.jsonl").read_text().splitlines())
    parse = _cli("parse", source, str(FEED), registry=registry)
    assert parse.returncode == 0, parse.stderr
    parsed = _records(parse.stdout.splitlines())
    assert parsed and parsed == crawled  # every field, explanations and input hash included
    expected = ("DE", ["EuroTeQ"]) if source == "xcri_test" else ("GB", [])
    assert {(r["country"], tuple(r["alliances"])) for r in parsed.values()} == {(expected[0], tuple(expected[1]))}
    rules = {e["rule"] for r in parsed.values() for e in r["explanations"] if e["field"] == "country"}
    assert rules == {"country.given"}  # the registry's country, not a guess from the provider's domain


def test_defaults_fill_only_what_the_parser_left_out_and_are_not_shared() -> None:
    from scrapers.registry import get_source

    defaults = FeedSpider.item_defaults(get_source("xcri_cap_ou").model_copy(update={"alliance": "EuroTeQ"}))
    assert defaults == {"country": "GB", "alliances": ["EuroTeQ"]}
    stated = source_item({"country": None, "alliances": ["Una Europa"]}, "s", {"mode": "file"}, defaults)
    assert (stated["country"], stated["alliances"]) == (None, ["Una Europa"])  # stated (even as null) wins
    one, two = (source_item({}, "s", {}, defaults) for _ in range(2))
    assert one["alliances"] == two["alliances"] == ["EuroTeQ"] and one["alliances"] is not two["alliances"]
    assert (one["source"], one["provenance"]) == ("s", {})
