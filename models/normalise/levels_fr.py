"""French qualification levels to the EQF: the 2019 national framework and the 1969 nomenclature it replaced.

France's cadre national des certifications professionnelles (CNCP, décret n° 2019-14 du 8 janvier 2019) has eight
levels, referenced to the EQF level for level (niveau 3 = EQF 3 ... niveau 8 = EQF 8). The same decree says how the
levels of the 1969 nomenclature (niveaux V to I) read in it: V -> 3, IV -> 4, III -> 5, II -> 6, I -> 7 and 8. So
niveau I names no single EQF level, and the 1969 levels below V (V bis, VI) have no counterpart: neither infers one.
Both tables are rows of models/reference/qf_levels.csv (the 1969 levels by the value of their roman numeral).

French sources (LHÉO, Mon Compte Formation) give their level labels as published ("niveau III (BTS, DUT)",
"Niveau 5"); the parser may add `extras.level_framework`, the framework the source's dictionary says the label is
in. A roman numeral after "niveau" is the 1969 nomenclature wherever it appears; an arabic level is read as a CNCP
level only where the source states the framework or the text names it (RNCP, CNCP, "cadre national").
"""

from __future__ import annotations

import re
from functools import lru_cache

from models import reference
from models.normalise.credits import Level

CNCP = "France CNCP"
NOMENCLATURE_1969 = "France 1969 nomenclature"
DECREE = "décret n° 2019-14 du 8 janvier 2019"

_ROMAN_VALUE = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}
# longest numerals first, "V bis" before "V"; the numeral must end the word ("niveau intermédiaire" is no level I)
_ROMAN = re.compile(r"\bniveau\s+(?P<n>V\s*bis|VI|IV|V|III|II|I)\b", re.IGNORECASE)
_ARABIC = re.compile(r"\bniveau\s+(?P<n>[1-8])\b(?![.,]\d)", re.IGNORECASE)
_FRENCH_CUE = re.compile(r"\b(?:rncp|cncp|cadre national des certifications)\b", re.IGNORECASE)
_NO_LEVEL = re.compile(r"sans niveau|information non communiqu|non communiqu|aucun niveau", re.IGNORECASE)


def _tables() -> dict[str, dict[int, int]]:
    out: dict[str, dict[int, int]] = {}
    for r in reference.rows("qf_levels"):
        if r["framework"] in (CNCP, NOMENCLATURE_1969):
            out.setdefault(r["framework"], {})[int(r["framework_level"])] = int(r["eqf_level"])
    if set(out) != {CNCP, NOMENCLATURE_1969}:
        raise ValueError(f"models/reference/qf_levels.csv lacks the frameworks {CNCP!r} and {NOMENCLATURE_1969!r}")
    return out


_TABLES = _tables()


@lru_cache(maxsize=1024)
def infer_eqf_french(level: str | None, framework: str | None = None) -> Level:
    """EQF from a French level label: 'niveau III (BTS, DUT)' (1969 nomenclature) or 'Niveau 5' (CNCP, where the
    source states that framework or the label names it). `eqf.absent` when the label is no French level at all."""
    if not level or not level.strip():
        return Level(None, "eqf.absent")
    text = " ".join(level.split())
    if m := _ROMAN.search(text):
        numeral = re.sub(r"\s+", " ", m.group("n").upper()).replace("BIS", "bis")
        if numeral not in _ROMAN_VALUE:  # V bis
            return Level(
                None,
                "eqf.not_inferred",
                f"{m.group(0)!r}: the 1969 nomenclature's niveau V bis has no counterpart in the 2019 national "
                f"framework ({DECREE}): no EQF level",
            )
        value = _ROMAN_VALUE[numeral]
        eqf = _TABLES[NOMENCLATURE_1969].get(value)
        if eqf is None:
            why = (
                "corresponds to levels 7 and 8 of the 2019 national framework: no single EQF level"
                if numeral == "I"
                else "has no counterpart in the 2019 national framework: no EQF level"
            )
            return Level(None, "eqf.not_inferred", f"{m.group(0)!r}: the 1969 nomenclature's niveau {numeral} {why}")
        return Level(
            eqf,
            "eqf.inferred_from_framework_level",
            f"{m.group(0)!r}: niveau {numeral} of the 1969 nomenclature is niveau {eqf} of the 2019 national "
            f"framework ({DECREE}), referenced to EQF {eqf}",
        )
    stated = framework in (CNCP, NOMENCLATURE_1969)
    if (m := _ARABIC.search(text)) and (stated or _FRENCH_CUE.search(text)):
        value = int(m.group("n"))
        eqf = _TABLES[CNCP][value]
        why = f"the source states its levels in the {framework}" if stated else "the label names the French framework"
        return Level(
            eqf,
            "eqf.inferred_from_framework_level",
            f"{m.group(0)!r}: niveau {value} of France's national framework of professional certifications "
            f"({DECREE}; {why}) -> EQF {eqf}",
        )
    if stated and _NO_LEVEL.search(text):
        return Level(None, "eqf.not_inferred", f"{text!r}: the source states no qualification level")
    return Level(None, "eqf.absent")
