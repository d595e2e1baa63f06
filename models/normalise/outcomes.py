"""Learning outcomes from free text: only bullet lists introduced by an outcome cue, never invented.

Sources without structured outcome fields often publish them as a list after "What you'll learn",
"Learning outcomes" or "By the end of this course you will be able to". Lists elsewhere in a description
(topics, testimonials, requirements) are not outcomes and are ignored.
"""

from __future__ import annotations

import html
import re
from functools import cache, lru_cache
from typing import Any

from lxml import etree

_CUE_PATTERN = (
    r"(learning outcomes?|learning objectives?|intended outcomes?|what (you.ll|you will|will you) (learn|achieve"
    r"|be able to)|you will (learn|be able to|gain)|you.ll (learn|be able to)|(students?|learners?|participants?)"
    r" (will|should) be able to|by the end of (the|this) (course|module|program(me)?)|on completion of|upon "
    r"(successful )?completion|after (completing|taking) (the|this) (course|module)|skills you.ll gain"
    r"|what will i learn|(participant|key|learner) takeaways|was (lerne ich|lernst du|lernen sie)"
    r"|lernziele|nach (dem kurs|abschluss)|objectifs (d.apprentissage|pédagogiques)"
    r"|læringsmål|kursets mål)"
)
# The cue for text already lower-cased: case-insensitive matching is several times slower in `re`.
_CUE_LOW = re.compile(_CUE_PATTERN)
# Every cue contains one of these words, so a text containing none of them (lower-cased) has no cue; `in` on a
# string is a C substring search, far cheaper than running the alternation at every position.
_CUE_WORDS = (
    "learn",
    "lern",
    "outcome",
    "objective",
    "able to",
    "achieve",
    "gain",
    "by the end of",
    "completion",
    "after complet",
    "after taking",
    "takeaway",
    "nach dem kurs",
    "nach abschluss",
    "objectifs",
    "ringsm",
    "kursets m",
)
_LIST_TAG = re.compile(r"<(?:ul|ol)\b", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_BULLET = re.compile(r"^\s*(?:[-*•▪◦·–]|\d{1,2}[.)]|[a-z][.)])\s+(.+)$")
MAX_OUTCOME_CHARS = 600


_BEFORE, _AFTER = 40, 60  # a cue starts at most 23 characters before its word and is at most 30 characters long


def has_cue(text: str) -> bool:
    """An outcome cue ("What you'll learn", "Learning outcomes", "Lernziele" ...) somewhere in the text.

    The cue expression only runs in a small window around each occurrence of a cue word: running it over a whole
    description costs some 40 ns a character (an alternation tried at every position)."""
    low = text.lower()
    for word in _CUE_WORDS:
        i = low.find(word)
        while i != -1:
            if _CUE_LOW.search(low, max(0, i - _BEFORE), i + _AFTER) is not None:
                return True
            i = low.find(word, i + 1)
    return False


def _may_have_cue(markup: str) -> bool:
    """False only when no text of the document (tags removed, entities decoded) can contain a cue."""
    markup = markup.replace("<!--", " ").replace("-->", " ")  # comment text counts as own text of its parent
    plain = html.unescape(_ANY_TAG.sub(" ", markup))
    if has_cue(" ".join(plain.split())):
        return True
    # Strings of one element joined without a space (a cue split by an inline tag, as own-text checks read it).
    return has_cue(" ".join(html.unescape(_ANY_TAG.sub("", markup)).split()))


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)  # comments and processing instructions have a function as their tag


def _previous_element(node: Any) -> Any:
    prev = node.getprevious()
    while prev is not None and not _is_element(prev):
        prev = prev.getprevious()
    return prev


_HIDDEN = ("script", "style", "template")


def _strings(node: Any, out: list[str]) -> list[str]:
    """The text a reader sees: script, style and template content below the node is left out."""
    if node.text:
        out.append(node.text)
    for child in node:
        if _is_element(child) and child.tag not in _HIDDEN:
            _strings(child, out)
        if child.tail:
            out.append(child.tail)
    return out


def _text(node: Any) -> str:
    return " ".join(" ".join(_strings(node, [])).split())


def _own_text(node: Any) -> str:
    """The element's own strings: its text, its children's tails and (as BeautifulSoup counted them) comments."""
    parts = [node.text or ""]
    for child in node:
        if not _is_element(child) and child.text:
            parts.append(child.text)
        parts.append(child.tail or "")
    return "".join(parts)


def _cue_before(lst: Any) -> bool:
    """The heading/paragraph right before a list (or the list's own lead-in) states it lists outcomes."""
    node = lst
    for _ in range(2):  # a list wrapped in <section>/<div> takes its cue from the wrapper's heading
        parent = node.getparent()
        if (
            _previous_element(node) is not None
            or parent is None
            or parent.tag not in ("section", "div")
            or _own_text(parent).strip()
        ):
            break
        node = parent
    prev = _previous_element(node)
    hops = 0
    while prev is not None and hops < 2:
        text = _text(prev)
        if text:
            return has_cue(text)
        prev, hops = _previous_element(prev), hops + 1
    parent = lst.getparent()
    if parent is not None and parent.tag not in ("body", "html"):
        return has_cue(_own_text(parent))
    return False


def _from_html(markup: str) -> list[str]:
    try:
        root = etree.HTML(markup)
    except (ValueError, etree.ParserError):
        return []
    if root is None:
        return []
    out: list[str] = []
    for lst in root.iter("ul", "ol"):
        if any(True for _ in lst.iterancestors("ul", "ol")) or not _cue_before(lst):
            continue
        out.extend(_text(li) for li in lst.iterchildren("li"))
    return out


def _from_text(text: str) -> list[str]:
    out: list[str] = []
    in_list = False
    for line in text.splitlines():
        m = _BULLET.match(line)
        if not m and has_cue(line):
            in_list = True
            continue
        if in_list and m:
            out.append(m.group(1).strip())
        elif in_list and out and line.strip():
            in_list = False
    return out


def extract_outcomes(value: str | None) -> list[str]:
    """Outcome statements listed after an outcome cue in HTML or plain text; [] when there are none."""
    if not value:
        return []
    if _LIST_TAG.search(value):
        # Parsing the markup is the expensive part: only when some text could be a cue.
        found = _from_html(value) if _may_have_cue(value) else []
    else:
        found = _from_text(value) if has_cue(value) else []
    seen: dict[str, None] = {}
    for item in found:
        item = item.strip(" ;,.").strip()
        if 3 <= len(item) <= MAX_OUTCOME_CHARS:
            seen.setdefault(item, None)
    return list(seen)


# ---- Statements: one outcome per row, deduplicated, language detected (used by models.normalise.offer) -------

MAX_BLOCK_CHARS = 4000  # one "outcome" longer than this is a pasted description, not a list of statements
MAX_STATEMENTS = 60
DETECT_MIN_CHARS = 20
DETECT_MIN_PROB = 0.8
DETECT_LANGUAGES = (
    "en",
    "da",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "sv",
    "no",
    "fi",
    "pl",
    "pt",
    "cs",
    "et",
    "el",
    "hu",
    "ro",
    "bg",
    "hr",
    "sk",
    "sl",
    "lt",
    "lv",
    "ga",
    "mt",
    "is",
    "tr",
    "ru",
    "uk",
    "ar",
    "zh",
)

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
