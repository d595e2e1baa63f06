"""Catalogue pages read by configuration: one YAML file per institution in `scrapers/catalogues/`.

Most university catalogues have no feed, only HTML: a listing page linking to one page per course. A catalogue
YAML names the start URLs, which links to follow (CSS/XPath plus a URL pattern), the selectors for each offer
field on a course page, the language, provider and country. A new university needs a YAML file and a registry
entry (`parser: scrapers.parsers.configured:parse_<catalogue>`), no code.

A layout change must not look like an empty catalogue: a listing page whose link selector matches nothing, or a
course page whose required fields match nothing, is counted under `errors/selectors_matched_nothing` (so the run
is `failed`, or `partial` when other pages still worked) and the page is kept in the landing area.
"""

from __future__ import annotations

import re
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

import yaml
from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scrapers.parsers.base import FollowUp, Page, ParseError, Parser, Reject
from scrapers.parsers.common import as_list, outcomes, run, strip_tracking

CATALOGUES = Path(__file__).resolve().parents[1] / "catalogues"
BROKEN = "errors/selectors_matched_nothing"
# Offer fields a selector may fill (values as the page shows them; normalisation happens later).
TEXT_FIELDS = {
    "title",
    "description",
    "workload_raw",
    "duration_raw",
    "ects",
    "level_raw",
    "price_raw",
    "assessment",
    "participation_raw",
    "prerequisites",
    "certificate_type",
    "provider",
    "source_id",
    "url",
    "eqf_level",
    "start_date",
    "end_date",
    "quality_assurance",
    "stackability",
    "supervision_identity_check",
}
LIST_FIELDS = {"learning_outcomes", "languages", "subjects"}


class Select(BaseModel):
    """One selector: CSS (parsel, `::text` / `::attr(x)` allowed) or XPath; all matches or the first."""

    model_config = ConfigDict(extra="forbid")

    css: str | None = None
    xpath: str | None = None
    all: bool = Field(False, description="Keep every match (a list) instead of the first.")
    join: str | None = Field(None, description="Join all matches into one text with this separator.")
    pattern: str | None = Field(None, description="Regex applied to the text; group 1 (or the match) is kept.")

    @model_validator(mode="after")
    def _one(self) -> Select:
        if bool(self.css) == bool(self.xpath):
            raise ValueError("give exactly one of css or xpath")
        return self

    def texts(self, sel: Selector) -> list[str]:
        if self.css:
            found = sel.css(self.css)
        elif self.xpath:
            found = sel.xpath(self.xpath)
        else:  # the validator requires one of them
            return []
        out = []
        for node in found:
            root = node.root
            text = root if isinstance(root, str) else " ".join(node.xpath("string(.)").get("").split())
            text = " ".join(str(text).split())
            if self.pattern and text:
                m = re.search(self.pattern, text)
                text = (m.group(1) if m and m.groups() else m.group(0)) if m else ""
            if text:
                out.append(text)
        return out

    def value(self, sel: Selector) -> str | list[str] | None:
        texts = self.texts(sel)
        if self.all:
            return texts
        if self.join is not None:
            return self.join.join(texts) or None
        return texts[0] if texts else None


class Listing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url_pattern: str | None = Field(None, description="Regex: URLs that are listing pages.")
    links: Select = Field(description="Selector for course-page links (hrefs).")
    follow_pattern: str = Field(description="Regex a link must match to be followed.")
    next_page: Select | None = None


class Detail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url_pattern: str | None = Field(None, description="Regex: URLs that are course pages.")
    fields: dict[str, Select]
    required: list[str] = Field(default_factory=lambda: ["title"])

    @field_validator("fields")
    @classmethod
    def _known(cls, value: dict[str, Select]) -> dict[str, Select]:
        bad = [k for k in value if k not in TEXT_FIELDS | LIST_FIELDS and not k.startswith("extras.")]
        if bad:
            raise ValueError(f"unknown offer fields {bad}; use extras.<name> for others")
        return value


class Catalogue(BaseModel):
    """A catalogue configuration (scrapers/catalogues/<name>.yaml)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    provider: str
    provider_url: str | None = None
    country: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    alliance: str | None = None
    language: str = Field(description="Language of the pages (ISO 639-1), used when a page states none.")
    start_urls: list[str] = Field(min_length=1)
    listing: Listing
    detail: Detail
    country_by_provider: dict[str, str] = Field(
        default_factory=dict, description="Provider-name substring -> ISO country (alliance catalogues)."
    )
    structure_note: str = Field(description="Where the page structure comes from, and when it was observed.")


@cache
def load_catalogue(name: str) -> Catalogue:
    path = CATALOGUES / f"{name}.yaml"
    if not path.exists():
        raise ParseError(f"no catalogue configuration {path.name} in {CATALOGUES}")
    return Catalogue.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def _kind(cat: Catalogue, url: str, sel: Selector) -> Literal["listing", "detail"] | None:
    if cat.detail.url_pattern and re.search(cat.detail.url_pattern, url):
        return "detail"
    if (cat.listing.url_pattern and re.search(cat.listing.url_pattern, url)) or url in cat.start_urls:
        return "listing"
    # a local file (`mcatlas parse`): whichever selectors recognise the page
    if all(cat.detail.fields[f].texts(sel) for f in cat.detail.required if f in cat.detail.fields):
        return "detail"
    if cat.listing.links.texts(sel):
        return "listing"
    return None


def _country(cat: Catalogue, provider: str | None) -> str | None:
    for needle, code in cat.country_by_provider.items():
        if provider and needle.lower() in provider.lower():
            return code
    return cat.country


def _one(value: str | list[str] | None) -> str | None:
    """One text of a field: the first match where the YAML keeps all of them (`all: true`)."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def detail_item(cat: Catalogue, sel: Selector, url: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The offer on a course page, or None and the required fields whose selectors matched nothing."""
    values = {name: spec.value(sel) for name, spec in cat.detail.fields.items()}
    missing = [f for f in cat.detail.required if not values.get(f)]
    if missing:
        return None, missing
    extras = {k.removeprefix("extras."): v for k, v in values.items() if k.startswith("extras.")}
    provider = _one(values.get("provider")) or cat.provider
    langs = as_list(values.get("languages"))  # one language where the YAML does not keep all matches
    # no language stated: the page's own <html lang> (a Finnish page of an English catalogue), else the YAML's
    page_lang = (sel.xpath("/html/@lang").get() or "").split("-")[0].lower()
    default = page_lang if re.fullmatch(r"[a-z]{2}", page_lang) else cat.language
    lang = langs[0] if langs else default
    item: dict[str, Any] = {
        k: v
        for k, v in values.items()
        if not k.startswith("extras.") and k not in ("start_date", "end_date") and v not in (None, [], "")
    }
    item.update(
        {
            "source_id": values.get("source_id") or strip_tracking(url),
            "url": strip_tracking(urljoin(url, page_url))
            if (page_url := _one(values.get("url")))
            else strip_tracking(url),
            "title_lang": lang,
            "provider": provider,
            "provider_url": cat.provider_url if provider == cat.provider else None,
            "alliances": [cat.alliance] if cat.alliance else [],
            "languages": langs or [default],
            "learning_outcomes": outcomes(values.get("learning_outcomes"), _one(values.get("description")), lang),
            "runs": [r for r in [run(None, values.get("start_date"), values.get("end_date"))] if r],
            "extras": {**extras, "catalogue": cat.name, "languages_stated": bool(langs)},
        }
    )
    country = _country(cat, provider)
    if country:
        item["country"] = country
    return item, []


def parse_with(cat: Catalogue, body: bytes, url: str) -> Page:
    """A catalogue page read with `cat`'s selectors; a page too deep for lxml/parsel is one ParseError."""
    try:
        return _parse_with(cat, body, url)
    except RecursionError:
        raise ParseError(f"{cat.name} catalogue page: document nested too deeply to read") from None


def _parse_with(cat: Catalogue, body: bytes, url: str) -> Page:
    if not body.strip():
        raise ParseError(f"{cat.name} catalogue page: empty response body")
    if body.lstrip()[:1] in (b"{", b"["):
        raise ParseError(f"{cat.name} catalogue page: expected HTML, got JSON")
    sel = Selector(text=body.decode("utf-8", errors="replace"), base_url=url)
    page = Page()
    kind = _kind(cat, url, sel)
    if kind == "detail":
        item, missing = detail_item(cat, sel, url)
        if item is None:
            page.stats[BROKEN] = 1
            page.rejects.append(
                Reject(
                    cat.name,
                    strip_tracking(url),
                    f"layout: selectors for {', '.join(missing)} matched nothing on a course page",
                )
            )
            return page
        page.items.append(item)
        return page
    links = cat.listing.links.texts(sel) if kind == "listing" else []
    if not links:
        page.stats[BROKEN] = 1
        page.rejects.append(
            Reject(
                cat.name,
                None,
                "layout: no course links matched on a listing page "
                f"(selector {cat.listing.links.css or cat.listing.links.xpath!r})",
            )
        )
        return page
    seen: set[str] = set()
    for href in links:
        target = strip_tracking(urljoin(url, href))
        if not target or not re.search(cat.listing.follow_pattern, target):
            page.stats["configured/links_not_followed"] = page.stats.get("configured/links_not_followed", 0) + 1
            continue
        if target in seen:
            page.stats["configured/duplicate_links"] = page.stats.get("configured/duplicate_links", 0) + 1
            continue
        seen.add(target)
        page.follow.append(FollowUp(target, kind="detail"))
    if cat.listing.next_page:
        nxt = cat.listing.next_page.value(sel)
        nxt = urljoin(url, nxt) if isinstance(nxt, str) else None
        if nxt and nxt.rstrip("/") != url.rstrip("/"):
            page.follow.append(FollowUp(nxt, kind="listing"))
    if not page.follow:
        page.stats[BROKEN] = 1
    page.stats["configured/course_links"] = len(seen)
    return page


def parser_for(name: str) -> Parser:
    """The parser of one configured catalogue (what `parse_<name>` in the registry resolves to)."""
    return partial(parse_with, load_catalogue(name))


def __getattr__(attr: str) -> Parser:
    """`scrapers.parsers.configured:parse_<catalogue>` in the registry names a configured catalogue."""
    if attr.startswith("parse_"):
        name = attr.removeprefix("parse_")
        if (CATALOGUES / f"{name}.yaml").exists():
            return parser_for(name)
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")
