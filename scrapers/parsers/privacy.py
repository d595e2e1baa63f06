"""Personal data out of parsed records: one scrubber for every parser that keeps free text.

Sources name teaching staff and contact persons in structured fields (OOAPI `coordinators` as Person objects,
eduXchange's `instructorNames`, Konfo's `yhteyshenkilot`, Sisu's `teachers`, LHÉO's contacts, DTU's course
responsibles) and in free text ("Contact person: Prof. Kari Nordmann, kari@uni.example, +47 22 85 50 50",
"Responsable : M. Dupont, 03 88 .."). Each parser drops the structured fields (or never reads them) and hands the
names they give to `Scrubber`, which replaces in every text kept: e-mail addresses ("[e-mail]"), phone numbers
("[phone]"; a phone label before one stays), the names after a contact label ("Teachers: Jonas Richter, Dr. Mia
Hoffmann"), a civility and the name after it ("M. Michel Dupont") and the names the record gave, each whole, by its
surname ("van Damme", "Damme") or word by word. Which phone numbers it knows (international and labelled by default,
French or Finnish national ones), whether it reads contact labels or civilities, and the mark a removed name
leaves ("[staff]" by default, "[contact]" in the French parsers) are the parser's choice, as its sources write.

`redact` drops OOAPI's staff objects from a JSON record before a parser reads it, so neither an item nor a reject's
raw copy can carry them, and scrubs every string of what is left. Over-redaction is the safe side: a surname that
is also a word ("Wind") is replaced where it is capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International numbers (+45 45 25 25 25, +31 (0)40 247 9111, (+420) 224 351 111) and any number after a phone label
# (Tel. 040-247 9111, tlf: 45 25 25 25). A date, an id or a price has neither a leading + nor a label.
PHONE = re.compile(
    r"\(?\+\d{1,3}\)?(?:[\s.\-/]?\(0\))?(?:[\s.\-/]?\d){6,14}"
    r"|(?P<cue>(?i:\b(?:tel|tlf|phone|telephone|telefon|telefoon|mobile|mobil|gsm|tél|téléphone|puh|puhelin)\b)"
    r"\.?\s*(?i:no\.?|nr\.?)?\s*:?\s*)\(?\d[\d\s().\-/]{5,}\d"
)
# French numbers: 0X XX XX XX XX, +33 (0)X .., 0033 X ..; separators space, dot or hyphen
FRENCH_PHONE = re.compile(r"(?<![\w+])(?:\+33\s?(?:\(0\)\s?)?|0033\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
# International (+358 40 123 4567, 00358-9-1234567) and Finnish national (040 123 4567, 09-1234 5678, 0401234567)
# numbers: a national number starts with 0 and has 7 to 13 digits, so years, credits, postcodes, '2024-2025' and
# OIDs (1.2.246.562.13.000...) never match.
FINNISH_PHONE = re.compile(
    r"(?<![\w+.,/:=-])(?:\+|00)\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,4}){2,4}(?!\w|[.,]\d)"
    r"|(?<![\w.,/:=+-])0\d{1,3}(?:[\s-]?\d){5,9}(?!\w|[.,]\d)"
)
# a civility followed by one to three capitalised words: "M. Michel Dupont", "Mme Durand"
CIVILITY = re.compile(
    r"\b(?:M\.|Mme|Mlle|Mr\.?|Dr\.?|Pr\.?|Monsieur|Madame|Mademoiselle)\s+"
    r"[A-ZÀ-ÖØ-Þ][\w'’-]*\.?(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*\.?){0,2}"
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


def _name_words(names: Iterable[str]) -> set[str]:
    """A full name, and each of its words ("Meikäläinen, Matti": "Meikäläinen", "Matti") long enough to be a name."""
    out: set[str] = set()
    for name in names:
        full = " ".join(str(name).split())
        if len(full) > 2:
            out.add(full)
        out.update(w for w in re.split(r"[\s,]+", full) if len(w) > 2)
    return out


class Scrubber:
    """Removes e-mail addresses, phone numbers, labelled names, civility + name and the given people's names from
    text; a removed name becomes `mark`.

    `names` are replaced whole and by their surname parts, `words` whole and word by word (a source whose people
    are often called by one name alone), `exact` only as given. `phones` are the phone numbers it knows (None: it
    leaves numbers alone), `labels` whether it removes the names after a contact label ("Teachers: ..."),
    `civility` whether it removes a civility and the name after it ("M. Dupont")."""

    def __init__(
        self,
        names: Iterable[str] = (),
        *,
        words: Iterable[str] = (),
        exact: Iterable[str] = (),
        phones: re.Pattern[str] | None = PHONE,
        labels: bool = True,
        civility: bool = False,
        mark: str = STAFF,
    ) -> None:
        given = {n for n in (" ".join(str(e).split()) for e in exact) if len(n) > 2}
        variants = sorted(given | _name_variants(names) | _name_words(words), key=len, reverse=True)  # full first
        self.names = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in variants)) if variants else None
        self.phones, self.labels, self.civility, self.mark = phones, labels, civility, mark

    def text(self, value: str) -> str:
        value = EMAIL.sub("[e-mail]", value)
        if self.phones is not None:
            value = self.phones.sub(lambda m: (m.groupdict().get("cue") or "") + "[phone]", value)
        if self.labels:
            value = CONTACT.sub(lambda m: m.group("label") + self.mark, value)
        if self.civility:
            value = CIVILITY.sub(self.mark, value)
        return self.names.sub(self.mark, value) if self.names is not None else value

    def __call__(self, value: str | None) -> str | None:
        """A text scrubbed; None and "" as they are."""
        return self.text(value) if value else value

    def has_contact(self, value: str | None) -> bool:
        """Whether a text carries an e-mail address or a phone number (a contact line, not prose)."""
        return bool(value) and bool(
            EMAIL.search(value or "") or (self.phones is not None and self.phones.search(value or ""))
        )

    def texts(self, texts: dict[str, str]) -> dict[str, str]:
        """Texts by language scrubbed, empty ones left out."""
        return {k: self.text(v) for k, v in texts.items() if v}

    def value(self, value: Any, drop: Callable[[Any], bool] | None = None) -> Any:
        """Every string in a JSON-like value scrubbed (dicts and lists copied), without the dict keys `drop` is true
        for. Iterative: a hostile value nested far deeper than any source's is still walked without recursion."""

        def copy(node: Any) -> Any:
            if isinstance(node, str):
                return self.text(node)
            if isinstance(node, dict):
                return {}
            if isinstance(node, list):
                return []
            return node

        root = copy(value)
        stack: list[tuple[Any, Any]] = [(value, root)] if isinstance(value, dict | list) else []
        while stack:
            src, dst = stack.pop()
            pairs = src.items() if isinstance(src, dict) else enumerate(src)
            for key, node in pairs:
                if isinstance(src, dict) and drop is not None and drop(key):
                    continue
                new = copy(node)
                if isinstance(dst, dict):
                    dst[key] = new
                else:
                    dst.append(new)
                if isinstance(node, dict | list):
                    stack.append((node, new))
        return root


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
