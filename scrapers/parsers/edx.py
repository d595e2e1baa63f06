"""edX course-discovery API (`/api/v1/catalogs/{id}/courses/`, `/api/v1/programs/`) and the old edX RSS feed.

Discovery pages are Django-REST (`{"count", "next", "results"}`), walked by `next`. A course carries its runs
with seats (price, currency), effort (min/max hours per week), weeks, pacing; owners are the providers.
Programs (XSeries, MicroMasters, ...) list their courses, which is their stackability. Staff are never read.
The MIT catalogues (MITx Online, xPRO, Professional Education) use Discovery-like shapes and are recognised
here too, so `mcatlas parse edx FILE` reads any of them. Each record is told apart on its own (a page mixing
courses and programs loses neither); programs are programme offers with their member courses. A Django-REST page
is claimed only when its records carry edX's (or MIT's) own fields; proctored-exam entries and placeholders are
rejected, not offered.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from models.normalise.numbers import parse_number
from models.normalise.outcomes import outcome_statements
from scrapers.parsers import mit
from scrapers.parsers.base import FollowUp, Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    absolute,
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
from scrapers.parsers.xml import load_xml, local

SOURCE = "edx"
# Test and staging hosts leak into recorded data; they are not a listing's public page.
_LOCAL = re.compile(r"^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)")
SITE = "https://www.edx.org"
PAID_SEATS = ("verified", "professional", "no-id-professional", "credit", "masters")


def _price(seats: list[Any]) -> dict[str, Any]:
    """The paid certificate seat's price; free when an audit/honor seat costs nothing."""
    rows = [s for s in seats if isinstance(s, dict)]
    raw = "; ".join(
        f"{s.get('price')} {s.get('currency') or ''} ({s.get('type')})" for s in rows if s.get("price") is not None
    )
    free = any(s.get("type") in ("audit", "honor") and parse_number(s.get("price")) == 0 for s in rows)
    paid = next((s for t in PAID_SEATS for s in rows if s.get("type") == t and parse_number(s.get("price"))), None)
    out: dict[str, Any] = {"price_raw": raw or None, "is_free": True if free else (False if paid else None)}
    if paid and (currency := text(paid.get("currency"))):
        out.update(price_amount=parse_number(paid.get("price")), price_currency=currency.upper())
    elif free and not paid:
        out.update(price_amount=0.0)
    return out


def _pick_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run that describes the offer now: published and marketable first, then the latest start."""
    if not runs:
        return {}
    return sorted(
        runs, key=lambda r: (r.get("status") == "published", not r.get("hidden"), text(r.get("start")) or "")
    )[-1]


def _url(record: dict[str, Any], runs: list[dict[str, Any]], kind: str = "course") -> str | None:
    for candidate in [record.get("marketing_url"), *(r.get("marketing_url") for r in runs)]:
        url = strip_tracking(absolute(candidate, SITE))
        if url and not _LOCAL.match(urlsplit(url).hostname or ""):
            return url
    slug = text(record.get("url_slug")) or text(record.get("marketing_slug"))
    return f"{SITE}/{'learn' if kind == 'course' else kind}/{slug}" if slug else None


def course_item(record: dict[str, Any]) -> dict[str, Any]:
    runs = [r for r in as_list(record.get("course_runs")) if isinstance(r, dict)]
    current = _pick_run(runs)
    lo, hi = current.get("min_effort"), current.get("max_effort")
    weeks = current.get("weeks_to_complete")
    lang = text(current.get("content_language"))
    pacing = text(current.get("pacing_type"))
    description = (
        text(record.get("full_description"))
        or text(record.get("short_description"))
        or text(current.get("full_description"))
        or text(current.get("short_description"))
    )
    stated = [
        text(v.get("value")) if isinstance(v, dict) else text(v) for v in as_list(record.get("expected_learning_items"))
    ]
    outcome_field = record.get("outcome") or current.get("outcome")
    structured = [s for s in stated if s] or outcome_statements(
        outcome_field if isinstance(outcome_field, str) else None
    )
    owners = [o for o in as_list(record.get("owners")) if isinstance(o, dict)]
    level = text(record.get("level_type")) or text(current.get("level_type"))
    seats = [s for r in ([current] if current.get("seats") else runs) for s in as_list(r.get("seats"))]
    seat_types = list(dict.fromkeys(text(s.get("type")) for s in seats if isinstance(s, dict) and s.get("type")))
    return {
        "source_id": text(record.get("key")) or text(record.get("uuid")),
        "url": _url(record, runs),
        "title": text(record.get("title")) or text(current.get("title")),
        "title_lang": lang,
        "description": description,
        "provider": " / ".join(names(owners)) or None,
        "provider_url": absolute(owners[0].get("marketing_url"), SITE) if owners else None,
        "platform": "edX",
        "languages": [lang] if lang else [],
        "learning_outcomes": outcomes(structured, description, lang),
        "workload_raw": (f"{lo}-{hi} hours per week" if lo and hi and lo != hi else f"{lo or hi} hours per week")
        if (lo or hi)
        else None,
        "duration_weeks": weeks if isinstance(weeks, int | float) and weeks > 0 else None,
        "duration_raw": f"{weeks} weeks" if isinstance(weeks, int | float) and weeks > 0 else None,
        "level_raw": level,
        # the run's pacing ('self_paced') is the source's word, read by the normaliser's vocabulary; without one, the
        # platform's own fact: edX teaches online
        "participation_form": None if pacing else "online",
        "participation_raw": pacing,
        "prerequisites": text(record.get("prerequisites_raw")) or "; ".join(names(record.get("prerequisites"))) or None,
        "runs": [
            run(r.get("key"), r.get("start"), r.get("end"), r.get("weeks_to_complete"), r.get("pacing_type"))
            for r in runs
        ],
        "subjects": names(record.get("subjects")),
        "certificate_type": ", ".join(f"{t} certificate" for t in seat_types if t in PAID_SEATS) or None,
        **_price(seats),
        "extras": {
            "uuid": text(record.get("uuid")),
            "owner_keys": names(owners, "key"),
            "skills": names(record.get("skill_names")) or names(record.get("skills")),
            "course_type": text(record.get("course_type")),
            "effort_min_hours_per_week": lo,
            "effort_max_hours_per_week": hi,
            "run_status": text(current.get("status")),
            "availability": text(current.get("availability")),
            "seat_types": seat_types,
        },
    }


def program_item(record: dict[str, Any]) -> dict[str, Any]:
    courses = [c for c in as_list(record.get("courses")) if isinstance(c, dict)]
    orgs = [o for o in as_list(record.get("authoring_organizations")) if isinstance(o, dict)]
    kind = text(record.get("type")) or "program"
    description = text(record.get("overview")) or text(record.get("subtitle")) or text(record.get("marketing_hook"))
    prices = [
        p
        for p in as_list(record.get("price_ranges")) + as_list(record.get("subscription_prices"))
        if isinstance(p, dict)
    ]
    hours = record.get("total_hours_of_effort")
    item = {
        "source_id": f"program:{text(record.get('uuid')) or text(record.get('marketing_slug'))}",
        "url": _url(record, [], kind.lower()),
        "title": text(record.get("title")),
        "description": description,
        "provider": " / ".join(names(orgs))
        or " / ".join(names([o for c in courses for o in as_list(c.get("owners"))]))
        or None,
        "platform": "edX",
        "languages": [v for v in as_list(record.get("language_override")) if text(v)],
        "learning_outcomes": outcomes(record.get("expected_learning_items"), description),
        "workload_raw": f"{hours} hours in total" if hours else None,
        "level_raw": text(record.get("level_type_override")),
        "participation_form": "online",
        "stackability": f"{kind} of {len(courses)} courses: " + "; ".join(names(courses, "title")) if courses else None,
        "certificate_type": f"{kind} program certificate",
        "price_raw": "; ".join(f"{p.get('price') or p.get('total')} {p.get('currency')}" for p in prices) or None,
        "extras": {
            "kind": kind,
            "status": text(record.get("status")),
            "course_keys": names(courses, "key"),
            "hidden": record.get("hidden"),
        },
    }
    members = [
        member(
            c.get("key") or c.get("uuid"),
            c.get("title"),
            _url(c, [r for r in as_list(c.get("course_runs")) if isinstance(r, dict)]),
        )
        for c in courses
    ]
    return programme(item, kind, members)


def rss_items(root: Any, url: str, page: Page) -> Page:
    """The retired edX RSS course feed (`course:` namespace elements); staff elements are skipped."""

    def field(item: Any, name: str) -> list[str]:
        return [(e.text or "").strip() for e in item if local(e.tag) == name and (e.text or "").strip()]

    for item in (e for e in root.iter() if local(e.tag) == "item"):
        get = {
            name: field(item, name)
            for name in (
                "guid",
                "title",
                "link",
                "description",
                "id",
                "code",
                "school",
                "subject",
                "effort",
                "length",
                "prerequisites",
                "start",
                "end",
                "subtitle",
                "self_paced",
                "verified",
            )
        }
        one = {k: (v[0] if v else None) for k, v in get.items()}
        record = {
            "source_id": one["id"] or one["guid"],
            "url": strip_tracking(one["link"]),
            "title": one["title"],
            "description": one["description"],
            "provider": one["school"],
            "platform": "edX",
            "learning_outcomes": outcomes(None, one["description"]),
            "workload_raw": one["effort"],
            "duration_raw": one["length"],
            "prerequisites": one["prerequisites"],
            "participation_form": "online",
            "subjects": get["subject"],
            "runs": [run(one["id"], one["start"], one["end"])] if one["start"] else [],
            "extras": {"code": one["code"], "subtitle": one["subtitle"], "self_paced": one["self_paced"]},
        }
        parse_records(page, SOURCE, [record], lambda r: r, lambda r: r.get("source_id"), not_an_offer)
    nxt = next((e.get("href") for e in root.iter() if local(e.tag) == "link" and e.get("rel") == "next"), None)
    if next_link(url, nxt):
        page.follow.append(FollowUp(next_link(url, nxt) or "", kind="page"))
    return page


def _kind(record: dict[str, Any]) -> str:
    if mit.signed(record):
        return "mit"
    if (
        text(record.get("content_type")) == "program"
        or "authoring_organizations" in record
        or ("courses" in record and "course_runs" not in record)
    ):
        return "program"
    return "course"


# Fields of Discovery's course and program records that a generic Django-REST page does not have.
_OWN_FIELDS = (
    "course_runs",
    "owners",
    "authoring_organizations",
    "url_slug",
    "marketing_slug",
    "expected_learning_items",
    "level_type",
    "content_type",
    "course_run_statuses",
    "canonical_course_run_key",
)


def signed(record: Any) -> bool:
    """A Discovery course/program record, or an MIT catalogue's (read by `mit`)."""
    return isinstance(record, dict) and (any(k in record for k in _OWN_FIELDS) or mit.signed(record))


def parse_data(data: Any, url: str) -> Page | None:
    """Discovery courses or programs, or an MIT catalogue shape; None when the document is none of these."""
    if isinstance(data, dict) and dig(data, "data", "searchAPISearch") is not None:
        return mit.parse_data(data, url)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        records, nxt, count = data["results"], data.get("next"), data.get("count")
    elif isinstance(data, list) and any(signed(r) for r in data):
        records, nxt, count = data, None, None
    else:
        return None
    if records and not any(signed(r) for r in records):
        return None  # a Django-REST page of some other catalogue: not ours to mass-reject
    rows = [r for r in records if isinstance(r, dict)]
    if rows and all(_kind(r) == "mit" for r in rows):
        return mit.parse_data(data, url)
    page = Page()
    skip_arrays(page, data, ("results",))
    makers = {"program": program_item, "course": course_item, "mit": mit.record_item}
    parse_records(
        page,
        SOURCE,
        records,
        lambda r: makers[_kind(r)](r),
        lambda r: (
            f"program:{r.get('uuid')}"
            if _kind(r) == "program" and r.get("uuid")
            else r.get("key") or r.get("uuid") or r.get("readable_id") or r.get("nid")
        ),
        not_an_offer,
    )
    note_empty(page, expected=bool(count) or "page=" in url)
    follow = next_link(url, nxt)
    if follow:
        page.follow.append(FollowUp(follow, kind="page"))
    return page


@too_deep_is_parse_error("edx")
def parse(body: bytes, url: str) -> Page:
    from scrapers.parsers.dispatch import fallback

    if body.lstrip()[:5] in (b"<?xml", b"<rss ", b"<rss>"):
        root = load_xml(body, "edx course feed")
        if local(root.tag) != "rss":
            raise ParseError(f"edx course feed: expected an RSS document, got <{local(root.tag)}>")
        return rss_items(root, url, Page())
    data = load_json(body, "edx discovery api")
    if isinstance(data, dict) and ("detail" in data or "error" in data) and "results" not in data:
        raise ParseError(f"edx discovery api: error response ({text(data.get('detail')) or text(data.get('error'))})")
    page = parse_data(data, url)
    return (
        page
        if page is not None
        else fallback(
            data,
            url,
            "edx discovery api: not an edX Discovery page (expected `results` of course records with `course_runs`/"
            "`owners` or programs with `authoring_organizations`), nor another platform's",
            skip=SOURCE,
        )
    )
