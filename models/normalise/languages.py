"""Language tags and names to ISO 639-1."""

from __future__ import annotations

from functools import cache

import pycountry

_NAMES = {
    "dansk": "da", "danish": "da", "english": "en", "engelsk": "en", "deutsch": "de", "german": "de",
    "français": "fr", "francais": "fr", "french": "fr", "español": "es", "spanish": "es",
    "nederlands": "nl", "dutch": "nl", "italiano": "it", "svenska": "sv", "norsk": "no", "suomi": "fi",
    "polski": "pl", "português": "pt", "portuguese": "pt", "eesti": "et", "čeština": "cs", "czech": "cs",
}


@cache
def to_iso639_1(value: str | None) -> str | None:
    """'da-DK', 'en_GB', 'eng', 'English' -> 'da', 'en', 'en', 'en'; None when not a language."""
    if not value:
        return None
    tag = value.strip().replace("_", "-")
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
