"""Open Education API (OOAPI) v5: courses and their offerings, as institutions publish them for eduXchange.

eduXchange (eduxchange.eu: the EuroTeQ alliance's catalogue; eduxchange.nl: the Dutch alliances) reads each
institution's own OOAPI endpoint with `consumer=eduxchange` (and `alliances.name=euroteq`): `GET /courses` pages,
then `GET /courses/{courseId}/offerings` for the dates, fees and places of each course.

Documents, each claimed on a positive signature:
* a page (`Pagination`: `pageSize`, `pageNumber`, `hasNextPage`, `items`), walked by `pageNumber` while
  `hasNextPage` is true (and `totalPages`, when given, is not reached). Its items are courses (`courseId`) or course
  offerings (`offeringId`); programs, components and other resources are counted as skipped;
* one course or one offering object (`GET /courses/{id}`, `GET /offerings/{id}`);
* a `Problem` (`status`, `title`) is an error response: ParseError.

A course is an offer; its offerings are the offer's runs (start and end dates, academic session) and give its fee
(`priceInformation`, cost type `total costs`). A course page asks for each course's offerings (`FollowUp` kind
`offerings`); the spider (scrapers/spiders/ooapi.py) holds the course until they are read and merges them with
`merge_offerings`. An offerings page parsed on its own (`mcatlas parse`) gives one offer per course it names.

Language-typed strings (`[{language, value}]`) keep every language under its tag (`titles`, `extras.descriptions`,
outcomes with `text_en`); English goes where the schema wants English (title, description). ECTS come from
`studyLoad` when its unit is `ects`; other units stay source values (`hour`/`sbu` hours as the workload). The level
(`level`, or the EuroTeQ consumer's override `Bachelor`/`Master`/`Doctoral`) is `level_raw`, read by the normaliser;
`levelOfQualification` 1-8 (NLQF/EQF) is a stated EQF level. Modes of delivery (OOAPI's, or EuroTeQ's own
`Online - at a specific time`, ... in the consumer object) stay in `participation_raw` with this source's vocabulary
in `extras.participation_forms`. The eduXchange consumer object also gives the alliances, themes, the
micro-credential flag (`standalone`/`stackable`) and the target group (`forProfessionals`).

Staff are never read: `coordinators` (Person objects), `instructorNames` and any personal field are dropped from a
record before it is read (`privacy.redact`), and its texts are scrubbed of those names, e-mails and phone numbers,
so neither an offer nor a reject's raw copy carries them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from models.normalise.languages import to_iso639_1
from models.offer import form_vocabulary
from scrapers.parsers.base import FollowUp, Page, ParseError, Reject, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    absolute,
    as_dict,
    as_list,
    not_an_offer,
    note_empty,
    outcomes,
    parse_records,
    run,
    skip,
    skip_arrays,
    text,
    with_query,
)
from scrapers.parsers.privacy import redact, staff_names

SOURCE = "ooapi"
ENVELOPE = ("pageSize", "pageNumber", "hasNextPage", "items")
DEFAULT_PAGE_SIZE = "100"
# OOAPI's modesOfDelivery and eduXchange's EuroTeQ modes (which override them for that alliance) -> our forms.
# "situated" is OOAPI's "op locatie" (at a location, e.g. the workplace); EuroTeQ's "Hybrid" lets EuroTeQ students
# attend online while local students attend on campus: a mixed offer, recorded as blended like every hybrid.
FORMS = form_vocabulary(
    {
        "distance-learning": "online",
        "on campus": "on-site",
        "online": "online",
        "hybrid": "blended",
        "situated": "on-site",
        "online - at a specific time": "online",
        "online - time-independent": "online",
        "blended": "blended",
    }
)
ALLIANCES = {"euroteq": "EuroTeQ", "ewuu": "EWUU", "lde": "LDE", "kom": "KOM"}
# The path segments where an OOAPI resource path starts: what comes before is the API root.
_RESOURCES = re.compile(
    r"/(?:courses|programs|offerings|organizations|components|education-specifications|academic-sessions)(?:/|$)"
)
_OFFERINGS_PATH = re.compile(r"/courses/([^/]+)/offerings/?$")
# The query parameters eduXchange adds to every call; kept on the offerings requests of a course page.
_CARRIED = ("consumer", "alliances.name")


# ---- language-typed strings ---------------------------------------------------------------------------------------


def lang_texts(value: Any) -> dict[str, str]:
    """`{language tag: text}` of a LanguageTypedString array (the first text per tag); a bare string, which the spec
    does not allow but some endpoints send, is kept under the empty tag."""
    out: dict[str, str] = {}
    for row in as_list(value):
        if isinstance(row, dict):
            value_text, lang = text(row.get("value")), text(row.get("language")) or ""
            if value_text and lang not in out:
                out[lang] = value_text
        elif isinstance(row, str) and (plain := text(row)):
            out.setdefault("", plain)
    return out


def english(texts: dict[str, str]) -> tuple[str | None, str | None]:
    """(text, tag): the English text where published, else the first; the tag is None when the text has none."""
    for lang, value in texts.items():
        if lang.lower().startswith("en"):
            return value, lang
    for lang, value in texts.items():
        return value, lang or None
    return None, None


def tagged(texts: dict[str, str]) -> dict[str, str]:
    """The texts that carry a language tag (for `titles` and extras keyed by language)."""
    return {lang: value for lang, value in texts.items() if lang}


def _same_language(tag: str | None, code: str | None) -> bool:
    return bool(tag and code) and to_iso639_1(tag) == to_iso639_1(code)


def learning_outcomes(value: Any, teaching: str | None) -> list[dict[str, Any]]:
    """`learningOutcomes`: each outcome an array of its languages. The statement in the teaching language, with the
    source's English beside it where both are published; English (or the only language) otherwise."""
    out: list[dict[str, Any]] = []
    for entry in as_list(value):
        texts = lang_texts(entry)
        if not texts:
            continue
        en, en_lang = english(texts)
        primary = next(((lang, t) for lang, t in texts.items() if _same_language(lang, teaching)), None)
        if primary and not primary[0].lower().startswith("en"):
            outcome: dict[str, Any] = {"text": primary[1], "lang": primary[0]}
            if en_lang and en_lang.lower().startswith("en"):
                outcome["text_en"] = en
            out.append(outcome)
        elif en:
            out.append({"text": en, "lang": en_lang} if en_lang else {"text": en})
    return out


# ---- the eduXchange consumer object ----------------------------------------------------------------------------


def eduxchange(record: dict[str, Any]) -> dict[str, Any]:
    """What the eduXchange consumer object says of a course: alliances, themes, the EuroTeQ overrides (mode of
    delivery, level), micro-credential, target group, contact hours, activities. Staff names are never read."""
    alliances = [
        a
        for c in as_list(record.get("consumers"))
        if isinstance(c, dict) and text(c.get("consumerKey")) == "eduxchange"
        for a in as_list(c.get("alliances"))
        if isinstance(a, dict)
    ]
    if not alliances:
        return {}
    euroteq = next((a for a in alliances if str(a.get("name", "")).lower() == "euroteq"), None)
    main = euroteq or alliances[0]
    themes = [t for a in alliances for t in (as_list(a.get("themes")) or as_list(a.get("theme"))) if isinstance(t, str)]
    names = [text(a.get("name")) for a in alliances]
    hours = main.get("contactHours")
    return {
        "alliances": [ALLIANCES.get(n.lower(), n) for n in names if n],
        "themes": list(dict.fromkeys(t.strip() for t in themes if t.strip())),
        # the EuroTeQ alliance's own vocabularies override OOAPI's modes and levels (eduXchange profile 2.2)
        "mode_of_delivery": text(euroteq.get("modeOfDelivery")) if euroteq else None,
        "level": text(euroteq.get("level")) if euroteq else None,
        "microcredential": text(main.get("microcredential")),
        "target_group": text(main.get("targetGroup")),
        "contact_hours": hours if isinstance(hours, int | float) and not isinstance(hours, bool) else None,
        "activities": text(main.get("activities")),
        "selection": main.get("selection") if isinstance(main.get("selection"), bool) else None,
        "alliance_course_type": text(main.get("type")),
        "visible_for_guests": main.get("visibleForGuests") if isinstance(main.get("visibleForGuests"), bool) else None,
        "enrollment_for_professionals": text(main.get("enrollmentForProfessionals")),
    }


def _participation(modes: list[str]) -> dict[str, Any]:
    """The record's modes of delivery as given, and what this source's vocabulary says of each."""
    forms = {m: FORMS[m.lower()] for m in modes if m.lower() in FORMS}
    return {"participation_raw": ", ".join(modes) or None, "participation_forms": forms or None}


def _codes(value: Any) -> list[dict[str, str]]:
    rows = [c for c in as_list(value) if isinstance(c, dict)]
    return [{"type": t, "code": c} for r in rows if (t := text(r.get("codeType"))) and (c := text(r.get("code")))]


def _certificate(consumer: dict[str, Any]) -> tuple[str | None, str | None]:
    """(certificate_type, stackability) from eduXchange's micro-credential flag."""
    kind = consumer.get("microcredential")
    if not kind:
        return None, None
    certificate = f"micro-credential ({kind})"
    stack = "stackable micro-credential (eduXchange)" if kind.lower() == "stackable" else None
    return certificate, stack


# ---- courses ------------------------------------------------------------------------------------------------------


def course_item(record: dict[str, Any]) -> dict[str, Any]:
    """One Course (already redacted) as an item of values as the source gives them."""
    names = lang_texts(record.get("name"))
    title, title_lang = english(names)
    descriptions = lang_texts(record.get("description"))
    description, description_lang = english(descriptions)
    teaching = text(record.get("teachingLanguage"))
    consumer = eduxchange(record)
    load = as_dict(record.get("studyLoad"))
    unit, amount = (text(load.get("studyLoadUnit")) or "").lower(), load.get("value")
    amount = amount if isinstance(amount, int | float | str) and not isinstance(amount, bool) else None
    organisation = as_dict(record.get("organization"))
    modes = [m for m in as_list(record.get("modeOfDelivery")) if isinstance(m, str) and m.strip()]
    if consumer.get("mode_of_delivery"):
        modes = [consumer["mode_of_delivery"]]
    participation = _participation(modes)
    level = consumer.get("level") or text(record.get("level"))
    qualification = text(record.get("levelOfQualification"))
    field = text(record.get("fieldsOfStudy"))
    certificate, stackability = _certificate(consumer)
    item: dict[str, Any] = {
        "source_id": text(record.get("courseId")),
        "url": absolute(record.get("link"), ""),
        "title": title,
        "title_lang": title_lang,
        "titles": tagged(names),
        "description": description,
        "provider": english(lang_texts(organisation.get("name")))[0] or text(organisation.get("shortName")),
        "provider_url": absolute(organisation.get("link"), ""),
        "platform": "eduXchange" if consumer else None,
        "alliances": consumer.get("alliances") or None,
        "languages": [teaching] if teaching else [],
        "learning_outcomes": learning_outcomes(record.get("learningOutcomes"), teaching)
        or outcomes(None, description, description_lang),
        "ects": amount if unit == "ects" else None,
        "workload_raw": f"{amount} hours" if unit in ("hour", "sbu") and amount is not None else None,
        "duration_raw": text(record.get("duration")),  # ISO 8601: the normaliser reads it
        "eqf_level": qualification if qualification and re.fullmatch(r"[1-8]", qualification) else None,
        "level_raw": level,
        "participation_raw": participation["participation_raw"],
        "assessment": english(lang_texts(record.get("assessment")))[0],
        "prerequisites": english(lang_texts(record.get("admissionRequirements")))[0],
        "stackability": stackability,
        "certificate_type": certificate,
        "subjects": [*consumer.get("themes", []), *([field] if field else [])],
        "extras": {
            "primary_code": text(as_dict(record.get("primaryCode")).get("code")),
            "abbreviation": text(record.get("abbreviation")),
            "other_codes": _codes(record.get("otherCodes")),
            "descriptions": tagged(descriptions),
            "study_load": {"unit": unit, "value": amount} if unit else None,
            "ooapi_level": text(record.get("level")),
            "euroteq_level": consumer.get("level"),
            "level_of_qualification": qualification,
            "fields_of_study": field,
            "modes_of_delivery": [m for m in as_list(record.get("modeOfDelivery")) if isinstance(m, str)],
            "euroteq_mode_of_delivery": consumer.get("mode_of_delivery"),
            "participation_forms": participation["participation_forms"],
            "teaching_language": teaching,
            "first_start_date": text(record.get("firstStartDate")),
            "valid_from": text(record.get("validFrom")),
            "valid_to": text(record.get("validTo")),
            "enrollment": tagged(lang_texts(record.get("enrollment"))) or None,
            "qualification_requirements": english(lang_texts(record.get("qualificationRequirements")))[0],
            "resources": [r for r in as_list(record.get("resources")) if isinstance(r, str)],
            "organization_id": text(record.get("organization")) or text(organisation.get("organizationId")),
            "microcredential": consumer.get("microcredential"),
            "target_group": consumer.get("target_group"),
            "contact_hours": consumer.get("contact_hours"),
            "activities": consumer.get("activities"),
            "alliance_selection": consumer.get("selection"),
            "alliance_course_type": consumer.get("alliance_course_type"),
            "visible_for_guests": consumer.get("visible_for_guests"),
            "enrollment_for_professionals": consumer.get("enrollment_for_professionals"),
            "themes": consumer.get("themes") or None,
            "offerings": [],
        },
    }
    # unset, not null: the spider's registry defaults (provider, alliances) fill what the record does not say
    return {k: v for k, v in item.items() if v is not None}


# ---- offerings ----------------------------------------------------------------------------------------------------


def _offering_extras(offering: dict[str, Any]) -> dict[str, Any]:
    consumer = next(
        (
            a
            for c in as_list(offering.get("consumers"))
            if isinstance(c, dict) and text(c.get("consumerKey")) == "eduxchange"
            for a in as_list(c.get("alliances"))
            if isinstance(a, dict)
        ),
        {},
    )
    session = offering.get("academicSession")
    costs = [c for c in as_list(offering.get("priceInformation")) if isinstance(c, dict)]
    out = {
        "offering_id": text(offering.get("offeringId")),
        "code": text(as_dict(offering.get("primaryCode")).get("code")),
        "start_date": text(offering.get("startDate")),
        "end_date": text(offering.get("endDate")),
        "academic_session": text(session) or english(lang_texts(as_dict(session).get("name")))[0],
        "enroll_start_date": text(offering.get("enrollStartDate")),
        "enroll_end_date": text(offering.get("enrollEndDate")),
        "flexible_entry_start": text(offering.get("flexibleEntryPeriodStart")),
        "flexible_entry_end": text(offering.get("flexibleEntryPeriodEnd")),
        "max_students": offering.get("maxNumberStudents"),
        "min_students": offering.get("minNumberStudents"),
        "teaching_language": text(offering.get("teachingLanguage")),
        "modes_of_delivery": [m for m in as_list(offering.get("modeOfDelivery")) if isinstance(m, str)],
        "link": absolute(offering.get("link"), ""),
        "result_value_type": text(offering.get("resultValueType")),
        "costs": [
            {
                "type": text(c.get("costType")),
                "amount": text(c.get("amount")),
                "currency": text(c.get("currency")),
                "display": tagged(lang_texts(c.get("displayAmount"))) or None,
            }
            for c in costs
        ],
        "enrollment_url": text(consumer.get("enrollmentUrl")),
        "enrollment_url_for_guests": text(consumer.get("enrollmentUrlForGuests")),
        "enrollment_url_for_professionals": text(consumer.get("enrollmentUrlForProfessionals")),
        "date_comment": text(consumer.get("dateComment")),
    }
    return {k: v for k, v in out.items() if v not in (None, [], {})}


def _prices(offerings: list[dict[str, Any]]) -> dict[str, Any]:
    """The fee: each offering's `total costs` as given (`price_raw`), the first offering's as the amount. Other cost
    types (STAP eligible, additional costs) are no fee for the course; they stay in `extras.offerings[].costs`."""
    totals = [
        (o, c)
        for o in offerings
        for c in as_list(o.get("priceInformation"))
        if isinstance(c, dict) and (text(c.get("costType")) or "").lower() == "total costs" and text(c.get("amount"))
    ]
    if not totals:
        return {}
    raw = "; ".join(
        f"{c.get('amount')} {text(c.get('currency')) or ''}".strip()
        + (f" ({o['startDate']})" if o.get("startDate") else "")
        for o, c in totals
    )
    _, first = totals[0]
    return {"price_raw": raw, "price_amount": text(first.get("amount")), "price_currency": text(first.get("currency"))}


def offerings_item(course_id: str, offerings: list[dict[str, Any]]) -> dict[str, Any]:
    """The offer the course offerings of one course describe: its runs, fee, modes and languages. With the course
    expanded in an offering (`expand=course`) the course itself is the base; else the offering's own name and
    description stand in for the course's (an offerings page read on its own)."""
    offerings = sorted(offerings, key=lambda o: text(o.get("startDate")) or "")
    expanded = next((o["course"] for o in offerings if isinstance(o.get("course"), dict)), None)
    if expanded is not None:
        item = course_item(expanded)
    else:
        first = offerings[0]
        names, descriptions = lang_texts(first.get("name")), lang_texts(first.get("description"))
        title, title_lang = english(names)
        item = {
            "title": title,
            "title_lang": title_lang,
            "titles": tagged(names),
            "description": english(descriptions)[0],
            "extras": {"descriptions": tagged(descriptions), "offerings": []},
        }
    item["source_id"] = course_id
    modes = list(
        dict.fromkeys(m for o in offerings for m in as_list(o.get("modeOfDelivery")) if isinstance(m, str) and m)
    )
    languages = list(dict.fromkeys(t for o in offerings if (t := text(o.get("teachingLanguage")))))
    link = next((u for o in offerings if (u := _offering_extras(o).get("link"))), None)
    item["runs"] = [
        run(
            text(o.get("offeringId")) or text(as_dict(o.get("primaryCode")).get("code")),
            o.get("startDate"),
            o.get("endDate"),
            None,
            _offering_extras(o).get("academic_session"),
        )
        for o in offerings
    ]
    item.update(_prices(offerings))
    item["languages"] = list(dict.fromkeys([*item.get("languages", []), *languages]))
    if not item.get("participation_raw") and modes:
        participation = _participation(modes)
        item["participation_raw"] = participation["participation_raw"]
        item.setdefault("extras", {})["participation_forms"] = participation["participation_forms"]
    if link and not item.get("url"):
        item["url"] = link
    item.setdefault("extras", {})["offerings"] = [_offering_extras(o) for o in offerings]
    return {k: v for k, v in item.items() if v is not None}


def merge_offerings(course: dict[str, Any], offered: dict[str, Any]) -> dict[str, Any]:
    """A course item with what its offerings page said (`offerings_item` of the same course id): runs and offerings
    added, the fee, languages, modes of delivery and link where the course has none. Neither input is changed."""
    merged = dict(course)
    extras = dict(course.get("extras") or {})
    merged["runs"] = [*(course.get("runs") or []), *(offered.get("runs") or [])]
    if not any(merged.get(k) is not None for k in ("price_raw", "price_amount")):
        for key in ("price_raw", "price_amount", "price_currency", "is_free"):
            if offered.get(key) is not None:
                merged[key] = offered[key]
    merged["languages"] = list(dict.fromkeys([*(course.get("languages") or []), *(offered.get("languages") or [])]))
    offered_extras = offered.get("extras") or {}
    if not merged.get("participation_raw") and offered.get("participation_raw"):
        merged["participation_raw"] = offered["participation_raw"]
        extras["participation_forms"] = offered_extras.get("participation_forms")
    if not merged.get("url") and offered.get("url"):
        merged["url"] = offered["url"]
    extras["offerings"] = [*(extras.get("offerings") or []), *(offered_extras.get("offerings") or [])]
    merged["extras"] = extras
    return merged


# ---- documents ----------------------------------------------------------------------------------------------------


def is_page(data: Any) -> bool:
    """OOAPI's Pagination envelope: `pageSize`, `pageNumber`, `hasNextPage` and an `items` array."""
    return isinstance(data, dict) and isinstance(data.get("items"), list) and all(k in data for k in ENVELOPE)


def _is_object(data: Any, key: str) -> bool:
    """A course or offering object: its id and a language-typed `name` array."""
    return isinstance(data, dict) and key in data and isinstance(data.get("name"), list)


def signed(data: Any) -> bool:
    return is_page(data) or _is_object(data, "courseId") or _is_object(data, "offeringId")


def _kind(record: Any) -> str:
    if not isinstance(record, dict):
        return "not_an_object"
    for key, kind in (
        ("courseId", "course"),
        ("offeringId", "offering"),
        ("programId", "program"),
        ("componentId", "component"),
        ("organizationId", "organization"),
        ("educationSpecificationId", "education_specification"),
        ("academicSessionId", "academic_session"),
    ):
        if key in record:
            return kind
    return "unknown"


def api_root(url: str) -> str | None:
    """`https://host/v5` of `https://host/v5/courses?...`; None for a URL that is not http(s) (a local file)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    m = _RESOURCES.search(parts.path)
    path = parts.path[: m.start()] if m else parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def offerings_url(url: str, course_id: str) -> str | None:
    """`GET /courses/{courseId}/offerings` of the API `url` belongs to, first page, with eduXchange's parameters."""
    root = api_root(url)
    if root is None:
        return None
    given = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    query = {k: given[k] for k in _CARRIED if k in given}
    query.update(pageSize=given.get("pageSize") or DEFAULT_PAGE_SIZE, pageNumber="1")
    return f"{root}/courses/{quote(course_id, safe='')}/offerings?{urlencode(query)}"


def course_of_url(url: str) -> str | None:
    """The course id of an offerings URL (`/courses/{courseId}/offerings`)."""
    m = _OFFERINGS_PATH.search(urlsplit(url).path)
    return m.group(1) if m else None


def next_page(data: dict[str, Any], url: str) -> str | None:
    """The next page per the spec: `pageNumber` + 1 while `hasNextPage` is true, never past `totalPages`."""
    number, total = data.get("pageNumber"), data.get("totalPages")
    if data.get("hasNextPage") is not True or not isinstance(number, int) or isinstance(number, bool) or number < 1:
        return None
    if isinstance(total, int) and not isinstance(total, bool) and number >= total:
        return None
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return with_query(url, pageNumber=number + 1)


def _redacted(page: Page, records: list[Any]) -> list[Any]:
    """Records without staff (see `privacy.redact`); one nested too deeply to walk is a reject without its raw copy."""
    out = []
    for record in records:
        try:
            out.append(redact(record))
        except RecursionError:
            sid = text(record.get("courseId") or record.get("offeringId")) if isinstance(record, dict) else None
            page.rejects.append(Reject(SOURCE, sid, "record: nested too deeply to read", None))
    return out


def _course_id(offering: dict[str, Any], url: str) -> str | None:
    course = offering.get("course")
    if isinstance(course, dict):
        return text(course.get("courseId"))
    return text(course) or course_of_url(url)


def _staff(records: list[Any]) -> dict[str, list[str]]:
    """The staff names each course record gives (before it is redacted), by course id."""
    out = {}
    for record in records:
        if isinstance(record, dict) and (cid := text(record.get("courseId"))) and (names := staff_names(record)):
            out[cid] = names
    return out


def _courses(page: Page, raw: list[Any], url: str) -> None:
    """Course items, and for each a request for its offerings. The names of the course's staff travel with that
    request (in memory, never landed), so the spider scrubs them from the offerings' texts too."""
    staff = _staff(raw)
    before = len(page.items)
    parse_records(page, SOURCE, _redacted(page, raw), course_item, lambda r: r.get("courseId"), not_an_offer)
    for item in page.items[before:]:
        target = offerings_url(url, item["source_id"])
        if target:
            meta: dict[str, Any] = {"ooapi_course": item["source_id"]}
            if item["source_id"] in staff:
                meta["ooapi_staff"] = staff[item["source_id"]]
            page.follow.append(FollowUp(target, kind="offerings", meta=meta))


def _offerings(page: Page, records: list[dict[str, Any]], url: str) -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for offering in records:
        if not isinstance(offering, dict):
            page.rejects.append(Reject(SOURCE, None, "record: not a JSON object", offering))
            continue
        offering_type = (text(offering.get("offeringType")) or "course").lower()
        if offering_type != "course":
            skip(page, f"not_a_course_offering/items:{offering_type}")
            continue
        course_id = _course_id(offering, url)
        if not course_id:
            page.rejects.append(
                Reject(SOURCE, text(offering.get("offeringId")), "source_id: offering names no course", offering)
            )
            continue
        groups.setdefault(course_id, []).append(offering)
    parse_records(
        page,
        SOURCE,
        [{"course_id": cid, "offerings": group} for cid, group in groups.items()],
        lambda g: offerings_item(g["course_id"], g["offerings"]),
        lambda g: g["course_id"],
        not_an_offer,
    )


def parse_data(data: Any, url: str) -> Page | None:
    """An OOAPI page, course or offering; None when the document is none of these."""
    if not signed(data):
        return None
    page = Page()
    if not is_page(data):
        if _kind(data) == "course":
            _courses(page, [data], url)
        else:
            _offerings(page, _redacted(page, [data]), url)
        return page
    skip_arrays(page, data, ("items",))
    rows = data["items"]
    kinds = [_kind(r) for r in rows]
    # a record of a course (or offerings) page that lacks its id is a bad record of that page, rejected as such
    path = urlsplit(url).path.rstrip("/")
    listed = "offering" if path.endswith("/offerings") or "offering" in kinds else "course"
    kinds = [listed if k in ("unknown", "not_an_object") else k for k in kinds]
    for kind in kinds:
        if kind not in ("course", "offering"):
            skip(page, f"not_a_course/items:{kind}")
    picked = [(r, k) for r, k in zip(rows, kinds, strict=True) if k in ("course", "offering")]
    courses = [r for r, k in picked if k == "course"]
    offerings = _redacted(page, [r for r, k in picked if k == "offering"])
    if courses:
        _courses(page, courses, url)
    if offerings:
        _offerings(page, offerings, url)
    note_empty(page, expected=False)
    nxt = next_page(data, url)
    if nxt and rows:
        course = course_of_url(url)
        page.follow.append(
            FollowUp(nxt, kind="offerings" if course else "page", meta={"ooapi_course": course} if course else {})
        )
    return page


@too_deep_is_parse_error("ooapi")
def parse(body: bytes, url: str) -> Page:
    from scrapers.parsers.dispatch import own_or_other

    data = load_json(body, "ooapi")
    if isinstance(data, dict) and "status" in data and "title" in data and not signed(data):
        detail = text(data.get("detail"))
        raise ParseError(
            f"ooapi: error response ({text(data.get('status'))} {text(data.get('title'))}"
            + (f": {detail}" if detail else "")
            + ")"
        )
    return own_or_other(
        parse_data,
        data,
        url,
        "ooapi: not an Open Education API v5 response (expected a page with `pageSize`, `pageNumber`, "
        "`hasNextPage` and `items`, or a course or offering object), nor another platform's",
        skip=SOURCE,
    )
