"""Personal data out of parsed records: staff objects dropped, staff names, e-mails and phone numbers scrubbed.

Sources name teaching staff in structured fields (OOAPI `coordinators` as Person objects, eduXchange's
`instructorNames`) and in free text ("Contact person: Prof. Kari Nordmann, kari@uni.example, +47 22 85 50 50").
`redact` drops the structured ones from a JSON record before a parser reads it, so neither an item nor a
reject's raw copy can carry them, and scrubs every string of what is left: the names the record itself gave,
e-mail addresses, phone numbers and the names after a contact label. `Scrubber` does the same for parsers that
build items from XML (EWP). Over-redaction is the safe side: a surname that is also a word ("Wind") is replaced
where it is capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International numbers (+45 45 25 25 25, +31 (0)40 247 9111, (+420) 224 351 111) and any number after a phone label
# (Tel. 040-247 9111, tlf: 45 25 25 25). A date, an id or a price has neither a leading + nor a label.
PHONE = re.compile(
    r"\(?\+\d{1,3}\)?(?:[\s.\-/]?\(0\))?(?:[\s.\-/]?\d){6,14}"
    r"|(?P<cue>(?i:\b(?:tel|tlf|phone|telephone|telefon|telefoon|mobile|mobil|gsm|tél|téléphone|puh|puhelin)\b)"
    r"\.?\s*(?i:no\.?|nr\.?)?\s*:?\s*)\(?\d[\d\s().\-/]{5,}\d"
)
_TITLES = r"(?:(?i:prof|professor|assoc|associate professor|dr|dr\.-ing|mr|mrs|ms|ir|ing|mgr|doc|dipl\.-ing)\.?\s+)*"
_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]+"
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|la|le|ten|ter|af|zu|del|dos|el)"
_NAME = rf"{_TITLES}{_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_WORD})*"
# A label that introduces staff, in the catalogues' languages (EN, DA, NO, DE, FR, NL, CS, ET), then one or more names.
_CUES = (
    r"contact(?:\s+person)?|course\s+(?:leader|coordinator|responsible|director)|coordinator|lecturer|teacher"
    r"|instructor|examiner|tutor|kontaktperson|kursusansvarlig|emneansvarlig|underviser|faglærer|ansprechpartner(?:in)?"
    r"|dozent(?:in)?|lehrende|enseignant(?:e)?|responsable(?:\s+du\s+cours)?|intervenant(?:e)?|docent|contactpersoon"
    r"|coördinator|vyučující|garant|õppejõud|vastutav\s+õppejõud|kontaktisik"
)
CONTACT = re.compile(
    rf"(?P<label>(?i:\b(?:{_CUES})(?:s|en|es)?)\s*:\s*)(?P<names>{_NAME}(?:\s*(?:,|&|\band\b|\bog\b|\bund\b|\bet\b|\ben\b)\s*{_NAME})*)"
)
STAFF = "[staff]"
_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b|\bog\b|\bund\b|\bet\b|\ben\b)\s*")
_LEADING_TITLES = re.compile(_TITLES)

# Keys of OOAPI Person objects and of eduXchange's staff fields: never read, never kept in a reject's raw copy.
PERSONAL_KEYS = frozenset(
    {
        "coordinators",
        "instructorNames",
        "instructors",
        "persons",
        "person",
        "mail",
        "secondaryMail",
        "email",
        "telephoneNumber",
        "mobileNumber",
        "photoSocial",
        "photoOfficial",
        "givenName",
        "surname",
        "surnamePrefix",
        "displayName",
        "initials",
        "dateOfBirth",
        "cityOfBirth",
        "countryOfBirth",
        "nationality",
        "dateOfNationality",
        "gender",
        "titlePrefix",
        "titleSuffix",
        "office",
    }
)
# IdentifierEntry code types that identify a person (OOAPI `otherCodes`).
PERSONAL_CODE_TYPES = frozenset(
    {
        "nationalIdentityNumber",
        "studentNumber",
        "studielinkNumber",
        "esi",
        "userName",
        "accountId",
        "emailAdress",
        "emailAddress",
        "orcId",
    }
)


def _name_variants(names: Iterable[str]) -> set[str]:
    """A full name, and its surname part ("van Damme", "Damme") where it is long enough to be a name."""
    out: set[str] = set()
    for name in names:
        full = " ".join(str(name).split())
        if len(full) <= 2:
            continue
        out.add(full)
        parts = full.split()
        for i in range(1, len(parts)):
            tail = " ".join(parts[i:])
            if len(tail) > 2:
                out.add(tail)
    return out


class Scrubber:
    """Removes the given staff names (and their surnames), e-mails, phone numbers and labelled names from text."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        variants = sorted(_name_variants(names), key=len, reverse=True)  # a full name before its parts
        self.names = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in variants)) if variants else None

    def text(self, value: str) -> str:
        value = EMAIL.sub("[e-mail]", value)
        value = PHONE.sub(lambda m: (m.group("cue") or "") + "[phone]", value)
        value = CONTACT.sub(lambda m: m.group("label") + STAFF, value)
        return self.names.sub(STAFF, value) if self.names is not None else value

    def value(self, value: Any) -> Any:
        """Every string in a JSON-like value scrubbed (dicts and lists copied)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def labelled_names(value: Any) -> list[str]:
    """The names every string in a JSON-like value gives after a contact label ("Teachers: Jonas Richter, Dr. Mia
    Hoffmann" -> Jonas Richter, Mia Hoffmann), so a record's other texts can be scrubbed of them too."""
    found: list[str] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            for m in CONTACT.finditer(node):
                for name in _SEPARATOR.split(m.group("names")):
                    name = _LEADING_TITLES.sub("", name, count=1).strip()
                    if " " in name:  # a full name; a single word after a label may be no name at all
                        found.append(name)
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def staff_names(record: Any) -> list[str]:
    """Names a JSON record gives for its staff: Person objects (display name, given + prefix + surname) anywhere,
    and eduXchange's `instructorNames`."""
    found: list[str] = []
    stack = [record]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "personId" in node or "displayName" in node or "surname" in node:
                if isinstance(node.get("displayName"), str):
                    found.append(node["displayName"])
                parts = [node.get(k) for k in ("givenName", "surnamePrefix", "surname")]
                if all(isinstance(p, str) or p is None for p in parts) and any(parts):
                    found.append(" ".join(p for p in parts if p))
                    if isinstance(node.get("surnamePrefix"), str) and isinstance(node.get("surname"), str):
                        found.append(f"{node['surnamePrefix']} {node['surname']}")
            for key in ("instructorNames", "instructors"):
                listed = node.get(key)
                if isinstance(listed, list):
                    found.extend(n for n in listed if isinstance(n, str))
            stack.extend(node.values())
    return [n for n in found if n.strip()]


def _drop_personal(value: Any) -> Any:
    if isinstance(value, dict):
        if "personId" in value:  # an expanded Person object, wherever it sits
            return None
        out = {}
        for key, item in value.items():
            if key in PERSONAL_KEYS:
                continue
            if key == "otherCodes" and isinstance(item, list):
                item = [c for c in item if not (isinstance(c, dict) and c.get("codeType") in PERSONAL_CODE_TYPES)]
            out[key] = _drop_personal(item)
        return out
    if isinstance(value, list):
        return [v for v in (_drop_personal(v) for v in value) if v is not None]
    return value


def redact(record: Any) -> Any:
    """A copy of a JSON record without staff objects and fields, its strings scrubbed of the staff names it gave (in
    those fields or after a contact label in any of its texts), e-mails and phone numbers. Raises RecursionError on
    a record nested too deeply to walk."""
    kept = _drop_personal(record)
    return Scrubber([*staff_names(record), *labelled_names(kept)]).value(kept)
