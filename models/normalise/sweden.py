"""Swedish higher education: credits (högskolepoäng) to ECTS and the cycles of education to EQF levels.

Sources give Swedish values as published: the credits with their unit (`extras.credits`: value, unit, unit_label,
e.g. KTH Kopps's `7.5` "hp") and the level code in `level_raw`, with `extras.level_framework = SE_CYCLES` stating
that the code is a Swedish cycle as Kopps codes it (BASIC, ADVANCED, RESEARCH, PREPARATORY / PRE_UNIVERSITY). The
words alone are not read anywhere else: "BASIC" or "ADVANCED" in another source is a difficulty, not a cycle.

* Credits: 60 högskolepoäng (hp) are one year of full-time study (Högskoleförordningen 1993:100), as 60
  ECTS are, so 1 hp = 1 ECTS. Förutbildningspoäng (fup) count preparatory education below higher education and have
  no ECTS value.
* Cycles (Högskolelagen 1992:1434, ch. 1 §§7-9) are the cycles of the Bologna framework (QF-EHEA), referenced to the
  EQF as first cycle 6, second cycle 7, third cycle 8. Preparatory (pre-university) education is no cycle and gets no
  EQF level (it leads to eligibility, not to a qualification).
"""

from __future__ import annotations

from typing import Any

from models.normalise.credits import Credits, Level, parse_ects

SE_CYCLES = "Swedish higher-education cycles (Kopps codes)"

_CREDIT_UNITS: dict[str, tuple[float | None, str]] = {
    "hp": (
        1.0,
        "högskolepoäng: 60 hp are one year of full-time study (Högskoleförordningen 1993:100), as 60 ECTS are; "
        "1 hp = 1 ECTS",
    ),
    "fup": (None, "förutbildningspoäng count preparatory education below higher education: no ECTS value"),
}
_PREPARATORY = (
    None,
    "preparatory (pre-university) education, below the cycles of higher education: it leads to eligibility, "
    "not to a qualification, so no EQF level",
)
_CYCLES: dict[str, tuple[int | None, str]] = {
    "BASIC": (6, "first cycle (grundnivå, Högskolelagen ch. 1 §8) = QF-EHEA first cycle, referenced to EQF 6"),
    "ADVANCED": (
        7,
        "second cycle (avancerad nivå, Högskolelagen ch. 1 §9) = QF-EHEA second cycle, referenced to EQF 7",
    ),
    "RESEARCH": (8, "third cycle (forskarnivå, Högskolelagen ch. 1 §9a) = QF-EHEA third cycle, referenced to EQF 8"),
    "PREPARATORY": _PREPARATORY,
    "PRE_UNIVERSITY": _PREPARATORY,
}


def ects_from_swedish_credits(credits: Any) -> Credits | None:
    """ECTS from `extras.credits` in a Swedish unit; None when the record states no Swedish credits."""
    if not isinstance(credits, dict):
        return None
    unit = str(credits.get("unit") or "").strip().lower()
    if unit not in _CREDIT_UNITS:
        return None
    per_unit, why = _CREDIT_UNITS[unit]
    value = credits.get("value")
    if per_unit is None:
        return Credits(None, "ects.not_convertible", f"{value} {unit}: {why}")
    stated = parse_ects(value if isinstance(value, int | float) and not isinstance(value, bool) else str(value))
    if stated.value is None:
        return Credits(None, stated.rule, f"{value!r} {unit}: {stated.note}")
    ects = stated.value * per_unit
    return Credits(ects, "ects.from_national_credits", f"{stated.value:g} {unit} = {ects:g} ECTS ({why})")


def infer_eqf_swedish(level: str | None, framework: Any) -> Level | None:
    """The EQF level of a Swedish cycle code; None unless the record states its codes are Swedish cycles."""
    if framework != SE_CYCLES or not level or not level.strip():
        return None
    code = level.strip().upper()
    if code not in _CYCLES:
        return Level(None, "eqf.not_inferred", f"{level!r} is no code of the {SE_CYCLES}")
    eqf, why = _CYCLES[code]
    if eqf is None:
        return Level(None, "eqf.not_inferred", f"{level!r}: {why}")
    return Level(eqf, "eqf.inferred_from_framework_level", f"{level!r}: {why}")
