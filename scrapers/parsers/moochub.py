"""MOOChub API (JSON:API, `application/vnd.api+json; moochub-version=3.0`): openHPI, KI-Campus, mooin, ...

Version 3 attributes follow schema.org/AMB (`inLanguage`, `teaches` skills, `workload` {timeValue, timeUnit},
`offer`, `numberOfCredits` = ECTS); older endpoints (mooin) send v2 names (`languages`, `abstract`,
`partnerInstitute`, `moocProvider`). Both are read. `teaches` gives structured learning outcomes. Persons
(instructor, creator) are never read. A JSON:API document is MOOChub's only when it holds course resources (or
MOOChub's own attributes); resources of other types and `included` ones are counted as skipped, with the reason.
"""

from __future__ import annotations

from typing import Any

from models.offer import form_vocabulary
from scrapers.parsers import jsonapi
from scrapers.parsers.base import FollowUp, Page, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    as_dict,
    as_list,
    dig,
    iso_duration_weeks,
    names,
    not_an_offer,
    note_empty,
    outcomes,
    parse_records,
    run,
    skip,
    skip_arrays,
    strip_tracking,
    text,
)

SOURCE = "moochub"
# MOOChub's courseMode words -> our ParticipationForm (checked against the schema's Literal at import). The source's
# vocabulary lives here; the parser only looks up the record's own words (`extras.participation_forms`), and the
# normaliser applies them and explains it (models/normalise/offer.py: participation.mapped).
FORMS = form_vocabulary(
    {
        "online": "online",
        "mooc": "online",
        "asynchronous": "online",
        "synchronous": "online",
        "blended": "blended",
        "onsite": "on-site",
    }
)


def localised(value: Any, prefer: str = "en") -> tuple[str | None, str | None]:
    """(text, lang) from a plain string or a list of `{inLanguage, name}`; English preferred."""
    if isinstance(value, str):
        return text(value), None
    rows = [v for v in as_list(value) if isinstance(v, dict) and text(v.get("name"))]
    for row in rows:
        if str(row.get("inLanguage") or "").lower().startswith(prefer):
            return text(row["name"]), text(row.get("inLanguage"))
    return (text(rows[0]["name"]), text(rows[0].get("inLanguage"))) if rows else (None, None)


def _names(values: Any) -> list[str]:
    """Localised names of a list of objects (levels, alignments, required competencies)."""
    found = (localised(v.get("name"))[0] for v in as_list(values) if isinstance(v, dict))
    return list(dict.fromkeys(n for n in found if n))


def _orgs(value: Any) -> list[str]:
    """Organisation names only: an entry typed Person is staff and is skipped."""
    return names([v for v in as_list(value) if isinstance(v, dict) and v.get("type") != "Person"])


def _teaches(skills: Any, lang: str | None) -> list[dict[str, Any]]:
    out = []
    for skill in as_list(skills):
        if isinstance(skill, str) and text(skill):
            out.append({"text": text(skill), "lang": lang})
        elif isinstance(skill, dict):
            name, name_lang = localised(skill.get("name"), lang or "en")
            english, _ = localised(skill.get("name"), "en")
            if name:
                outcome = {"text": name, "lang": name_lang or lang}
                if english and english != name:
                    outcome["text_en"] = english
                out.append(outcome)
    return out


def _offers(offers: Any, access: list[str]) -> dict[str, Any]:
    rows = [o for o in as_list(offers) if isinstance(o, dict) and o.get("price") is not None]
    raw = "; ".join(
        f"{o.get('category') or 'offer'}: {o.get('price')} {o.get('priceCurrency') or ''}".strip() for o in rows
    )
    course = next((o for o in rows if o.get("category") in ("complete", "course")), rows[0] if rows else None)
    out: dict[str, Any] = {"price_raw": raw or (", ".join(access) or None)}
    if course is not None:
        try:
            amount = float(course["price"])
        except (TypeError, ValueError):
            return out
        out.update(price_amount=amount, price_currency=text(course.get("priceCurrency")), is_free=amount == 0)
    elif access:
        out["is_free"] = "free" in access
    return out


def course_item(resource: dict[str, Any]) -> dict[str, Any] | None:
    attrs = resource.get("attributes")
    if not isinstance(attrs, dict):
        raise ValueError("resource has no attributes object")
    langs = [v for v in as_list(attrs.get("inLanguage") or attrs.get("languages")) if text(v)]
    lang = langs[0] if langs else None
    description = text(attrs.get("description")) or text(attrs.get("abstract"))
    workload = attrs.get("workload")
    if isinstance(workload, dict) and workload.get("timeValue") is not None:
        workload_raw = f"{workload.get('timeValue')} {workload.get('timeUnit') or ''}".strip()
    else:
        workload_raw = None
    duration = text(attrs.get("duration"))
    access = [a for a in as_list(attrs.get("access")) if text(a)]
    modes = [m for m in as_list(attrs.get("courseMode")) if text(m)]
    publisher = as_dict(attrs.get("publisher"))
    partners = _orgs(attrs.get("partnerInstitute"))
    platform = as_dict(attrs.get("moocProvider"))
    credits = attrs.get("numberOfCredits")
    starts, ends = as_list(attrs.get("startDate")), as_list(attrs.get("endDate"))
    parts = [p for p in as_list(attrs.get("isPartOf")) if isinstance(p, dict)]
    country = text(dig(attrs, "contentLocation", "address", "addressCountry"))
    teaches = _teaches(attrs.get("teaches"), lang)
    return {
        "source_id": text(resource.get("id")) or text(attrs.get("courseCode")),
        "url": strip_tracking(text(attrs.get("url"))),
        "title": text(attrs.get("name")),
        "title_lang": lang,
        "description": description,
        "provider": text(publisher.get("name")) or (" / ".join(partners) or None) or text(platform.get("name")),
        "provider_url": text(publisher.get("url")) or text(publisher.get("identifier")),
        "platform": text(platform.get("name")) or text(publisher.get("name")),
        "country": country.upper() if country and len(country) == 2 else None,
        "languages": langs,
        "learning_outcomes": teaches or outcomes(None, description, lang),
        "workload_raw": workload_raw,
        "duration_raw": duration,  # ISO 8601 ('P6W'): weeks are the normaliser's to read
        "ects": credits if isinstance(credits, int | float) and credits > 0 else None,
        "level_raw": ", ".join(_names(attrs.get("educationalLevel"))) or None,
        "participation_raw": ", ".join(modes) or None,
        "prerequisites": "; ".join(_names(attrs.get("competencyRequired"))) or None,
        "stackability": "; ".join(f"Part of {text(p.get('title')) or text(p.get('identifier'))}" for p in parts)
        or None,
        "part_of": [i for i in (text(p.get("identifier")) for p in parts) if i],
        "runs": [
            run(attrs.get("courseCode"), s, ends[i] if i < len(ends) else None, iso_duration_weeks(duration))
            for i, s in enumerate(starts)
            if s
        ],
        "subjects": _names(attrs.get("educationalAlignment")),
        "certificate_type": ", ".join(names(attrs.get("educationalCredentialsAwarded"))) or None,
        **_offers(attrs.get("offer"), access),
        "extras": {
            "course_code": text(attrs.get("courseCode")),
            "type": text(resource.get("type")),
            "keywords": names(attrs.get("keywords")),
            "access": access,
            "partner_institutes": partners,
            "licence": [
                text(lic.get("identifier")) if isinstance(lic, dict) else text(lic)
                for lic in as_list(attrs.get("licence") or attrs.get("license"))
            ],
            "workload": workload if not isinstance(workload, dict) else None,
            "participation_forms": {m: FORMS[m.lower()] for m in modes if m.lower() in FORMS} or None,
        },
    }


COURSE_TYPES = ("course", "courses")
# Attributes only MOOChub course resources carry (v3 and the older v2 names).
_OWN_ATTRIBUTES = ("moocProvider", "courseCode", "learningResourceType", "partnerInstitute", "courseMode", "inLanguage")


def _is_course(resource: Any) -> bool:
    return not isinstance(resource, dict) or str(resource.get("type", "courses")).lower() in COURSE_TYPES


def is_moochub(data: Any) -> bool:
    """A JSON:API document with MOOChub course resources (or MOOChub's own attributes), an empty page or an error
    document; another publisher's JSON:API resources are not MOOChub's to read."""
    if not jsonapi.is_document(data):
        return False
    rows = data.get("data")
    rows = rows if isinstance(rows, list) else [rows] if isinstance(rows, dict) else []
    if not rows:
        return True
    return any(
        isinstance(r, dict)
        and (
            str(r.get("type", "")).lower() in COURSE_TYPES
            or any(k in as_dict(r.get("attributes")) for k in _OWN_ATTRIBUTES)
        )
        for r in rows
    )


def parse_data(data: Any, url: str) -> Page | None:
    if not is_moochub(data):
        return None
    page = Page()
    rows = jsonapi.resources(data, "moochub api")
    courses = [r for r in rows if _is_course(r)]
    if len(courses) < len(rows):
        page.stats["moochub/other_resource_types"] = len(rows) - len(courses)
        for r in rows:
            if not _is_course(r):
                skip(page, f"other_resource_type/data:{text(r.get('type')) or '?'}")
    skip_arrays(page, data, ("data",), {"included": "related_resources", "errors": "error_messages"})
    parse_records(
        page,
        SOURCE,
        courses,
        course_item,
        lambda r: r.get("id") or dict(r.get("attributes") or {}).get("courseCode"),
        not_an_offer,
    )
    nxt = jsonapi.next_page(data, url)
    note_empty(page, expected=bool(nxt) or "page" in url)
    if nxt:
        page.follow.append(FollowUp(nxt, kind="page"))
    return page


@too_deep_is_parse_error("moochub api")
def parse(body: bytes, url: str) -> Page:
    from scrapers.parsers.dispatch import own_or_other

    data = load_json(body, "moochub api")
    return own_or_other(
        parse_data,
        data,
        url,
        "moochub api: not a MOOChub document (expected JSON:API `data` with resources of type `courses`), "
        "nor another platform's",
        skip=SOURCE,
    )
