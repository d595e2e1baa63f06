"""Type of assessment and of quality assurance, from the sources' own fields and vocabularies, else nothing.

The source's own assessment field wins (DTU exam forms, XCRI assessment, ELM assessment specifications).
Without one, platform credential vocabularies that imply assessment are used (an edX *verified* certificate
requires passing graded assignments; a FutureLearn certificate of achievement requires passing the course
tests; iversity's ECTS track ends in an exam), then explicit exam phrases in the description. Credentials of
participation or completion imply no assessment and yield nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.normalise.scan import search_near

# Source vocabulary keys -> readable assessment types.
_KEYS = {
    "written_exam": "written exam",
    "oral_exam": "oral exam",
    "eval_of_exercises": "evaluation of exercises",
    "written_exam_and_exercises": "written exam and exercises",
    "written_exam_and_reports": "written exam and reports",
    "oral_exam_and_exercises": "oral exam and exercises",
    "oral_exam_and_reports": "oral exam and reports",
    "eval of exercises": "evaluation of exercises",
    "eval of reports": "evaluation of reports",
}
_CERTIFICATES = (
    (re.compile(r"\bverified\b", re.IGNORECASE), "graded assignments and exams (verified certificate)"),
    (
        re.compile(r"certificate of achievement", re.IGNORECASE),
        "graded tests (a certificate of achievement requires passing the course tests)",
    ),
    (re.compile(r"ects[- ]track", re.IGNORECASE), "final exam (ECTS track)"),
    (
        re.compile(r"micromasters|microbachelors|mastertrack", re.IGNORECASE),
        "graded assignments and proctored exams (credit-bearing programme certificate)",
    ),
    (re.compile(r"professional certificate", re.IGNORECASE), "graded assignments (professional certificate)"),
)
_NO_ASSESSMENT = re.compile(r"participation|attendance|teilnahme|deltagelse|completion", re.IGNORECASE)
_EXAM_PHRASE = re.compile(
    r"\b(?:(?:final|written|oral|online|proctored|end[- ]of[- ]course) (?:exam(?:ination)?s?|assessments?)"
    r"|graded (?:assignments?|quizz?e?s?|projects?|exercises?)|peer[- ](?:graded|reviewed) (?:assignments?|projects?)"
    r"|skriftlig (?:eksamen|prøve)|mundtlig (?:eksamen|prøve)|eksamen|abschlussprüfung|klausur|mündliche prüfung"
    r"|schriftliche prüfung|examen (?:écrit|oral|final)|contrôle continu|évaluation finale)\b",
    re.IGNORECASE,
)
_QA_WORD = re.compile(
    r"\b(?:accredited|accreditation|akkrediteret|akkreditering|akkreditiert|akkreditierung|accrédité\w*"
    r"|quality[- ]assured|iso 9001|equis|aacsb|amba|iacet|abet)\b",
    re.IGNORECASE,
)
_QA_HINTS = ("accredit", "akkredit", "accrédit", "quality", "iso 9001", "equis", "aacsb", "amba", "iacet", "abet")
# Every alternative of _EXAM_PHRASE contains one of these.
_EXAM_HINTS = (
    "exam",
    "assessment",
    "graded",
    "peer",
    "eksamen",
    "prøve",
    "prüfung",
    "klausur",
    "contrôle",
    "évaluation",
)
_QA_CONTEXT = 120
_CLAUSE_END = re.compile(r"[.;\n]")


@lru_cache(maxsize=1024)
def normalise_assessment(value: str) -> str:
    """A source's assessment value with vocabulary keys spelt out ('Written_Exam' -> 'written exam')."""
    key = value.strip().lower()
    return _KEYS.get(key) or _KEYS.get(key.replace(" ", "_")) or value.strip().replace("_", " ")


def assessment_from_certificate(certificate_type: str | None) -> tuple[str | None, str]:
    """Assessment implied by a platform's credential vocabulary; (None, reason) when it implies none."""
    if not certificate_type:
        return None, "no certificate type"
    for rx, assessment in _CERTIFICATES:
        if rx.search(certificate_type):
            return assessment, f"certificate {certificate_type!r} is awarded on assessment"
    if _NO_ASSESSMENT.search(certificate_type):
        return None, f"certificate {certificate_type!r} attests participation, not assessed learning"
    return None, f"certificate {certificate_type!r} names no assessment"


def assessment_from_text(text: str | None, low: str | None = None) -> str | None:
    """An explicit exam or graded-work phrase in a description, as written."""
    if not text:
        return None
    hit = search_near(_EXAM_PHRASE, text, _EXAM_HINTS, before=40, after=60, low=low)
    return hit.text.lower() if hit else None


def quality_assurance_from_text(text: str | None, low: str | None = None) -> str | None:
    """The sentence fragment stating an accreditation or quality label, as written."""
    if not text:
        return None
    m = search_near(_QA_WORD, text, _QA_HINTS, before=2, after=40, low=low)
    if not m:
        return None
    # The clause around the keyword, at most 60 characters either side (never across a sentence end).
    start = max(0, m.start - _QA_CONTEXT)
    before = text[start : m.start]
    cut = list(_CLAUSE_END.finditer(before))
    if cut:
        before, start = before[cut[-1].end() :], start + cut[-1].end()
    after = text[m.end : m.end + _QA_CONTEXT]
    end_m = _CLAUSE_END.search(after)
    after = after[: end_m.start()] if end_m else after
    phrase = " ".join((before + m.text + after).split())
    if start > 0 and text[start - 1].isalnum() and not cut:  # started mid-word: drop the partial word
        phrase = phrase.partition(" ")[2]
    stop = m.end + len(after)
    if stop < len(text) and text[stop].isalnum():
        phrase = phrase.rpartition(" ")[0]
    return phrase.strip(" ,:-–") or None
