"""Helpers shared by the Finnish registers (Konfo / Opintopolku and Sisu): texts in several languages, credits, and
the personal data both carry beside the offers.

Both publish every text as an object keyed by language (`{"fi": ..., "sv": ..., "en": ...}`, Konfo's "kielistetty",
Sisu's "LocalizedString"); each language's text is kept with its ISO 639-1 code, English is picked where the schema
wants English. Both also carry people: Konfo names the record's editor (`muokkaaja`) and contact persons
(`yhteyshenkilot`: name, title, e-mail, phone), Sisu the teachers (`teachers`, `teacherInCharge`,
`responsibilityInfos`).
`public_record` drops those fields and scrubs the named people, e-mail addresses and phone numbers out of every
string (`scrapers.parsers.privacy.Scrubber`) before anything else reads the record, so neither an offer nor a
reject's raw copy can carry them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from scrapers.parsers.base import Page, ParseError, load_json
from scrapers.parsers.common import text
from scrapers.parsers.privacy import FINNISH_PHONE, Scrubber

# ISO 639-1 codes the registers write their texts in (and Sisu's `urn:code:language:xx`).
_LANG_KEY = re.compile(r"^[a-z]{2}$")
PREFERENCE = ("en", "fi", "sv")

# Keys whose values are people (case-insensitive): never read, never kept, not even in a reject's raw copy.
PERSONAL_KEYS = frozenset(
    k.lower()
    for k in (
        "muokkaaja",
        "muokkaajanNimi",
        "yhteyshenkilot",
        "yhteyshenkilo",
        "contactPersons",
        "contactPerson",
        "teachers",
        "teacherInCharge",
        "responsibilityInfos",
        "personId",
        "sahkoposti",
        "puhelinnumero",
        "email",
        "phone",
        "phoneNumber",
        "telephone",
    )
)
# People's names are found in these keys (and scrubbed wherever else they are written); `parts` also the single
# words of the name (a teacher is often called by the family name alone in course texts).
_NAME_KEYS = {"teachers": True, "teacherincharge": True, "yhteyshenkilot": True, "yhteyshenkilo": True}
_NAME_FIELDS = ("nimi", "name", "text")


def texts(value: Any) -> dict[str, str]:
    """A localized text as `{iso639_1: text}`: keys that are no language code (Sisu's `courseUnits` beside the
    languages) and empty texts drop out; a bare string is a text of unknown language (key `und`)."""
    if isinstance(value, str):
        return {"und": value.strip()} if value.strip() else {}
    if not isinstance(value, dict):
        return {}
    out = {}
    for key, raw in value.items():
        lang = str(key).lower()
        if _LANG_KEY.match(lang) and isinstance(raw, str) and raw.strip():
            out[lang] = raw.strip()
    return out


_MARKUP = re.compile(r"<[^>]{0,500}>|&#?\w{1,10};")
# The registers' own languages: a text is moved to another of these only (a detector's 'et' for Finnish is no reason).
REGISTER_LANGUAGES = frozenset(PREFERENCE)


def _detected(value: str) -> str | None:
    from models.normalise.outcomes import detect_language  # py3langid, loaded on first use

    found, _ = detect_language(" ".join(_MARKUP.sub(" ", value).split())[:2000])
    return found if found in REGISTER_LANGUAGES else None


def distinct(by_lang: dict[str, str]) -> dict[str, str]:
    """Each text under the language it is written in, once.

    A text whose language the text itself plainly contradicts (Aalto writes the Finnish text into `en` and `sv` when
    it has no translation) moves to the language detected (py3langid, confident and one of the registers' languages),
    unless that language has a text of its own; a text that then copies another language's is dropped, the copy
    kept being the first in `PREFERENCE` order."""
    moved: dict[str, str] = {}
    for lang, value in by_lang.items():
        found = _detected(value) if lang in REGISTER_LANGUAGES else None
        if found and found != lang and (found not in by_lang or _same(by_lang[found], value)):
            lang = found
        if lang not in moved:
            moved[lang] = value
    order = [*(k for k in PREFERENCE if k in moved), *(k for k in moved if k not in PREFERENCE)]
    out: dict[str, str] = {}
    seen: set[str] = set()
    for lang in order:
        key = " ".join(moved[lang].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        out[lang] = moved[lang]
    return {k: out[k] for k in moved if k in out}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def pick(by_lang: dict[str, str], prefer: Iterable[str] = PREFERENCE) -> tuple[str | None, str | None]:
    """(text, language): English where published, then Finnish, then Swedish, then any; the language is None for a
    text of unknown language."""
    for lang in (*prefer, *by_lang):
        if by_lang.get(lang):
            return by_lang[lang], (lang if lang != "und" else None)
    return None, None


def name_of(value: Any) -> str | None:
    """The English (else Finnish, Swedish, any) name of a `{"nimi": {...}}` / `{"name": {...}}` object or a text."""
    if isinstance(value, dict) and ("nimi" in value or "name" in value):
        value = value.get("nimi", value.get("name"))
    return pick(texts(value))[0]


def outcome_entries(by_lang: dict[str, str], primary: str | None) -> list[dict[str, Any]]:
    """One learning-outcome block: in the teaching language (`primary`) with the English text beside it where both are
    published, else in English, else in any language (DTU's convention)."""
    if not by_lang:
        return []
    english = by_lang.get("en")
    if primary and primary != "en" and by_lang.get(primary):
        return [{"text": by_lang[primary], "lang": primary, "text_en": english}]
    found, lang = pick(by_lang)
    return [{"text": found, "lang": lang} if lang else {"text": found}]


# ---- personal data ------------------------------------------------------------------------------------------------


def _names_in(value: Any, out: dict[str, bool], parts: bool) -> None:
    if isinstance(value, str):
        if name := " ".join(value.split()):
            out[name] = out.get(name, False) or parts
    elif isinstance(value, list):
        for v in value:
            _names_in(v, out, parts)
    elif isinstance(value, dict):
        if value and all(isinstance(k, str) and _LANG_KEY.match(k) for k in value):  # a localized name
            _names_in(list(value.values()), out, parts)
        for field in _NAME_FIELDS:
            if field in value:
                _names_in(value[field], out, parts)
        for field in ("etunimi", "sukunimi", "firstName", "lastName"):
            if isinstance(value.get(field), str):
                _names_in(value[field], out, parts)


def people(record: Any) -> dict[str, bool]:
    """Every person the record names in a personal field: {name: also scrub its single words}."""
    found: dict[str, bool] = {}
    stack = [record]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                low = str(key).lower()
                if low in PERSONAL_KEYS and low not in ("personid", "sahkoposti", "puhelinnumero", "email", "phone"):
                    _names_in(value, found, _NAME_KEYS.get(low, False))
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return found


def public_record(record: Any) -> Any:
    """The record without its personal fields, every string scrubbed of the people it names, e-mails and phones.

    Iterative (a hostile record nested far deeper than any register is still walked without recursion)."""
    found = people(record)
    scrub = Scrubber(
        exact=[n for n, parts in found.items() if not parts],
        words=[n for n, parts in found.items() if parts],
        phones=FINNISH_PHONE,
        labels=False,
    )
    return scrub.value(record, drop=lambda key: str(key).lower() in PERSONAL_KEYS)


def parse_register(
    body: bytes, url: str, what: str, parse_data: Callable[[Any, str], Page | None], expected: str
) -> Page:
    """A register's response read by its parser's `parse_data`, once its personal data is gone (`public_record`);
    a document `parse_data` does not recognise is a ParseError, `what: expected`."""
    page = parse_data(public_record(load_json(body, what)), url)
    if page is None:
        raise ParseError(f"{what}: {expected}")
    return page


# ---- credits ------------------------------------------------------------------------------------------------------

_PARTS = re.compile(r"^\s*\d+(?:[.,]\d+)?(?:\s*\+\s*\d+(?:[.,]\d+)?)+\s*$")
MAX_PART = 400  # no single degree part is larger (a licentiate in medicine is 360 credits)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    found = text(value)
    if not found:
        return None
    try:
        return float(found.replace(",", "."))
    except ValueError:
        return None


def split_concatenated(value: float) -> list[float] | None:
    """A credit count that is two numbers written together (Konfo's `180120` for a bachelor's plus master's degree,
    "180+120"): the one way to cut its digits into two parts with no leading zero, each a multiple of 5 and at most
    `MAX_PART`. None when the number is no such pair (or could be cut in more than one way)."""
    if value != int(value) or value < 1000:
        return None
    digits = str(int(value))
    found = []
    for cut in range(1, len(digits)):
        head, tail = digits[:cut], digits[cut:]
        if tail.startswith("0"):
            continue
        a, b = int(head), int(tail)
        if 0 < a <= MAX_PART and 0 < b <= MAX_PART and a % 5 == 0 and b % 5 == 0:
            found.append([float(a), float(b)])
    return found[0] if len(found) == 1 else None


def credit_parts(number: Any, label: Any = None) -> tuple[list[float] | None, str | None]:
    """(parts, how) of a stated credit count: `label` "180+120" gives its parts; a plain number is one part; a number
    too large for any one programme is read as two numbers written together (`split_concatenated`)."""
    shown = text(label)
    if shown and _PARTS.match(shown):
        return [float(p.replace(",", ".")) for p in shown.split("+")], "label"
    value = _number(number)
    if value is None and shown:
        value = _number(shown)
    if value is None or value <= 0:
        return None, None
    if value > MAX_PART:
        parts = split_concatenated(value)
        return (parts, "concatenated") if parts else (None, "unreadable")
    return [value], "number"


def whole(value: float) -> int | float:
    return int(value) if value == int(value) else value
