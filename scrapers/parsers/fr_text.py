"""Text helpers of the French training-offer parsers (LHÉO, Mon Compte Formation, CDM-fr).

* `repair`: text that was UTF-8 encoded twice ("identitÃ©" for "identité", mojibake) is decoded again with ftfy's
  encoding fixer (only the encoding is touched: quotes, ligatures and spacing stay as published); the parser records
  which fields it repaired (`extras.text_repaired`) and counts the records (`<source>/mojibake_repaired`).
* `scrubber`: contact data out of free text (`scrapers.parsers.privacy.Scrubber`). The contact elements themselves
  are never read; names found in them (whole and word by word), e-mail addresses, French phone numbers and
  "M./Mme <Name>" are replaced in every text an item keeps, because catalogues also write contacts into prose
  ("Responsable : M. Dupont, 03 88 ..").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ftfy

from scrapers.parsers.privacy import FRENCH_PHONE, Scrubber

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


def scrubber(names: Iterable[str] = ()) -> Scrubber:
    """The French parsers' scrubber: the record's contact names (whole and word by word), e-mail addresses, French
    phone numbers and civility + name; a removed name becomes "[contact]"."""
    return Scrubber(words=names, phones=FRENCH_PHONE, labels=False, civility=True, mark=CONTACT)
