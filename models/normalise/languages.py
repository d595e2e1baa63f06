"""Language tags and names to ISO 639-1."""

from __future__ import annotations

import re
from functools import cache

import pycountry

# Language names as sources write them, in English, Danish, German and French (and their own names).
_NAMES = {
    "dansk": "da",
    "danish": "da",
    "dänisch": "da",
    "danois": "da",
    "english": "en",
    "engelsk": "en",
    "englisch": "en",
    "anglais": "en",
    "inglés": "en",
    "ingles": "en",
    "deutsch": "de",
    "german": "de",
    "tysk": "de",
    "allemand": "de",
    "alemán": "de",
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "fransk": "fr",
    "französisch": "fr",
    "francés": "fr",
    "español": "es",
    "espanol": "es",
    "spanish": "es",
    "spansk": "es",
    "spanisch": "es",
    "espagnol": "es",
    "nederlands": "nl",
    "dutch": "nl",
    "hollandsk": "nl",
    "niederländisch": "nl",
    "néerlandais": "nl",
    "italiano": "it",
    "italian": "it",
    "italiensk": "it",
    "italienisch": "it",
    "italien": "it",
    "svenska": "sv",
    "swedish": "sv",
    "svensk": "sv",
    "schwedisch": "sv",
    "suédois": "sv",
    "norsk": "no",
    "norwegian": "no",
    "norwegisch": "no",
    "norvégien": "no",
    "suomi": "fi",
    "finnish": "fi",
    "finsk": "fi",
    "finnisch": "fi",
    "finnois": "fi",
    "polski": "pl",
    "polish": "pl",
    "polsk": "pl",
    "polnisch": "pl",
    "polonais": "pl",
    "português": "pt",
    "portugues": "pt",
    "portuguese": "pt",
    "portugisisk": "pt",
    "portugiesisch": "pt",
    "eesti": "et",
    "estonian": "et",
    "čeština": "cs",
    "czech": "cs",
    "tschechisch": "cs",
    "tchèque": "cs",
    "arabic": "ar",
    "arabisch": "ar",
    "arabe": "ar",
    "chinese": "zh",
    "mandarin": "zh",
    "chinesisch": "zh",
    "russian": "ru",
    "russisch": "ru",
    "russe": "ru",
    "japanese": "ja",
    "greek": "el",
    "ελληνικά": "el",
}
_SPLIT = re.compile(r"\s*(?:[,;/|+&]|\band\b|\bog\b|\bund\b|\bet\b)\s*", re.IGNORECASE)


@cache
def to_iso639_1(value: str | None) -> str | None:
    """'da-DK', 'en_GB', 'eng', 'English', '.../language/ENG' -> 'da', 'en', 'en', 'en', 'en'; None otherwise."""
    if not value:
        return None
    tag = value.strip().replace("_", "-")
    if "/" in tag:  # EU authority URI: http://publications.europa.eu/resource/authority/language/ENG
        tag = tag.rstrip("/").rsplit("/", 1)[-1]
    if not tag:
        return None
    primary = tag.split("-")[0].lower()
    if len(primary) == 2 and pycountry.languages.get(alpha_2=primary):
        return primary
    if len(primary) == 3:
        lang = pycountry.languages.get(alpha_3=primary) or pycountry.languages.get(bibliographic=primary)
        if lang is not None and hasattr(lang, "alpha_2"):
            return lang.alpha_2
    name = tag.lower()
    if name in _NAMES:
        return _NAMES[name]
    try:
        lang = pycountry.languages.lookup(tag)
    except LookupError:
        return None
    return getattr(lang, "alpha_2", None)


@cache
def languages_in(value: str) -> tuple[str, ...]:
    """Every language a value names: 'English, German' -> ('en', 'de'); a single tag as `to_iso639_1`."""
    one = to_iso639_1(value)
    if one:
        return (one,)
    return tuple(dict.fromkeys(c for c in (to_iso639_1(p) for p in _SPLIT.split(value) if p) if c))
