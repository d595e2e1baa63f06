"""The item chain's safety: markup out of every text value wherever it sits, and size limits on every text field.

An oversized item is refused with a one-line reason naming the field and the limit, cheaply (before cleaning),
and the other items of the same batch still land.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from models.offer import MAX_LIST_ITEMS, MAX_OUTCOME_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS, offer_json_schema
from scrapers.chain import ItemChain
from scrapers.landing import LandingRun
from scrapers.pipelines.item_chain import ItemChainPipeline
from scrapers.processing import RejectItem, clean, process

PROV = {"fetched_at": datetime(2026, 1, 1, tzinfo=UTC), "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}
SCRIPT = '<script>alert("x")</script>'


def item(source_id: str = "1", **kw: Any) -> dict[str, Any]:
    return {"source": "s", "source_id": source_id, "title": "A course", "provenance": dict(PROV), **kw}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# ---- markup out of every text value -------------------------------------------------------------------------------
def test_clean_removes_markup_from_subjects_and_extras_at_any_depth() -> None:
    cleaned = clean(
        item(
            subjects=[f"{SCRIPT}Mathematics", "<b>Physics</b>", SCRIPT],
            alliances=["<i>EuroTeQ</i>"],
            runs=[{"schedule": f"<b>E1A</b>{SCRIPT}"}],
            extras={
                "descriptions": {"en": f"<p>Learn {SCRIPT}things</p>", "da": "<p>Lær &lt;script&gt;x</p>"},
                "contents": [f"<ul><li>one</li>{SCRIPT}</ul>"],
                "deep": {"a": [{"b": f"<em>x</em>{SCRIPT}"}]},
                "volume": 5,
            },
        )
    )
    assert cleaned["subjects"] == ["Mathematics", "Physics"]
    assert cleaned["alliances"] == ["EuroTeQ"]
    assert cleaned["runs"] == [{"schedule": "E1A"}]
    assert cleaned["extras"]["descriptions"] == {"en": "Learn things", "da": "Lær"}
    assert cleaned["extras"]["contents"] == ["one"]
    assert cleaned["extras"]["deep"] == {"a": [{"b": "x"}]} and cleaned["extras"]["volume"] == 5
    assert not [s for s in _strings(cleaned) if "<" in s or "script" in s.lower()]


def test_no_markup_reaches_a_validated_offer_in_subjects_or_extras() -> None:
    offer = process(
        item(
            subjects=[f"Energy{SCRIPT}"],
            extras={"descriptions": [f"<p>Text{SCRIPT}</p>"]},
            learning_outcomes=[{"text": "<li>design a <b>system</b></li>", "text_en": "<b>x</b>"}],
        )
    )
    assert offer.subjects == ["Energy"] and offer.extras["descriptions"] == ["Text"]
    assert offer.learning_outcomes[0].text == "design a system"


# ---- size limits ---------------------------------------------------------------------------------------------------
def test_limits_are_in_the_json_schema() -> None:
    schema = offer_json_schema()
    props = schema["properties"]
    assert props["title"]["maxLength"] == MAX_TITLE_CHARS
    assert props["description"]["anyOf"][0]["maxLength"] == MAX_TEXT_CHARS
    assert props["subjects"]["maxItems"] == MAX_LIST_ITEMS
    assert schema["$defs"]["LearningOutcome"]["properties"]["text"]["maxLength"] == MAX_OUTCOME_CHARS


def test_a_2_mb_title_is_refused_before_cleaning_with_field_and_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import scrapers.processing as processing

    def no_stripping(value: str | None) -> str | None:
        raise AssertionError("an oversized title must be refused before markup stripping")

    monkeypatch.setattr(processing, "one_line", no_stripping)
    monkeypatch.setattr(processing, "strip_markup", no_stripping)
    with pytest.raises(RejectItem) as err:
        process(item(title="<b>x</b>" * 250_000))
    assert str(err.value) == "title: 2,000,000 characters before cleaning, over the limit of 10,000"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("title", "t" * (MAX_TITLE_CHARS + 1), f"title: String should have at most {MAX_TITLE_CHARS} characters"),
        ("description", "d " * MAX_TEXT_CHARS, f"description: String should have at most {MAX_TEXT_CHARS} characters"),
        ("subjects", ["s" * 1001], "subjects.0: String should have at most 1000 characters"),
        (
            "subjects",
            [f"subject {i}" for i in range(MAX_LIST_ITEMS + 1)],
            f"subjects: List should have at most {MAX_LIST_ITEMS} items after validation, not {MAX_LIST_ITEMS + 1}",
        ),
        (
            "extras",
            {"contents": ["c " * MAX_TEXT_CHARS]},
            f"extras: Value error, contents[0] has 199,999 characters, over the limit of {MAX_TEXT_CHARS:,}",
        ),
    ],
)
def test_text_over_its_limit_is_rejected_with_a_one_line_reason(field: str, value: Any, reason: str) -> None:
    with pytest.raises(RejectItem) as err:
        process(item(**{field: value}))
    assert str(err.value) == reason and "\n" not in str(err.value)


def test_an_outcome_over_its_limit_is_kept_raw_not_as_an_outcome() -> None:
    offer = process(item(learning_outcomes=["x" * (MAX_OUTCOME_CHARS + 1)]))
    assert offer.learning_outcomes == [] and offer.extras["learning_outcomes_raw"]


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def test_oversized_item_is_a_landed_reject_and_the_rest_of_the_batch_lands(tmp_path: Path) -> None:
    landing = LandingRun(tmp_path / "landing", "s", "20260101T000000000000Z")
    stats = _Stats()
    crawler = SimpleNamespace(stats=stats, spider=SimpleNamespace(chain=ItemChain.for_landing(landing, stats)))
    pipeline = ItemChainPipeline(crawler)  # type: ignore[arg-type]
    batch = [
        item("a", title="First"),
        item("big", title="T" * 2_000_000),
        item("b", title="Second"),
        item("long", title="L" * 1_500),
    ]
    dropped = []
    for it in batch:
        try:
            pipeline.process_item(it)
        except DropItem:
            dropped.append(it["source_id"])
    assert dropped == ["big", "long"]
    landing.finish({}, "ok")
    offers = [json.loads(line) for line in (landing.dir / "offers.jsonl").read_text().splitlines()]
    rejects = {r["source_id"]: r for r in map(json.loads, (landing.dir / "rejects.jsonl").read_text().splitlines())}
    assert [o["source_id"] for o in offers] == ["a", "b"]
    assert rejects["big"]["reason"] == "title: 2,000,000 characters before cleaning, over the limit of 10,000"
    assert rejects["long"]["reason"] == "title: String should have at most 1000 characters"
    # the reject keeps a stub of the raw value, not the 2 MB: the rejects file stays small
    assert (landing.dir / "rejects.jsonl").stat().st_size < 20_000
    assert rejects["big"]["raw"]["title"].endswith("... (2,000,000 chars)")
    assert crawler.stats.values["rejects/title"] == 2


# ---- the fast paths keep the same answers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "plain", "line"),
    [
        ("  two \t words\xa0", "two words", "two words"),
        ("a &amp; b", "a & b", "a & b"),
        ("R&D <b>5</b> &lt; 6", "R&D 5 < 6", "R&D 5 < 6"),
        ("line\n\n\n \n\u2028\nbreak\n", "line\n\nbreak", "line break"),
        ("\n\nfirst\nsecond  \n", "first\nsecond", "first second"),
        ("<p>one</p><p>two</p>", "one\n\ntwo", "one two"),
        (f"x{SCRIPT}", "x", "x"),
        ("&lt;script&gt;alert(1)", None, None),
        (" \n ", None, None),
    ],
)
def test_markup_and_whitespace_fast_paths_give_the_same_text(value: str, plain: str | None, line: str | None) -> None:
    from models.normalise.text import one_line, strip_markup

    assert (strip_markup(value), one_line(value)) == (plain, line)


class _Smart(str):
    """A str subclass, as some XML libraries return."""


def test_string_subclasses_are_measured_and_cleaned_like_str() -> None:
    with pytest.raises(RejectItem, match=r"^extras\.deep\[2\]: 1,000,001 characters before cleaning"):
        process(item(extras={"deep": [1, None, _Smart("x" * 1_000_001)]}))
    offer = process(item(subjects=[_Smart(f"<b>Energy</b>{SCRIPT}")], extras={"d": {"t": _Smart("<p>Text</p>")}}))
    assert offer.subjects == ["Energy"] and offer.extras["d"] == {"t": "Text"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ('"' * MAX_TEXT_CHARS, True),  # JSON escapes double it: the encoding is over the limit, the string is not
        ("é" * MAX_TEXT_CHARS, True),  # two bytes a character in UTF-8
        ("é" * (MAX_TEXT_CHARS + 1), False),
        ("x" * (MAX_TEXT_CHARS + 1), False),
    ],
)
def test_extras_strings_are_limited_in_characters_not_encoded_bytes(value: str, ok: bool) -> None:
    from pydantic import ValidationError

    from models.offer import Offer

    extras = {"deep": [{"v": value}], "n": [1, 2.5, None, True], "parts": ["p" * 1_000] * 150}
    record = {"source": "s", "source_id": "1", "title": "t", "provenance": dict(PROV), "extras": extras}
    if ok:
        assert Offer.model_validate(record).extras["deep"][0]["v"] == value
    else:
        with pytest.raises(ValidationError, match=rf"deep\[0\]\.v has {MAX_TEXT_CHARS + 1:,} characters"):
            Offer.model_validate(record)


def test_the_quick_size_check_and_the_one_naming_the_limit_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """check_raw_size answers from `_within_limits` (no paths built) and names the limit with `_raise_size_error`:
    with the limits made small, random items must get the same verdict from both."""
    import random

    import scrapers.processing as processing

    monkeypatch.setattr(processing, "MAX_RAW_CHARS", 12)
    monkeypatch.setattr(processing, "MAX_RAW_ITEM_CHARS", 60)
    monkeypatch.setattr(processing, "MAX_RAW_DEPTH", 3)
    monkeypatch.setattr(processing, "RAW_FACTOR", 1)
    monkeypatch.setattr(processing, "MAX_LIST_ITEMS", 4)
    monkeypatch.setattr(processing, "_MAX_ENTRIES", 4)
    monkeypatch.setattr(processing, "RAW_LIMITS", {"title": 6})
    rng = random.Random(7)

    def value(depth: int) -> Any:
        roll = rng.random()
        if roll < 0.35:
            return rng.choice((str, _Smart))("x" * rng.randint(0, 14))
        if roll < 0.5:
            return rng.choice((None, True, 3, 2.5))
        if depth > 4:
            return "leaf"
        size = rng.randint(0, 5)
        if roll < 0.75:
            return [value(depth + 1) for _ in range(size)]
        return {f"k{i}": value(depth + 1) for i in range(size)}

    verdicts = set()
    for _ in range(3_000):
        raw = {"title": "t" * rng.randint(0, 8), "provenance": {"x": "y" * 99}, "extras": value(1), "runs": value(1)}
        try:
            processing._raise_size_error(raw)
            named = True
        except RejectItem:
            named = False
        assert processing._within_limits(raw) == named, raw
        verdicts.add(named)
    assert verdicts == {True, False}
