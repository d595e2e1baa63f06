"""Form of participation (online / blended / on-site) from the sources' own vocabularies.

Vocabularies seen: XCRI-CAP attendanceMode ('Distance without attendance', 'Mixed mode', 'Campus'), DTU
locations ('Campus_Lyngby'), MIT ('In person', 'Blended', 'Online'), edX pacing ('instructor_paced'),
ELM learning modes ('Blended', 'Online', 'Face-to-face'), and the same words in Danish, German and French, Finnish
('verkko-opetus', 'etäopetus', 'lähiopetus', 'monimuoto-opetus'), Swedish ('distans', 'närundervisning') and Dutch
('online', 'op afstand', 'klassikaal').
Hybrid is recorded as `blended`, the schema's name for mixed online and on-site participation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models.offer import ParticipationForm as Form

_BLENDED = re.compile(
    r"blended|hybrid|hybride|mixed[ -]mode|\bmixed\b|\bmm\b|blandet|kombiniert|gemischt|\bmixte\b|semi-?presencial"
    r"|distance with attendance|partly online|partially online|teilweise online|delvist online|online and on[- ]?campus"
    r"|online and in[- ]person|online \+ (?:campus|on-site|in person)|monimuoto\w*|gemengd\w*|blended learning",
    re.IGNORECASE,
)
_ONLINE = re.compile(
    r"online|on-line|e-?learning|distance|fjernundervisning|fjernstudie|fernstudi|fernlehre|\bà distance\b"
    r"|en ligne|virtual|virtuel|\bmooc\b|self[ _-]?paced|instructor[ _-]?paced|web[- ]?based|remote|internet"
    r"|\bnc\b|\bds\b|digital(?:ly)? delivered|live stream|webinar|verkko-?opetus|verkkokurssi|verkossa|etäopetus"
    r"|etäopiskelu|\betänä\b|distansundervisning|\bpå distans\b|\bdistans\w*|nätbaserad|afstandsonderwijs"
    r"|\bop afstand\b",
    re.IGNORECASE,
)
_ONSITE = re.compile(
    r"on[- ]?site|on[- ]?campus|\bcampus|in[- ]person|face[- ]to[- ]face|classroom|präsenz|vor ort|fremmøde"
    r"|på campus|tilstedeværelse|présentiel|sur site|sur place|presencial|\bcm\b|residential|full[- ]time attendance"
    r"|\battendance\b|auditorium|lecture hall|\bwb\b|work[- ]based|lähiopetus\w*|lähiopiskelu|närundervisning"
    r"|\bpå plats\b|klassikaal|\bop locatie\b|fysiek onderwijs",
    re.IGNORECASE,
)


@lru_cache(maxsize=1024)
def participation_form(raw: str | None) -> tuple[Form | None, str]:
    """(form, reason); form None when the text names no form of participation."""
    if not raw or not raw.strip():
        return None, "empty"
    text = raw.replace("_", " ")
    if m := _BLENDED.search(text):
        return "blended", f"{m.group(0)!r} means mixed online and on-site participation"
    online, onsite = _ONLINE.search(text), _ONSITE.search(text)
    if online and onsite and "without attendance" not in text.lower():
        return "blended", f"names both {online.group(0)!r} and {onsite.group(0)!r}"
    if online:
        return "online", f"{online.group(0)!r} means online participation"
    if onsite:
        return "on-site", f"{onsite.group(0)!r} means on-site participation"
    return None, f"{raw!r} names no form of participation"
