"""Numbers as sources write them: '7,5', '7.5', '1.500,00', '3,500', '1 500'."""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: str) -> float | None:
    """A decimal number in English or continental notation; None when `text` is not one.

    A single separator followed by exactly three digits is a thousands separator ('3,500', '1.500'); otherwise it is
    the decimal mark ('7,5', '49.00'). With both separators the last one is the decimal mark.
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
        head, _, tail = s.rpartition(sep)
        if s.count(sep) > 1 or (len(tail) == 3 and head and head != "0"):
            s = s.replace(sep, "")
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
