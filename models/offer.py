"""The canonical micro-credential offer: one record shape for every source.

The fields follow the standard elements of the EU Council Recommendation on micro-credentials (June 2022)
that an *offer* can carry, plus provenance. Elements of an *issued* credential (learner, issue date, grade)
are deliberately absent. Every field's description here is the single place the field is documented:
`mcatlas schema` exports the JSON Schema and the field reference from this module.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.urls import is_url_key, scheme_error

SCHEMA_VERSION = "1.0.0"

# Size limits (characters, or entries for lists). Far above any real course listing, they stop a broken or hostile
# source from filling memory and the warehouse: a record over one is rejected with the field and the limit named.
MAX_TITLE_CHARS = 1_000  # a title
MAX_LINE_CHARS = 1_000  # one-line fields: names, ids, labels, schedules, subjects
MAX_SHORT_TEXT_CHARS = 10_000  # values "as the source gives them" (workload_raw, price_raw, ...)
MAX_TEXT_CHARS = 100_000  # description and other long texts, and every string in extras
MAX_OUTCOME_CHARS = 5_000  # one learning outcome statement
MAX_LIST_ITEMS = 1_000  # outcomes, subjects, runs, languages ... per offer
# Before cleaning, a raw string may be this many times its field's limit (markup, entities, whitespace); beyond
# it the item is refused before any markup stripping or normalisation, so a 200 MB title costs almost nothing.
RAW_FACTOR = 10
MAX_RAW_CHARS = RAW_FACTOR * MAX_TEXT_CHARS  # any raw string, wherever it is in a parsed item
MAX_RAW_ITEM_CHARS = 2 * MAX_RAW_CHARS  # all raw strings of one parsed item together
MAX_RAW_DEPTH = 32  # nesting of lists and dicts in a parsed item (extras included)

Line = Annotated[str, Field(max_length=MAX_LINE_CHARS)]

ParticipationForm = Literal["online", "blended", "on-site"]
EctsFlag = Literal["given", "converted", "estimated"]
GivenOrInferred = Literal["given", "inferred"]
# The same values as tuples, generated from the Literals: the normaliser, the parsers' vocabularies and the
# warehouse's accepted-values check read these, so no copy of an enumeration can drift from the schema.
PARTICIPATION_FORMS: tuple[ParticipationForm, ...] = get_args(ParticipationForm)
ECTS_FLAGS: tuple[EctsFlag, ...] = get_args(EctsFlag)
EQF_FLAGS: tuple[GivenOrInferred, ...] = get_args(GivenOrInferred)


def form_vocabulary(words: dict[str, ParticipationForm | None]) -> dict[str, ParticipationForm | None]:
    """A source's words for the form of participation, each checked against `ParticipationForm` at import.

    Parsers keep their source's words; only the values they map to are ours, and a typo there fails loudly."""
    wrong = {w: v for w, v in words.items() if v is not None and v not in PARTICIPATION_FORMS}
    if wrong:
        raise ValueError(f"not a ParticipationForm {PARTICIPATION_FORMS}: {wrong}")
    return words


_LANG = re.compile(r"^[a-z]{2}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b", re.IGNORECASE)


def _strings_within(value: dict[str, Any], limit: int) -> bool:
    """True when no string in `value` (lists and dicts walked) is longer than `limit` characters; builds no paths."""
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if len(node) > limit:
                return False
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LearningOutcome(_Strict):
    """One short statement of what a learner knows or can do after the offer."""

    text: str = Field(
        min_length=1,
        max_length=MAX_OUTCOME_CHARS,
        description=f"The statement as published, plain text (at most {MAX_OUTCOME_CHARS:,} chars).",
    )
    lang: str | None = Field(None, description="ISO 639-1 language of `text`, when known.")
    text_en: str | None = Field(
        None,
        max_length=MAX_OUTCOME_CHARS,
        description="The source's own English version of the statement, when it publishes one.",
    )
    esco_uris: list[Line] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="ESCO skill URIs the source itself links to this outcome.",
    )


class Run(_Strict):
    """One scheduled presentation (cohort, session) of an offer."""

    run_id: str | None = Field(None, max_length=MAX_LINE_CHARS, description="The source's id of the run, if any.")
    start_date: date | None = Field(None, description="First day of the run (ISO 8601).")
    end_date: date | None = Field(None, description="Last day of the run (ISO 8601).")
    duration_weeks: float | None = Field(None, ge=0, description="Length of the run in weeks, as given.")
    schedule: str | None = Field(
        None, max_length=MAX_LINE_CHARS, description="Schedule or study period as named by the source."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Run:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"run ends ({self.end_date}) before it starts ({self.start_date})")
        return self


class Explanation(_Strict):
    """Why a normalised value is what it is: the raw field and value it came from and the rule applied."""

    field: str = Field(description="The normalised field, e.g. `ects`.")
    value: Any = Field(None, description="The normalised value.")
    raw_field: str | None = Field(None, description="The source field it was derived from.")
    raw_value: Any = Field(None, description="The source value as given.")
    rule: str = Field(description="Name of the rule that produced the value, e.g. `ects.from_hours`.")
    note: str | None = Field(None, description="Human-readable detail, e.g. `125 h / 25-30 h per ECTS`.")


class Provenance(_Strict):
    """Where a record came from, so every row can be traced to the response it was parsed from."""

    fetched_at: datetime = Field(description="When the raw response was fetched (UTC).")
    spider: str = Field(description="Name of the spider (or parser) that produced the record.")
    spider_version: str = Field(description="Version of that spider's code.")
    raw_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the raw response body.")
    source_url: str | None = Field(None, description="URL of the raw response.")
    mode: Literal["snapshot", "live", "file"] = Field(
        "file", description="How the response was obtained: bundled snapshot replay, live crawl or a local file."
    )


class Offer(_Strict):
    """A micro-credential or short-course offer, normalised to the MC Atlas schema."""

    schema_version: str = Field(SCHEMA_VERSION, description="Version of this schema the record follows.")
    source: str = Field(min_length=1, description="Registry name of the source (e.g. `dtu`, `futurelearn`).")
    source_id: str = Field(
        min_length=1, max_length=MAX_LINE_CHARS, description="The source's own stable id of the offer."
    )
    url: str | None = Field(None, description="Public page of the offer.")

    title: str = Field(
        min_length=1,
        max_length=MAX_TITLE_CHARS,
        description=f"Title, English where the source publishes one (at most {MAX_TITLE_CHARS:,} chars).",
    )
    title_lang: str | None = Field(None, description="ISO 639-1 language of `title`.")
    titles: dict[str, Annotated[str, Field(max_length=MAX_TITLE_CHARS)]] = Field(
        default_factory=dict,
        max_length=MAX_LIST_ITEMS,
        description="Every published title keyed by ISO 639-1 language.",
    )
    description: str | None = Field(
        None,
        max_length=MAX_TEXT_CHARS,
        description=f"Description as plain text (markup removed; at most {MAX_TEXT_CHARS:,} chars).",
    )

    provider: str | None = Field(None, max_length=MAX_LINE_CHARS, description="Awarding body / provider name.")
    provider_url: str | None = Field(None, description="Provider's web site.")
    platform: str | None = Field(
        None, max_length=MAX_LINE_CHARS, description="Platform or catalogue that lists the offer, if not the provider."
    )
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 country of the provider.")
    alliances: list[Line] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="University alliances the offer is tagged with (e.g. `EuroTeQ`).",
    )

    languages: list[str] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Teaching languages, ISO 639-1."
    )
    learning_outcomes: list[LearningOutcome] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Learning outcomes; empty when the source states none (never invented).",
    )

    workload_hours_min: float | None = Field(None, ge=0, description="Notional workload in hours, lower bound.")
    workload_hours_max: float | None = Field(None, ge=0, description="Notional workload in hours, upper bound.")
    workload_raw: str | None = Field(
        None, max_length=MAX_SHORT_TEXT_CHARS, description="Workload or effort exactly as the source gives it."
    )
    duration_weeks: float | None = Field(None, ge=0, description="Duration in weeks, as given or derived.")
    duration_raw: str | None = Field(
        None, max_length=MAX_SHORT_TEXT_CHARS, description="Duration exactly as the source gives it."
    )

    ects: float | None = Field(None, gt=0, le=240, description="ECTS credits.")
    ects_flag: EctsFlag | None = Field(
        None,
        description="`given` when the source states ECTS; `converted` from credits of a national system at its "
        "published rate (UK CATS / SCQF credit points, 2 per ECTS); `estimated` when derived from workload (25-30 h "
        "per ECTS) or marked as an estimate by the source. A given value that contradicts the source's own hours "
        "by more than a factor of 2 stays `given` with an `ects.conflicts_with_hours` explanation.",
    )
    eqf_level: int | None = Field(None, ge=1, le=8, description="European Qualifications Framework level.")
    eqf_flag: GivenOrInferred | None = Field(
        None,
        description="`given` when the source states the EQF level; `inferred` from an explicit signal: a national "
        "framework level mapped by its EQF referencing report (table qf_levels), a named qualification or cycle "
        "(Bachelor, Master, PhD). A stage of study alone (Undergraduate, Postgraduate) infers no level.",
    )
    level_raw: str | None = Field(
        None, max_length=MAX_LINE_CHARS, description="Level or difficulty as the source gives it."
    )

    assessment: str | None = Field(
        None, max_length=MAX_TEXT_CHARS, description="Type of assessment (exam form, graded assignments, ...)."
    )
    participation_form: ParticipationForm | None = Field(None, description="Form of participation.")
    participation_raw: str | None = Field(
        None, max_length=MAX_SHORT_TEXT_CHARS, description="Mode of study / location as the source gives it."
    )
    quality_assurance: str | None = Field(
        None, max_length=MAX_TEXT_CHARS, description="Type of quality assurance, e.g. accreditation."
    )
    prerequisites: str | None = Field(
        None, max_length=MAX_TEXT_CHARS, description="Entry requirements or recommended prior knowledge."
    )
    stackability: str | None = Field(
        None, max_length=MAX_TEXT_CHARS, description="How the offer stacks into larger credentials."
    )
    part_of: list[Line] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Ids of programmes / larger credentials this offer is part of.",
    )
    supervision_identity_check: str | None = Field(
        None,
        max_length=MAX_TEXT_CHARS,
        description="Supervision and identity verification during assessment, if stated.",
    )

    price_amount: float | None = Field(None, ge=0, description="Price as a number, in `price_currency`.")
    price_currency: str | None = Field(None, description="ISO 4217 currency of `price_amount`.")
    price_raw: str | None = Field(
        None, max_length=MAX_SHORT_TEXT_CHARS, description="Price exactly as the source gives it."
    )
    is_free: bool | None = Field(None, description="True when the offer can be taken at no cost.")
    price_eur: float | None = Field(
        None, ge=0, description="`price_amount` in EUR at the rates of the exchange-rate table dated `fx_date`."
    )
    fx_date: date | None = Field(None, description="Date of the exchange-rate table used for `price_eur`.")

    runs: list[Run] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Scheduled presentations of the offer."
    )
    subjects: list[Line] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Subject areas as the source names them."
    )
    isced_broad: list[str] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="ISCED-F 2013 broad fields (two-digit codes) of the source's subjects.",
    )
    certificate_type: str | None = Field(
        None, max_length=MAX_LINE_CHARS, description="Kind of certificate / credential awarded."
    )

    normaliser_version: str | None = Field(
        None, description="Version of the normalisation rules (models.normalise.NORMALISER_VERSION) applied."
    )
    input_hash: str | None = Field(
        None,
        description="SHA-256 of the parsed record before normalisation plus the normaliser version: "
        "a listing whose input is unchanged is not normalised again.",
    )
    explanations: list[Explanation] = Field(
        default_factory=list, description="How each normalised value was derived (raw field, value, rule)."
    )
    extras: dict[str, Any] = Field(
        default_factory=dict,
        description=f"Source-specific fields kept for analysts; no personal data (each string at most "
        f"{MAX_TEXT_CHARS:,} chars).",
    )
    provenance: Provenance = Field(description="Where and when the record was obtained.")

    @field_validator("title", "description", "provider", mode="after")
    @classmethod
    def _no_markup(cls, value: str | None) -> str | None:
        if value is not None and "<" in value and _SCRIPT_OR_STYLE.search(value):
            raise ValueError("contains script or style markup; clean it before validation")
        return value

    @field_validator("url", "provider_url", mode="after")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        """Published links must be absolute http(s): a `javascript:` or `file:` link in a catalogue is refused."""
        if value is not None and (problem := scheme_error(value)):
            raise ValueError(problem)
        return value

    @field_validator("extras", mode="after")
    @classmethod
    def _extras_urls(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Image and link URLs kept in extras (`image_url`, `photoUrl`, ...) carry no scheme but http(s)."""
        for key, found in value.items():
            if not is_url_key(key):
                continue
            for url in found if isinstance(found, list) else [found]:
                if isinstance(url, str) and (problem := scheme_error(url, relative_ok=True)):
                    raise ValueError(f"{key}: {problem}")
        return value

    @field_validator("extras", mode="after")
    @classmethod
    def _extras_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Extras have no schema of their own, so their strings get the long-text limit here."""
        if _strings_within(value, MAX_TEXT_CHARS):  # the common case: no path is built for any value
            return value
        stack: list[tuple[str, Any]] = [("", value)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, str) and len(node) > MAX_TEXT_CHARS:
                raise ValueError(
                    f"{where or 'value'} has {len(node):,} characters, over the limit of {MAX_TEXT_CHARS:,}"
                )
            if isinstance(node, dict):
                stack.extend((f"{where}.{k}".lstrip("."), v) for k, v in node.items())
            elif isinstance(node, list):
                stack.extend((f"{where}[{i}]", v) for i, v in enumerate(node))
        return value

    @field_validator("languages", mode="after")
    @classmethod
    def _iso639(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not _LANG.match(v)]
        if bad:
            raise ValueError(f"not ISO 639-1 language codes: {bad}")
        return list(dict.fromkeys(value))

    @field_validator("title_lang")
    @classmethod
    def _iso639_one(cls, value: str | None) -> str | None:
        if value is not None and not _LANG.match(value):
            raise ValueError(f"not an ISO 639-1 language code: {value!r}")
        return value

    @field_validator("country")
    @classmethod
    def _iso3166(cls, value: str | None) -> str | None:
        if value is not None and not _COUNTRY.match(value):
            raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {value!r}")
        return value

    @field_validator("price_currency")
    @classmethod
    def _iso4217(cls, value: str | None) -> str | None:
        if value is not None and not _CURRENCY.match(value):
            raise ValueError(f"not an ISO 4217 currency code: {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Offer:
        lo, hi = self.workload_hours_min, self.workload_hours_max
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"workload max {hi} h is below min {lo} h")
        if (self.ects is None) != (self.ects_flag is None):
            raise ValueError("ects and ects_flag must be set together")
        if (self.eqf_level is None) != (self.eqf_flag is None):
            raise ValueError("eqf_level and eqf_flag must be set together")
        if self.price_amount is not None and self.price_currency is None and self.price_amount != 0:
            raise ValueError("price_amount without price_currency")
        return self

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.source_id)


def offer_json_schema() -> dict[str, Any]:
    """JSON Schema of `Offer`, as committed in `models/offer.schema.json`."""
    schema = Offer.model_json_schema()
    schema["$id"] = f"https://mcatlas.eu/schema/offer/{SCHEMA_VERSION}"
    schema["title"] = "MC Atlas micro-credential offer"
    return schema
