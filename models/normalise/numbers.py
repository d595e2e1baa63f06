"""Numbers as sources write them: '7,5', '7.5', '1.500,00', '3,500', '1 500', '-5', '\u22125'.

`parse_number` is the project's one number parser: the rules and the parsers (edX prices, ELM credit points) all
read numbers through it, so '7,5' and '1,500' mean the same everywhere.

A leading minus (ASCII '-' or the Unicode minus sign U+2212) is part of the number, so that "-5 hours" reads as
minus five and the rules refuse it, instead of the sign being dropped and a plausible 5 hours kept. A hyphen
between two numbers ("4-8 hours") is a range separator, not a sign: `NUM` only takes a minus that does not follow
a digit.
"""

from __future__ import annotations

import math
import re
from typing import Any

_SPACES = re.compile(r"[\s\u00a0\u202f']")
MINUS = "-\u2212"  # ASCII hyphen-minus and the Unicode minus sign


def parse_number(value: Any) -> float | None:
    """A number given as a number or as text (English or continental notation); None when `value` is not one.

    Numbers pass through (finite ones only; a bool is no number); anything else is read as text.

    A separator is a thousands separator only where the digits are grouped as thousands: one to three digits, then
    groups of exactly three ('3,500', '1.500', '1.234.567'); otherwise it is the decimal mark ('7,5', '49.00',
    '1378413989.154': ten digits before the point cannot be a thousands group). With both separators the last one is
    the decimal mark. Separators that group no way a number is written ('12.34.56') make it no number.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    s = _SPACES.sub("", str(value).strip())
    if not s:
        return None
    neg = s[0] in MINUS
    if neg or s[0] == "+":
        s = s[1:]
    if not s or not s[0].isdigit() and not (s[0] in ".," and s[1:2].isdigit()):
        return None  # '--5', '+-5', '-+5': no number a source means
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        groups = s.split(sep)
        thousands = 1 <= len(groups[0]) <= 3 and groups[0] != "0" and all(len(g) == 3 for g in groups[1:])
        if thousands:
            s = s.replace(sep, "")
        elif len(groups) > 2:
            return None
        else:
            s = s.replace(sep, ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return -value if neg else value


# An optional minus sign written against the digits and not after a digit or decimal mark (so '4-8' stays a range
# and a '- ' list bullet is no sign), then the digits.
NUM = r"(?:(?<![\d.,])[-\u2212])?\d+(?:[.,]\d+)?"


def to_float(text: str) -> float:
    """A number matched by `NUM` (decimal comma or point, no thousands separator), its sign kept."""
    text = text.replace("\u2212", "-").replace(",", ".")
    return float(text)
