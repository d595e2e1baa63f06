"""ECTS credits and EQF levels: kept when the source gives them, converted, estimated or inferred only from explicit
signals.

ECTS: 1 credit = 25-30 hours of notional workload (ECTS Users' Guide 2015, section 3.2). An estimate is the
midpoint of the hours divided by 27.5, and the note records the range the guide's bounds allow. UK credits (CATS,
SCQF credit points: 10 notional hours each) are converted at the UK frameworks' published rate, 2 UK credits =
1 ECTS: a conversion, not an estimate. A given ECTS value is checked against the hours the same source states:
outside 12.5-60 h per ECTS (the guide's 25-30 h, off by more than a factor of 2) it is kept and explained as a
conflict (`ects.conflicts_with_hours`).

EQF: inferred only where the source names a qualification level (a programme level such as DTU_MSC,
"Master's level", a national framework level mapped by its EQF referencing report, models/reference/qf_levels.csv,
a platform credential tied to a degree level such as MicroMasters). Difficulty labels ("Introductory", "Advanced")
are not levels and infer nothing; neither is a stage of study ("Undergraduate" spans EQF 5 and 6 in the UK:
FHEQ 4-6; "Postgraduate" and "Graduate" span EQF 7 and 8).
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
# A given ECTS value contradicts the source's own hours when they are more than a factor of 2 off the guide's
# 25-30 h per credit: fewer than 12.5 h or more than 60 h per ECTS.
CONFLICT_FACTOR = 2.0
CONFLICT_HOURS_PER_ECTS_MIN = HOURS_PER_ECTS_MIN / CONFLICT_FACTOR
CONFLICT_HOURS_PER_ECTS_MAX = HOURS_PER_ECTS_MAX * CONFLICT_FACTOR
# UK credits (CATS, SCQF credit points) per ECTS credit: 10 notional hours each, 120 a year as 60 ECTS are.
UK_CREDITS_PER_ECTS = 2.0

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


def ects_from_uk_credits(uk_credits: float) -> Credits:
    """ECTS from UK credits (CATS, SCQF credit points) at the published 2:1 rate; the note keeps the arithmetic."""
    value = uk_credits / UK_CREDITS_PER_ECTS
    note = (
        f"{uk_credits:g} UK credits (CATS / SCQF credit points, 10 notional hours each) / {UK_CREDITS_PER_ECTS:g} "
        f"per ECTS = {value:g} ECTS"
    )
    return Credits(value, "ects.from_uk_cats", note)


def ects_hours_conflict(ects: float, hours_min: float, hours_max: float) -> str | None:
    """Why a given ECTS value contradicts the hours the same source states, or None when they agree within a factor
    of 2 of 25-30 h per ECTS (12.5-60 h per ECTS; a range of hours conflicts only when all of it is outside)."""
    if ects <= 0 or hours_min <= 0 or hours_max < hours_min:
        return None
    low, high = ects * CONFLICT_HOURS_PER_ECTS_MIN, ects * CONFLICT_HOURS_PER_ECTS_MAX
    if low <= hours_max and hours_min <= high:
        return None
    hours = f"{hours_min:g} h" if hours_min == hours_max else f"{hours_min:g}-{hours_max:g} h"
    per = f"{hours_min / ects:.3g}" + ("" if hours_min == hours_max else f"-{hours_max / ects:.3g}")
    return (
        f"{ects:g} ECTS stated with {hours} = {per} h per ECTS, outside {CONFLICT_HOURS_PER_ECTS_MIN:g}-"
        f"{CONFLICT_HOURS_PER_ECTS_MAX:g} h per ECTS (25-30 h per ECTS, ECTS Users' Guide 2015, within a factor of "
        f"{CONFLICT_FACTOR:g}); the hours fit {hours_min / HOURS_PER_ECTS_MAX:.2g}-{hours_max / HOURS_PER_ECTS_MIN:.2g}"
        " ECTS; the stated ECTS are kept"
    )


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


OPEN_UNIVERSITY = "Open University"
# The Open University's postgraduate level "M" is FHEQ level 7 (the OU's levels 1-3 are FHEQ 4-6, rows of the table);
# its level 0 (access and short courses) is below FHEQ level 4, on no framework level.
_OU_FHEQ_M = 7


def _framework_levels() -> tuple[dict[str, dict[int, int]], dict[tuple[str, int], str]]:
    """(framework -> level -> EQF level, (framework, level) -> the referencing report that maps it)."""
    levels: dict[str, dict[int, int]] = {}
    sources: dict[tuple[str, int], str] = {}
    for r in reference.rows("qf_levels"):
        level = int(r["framework_level"])
        levels.setdefault(r["framework"], {})[level] = int(r["eqf_level"])
        sources[(r["framework"], level)] = r["source"]
    missing = ({name for _, name in _NQF_WORDS} | {OPEN_UNIVERSITY}) - set(levels)
    if missing:
        raise ValueError(f"models/reference/qf_levels.csv lacks the frameworks {sorted(missing)}")
    if not all(sources.values()):
        raise ValueError("models/reference/qf_levels.csv: every row needs its source (the referencing report)")
    return levels, sources


_LEVELS, _SOURCES = _framework_levels()
_NFQ_TO_EQF = _LEVELS["Irish NFQ"]


def framework_eqf(framework: str, level: int) -> tuple[int, str] | None:
    """(EQF level, why) for a level of a framework in models/reference/qf_levels.csv; None where it has no row."""
    eqf = _LEVELS.get(framework, {}).get(level)
    if eqf is None:
        return None
    return eqf, f"{framework} level {level} -> EQF {eqf} (source: {_SOURCES[(framework, level)]})"


# Programme / qualification levels (source vocabularies first, then words in English, Danish, German, French).
# Qualifications named by the UK frameworks: PgCert / PgDip are FHEQ 7, CertHE FHEQ 4, DipHE and foundation degrees
# FHEQ 5 (EQF 7, 5, 5 by the UK referencing report). Stages of study (undergraduate, postgraduate, graduate) are no
# level: see _STAGE.
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
            r"|kandidat\w*|postgraduate (?:certificate|diploma)|pg ?cert|pg ?dip|second[- ]cycle|2nd cycle"
            r"|micromasters|mastertrack|masterniveau|master-niveau)\b",
            re.IGNORECASE,
        ),
    ),
    (
        6,
        re.compile(
            r"\b(?:dtu_bsc|dtu_diplom|b\.?\s?sc|bachelor'?s?(?: level| degree|niveau)?"
            r"|first[- ]cycle|1st cycle|diplomingeniør|professionsbachelor|licence|microbachelors"
            r"|bachelorniveau|bachelor-niveau)\b",
            re.IGNORECASE,
        ),
    ),
    (
        5,
        re.compile(
            r"\b(?:short[- ]cycle|associate degree|erhvervsakademi\w*|akademiuddannelse|bts|hnd"
            r"|foundation degree|certificate of higher education|diploma of higher education|cert ?he|dip ?he)\b",
            re.IGNORECASE,
        ),
    ),
)
# A stage of study names no single level: UK undergraduate study runs from FHEQ 4 to 6 (EQF 5 and 6: certificates,
# diplomas and foundation degrees below the bachelor's), postgraduate and graduate study from master's to doctorate
# (EQF 7 and 8). Such a word alone infers nothing; the explanation says why.
_STAGE = re.compile(r"\b(?P<w>under-?graduate|post-?graduate|graduate)\b", re.IGNORECASE)
_STAGE_SPAN = {"under": "EQF 5-6 (in the UK FHEQ levels 4-6: CertHE, DipHE, foundation and bachelor's degrees)"}
# In free text only a stated level counts ("at master's level"), never a bare word ("master the basics").
_LEVEL_PHRASE = re.compile(
    r"\b(?:at|on|of)\s+(?:the\s+)?(?P<w>master'?s?|bachelor'?s?|ph\.?d\.?|doctoral)[- ]level\b"
    r"|\b(?P<w2>master'?s?|bachelor'?s?|ph\.?d\.?|doctoral)[- ]level (?:course|module|programme|program|credits?"
    r"|micro-?credential)"
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


def _stage_note(text: str, word: str) -> str:
    span = _STAGE_SPAN.get(word.lower()[:5], "EQF 7-8 (master's to doctorate)")
    where = f"{text!r} names only {word!r}," if text.lower() != word.lower() else f"{word!r} is"
    return f"{where} a stage of study spanning {span}, not one qualification level: no EQF level"


@lru_cache(maxsize=2048)
def infer_eqf_from_level(level: str | None) -> Level:
    """EQF from a programme / framework level label ('DTU_MSC', 'Master', 'SCQF 9'); difficulty and a stage of study
    ('Undergraduate', 'Postgraduate') infer nothing, and the note says why."""
    if not level or not level.strip():
        return Level(None, "eqf.absent")
    text = level.strip()
    if _DIFFICULTY.match(text):
        return Level(None, "eqf.not_inferred", f"{text!r} is a difficulty, not a qualification level")
    for rx, name in _NQF_WORDS:
        m = rx.search(text)
        if m and (found := framework_eqf(name, int(m.group(1)))):
            eqf, why = found
            return Level(eqf, "eqf.inferred_from_framework_level", why)
    for eqf, rx in _LEVEL_WORDS:
        m = rx.search(text)
        if m:
            return Level(
                eqf, "eqf.inferred_from_programme_level", f"{text!r} names a level: {m.group(0)!r} -> EQF {eqf}"
            )
    if stage := _STAGE.search(text):
        return Level(None, "eqf.not_inferred", _stage_note(text, stage.group("w")))
    return Level(None, "eqf.not_inferred", f"{text!r} names no qualification level")


# Credit schemes (XCRI-CAP / MLO `credit`: scheme, level, value) whose levels are framework levels.
_SCHEME_FRAMEWORKS = (
    (re.compile(r"open university", re.IGNORECASE), OPEN_UNIVERSITY),
    (re.compile(r"\bscqf\b|scottish credit and qualifications", re.IGNORECASE), "SCQF"),
    (re.compile(r"\b(?:rqf|fheq|cqfw|qcf)\b", re.IGNORECASE), "RQF/FHEQ"),
    (re.compile(r"\bnfq\b|national framework of qualifications", re.IGNORECASE), "Irish NFQ"),
)


def _credit_level(framework: str, level: str) -> tuple[int | None, str]:
    """(EQF level or None, why) of one credit scheme's level."""
    code = level.strip().upper()
    if framework == OPEN_UNIVERSITY and code == "M":
        eqf, why = framework_eqf("RQF/FHEQ", _OU_FHEQ_M) or (None, "")
        return eqf, f"Open University level M (postgraduate) is FHEQ level {_OU_FHEQ_M}; {why}"
    number = int(code) if code.isdigit() else None
    found = framework_eqf(framework, number) if number is not None else None
    if found:
        return found
    if framework == OPEN_UNIVERSITY and number == 0:
        return None, "Open University level 0 (access and short courses) is below FHEQ level 4: no EQF level"
    return None, f"{framework} level {level.strip()!r} has no EQF level in models/reference/qf_levels.csv"


def infer_eqf_from_credits(credits: object) -> Level | None:
    """EQF from the framework levels of the credit schemes a record states (`extras.credits`: a list of scheme,
    level, value, as XCRI-CAP feeds give them, e.g. The Open University level 1 and SCQF level 7); the first scheme
    with a mapped level decides, and schemes that map elsewhere are named in the note. None when no scheme states a
    framework level."""
    if not isinstance(credits, list):
        return None
    found: list[tuple[int | None, str]] = []
    for credit in credits:
        if not isinstance(credit, dict):
            continue
        scheme, level = credit.get("scheme"), credit.get("level")
        if not isinstance(scheme, str) or not isinstance(level, str) or not level.strip():
            continue
        framework = next((name for rx, name in _SCHEME_FRAMEWORKS if rx.search(scheme)), None)
        if framework is not None:
            found.append(_credit_level(framework, level))
    if not found:
        return None
    mapped = [(eqf, why) for eqf, why in found if eqf is not None]
    if not mapped:
        return Level(None, "eqf.not_inferred", "; ".join(why for _, why in found))
    eqf, why = mapped[0]
    others = [w for e, w in mapped[1:] if e != eqf]
    if others:
        why += "; the record also states " + "; ".join(others) + f": the first scheme's level is kept (EQF {eqf})"
    return Level(eqf, "eqf.inferred_from_framework_level", why)


def infer_eqf_from_text(text: str | None, low: str | None = None) -> Level:
    """EQF from a stated level in free text ('a master's level course', 'på kandidatniveau', 'NFQ Level 9')."""
    if not text:
        return Level(None, "eqf.absent")
    nfq = search_near(_NFQ_IE, text, ("nfq", "national framework of qualifications"), before=2, after=60, low=low)
    if nfq and nfq.groups[0]:  # the level group is not optional: always set on a match
        found = framework_eqf("Irish NFQ", int(nfq.groups[0]))
        if found:
            eqf, why = found
            return Level(eqf, "eqf.inferred_from_framework_level", f"states {nfq.text!r}: {why}")
    m = search_near(_LEVEL_PHRASE, text, ("level", "niveau"), before=40, after=40, low=low)
    if not m:
        return Level(None, "eqf.not_inferred")
    word = next(g for g in m.groups if g).lower()
    if word.startswith(("master", "kandidat")):
        eqf = 7
    elif word.startswith(("bachelor", "licence")):
        eqf = 6
    else:
        eqf = 8
    return Level(eqf, "eqf.inferred_from_text", f"states {m.text!r} -> EQF {eqf}")
