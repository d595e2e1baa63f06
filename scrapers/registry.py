"""The source registry (`scrapers/sources.yaml`): one validated list drives spiders, Dagster and the README."""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models.urls import domain_of, normalise_host
from scrapers.parsers.base import Parser

REGISTRY_PATH = Path(__file__).with_name("sources.yaml")
SNAPSHOT_ROOT = Path(__file__).with_name("snapshot")

SourceType = Literal[
    "mooc_platform",
    "mooc_aggregator",
    "university_catalogue",
    "alliance_catalogue",
    "xcri_cap_feed",
    "elm_feed",
    "schema_org_pages",
    "configured_pages",
]
Access = Literal["json_api", "json_feed", "jsonapi", "soap_xml", "xml_feed", "jsonld", "html", "sitemap"]
# How the entry's parser was checked, strongest first. The note names what it was checked on.
VerifiedKind = Literal["real response", "specification example", "specification", "own fixtures", "unverified"]
VERIFIED_KINDS: tuple[str, ...] = get_args(VerifiedKind)
VERIFIED_MEANING = {
    "real response": "checked on a real recorded response of the source or its platform (named in the note)",
    "specification example": "checked on examples published with the official specification (values may be invented)",
    "specification": "checked only against the specification, on our own files written from it",
    "own fixtures": "checked only on our own files written in the format the source showed (no recording, no spec)",
    "unverified": "not checked, or not stated in the registry",
}
# Registry fields added after entries existed: an entry without them still loads, and `mcatlas sources` flags it.
DESCRIPTIVE_FIELDS = ("platform", "institutions", "verified")


class Verified(BaseModel):
    """How the entry's parser was checked: one of `VERIFIED_KINDS` and a note naming the evidence.

    Written in the registry as one string, `"<kind>: <note>"` (e.g. `"real response: ../shared/corpus/dtu"`), or as
    a mapping with `kind` and `note`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: VerifiedKind
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            kind, _, note = value.partition(":")
            value = {"kind": kind.strip(), "note": note.strip()}
        if isinstance(value, dict) and value.get("kind") not in VERIFIED_KINDS:
            raise ValueError(f"unknown kind {value.get('kind')!r} (expected one of: {', '.join(VERIFIED_KINDS)})")
        return value

    @model_validator(mode="after")
    def _named(self) -> Verified:
        if self.kind != "unverified" and not self.note.strip():
            raise ValueError(f"{self.kind!r} needs a note naming what the parser was checked on")
        return self

    def __str__(self) -> str:
        return f"{self.kind}: {self.note}" if self.note else self.kind


NOT_STATED = Verified(kind="unverified", note="not stated in the registry")


class Source(BaseModel):
    """One harvestable source."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Unique name; also the spider and asset name.")
    type: SourceType
    provider: str = Field(description="Who publishes the listings.")
    country: str | None = Field(description="ISO 3166-1 alpha-2 country of the publisher (null: international).")
    alliance: str | None = Field(None, description="University alliance, e.g. EuroTeQ.")
    base_url: str
    access: Access = Field(description="How the data is obtained.")
    start_urls: list[str] = Field(min_length=1)
    parser: str = Field(description="`module:function` of the parser, see scrapers/parsers/base.py.")
    spider: str | None = Field(None, description="`module:Class` of a custom spider; default: the generic one.")
    terms: str = Field(description="Terms-of-use / licence note for the data.")
    robots: str = Field(description="robots.txt status of the paths crawled.")
    schedule: str = Field(description="Default harvest schedule (cron).")
    enabled: bool = True
    platform: str | None = Field(
        None,
        min_length=1,
        description="The platform or standard the entry publishes through (e.g. `XCRI-CAP 1.2`, `Sisu`, "
        "`DTU course web service`). Missing: flagged by `mcatlas sources`.",
    )
    institutions: str | None = Field(
        None,
        min_length=1,
        description="The institutions reachable through the entry; a register or standard gives its scope "
        "(e.g. `all Finnish HEIs`). Missing: flagged by `mcatlas sources`.",
    )
    verified: Verified | None = Field(
        None,
        description="How the parser was checked: `<kind>: <note>`, kind one of "
        + ", ".join(f"`{k}`" for k in VERIFIED_KINDS)
        + ". Missing: shown as unverified.",
    )
    notes: str | None = Field(None, min_length=1, description="Anything a maintainer must know about the source.")
    allowed_domains: list[str] = Field(
        default_factory=list,
        description="Hosts beyond those of the start URLs that this source may fetch from "
        "(subdomains included): only for a source that legitimately crosses hosts, e.g. an auth endpoint.",
    )
    settings: dict[str, object] = Field(
        default_factory=dict,
        description="Per-source Scrapy settings (e.g. DOWNLOAD_MAXSIZE for a source with larger responses).",
    )
    options: dict[str, object] = Field(default_factory=dict, description="Per-source spider options.")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None and pycountry.countries.get(alpha_2=value) is None:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"{value!r} is not a five-field cron expression")
        return value

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        out = []
        for domain in value:
            if "/" in domain or ":" in domain or "@" in domain or "*" in domain:
                raise ValueError(f"allowed_domains: {domain!r} is not a bare host name (no scheme, port or wildcard)")
            out.append(normalise_host(domain))
        return out

    @field_validator("settings")
    @classmethod
    def _safe_settings(cls, value: dict[str, object]) -> dict[str, object]:
        # The private-address exemption is for local test servers, given on the command line, never configured.
        if "MCATLAS_ALLOW_PRIVATE_HOSTS" in value:
            raise ValueError("settings: MCATLAS_ALLOW_PRIVATE_HOSTS cannot be set in the registry (tests only)")
        for name in ("DOWNLOAD_MAXSIZE", "DOWNLOAD_WARNSIZE"):
            size = value.get(name)
            if name in value and not (isinstance(size, int) and size > 0):
                raise ValueError(f"settings: {name} must be a positive number of bytes (0 would mean no limit)")
        return value

    def fetch_domains(self, start_urls: list[str] | None = None) -> frozenset[str]:
        """Hosts (and their subdomains) this source may fetch from: those of its start URLs and of the run's
        own start URLs (`start_urls`, e.g. a catalogue YAML or `MCATLAS_START_URLS`), plus `allowed_domains`."""
        found = (domain_of(url) for url in [*self.start_urls, *(start_urls or [])])
        return frozenset(d for d in found if d) | frozenset(self.allowed_domains)

    @property
    def verification(self) -> Verified:
        """`verified`, or `unverified (not stated in the registry)` for an entry that does not say."""
        return self.verified or NOT_STATED

    def missing(self) -> list[str]:
        """The descriptive fields (`DESCRIPTIVE_FIELDS`) this entry leaves out."""
        return [name for name in DESCRIPTIVE_FIELDS if getattr(self, name) is None]

    def load_parser(self) -> Parser:
        module, _, func = self.parser.partition(":")
        return getattr(importlib.import_module(module), func)

    @property
    def snapshot_dir(self) -> Path:
        return SNAPSHOT_ROOT / self.name


class RegistryError(ValueError):
    pass


def invalid_entry(path: Path, entry: object, exc: ValidationError) -> str:
    """One line naming the file, the entry and every field that failed, e.g.
    `sources.yaml: source 'dtu': verified: unknown kind 'tested' (expected one of: ...)`."""
    name = entry.get("name") if isinstance(entry, dict) else None
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "entry"
        message = str(err["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
    return " ".join(f"{path}: source {name!r}: {'; '.join(problems)}".split())


def registry_path() -> Path:
    """The bundled registry, or the file named by `MCATLAS_REGISTRY` (your own list of sources)."""
    return Path(os.environ.get("MCATLAS_REGISTRY") or REGISTRY_PATH)


def load_registry(path: Path | None = None) -> dict[str, Source]:
    path = path or registry_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, Source] = {}
    for entry in data.get("sources", []):
        try:
            src = Source.model_validate(entry)
        except ValidationError as exc:
            raise RegistryError(invalid_entry(path, entry, exc)) from None
        if src.name in out:
            raise RegistryError(f"duplicate source name {src.name!r} in {path}")
        out[src.name] = src
    return out


@cache
def registry() -> dict[str, Source]:
    return load_registry()


def get_source(name: str) -> Source:
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise RegistryError(f"unknown source {name!r}; known sources: {known}") from None


def _cell(value: object) -> str:
    return str(value if value not in (None, "") else "—").replace("|", "\\|").replace("\n", " ")


NOT_STATED_CELL = "not stated"


def verified_cell(src: Source) -> str:
    """`kind: note`; an entry that states nothing is flagged **unverified**."""
    if src.verified is None:
        return f"**unverified** ({NOT_STATED.note})"
    return f"**unverified**: {src.verified.note}" if src.verified.kind == "unverified" else str(src.verified)


COLUMNS = (
    "Source",
    "Type",
    "Platform",
    "Provider",
    "Country",
    "Institutions",
    "Alliance",
    "Access",
    "Schedule",
    "Enabled",
    "Verified",
    "Terms",
    "robots.txt",
    "Notes",
)


def markdown_table(sources: dict[str, Source] | None = None) -> str:
    """The README's source table, generated from the registry so the two never disagree."""
    rows = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for src in (sources or registry()).values():
        rows.append(
            "| "
            + " | ".join(
                _cell(v)
                for v in (
                    f"`{src.name}`",
                    src.type,
                    src.platform or NOT_STATED_CELL,
                    f"[{src.provider}]({src.base_url})",
                    src.country,
                    src.institutions or NOT_STATED_CELL,
                    src.alliance,
                    src.access,
                    f"`{src.schedule}`",
                    "yes" if src.enabled else "no",
                    verified_cell(src),
                    src.terms,
                    src.robots,
                    src.notes,
                )
            )
            + " |"
        )
    return "\n".join(rows)
