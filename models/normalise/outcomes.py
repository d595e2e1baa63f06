"""Learning outcomes from free text: only bullet lists introduced by an outcome cue, never invented.

Sources without structured outcome fields often publish them as a list after "What you'll learn",
"Learning outcomes" or "By the end of this course you will be able to". Lists elsewhere in a description
(topics, testimonials, requirements) are not outcomes and are ignored. A cue inside a rhetorical question ("Have you
ever thought about what you'll learn?") introduces nothing, and a question is never an outcome. A cued heading
followed by prose (no list) gives that prose; a field that *is* an outcome field (edX `outcome`, Udacity
`expected_learning`) gives its list items, or else its sentences that state an outcome ("you will learn to ...").
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
_BLOCK_TAG = re.compile(r"<(?:p|h[1-6]|div|br)\b", re.IGNORECASE)
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


_QUESTION_END = re.compile(r"\?[\s\"'”’»)\]]*$")
# A yes/no question addressed to the reader ("Have you ever ...?", "Do you want to ...?", "Are you ready ...?") is
# rhetorical: an outcome cue inside one ("... what you'll learn?") introduces nothing. "What will you achieve?" is
# a heading, not rhetoric, and stays a cue.
_RHETORICAL = re.compile(
    r"^[\W\d]*(?:have|has|had|did|do|does|are|were|is|would|could|can|will|shall|should|ever|want|wondering"
    r"|wonder|curious|interested|ready|looking|need|thinking|hast|habt|haben|hattest|willst|wollen|möchtest"
    r"|möchten|kennst|kennen|weißt|wissen|avez|voulez|êtes|saviez)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")


def is_question(text: str) -> bool:
    """The text ends with a question mark (closing quotes and brackets aside)."""
    return bool(_QUESTION_END.search(text))


def is_cue(text: str) -> bool:
    """An outcome cue (`has_cue`) in a sentence that is not a rhetorical question to the reader."""
    if not has_cue(text):
        return False
    for sentence in _SENTENCE_END.split(" ".join(text.split())):
        if has_cue(sentence) and not (is_question(sentence) and _RHETORICAL.match(sentence)):
            return True
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
            return is_cue(text)
        prev, hops = _previous_element(prev), hops + 1
    parent = lst.getparent()
    if parent is not None and parent.tag not in ("body", "html"):
        return is_cue(_own_text(parent))
    return False


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MAX_HEADING_CHARS = 150


def _is_heading(node: Any) -> bool:
    """A heading element, or a paragraph whose whole text is bold (`<p><strong>What you'll learn</strong></p>`)."""
    if not _is_element(node):
        return False
    if node.tag in _HEADINGS:
        return True
    if node.tag not in ("p", "div") or _own_text(node).strip() or len(node) != 1:
        return False
    return node[0].tag in ("strong", "b") and not (node[0].tail or "").strip()


def _prose_after(heading: Any) -> list[str]:
    """The paragraphs under a cued heading up to the next heading, when the section has no list (a list is the
    outcome list itself, read by `_cue_before`); lead-ins ending with ':' and questions are not statements."""
    out: list[str] = []
    node = heading.getnext()
    while node is not None:
        if not _is_element(node):
            node = node.getnext()
            continue
        if _is_heading(node):
            break
        if node.tag in ("ul", "ol") or next(node.iter("ul", "ol"), None) is not None:
            return []
        if node.tag in ("p", "div"):
            text = _text(node)
            if text and not text.endswith(":") and not is_question(text) and len(text) <= MAX_OUTCOME_CHARS:
                out.append(text)
        node = node.getnext()
    return out[:3]


def _from_html(markup: str, prose: bool = True) -> list[str]:
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
    if prose and not out:
        for node in root.iter(*_HEADINGS, "p", "div"):
            if _is_heading(node) and len(text := _text(node)) <= MAX_HEADING_CHARS and is_cue(text):
                out.extend(_prose_after(node))
    return out


_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")


def _heading_line(line: str) -> str | None:
    """The text of a line that reads as a heading (markdown `#`, or short and not ending a sentence), else None."""
    stripped = line.strip().strip("*_").strip()
    if _MD_HEADING.match(stripped):
        return _MD_HEADING.sub("", stripped).strip("*_ ")
    if stripped and len(stripped) <= 100 and not stripped.endswith((".", ";", ",")):
        return stripped
    return None


def _prose_after_lines(lines: list[str]) -> list[str]:
    """The paragraph after a cued heading line, when bullets do not follow (those are read as the list)."""
    for i, line in enumerate(lines):
        heading = _heading_line(line)
        if not heading or _BULLET.match(line) or not is_cue(heading):
            continue
        para: list[str] = []
        for nxt in lines[i + 1 :]:
            if not nxt.strip():
                if para:
                    break
                continue
            if _BULLET.match(nxt) or _MD_HEADING.match(nxt.strip()):
                break
            para.append(nxt.strip())
        text = " ".join(para)
        if text and not text.endswith(":") and not is_question(text) and len(text) <= MAX_OUTCOME_CHARS:
            return [text]
    return []


def _from_text(text: str, prose: bool = True) -> list[str]:
    out: list[str] = []
    in_list = False
    lines = text.splitlines()
    for line in lines:
        m = _BULLET.match(line)
        if not m and is_cue(line):
            in_list = True
            continue
        if in_list and m:
            out.append(m.group(1).strip())
        elif in_list and out and line.strip():
            in_list = False
    return out or (_prose_after_lines(lines) if prose else [])


def extract_outcomes(value: str | None) -> list[str]:
    """Outcome statements listed after an outcome cue in HTML or plain text; [] when there are none."""
    if not value:
        return []
    if _LIST_TAG.search(value):
        # Parsing the markup is the expensive part: only when some text could be a cue.
        found = _from_html(value) if _may_have_cue(value) else []
    elif not has_cue(value):
        found = []
    elif _BLOCK_TAG.search(value):
        # markup without lists: bullets typed into the text first, else the prose under a cued heading
        found = _from_text(value, prose=False) or _from_html(value)
    else:
        found = _from_text(value)
    return _statements(found)


def _statements(found: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in found:
        item = item.strip(" ;,.").strip()
        if 3 <= len(item) <= MAX_OUTCOME_CHARS and not is_question(item):
            seen.setdefault(item, None)
    return list(seen)


# A sentence that states what the learner will learn or be able to do; read only in fields that are outcome fields.
_STATES_OUTCOME = re.compile(
    r"\b(?:you(?:'|’)ll|you will|you are going to|(?:students?|learners?|participants?) (?:will|should|can)"
    r"|(?:be|are) able to|learn (?:how )?to)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9ÄÖÜÆØÅÉ])")


_OTHER_SUBJECT = re.compile(r"\b(?:we|they|i|he|she|our)\b", re.IGNORECASE)


def _states_outcome(sentence: str) -> bool:
    """The sentence is about the learner: the outcome phrase opens it ("Throughout this course, you'll build ..."),
    not a clause after someone else's ("At the end we will give you a data set, and you'll ...")."""
    m = _STATES_OUTCOME.search(sentence)
    return m is not None and m.start() <= 60 and not _OTHER_SUBJECT.search(sentence, 0, m.start())


def outcome_statements(value: str | None) -> list[str]:
    """Statements of a field that is itself an outcome field ("What you'll learn", an objectives list, Udacity's
    `expected_learning`): its list items; else what its cues introduce; else each of its sentences that states an
    outcome ("you will learn to ...", "students will be able to ..."). Headings and questions are never statements."""
    if not value or not value.strip():
        return []
    found: list[str] = []
    if _LIST_TAG.search(value):
        try:
            root = etree.HTML(value)
        except (ValueError, etree.ParserError):
            root = None
        if root is not None:
            found = [_text(li) for li in root.iter("li") if next(li.iterancestors("li"), None) is None]
    else:
        found = [m.group(1) for line in value.splitlines() if (m := _BULLET.match(line))]
    found = found or extract_outcomes(value)
    if not found:
        plain = value
        if "<" in value:
            try:
                root = etree.HTML(value)
            except (ValueError, etree.ParserError):
                root = None
            if root is not None:
                blocks = [_text(n) for n in root.iter("p") if not _is_heading(n)]
                plain = "\n\n".join(b for b in blocks if b) if any(blocks) else _text(root)
        for para in re.split(r"\n\s*\n", html.unescape(plain)):
            para = " ".join(line for line in para.splitlines() if not _MD_HEADING.match(line.strip()))
            found.extend(s for s in _SENTENCE.split(" ".join(para.split())) if _states_outcome(s))
    return _statements(found)


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
