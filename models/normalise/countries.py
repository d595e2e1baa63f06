"""Countries to ISO 3166-1 alpha-2: codes, names in English/Danish/German/French, EU authority URIs, domains."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

import pycountry

# Codes and names pycountry does not resolve: EU conventions (UK, EL) and local-language names.
_ALIASES = {
    "uk": "GB",
    "el": "GR",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "britain": "GB",
    "storbritannien": "GB",
    "großbritannien": "GB",
    "grossbritannien": "GB",
    "royaume-uni": "GB",
    "vereinigtes königreich": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "danmark": "DK",
    "dänemark": "DK",
    "danemark": "DK",
    "deutschland": "DE",
    "tyskland": "DE",
    "allemagne": "DE",
    "frankrig": "FR",
    "frankreich": "FR",
    "sverige": "SE",
    "schweden": "SE",
    "suède": "SE",
    "norge": "NO",
    "norwegen": "NO",
    "norvège": "NO",
    "suomi": "FI",
    "finnland": "FI",
    "finlande": "FI",
    "nederland": "NL",
    "holland": "NL",
    "niederlande": "NL",
    "pays-bas": "NL",
    "belgien": "BE",
    "belgique": "BE",
    "belgië": "BE",
    "österreich": "AT",
    "østrig": "AT",
    "autriche": "AT",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "schweitz": "CH",
    "españa": "ES",
    "spanien": "ES",
    "espagne": "ES",
    "italia": "IT",
    "italien": "IT",
    "italie": "IT",
    "polska": "PL",
    "polen": "PL",
    "pologne": "PL",
    "portugal": "PT",
    "éire": "IE",
    "irland": "IE",
    "irlande": "IE",
    "česko": "CZ",
    "tschechien": "CZ",
    "eesti": "EE",
    "estland": "EE",
    "ísland": "IS",
    "island": "IS",
    "islande": "IS",
    "grækenland": "GR",
    "griechenland": "GR",
    "grèce": "GR",
    "luxemburg": "LU",
    "magyarország": "HU",
    "ungarn": "HU",
    "hongrie": "HU",
}
# Country-code top-level domains that are not the country's own code.
_TLD = {"uk": "GB"}
_GENERIC_TLDS = {
    "com",
    "org",
    "net",
    "edu",
    "gov",
    "int",
    "eu",
    "io",
    "info",
    "online",
    "academy",
    "co",
    "me",
    "tv",
    "ai",
    "app",
    "dev",
    "global",
    "school",
    "university",
    "education",
    "courses",
}


@cache
def to_iso3166_alpha2(value: str | None) -> str | None:
    """'DK', 'dnk', 'Denmark', 'Danmark', '.../country/IRL' -> 'DK', 'DK', 'DK', 'DK', 'IE'; None otherwise."""
    if not value or not str(value).strip():
        return None
    text = str(value).strip()
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    low = text.lower()
    if low in _ALIASES:
        return _ALIASES[low]
    if len(text) == 2 and text.isalpha():
        country = pycountry.countries.get(alpha_2=text.upper())
        return country.alpha_2 if country else None
    if len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
        if country:
            return country.alpha_2
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


_HOST = re.compile(r"^[a-z0-9.-]+$")


@cache
def country_from_domain(url: str | None) -> str | None:
    """The country of a provider's own web site from its country-code domain ('www.dtu.dk' -> 'DK').

    Generic domains (.com, .org, .edu, .eu ...) say nothing about the country and give None.
    """
    if not url:
        return None
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    if not host or not _HOST.match(host) or "." not in host:
        return None
    tld = host.rsplit(".", 1)[-1]
    if tld in _GENERIC_TLDS or len(tld) != 2:
        return None
    code = _TLD.get(tld, tld.upper())
    return code if pycountry.countries.get(alpha_2=code) else None
