"""Fixes reported by colleagues: placeholder currencies, thousands separators, Nordic/Dutch participation words,
Irish NFQ levels."""

from __future__ import annotations

import pytest

from models.normalise.credits import infer_eqf_from_level, infer_eqf_from_text
from models.normalise.numbers import parse_number
from models.normalise.offer import normalise_item
from models.normalise.participation import participation_form
from models.normalise.prices import parse_price


def test_placeholder_currency_is_refused_with_the_reason() -> None:
    price = parse_price("1378413989.154 XXX")
    assert price.amount is None and price.currency is None
    assert "XXX" in price.error and "no currency" in price.error
    assert "gold" in parse_price("10 XAU").error
    item = normalise_item({"price_raw": "1378413989.154 XXX"})
    assert item["price_amount"] is None and item["price_currency"] is None
    assert item["price_raw"] == "1378413989.154 XXX"
    assert any(e["rule"] == "price.unparsed" and "placeholder" in e["note"] for e in item["explanations"])
    given = normalise_item({"price_amount": 12, "price_currency": "XXX"})
    assert given["price_amount"] is None
    assert any(e["rule"] == "price.unknown_currency" and "no currency" in e["note"] for e in given["explanations"])
    assert parse_price("49 XOF").currency == "XOF"  # a real X-code (CFA franc) stays a currency


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1378413989.154", 1378413989.154),
        ("12345.678", 12345.678),
        ("1.500", 1500),
        ("DKK 1.500", None),
        ("1.234.567", 1234567),
        ("3,500", 3500),
        ("0.500", 0.5),
        ("12.34.56", None),
        ("1.500,00", 1500),
    ],
)
def test_a_point_groups_thousands_only_in_groups_of_three(text: str, value: float | None) -> None:
    if text.startswith("DKK"):
        assert parse_price(text).amount == 1500
    else:
        assert parse_number(text) == value


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("Verkko-opetus", "online"),
        ("Opetus verkossa", "online"),
        ("Etäopetus", "online"),
        ("Lähiopetus", "on-site"),
        ("Lähiopetus ja verkko-opetus", "blended"),
        ("Monimuoto-opetus", "blended"),
        ("Distansundervisning", "online"),
        ("Kursen går på distans", "online"),
        ("Närundervisning", "on-site"),
        ("Afstandsonderwijs", "online"),
        ("Klassikaal", "on-site"),
        ("Gemengd leren", "blended"),
    ],
)
def test_finnish_swedish_dutch_participation(raw: str, form: str) -> None:
    assert participation_form(raw)[0] == form


@pytest.mark.parametrize(
    ("label", "eqf"),
    [
        ("NFQ Level 6", 5),
        ("NFQ Level 7", 6),
        ("NFQ level 8", 6),
        ("NFQ 9", 7),
        ("National Framework of Qualifications Level 10", 8),
    ],
)
def test_irish_nfq_levels_map_to_eqf(label: str, eqf: int) -> None:
    level = infer_eqf_from_level(label)
    assert level.value == eqf and level.rule == "eqf.inferred_from_framework_level" and "Irish NFQ" in level.note


def test_nfq_in_a_description_is_inferred_and_explained() -> None:
    assert infer_eqf_from_text("A Special Purpose Award at NFQ Level 9, 10 ECTS.").value == 7
    assert infer_eqf_from_text("Level 9 of our internal scheme.").value is None
    item = normalise_item({"level_raw": "NFQ Level 8"})
    assert (item["eqf_level"], item["eqf_flag"]) == (6, "inferred")
    assert any("NFQ referencing report" in (e["note"] or "") for e in item["explanations"])
