"""Numbers keep their sign: a negative or impossible quantity is refused with its reason, never made plausible.

A leading '-' or Unicode minus (U+2212) belongs to the number; a hyphen between two numbers is a range.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from models.normalise.credits import parse_ects, parse_eqf
from models.normalise.numbers import parse_number
from models.normalise.prices import parse_price
from models.normalise.workload import parse_duration, parse_effort
from models.offer import Offer
from scrapers.processing import process

PROV = {"fetched_at": datetime(2026, 1, 1, tzinfo=UTC), "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}
MINUS = "\u2212"


def item(**kw: Any) -> dict[str, Any]:
    return {"source": "s", "source_id": "1", "title": "A course", "provenance": dict(PROV), **kw}


def why(offer: Offer, field: str) -> list[tuple[str, str | None]]:
    return [(e.rule, e.note) for e in offer.explanations if e.field == field]


@pytest.mark.parametrize("text", ["-5", f"{MINUS}5", "-7,5", f"{MINUS}1.500,00"])
def test_parse_number_keeps_the_sign(text: str) -> None:
    assert parse_number(text) < 0


# ---- workload ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("minus", ["-", MINUS])
def test_negative_effort_per_week_is_refused_not_read_as_positive(minus: str) -> None:
    # FutureLearn writes its effort as f"{hours} hours per week"; -5 used to become 5 h/week, 20 h, 0.7 ECTS.
    offer = process(item(workload_raw=f"{minus}5 hours per week", duration_raw="4 weeks"))
    assert offer.workload_hours_min is None and offer.workload_hours_max is None
    assert offer.ects is None
    assert offer.workload_raw == f"{minus}5 hours per week"
    [(rule, note)] = why(offer, "workload_hours_min")
    assert rule == "workload.unparsed" and "-5 hours per week is not a workload" in note


def test_a_hyphen_between_two_numbers_is_still_a_range() -> None:
    assert (parse_effort("4-8 hours/week").lo, parse_effort("4-8 hours/week").hi) == (4, 8)
    assert (parse_effort("4 - 8 hours").lo, parse_effort("4 - 8 hours").hi) == (4, 8)
    offer = process(item(workload_raw="4-8 hours per week", duration_raw="6-8 weeks"))
    assert (offer.workload_hours_min, offer.workload_hours_max) == (24, 64)


@pytest.mark.parametrize("value", [-5, "-5", f"{MINUS}5"])
def test_negative_given_hours_are_refused(value: Any) -> None:
    offer = process(item(workload_hours_min=value, workload_hours_max=10))
    assert offer.workload_hours_min is None and offer.workload_hours_max is None
    assert ("workload.implausible", "hours must be 0 < min <= max <= 7200") in why(offer, "workload_hours_min")


# ---- duration ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["-6 weeks", f"{MINUS}3 months", "-10 days"])
def test_negative_duration_text_is_refused(text: str) -> None:
    assert parse_duration(text).weeks_lo is None and "is not a duration" in parse_duration(text).error
    offer = process(item(duration_raw=text))
    assert offer.duration_weeks is None and offer.duration_raw == text
    assert [r for r, _ in why(offer, "duration_weeks")] == ["duration.unparsed"]


@pytest.mark.parametrize("value", [-4, f"{MINUS}4", "-4"])
def test_negative_given_duration_is_refused(value: Any) -> None:
    offer = process(item(duration_weeks=value))
    assert offer.duration_weeks is None
    assert [r for r, _ in why(offer, "duration_weeks")] == ["duration.implausible"]


# ---- price ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["-49 EUR", f"{MINUS}49 EUR", f"EUR {MINUS}49", f"\u20ac{MINUS}49"])
def test_negative_price_text_is_refused(raw: str) -> None:
    assert parse_price(raw).amount is None and parse_price(raw).error.startswith("negative price")
    offer = process(item(price_raw=raw))
    assert offer.price_amount is None and offer.price_raw == raw
    assert [r for r, _ in why(offer, "price_amount")] == ["price.rejected"]


@pytest.mark.parametrize("amount", [-49, "-49", f"{MINUS}49"])
def test_negative_given_price_is_refused(amount: Any) -> None:
    offer = process(item(price_amount=amount, price_currency="EUR"))
    assert offer.price_amount is None and offer.price_eur is None
    assert [r for r, _ in why(offer, "price_amount")] == ["price.rejected"]


# ---- credits ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [-5, "-5", f"{MINUS}5", "-5 ECTS", f"{MINUS}7,5 ECTS", "ECTS: -5", float("nan")])
def test_negative_or_impossible_ects_are_refused(raw: Any) -> None:
    assert parse_ects(raw).value is None and parse_ects(raw).rule == "ects.invalid"
    offer = process(item(ects=raw))
    assert offer.ects is None and offer.ects_flag is None
    assert [r for r, _ in why(offer, "ects")] == ["ects.invalid"]


@pytest.mark.parametrize("raw", ["-5", f"{MINUS}2"])
def test_negative_ects_estimated_by_the_source_are_refused_with_a_reason(raw: str) -> None:
    offer = process(item(ects=raw, ects_flag="estimated"))
    assert offer.ects is None
    assert [r for r, _ in why(offer, "ects")] == ["ects.invalid"]


@pytest.mark.parametrize("text", ["-15 CATS credits", "worth -10 ECTS"])
def test_negative_credits_in_text_give_no_credits(text: str) -> None:
    offer = process(item(workload_raw=text))
    assert offer.ects is None


# ---- EQF --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [-3, 0, 9, "-3", "EQF -3", f"EQF {MINUS}3", "EQF level: -2", "EQF 9", "EQF 6.5"])
def test_eqf_out_of_1_to_8_or_signed_is_refused(raw: Any) -> None:
    assert parse_eqf(raw).value is None and parse_eqf(raw).rule == "eqf.invalid"
    offer = process(item(eqf_level=raw))
    assert offer.eqf_level is None
    assert "eqf.invalid" in [r for r, _ in why(offer, "eqf_level")]


@pytest.mark.parametrize("raw", ["EQF 6", "EQF-6", "EQF level 6", "http://data.europa.eu/snb/eqf/6", 6])
def test_stated_eqf_levels_still_read(raw: Any) -> None:
    assert parse_eqf(raw).value == 6
