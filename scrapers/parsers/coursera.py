"""Coursera catalog API: `courses.v1`, `onDemandSpecializations.v1` and `partners.v1` (Naptime JSON).

Every response is `{"elements": [...], "paging": {"next": "<start>", "total": n}, "linked": {...}}`. Course
pages are walked by `start=` following `paging.next` until it is absent. Provider names come from
`linked["partners.v1"]` (asked for with `includes=partnerIds`); ids left unresolved are looked up with one
`partners.v1?ids=` request, which the Coursera spider uses to fill in the provider (instructors are never read).
A specialization (a record with `courseIds`) is a programme offer listing its member courses, wherever it appears;
every other `linked` array is counted as skipped with its reason. A document is Coursera's only when it is a Naptime
response (`elements` with `paging`/`linked`, a `*.v1` resource URL, or Coursera's own record fields).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from scrapers.parsers.base import FollowUp, Page, ParseError, load_json, too_deep_is_parse_error
from scrapers.parsers.common import (
    absolute,
    as_dict,
    as_list,
    member,
    not_an_offer,
    note_empty,
    outcomes,
    parse_records,
    programme,
    run,
    skip_arrays,
    text,
    with_query,
)

SOURCE = "coursera"
SITE = "https://www.coursera.org"
PARTNER_FIELDS = "name,shortName,links"
CERTIFICATES = {
    "VerifiedCert": "verified certificate (paid)",
    "Specialization": "specialization certificate",
    "ProfessionalCert": "professional certificate",
    "MasterTrack": "MasterTrack certificate",
}


def partner_names(data: Any) -> dict[str, dict[str, Any]]:
    """id -> {name, url} from a `partners.v1` response or a `linked["partners.v1"]` block."""
    rows = data.get("elements") if isinstance(data, dict) and "elements" in data else data
    out: dict[str, dict[str, Any]] = {}
    for partner in as_list(rows):
        if isinstance(partner, dict) and text(partner.get("id")) and text(partner.get("name")):
            links = as_dict(partner.get("links"))
            out[str(partner["id"])] = {"name": text(partner["name"]), "url": absolute(links.get("website"), SITE)}
    return out


def _partners(record: dict[str, Any], known: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    ids = [str(i) for i in as_list(record.get("partnerIds")) if text(i)]
    return ids, [known[i]["name"] for i in ids if i in known]


def _common(record: dict[str, Any], known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ids, found = _partners(record, known)
    langs = [v for v in as_list(record.get("primaryLanguages")) if text(v)]
    description = text(record.get("description"))
    first = known.get(ids[0]) if ids else None
    return {
        "title": text(record.get("name")),
        "title_lang": langs[0] if langs else None,
        "description": description,
        "provider": " / ".join(found) if found and len(found) == len(ids) else (first or {}).get("name"),
        "provider_url": (first or {}).get("url"),
        "platform": "Coursera",
        "languages": langs,
        "learning_outcomes": outcomes(record.get("learningObjectives"), description, langs[0] if langs else None),
        "participation_form": "online",
        "subjects": list(
            dict.fromkeys(
                v
                for d in as_list(record.get("domainTypes"))
                if isinstance(d, dict)
                for v in (text(d.get("domainId")), text(d.get("subdomainId")))
                if v
            )
        ),
        "extras": {"partner_ids": ids, "partner_names": found},
    }


def course_item(record: dict[str, Any], known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    slug = text(record.get("slug"))
    certs = [c for c in as_list(record.get("certificates")) if text(c)]
    start = record.get("startDate")
    item = _common(record, known)
    item.update(
        {
            "source_id": text(record.get("id")) or slug,
            "url": f"{SITE}/learn/{slug}" if slug else None,
            "workload_raw": text(record.get("workload")),
            "certificate_type": ", ".join(CERTIFICATES.get(c, c) for c in certs) or None,
            "runs": [run(start=start)] if start else [],
        }
    )
    item["extras"].update(
        {
            k: record[k]
            for k in ("courseType", "slug", "subtitleLanguages", "certificates", "specializations", "photoUrl")
            if record.get(k) is not None
        }
    )
    return item


def specialization_item(
    record: dict[str, Any], known: dict[str, dict[str, Any]], courses: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A specialization: a programme of courses (`courseIds`; titles and pages from `linked["courses.v1"]`)."""
    slug = text(record.get("slug"))
    course_ids = [str(c) for c in as_list(record.get("courseIds")) if text(c)]
    item = _common(record, known)
    if not item["description"]:
        item["description"] = text(record.get("tagline"))
    item.update(
        {
            "source_id": f"specialization:{text(record.get('id')) or slug}",
            "url": f"{SITE}/specializations/{slug}" if slug else None,
            "stackability": f"Specialization of {len(course_ids)} courses; completing all earns the "
            "specialization certificate."
            if course_ids
            else None,
            "certificate_type": "specialization certificate",
        }
    )
    item["extras"].update(
        {"kind": "specialization", "course_ids": course_ids, "slug": slug, "tagline": text(record.get("tagline"))}
    )
    linked = courses or {}
    members = [
        member(
            i,
            (linked.get(i) or {}).get("name"),
            f"{SITE}/learn/{text((linked.get(i) or {}).get('slug'))}"
            if text((linked.get(i) or {}).get("slug"))
            else None,
        )
        for i in course_ids
    ]
    return programme(item, "Specialization", members)


def _start(url: str) -> int:
    try:
        return int((parse_qs(urlsplit(url).query).get("start") or ["0"])[0])
    except ValueError:
        return 0


def _kind(url: str, elements: list[Any]) -> str:
    path = urlsplit(url).path.lower()
    if "partners.v1" in path:
        return "partners"
    if "specializations" in path:
        return "specializations"
    rows = [e for e in elements if isinstance(e, dict)]
    if rows and all("courseIds" in e for e in rows):
        return "specializations"
    if rows and all("shortName" in e and "slug" not in e and "workload" not in e for e in rows):
        return "partners"
    return "courses"


# `linked` arrays: partners are read for provider names; the rest are not offers of this page.
LINKED_REASONS = {
    "instructors.v1": "personal_data",
    "courses.v1": "linked_copy",  # listed in full by the courses.v1 endpoint the crawl walks; read for member titles
    "onDemandSpecializations.v1": "linked_copy",
    "specializations.v1": "linked_copy",
}
_OWN_FIELDS = ("slug", "partnerIds", "courseIds", "courseType", "primaryLanguages", "domainTypes", "workload")


def is_naptime(data: Any, url: str) -> bool:
    """Coursera's Naptime envelope: `elements` with `paging`/`linked` beside it, a `*.v1` resource URL, or
    elements carrying Coursera's own record fields. A bare `{"elements": [...]}` of another API is not enough."""
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        return False
    if isinstance(data.get("paging"), dict) or isinstance(data.get("linked"), dict):
        return True
    if ".v1" in urlsplit(url).path:
        return True
    return any(isinstance(e, dict) and any(k in e for k in _OWN_FIELDS) for e in data["elements"])


@too_deep_is_parse_error("coursera api")
def parse(body: bytes, url: str) -> Page:
    from scrapers.parsers.dispatch import own_or_other

    data = load_json(body, "coursera api")
    if isinstance(data, dict) and "errorCode" in data:
        raise ParseError(f"coursera api: error response ({text(data.get('errorCode'))}: {text(data.get('message'))})")
    return own_or_other(
        parse_data,
        data,
        url,
        "coursera api: not a Coursera catalog response (expected Naptime `elements` with `paging`/`linked`), "
        "nor another platform's",
        skip=SOURCE,
    )


def parse_data(data: Any, url: str) -> Page | None:
    """Items and follow-ups from a decoded Naptime response; None when it is not one."""
    if not is_naptime(data, url):
        return None
    elements, paging = data["elements"], as_dict(data.get("paging"))
    kind = _kind(url, elements)
    page = Page()
    if kind == "partners":
        page.stats["coursera/partners_listed"] = len(partner_names(data))
        return page
    linked = as_dict(data.get("linked"))
    known = partner_names(linked.get("partners.v1"))
    # member courses named by this page: its own course elements and the linked course records
    courses = {
        str(c["id"]): c
        for c in [*elements, *as_list(linked.get("courses.v1"))]
        if isinstance(c, dict) and text(c.get("id")) and "courseIds" not in c
    }
    skip_arrays(page, data, ("elements",))
    skip_arrays(page, linked, ("partners.v1",), LINKED_REASONS, where="linked.")

    def make(record: dict[str, Any]) -> dict[str, Any]:
        """Each element on its own: a page of courses may also hold specializations (`courseIds`)."""
        if kind == "specializations" or "courseIds" in record:
            return specialization_item(record, known, courses)
        return course_item(record, known)

    parse_records(page, SOURCE, elements, make, lambda r: r.get("id") or r.get("slug"), not_an_offer)

    unresolved = sorted({i for item in page.items for i in item["extras"]["partner_ids"] if i not in known})
    if unresolved and url.startswith("http"):
        query = {"ids": ",".join(unresolved), "fields": PARTNER_FIELDS}
        page.follow.append(
            FollowUp(
                with_query(urljoin(url, "partners.v1"), **query), kind="partners", meta={"partner_ids": unresolved}
            )
        )
    if unresolved:
        page.stats["coursera/partner_lookups"] = len(unresolved)

    start, total, nxt = _start(url), paging.get("total"), text(paging.get("next"))
    expected = (isinstance(total, int) and total > start) or start > 0
    note_empty(page, expected)
    if nxt and url.startswith("http"):
        if not nxt.isdigit() or int(nxt) <= start:
            page.stats["paging/next_not_advancing"] = 1
        elif page.items or page.rejects:
            page.follow.append(FollowUp(with_query(url, start=nxt), kind="page"))
    return page
