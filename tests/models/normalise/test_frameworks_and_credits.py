"""Levels and credits from the official frameworks (issue #16, item 5): Open University levels by the FHEQ, no EQF
level from a stage of study alone, UK credits converted (not estimated), given ECTS checked against stated hours."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from models import reference
from models.normalise.credits import (
    CONFLICT_HOURS_PER_ECTS_MAX,
    CONFLICT_HOURS_PER_ECTS_MIN,
    ects_hours_conflict,
    infer_eqf_from_credits,
    infer_eqf_from_level,
    infer_eqf_from_text,
)
from models.normalise.offer import normalise_item
from models.offer import ECTS_FLAGS
from scrapers.processing import process

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "xcri_cap"
README = Path(reference.__file__).resolve().parent / "README.md"
PROV = {"fetched_at": datetime(2026, 1, 1, tzinfo=UTC), "spider": "t", "spider_version": "1", "raw_sha256": "0" * 64}


def _table() -> dict[tuple[str, int], int]:
    return {(r["framework"], int(r["framework_level"])): int(r["eqf_level"]) for r in reference.rows("qf_levels")}


def ou_item(level: str | None, education_level: str = "Undergraduate", value: str = "30", **extra: Any) -> dict:
    """An Open University course as the XCRI-CAP parser gives it: the credit schemes in extras, the UK credits in
    workload_raw, the qualification's education level in level_raw."""
    credits = [{"scheme": "The Open University", "level": level, "value": value}, *extra.pop("more_credits", [])]
    suffix = f", level {level}" if level else ""
    return {
        "source": "xcri_cap",
        "source_id": "A123",
        "title": "A module",
        "provenance": dict(PROV),
        "level_raw": education_level,
        "workload_raw": f"{value} UK credits (The Open University scheme{suffix})",
        "extras": {"credits": credits},
        **extra,
    }


def why(item: dict, field: str) -> list[dict]:
    return [e for e in item["explanations"] if e["field"] == field]


# ---- EQF from framework levels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("ou_level", "eqf"), [("1", 5), ("2", 5), ("3", 6)])
def test_open_university_levels_are_fheq_levels_4_to_6(ou_level: str, eqf: int) -> None:
    item = normalise_item(ou_item(ou_level))
    assert (item["eqf_level"], item["eqf_flag"]) == (eqf, "inferred")
    # the OU rows agree with the FHEQ rows they stand for: OU level n is FHEQ level n + 3
    assert _table()[("Open University", int(ou_level))] == _table()[("RQF/FHEQ", int(ou_level) + 3)] == eqf
    (ex,) = why(item, "eqf_level")
    assert ex["rule"] == "eqf.inferred_from_framework_level" and ex["raw_field"] == "extras.credits"
    assert "FHEQ" in ex["note"] and "referencing report" in ex["note"]


def test_open_university_postgraduate_level_m_is_fheq_7_and_level_0_has_none() -> None:
    m = normalise_item(ou_item("M", "Postgraduate"))
    assert (m["eqf_level"], m["eqf_flag"]) == (_table()[("RQF/FHEQ", 7)], "inferred") == (7, "inferred")
    access = normalise_item(ou_item("0", "Course Certificate", value="0"))
    assert access["eqf_level"] is None and access["eqf_flag"] is None
    (ex,) = why(access, "eqf_level")
    assert ex["rule"] == "eqf.not_inferred" and "below FHEQ level 4" in ex["note"]


def test_the_first_scheme_decides_and_a_disagreeing_scheme_is_named() -> None:
    scqf = {"scheme": "SCQF", "level": "9", "value": "30"}
    item = normalise_item(ou_item("2", more_credits=[scqf]))
    assert item["eqf_level"] == 5
    (ex,) = why(item, "eqf_level")
    assert "SCQF level 9 -> EQF 6" in ex["note"] and "first scheme" in ex["note"]
    agreeing = normalise_item(ou_item("2", more_credits=[{**scqf, "level": "8"}]))
    assert agreeing["eqf_level"] == 5 and "also states" not in why(agreeing, "eqf_level")[0]["note"]
    scqf_only = infer_eqf_from_credits([{"scheme": "SCQF", "level": "11", "value": "60"}])
    assert scqf_only is not None and scqf_only.value == _table()[("SCQF", 11)]


def test_credit_schemes_that_are_no_framework_infer_nothing() -> None:
    assert infer_eqf_from_credits([{"scheme": "ECTS", "level": "6", "value": "5"}]) is None
    assert infer_eqf_from_credits({"value": 7.5, "unit": "hp"}) is None  # Kopps' Swedish credits are a dict
    assert infer_eqf_from_credits([{"scheme": "The Open University", "level": None, "value": "360"}]) is None


@pytest.mark.parametrize("word", ["Postgraduate", "Undergraduate", "Graduate", "post-graduate"])
def test_a_stage_of_study_alone_asserts_no_level(word: str) -> None:
    item = normalise_item(ou_item(None, word, value="60"))
    assert item["eqf_level"] is None and item["eqf_flag"] is None
    (ex,) = why(item, "eqf_level")
    assert ex["rule"] == "eqf.not_inferred" and "stage of study" in ex["note"] and ex["raw_value"] == word
    assert infer_eqf_from_text(f"This module is taught at {word.lower()} level.").value is None


def test_a_stage_of_study_with_a_framework_level_or_a_named_qualification_is_inferred() -> None:
    assert normalise_item(ou_item("M", "Postgraduate"))["eqf_level"] == 7
    assert normalise_item(ou_item("1", "Undergraduate"))["eqf_level"] == 5  # not 6 from "Undergraduate"
    assert infer_eqf_from_level("Postgraduate Certificate in Education").value == 7
    assert infer_eqf_from_level("Undergraduate, BSc (Honours) Psychology").value == 6
    assert infer_eqf_from_text("A course at master's level.").value == 7


# ---- UK credits, conflicting ECTS ---------------------------------------------------------------------------------


def test_uk_credits_are_converted_not_estimated() -> None:
    assert "converted" in ECTS_FLAGS and "estimated" in ECTS_FLAGS
    offer = process({**ou_item(None, "Undergraduate"), "workload_raw": "15 CATS credits"})
    assert (offer.ects, offer.ects_flag) == (7.5, "converted")
    (ex,) = [e for e in offer.explanations if e.field == "ects"]
    assert ex.rule == "ects.from_uk_cats" and ex.raw_value == "15 CATS credits" and "15 UK credits" in ex.note
    ou = normalise_item(ou_item("1"))
    assert (ou["ects"], ou["ects_flag"]) == (15, "converted")


def test_hours_estimate_is_still_estimated() -> None:
    offer = process({**ou_item(None, "Undergraduate"), "workload_raw": "125 hours", "extras": {}})
    assert offer.ects_flag == "estimated" and offer.ects == pytest.approx(125 / 27.5, abs=0.05)


def test_given_ects_contradicting_stated_hours_is_kept_and_flagged_with_the_reason() -> None:
    offer = process(
        {**ou_item(None, "Short course"), "extras": {}, "workload_raw": None, "ects": "2", "workload_hours_min": 16}
    )
    assert (offer.ects, offer.ects_flag) == (2, "given")
    conflict = [e for e in offer.explanations if e.rule == "ects.conflicts_with_hours"]
    assert len(conflict) == 1 and conflict[0].field == "ects" and conflict[0].value == 2
    assert "8 h per ECTS" in conflict[0].note and "16 h" in conflict[0].note


def test_consistent_or_self_derived_hours_are_not_flagged() -> None:
    base = {**ou_item(None, "Short course"), "extras": {}, "workload_raw": None}
    consistent = process({**base, "ects": "5", "workload_hours_min": 125, "workload_hours_max": 150})
    from_ects = process({**base, "ects": "2"})  # hours derived from the ECTS themselves
    stated = process({**base, "ects": None, "workload_raw": "2 ECTS, 16 hours"})
    for offer in (consistent, from_ects):
        assert offer.ects_flag == "given" and not [e for e in offer.explanations if "conflict" in e.rule]
    assert stated.ects == 2 and [e.rule for e in stated.explanations if "conflict" in e.rule] == [
        "ects.conflicts_with_hours"
    ]


@pytest.mark.parametrize("ects", [1.0, 2.5, 7.5])
def test_the_conflict_band_is_a_factor_of_2_around_25_to_30_hours(ects: float) -> None:
    low, high = ects * CONFLICT_HOURS_PER_ECTS_MIN, ects * CONFLICT_HOURS_PER_ECTS_MAX
    assert (low, high) == (ects * 12.5, ects * 60)
    assert ects_hours_conflict(ects, low, low) is None and ects_hours_conflict(ects, high, high) is None
    assert ects_hours_conflict(ects, low * 0.9, low * 0.9) and ects_hours_conflict(ects, high * 1.1, high * 1.1)
    assert ects_hours_conflict(ects, low * 0.5, low * 3) is None  # a range that reaches the band is no conflict


# ---- the reference table ------------------------------------------------------------------------------------------


def test_every_framework_row_names_its_source_and_the_readme_describes_it() -> None:
    rows = reference.rows("qf_levels")
    assert rows and all(r["source"].strip() for r in rows)
    readme = README.read_text(encoding="utf-8")
    for framework in {r["framework"] for r in rows}:
        assert f"`{framework}`" in readme, framework
    levels = _table()
    for framework in {r["framework"] for r in rows}:  # a higher framework level never maps to a lower EQF level
        mapped = [levels[k] for k in sorted(k for k in levels if k[0] == framework)]
        if framework != "France 1969 nomenclature":  # niveaux by roman numeral, V (3) down to II (6)
            assert mapped == sorted(mapped), framework


@pytest.mark.skipif(not (CORPUS / "ou-conversion.xml").exists(), reason="../shared/corpus/xcri_cap is not present")
def test_the_open_universitys_real_feed() -> None:
    from scrapers.parsers import xcri_cap

    page = xcri_cap.parse((CORPUS / "ou-conversion.xml").read_bytes(), "u")
    table = _table()
    seen: Counter[str] = Counter()
    for raw in page.items:
        ou = next((c for c in raw["extras"]["credits"] if c["scheme"] == "The Open University"), None)
        item = normalise_item(raw)
        level = (ou or {}).get("level")
        if level in ("1", "2", "3"):
            assert item["eqf_level"] == table[("RQF/FHEQ", int(level) + 3)], raw["source_id"]
            seen[level] += 1
        elif level == "M":
            assert item["eqf_level"] == 7
            seen[level] += 1
        if not level and raw["level_raw"] in ("Undergraduate", "Postgraduate"):
            # no level from the stage word: only a qualification named in the certificate type gives one
            assert item["eqf_level"] is None or any(
                e["raw_field"] == "certificate_type" for e in why(item, "eqf_level")
            ), raw["source_id"]
        if item["ects_flag"] is not None and "UK credits" in (raw.get("workload_raw") or ""):
            assert item["ects_flag"] == "converted"
    assert all(seen[k] > 0 for k in ("1", "2", "3", "M"))
