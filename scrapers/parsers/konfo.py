"""Konfo / Opintopolku: Finland's national register of study offers (opintopolku.fi/konfo-backend).

Three documents, told apart by their content (the record's OID class: 1.2.246.562.13.* an education, .17.* an
implementation, .10.* an organisation):

* a search page (`{"total", "hits": [...]}`, `/search/koulutukset?page=&size=`): each hit is an education
  (`koulutus`) summary; the parser yields it as an offer and follows its detail document and the next page. In a crawl
  the detail supersedes the summary (`scrapers.spiders.konfo.KonfoSpider`); `mcatlas parse` on a search page prints
  the summaries.
* an education (`koulutus`): the offer as the register describes it (credits, EQF / NQF level, degree titles,
  fields, every provider) and a follow-up for each published implementation.
* an implementation (`toteutus`): one provider's offer of an education: teaching languages, teaching mode, fees,
  planned duration, start, under `metadata.opetus`; `part_of` names its education.

Credits are `opintojenLaajuusNumero` in the unit `opintojenLaajuusyksikko`: ECTS credits ("opintopistettä") go to
`ects`; ECVET competence points ("osaamispistettä", vocational education) are no ECTS and stay in
`extras.credits` with their unit, as does any other unit. A combined degree's credits are written together
(`180120` for "180+120"): the parts are read from the label or the digits and their sum is the offer's credits.
Institution records (`oppilaitos`, organisation OIDs) are providers, never offers: counted as skipped.
Qualification units, study modules, open-university and continuing education are flagged as micro-credential
candidates in `extras` with the reason. Editors' and contact persons' names, e-mails and phones are never read
(`scrapers.parsers.finnish.public_record`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from scrapers.parsers.base import FollowUp, Page, too_deep_is_parse_error
from scrapers.parsers.common import (
    as_dict,
    as_list,
    outcomes,
    parse_records,
    query_int,
    skip,
    skip_arrays,
    text,
    to_date,
    with_query,
)
from scrapers.parsers.finnish import (
    credit_parts,
    distinct,
    name_of,
    parse_register,
    pick,
    texts,
    whole,
)

SOURCE = "konfo"
SITE = "https://opintopolku.fi"
PLATFORM = "Opintopolku (Konfo)"
NOT_KONFO = (
    "not a Konfo document (expected a search page with `total` and `hits`, or a koulutus / toteutus / oppilaitos"
    " record with its Opintopolku OID 1.2.246.562.*)"
)
_OID = re.compile(r"^1\.2\.246\.562\.(\d+)\.\d+$")
KOULUTUS, TOTEUTUS, ORGANISAATIO = "13", "17", "10"
PUBLISHED = "julkaistu"

# `oppilaitoksenopetuskieli` codes (teaching language) and the `kieli` code set.
_TEACHING_LANGUAGE = {"1": ["fi"], "2": ["sv"], "3": ["fi", "sv"], "4": ["en"], "5": ["se"], "9": []}
# `opetuspaikkakk` (teaching mode) codes -> form of participation; independent study names no form.
_MODES: dict[str, str | None] = {
    "1": "on-site",
    "2": "online",
    "3": "online",
    "4": "blended",
    "5": None,
    "6": "on-site",
}
_MODE_NAMES = {
    "1": "Contact teaching",
    "2": "Distance teaching",
    "3": "Online teaching",
    "4": "Blended teaching",
    "5": "Independent learning",
    "6": "Apprenticeship agreement",
}
_ECTS_WORDS = ("opintopiste", "studiepoäng", "ects")
_ECVET_WORDS = ("osaamispiste", "kompetenspoäng", "ecvet")
# Education types that are short units of a larger qualification or continuing education (micro-credential
# candidates), with the reason recorded in extras.
_SHORT_TYPES = {
    "amm-tutkinnon-osa": "vocational qualification unit (tutkinnon osa)",
    "amm-osaamisala": "vocational competence area (osaamisala)",
    "amm-muu": "other vocational education (not a full qualification)",
    "kk-opintojakso": "higher-education study unit (opintojakso)",
    "kk-opintokokonaisuus": "higher-education study module (opintokokonaisuus)",
    "erikoistumiskoulutus": "specialisation education for graduates (continuing education)",
    "vapaa-sivistystyo-muu": "liberal adult education course",
    "muu": "other education (not a degree)",
}
_SHORT_WORDS = re.compile(
    r"pien(?:i|et|en) osaamiskokonaisuu|små kompetenshelhet|micro-?credential|mikrotutkin|täydennyskoulutu"
    r"|fortbildning|continuing education",
    re.IGNORECASE,
)


def oid_class(value: Any) -> str | None:
    m = _OID.match(text(value) or "")
    return m.group(1) if m else None


def _koodi(value: Any) -> tuple[str | None, dict[str, str]]:
    """(code without version, names by language) of a code object `{"koodiUri": "eqf_4#1", "nimi": {...}}` or of a
    bare code URI string."""
    if isinstance(value, str):
        return value.split("#", 1)[0] or None, {}
    value = as_dict(value)
    uri = text(value.get("koodiUri"))
    return (uri.split("#", 1)[0] if uri else None), texts(value.get("nimi"))


def _code_value(uri: str | None, prefix: str) -> str | None:
    return uri[len(prefix) :] if uri and uri.startswith(prefix) else None


def _names(values: Any) -> list[str]:
    return list(dict.fromkeys(n for v in as_list(values) if (n := pick(_koodi(v)[1])[0])))


def _keywords(values: Any) -> list[dict[str, str]]:
    """Free keywords (`asiasanat`, `ammattinimikkeet`: `{"kieli": "fi", "arvo": "tekoäly"}`) with their language."""
    out = []
    for value in as_list(values):
        value = as_dict(value)
        word, lang = text(value.get("arvo")), text(value.get("kieli"))
        if word:
            out.append({"text": word, "lang": lang} if lang else {"text": word})
    return out


def _codes(values: Any) -> list[dict[str, Any]]:
    """Code objects as `{code, names}` for extras (the code set's own words in each language)."""
    out = []
    for value in as_list(values):
        uri, names = _koodi(value)
        if uri or names:
            out.append({"code": uri, "names": names or None})
    return out


def _org(value: Any) -> dict[str, Any] | None:
    """An organisation (institution or branch) as extras keep it: OID, name, municipality."""
    value = as_dict(value)
    name = name_of(value)
    if not name:
        return None
    town = name_of(as_dict(value.get("paikkakunta")))
    return {"oid": text(value.get("oid")), "name": name, "municipality": town}


# ---- credits -------------------------------------------------------------------------------------------------


def _unit(yksikko: Any) -> tuple[str | None, dict[str, str]]:
    uri, names = _koodi(yksikko)
    words = " ".join(names.values()).lower()
    if any(w in words for w in _ECVET_WORDS) or uri == "opintojenlaajuusyksikko_6":
        return "ECVET", names
    if any(w in words for w in _ECTS_WORDS) or uri == "opintojenlaajuusyksikko_2":
        return "ECTS", names
    return (pick(names)[0] or uri), names


def credits(record: dict[str, Any], page: Page | None = None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(item fields, extras.credits) from `opintojenLaajuusNumero` (or `...Min`/`...Max`, or the label of the code
    `opintojenLaajuus`) and the unit: only ECTS credits reach `ects`."""
    unit, unit_names = _unit(record.get("opintojenLaajuusyksikko"))
    label_uri, label_names = _koodi(record.get("opintojenLaajuus"))
    label = pick(label_names)[0] or _code_value(label_uri, "opintojenlaajuus_")
    number = record.get("opintojenLaajuusNumero")
    low, high = record.get("opintojenLaajuusNumeroMin"), record.get("opintojenLaajuusNumeroMax")
    if number is None and low is not None and (high is None or high == low):
        number = low
    parts, how = credit_parts(number, label)
    extra: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    if parts:
        total = whole(sum(parts))
        extra = {"value": total, "parts": [whole(p) for p in parts] if len(parts) > 1 else None}
        if how == "concatenated" or (how == "label" and len(parts) > 1 and number is not None):
            extra["stated"] = text(number)  # the digits as the register writes them, e.g. "180120"
        if unit == "ECTS":
            fields["ects"] = total
    elif low is not None or high is not None:
        extra = {"min": low, "max": high}
    elif how == "unreadable" and page is not None:
        page.stats["konfo/credits_unreadable"] = page.stats.get("konfo/credits_unreadable", 0) + 1
        extra = {"stated": text(number)}
    if not extra:
        return fields, None
    extra.update({"unit": unit, "unit_names": unit_names or None, "label": label})
    return fields, {k: v for k, v in extra.items() if v is not None}


def _unit_credits(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Credits of a qualification unit's search hit, stated only in its `tutkinnonOsat` entries."""
    units = [u for u in as_list(record.get("tutkinnonOsat")) if isinstance(u, dict)]
    if len(units) != 1:
        return {}, None
    return credits(units[0])


# ---- micro-credential candidates ---------------------------------------------------------------------------------


def candidate(kind: str | None, metadata: dict[str, Any], words: list[str]) -> dict[str, Any]:
    """`micro_credential_candidate` and its reasons: a short education type, an open-university or continuing
    education flag, or the register's own words for a small unit of competence."""
    reasons = []
    if kind in _SHORT_TYPES:
        reasons.append(_SHORT_TYPES[kind])
    if metadata.get("isAvoinKorkeakoulutus") is True:
        reasons.append("open university education (avoin korkeakoulutus)")
    for key, value in metadata.items():
        if "pieniosaamiskokonaisuus" in str(key).lower().replace("_", "") and value is True:
            reasons.append(f"flagged {key}")
    for word in words:
        m = _SHORT_WORDS.search(word or "")
        if m:
            reasons.append(f"named as {m.group(0).lower()!r}")
            break
    return {"micro_credential_candidate": bool(reasons), "micro_credential_reasons": reasons or None}


# ---- records -----------------------------------------------------------------------------------------------------


def _common(record: dict[str, Any], kind: str) -> dict[str, Any]:
    """Fields every Konfo record maps the same way: OID, page, titles, descriptions."""
    oid = text(record.get("oid"))
    titles = distinct(texts(record.get("nimi")))
    title, title_lang = pick(titles)
    metadata = as_dict(record.get("metadata"))
    descriptions = distinct(texts(metadata.get("kuvaus")) or texts(record.get("kuvaus")))
    description, description_lang = pick(descriptions)
    return {
        "source_id": oid,
        "url": f"{SITE}/konfo/fi/{kind}/{oid}" if oid else None,
        "title": title,
        "title_lang": title_lang,
        "titles": titles,
        "description": description,
        "platform": PLATFORM,
        "country": "FI",
        "learning_outcomes": outcomes(None, description, description_lang),
    }


def _english_title(item: dict[str, Any], record: dict[str, Any]) -> None:
    """An education named exactly as its one qualification (`koulutukset`) takes the qualification's English name
    from the code set where the record itself has none: the same title, in the language the schema wants."""
    quals = [q for q in as_list(record.get("koulutukset")) if isinstance(q, dict)]
    titles = item["titles"]
    if "en" in titles or len(quals) != 1:
        return
    names = texts(quals[0].get("nimi"))
    same = [lang for lang in ("fi", "sv") if titles.get(lang) and names.get(lang) == titles[lang]]
    if names.get("en") and same:
        item["titles"] = {**titles, "en": names["en"]}
        item["title"], item["title_lang"] = names["en"], "en"


def _degree_titles(kind: str | None, values: Any) -> str | None:
    """The degree titles of a higher-education degree as its level words ("Master of Science ..."); a vocational
    qualification's titles are occupations, no level."""
    if not (kind or "").startswith(("yo", "amk", "kk")):
        return None
    return "; ".join(_names(values)) or None


def _provider(orgs: list[dict[str, Any]]) -> str | None:
    names = list(dict.fromkeys(o["name"] for o in orgs))
    return names[0] if len(names) == 1 else None


def search_hit_item(hit: dict[str, Any]) -> dict[str, Any]:
    """A search hit: the education as the search lists it (no teaching language: `kielivalinta` is the languages
    the record is written in)."""
    item = _common(hit, "koulutus")
    fields, credit = credits(hit)
    if credit is None:
        fields, credit = _unit_credits(hit)
    offered = as_dict(hit.get("toteutustenTarjoajat"))
    named, count = name_of(offered), offered.get("count")
    kind = text(hit.get("koulutustyyppi"))
    _english_title(item, hit)
    item.update(
        {
            **fields,
            "provider": named if count == 1 else None,
            "level_raw": _degree_titles(kind, hit.get("tutkintonimikkeet")),
            "extras": {
                "record": "koulutus",
                "koulutustyyppi": kind,
                "credits": credit,
                "qualifications": _codes(hit.get("koulutukset")),
                "degree_titles": _codes(hit.get("tutkintonimikkeet")),
                "qualification_units": _codes(
                    [as_dict(u).get("tutkinnonOsat") for u in as_list(hit.get("tutkinnonOsat"))]
                ),
                "content_languages": [c for c in as_list(hit.get("kielivalinta")) if isinstance(c, str)],
                "descriptions": distinct(texts(hit.get("kuvaus"))) or None,
                "providers_named": named,
                "providers_count": count if isinstance(count, int) else None,
                "image_url": text(hit.get("teemakuva")),
                "eperuste_id": hit.get("ePerusteId"),
                **candidate(kind, {}, [item["title"] or "", *item["titles"].values()]),
            },
        }
    )
    return item


def koulutus_item(record: dict[str, Any]) -> dict[str, Any]:
    """An education: levels, credits, degree titles, fields, the providers; its implementations are followed."""
    item = _common(record, "koulutus")
    metadata = as_dict(record.get("metadata"))
    fields, credit = credits(metadata)
    if credit is None:
        fields, credit = credits(record)
    eqf = [v for e in as_list(record.get("eqf")) if (v := _code_value(_koodi(e)[0], "eqf_"))]
    nqf = [v for e in as_list(record.get("nqf")) if (v := _code_value(_koodi(e)[0], "nqf_"))]
    providers = [o for t in as_list(record.get("tarjoajat")) if (o := _org(t))]
    kind = text(record.get("koulutustyyppi")) or text(metadata.get("tyyppi"))
    titles_given = metadata.get("tutkintonimike") or record.get("tutkintonimikkeet")
    _english_title(item, record)
    eperuste = as_dict(metadata.get("eperuste"))
    item.update(
        {
            **fields,
            "provider": _provider(providers),
            "eqf_level": int(eqf[0]) if len(set(eqf)) == 1 and eqf[0].isdigit() else None,
            "level_raw": _degree_titles(kind, titles_given),
            "subjects": _names(metadata.get("koulutusala")),
            "extras": {
                "record": "koulutus",
                "koulutustyyppi": kind,
                "koulutustyyppi_path": text(record.get("koulutustyyppiPath")),
                "credits": credit,
                "eqf": eqf or None,
                "nqf": nqf or None,
                "leads_to_qualification": record.get("johtaaTutkintoon")
                if isinstance(record.get("johtaaTutkintoon"), bool)
                else None,
                "qualifications": _codes(record.get("koulutukset")),
                "degree_titles": _codes(metadata.get("tutkintonimike")),
                "fields": _codes(metadata.get("koulutusala")),
                "providers": providers,
                "providers_count": len(providers),
                "owner": _org(record.get("organisaatio")),
                "implementations_count": len(as_list(record.get("toteutukset"))),
                "content_languages": [c for c in as_list(record.get("kielivalinta")) if isinstance(c, str)],
                "descriptions": distinct(texts(metadata.get("kuvaus"))) or None,
                "eperuste": {k: eperuste.get(k) for k in ("id", "diaarinumero")} if eperuste else None,
                "modified": text(record.get("modified")),
                "image_url": text(record.get("teemakuva")),
                **candidate(kind, metadata, [item["title"] or "", *item["titles"].values(), *_names(titles_given)]),
            },
        }
    )
    return item


def _languages(opetus: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for value in [*as_list(opetus.get("opetuskieli")), *as_list(opetus.get("opetuskieliKoodiUrit"))]:
        uri, _ = _koodi(value)
        code = _code_value(uri, "oppilaitoksenopetuskieli_")
        if code is not None:
            out += _TEACHING_LANGUAGE.get(code, [])
        elif (lang := _code_value(uri, "kieli_")) and len(lang) == 2:
            out.append(lang)
    return list(dict.fromkeys(out))


def _modes(opetus: dict[str, Any]) -> tuple[str | None, dict[str, str | None]]:
    """(participation_raw, the register's words -> form) of `opetustapa`."""
    words: dict[str, str | None] = {}
    for value in [*as_list(opetus.get("opetustapa")), *as_list(opetus.get("opetustapaKoodiUrit"))]:
        uri, names = _koodi(value)
        code = _code_value(uri, "opetuspaikkakk_")
        word = names.get("en") or (_MODE_NAMES.get(code) if code else None) or pick(names)[0]
        if word:
            words[word] = _MODES.get(code) if code else None
    return ("; ".join(words) or None), words


def _price(opetus: dict[str, Any]) -> dict[str, Any]:
    kind = text(opetus.get("maksullisuustyyppi"))
    amount = opetus.get("maksunMaara")
    amount = amount if isinstance(amount, int | float) and not isinstance(amount, bool) else None
    if kind == "maksuton" or (amount == 0 and kind is None):
        return {"price_raw": kind or "0", "price_amount": 0, "price_currency": "EUR", "is_free": True}
    if amount is not None:
        raw = f"{amount:g} EUR" + (f" ({kind})" if kind else "")
        return {"price_raw": raw, "price_amount": amount, "price_currency": "EUR", "is_free": amount == 0}
    return {"price_raw": kind, "is_free": False} if kind in ("maksullinen", "lukuvuosimaksu") else {}


def _duration(opetus: dict[str, Any]) -> str | None:
    years, months = opetus.get("suunniteltuKestoVuodet"), opetus.get("suunniteltuKestoKuukaudet")
    years = years if isinstance(years, int) and not isinstance(years, bool) and years > 0 else 0
    months = months if isinstance(months, int) and not isinstance(months, bool) and months > 0 else 0
    if years and months:
        return f"{12 * years + months} months"
    if years:
        return f"{years} year{'s' if years > 1 else ''}"
    if months:
        return f"{months} month{'s' if months > 1 else ''}"
    return None


def _runs(oid: str | None, opetus: dict[str, Any]) -> list[dict[str, Any]]:
    start = as_dict(opetus.get("koulutuksenAlkamiskausi"))
    if not start:
        return []
    _, season = _koodi(start.get("koulutuksenAlkamiskausi") or start.get("koulutuksenAlkamiskausiKoodiUri"))
    year = text(start.get("koulutuksenAlkamisvuosi"))
    schedule = " ".join(p for p in (pick(season)[0], year) if p) or text(start.get("alkamiskausityyppi"))
    run = {
        "run_id": oid,
        "start_date": to_date(start.get("koulutuksenAlkamispaivamaara")),
        "end_date": to_date(start.get("koulutuksenPaattymispaivamaara")),
        "schedule": schedule,
    }
    if run["start_date"] and run["end_date"] and run["end_date"] < run["start_date"]:
        run["end_date"] = None
    return [{k: v for k, v in run.items() if v}]


def toteutus_item(record: dict[str, Any], koulutus: dict[str, Any] | None = None) -> dict[str, Any]:
    """An implementation: one provider's teaching of an education (language, mode, fees, duration, start)."""
    item = _common(record, "toteutus")
    metadata = as_dict(record.get("metadata"))
    opetus = as_dict(metadata.get("opetus"))
    fields, credit = credits(metadata)
    context = as_dict(koulutus)
    if credit is None and context:
        fields, credit = credits(as_dict(context.get("metadata")))
    branches = [o for t in as_list(record.get("tarjoajat")) if (o := _org(t))]
    owner = _org(record.get("organisaatio"))
    raw_mode, forms = _modes(opetus)
    kind = text(metadata.get("tyyppi")) or text(record.get("koulutustyyppi")) or text(context.get("koulutustyyppi"))
    koulutus_oid = text(record.get("koulutusOid")) or text(context.get("oid"))
    eqf = [v for e in as_list(context.get("eqf")) if (v := _code_value(_koodi(e)[0], "eqf_"))]
    item.update(
        {
            **fields,
            "provider": owner["name"] if owner else _provider(branches),
            "languages": _languages(opetus),
            "participation_raw": raw_mode,
            "duration_raw": _duration(opetus),
            "runs": _runs(item["source_id"], opetus),
            "eqf_level": int(eqf[0]) if len(set(eqf)) == 1 and eqf[0].isdigit() else None,
            "part_of": [koulutus_oid] if koulutus_oid else [],
            **_price(opetus),
            "extras": {
                "record": "toteutus",
                "koulutus_oid": koulutus_oid,
                "koulutustyyppi": kind,
                "credits": credit,
                "participation_forms": forms or None,
                "branches": branches or None,
                "teaching_times": _names(opetus.get("opetusaika")) or None,
                "fee_type": text(opetus.get("maksullisuustyyppi")),
                "fee_descriptions": distinct(texts(opetus.get("maksullisuusKuvaus"))) or None,
                "duration_descriptions": distinct(texts(opetus.get("suunniteltuKestoKuvaus"))) or None,
                "planned_duration": {
                    "years": opetus.get("suunniteltuKestoVuodet"),
                    "months": opetus.get("suunniteltuKestoKuukaudet"),
                }
                if opetus.get("suunniteltuKestoVuodet") or opetus.get("suunniteltuKestoKuukaudet")
                else None,
                "start_type": text(as_dict(opetus.get("koulutuksenAlkamiskausi")).get("alkamiskausityyppi")),
                "occupations": _keywords(metadata.get("ammattinimikkeet")) or None,
                "keywords": _keywords(metadata.get("asiasanat")) or None,
                "open_university": metadata.get("isAvoinKorkeakoulutus")
                if isinstance(metadata.get("isAvoinKorkeakoulutus"), bool)
                else None,
                "descriptions": distinct(texts(metadata.get("kuvaus"))) or None,
                "content_languages": [c for c in as_list(record.get("kielivalinta")) if isinstance(c, str)],
                "modified": text(record.get("modified")),
                "image_url": text(record.get("teemakuva")),
                **candidate(kind, metadata, [item["title"] or "", *item["titles"].values()]),
            },
        }
    )
    return item


# ---- documents ---------------------------------------------------------------------------------------------------


def _base(url: str) -> tuple[str, str]:
    """(scheme://host, API root path) to build follow-up URLs on: the register's own host, or the host the current
    response came from (a test server); the external API keeps its `/external/` paths."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else SITE
    root = "/konfo-backend/external" if "/konfo-backend/external/" in parts.path else "/konfo-backend"
    return origin, root


def detail_url(url: str, kind: str, oid: str) -> str:
    origin, root = _base(url)
    return f"{origin}{root}/{kind}/{oid}"


def parse_search(data: dict[str, Any], url: str) -> Page:
    page = Page()
    hits = data["hits"]
    skip_arrays(page, data, ("hits",))
    educations = []
    for hit in hits:
        kind = oid_class(hit.get("oid")) if isinstance(hit, dict) else None
        if kind == ORGANISAATIO:
            skip(page, "provider_record/hits")  # an institution (oppilaitos): a provider, not an offer
        elif kind == TOTEUTUS:  # an implementation listed on its own: its detail document is the offer
            page.follow.append(FollowUp(detail_url(url, "toteutus", hit["oid"]), kind="toteutus"))
        elif kind in (KOULUTUS, None):  # an education, or a hit without an OID (rejected with that reason)
            educations.append(hit)
        else:
            skip(page, "other_register_record/hits")  # an application round, application option, ...
    parse_records(
        page, SOURCE, educations, search_hit_item, lambda h: h.get("oid") if oid_class(h.get("oid")) else None
    )
    for item in page.items:
        oid = item["source_id"]
        page.follow.append(FollowUp(detail_url(url, "koulutus", oid), kind="koulutus", meta={"summary_of": oid}))
    page.stats["konfo/search_hits"] = len(hits)
    total = data.get("total")
    number, size = query_int(url, "page") or 1, query_int(url, "size") or len(hits)
    if not hits:  # an empty page where the search promised results is an error the run status shows
        promised = isinstance(total, int) and total > (number - 1) * size
        page.stats["errors/empty_results" if promised else "paging/no_results"] = 1
    if hits and isinstance(total, int) and number * size < total and urlsplit(url).scheme in ("http", "https"):
        page.follow.append(FollowUp(with_query(url, page=number + 1), kind="search"))
    return page


def parse_koulutus(record: dict[str, Any], url: str, wrapper: dict[str, Any] | None = None) -> Page:
    page = Page()
    parse_records(page, SOURCE, [record], koulutus_item, lambda r: r.get("oid"))
    implementations = as_list(record.get("toteutukset")) or as_list((wrapper or {}).get("toteutukset"))
    listed = unpublished = 0
    for ref in implementations:
        ref = as_dict(ref)
        oid = text(ref.get("oid")) or text(ref.get("toteutusOid"))
        if oid_class(oid) != TOTEUTUS or oid is None:
            continue
        if text(ref.get("tila")) not in (None, PUBLISHED):
            unpublished += 1
            continue
        listed += 1
        page.follow.append(FollowUp(detail_url(url, "toteutus", oid), kind="toteutus"))
    page.stats["konfo/toteutukset_listed"] = listed
    if unpublished:
        page.stats["konfo/toteutukset_unpublished"] = unpublished
    skip(page, "application_rounds/haut", len(as_list(record.get("haut"))))
    skip(page, "application_options/hakukohteet", len(as_list(record.get("hakukohteet"))))
    return page


def parse_toteutus(record: dict[str, Any], koulutus: dict[str, Any] | None = None) -> Page:
    page = Page()
    parse_records(page, SOURCE, [record], lambda r: toteutus_item(r, koulutus), lambda r: r.get("oid"))
    skip(page, "application_options/hakukohteet", len(as_list(record.get("hakukohteet"))))
    return page


def parse_data(data: Any, url: str) -> Page | None:
    """A Konfo document's page; None unless it carries the register's signature (its OIDs)."""
    if isinstance(data, dict) and isinstance(data.get("hits"), list) and "total" in data:
        hits = [h for h in data["hits"] if isinstance(h, dict)]
        if data["hits"] and not any(oid_class(h.get("oid")) for h in hits):
            return None
        return parse_search(data, url)
    if not isinstance(data, dict):
        return None
    wrapper = data
    if isinstance(data.get("toteutus"), dict):
        return parse_toteutus(data["toteutus"], as_dict(data.get("koulutus")) or None)
    if isinstance(data.get("koulutus"), dict) and oid_class(data["koulutus"].get("oid")) == KOULUTUS:
        data = data["koulutus"]
    kind = oid_class(data.get("oid"))
    if kind == KOULUTUS:
        return parse_koulutus(data, url, wrapper)
    if kind == TOTEUTUS:
        return parse_toteutus(data)
    if kind == ORGANISAATIO:
        return skip(Page(), "provider_record/oppilaitos")  # an institution: a provider of offers, not an offer
    return None


@too_deep_is_parse_error("konfo")
def parse(body: bytes, url: str) -> Page:
    return parse_register(body, url, "konfo", parse_data, NOT_KONFO)
