"""Any page publishing schema.org `Course` / `CourseInstance` / `EducationalOccupationalCredential`.

Fed by a sitemap (`urlset` -> page follow-ups, `sitemapindex` -> sitemap follow-ups) or a plain URL list; a
page yields one item per outermost course node (JSON-LD incl. `@graph`, or microdata; see structured.py).
Later sources reuse `node_item` with their own settings. Persons (instructors, authors) are never read.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any
from urllib.parse import urljoin

from models.offer import form_vocabulary
from scrapers.parsers.base import FollowUp, Page, ParseError, Reject, guard_record, too_deep_is_parse_error
from scrapers.parsers.common import as_dict, as_list, names, outcomes, run, strip_tracking, text
from scrapers.parsers.structured import COURSE_TYPES, extract_nodes, type_names
from scrapers.parsers.xml import load_xml, local

SOURCE = "schema_org"
# schema.org courseMode words (often URLs: the last path segment) -> our ParticipationForm (checked against the
# schema's Literal at import). The source's vocabulary lives here; the parser only looks up the record's own words
# (`extras.participation_forms`), and the normaliser applies them and explains it (participation.mapped).
FORMS = form_vocabulary(
    {
        "online": "online",
        "onsite": "on-site",
        "on-site": "on-site",
        "blended": "blended",
        "mixed": "blended",
        "distance": "online",
        "presence": "on-site",
        "fulltime": None,
        "parttime": None,
    }
)


def _name(value: Any) -> str | None:
    """A name from a string, a `{name}` node or a list of either; Person nodes give nothing."""
    for v in as_list(value):
        if isinstance(v, dict):
            if "Person" in type_names(v):
                continue
            found = text(v.get("name")) or text(v.get("@value"))
        else:
            found = text(v)
        if found:
            return found
    return None


def _org(node: dict[str, Any]) -> dict[str, Any]:
    for key in ("provider", "publisher", "sourceOrganization", "recognizedBy", "creator", "author"):
        for org in as_list(node.get(key)):
            if isinstance(org, dict) and "Person" not in type_names(org) and text(org.get("name")):
                address = as_dict(org.get("address"))
                return {
                    "name": text(org["name"]),
                    "url": text(org.get("url")) or text(org.get("sameAs")),
                    "country": _name(address.get("addressCountry")),
                }
            if isinstance(org, str) and text(org) and key in ("provider", "publisher"):
                return {"name": text(org)}
    return {}


def _mode_key(value: Any) -> str:
    """The vocabulary key of one courseMode value: 'https://schema.org/Blended' -> 'blended'."""
    return (text(value) or "").rsplit("/", 1)[-1].lower()


def _offer(node: dict[str, Any]) -> dict[str, Any]:
    offers = [o for o in as_list(node.get("offers")) if isinstance(o, dict)]
    offer = next((o for o in offers if o.get("price") is not None), None)
    if offer is None:
        return {}
    raw = f"{offer.get('price')} {offer.get('priceCurrency') or ''}".strip()
    try:
        amount = float(str(offer["price"]).replace(",", "."))
    except ValueError:
        return {"price_raw": raw}
    currency = text(offer.get("priceCurrency"))
    return {
        "price_raw": raw,
        "price_amount": amount if currency or amount == 0 else None,
        "price_currency": currency.upper() if currency else None,
        "is_free": amount == 0,
    }


def _credits(value: Any) -> tuple[float | None, str | None]:
    """ECTS only when the markup says so (a number with an ECTS unit); any other credit stays raw."""
    for v in as_list(value):
        unit = text(v.get("unitText")) or text(v.get("name")) if isinstance(v, dict) else None
        raw = text(v.get("value")) if isinstance(v, dict) else text(v)
        if raw and re.fullmatch(r"\d+(?:[.,]\d+)?", raw) and "ects" in (unit or "").lower():
            return float(raw.replace(",", ".")), f"{raw} {unit}"
        if raw:
            return None, f"{raw} {unit or ''}".strip()
    return None, None


def _page_of(node_id: Any) -> str | None:
    """An absolute `@id` names the node's own page (fragment dropped); a bare `#id` does not."""
    value = text(node_id)
    return value.split("#")[0] if value and value.startswith(("http://", "https://")) else None


def node_item(node: dict[str, Any], page_url: str) -> dict[str, Any]:
    """One schema.org course/credential node as an item (values as the markup gives them)."""
    instances = (
        [node]
        if "CourseInstance" in type_names(node)
        else [i for i in as_list(node.get("hasCourseInstance")) if isinstance(i, dict)]
    )
    langs = [v for v in (_name(x) for x in as_list(node.get("inLanguage") or node.get("availableLanguage"))) if v]
    description = text(node.get("description"))
    org = _org(node)
    modes = [m for i in instances for m in as_list(i.get("courseMode")) if text(m)]
    known = {str(m): FORMS[_mode_key(m)] for m in modes if _mode_key(m) in FORMS}
    workload = text(node.get("timeRequired")) or next(
        (text(i.get("courseWorkload")) for i in instances if text(i.get("courseWorkload"))), None
    )
    ects, credits_raw = _credits(node.get("numberOfCredits"))
    duration = next((text(i.get("duration")) for i in instances if text(i.get("duration"))), None)
    kind = next((t for t in type_names(node) if t in COURSE_TYPES), "Course")
    return {
        "source_id": text(node.get("@id"))
        or text(node.get("courseCode"))
        or text(node.get("identifier"))
        or text(node.get("url"))
        or f"{page_url}#{text(node.get('name'))}",
        "url": strip_tracking(urljoin(page_url, text(node.get("url")) or _page_of(node.get("@id")) or "")) or page_url,
        "title": text(node.get("name")),
        "title_lang": langs[0] if langs else None,
        "description": description,
        "provider": org.get("name"),
        "provider_url": org.get("url"),
        "country": org.get("country") if org.get("country") and len(org["country"]) == 2 else None,
        "languages": langs,
        "learning_outcomes": outcomes(
            [_name(t) for t in as_list(node.get("teaches"))], description, langs[0] if langs else None
        ),
        "workload_raw": workload,
        "duration_raw": duration,
        "ects": ects,
        "level_raw": _name(node.get("educationalLevel")) or _name(node.get("competencyRequired")),
        "participation_raw": ", ".join(str(m) for m in modes) or None,
        "prerequisites": "; ".join(filter(None, (_name(c) for c in as_list(node.get("coursePrerequisites"))))) or None,
        "runs": [
            run(i.get("identifier"), i.get("startDate"), i.get("endDate"), schedule=_name(i.get("courseSchedule")))
            for i in instances
            if i.get("startDate") or i.get("endDate")
        ],
        "subjects": names(node.get("about")) or [k for k in as_list(node.get("keywords")) if isinstance(k, str)][:20],
        "certificate_type": _name(node.get("educationalCredentialAwarded")) or _name(node.get("credentialCategory")),
        **_offer(node),
        "extras": {
            "schema_type": kind,
            "course_code": text(node.get("courseCode")),
            "credits_raw": credits_raw,
            "participation_forms": known or None,
        },
    }


def sitemap_follow(body: bytes, url: str) -> Page | None:
    """Follow-ups from a sitemap or sitemap index; None when the body is not one."""
    head = body.lstrip()[:400].lower()
    if (
        not (head.startswith(b"<?xml") or head.startswith(b"<urlset") or head.startswith(b"<sitemapindex"))
        or b"<html" in head
    ):
        return None
    root = load_xml(body, "sitemap")
    kind = local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    page = Page()
    for loc in ((e.text or "").strip() for e in root.iter() if local(e.tag) == "loc"):
        if loc:
            page.follow.append(FollowUp(urljoin(url, loc), kind="sitemap" if kind == "sitemapindex" else "page"))
    page.stats[f"sitemap/{kind}_urls"] = len(page.follow)
    if not page.follow:
        page.stats["errors/empty_results"] = 1
    return page


def url_list(body: bytes, url: str) -> Page | None:
    """A plain-text list of page URLs, one per line (`#` comments allowed)."""
    lines = [
        ln.strip()
        for ln in body.decode("utf-8", "replace").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not lines or not all(re.match(r"^https?://\S+$", ln) for ln in lines):
        return None
    return Page(follow=[FollowUp(ln, kind="page") for ln in lines])


@too_deep_is_parse_error("schema.org page")
def parse(body: bytes, url: str) -> Page:
    listed = sitemap_follow(body, url) or url_list(body, url)
    if listed is not None:
        return listed
    if body.lstrip()[:1] in (b"{", b"["):
        raise ParseError("schema.org page: expected HTML or a sitemap, got JSON")
    page = Page()
    nodes = extract_nodes(body, url, COURSE_TYPES, page.stats)
    seen: set[str] = set()
    for node in nodes:
        item = guard_record(page, SOURCE, text(node.get("@id")), partial(node_item, node, url), node)
        if item is None:
            continue
        if item["source_id"] in seen:
            page.rejects.append(Reject(SOURCE, item["source_id"], "source_id: duplicate in one page", None))
            continue
        seen.add(item["source_id"])
        page.items.append(item)
    if not nodes:
        page.stats["schema_org/pages_without_course"] = 1
    return page
