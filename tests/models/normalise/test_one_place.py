"""Every rule in one place: the enumerations come from the schema's Literals, and there is one number parser."""

from __future__ import annotations

import math
from typing import get_args

import pytest

from models.normalise import participation
from models.normalise.numbers import parse_number
from models.normalise.offer import normalise_item
from models.offer import (
    ECTS_FLAGS,
    EQF_FLAGS,
    PARTICIPATION_FORMS,
    EctsFlag,
    GivenOrInferred,
    ParticipationForm,
    form_vocabulary,
)
from scrapers.parsers import edx, elm, moochub, schema_org


def test_enumerations_are_the_literals_args() -> None:
    assert PARTICIPATION_FORMS == get_args(ParticipationForm) == ("online", "blended", "on-site")
    assert ECTS_FLAGS == get_args(EctsFlag) and EQF_FLAGS == get_args(GivenOrInferred)
    assert participation.Form is ParticipationForm


def test_the_warehouse_accepts_exactly_the_schemas_values() -> None:
    from warehouse import build

    tests = {
        n["column_name"]: n["test_metadata"]["kwargs"]["enum"]
        for n in build.manifest()["nodes"].values()
        if n["resource_type"] == "test" and n.get("test_metadata", {}).get("name") == "accepted_enum"
    }
    assert tests == {"participation_form": "participation_forms", "ects_flag": "ects_flags", "eqf_flag": "eqf_flags"}
    handed = {k: tuple(v.split(",")) for k, v in build.enumerations().items()}
    assert handed["MCATLAS_ENUM_PARTICIPATION_FORMS"] == get_args(ParticipationForm)
    assert handed["MCATLAS_ENUM_ECTS_FLAGS"] == get_args(EctsFlag)
    assert handed["MCATLAS_ENUM_EQF_FLAGS"] == get_args(GivenOrInferred)


@pytest.mark.parametrize("module", [moochub, schema_org], ids=lambda m: m.__name__)
def test_parser_vocabularies_map_source_words_onto_the_literal(module) -> None:
    assert module.FORMS and set(module.FORMS.values()) - {None} <= set(PARTICIPATION_FORMS)


def test_a_source_vocabulary_is_applied_by_the_normaliser_and_explained() -> None:
    """`extras.participation_forms` (the source's words with the forms its vocabulary gives them) is applied here:
    one form is `participation.mapped`, several are blended by the collapse rule, a stated form stays given."""

    def explained(item: dict) -> tuple:
        out = normalise_item({"source": "src", **item})
        (ex,) = [e for e in out["explanations"] if e["field"] == "participation_form"]
        return out["participation_form"], ex["rule"], ex["raw_field"], ex["raw_value"], ex["note"]

    raw = {"participation_raw": "Präsenz, online"}
    one = explained({**raw, "extras": {"participation_forms": {"online": "online", "x": None}}})
    assert one == (
        "online",
        "participation.mapped",
        "participation_raw",
        "Präsenz, online",
        "src vocabulary: 'online' -> online",
    )
    form, rule, _, _, note = explained(
        {**raw, "extras": {"participation_forms": {"Präsenz": "on-site", "online": "online"}}}
    )
    assert (form, rule) == ("blended", "participation.mapped_several") and "'Präsenz' -> on-site" in note
    # no form in the source's vocabulary (or a wrong value): the normaliser's own vocabulary reads the words
    assert explained({**raw, "extras": {"participation_forms": {"x": None, "y": "onsite"}}})[:2] == (
        "blended",
        "participation.vocabulary",
    )
    assert explained({"participation_form": "online"})[1] == "participation.given"


def test_a_vocabulary_with_a_value_outside_the_literal_fails_at_import() -> None:
    with pytest.raises(ValueError, match="onsite"):
        form_vocabulary({"präsenz": "onsite"})  # type: ignore[dict-item]


@pytest.mark.parametrize("raw", ["Campus_Lyngby", "Distance without attendance", "Mixed mode", "verkko-opetus"])
def test_the_normalisers_vocabulary_gives_only_literal_values(raw: str) -> None:
    form, reason = participation.participation_form(raw)
    assert form in PARTICIPATION_FORMS and reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, 5.0),
        (7.5, 7.5),
        ("7,5", 7.5),
        ("1,500", 1500.0),
        ("49.00", 49.0),
        ("-5", -5.0),
        ("\u22125", -5.0),
        (True, None),
        (None, None),
        (math.inf, None),
        (math.nan, None),
        ("abc", None),
    ],
)
def test_one_number_parser_for_numbers_and_text(value: object, expected: float | None) -> None:
    assert parse_number(value) == expected


def test_parsers_have_no_number_parser_of_their_own() -> None:
    assert not hasattr(edx, "_num") and not hasattr(elm, "_number")
    assert edx.parse_number is parse_number and elm.parse_number is parse_number
    # an edX seat price written with a thousands separator, and a negative one, read as everywhere else
    assert edx._price([{"type": "verified", "price": "1,500.00", "currency": "usd"}])["price_amount"] == 1500.0
    assert edx._price([{"type": "verified", "price": "-49", "currency": "usd"}])["price_amount"] == -49.0
