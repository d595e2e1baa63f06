"""The item chain: every parsed item of a crawl, of `mcatlas parse`, of the tests and of the benchmark goes through
`ItemChain`, so the figures the benchmark publishes and the records `mcatlas parse` prints are what a crawl lands.

    check_raw_size -> input_hash -> reuse | (clean -> normalise -> validate) -> check -> land

* `check_raw_size` refuses an oversized item before anything reads it whole (hashing included).
* `reuse`: an input the previous landing run already normalised (same `input_hash`, which carries the normaliser
  version) gets that run's landed line back with this crawl's provenance; nothing is cleaned or validated again.
* `process` (scrapers/processing.py) runs clean -> normalise -> validate on a new input.
* `check` counts the standard elements a record lacks (`missing_field/*`) and valid offers (`offers/valid`).
* `land` writes the landing line once per source id and run (`offers/duplicate_in_run` otherwise).
* `reject` is the one way out for a record that cannot land: `rejects/<field>` counted, the reason and a
  shortened raw copy landed. The spider sends the parser's own rejects through it as well.

Counters go to any `Stats` (Scrapy's stats collector, or a `Tally`), lines and rejects to any `Sink` (a
`LandingRun`, or a `StreamSink` for `mcatlas parse`).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, Protocol

import orjson

from models.landing import landed_line
from models.normalise.reuse import input_hash
from scrapers.landing import LandingRun
from scrapers.processing import NormalisationFailed, RejectItem, check_raw_size, missing_fields, process, shortened
from scrapers.reuse import PreviousRecords, with_provenance

OFFERS = "offers.jsonl"


class Stats(Protocol):
    """What the chain counts into: Scrapy's StatsCollector has this method, `Tally` too."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...


class Sink(Protocol):
    """Where landed lines and rejects go: `LandingRun` writes the landing files, `StreamSink` prints them."""

    def write_line(self, name: str, line: bytes) -> None: ...

    def write_reject(self, source_id: str | None, reason: str, raw: Any, url: str | None = None) -> None: ...


class Tally(Counter[str]):
    """A Counter that takes Scrapy's `inc_value` calls: the stats of a chain run outside a crawl."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count


class NullSink:
    """Keeps nothing: for callers that only want the outcomes (tests, dry runs)."""

    def write_line(self, name: str, line: bytes) -> None:
        return None

    def write_reject(self, source_id: str | None, reason: str, raw: Any, url: str | None = None) -> None:
        return None


class StreamSink:
    """`mcatlas parse`: landed lines on `out`, one `reject <id>: <reason>` line per reject on `err`."""

    def __init__(self, out: IO[bytes] | None = None, err: IO[str] | None = None) -> None:
        self.out = out if out is not None else sys.stdout.buffer
        self.err = err if err is not None else sys.stderr

    def write_line(self, name: str, line: bytes) -> None:
        if name == OFFERS:
            self.out.write(line)
            self.out.flush()

    def write_reject(self, source_id: str | None, reason: str, raw: Any, url: str | None = None) -> None:
        self.err.write(f"reject {source_id or '?'}: {reason}\n")
        self.err.flush()


@dataclass(slots=True)
class Outcome:
    """What became of one item: landed (`line`, `record`), a duplicate within the run (`record`, no line), or
    rejected (`reason`)."""

    record: dict[str, Any] | None = None
    line: bytes | None = None
    reason: str | None = None
    reused: bool = False


class ItemChain:
    """One crawl's (or one file's) chain: the previous run's records, the stats counter and the landing sink."""

    def __init__(
        self,
        stats: Stats | None = None,
        sink: Sink | None = None,
        previous: PreviousRecords | Callable[[], PreviousRecords] | None = None,
    ) -> None:
        self.stats: Stats = stats if stats is not None else Tally()
        self.sink: Sink = sink if sink is not None else NullSink()
        self._previous = previous
        self.seen: set[str | None] = set()  # source ids landed this run (a checked record always has one)

    @classmethod
    def for_landing(cls, landing: LandingRun, stats: Stats) -> ItemChain:
        """A crawl's chain: lands into `landing`, reuses the source's latest finished run before it."""
        return cls(
            stats,
            landing,
            previous=lambda: PreviousRecords.latest_before(landing.dir.parent.parent, landing.source, landing.run_id),
        )

    @property
    def previous(self) -> PreviousRecords | None:
        """Loaded on first use: a crawl that lands nothing never reads the previous run."""
        if callable(self._previous):
            self._previous = self._previous()
        return self._previous

    # ---- the chain ----------------------------------------------------------------------------------------------
    def __call__(self, item: dict[str, Any]) -> Outcome:
        """Run one parsed item (with `source` and `provenance` set) through the chain; never raises RejectItem."""
        try:
            check_raw_size(item)  # before hashing: an oversized item is refused without being serialised
            key = input_hash(item)
            outcome = self.reuse(item, key) or self.normalise(item, key)
        except NormalisationFailed as exc:
            self.stats.inc_value("errors/normalisation_failed")  # a bug, not bad data: the run is not `ok`
            return self.reject_item(item, str(exc))
        except RejectItem as exc:
            return self.reject_item(item, str(exc))
        self.check(outcome.record)
        return self.land(outcome)

    def reuse(self, item: dict[str, Any], key: str) -> Outcome | None:
        """The previous run's record for an unchanged input, with this item's provenance; None when there is none."""
        previous = self.previous
        line = previous.get(key) if previous is not None else None
        if line is None:
            return None
        self.stats.inc_value("normalise/reused")
        line = with_provenance(line, item.get("provenance"))
        return Outcome(record=orjson.loads(line), line=line, reused=True)

    def normalise(self, item: dict[str, Any], key: str) -> Outcome:
        """clean -> normalise -> validate on an input not seen before; raises RejectItem."""
        self.stats.inc_value("normalise/normalised")
        record = process(item, size_checked=True).model_dump(mode="json")
        record["input_hash"] = key
        line, record["record_hash"] = landed_line(record)
        return Outcome(record=record, line=line)

    def check(self, record: dict[str, Any] | None) -> None:
        """Counts the standard elements the record lacks; never drops it."""
        for name in missing_fields(record or {}):
            self.stats.inc_value(f"missing_field/{name}")
        self.stats.inc_value("offers/valid")

    def land(self, outcome: Outcome) -> Outcome:
        """Writes the line once per source id and run; a repeated source id is counted and not landed again."""
        sid = (outcome.record or {}).get("source_id")
        if sid in self.seen:
            self.stats.inc_value("offers/duplicate_in_run")
            outcome.line = None
            return outcome
        self.seen.add(sid)
        if outcome.line is not None:
            self.sink.write_line(OFFERS, outcome.line)
        return outcome

    # ---- rejects --------------------------------------------------------------------------------------------------
    def reject_item(self, item: dict[str, Any], reason: str) -> Outcome:
        """An item that cannot land: counted and landed with a shortened raw copy (no 2 MB title in rejects)."""
        raw = shortened({k: v for k, v in item.items() if k != "provenance"})  # fetch time would make it new each run
        sid = item.get("source_id")
        self.reject(
            shortened(sid if isinstance(sid, str) or sid is None else str(sid)),
            reason,
            raw,
            url=shortened(item.get("url")) if isinstance(item.get("url"), str) else None,
        )
        return Outcome(reason=reason)

    def reject(self, source_id: str | None, reason: str, raw: Any, url: str | None = None) -> None:
        """Every reject, the parser's and the chain's: `rejects/<field>` counted, the reason landed."""
        self.stats.inc_value(f"rejects/{reason.split(':')[0]}")
        self.sink.write_reject(source_id, reason, raw, url=url)
