"""Numbers as sources write them: '7,5', '7.5', '1.500,00', '3,500', '1 500'."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: str) -> float | None:
    """A decimal number in English or continental notation; None when `text` is not one.

    A separator is a thousands separator only where the digits are grouped as thousands: one to three digits, then
    groups of exactly three ('3,500', '1.500', '1.234.567'); otherwise it is the decimal mark ('7,5', '49.00',
    '1378413989.154': ten digits before the point cannot be a thousands group). With both separators the last one is
    the decimal mark. Separators that group no way a number is written ('12.34.56') make it no number.
    """
    s = _SPACES.sub("", text.strip())
    if not s:
        return None
    neg = s.startswith("-")
    s = s.lstrip("+-")
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


NUM = r"\d+(?:[.,]\d+)?"


def to_float(text: str) -> float:
    """A number matched by `NUM` (decimal comma or point, no thousands separator)."""
    return float(text.replace(",", "."))
