"""Dates to ISO 8601 from the forms sources use: ISO dates and timestamps, '13.01.2025', '13/01/2025',
'13 January 2025', 'January 13, 2025', '13. januar 2025', '13. Januar 2025', '13 janvier 2025', 'Jan 2025'.

Numeric day/month orders are read the European way (day first) except ISO's year-first form; a date outside
1990-2100 is refused as a placeholder (sources use 2124-01-01 or 1900-01-01 for 'no date').
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

MIN_YEAR, MAX_YEAR = 1990, 2100

_MONTHS = {
    # English, Danish, German, French (full and abbreviated)
    "january": 1,
    "jan": 1,
    "januar": 1,
    "janvier": 1,
    "janv": 1,
    "jänner": 1,
    "february": 2,
    "feb": 2,
    "februar": 2,
    "février": 2,
    "fevrier": 2,
    "févr": 2,
    "fev": 2,
    "march": 3,
    "mar": 3,
    "marts": 3,
    "märz": 3,
    "maerz": 3,
    "mars": 3,
    "april": 4,
    "apr": 4,
    "avril": 4,
    "avr": 4,
    "may": 5,
    "maj": 5,
    "mai": 5,
    "june": 6,
    "jun": 6,
    "juni": 6,
    "juin": 6,
    "july": 7,
    "jul": 7,
    "juli": 7,
    "juillet": 7,
    "juil": 7,
    "august": 8,
    "aug": 8,
    "août": 8,
    "aout": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "septembre": 9,
    "october": 10,
    "oct": 10,
    "oktober": 10,
    "okt": 10,
    "octobre": 10,
    "november": 11,
    "nov": 11,
    "novembre": 11,
    "december": 12,
    "dec": 12,
    "dezember": 12,
    "dez": 12,
    "décembre": 12,
    "decembre": 12,
    "déc": 12,
}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_D_MONTH_Y = re.compile(r"^(?:\w+,?\s+)?(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")
_MONTH_D_Y = re.compile(r"^(?:\w+,?\s+)?([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_Y = re.compile(r"^([^\W\d_]+)\.?\s+(\d{4})$")


def _make(y: int, m: int, d: int) -> date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def parse_date(value: str | None) -> tuple[date | None, str]:
    """(date, rule); date None with the reason as rule note when the text is no plausible date."""
    if value is None:
        return None, "empty"
    text = str(value).strip()
    if not text:
        return None, "empty"
    if m := _ISO.match(text):
        out = _make(int(m[1]), int(m[2]), int(m[3]))
        return (out, "dates.iso8601") if out else (None, _why(int(m[1]), text))
    if m := _YMD.match(text):
        out = _make(int(m[1]), int(m[2]), int(m[3]))
        return (out, "dates.year_month_day") if out else (None, _why(int(m[1]), text))
    if m := _DMY.match(text):
        out = _make(int(m[3]), int(m[2]), int(m[1]))
        return (out, "dates.day_month_year") if out else (None, _why(int(m[3]), text))
    if m := _ISO_MONTH.match(text):
        out = _make(int(m[1]), int(m[2]), 1)
        return (out, "dates.month_only_first_day") if out else (None, _why(int(m[1]), text))
    low = text.lower()
    if m := _D_MONTH_Y.match(low):
        month = _MONTHS.get(m[2])
        out = _make(int(m[3]), month, int(m[1])) if month else None
        return (out, "dates.day_monthname_year") if out else (None, _why(int(m[3]), text))
    if m := _MONTH_D_Y.match(low):
        month = _MONTHS.get(m[1])
        out = _make(int(m[3]), month, int(m[2])) if month else None
        return (out, "dates.monthname_day_year") if out else (None, _why(int(m[3]), text))
    if m := _MONTH_Y.match(low):
        month = _MONTHS.get(m[1])
        out = _make(int(m[2]), month, 1) if month else None
        return (out, "dates.month_only_first_day") if out else (None, _why(int(m[2]), text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, f"not a recognised date: {text!r}"
    out = _make(parsed.year, parsed.month, parsed.day)
    return (out, "dates.iso8601") if out else (None, _why(parsed.year, text))


def _why(year: int, text: str) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"year {year} outside {MIN_YEAR}-{MAX_YEAR}: a placeholder, not a date ({text!r})"
    return f"not a valid calendar date: {text!r}"
