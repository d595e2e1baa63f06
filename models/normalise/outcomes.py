"""Learning outcomes from free text: only bullet lists introduced by an outcome cue, never invented.

Sources without structured outcome fields often publish them as a list after "What you'll learn",
"Learning outcomes" or "By the end of this course you will be able to". Lists elsewhere in a description
(topics, testimonials, requirements) are not outcomes and are ignored.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag

CUE = re.compile(
    r"(learning outcomes?|learning objectives?|intended outcomes?|what (you.ll|you will|will you) (learn|achieve"
    r"|be able to)|you will (learn|be able to|gain)|you.ll (learn|be able to)|(students?|learners?|participants?)"
    r" (will|should) be able to|by the end of (the|this) (course|module|program(me)?)|on completion of|upon "
    r"(successful )?completion|after (completing|taking) (the|this) (course|module)|skills you.ll gain"
    r"|what will i learn|(participant|key|learner) takeaways|was (lerne ich|lernst du|lernen sie)"
    r"|lernziele|nach (dem kurs|abschluss)|objectifs (d.apprentissage|pédagogiques)"
    r"|læringsmål|kursets mål)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•▪◦·–]|\d{1,2}[.)]|[a-z][.)])\s+(.+)$")
MAX_OUTCOME_CHARS = 600


def _text(node: Tag | NavigableString) -> str:
    return " ".join(node.get_text(" ").split()) if isinstance(node, Tag) else " ".join(str(node).split())


def _cue_before(lst: Tag) -> bool:
    """The heading/paragraph right before a list (or the list's own lead-in) states it lists outcomes."""
    node = lst
    for _ in range(2):  # a list wrapped in <section>/<div> takes its cue from the wrapper's heading
        parent = node.parent
        if node.find_previous_sibling() is not None or not isinstance(parent, Tag) \
                or parent.name not in ("section", "div") \
                or "".join(parent.find_all(string=True, recursive=False)).strip():
            break
        node = parent
    prev = node.find_previous_sibling()
    hops = 0
    while prev is not None and hops < 2:
        text = _text(prev)
        if text:
            return bool(CUE.search(text))
        prev, hops = prev.find_previous_sibling(), hops + 1
    parent = lst.parent
    if isinstance(parent, Tag) and parent.name not in ("body", "html", "[document]"):
        own = "".join(str(s) for s in parent.find_all(string=True, recursive=False))
        return bool(CUE.search(own))
    return False


def _from_html(markup: str) -> list[str]:
    soup = BeautifulSoup(markup, "lxml")
    out: list[str] = []
    for lst in soup.find_all(["ul", "ol"]):
        if lst.find_parent(["ul", "ol"]) is not None or not _cue_before(lst):
            continue
        out.extend(_text(li) for li in lst.find_all("li", recursive=False))
    return out


def _from_text(text: str) -> list[str]:
    out: list[str] = []
    in_list = False
    for line in text.splitlines():
        if CUE.search(line) and not _BULLET.match(line):
            in_list = True
            continue
        m = _BULLET.match(line)
        if in_list and m:
            out.append(m.group(1).strip())
        elif in_list and out and line.strip():
            in_list = False
    return out


def extract_outcomes(value: str | None) -> list[str]:
    """Outcome statements listed after an outcome cue in HTML or plain text; [] when there are none."""
    if not value:
        return []
    found = _from_html(value) if re.search(r"<(ul|ol)\b", value, re.IGNORECASE) else _from_text(value)
    seen: dict[str, None] = {}
    for item in found:
        item = item.strip(" ;,.").strip()
        if 3 <= len(item) <= MAX_OUTCOME_CHARS:
            seen.setdefault(item, None)
    return list(seen)


# ---- Statements: one outcome per row, deduplicated, language detected (used by models.normalise.offer) -------

MAX_BLOCK_CHARS = 4000        # one "outcome" longer than this is a pasted description, not a list of statements
MAX_STATEMENTS = 60
DETECT_MIN_CHARS = 20
DETECT_MIN_PROB = 0.8
DETECT_LANGUAGES = ("en", "da", "de", "fr", "es", "it", "nl", "sv", "no", "fi", "pl", "pt", "cs", "et", "el",
                    "hu", "ro", "bg", "hr", "sk", "sl", "lt", "lv", "ga", "mt", "is", "tr", "ru", "uk", "ar", "zh")

_LINE_BULLET = re.compile(r"^\s*(?:[-*•▪◦·–]|\d{1,2}[.)]|[a-z][.)])\s+")
_INLINE_BULLET = re.compile(r"\s*(?:[•▪◦·]|\s[–-]\s(?=[A-ZÆØÅÄÖÜ])|(?<=[.;:])\s+\d{1,2}[.)]\s+)\s*")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÆØÅÄÖÜÉ0-9])")
_KEY = re.compile(r"[\W_]+")


def split_statements(text: str) -> list[str]:
    """One statement per row: lines, bullets, and (for long blocks only) sentences become separate statements."""
    lines = text.splitlines()
    if len(lines) == 1 and len(text) <= MAX_OUTCOME_CHARS and not _INLINE_BULLET.search(text):
        return [" ".join(text.split())] if text.strip() else []  # one statement keeps its text as published
    pieces: list[str] = []
    for line in lines:
        line = _LINE_BULLET.sub("", line).strip()
        if not line:
            continue
        parts = [p for p in _INLINE_BULLET.split(line) if p and p.strip()]
        for part in parts:
            part = " ".join(part.split())
            if len(part) > MAX_OUTCOME_CHARS:
                pieces.extend(" ".join(s.split()) for s in _SENTENCE.split(part) if s.strip())
            elif part:
                pieces.append(part)
    return [p for p in pieces if p]


def statement_key(text: str) -> str:
    """Duplicate key: case, punctuation and spacing do not make two statements different."""
    return _KEY.sub(" ", text.casefold()).strip()


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ident.set_languages(list(DETECT_LANGUAGES))
    return ident


@lru_cache(maxsize=65536)
def detect_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1, probability) by py3langid over EU and common languages; None below 20 chars or 0.8 probability."""
    if len(text) < DETECT_MIN_CHARS:
        return None, 0.0
    lang, prob = _identifier().classify(text)
    return (lang, float(prob)) if prob >= DETECT_MIN_PROB else (None, float(prob))
