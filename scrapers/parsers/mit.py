"""MIT catalogues: MITx Online and MIT xPRO (`/api/courses/`) and MIT Professional Education (Prolearn GraphQL).

MITx Online pages are Django-REST (`next`/`results`) with a CMS `page` per course; xPRO answers a plain list;
Prolearn answers `data.searchAPISearch.documents`. Relative URLs are resolved against each platform's site.
Instructor names in runs are never read. The format ('In person', 'Live Virtual', 'Blended') is given as it is
(`participation_raw`); the normaliser's participation vocabulary reads it and says why.

Programmes (`/api/programs/`: ids `program-v1:...`, a `courses` list; Prolearn documents marked `program`) are
programme offers with their member courses, not courses. Proctored-exam entries and placeholders are rejected. A
document is read only on MIT's own signature (`readable_id`/`courseruns` records, `data.searchAPISearch`).
"""

from __future__ import annotations

import re
from typing import Any

from scrapers.parsers.base import FollowUp, Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    absolute,
    as_dict,
    as_list,
    dig,
    member,
    names,
    next_link,
    not_an_offer,
    note_empty,
    outcomes,
    parse_records,
    programme,
    run,
    skip_arrays,
    strip_tracking,
    text,
)

MIT = "Massachusetts Institute of Technology"
MITXONLINE = "https://mitxonline.mit.edu"
XPRO = "https://xpro.mit.edu"
PROLEARN = "https://professional.mit.edu"


def _price(amount: Any) -> dict[str, Any]:
    """MIT's catalogues sell in US dollars; the amount is kept as given in `price_raw` too."""
    try:
        value = float(str(amount).replace(",", "").lstrip("$"))
    except (TypeError, ValueError):
        return {}
    return {"price_raw": f"{amount}", "price_amount": value, "price_currency": "USD", "is_free": value == 0}


def mitxonline_item(record: dict[str, Any]) -> dict[str, Any]:
    page = as_dict(record.get("page"))
    runs = [r for r in as_list(record.get("courseruns")) if isinstance(r, dict)]
    description = text(page.get("description"))
    prices = [p.get("price") for r in runs for p in as_list(r.get("products")) if isinstance(p, dict)]
    rid = text(record.get("readable_id"))
    return {
        "source_id": rid or text(record.get("id")),
        "url": absolute(page.get("page_url"), MITXONLINE) or (f"{MITXONLINE}/courses/{rid}/" if rid else None),
        "title": text(record.get("title")),
        "description": description,
        "provider": MIT,
        "provider_url": "https://www.mit.edu",
        "platform": "MITx Online",
        "country": "US",
        "learning_outcomes": outcomes(None, description),
        "workload_raw": text(page.get("effort")),
        "duration_raw": text(page.get("length")),
        "participation_form": "online",  # the platform's own fact: MITx Online teaches online only
        "runs": [
            run(
                r.get("courseware_id"),
                r.get("start_date"),
                r.get("end_date"),
                schedule="self-paced" if r.get("is_self_paced") else None,
            )
            for r in runs
        ],
        "subjects": names(record.get("departments")) + names(record.get("topics")),
        "certificate_type": text(record.get("certificate_type")),
        **(_price(prices[0]) if prices else {}),
        # the programs the course counts towards (only when listed: an empty key would change every record's hash)
        **({"part_of": part_of} if (part_of := names(record.get("programs"), "readable_id")) else {}),
        "extras": {
            "id": record.get("id"),
            "live": page.get("live"),
            "availability": text(record.get("availability")),
            "programs": names(record.get("programs"), "readable_id") or names(record.get("programs"), "title"),
        },
    }


def xpro_item(record: dict[str, Any]) -> dict[str, Any]:
    runs = [r for r in as_list(record.get("courseruns")) if isinstance(r, dict)]
    description = text(record.get("description"))
    rid = text(record.get("readable_id"))
    fmt = text(record.get("format"))
    prices = [r.get("current_price") for r in runs if r.get("current_price") is not None]
    program = re.search(r"comprises the (.+? Program)", description or "")
    return {
        "source_id": rid or text(record.get("id")),
        "url": strip_tracking(absolute(record.get("url"), XPRO)) or (f"{XPRO}/courses/{rid}" if rid else None),
        "title": text(record.get("title")),
        "description": description,
        "provider": MIT,
        "provider_url": "https://www.mit.edu",
        "platform": "MIT xPRO",
        "country": "US",
        "learning_outcomes": outcomes(None, description),
        "participation_raw": fmt,
        "stackability": f"Part of the {program.group(1)}" if program else None,
        "runs": [run(r.get("courseware_id"), r.get("start_date"), r.get("end_date")) for r in runs],
        "subjects": names(record.get("topics")),
        "certificate_type": "professional certificate",
        **(_price(prices[0]) if prices else {}),
        "extras": {
            "id": record.get("id"),
            "ceus": text(record.get("credits")),
            "availability": text(record.get("availability")),
        },
    }


def prolearn_item(doc: dict[str, Any]) -> dict[str, Any]:
    body = text(doc.get("body_override")) or text(doc.get("body"))
    fmt = text(doc.get("format_name"))
    starts, ends = as_list(doc.get("start_value")), as_list(doc.get("end_value"))
    certificate = text(doc.get("certificate_name"))
    item: dict[str, Any] = {
        "source_id": text(doc.get("nid")) or text(doc.get("url")),
        "url": absolute(doc.get("url"), PROLEARN),
        "title": text(doc.get("title")),
        "description": body,
        "provider": text(doc.get("department")) or "MIT Professional Education",
        "provider_url": absolute(doc.get("department_url"), PROLEARN),
        "platform": "MIT Professional Education",
        "country": "US",
        "learning_outcomes": outcomes(None, body),
        "workload_raw": text(doc.get("field_time_commitment")),
        "duration_raw": text(doc.get("field_duration")),
        "participation_raw": fmt,
        "price_raw": text(doc.get("field_price")),
        "stackability": (
            f"Counts towards the {certificate}"
            if certificate.lower().startswith("professional certificate program")
            else f"Counts towards the Professional Certificate Program in {certificate}"
        )
        if certificate
        else None,
        "runs": [run(start=s, end=ends[i] if i < len(ends) else None) for i, s in enumerate(starts)],
        "subjects": [s for s in (text(doc.get("ucc_name")),) if s],
        "certificate_type": "certificate of completion (CEUs)" if doc.get("field_non_degree_credits") else None,
        "extras": {
            "kind": text(doc.get("field_course_or_program")),
            "ceus": text(doc.get("field_non_degree_credits")),
            "application_url": text(doc.get("course_application_url")),
            "related": as_list(doc.get("related_courses_programs_title")),
        },
    }
    if (text(doc.get("field_course_or_program")) or "").lower() == "program":
        # a professional certificate program: the courses it relates are its members; it counts towards nothing
        item["stackability"] = None
        titles = [t for t in as_list(doc.get("related_courses_programs_title")) if text(t)]
        ids = [i for i in as_list(doc.get("field_related_courses_programs")) if text(i)]
        members = [member(ids[i] if i < len(ids) else None, t) for i, t in enumerate(titles)]
        members = members or [member(i) for i in ids]
        return programme(item, "Professional Certificate Program", members)
    return item


def _is_xpro(record: dict[str, Any]) -> bool:
    return (
        text(record.get("platform")) == "xPRO"
        or "format" in record
        or "credits" in record
        or "xpro" in (text(record.get("url")) or "")
    )


def is_programme(record: dict[str, Any]) -> bool:
    """A MITx Online / xPRO program record: a `program-v1:` id, or a `courses` list instead of course runs."""
    rid = text(record.get("readable_id")) or ""
    return rid.startswith("program-v1:") or (
        isinstance(record.get("courses"), list) and "courseruns" not in record and "readable_id" in record
    )


def signed(record: Any) -> bool:
    """A record of an MIT catalogue: MITx Online / xPRO (`readable_id`, `courseruns`) or Prolearn (`nid` with
    `field_course_or_program`). The positive signature `parse_data` needs before it claims a document."""
    return isinstance(record, dict) and (
        "readable_id" in record or "courseruns" in record or ("nid" in record and "field_course_or_program" in record)
    )


def _member(course: Any, site: str) -> dict[str, str]:
    """A member course as the program lists it: an object (readable id, title, page) or just its id."""
    if not isinstance(course, dict):
        return member(course)
    rid = text(course.get("readable_id")) or text(course.get("id"))
    page_url = absolute(as_dict(course.get("page")).get("page_url"), site)
    return member(rid, course.get("title"), page_url or strip_tracking(absolute(course.get("url"), site)))


def programme_item(record: dict[str, Any]) -> dict[str, Any]:
    """A MITx Online or xPRO program: its own page, dates and price, and the courses it stacks."""
    xpro = _is_xpro(record)
    site, platform = (XPRO, "MIT xPRO") if xpro else (MITXONLINE, "MITx Online")
    page = as_dict(record.get("page"))
    rid = text(record.get("readable_id"))
    description = text(page.get("description")) or text(record.get("description"))
    kind = text(record.get("program_type")) or "Program"
    price = record.get("current_price") if record.get("current_price") is not None else page.get("price")
    item: dict[str, Any] = {
        "source_id": rid or f"program:{text(record.get('id'))}",
        "url": absolute(page.get("page_url"), site)
        or strip_tracking(absolute(record.get("url"), site))
        or (f"{site}/programs/{rid}/" if rid else None),
        "title": text(record.get("title")),
        "description": description,
        "provider": MIT,
        "provider_url": "https://www.mit.edu",
        "platform": platform,
        "country": "US",
        "learning_outcomes": outcomes(None, description),
        "workload_raw": text(page.get("effort")) or text(record.get("time_commitment")),
        "duration_raw": text(page.get("length")) or text(record.get("duration")),
        "participation_raw": text(record.get("format")),
        "participation_form": None if record.get("format") else "online",
        "runs": [run(rid, record.get("start_date"), record.get("end_date"))] if record.get("start_date") else [],
        "subjects": names(record.get("departments")) + names(record.get("topics")),
        "certificate_type": text(record.get("certificate_type")) or f"{kind} certificate",
        **(_price(price) if price not in (None, "") else {}),
        "extras": {
            "id": record.get("id"),
            "live": page.get("live") if page else record.get("live"),
            "availability": text(record.get("availability")),
            "ceus": text(record.get("credits")),
        },
    }
    return programme(item, kind, [_member(c, site) for c in as_list(record.get("courses"))])


def record_item(record: dict[str, Any]) -> dict[str, Any]:
    """Any MIT catalogue record, told apart by its fields."""
    if "nid" in record or "field_course_or_program" in record:
        return prolearn_item(record)
    if is_programme(record):
        return programme_item(record)
    if "page" in record or "departments" in record:
        return mitxonline_item(record)
    if _is_xpro(record):
        return xpro_item(record)
    return mitxonline_item(record)


def parse_data(data: Any, url: str) -> Page | None:
    """Items of an MIT catalogue document; None unless its records carry MIT's signature (`signed`)."""
    page = Page()
    source = "mit_pe" if "prolearn" in url else ("mitxpro" if "xpro" in url else "mitxonline")
    search = dig(data, "data", "searchAPISearch")
    if isinstance(search, dict):
        docs = search.get("documents")
        if not isinstance(docs, list):
            raise ParseError("prolearn graphql: no `documents` list in searchAPISearch")
        skip_arrays(page, data, ("data",), {"errors": "error_messages"})
        skip_arrays(page, search, ("documents",), where="searchAPISearch.")
        parse_records(page, "mit_pe", docs, prolearn_item, lambda d: d.get("nid") or d.get("url"), not_an_offer)
        count = search.get("result_count")
        note_empty(page, expected=isinstance(count, int) and count > 0)
        return page
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        records, nxt, count = data["results"], data.get("next"), data.get("count")
    elif isinstance(data, list):
        records, nxt, count = data, None, None
    else:
        return None
    if records and not any(signed(r) for r in records):
        return None  # another catalogue's list or Django-REST page: not ours to mass-reject
    skip_arrays(page, data, ("results",))
    parse_records(
        page,
        source,
        records,
        record_item,
        lambda r: r.get("readable_id") or (f"program:{r.get('id')}" if is_programme(r) else r.get("id")),
        not_an_offer,
    )
    note_empty(page, expected=bool(count) or "page=" in url)
    follow = next_link(url, nxt)
    if follow:
        page.follow.append(FollowUp(follow, kind="page"))
    return page


@too_deep_is_parse_error("mit catalogue api")
def parse(body: bytes, url: str) -> Page:
    data = load_json(body, "mit catalogue api")
    if isinstance(data, dict) and isinstance(data.get("errors"), list) and not dig(data, "data", "searchAPISearch"):
        raise ParseError(f"mit catalogue api: GraphQL errors ({text(dig(data, 'errors', 0, 'message'))})")
    page = parse_data(data, url)
    if page is None:
        raise ParseError(
            "mit catalogue api: not an MIT catalogue (expected MITx Online / xPRO records with `readable_id` and "
            "`courseruns`, as a list or a `results` page, or Prolearn's `data.searchAPISearch`)"
        )
    return page
