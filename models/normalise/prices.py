"""Prices to amount + ISO 4217 currency, and to EUR with the dated exchange-rate table shipped in the project.

Forms seen: '$49', '$49/month', '79.00 USD', '149 €', '49,00 EUR', 'DKK 1.500', 'kr. 1.500', 'GBP1250.00',
'$3,500', 'free', 'gratis', 'kostenlos', 'gratuit', '150.00 USD (verified); 0.00 USD (audit)', 'Ireland fee:
GBP1250.00; Continental Europe fee: GBP1250.00'. Where several prices are listed the lowest non-zero one is the
price of the credential (a zero-priced audit track earns none) and a zero price makes the offer `is_free`.
'$' is read as USD, 'kr' as the currency of the provider's country (DKK, SEK, NOK, ISK) and otherwise refused.
Negative amounts and unknown currencies are refused: the raw text stays, with the reason. One amount with no currency
('84.0000') is in the provider's country's currency only where that country has one (`currency_of_country`; the
caller passes it and says so). A bare zero ('0.0000', '0') is a placeholder in many feeds, not a free course: free
only when the text also says so ('0.00 (free)').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import pycountry

from models import reference
from models.normalise.numbers import parse_number

_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "chf": "CHF",
    "fr.": "CHF",
    "zł": "PLN",
    "kč": "CZK",
    "ft": "HUF",
    "lei": "RON",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "dollars": "USD",
    "dollar": "USD",
    "pounds": "GBP",
    "£gbp": "GBP",
    "a$": "AUD",
    "c$": "CAD",
    "ca$": "CAD",
    "au$": "AUD",
    "₹": "INR",
}
_KRONER = {"DK": "DKK", "SE": "SEK", "NO": "NOK", "IS": "ISK", "FO": "DKK", "GL": "DKK"}
_FREE = re.compile(
    r"^(?:free|gratis|kostenlos|kostenfrei|gratuit|gratuite|free of charge|no cost|no fee|0|none|"
    r"free to enrol|free to join|free course|audit for free|gratis adgang|libre)$|\bfree\b|\bgratis\b"
    r"|\bkostenlos\b|\bgratuit",
    re.IGNORECASE,
)
# A number and nothing else ('0.0000', '0'): `_FREE` alone would read a bare '0' as "free".
_NUMBER_ONLY = re.compile(r"[\d.,]+")
_PAID = re.compile(r"^(?:paid|fee|fee applies|kostenpflichtig|betalt|payant|charged)$", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?P<neg>(?<![\d.,]\s)(?<![\d.,])[-\u2212]\s*)?(?P<pre>[A-Z]{3}(?![A-Za-z])|US\$|A\$|C\$|CA\$|AU\$|[$€£¥₹]|kr\.?"
    r"|fr\.)?\s*(?P<neg2>(?<![\d.,]\s)(?<![\d.,])[-\u2212]\s*)?(?P<num>\d[\d.,'\u00a0 ]*\d|\d)(?:\s*,-)?\s*"
    r"(?P<post>[A-Z]{3}(?![A-Za-z])|[$€£¥₹]|kr\.?|,-\s*kr\.?|euros?\b|dollars?\b|pounds\b|zł|kč|ft\b|lei\b|chf\b)?",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"(?:/|per|a|pr\.?|pro|par|each|every)\s*(month|måned|monat|mois|year|år|jahr|an|week|"
    r"uge|woche|semaine)\b|\b(monthly|månedlig|monatlich|mensuel|annually|yearly|årlig|jährlich)\b",
    re.IGNORECASE,
)
_PERIODS = {
    "month": "month",
    "måned": "month",
    "monat": "month",
    "mois": "month",
    "monthly": "month",
    "månedlig": "month",
    "monatlich": "month",
    "mensuel": "month",
    "year": "year",
    "år": "year",
    "jahr": "year",
    "an": "year",
    "annually": "year",
    "yearly": "year",
    "årlig": "year",
    "jährlich": "year",
    "week": "week",
    "uge": "week",
    "woche": "week",
    "semaine": "week",
}


@dataclass(frozen=True, slots=True)
class Price:
    amount: float | None = None
    currency: str | None = None
    is_free: bool | None = None
    period: str | None = None  # 'month' for subscriptions ('$49/month'); None for a one-off price
    note: str | None = None
    error: str | None = None


@cache
def fx_table() -> tuple[date, dict[str, float]]:
    """(date, {currency: units per EUR}) from the ECB table shipped in models/reference/fx_rates_eur.csv."""
    rows = reference.rows("fx_rates_eur")
    days = {r["as_of"] for r in rows}
    if len(days) != 1:
        raise ValueError(f"models/reference/fx_rates_eur.csv: one as_of date expected, found {sorted(days)}")
    return date.fromisoformat(days.pop()), {r["currency"]: float(r["per_eur"]) for r in rows}


# ISO 4217 codes that are no money a course is paid in: 'XXX' means "no currency", 'XTS' is for testing, the rest
# are precious metals, IMF/EU units of account and bond-market units. A price in one of them is a placeholder.
NOT_MONEY = {
    "XXX": "no currency (ISO 4217 placeholder)",
    "XTS": "the ISO 4217 testing code",
    "XAU": "gold",
    "XAG": "silver",
    "XPT": "platinum",
    "XPD": "palladium",
    "XDR": "IMF special drawing rights",
    "XSU": "the SUCRE unit of account",
    "XUA": "the ADB unit of account",
    "XBA": "a bond-market unit",
    "XBB": "a bond-market unit",
    "XBC": "a bond-market unit",
    "XBD": "a bond-market unit",
}


# The one currency of a country, for a price that states none (a UK college's "84.0000"): countries with one currency
# in use, the same since euro cash (2002), so the year of a price does not matter. Nothing is inferred for any other
# country: those with two currencies in use or a change of currency since then are in _NO_SINGLE_CURRENCY (the reason
# goes into the explanation), the rest are simply not known here.
COUNTRY_CURRENCY = {
    **dict.fromkeys(
        ("AT", "BE", "DE", "ES", "FI", "FR", "GR", "IE", "IT", "LU", "NL", "PT", "AD", "MC", "SM", "VA", "ME", "XK"),
        "EUR",
    ),
    **dict.fromkeys(("GB", "JE", "GG", "IM"), "GBP"),
    **dict.fromkeys(("CH", "LI"), "CHF"),
    **dict.fromkeys(("DK", "FO", "GL"), "DKK"),
    "SE": "SEK",
    "NO": "NOK",
    "IS": "ISK",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "AL": "ALL",
    "BA": "BAM",
    "MK": "MKD",
    "MD": "MDL",
    "UA": "UAH",
    "GE": "GEL",
    "AM": "AMD",
    "RU": "RUB",
    "US": "USD",
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "JP": "JPY",
    "CN": "CNY",
    "IN": "INR",
    "SG": "SGD",
    "HK": "HKD",
    "IL": "ILS",
    "ZA": "ZAR",
    "KR": "KRW",
    "BR": "BRL",
    "MX": "MXN",
}
_NO_SINGLE_CURRENCY = {
    "SI": "SIT until 2007, EUR since",
    "CY": "CYP until 2008, EUR since",
    "MT": "MTL until 2008, EUR since",
    "SK": "SKK until 2009, EUR since",
    "EE": "EEK until 2011, EUR since",
    "LV": "LVL until 2014, EUR since",
    "LT": "LTL until 2015, EUR since",
    "HR": "HRK until 2023, EUR since",
    "BG": "BGN until 2026, EUR since",
    "RO": "ROL until 2005, RON since",
    "TR": "TRL until 2005, TRY since",
    "RS": "CSD until 2006, RSD since",
    "BY": "BYR until 2016, BYN since",
    "GI": "GIP and GBP both in use",
    "PA": "PAB and USD both in use",
}


def currency_of_country(country: str | None) -> tuple[str | None, str]:
    """(the one currency of `country`, why) for a price that states no currency; (None, why not) when the country
    has no single currency to assume."""
    code = (country or "").strip().upper()
    if not code:
        return None, "no provider country to take a currency from"
    if code in COUNTRY_CURRENCY:
        return COUNTRY_CURRENCY[code], f"{COUNTRY_CURRENCY[code]} is the one currency of {code}, the provider's country"
    if code in _NO_SINGLE_CURRENCY:
        return None, f"{code}, the provider's country, has no single currency to assume ({_NO_SINGLE_CURRENCY[code]})"
    return None, f"no single currency known for {code}, the provider's country"


@cache
def is_currency(code: str) -> bool:
    """An ISO 4217 code of money (placeholders such as 'XXX', metals and units of account are not)."""
    return code.upper() not in NOT_MONEY and pycountry.currencies.get(alpha_3=code.upper()) is not None


def currency_error(token: str) -> str:
    """Why a three-letter token is not a currency a price can be in."""
    code = token.strip().upper()
    if code in NOT_MONEY:
        return f"currency {code!r} is {NOT_MONEY[code]}, not money; a placeholder price"
    return f"unknown currency {token.strip()!r}"


def to_eur(amount: float, currency: str) -> tuple[float | None, date]:
    """(EUR amount rounded to cents, the table's date); amount None when the table lacks the currency."""
    day, rates = fx_table()
    rate = rates.get(currency.upper())
    return (round(amount / rate, 2) if rate else None), day


def _currency(token: str | None, country: str | None) -> tuple[str | None, str | None]:
    """(ISO 4217 code, error) for a currency token."""
    if not token:
        return None, None
    t = token.strip().lower().rstrip(".").strip()
    if t.startswith(",-"):
        t = "kr"
    if t in ("kr", "kr."):
        code = _KRONER.get((country or "").upper())
        return (code, None) if code else (None, "'kr' without a Nordic provider country is ambiguous (DKK/SEK/NOK)")
    if t in _SYMBOLS or t + "." in _SYMBOLS:
        return _SYMBOLS.get(t) or _SYMBOLS[t + "."], None
    if len(t) == 3 and t.isalpha():
        return (t.upper(), None) if is_currency(t) else (None, currency_error(token))
    return None, f"unknown currency {token.strip()!r}"


@lru_cache(maxsize=8192)
def parse_price(raw: str | None, country: str | None = None, assumed_currency: str | None = None) -> Price:
    """The price a text states; `error` says why it states none that can be used. `assumed_currency` is the
    currency of amounts that state none (the caller's inference, e.g. `currency_of_country`); without it they are
    refused ("no currency")."""
    if raw is None or not str(raw).strip():
        return Price(error="empty")
    text = " ".join(str(raw).split())
    if _PAID.match(text):
        return Price(is_free=False, note="paid, amount not stated")
    found: list[tuple[float, str | None]] = []
    errors: list[str] = []
    for m in _AMOUNT.finditer(text):
        value = parse_number(m["num"])
        if value is None:
            continue
        if m["neg"] or m["neg2"]:
            return Price(error=f"negative price {m.group(0).strip()!r}")
        code, err = _currency(m["pre"] or m["post"], country)
        if err:
            errors.append(err)
            continue
        found.append((value, code))
    free_word = bool(_FREE.search(text))
    if not found:
        if free_word:
            return Price(amount=0.0, is_free=True, note="stated free")
        return Price(error=errors[0] if errors else f"no amount in {text!r}")
    with_currency = [(v, c) for v, c in found if c]
    assumed = False
    if not with_currency:
        if all(v == 0 for v, _ in found):
            if free_word and not _NUMBER_ONLY.fullmatch(text):
                return Price(amount=0.0, is_free=True, note="zero price, stated free")
            return Price(
                error=f"placeholder: a zero amount with no currency and no word saying free in {text!r}, "
                "not taken as a free course"
            )
        if not assumed_currency or len(found) != 1:  # a currency is assumed for one amount alone, never for a list
            return Price(error=f"no currency in {text!r}")
        with_currency, assumed = [(v, assumed_currency) for v, _ in found], True
    currencies = {c for _, c in with_currency}
    if len(currencies) > 1:
        return Price(error=f"several currencies in {text!r}: {sorted(currencies)}")
    paid = sorted(v for v, _ in with_currency if v > 0)
    currency = with_currency[0][1]
    is_free = free_word or (not assumed and any(v == 0 for v, _ in with_currency))  # an unstated zero: placeholder
    period_m = _PERIOD.search(text)
    period = _PERIODS.get((period_m.group(1) or period_m.group(2)).lower()) if period_m else None
    notes = []
    if assumed:
        notes.append(f"no currency stated; {assumed_currency} assumed")
    if len(with_currency) > 1:
        notes.append(f"{len(with_currency)} prices listed; lowest non-zero taken")
    if period:
        notes.append(f"per {period}")
    if (m0 := with_currency[0]) and (text.startswith("$") or "US$" not in text and "$" in text) and m0[1] == "USD":
        notes.append("'$' read as USD")
    if not paid:
        return Price(amount=0.0, currency=currency, is_free=True, period=period, note="; ".join(notes) or None)
    return Price(amount=paid[0], currency=currency, is_free=is_free, period=period, note="; ".join(notes) or None)
