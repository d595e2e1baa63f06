"""Small helpers shared by the MOOC platform parsers: JSON records, paging, URLs, outcomes, durations.

They exist so each platform parser stays a short mapping from the platform's fields to `Offer` fields, and so
every parser treats bad input the same way (a wrong shape is a `ParseError`, a bad record a `Reject`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from models.normalise.outcomes import extract_outcomes
from scrapers.parsers.base import Page, Reject, guard_record

_ISO_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def text(value: Any) -> str | None:
    """A non-empty stripped string, or None (numbers become strings; anything else is not text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def as_list(value: Any) -> list[Any]:
    """Sources send one value or a list interchangeably; always work on a list."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def as_dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: a field that is sometimes a string or a list."""
    return value if isinstance(value, dict) else {}


def dig(data: Any, *path: str | int) -> Any:
    """`data[a][b]...`, or None as soon as a step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and -len(data) <= step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    return data


def names(values: Any, key: str = "name") -> list[str]:
    """Names out of a list of strings or `{key: ...}` objects (subjects, topics, owners)."""
    out = []
    for value in as_list(values):
        name = text(value.get(key)) if isinstance(value, dict) else text(value)
        if name:
            out.append(name)
    return list(dict.fromkeys(out))


def absolute(url: Any, base: str) -> str | None:
    """An absolute http(s) URL; relative paths are resolved against the platform's site, not the file read."""
    url = text(url)
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    joined = urljoin(base, url)
    return joined if joined.startswith(("http://", "https://")) else None


def strip_tracking(url: str | None) -> str | None:
    """Drop utm_* and other campaign parameters so the URL is a stable identifier of the listing."""
    if not url:
        return None
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(("utm_", "campaign")) and k.lower() not in ("ref", "source")
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def with_query(url: str, **params: Any) -> str:
    """The same URL with some query parameters replaced (Coursera's `start=`, page numbers)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({k: str(v) for k, v in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",:()"), parts.fragment))


def query_int(url: str, name: str) -> int | None:
    """The URL's first `name` query parameter as a whole number; None where it is missing or no number."""
    values = parse_qs(urlsplit(url).query).get(name)
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None


def next_link(current: str, link: Any) -> str | None:
    """The next page's absolute URL, or None when there is none or it would loop back to this page."""
    link = text(link)
    if not link:
        return None
    nxt = urljoin(current, link)
    if not nxt.startswith(("http://", "https://")) or nxt.rstrip("/") == current.rstrip("/"):
        return None
    return nxt


def outcomes(
    structured: Iterable[Any] | None, description: str | None, lang: str | None = None
) -> list[dict[str, Any]]:
    """Structured outcome statements where the source has them, else cued bullet lists; never invented."""
    found = [t for t in (text(v) for v in as_list(structured)) if t]
    if not found:
        found = extract_outcomes(description)
    return [{"text": t, "lang": lang} if lang else {"text": t} for t in dict.fromkeys(found)]


def iso_duration_weeks(value: Any) -> float | None:
    """ISO 8601 durations (`P6W`, `P2M`, `P10D`, `PT40H`) as weeks; None when it is not one."""
    value = text(value)
    m = _ISO_DURATION.match(value or "")
    if not value or not m or value in ("P", "PT"):
        return None
    parts = {k: float(v) for k, v in m.groupdict().items() if v}
    weeks = (
        parts.get("y", 0) * 52.14
        + parts.get("mo", 0) * 4.345
        + parts.get("w", 0)
        + parts.get("d", 0) / 7
        + parts.get("h", 0) / 168
        + parts.get("mi", 0) / 10080
    )
    return round(weeks, 2) if weeks else None


def to_date(value: Any) -> str | None:
    """ISO date from an ISO timestamp, a date, or epoch seconds / milliseconds; None when unreadable."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    raw = str(value).strip()
    try:
        return date.fromisoformat(raw[:10]).isoformat()
    except ValueError:
        return None


def run(
    run_id: Any = None, start: Any = None, end: Any = None, weeks: Any = None, schedule: Any = None
) -> dict[str, Any]:
    """One `Run`; an end before the start is dropped rather than failing the whole offer."""
    start_date, end_date = to_date(start), to_date(end)
    if start_date and end_date and end_date < start_date:
        end_date = None
    out = {
        "run_id": text(run_id),
        "start_date": start_date,
        "end_date": end_date,
        "duration_weeks": weeks if isinstance(weeks, int | float) and not isinstance(weeks, bool) else None,
        "schedule": text(schedule),
    }
    return {k: v for k, v in out.items() if v is not None}


def parse_records(
    page: Page,
    source: str,
    records: Iterable[Any],
    make: Callable[[dict[str, Any]], Any],
    id_of: Callable[[dict[str, Any]], Any],
    screen: Callable[[dict[str, Any]], str | None] | None = None,
) -> Page:
    """Map each record to an item; a record that is not an object, lacks an id, repeats one or fails to map
    (any exception, see `guard_record`) is rejected, and the others still yield. `screen` (e.g. `not_an_offer`)
    names why a mapped item is no offer at all; such an item becomes a `not_an_offer: <why>` reject."""
    seen: set[str] = set()
    for record in records:
        if not isinstance(record, dict):
            page.rejects.append(Reject(source, None, "record: not a JSON object", record))
            continue
        before = len(page.rejects)
        sid = text(guard_record(page, source, None, partial(id_of, record), record))
        if len(page.rejects) > before:
            continue
        if not sid:
            page.rejects.append(Reject(source, None, "source_id: missing", record))
            continue
        if sid in seen:
            page.rejects.append(Reject(source, sid, "source_id: duplicate in one response", None))
            continue
        seen.add(sid)
        item = guard_record(page, source, sid, partial(make, record), record)
        if item is None:
            continue
        why = screen(item) if screen is not None else None
        if why:
            page.rejects.append(Reject(source, sid, f"not_an_offer: {why}", record))
            continue
        item.setdefault("source_id", sid)
        page.items.append(item)
    return page


def keep_unique(
    page: Page,
    source: str,
    item: dict[str, Any] | None,
    seen: set[str],
    duplicate: str,
    missing_language: str,
    key: str | None = None,
) -> None:
    """Adds a mapped document record's item to the page (None: rejected while mapping, see `guard_record`), unless
    its key (its `source_id` unless given) was kept from the document already: that is a `source_id: <duplicate>`
    reject. An item without languages is counted under `missing_language`."""
    if item is None:
        return
    sid = item["source_id"]
    key = sid if key is None else key
    if key in seen:
        page.rejects.append(Reject(source, sid, f"source_id: {duplicate}"))
        return
    seen.add(key)
    if not item["languages"]:
        page.stats[missing_language] = page.stats.get(missing_language, 0) + 1
    page.items.append(item)


def note_empty(page: Page, expected: bool) -> Page:
    """An empty result list where the document promised results is an error the run status must show."""
    if not page.items and not page.rejects:
        page.stats["errors/empty_results" if expected else "paging/no_results"] = 1
    return page


def list_items(markup: Any) -> list[str]:
    """The items of the lists in a field that *is* an outcome list (edX `outcome`, "what you'll learn")."""
    value = text(markup)
    if not value:
        return []
    if re.search(r"<li\b", value, re.IGNORECASE):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(value, "lxml")
        found = [" ".join(li.get_text(" ").split()) for li in soup.find_all("li") if li.find_parent("li") is None]
    else:
        found = [m.group(1) for m in re.finditer(r"(?m)^\s*(?:[-*•]|\d{1,2}[.)])\s+(.+)$", value)]
    return [f for f in (x.strip(" ;,.") for x in found) if 3 <= len(f) <= 600]


# ---- what a response holds besides offers: skipped arrays, programmes, entries that are no offers ---------------

SKIPPED = "items/skipped/"


def skip(page: Page, reason: str, count: int = 1) -> Page:
    """Count records a parser saw and did not read as offers: `items/skipped/<why>/<where>` in the crawl stats
    (the spider adds a page's stats to the crawl's; `mcatlas parse` prints them on one stderr line)."""
    if count > 0:
        page.stats[SKIPPED + reason] = page.stats.get(SKIPPED + reason, 0) + count
    return page


def skip_arrays(
    page: Page, data: Any, parsed: Iterable[str], reasons: dict[str, str] | None = None, where: str = ""
) -> Page:
    """Every non-empty array of the object `data` that was not read for offers is counted as skipped, with a reason
    (`reasons[key]`, else `unrecognised_array`): a catalogue that also lists degrees or tracks beside its courses
    never loses them silently."""
    if not isinstance(data, dict):
        return page
    done = set(parsed)
    for key, value in data.items():
        if key in done or not isinstance(value, list) or not value:
            continue
        skip(page, f"{(reasons or {}).get(str(key), 'unrecognised_array')}/{where}{key}", len(value))
    return page


def skipped_summary(stats: dict[str, int]) -> str | None:
    """One line naming what a response held besides its offers and why it was skipped; None when nothing was."""
    found = sorted((k[len(SKIPPED) :], v) for k, v in stats.items() if k.startswith(SKIPPED) and v)
    if not found:
        return None
    parts = [
        f"{count} in {where} ({why})" if where else f"{count} ({why})"
        for what, count in found
        for why, _, where in [what.partition("/")]
    ]
    return f"skipped {sum(v for _, v in found)} records not read as offers: " + ", ".join(parts)


def member(id_: Any = None, title: Any = None, url: Any = None) -> dict[str, str]:
    """One member course of a programme, as far as the source names it (id, title, URL)."""
    out = {"id": text(id_), "title": text(title), "url": text(url)}
    return {k: v for k, v in out.items() if v}


def programme(item: dict[str, Any], kind: str, members: list[dict[str, str]], noun: str = "courses") -> dict[str, Any]:
    """Mark a mapped item as a programme offer (not a course): `extras.offer_type = "programme"`, its kind and the
    member courses it stacks (`extras.member_courses`, id / title / URL each where given), and a `stackability`
    sentence listing them unless the parser wrote a better one. The schema has no offer-type field; extras does."""
    members = [m for m in members if m]
    if not item.get("stackability") and members:
        listed = "; ".join(m.get("title") or m.get("id") or m.get("url") or "" for m in members)
        item["stackability"] = f"{kind} of {len(members)} {noun}: {listed}"
    extras = item.setdefault("extras", {})
    extras.update({"offer_type": "programme", "programme_kind": kind, "member_courses": members})
    return item


_PROCTORED = re.compile(r"\bproctored\b.{0,40}\bexam|\bexam\b.{0,40}\bproctored\b")
_EXAM_ONLY = re.compile(r"(?:^|[-–—:|(]\s*)(?:proctored\s+)?(?:final\s+)?exam(?:ination)?s?\s*\)?$")
_PLACEHOLDER = re.compile(
    r"^[\W_]+$"
    r"|^[\W_]*(?:test|testing|tests|dummy|placeholder|sample|example|demo|sandbox|delete|deleted|tbd|tba|todo|"
    r"untitled|no title|none|null|n/?a|x+|asdf\w*|qwerty|foo|foobar|lorem ipsum.*)[\W_\d]*$"
    r"|^[\W_]*(?:test|dummy|placeholder|demo|sandbox|fake)[\s_-]+(?:course|program|programme|offering|listing|"
    r"entry|record|page)\b"
    r"|^(?:[\w.]+ )?demo(?:nstration)? course\b"
    r"|\b(?:do not (?:use|publish|enrol+|register|buy|purchase)|don.?t (?:use|publish|enrol+)|please ignore|"
    r"ignore (?:me|this)|to be deleted|delete me|not for (?:public|production)|for testing (?:purposes|only)|"
    r"testing only|test only|internal test)\b"
    r"|^[\[(]\s*(?:delete|deleted|test|draft|do not use|dnu)\s*[\])]"
    r"|^(?:delete|deleted|dnu|zz+|xx+)\s*[-–:|]"
)


def not_an_offer(item: dict[str, Any]) -> str | None:
    """Why a mapped listing is no offer at all (a proctored-exam entry, an exam-only entry, a placeholder or test
    record), or None. A missing title is the chain's own reject (`title: missing`), not decided here."""
    title = text(item.get("title"))
    if not title:
        return None
    low = " ".join(title.lower().split())
    if _PROCTORED.search(low):
        return "proctored exam entry"
    if _EXAM_ONLY.search(low):
        return "exam-only entry"
    if _PLACEHOLDER.search(low):
        return "placeholder or test entry"
    return None
