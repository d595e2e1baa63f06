"""Entity resolution across sources: the same course on its platform, in its university's catalogue, on
aggregators and in Europass becomes one cluster. A step of its own after normalisation: it compares offers across
sources, where the rules in models/normalise each see one record.

1. Blocking: candidate pairs only within blocks sharing the normalised title, or the provider's key plus the
   title's first two significant words. Blocks larger than `MAX_BLOCK` are skipped (a generic title such as
   'Introduction' is no evidence) and counted.
2. Similarity per candidate pair from different sources: title (token-sort ratio), provider (token-set ratio or a
   shared acronym), URL (same canonical URL), outcomes (overlap of statement keys) and workload (given ECTS, else
   notional hours), as a weighted mean over the components both records have.
3. Linking: score >= `LINK_SCORE` with title >= `MIN_TITLE` and a provider that does not contradict; clusters are
   the connected components (union-find, strongest links first, never two listings of one source in a cluster).
   A cluster's id is derived from its smallest member key, so it stays the same across runs while that member
   stays. Each member records the link that joined it and why.

Records of the same source are never linked to each other: a source's own ids are its identity.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from rapidfuzz import fuzz

MAX_BLOCK = 200
LINK_SCORE = 0.85
MIN_TITLE = 0.85
MIN_PROVIDER = 0.6
WEIGHTS = {"title": 0.45, "provider": 0.25, "outcomes": 0.15, "workload": 0.05, "url": 0.05}
# Which listing wins a field in the merged best record: the provider's own catalogue over a platform over an
# aggregator (registry source types, scrapers/registry.py).
SOURCE_TYPE_PRECEDENCE = {
    "university_catalogue": 1,
    "alliance_catalogue": 2,
    "xcri_cap_feed": 2,
    "configured_pages": 2,
    "schema_org_pages": 2,
    "mooc_platform": 3,
    "mooc_aggregator": 4,
    "elm_feed": 4,
}

_STOP = frozenset(
    "a an the of and in on for to with from by at into your you og i for til med der die das und für mit von zu "
    "le la les de des du et pour en au aux un une course kursus kurs cours mooc online".split()
)
_PROVIDER_STOP = frozenset(
    "university universitet universität universite université universidad universita università of the and "
    "technical technische teknisk tekniske danmarks institute institut school college ltd inc gmbh".split()
)
_NON_WORD = re.compile(r"[^\w]+")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)|\b([A-Z]{2,6})\b")
_CODE = re.compile(r"\(\s*[\w.+-]*\d[\w.+-]*\s*\)|\b[0-9]{5}\b")


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Lower-case ASCII-folded words ('Université' -> 'universite'), punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_ish = "".join(c for c in decomposed if not unicodedata.combining(c)) if not text.isascii() else decomposed
    return " ".join(_NON_WORD.sub(" ", ascii_ish).split())


@lru_cache(maxsize=1 << 18)
def title_key(title: str) -> str:
    """Normalised title for blocking and comparison: folded, course codes and stop words removed."""
    words = [w for w in fold(_CODE.sub(" ", title)).split() if w not in _STOP]
    return " ".join(words)


@lru_cache(maxsize=1 << 16)
def provider_key(provider: str) -> tuple[str, frozenset[str]]:
    """(blocking key, acronyms) of a provider name: 'Technical University of Denmark (DTU)' -> ('denmark', {'dtu'})."""
    acronyms = {fold(a or b) for a, b in _ACRONYM.findall(provider)}
    words = [w for w in fold(re.sub(r"\([^)]*\)", " ", provider)).split() if w not in _PROVIDER_STOP]
    if not words and acronyms:
        words = sorted(acronyms)
    initials = "".join(w[0] for w in fold(provider).split() if w not in ("of", "the", "and"))
    if 2 <= len(initials) <= 6:
        acronyms.add(initials)
    return (words[0] if words else ""), frozenset(acronyms)


@lru_cache(maxsize=1 << 16)
def _provider_words(provider: str) -> str:
    """The distinctive words of a provider name ('University of Leeds' -> 'leeds'), for comparison."""
    words = [w for w in fold(re.sub(r"\([^)]*\)", " ", provider)).split() if w not in _PROVIDER_STOP]
    return " ".join(words) or fold(provider)


def canonical_url(url: str | None) -> str | None:
    """Host without www and path without trailing slash or query: equal for the same page."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower() if host else None


@dataclass(slots=True)
class Listing:
    """What entity resolution needs of one offer."""

    source: str
    source_id: str
    title: str
    provider: str | None = None
    url: str | None = None
    outcomes: frozenset[str] = frozenset()
    ects: float | None = None  # given ECTS only
    hours: tuple[float, float] | None = None
    tkey: str = field(init=False, default="")
    pkey: str = field(init=False, default="")
    acronyms: frozenset[str] = field(init=False, default=frozenset())
    ukey: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.tkey = title_key(self.title or "")
        self.pkey, self.acronyms = provider_key(self.provider) if self.provider else ("", frozenset())
        self.ukey = canonical_url(self.url)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"


@dataclass(frozen=True, slots=True)
class Link:
    a: int
    b: int
    score: float
    reason: str


def _provider_sim(a: Listing, b: Listing) -> tuple[float | None, str]:
    if not a.provider or not b.provider:
        return None, ""
    if a.acronyms & b.acronyms:
        return 1.0, f"provider shares acronym {sorted(a.acronyms & b.acronyms)[0].upper()}"
    sim = fuzz.token_set_ratio(_provider_words(a.provider), _provider_words(b.provider)) / 100
    return sim, f"provider {sim:.2f}"


def _workload_sim(a: Listing, b: Listing) -> tuple[float | None, str]:
    if a.ects and b.ects:
        sim = min(a.ects, b.ects) / max(a.ects, b.ects)
        return sim, f"ECTS {a.ects:g}/{b.ects:g}"
    if a.hours and b.hours:
        ma, mb = sum(a.hours) / 2, sum(b.hours) / 2
        sim = min(ma, mb) / max(ma, mb) if max(ma, mb) > 0 else 1.0
        return sim, f"hours {ma:g}/{mb:g}"
    return None, ""


def similarity(a: Listing, b: Listing) -> tuple[float, float, str]:
    """(score, title similarity, reason) of two listings; see the module docstring for the components."""
    title = fuzz.token_sort_ratio(a.tkey, b.tkey) / 100 if a.tkey and b.tkey else 0.0
    parts: list[tuple[str, float]] = [("title", title)]
    reasons = [f"title {title:.2f}"]
    prov, why = _provider_sim(a, b)
    if prov is not None:
        parts.append(("provider", prov))
        reasons.append(why)
    if a.outcomes and b.outcomes:  # overlap coefficient: an aggregator often lists a subset of the outcomes
        overlap = len(a.outcomes & b.outcomes) / min(len(a.outcomes), len(b.outcomes))
        parts.append(("outcomes", overlap))
        reasons.append(f"outcomes {overlap:.2f}")
    work, why = _workload_sim(a, b)
    if work is not None:
        parts.append(("workload", work))
        reasons.append(why)
    same_url = bool(a.ukey and a.ukey == b.ukey)
    if same_url:
        parts.append(("url", 1.0))
        reasons.append("same URL")
    total = sum(WEIGHTS[k] for k, _ in parts)
    score = sum(WEIGHTS[k] * v for k, v in parts) / total
    if same_url:
        score = max(score, 0.95)
    return round(score, 4), title, ", ".join(reasons)


def _blocks(listings: Sequence[Listing]) -> Iterable[list[int]]:
    by_title: dict[str, list[int]] = defaultdict(list)
    by_provider: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_url: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(listings):
        if rec.tkey:
            by_title[rec.tkey].append(i)
            words = rec.tkey.split()[:2]
            for p in ({rec.pkey} | set(rec.acronyms)) - {""}:
                by_provider[(p, " ".join(words))].append(i)
        if rec.ukey:
            by_url[rec.ukey].append(i)
    yield from by_title.values()
    yield from by_provider.values()
    yield from by_url.values()


@dataclass(slots=True)
class Result:
    """Cluster membership of every listing, plus counters for the run."""

    rows: list[dict[str, Any]]
    pairs_compared: int
    links: int
    blocks_skipped: int


class _Clusters:
    """Union-find over listing positions that refuses to join two clusters sharing a source."""

    def __init__(self, listings: Sequence[Listing]) -> None:
        self.parent = list(range(len(listings)))
        self.sources: dict[int, set[str]] = {i: {rec.source} for i, rec in enumerate(listings)}

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, a: int, b: int) -> bool:
        """Merge the clusters of a and b; False when they are one already or would hold one source twice."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.sources[ra] & self.sources[rb]:
            return False
        self.parent[ra] = rb
        self.sources[rb] |= self.sources.pop(ra)
        return True

    def members(self) -> list[list[int]]:
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            groups[self.find(i)].append(i)
        return list(groups.values())


def _candidate_links(listings: Sequence[Listing]) -> tuple[list[Link], int, int]:
    """(links passing the thresholds, pairs compared, blocks skipped as too large): blocking plus similarity."""
    candidates: list[Link] = []
    seen: set[tuple[int, int]] = set()
    compared = skipped = 0
    for block in _blocks(listings):
        if len(block) < 2:
            continue
        if len(block) > MAX_BLOCK:
            skipped += 1
            continue
        if len({listings[i].source for i in block}) < 2:
            continue
        for x in range(len(block)):
            a = block[x]
            for b in block[x + 1 :]:
                ra, rb = listings[a], listings[b]
                if ra.source == rb.source:
                    continue
                pair = (a, b) if a < b else (b, a)
                if pair in seen:
                    continue
                seen.add(pair)
                compared += 1
                score, title, reason = similarity(ra, rb)
                prov, _ = _provider_sim(ra, rb)
                if score < LINK_SCORE or title < MIN_TITLE or (prov is not None and prov < MIN_PROVIDER):
                    continue
                candidates.append(Link(pair[0], pair[1], score, reason))
    return candidates, compared, skipped


def _cluster_rows(listings: Sequence[Listing], groups: list[list[int]], best: dict[int, Link]) -> list[dict[str, Any]]:
    """One row per listing: its cluster (id from the smallest member key, stable across runs) and the link that
    joined it."""
    rows = []
    for group in groups:
        keys = sorted(listings[i].key for i in group)
        cluster_id = "mc-" + hashlib.sha1(keys[0].encode()).hexdigest()[:16]
        for i in group:
            rec, link = listings[i], best.get(i)
            other = None if link is None else listings[link.b if link.a == i else link.a]
            rows.append(
                {
                    "cluster_id": cluster_id,
                    "source": rec.source,
                    "source_id": rec.source_id,
                    "cluster_size": len(group),
                    "linked_to_source": other.source if other else None,
                    "linked_to_source_id": other.source_id if other else None,
                    "similarity": link.score if link else None,
                    "link_reason": f"matches {other.key}: {link.reason}"
                    if link and other
                    else "no match in other sources",
                }
            )
    return rows


def resolve(listings: Sequence[Listing]) -> Result:
    """Cluster listings; every listing gets one row (singletons included)."""
    candidates, compared, skipped = _candidate_links(listings)
    # Strongest links first; a link that would put two listings of one source in a cluster is refused, so a
    # chain of near matches cannot merge two different courses of the same catalogue.
    candidates.sort(key=lambda k: (-k.score, *sorted((listings[k.a].key, listings[k.b].key))))
    clusters = _Clusters(listings)
    best: dict[int, Link] = {}
    linked = 0
    for link in candidates:
        if not clusters.join(link.a, link.b):
            continue
        linked += 1
        for i in (link.a, link.b):
            best.setdefault(i, link)
    return Result(
        rows=_cluster_rows(listings, clusters.members(), best),
        pairs_compared=compared,
        links=linked,
        blocks_skipped=skipped,
    )


def listing_from_row(row: dict[str, Any], outcomes: Iterable[str] = ()) -> Listing:
    """A Listing from an `offers` row (dict) and its outcome texts."""
    from models.normalise.outcomes import statement_key

    lo, hi = row.get("workload_hours_min"), row.get("workload_hours_max")
    ects = row.get("ects") if row.get("ects_flag", "given") == "given" else None  # estimates are not evidence
    return Listing(
        source=row["source"],
        source_id=row["source_id"],
        title=row.get("title") or "",
        provider=row.get("provider"),
        url=row.get("url"),
        outcomes=frozenset(statement_key(t) for t in outcomes if t),
        ects=ects,
        hours=(lo, hi if hi is not None else lo) if lo is not None else None,
    )
