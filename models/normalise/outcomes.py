"""Learning outcomes from free text: only bullet lists introduced by an outcome cue, never invented.

Sources without structured outcome fields often publish them as a list after "What you'll learn",
"Learning outcomes" or "By the end of this course you will be able to". Lists elsewhere in a description
(topics, testimonials, requirements) are not outcomes and are ignored.
"""

from __future__ import annotations

import re

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
