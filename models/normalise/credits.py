"""ECTS credits and EQF levels: kept when the source gives them, estimated or inferred only from explicit signals.

ECTS: 1 credit = 25-30 hours of notional workload (ECTS Users' Guide 2015, section 3.2). An estimate is the
midpoint of the hours divided by 27.5, and the note records the range the guide's bounds allow.

EQF: inferred only where the source names a qualification level (a programme level such as DTU_MSC,
"Master's level", a national framework level referenced to the EQF, a platform credential tied to a degree
level such as MicroMasters). Difficulty labels ("Introductory", "Advanced") are not levels and infer nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from models import reference
from models.normalise.numbers import NUM, parse_number, to_float
from models.normalise.scan import search_near

HOURS_PER_ECTS_MIN = 25.0
HOURS_PER_ECTS_MAX = 30.0
HOURS_PER_ECTS_MID = (HOURS_PER_ECTS_MIN + HOURS_PER_ECTS_MAX) / 2
MAX_ECTS = 240.0

_ECTS_TEXT = re.compile(
    rf"({NUM})\s*(?:ects|european credits?|ects[- ]?(?:credits?|points?|punkte?|point|crédits?))"
    rf"|(?:ects|crédits? ects|ects[- ]credits?)\s*:?\s*({NUM})"
    rf"|({NUM})\s*(?:crédits?|credits?|point|points|punkte?)\s*\(?ects\)?",
    re.IGNORECASE,
)
_CATS_TEXT = re.compile(
    rf"({NUM})\s*(?:uk |cats |catS )?(?:cats|uk) ?credits?|({NUM})\s*credits?\s*\(?(?:cats|uk)\)?", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Credits:
    value: float | None
    rule: str
    note: str | None = None


@lru_cache(maxsize=1024)
def parse_ects(value: str | float | int | None) -> Credits:
    """ECTS as a source states them: 5, '7,5', '7.5 ECTS', '5 ECTS-Punkte', '5 crédits ECTS', 'ECTS: 10'."""
    if value is None or value == "":
        return Credits(None, "ects.absent")
    if isinstance(value, bool):
        return Credits(None, "ects.invalid", f"not a number: {value!r}")
    number: float | None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        number = parse_number(text)
        if number is None:
            m = _ECTS_TEXT.search(text)
            if not m:
                return Credits(None, "ects.invalid", f"no ECTS value in {text!r}")
            number = to_float(next(g for g in m.groups() if g))
    if not math.isfinite(number) or number <= 0:  # NaN passes every comparison: refuse it by name
        return Credits(None, "ects.invalid", f"{number:g} ECTS is not a credit value")
    if number > MAX_ECTS:
        return Credits(None, "ects.invalid", f"{number:g} ECTS exceeds {MAX_ECTS:g} (a whole master's degree)")
    return Credits(number, "ects.given")


def ects_in_text(text: str | None) -> float | None:
    """An explicit 'N ECTS' statement in a text (workload, certificate, title); None when there is none."""
    if not text or "ects" not in text.lower():
        return None
    m = _ECTS_TEXT.search(text)
    if not m:
        return None
    value = to_float(next(g for g in m.groups() if g))
    return value if 0 < value <= MAX_ECTS else None


_CATS_HINT = re.compile(r"cats|uk credit", re.IGNORECASE)


def cats_in_text(text: str | None) -> float | None:
    """UK CATS credits ('15 CATS credits'); 2 CATS = 1 ECTS by the UK credit framework's own conversion."""
    if not text or not _CATS_HINT.search(text):
        return None
    m = _CATS_TEXT.search(text)
    if not m:
        return None
    value = to_float(next(g for g in m.groups() if g))
    return value if 0 < value <= MAX_ECTS * 2 else None


def estimate_ects(hours_min: float, hours_max: float) -> Credits:
    """ECTS from notional hours at 25-30 h per credit; the note keeps the range and the arithmetic."""
    mid = (hours_min + hours_max) / 2
    value = round(mid / HOURS_PER_ECTS_MID, 1)
    lo, hi = hours_min / HOURS_PER_ECTS_MAX, hours_max / HOURS_PER_ECTS_MIN
    note = (
        f"{hours_min:g}-{hours_max:g} h / 25-30 h per ECTS = {lo:.2g}-{hi:.2g} ECTS; "
        f"midpoint {mid:g} h / 27.5 = {value:g}"
    )
    if value <= 0:
        return Credits(None, "ects.too_small_to_estimate", note)
    if value > MAX_ECTS:
        return Credits(None, "ects.too_large_to_estimate", note)
    return Credits(value, "ects.estimated_from_hours", note)


# ---- EQF ---------------------------------------------------------------------------------------------------

# The level digit must not carry a sign ('EQF -3', 'level: -3' are no level 3; 'EQF-6' is a hyphenated level 6)
# nor be part of a longer number ('EQF 12', 'EQF 6.5').
_EQF_EXPLICIT = re.compile(
    r"(?:\beqf|/snb/eqf/|european qualifications? framework)\D{0,12}"
    r"(?<![\d.,\u2212])(?<![\s:=(]-)([1-8])\b(?![.,]\d)",
    re.IGNORECASE,
)
# National frameworks referenced to the EQF: the words that name each in text here, its levels as the referencing
# reports map them in the shipped table models/reference/qf_levels.csv (also the warehouse's qf_levels).
_NQF_WORDS = (
    (re.compile(r"\bscqf\D{0,8}(\d{1,2})\b", re.IGNORECASE), "SCQF"),
    (re.compile(r"\b(?:rqf|fheq|cqfw)\D{0,8}(\d)\b", re.IGNORECASE), "RQF/FHEQ"),
    # Ireland's 10-level NFQ (referencing report 2009): 5 -> 4, 6 -> 5, 7 and 8 -> 6, 9 -> 7, 10 -> 8.
    (
        _NFQ_IE := re.compile(
            r"\b(?:nfq|(?:irish )?national framework of qualifications)\W{0,3}(?:level\W{0,3})?"
            r"(\d{1,2})\b",
            re.IGNORECASE,
        ),
        "Irish NFQ",
    ),
    (
        re.compile(r"\b(?:dqr|nqf|nlqf|kvalifikationsramme\w*|qualifikationsrahmen)\D{0,8}([1-8])\b", re.IGNORECASE),
        "national framework referenced 1:1 to EQF",
    ),
)


def _framework_levels() -> dict[str, dict[int, int]]:
    levels: dict[str, dict[int, int]] = {}
    for r in reference.rows("qf_levels"):
        levels.setdefault(r["framework"], {})[int(r["framework_level"])] = int(r["eqf_level"])
    missing = {name for _, name in _NQF_WORDS} - set(levels)
    if missing:
        raise ValueError(f"models/reference/qf_levels.csv lacks the frameworks {sorted(missing)}")
    return levels


_LEVELS = _framework_levels()
_NQF = tuple((rx, name, _LEVELS[name]) for rx, name in _NQF_WORDS)
_NFQ_TO_EQF = _LEVELS["Irish NFQ"]
# Programme / qualification levels (source vocabularies first, then words in English, Danish, German, French).
_LEVEL_WORDS = (
    (
        8,
        re.compile(
            r"\b(?:dtu_phd|ph\.?\s?d|doctoral|doctorate|doktor\w*|ph\.d\.-niveau|phd-niveau|promotion"
            r"|third[- ]cycle|3rd cycle|doctorat)\b",
            re.IGNORECASE,
        ),
    ),
    (
        7,
        re.compile(
            r"\b(?:dtu_msc|m\.?\s?sc|master'?s?(?: level| degree| programme| program|niveau)?|masters"
            r"|kandidat\w*|postgraduate|post-graduate|graduate[- ]level|second[- ]cycle|2nd cycle"
            r"|micromasters|mastertrack|masterniveau|master-niveau)\b",
            re.IGNORECASE,
        ),
    ),
    (
        6,
        re.compile(
            r"\b(?:dtu_bsc|dtu_diplom|b\.?\s?sc|bachelor'?s?(?: level| degree|niveau)?|undergraduate"
            r"|first[- ]cycle|1st cycle|diplomingeniør|professionsbachelor|licence|microbachelors"
            r"|bachelorniveau|bachelor-niveau)\b",
            re.IGNORECASE,
        ),
    ),
    (
        5,
        re.compile(
            r"\b(?:short[- ]cycle|associate degree|erhvervsakademi\w*|akademiuddannelse|bts|hnd"
            r"|foundation degree)\b",
            re.IGNORECASE,
        ),
    ),
)
_UNDERGRAD = re.compile(r"\bundergraduate\b", re.IGNORECASE)
# In free text only a stated level counts ("at master's level"), never a bare word ("master the basics").
_LEVEL_PHRASE = re.compile(
    r"\b(?:at|on|of)\s+(?:the\s+)?(?P<w>master'?s?|bachelor'?s?|ph\.?d\.?|doctoral|postgraduate|graduate"
    r"|undergraduate)[- ]level\b|\b(?P<w2>master'?s?|bachelor'?s?|ph\.?d\.?|doctoral|postgraduate|graduate"
    r"|undergraduate)[- ]level (?:course|module|programme|program|credits?|micro-?credential)"
    r"|\bpå (?P<w3>kandidat|bachelor|master|ph\.?d)[- ]?niveau\b|\bauf (?P<w4>master|bachelor)[- ]?niveau\b"
    r"|\bau niveau (?P<w5>master|licence|doctorat)\b",
    re.IGNORECASE,
)
_DIFFICULTY = re.compile(
    r"^(?:introductory|beginner|beginners|intermediate|advanced|expert|all levels|basic"
    r"|foundational|mixed|einsteiger|fortgeschritten\w*|grundlæggende|avanceret|débutant|avancé)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Level:
    value: int | None
    rule: str
    note: str | None = None


@lru_cache(maxsize=1024)
def parse_eqf(value: str | int | None) -> Level:
    """An EQF level as given: 6, '6', 'EQF 6', 'EQF level 6', 'http://data.europa.eu/snb/eqf/6'."""
    if value is None or value == "":
        return Level(None, "eqf.absent")
    if isinstance(value, int) and not isinstance(value, bool):
        return Level(value, "eqf.given") if 1 <= value <= 8 else Level(None, "eqf.invalid", f"{value} is not 1-8")
    text = str(value).strip()
    if text.isdigit():
        return parse_eqf(int(text))
    m = _EQF_EXPLICIT.search(text) or re.fullmatch(r"(?:level\s*)?([1-8])", text, re.IGNORECASE)
    if m:
        return Level(int(m.group(1)), "eqf.given")
    return Level(None, "eqf.invalid", f"no EQF level in {text!r}")


def eqf_in_text(text: str | None, low: str | None = None) -> int | None:
    """An explicit 'EQF level N' in a text (`low`: the text lower-cased, when the caller has it)."""
    if not text:
        return None
    low = text.lower() if low is None else low
    if "eqf" not in low and "qualifications framework" not in low:
        return None
    m = _EQF_EXPLICIT.search(text)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=2048)
def infer_eqf_from_level(level: str | None) -> Level:
    """EQF from a programme / framework level label ('DTU_MSC', 'Master', 'SCQF 9'); difficulty infers nothing."""
    if not level or not level.strip():
        return Level(None, "eqf.absent")
    text = level.strip()
    if _DIFFICULTY.match(text):
        return Level(None, "eqf.not_inferred", f"{text!r} is a difficulty, not a qualification level")
    for rx, name, table in _NQF:
        m = rx.search(text)
        if m and int(m.group(1)) in table:
            eqf = table[int(m.group(1))]
            note = f"{name} level {m.group(1)} -> EQF {eqf}"
            if name == "Irish NFQ":
                note += " (NFQ referencing report, 2009)"
            return Level(eqf, "eqf.inferred_from_framework_level", note)
    if re.fullmatch(r"graduate(?: level)?|grad", text, re.IGNORECASE):
        return Level(7, "eqf.inferred_from_programme_level", f"{text!r}: graduate (second cycle) -> EQF 7")
    if _UNDERGRAD.search(text):
        return Level(6, "eqf.inferred_from_programme_level", f"{text!r}: undergraduate (first cycle) -> EQF 6")
    for eqf, rx in _LEVEL_WORDS:
        m = rx.search(text)
        if m:
            return Level(
                eqf, "eqf.inferred_from_programme_level", f"{text!r} names a level: {m.group(0)!r} -> EQF {eqf}"
            )
    return Level(None, "eqf.not_inferred", f"{text!r} names no qualification level")


def infer_eqf_from_text(text: str | None, low: str | None = None) -> Level:
    """EQF from a stated level in free text ('a master's level course', 'på kandidatniveau')."""
    if not text:
        return Level(None, "eqf.absent")
    nfq = search_near(_NFQ_IE, text, ("nfq", "national framework of qualifications"), before=2, after=60, low=low)
    if nfq and nfq.groups[0]:  # the level group is not optional: always set on a match
        level = int(nfq.groups[0])
        eqf = _NFQ_TO_EQF.get(level)
        if eqf:
            return Level(
                eqf,
                "eqf.inferred_from_framework_level",
                f"states {nfq.text!r}: Irish NFQ level {level} -> EQF {eqf} (NFQ referencing report, 2009)",
            )
    m = search_near(_LEVEL_PHRASE, text, ("level", "niveau"), before=40, after=40, low=low)
    if not m:
        return Level(None, "eqf.not_inferred")
    word = next(g for g in m.groups if g).lower()
    if word.startswith("under"):
        eqf = 6
    elif word.startswith(("master", "kandidat", "postgraduate", "graduate")):
        eqf = 7
    elif word.startswith(("bachelor", "licence")):
        eqf = 6
    else:
        eqf = 8
    return Level(eqf, "eqf.inferred_from_text", f"states {m.text!r} -> EQF {eqf}")
