"""Text helpers of the French training-offer parsers (LHÉO, Mon Compte Formation, CDM-fr).

* `repair`: text that was UTF-8 encoded twice ("identitÃ©" for "identité", mojibake) is decoded again with ftfy's
  encoding fixer (only the encoding is touched: quotes, ligatures and spacing stay as published); the parser records
  which fields it repaired (`extras.text_repaired`) and counts the records (`<source>/mojibake_repaired`).
* `Scrubber`: contact data out of free text. The contact elements themselves are never read; names found in them,
  e-mail addresses, French phone numbers and "M./Mme <Name>" are replaced in every text an item keeps, because
  catalogues also write contacts into prose ("Responsable : M. Dupont, 03 88 ..").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ftfy

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers: 0X XX XX XX XX, +33 (0)X .., 0033 X ..; separators space, dot or hyphen
PHONE = re.compile(r"(?<![\w+])(?:\+33\s?(?:\(0\)\s?)?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
# a civility followed by one to three capitalised words: "M. Michel Dupont", "Mme Durand"
CIVILITY = re.compile(
    r"\b(?:M\.|Mme|Mlle|Mr\.?|Dr\.?|Pr\.?|Monsieur|Madame|Mademoiselle)\s+"
    r"[A-ZÀ-ÖØ-Þ][\w'’-]*\.?(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*\.?){0,2}"
)
CONTACT = "[contact]"


def repair(text: str) -> tuple[str, bool]:
    """(text, whether it was repaired): double-encoded UTF-8 decoded again; plain ASCII is returned untouched."""
    if text.isascii():
        return text, False
    fixed = ftfy.fix_encoding(text)
    return fixed, fixed != text


def clean_lines(text: str | None) -> str | None:
    """Whitespace collapsed within lines, empty lines dropped; None when nothing is left."""
    if not text:
        return None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    value = "\n".join(line for line in lines if line)
    return value or None


_LIST_ITEM = re.compile(r"^(?:[-*•–·]|\d{1,2}[.)]|[a-z][.)])\s")
_LINE_END = re.compile(r"[.:;!?]$")


def reflow(text: str | None) -> str | None:
    """Lines joined where the source only wrapped them (indented XML prose): a line starts a new one only after a
    sentence end or a colon, or when it is a list item ("- ...", "1. ..."); list lines stay lines."""
    value = clean_lines(text)
    if value is None:
        return None
    out: list[str] = []
    for line in value.split("\n"):
        if out and not _LIST_ITEM.match(line) and not _LINE_END.search(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def without_marker(line: str) -> str:
    """A list line without its bullet or number ("- Informer ..." -> "Informer ...")."""
    return _LIST_ITEM.sub("", line, count=1).strip()


class Scrubber:
    """Removes the record's contact names, every e-mail address and phone number, and civility + name from text."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        found = {" ".join(n.split()) for n in names if n and len(n.strip()) > 2}
        parts = {p for n in found for p in n.split() if len(p) > 2}
        every = sorted(found | parts, key=len, reverse=True)  # a full name before its parts
        self.names = frozenset(every)
        self.pattern = re.compile("|".join(rf"\b{re.escape(n)}\b" for n in every)) if every else None

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        text = EMAIL.sub("[e-mail]", text)
        text = PHONE.sub("[phone]", text)
        text = CIVILITY.sub(CONTACT, text)
        if self.pattern is not None:
            text = self.pattern.sub(CONTACT, text)
        return re.sub(r"[ \t]+", " ", text).strip() or None

    @staticmethod
    def has_contact(text: str | None) -> bool:
        """Whether a text carries an e-mail address or a phone number (a contact line, not prose)."""
        return bool(text) and bool(EMAIL.search(text or "") or PHONE.search(text or ""))
