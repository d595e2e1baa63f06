"""Apply the normalisation rules to one parsed item (a dict of Offer fields, values as given).

`normalise_item` is the item chain's normalise step (scrapers/processing.py: clean -> normalise -> validate).
Every value it sets is explained: an `Explanation` (field, value, raw field, raw value, rule, note) is appended to
`item["explanations"]`, so an analyst can see why a course has 5 estimated ECTS. A value that cannot be normalised
stays in its `*_raw` field with an explanation saying why. No exception leaves this function: each rule runs on
its own, and a rule that fails records `<rule>.error` and leaves the item as it was for that field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.normalise import NORMALISER_VERSION
from models.normalise.assessment import (
    assessment_from_certificate,
    assessment_from_text,
    normalise_assessment,
    quality_assurance_from_text,
)
from models.normalise.countries import country_from_domain, to_iso3166_alpha2
from models.normalise.credits import (
    HOURS_PER_ECTS_MAX,
    HOURS_PER_ECTS_MIN,
    cats_in_text,
    ects_from_uk_credits,
    ects_hours_conflict,
    ects_in_text,
    eqf_in_text,
    estimate_ects,
    infer_eqf_from_credits,
    infer_eqf_from_level,
    infer_eqf_from_text,
    parse_ects,
    parse_eqf,
)
from models.normalise.dates import parse_date
from models.normalise.explain import explain
from models.normalise.languages import languages_in, to_iso639_1
from models.normalise.levels_fr import infer_eqf_french
from models.normalise.numbers import parse_number
from models.normalise.outcomes import (
    MAX_BLOCK_CHARS,
    MAX_OUTCOME_CHARS,
    MAX_STATEMENTS,
    detect_language,
    split_statements,
    statement_key,
)
from models.normalise.participation import participation_form
from models.normalise.prices import Price, currency_error, currency_of_country, is_currency, parse_price, to_eur
from models.normalise.subjects import isced_broad
from models.normalise.sweden import ects_from_swedish_credits, infer_eqf_swedish
from models.normalise.text import one_line
from models.normalise.workload import MAX_WEEKS, Span, notional_hours, parse_duration, parse_effort
from models.offer import PARTICIPATION_FORMS

Explanations = list[dict[str, Any]]
Rule = Callable[[dict[str, Any], Explanations, dict[str, Any]], None]


def _extras(item: dict[str, Any]) -> dict[str, Any]:
    extras = item.get("extras")
    return extras if isinstance(extras, dict) else {}


def _low(item: dict[str, Any], ctx: dict[str, Any]) -> str:
    """The description lower-cased, once per item (several phrase rules read it)."""
    if "low" not in ctx:
        desc = item.get("description")
        ctx["low"] = desc.lower() if isinstance(desc, str) else ""
    return ctx["low"]


# ---- languages and countries ----------------------------------------------------------------------------------


def _languages(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("languages")
    values = [raw] if isinstance(raw, str) else list(raw or [])
    out: list[str] = []
    unknown: list[Any] = []
    for v in values:
        codes = languages_in(str(v)) if v else ()
        out.extend(codes) if codes else unknown.append(v)
    out = list(dict.fromkeys(out))
    item["languages"] = out
    if out and out != values:
        ex.append(explain("languages", out, "languages", values, "languages.iso639_1"))
    if unknown:
        ex.append(
            explain("languages", out, "languages", unknown, "languages.unknown", "not a language tag or name; dropped")
        )
    if item.get("title_lang"):
        raw_lang = item["title_lang"]
        item["title_lang"] = to_iso639_1(str(raw_lang))
        if item["title_lang"] is None:
            ex.append(explain("title_lang", None, "title_lang", raw_lang, "languages.unknown"))
    if isinstance(item.get("titles"), dict) and item["titles"]:
        item["titles"] = {to_iso639_1(str(k)) or str(k): v for k, v in item["titles"].items() if v}
        if any(len(k) != 2 for k in item["titles"]):
            item["titles"] = {k: v for k, v in item["titles"].items() if len(k) == 2}


def _country(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("country")
    if raw:
        code = to_iso3166_alpha2(str(raw))
        item["country"] = code
        if code is None:
            ex.append(explain("country", None, "country", raw, "country.unknown", "not a country code or name"))
        elif code != raw:
            ex.append(explain("country", code, "country", raw, "country.iso3166_alpha2"))
        else:
            ex.append(explain("country", code, "country", raw, "country.given"))
        if code:
            return
    code = country_from_domain(item.get("provider_url"))
    if code:
        item["country"] = code
        ex.append(
            explain(
                "country",
                code,
                "provider_url",
                item.get("provider_url"),
                "country.from_provider_domain",
                "the provider's own web site is under a country-code domain",
            )
        )


# ---- duration, workload, ECTS ---------------------------------------------------------------------------------


def _duration(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    given = parse_number(item.get("duration_weeks"))
    span: Span | None = None
    if item.get("duration_raw"):
        span = parse_duration(str(item["duration_raw"]))
        if span.error:
            ex.append(
                explain("duration_weeks", None, "duration_raw", item["duration_raw"], "duration.unparsed", span.error)
            )
            span = None
    if given is not None:
        if 0 < given <= MAX_WEEKS:
            item["duration_weeks"] = given
            if (
                span is None
                or not span.weeks_lo
                or span.weeks_hi is None
                or not (span.weeks_lo <= given <= span.weeks_hi)
            ):
                span = Span(weeks_lo=given, weeks_hi=given, unit="week", lo=given, hi=given)
            ex.append(explain("duration_weeks", given, "duration_weeks", item.get("duration_weeks"), "duration.given"))
        else:
            item["duration_weeks"] = None
            ex.append(
                explain(
                    "duration_weeks",
                    None,
                    "duration_weeks",
                    given,
                    "duration.implausible",
                    f"{given:g} weeks is outside 0-{MAX_WEEKS:g}",
                )
            )
    elif span is not None and span.weeks_lo is not None and span.weeks_hi is not None:
        weeks = round((span.weeks_lo + span.weeks_hi) / 2, 2)
        item["duration_weeks"] = weeks
        note = f"{span.lo:g}-{span.hi:g} {span.unit}s" + ("; midpoint" if span.lo != span.hi else "")
        ex.append(explain("duration_weeks", weeks, "duration_raw", item["duration_raw"], "duration.parsed", note))
    else:
        item["duration_weeks"] = None
    if span is None:
        runs = [r for r in item.get("runs") or [] if isinstance(r, dict)]
        run_weeks = [w for w in (parse_number(r.get("duration_weeks")) for r in runs) if w and 0 < w <= MAX_WEEKS]
        if run_weeks:
            span = Span(
                weeks_lo=min(run_weeks), weeks_hi=max(run_weeks), unit="week", lo=min(run_weeks), hi=max(run_weeks)
            )
            item["duration_weeks"] = min(run_weeks)
            ex.append(explain("duration_weeks", min(run_weeks), "runs.duration_weeks", run_weeks, "duration.from_runs"))
    if span is None:
        span = _duration_from_schedule(item, ex)
    ctx["span"] = span


def _duration_from_schedule(item: dict[str, Any], ex: Explanations) -> Span | None:
    """Weeks from the source's schedule vocabulary (`extras.schedule_weeks`: each schedule key's length, as the
    parser read it from the source's own calendar); the shortest period is the course's, flagged inferred."""
    extras = item.get("extras")
    table = extras.get("schedule_weeks") if isinstance(extras, dict) else None
    if not isinstance(table, dict):
        return None
    known = {str(k): w for k, v in table.items() if (w := parse_number(v)) is not None and 0 < w <= MAX_WEEKS}
    if not known:
        return None
    key = min(known, key=known.__getitem__)
    weeks = known[key]
    item["duration_weeks"] = weeks
    ex.append(
        explain(
            "duration_weeks",
            weeks,
            "runs.schedule",
            list(table),
            "duration.inferred_from_schedule",
            f"schedule {key!r} is a {weeks:g}-week teaching period in the source's calendar",
        )
    )
    return Span(weeks_lo=weeks, weeks_hi=weeks, unit="week", lo=weeks, hi=weeks)


def _ects_given(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("ects")
    if raw is not None and raw != "":
        if item.get("ects_flag") == "estimated":
            value = parse_number(raw)
            ok = value is not None and 0 < value <= 240
            item["ects"], item["ects_flag"] = (value, "estimated") if ok else (None, None)
            ex.append(
                explain(
                    "ects",
                    item["ects"],
                    "ects",
                    raw,
                    "ects.estimated_by_source" if ok else "ects.invalid",
                    None if ok else "an estimate must be a number in 0 < ECTS <= 240; not kept",
                )
            )
            return
        credits = parse_ects(raw if isinstance(raw, int | float) else str(raw))
        item["ects"] = credits.value
        item["ects_flag"] = "given" if credits.value is not None else None
        ex.append(explain("ects", credits.value, "ects", raw, credits.rule, credits.note))
        if credits.value is not None:
            return
    else:
        item["ects"], item["ects_flag"] = None, None
    if _ects_from_swedish_credits(item, ex):
        return
    for field in ("workload_raw", "certificate_type", "title", "duration_raw", "level_raw"):
        value = ects_in_text(item.get(field))
        if value is not None:
            item["ects"], item["ects_flag"] = value, "given"
            ex.append(explain("ects", value, field, item.get(field), "ects.stated_in_text"))
            return


def _ects_from_swedish_credits(item: dict[str, Any], ex: Explanations) -> bool:
    """ECTS from credits stated in a Swedish unit (`extras.credits`, e.g. 7.5 hp = 7.5 ECTS); True when set."""
    extras = item.get("extras")
    stated = extras.get("credits") if isinstance(extras, dict) else None
    credits = ects_from_swedish_credits(stated)
    if credits is None:
        return False
    item["ects"], item["ects_flag"] = credits.value, "given" if credits.value is not None else None
    ex.append(explain("ects", credits.value, "extras.credits", stated, credits.rule, credits.note))
    return credits.value is not None


def _workload(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    lo, hi = parse_number(item.get("workload_hours_min")), parse_number(item.get("workload_hours_max"))
    if lo is not None or hi is not None:
        lo, hi = (lo if lo is not None else hi), (hi if hi is not None else lo)
        if lo is not None and hi is not None and 0 < lo <= hi <= 7200:
            item["workload_hours_min"], item["workload_hours_max"] = lo, hi
            ex.append(
                explain(
                    "workload_hours_min",
                    lo,
                    "workload_hours_min",
                    item.get("workload_hours_min"),
                    "workload.given",
                    f"{lo:g}-{hi:g} h",
                )
            )
            ctx["hours_from"] = "given"
            return
        ex.append(
            explain(
                "workload_hours_min",
                None,
                "workload_hours_min",
                [lo, hi],
                "workload.implausible",
                "hours must be 0 < min <= max <= 7200",
            )
        )
    item["workload_hours_min"] = item["workload_hours_max"] = None
    raw = item.get("workload_raw")
    if raw:
        effort = parse_effort(str(raw))
        hours = notional_hours(effort, ctx.get("span"))
        if hours.lo is not None and hours.hi is not None:
            item["workload_hours_min"], item["workload_hours_max"] = hours.lo, hours.hi
            ex.append(explain("workload_hours_min", hours.lo, "workload_raw", raw, hours.rule, hours.note))
            ctx["hours_from"] = "workload"
            return
        rule = "workload.self_paced" if effort.self_paced else hours.rule
        ex.append(explain("workload_hours_min", None, "workload_raw", raw, rule, hours.note))
    ects = item.get("ects")
    if ects and item.get("ects_flag") == "given":
        lo, hi = round(ects * HOURS_PER_ECTS_MIN, 1), round(ects * HOURS_PER_ECTS_MAX, 1)
        item["workload_hours_min"], item["workload_hours_max"] = lo, hi
        ex.append(
            explain(
                "workload_hours_min",
                lo,
                "ects",
                ects,
                "workload.from_ects",
                f"{ects:g} ECTS x 25-30 h per ECTS = {lo:g}-{hi:g} h (ECTS Users' Guide)",
            )
        )
        ctx["hours_from"] = "ects"


def _ects_estimate(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    if item.get("ects") is not None:
        _ects_conflict(item, ex, ctx)
        return
    for field in ("workload_raw", "certificate_type", "title"):
        cats = cats_in_text(item.get(field))
        if cats is not None:
            credits = ects_from_uk_credits(cats)
            item["ects"], item["ects_flag"] = credits.value, "converted"
            ex.append(explain("ects", credits.value, field, item.get(field), credits.rule, credits.note))
            return
    lo, hi = item.get("workload_hours_min"), item.get("workload_hours_max")
    if lo and hi and ctx.get("hours_from") in ("given", "workload"):
        credits = estimate_ects(lo, hi)
        raw_field = "workload_raw" if ctx["hours_from"] == "workload" else "workload_hours_min"
        ex.append(explain("ects", credits.value, raw_field, item.get(raw_field), credits.rule, credits.note))
        if credits.value is not None:
            item["ects"], item["ects_flag"] = credits.value, "estimated"


def _ects_conflict(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    """A given ECTS value that contradicts the hours the same source states (more than a factor of 2 off 25-30 h
    per ECTS) is kept, flag `given`, and explained as `ects.conflicts_with_hours` with the arithmetic: the analyst
    decides which of the two to trust. Hours derived from the ECTS themselves are never compared."""
    ects, lo, hi = item.get("ects"), item.get("workload_hours_min"), item.get("workload_hours_max")
    if (
        item.get("ects_flag") != "given"
        or not (ects and lo and hi)
        or ctx.get("hours_from") not in ("given", "workload")
    ):
        return
    why = ects_hours_conflict(ects, lo, hi)
    if why:
        raw_field = "workload_raw" if ctx["hours_from"] == "workload" else "workload_hours_min"
        ex.append(explain("ects", ects, raw_field, item.get(raw_field), "ects.conflicts_with_hours", why))


# ---- EQF, participation, assessment, quality assurance ---------------------------------------------------------


def _eqf(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("eqf_level")  # parsers give only levels the source states; every inference happens below
    if raw is not None and raw != "":
        level = parse_eqf(raw if isinstance(raw, int) else str(raw))
        if level.value is not None:
            item["eqf_level"], item["eqf_flag"] = level.value, "given"
            ex.append(explain("eqf_level", level.value, "eqf_level", raw, level.rule, level.note))
            return
        ex.append(explain("eqf_level", None, "eqf_level", raw, level.rule, level.note))
    item["eqf_level"], item["eqf_flag"] = None, None
    for field in ("level_raw", "description", "title"):
        value = eqf_in_text(item.get(field), _low(item, ctx) if field == "description" else None)
        if value is not None:
            item["eqf_level"], item["eqf_flag"] = value, "given"
            ex.append(explain("eqf_level", value, field, item.get(field), "eqf.stated_in_text"))
            return
    notes = []
    # French levels (2019 national framework, 1969 nomenclature) first, so the note cites the decree
    extras = item.get("extras")
    stated = extras.get("level_framework") if isinstance(extras, dict) else None
    french = infer_eqf_french(str(item.get("level_raw") or ""), stated if isinstance(stated, str) else None)
    if french.value is not None:
        item["eqf_level"], item["eqf_flag"] = french.value, "inferred"
        ex.append(explain("eqf_level", french.value, "level_raw", item["level_raw"], french.rule, french.note))
        return
    if french.rule == "eqf.not_inferred":
        notes.append(("level_raw", french))
    # Swedish cycles, where the source states its level codes are (`extras.level_framework`, models/normalise/sweden.py)
    swedish = infer_eqf_swedish(str(item.get("level_raw") or ""), _extras(item).get("level_framework"))
    if swedish is not None and swedish.value is not None:
        item["eqf_level"], item["eqf_flag"] = swedish.value, "inferred"
        ex.append(explain("eqf_level", swedish.value, "level_raw", item["level_raw"], swedish.rule, swedish.note))
        return
    if swedish is not None:
        notes.append(("level_raw", swedish))
    # Framework levels of the credit schemes the record states (XCRI-CAP: The Open University level 1, SCQF level 7)
    # outrank a stage-of-study word in level_raw ("Undergraduate" spans EQF 5 and 6)
    credits = infer_eqf_from_credits(_extras(item).get("credits"))
    if credits is not None and credits.value is not None:
        item["eqf_level"], item["eqf_flag"] = credits.value, "inferred"
        ex.append(
            explain("eqf_level", credits.value, "extras.credits", _credit_levels(item), credits.rule, credits.note)
        )
        return
    if credits is not None:
        notes.insert(0, ("extras.credits", credits))
    for field in ("level_raw", "certificate_type"):
        if item.get(field):
            level = infer_eqf_from_level(str(item[field]))
            if level.value is not None:
                item["eqf_level"], item["eqf_flag"] = level.value, "inferred"
                ex.append(explain("eqf_level", level.value, field, item[field], level.rule, level.note))
                return
            if field == "level_raw" and not notes:
                notes.append((field, level))
    level = infer_eqf_from_text(item.get("description"), _low(item, ctx))
    if level.value is not None:
        item["eqf_level"], item["eqf_flag"] = level.value, "inferred"
        ex.append(explain("eqf_level", level.value, "description", item.get("description"), level.rule, level.note))
        return
    for field, level in notes:
        raw = _credit_levels(item) if field == "extras.credits" else item[field]
        ex.append(explain("eqf_level", None, field, raw, level.rule, level.note))


def _credit_levels(item: dict[str, Any]) -> list[str]:
    """The credit schemes' levels as the record states them ('The Open University level 1'), for the trail."""
    credits = _extras(item).get("credits")
    return [
        f"{c.get('scheme')} level {c.get('level')}"
        for c in credits or []
        if isinstance(c, dict) and c.get("scheme") and c.get("level")
    ]


def _participation(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    given, raw = item.get("participation_form"), item.get("participation_raw")
    if given in PARTICIPATION_FORMS:
        ex.append(
            explain(
                "participation_form",
                given,
                "participation_raw" if raw else "participation_form",
                raw or given,
                "participation.given",
            )
        )
        return
    item["participation_form"] = None
    if _participation_mapped(item, ex):
        return
    for field, value in (("participation_form", given), ("participation_raw", raw)):
        if not value:
            continue
        form, reason = participation_form(str(value))
        if form:
            item["participation_form"] = form
            if field == "participation_form" and not raw:
                item["participation_raw"] = str(value)
            ex.append(explain("participation_form", form, field, value, "participation.vocabulary", reason))
            return
        ex.append(explain("participation_form", None, field, value, "participation.unknown", reason))


def _participation_mapped(item: dict[str, Any], ex: Explanations) -> bool:
    """The form from the source's own vocabulary (`extras.participation_forms`: each of the record's words for its
    form of participation that the source's vocabulary knows, with the form it names or null, as the parser read
    them); several forms are one mixed offer, `blended`. False when the vocabulary names no form."""
    extras = item.get("extras")
    table = extras.get("participation_forms") if isinstance(extras, dict) else None
    if not isinstance(table, dict):
        return False
    mapped = {str(word): form for word, form in table.items() if form in PARTICIPATION_FORMS}
    if not mapped:
        return False
    forms = list(dict.fromkeys(mapped.values()))
    words = ", ".join(f"{word!r} -> {form}" for word, form in mapped.items())
    note = f"{item.get('source') or 'source'} vocabulary: {words}"
    if len(forms) == 1:
        form, rule = forms[0], "participation.mapped"
    else:
        form, rule = "blended", "participation.mapped_several"
        note += "; several forms of participation: blended"
    item["participation_form"] = form
    ex.append(explain("participation_form", form, "participation_raw", item.get("participation_raw"), rule, note))
    return True


def _assessment(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("assessment")
    value: str | None
    if raw:
        value = normalise_assessment(str(raw))
        item["assessment"] = value
        ex.append(explain("assessment", value, "assessment", raw, "assessment.given"))
    else:
        item["assessment"] = None
        value, reason = assessment_from_certificate(item.get("certificate_type"))
        if value:
            item["assessment"] = value
            ex.append(
                explain(
                    "assessment",
                    value,
                    "certificate_type",
                    item.get("certificate_type"),
                    "assessment.from_certificate_vocabulary",
                    reason,
                )
            )
        else:
            phrase = assessment_from_text(item.get("description"), _low(item, ctx))
            if phrase:
                item["assessment"] = phrase
                ex.append(explain("assessment", phrase, "description", phrase, "assessment.stated_in_description"))
    qa = item.get("quality_assurance")
    if qa:
        ex.append(explain("quality_assurance", qa, "quality_assurance", qa, "quality_assurance.given"))
        return
    for field in ("certificate_type", "description"):
        phrase = quality_assurance_from_text(item.get(field), _low(item, ctx) if field == "description" else None)
        if phrase:
            item["quality_assurance"] = phrase
            ex.append(explain("quality_assurance", phrase, field, phrase, "quality_assurance.stated_in_text"))
            return


# ---- subjects, dates, prices ----------------------------------------------------------------------------------


def _subjects(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("subjects")
    subjects = [raw] if isinstance(raw, str) else [str(s) for s in raw or [] if s]
    item["subjects"] = subjects
    codes: dict[str, None] = {}
    unmapped = []
    for subject in subjects:
        found = isced_broad(subject)
        if not found:
            unmapped.append(subject)
        for code, word in found:
            if code not in codes:
                codes[code] = None
                ex.append(
                    explain(
                        "isced_broad",
                        code,
                        "subjects",
                        subject,
                        "subjects.isced_f_broad",
                        f"{word!r} names ISCED-F 2013 broad field {code}",
                    )
                )
    item["isced_broad"] = list(codes)
    if unmapped:
        ex.append(
            explain(
                "isced_broad",
                None,
                "subjects",
                unmapped,
                "subjects.unmapped",
                "names no ISCED-F broad field in models/reference/isced_f_2013.csv",
            )
        )


def _dates(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    runs = []
    for i, run in enumerate(item.get("runs") or []):
        if not isinstance(run, dict):
            ex.append(explain("runs", None, f"runs[{i}]", run, "dates.not_a_run"))
            continue
        for key in ("start_date", "end_date"):
            value = run.get(key)
            if value is None or not isinstance(value, str):
                continue
            day, rule = parse_date(value)
            run[key] = day.isoformat() if day else None
            if day is None:
                ex.append(explain(f"runs.{key}", None, f"runs[{i}].{key}", value, "dates.unparsed", rule))
        start, end = run.get("start_date"), run.get("end_date")
        if isinstance(start, str) and isinstance(end, str) and end < start:
            ex.append(
                explain(
                    "runs.end_date",
                    None,
                    f"runs[{i}].end_date",
                    end,
                    "dates.end_before_start",
                    f"ends {end} before it starts {start}; end date dropped",
                )
            )
            run["end_date"] = None
        weeks = run.get("duration_weeks")
        run_weeks = parse_number(weeks)
        if weeks is not None and not (run_weeks and 0 < run_weeks <= MAX_WEEKS):
            ex.append(
                explain(
                    "runs.duration_weeks",
                    None,
                    f"runs[{i}].duration_weeks",
                    weeks,
                    "duration.implausible",
                    f"outside 0-{MAX_WEEKS:g} weeks",
                )
            )
            run["duration_weeks"] = None
        runs.append(run)
    item["runs"] = runs


def _parse_price_raw(raw: str, country: str | None) -> tuple[Price, str | None]:
    """(the price `raw` states, why its currency was inferred or None). An amount with no currency ("84.0000") is in
    the provider's country's currency where the country has only one; otherwise the error says why not."""
    price = parse_price(raw, country)
    if not (price.error or "").startswith("no currency"):
        return price, None
    code, why = currency_of_country(country)
    if code is None:
        return Price(error=f"{price.error}; {why}"), None
    return parse_price(raw, country, code), why


def _currency_from_country(code: str, country: Any, why: str) -> dict[str, Any]:
    return explain(
        "price_currency",
        code,
        "country",
        country,
        "price.currency_from_country",
        f"the price states no currency; inferred from the provider's country: {why}",
    )


def _price(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    amount, currency, raw = item.get("price_amount"), item.get("price_currency"), item.get("price_raw")
    item["price_eur"] = item["fx_date"] = None
    if amount is not None and amount != "":
        value = parse_number(amount)
        code = str(currency).strip().upper() if currency else None
        if value is None or value < 0:
            item["price_amount"] = item["price_currency"] = None
            ex.append(
                explain(
                    "price_amount",
                    None,
                    "price_amount",
                    amount,
                    "price.rejected",
                    "negative or not a number; kept in price_raw",
                )
            )
            if raw is None:
                item["price_raw"] = str(amount) + (f" {currency}" if currency else "")
            return
        if code and not is_currency(code):
            item["price_amount"] = item["price_currency"] = None
            ex.append(
                explain(
                    "price_currency",
                    None,
                    "price_currency",
                    currency,
                    "price.unknown_currency",
                    currency_error(code) + "; amount not kept",
                )
            )
            return
        if code is None and value != 0:
            parsed = parse_price(str(raw), item.get("country")) if raw else None
            code = parsed.currency if parsed else None
            if code is None:
                code, why = currency_of_country(item.get("country"))
                if code is None:
                    item["price_amount"] = None
                    ex.append(explain("price_amount", None, "price_amount", amount, "price.no_currency", why))
                    return
                ex.append(_currency_from_country(code, item.get("country"), why))
        item["price_amount"], item["price_currency"] = value, code
        ex.append(
            explain("price_amount", value, "price_raw" if raw else "price_amount", raw or amount, "price.given", code)
        )
        if item.get("is_free") is None and value == 0:
            item["is_free"] = True
    elif raw:
        price, inferred = _parse_price_raw(str(raw), item.get("country"))
        if price.error:
            item["price_amount"] = item["price_currency"] = None
            rule = "price.rejected" if price.error.startswith("negative") else "price.unparsed"
            rule = "price.placeholder" if price.error.startswith("placeholder") else rule
            ex.append(explain("price_amount", None, "price_raw", raw, rule, price.error + "; kept as raw"))
            return
        if inferred and price.currency:
            ex.append(_currency_from_country(price.currency, item.get("country"), inferred))
        item["price_amount"], item["price_currency"] = price.amount, price.currency
        if price.is_free is not None and item.get("is_free") is None:
            item["is_free"] = price.is_free
        ex.append(
            explain(
                "price_amount",
                price.amount,
                "price_raw",
                raw,
                "price.parsed",
                "; ".join(p for p in (price.currency, price.note) if p) or None,
            )
        )
    else:
        return
    value, code = item.get("price_amount"), item.get("price_currency")
    if value is not None and code:
        eur, day = to_eur(value, code)
        if eur is None:
            ex.append(
                explain(
                    "price_eur",
                    None,
                    "price_currency",
                    code,
                    "price.no_exchange_rate",
                    f"no {code} rate in the table of {day}",
                )
            )
            return
        item["price_eur"], item["fx_date"] = eur, day.isoformat()
        ex.append(
            explain(
                "price_eur", eur, "price_amount", f"{value:g} {code}", "price.to_eur", f"exchange-rate table of {day}"
            )
        )
    elif value == 0:
        item["price_eur"] = 0.0


# ---- learning outcomes ----------------------------------------------------------------------------------------


def _outcomes(item: dict[str, Any], ex: Explanations, ctx: dict[str, Any]) -> None:
    raw = item.get("learning_outcomes") or []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    n_in, n_dup = 0, 0
    detected: dict[str, int] = {}
    rejected: list[str] = []
    for outcome in raw:
        if isinstance(outcome, str):
            outcome = {"text": outcome}
        if not isinstance(outcome, dict) or not isinstance(outcome.get("text"), str):
            continue
        n_in += 1
        text = outcome["text"]
        if len(text) > MAX_BLOCK_CHARS:
            rejected.append(text)
            continue
        lang = to_iso639_1(outcome["lang"]) if outcome.get("lang") else None
        parts = split_statements(text)
        en = outcome.get("text_en")
        en_parts = split_statements(en) if isinstance(en, str) and en else []
        pair = len(en_parts) == len(parts)
        for j, part in enumerate(parts):
            part = one_line(part) or ""
            if len(part) < 3:
                continue
            if len(part) > MAX_OUTCOME_CHARS:
                rejected.append(part)
                continue
            key = statement_key(part)
            if key in seen:
                n_dup += 1
                continue
            seen.add(key)
            row = {
                **outcome,
                "text": part,
                "lang": lang,
                "text_en": (one_line(en_parts[j]) if pair else (en if len(parts) == 1 else None)) or None,
            }
            if row["lang"] is None:
                found, _prob = detect_language(part)
                if found:
                    row["lang"] = found
                    detected[found] = detected.get(found, 0) + 1
            out.append(row)
    if len(out) > MAX_STATEMENTS:
        rejected.extend(o["text"] for o in out)
        out = []
    item["learning_outcomes"] = out
    if rejected:
        if not isinstance(item.get("extras"), dict):
            item["extras"] = {}
        item["extras"]["learning_outcomes_raw"] = rejected
        ex.append(
            explain(
                "learning_outcomes",
                None,
                "learning_outcomes",
                rejected[0],
                "outcomes.rejected",
                f"{len(rejected)} text(s) too long to be outcome statements (> {MAX_OUTCOME_CHARS} chars "
                f"each, or > {MAX_STATEMENTS} statements); kept as raw in extras.learning_outcomes_raw",
            )
        )
    if out and (len(out) != n_in or n_dup or detected):
        note = f"{n_in} given -> {len(out)} statements"
        if n_dup:
            note += f"; {n_dup} duplicates removed"
        if detected:
            note += "; language detected (py3langid): " + ", ".join(f"{k} x{v}" for k, v in detected.items())
        ex.append(explain("learning_outcomes", len(out), "learning_outcomes", n_in, "outcomes.split_dedup_lang", note))


# Order matters: durations before workload, given ECTS before workload (hours from ECTS), workload before the
# ECTS estimate, prices after country (the 'kr' currency depends on it).
RULES: tuple[tuple[str, Rule], ...] = (
    ("languages", _languages),
    ("country", _country),
    ("duration", _duration),
    ("ects", _ects_given),
    ("workload", _workload),
    ("ects", _ects_estimate),
    ("eqf", _eqf),
    ("participation", _participation),
    ("assessment", _assessment),
    ("subjects", _subjects),
    ("dates", _dates),
    ("price", _price),
    ("outcomes", _outcomes),
)


def normalise_item(item: dict[str, Any]) -> dict[str, Any]:
    """Map as-given values onto the schema's normalised fields; raw values stay in the `*_raw` fields."""
    explanations = item.get("explanations")
    ex: Explanations = explanations if isinstance(explanations, list) else []
    item["explanations"] = ex
    ctx: dict[str, Any] = {}
    for name, rule in RULES:
        try:
            rule(item, ex, ctx)
        except Exception as exc:  # noqa: BLE001 - a failing rule must never lose the record
            ex.append(explain(name, None, None, None, f"{name}.error", f"{type(exc).__name__}: {exc}"[:300]))
    if (item.get("ects") is None) != (item.get("ects_flag") is None):
        item["ects"] = item["ects_flag"] = None
    if (item.get("eqf_level") is None) != (item.get("eqf_flag") is None):
        item["eqf_level"] = item["eqf_flag"] = None
    item["normaliser_version"] = NORMALISER_VERSION
    return item
