"""Durations and study efforts in the forms sources use, to weeks and to notional hours.

Sources say "4-8 hours/week", "3 hours per week", "10-12 hrs/week", "PT60H", "P6W", "6 weeks", "3 months",
"self-paced", "4 timer om ugen", "6 Wochen", "4 heures par semaine", "12 meses". Parsing is split in two:
`parse_effort` reads how much study a text states (total or per week/day/month), `parse_duration` how long
the offer runs; `notional_hours` combines them. Implausible values ("0 hours", "999 weeks") are refused with a
reason rather than guessed at, so the raw text stays the only value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from models.normalise.numbers import NUM, to_float

Per = Literal["total", "week", "day", "month"]

WEEKS_PER_MONTH = 52 / 12
WEEKS_PER_YEAR = 52.0
MAX_HOURS_PER_WEEK = 80.0  # more than a full-time job plus overtime is a typo or a total
MAX_HOURS_PER_DAY = 16.0
MAX_TOTAL_HOURS = 7200.0  # 240 ECTS x 30 h: a whole master's degree
MAX_WEEKS = 260.0  # five years

_HOURS = r"(?:hours?|hrs?\.?|hr\.?|h|timer|time|t|std\.?|stunden?|heures?|horas?|ore|uur)"
_MINUTES = r"(?:minutes?|mins?\.?|minutter|minuten|min\.?)"
_WEEK = r"(?:weeks?|wks?\.?|uger?|ugen|wochen?|woche|semaines?|semanas?|settimane|settimana|weken|week)"
_DAY = r"(?:days?|dage?|dagen|tage?n?|jours?|d[ií]as?|giorni|dagen)"
_MONTH = r"(?:months?|måneder|måned|maaned(?:er)?|monate?n?|monat|mois|mes(?:es)?|mesi|maanden?)"
_YEAR = r"(?:years?|yrs?|år|jahre?n?|ans?|années?|años?|anni|jaar)"
_RANGE_SEP = r"\s*(?:-|–|—|to|til|bis|à|a|au|y|tot)\s*"
_PER = r"\s*(?:/|per|a|an|each|every|pr\.?|om|i|hver|pro|je|in der|par|la|por|al|a la|à la)?\s*"

_EFFORT = re.compile(
    rf"(?P<lo>{NUM})(?:{_RANGE_SEP}(?P<hi>{NUM}))?\s*(?:-\s*)?(?P<unit>{_HOURS}|{_MINUTES})(?![a-zæøåäöüé])"
    rf"(?:{_PER}(?P<per>{_WEEK}|{_DAY}|{_MONTH})(?![a-zæøåäöüé])|\s*(?P<adv>weekly|ugentligt|wöchentlich"
    rf"|hebdomadaires?|semanales|daily|dagligt|täglich|par jour|monthly|månedligt|monatlich))?",
    re.IGNORECASE,
)
_SPAN = re.compile(
    rf"(?P<lo>{NUM})(?:{_RANGE_SEP}(?P<hi>{NUM}))?\s*(?:-\s*)?(?P<unit>{_WEEK}|{_DAY}|{_MONTH}|{_YEAR})"
    r"(?![a-zæøåäöüé])",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"^P(?!$)(?:(?P<Y>\d+(?:[.,]\d+)?)Y)?(?:(?P<M>\d+(?:[.,]\d+)?)M)?(?:(?P<W>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<D>\d+(?:[.,]\d+)?)D)?(?:T(?=\d)(?:(?P<H>\d+(?:[.,]\d+)?)H)?(?:(?P<MI>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<S>\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)
SELF_PACED = re.compile(
    r"self[- ]?paced|self[- ]study|on[- ]demand|at your own pace|in your own time|learn at your own|flexible pace"
    r"|i (?:dit )?eget tempo|selvstudie|im eigenen tempo|selbstgesteuert|selbstlern|à (?:votre|son|ton) rythme"
    r"|en autonomie|a tu (?:propio )?ritmo|al tuo ritmo|in je eigen tempo",
    re.IGNORECASE,
)
_WEEK_RE = re.compile(_WEEK + "$", re.IGNORECASE)
_DAY_RE = re.compile(_DAY + "$", re.IGNORECASE)
_MONTH_RE = re.compile(_MONTH + "$", re.IGNORECASE)
_MIN_RE = re.compile(_MINUTES + "$", re.IGNORECASE)
_WEEKLY = ("weekly", "ugentligt", "wöchentlich", "hebdomadaire", "hebdomadaires", "semanales")
_DAILY = ("daily", "dagligt", "täglich", "par jour")


@dataclass(frozen=True, slots=True)
class Effort:
    """Study effort stated by a text: hours (lo-hi) in total or per week/day/month."""

    lo: float | None = None
    hi: float | None = None
    per: Per | None = None
    self_paced: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """How long an offer runs, in weeks (lo-hi), or the days/months it was stated in."""

    weeks_lo: float | None = None
    weeks_hi: float | None = None
    unit: str | None = None  # the unit as stated: week, day, month, year
    lo: float | None = None  # the value in that unit
    hi: float | None = None
    self_paced: bool = False
    error: str | None = None


def parse_iso8601(text: str) -> dict[str, float] | None:
    """'P6W' -> {'W': 6}; 'PT60H' -> {'H': 60}; None when `text` is not an ISO 8601 duration."""
    m = _ISO.match(text.strip())
    if not m:
        return None
    return {k: to_float(v) for k, v in m.groupdict().items() if v is not None}


def _ordered(lo: float, hi: float | None) -> tuple[float, float]:
    hi = lo if hi is None else hi
    return (lo, hi) if lo <= hi else (hi, lo)


@lru_cache(maxsize=4096)
def parse_effort(text: str | None) -> Effort:
    """The study effort a workload text states; `error` says why a text gives none."""
    if not text or not text.strip():
        return Effort(error="empty")
    iso = parse_iso8601(text)
    if iso is not None:
        if set(iso) <= {"H", "MI", "S"}:
            hours = iso.get("H", 0) + iso.get("MI", 0) / 60 + iso.get("S", 0) / 3600
            return _checked_effort(hours, hours, "total")
        return Effort(error="ISO 8601 duration with calendar parts is a duration, not an effort")
    m = _EFFORT.search(text)
    if not m:
        if SELF_PACED.search(text):
            return Effort(self_paced=True, error="self-paced: no effort stated")
        return Effort(error="no hours or minutes found")
    lo, hi = _ordered(to_float(m["lo"]), to_float(m["hi"]) if m["hi"] else None)
    if _MIN_RE.match(m["unit"]):
        lo, hi = lo / 60, hi / 60
    per: Per = "total"
    unit = (m["per"] or "").lower()
    adv = (m["adv"] or "").lower()
    if unit and _WEEK_RE.match(unit) or adv in _WEEKLY:
        per = "week"
    elif unit and _DAY_RE.match(unit) or adv in _DAILY:
        per = "day"
    elif unit and _MONTH_RE.match(unit) or adv in ("monthly", "månedligt", "monatlich"):
        per = "month"
    return _checked_effort(lo, hi, per, self_paced=bool(SELF_PACED.search(text)))


def _checked_effort(lo: float, hi: float, per: Per, self_paced: bool = False) -> Effort:
    limit = {
        "week": MAX_HOURS_PER_WEEK,
        "day": MAX_HOURS_PER_DAY,
        "month": MAX_HOURS_PER_WEEK * WEEKS_PER_MONTH,
        "total": MAX_TOTAL_HOURS,
    }[per]
    where = "" if per == "total" else f" per {per}"
    if lo <= 0:
        return Effort(error=f"{lo:g} hours{where} is not a workload")
    if hi > limit:
        return Effort(error=f"{hi:g} hours{where} exceeds the plausible maximum of {limit:g}")
    return Effort(lo=lo, hi=hi, per=per, self_paced=self_paced)


def _weeks(value: float, unit: str) -> float:
    if unit == "day":
        return value / 7
    if unit == "month":
        return value * WEEKS_PER_MONTH
    if unit == "year":
        return value * WEEKS_PER_YEAR
    return value


@lru_cache(maxsize=4096)
def parse_duration(text: str | None) -> Span:
    """How long a duration text says the offer runs, in weeks; `error` says why a text gives none."""
    if not text or not text.strip():
        return Span(error="empty")
    iso = parse_iso8601(text)
    if iso is not None:
        weeks = (
            iso.get("Y", 0) * WEEKS_PER_YEAR
            + iso.get("M", 0) * WEEKS_PER_MONTH
            + iso.get("W", 0)
            + iso.get("D", 0) / 7
            + (iso.get("H", 0) + iso.get("MI", 0) / 60) / (24 * 7)
        )
        unit = "month" if set(iso) == {"M"} else "day" if set(iso) == {"D"} else "week"
        value = iso.get("M") if unit == "month" else iso.get("D") if unit == "day" else weeks
        return _checked_span(weeks, weeks, unit, value, value)
    m = _SPAN.search(text)
    if not m:
        if SELF_PACED.search(text):
            return Span(self_paced=True, error="self-paced: no duration stated")
        return Span(error="no weeks, days, months or years found")
    raw_unit = m["unit"].lower()
    unit = (
        "week"
        if _WEEK_RE.match(raw_unit)
        else "day"
        if _DAY_RE.match(raw_unit)
        else "month"
        if _MONTH_RE.match(raw_unit)
        else "year"
    )
    lo, hi = _ordered(to_float(m["lo"]), to_float(m["hi"]) if m["hi"] else None)
    return _checked_span(_weeks(lo, unit), _weeks(hi, unit), unit, lo, hi, bool(SELF_PACED.search(text)))


def _checked_span(
    wlo: float, whi: float, unit: str, lo: float | None, hi: float | None, self_paced: bool = False
) -> Span:
    if wlo <= 0:
        return Span(error=f"a duration of {lo:g} {unit}s is not a duration")
    if whi > MAX_WEEKS:
        return Span(error=f"{hi:g} {unit}s ({whi:.0f} weeks) exceeds the plausible maximum of {MAX_WEEKS:g} weeks")
    return Span(weeks_lo=wlo, weeks_hi=whi, unit=unit, lo=lo, hi=hi, self_paced=self_paced)


@dataclass(frozen=True, slots=True)
class Hours:
    """Notional hours and how they were obtained."""

    lo: float | None
    hi: float | None
    rule: str
    note: str


def _r(x: float) -> float:
    return round(x, 1)


def notional_hours(effort: Effort, span: Span | None) -> Hours:
    """Total notional hours from an effort and, for efforts per week/day/month, the offer's duration."""
    if effort.lo is None or effort.hi is None or effort.per is None:
        return Hours(None, None, "workload.unparsed", effort.error or "no effort")
    if effort.per == "total":
        return Hours(_r(effort.lo), _r(effort.hi), "workload.total_hours", f"{effort.lo:g}-{effort.hi:g} h in total")
    if span is None or span.weeks_lo is None or span.weeks_hi is None:
        return Hours(
            None,
            None,
            "workload.per_period_without_duration",
            f"{effort.lo:g}-{effort.hi:g} h per {effort.per}, but no duration to multiply by",
        )
    if effort.per == "week":
        lo, hi = effort.lo * span.weeks_lo, effort.hi * span.weeks_hi
        return Hours(
            _r(lo),
            _r(hi),
            "workload.hours_per_week_x_weeks",
            f"{effort.lo:g}-{effort.hi:g} h/week x {span.weeks_lo:g}-{span.weeks_hi:g} weeks",
        )
    if effort.per == "day":
        if span.unit != "day" or span.lo is None or span.hi is None:
            return Hours(
                None,
                None,
                "workload.per_period_without_duration",
                f"{effort.lo:g}-{effort.hi:g} h per day, but the duration is not given in days",
            )
        return Hours(
            _r(effort.lo * span.lo),
            _r(effort.hi * span.hi),
            "workload.hours_per_day_x_days",
            f"{effort.lo:g}-{effort.hi:g} h/day x {span.lo:g}-{span.hi:g} days",
        )
    months_lo, months_hi = span.weeks_lo / WEEKS_PER_MONTH, span.weeks_hi / WEEKS_PER_MONTH
    return Hours(
        _r(effort.lo * months_lo),
        _r(effort.hi * months_hi),
        "workload.hours_per_month_x_months",
        f"{effort.lo:g}-{effort.hi:g} h/month x {months_lo:.3g}-{months_hi:.3g} months",
    )
