"""Not normalising again what did not change: a parsed record's `input_hash` and the records of a previous run.

`input_hash` is the SHA-256 of the parsed record (provenance excluded) together with `NORMALISER_VERSION`. A
harvest that finds a record whose input hash it normalised before (in the previous run's landed offers) reuses
that normalised record instead of running clean -> normalise -> validate again; bumping the version invalidates
every stored hash, so changed rules always re-normalise everything.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models.normalise import NORMALISER_VERSION

_SKIP = ("provenance", "record_hash", "input_hash")


def input_hash(item: dict[str, Any]) -> str:
    """SHA-256 of a parsed record before normalisation, with the normaliser version."""
    body = {k: v for k, v in item.items() if k not in _SKIP}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{NORMALISER_VERSION}\n{text}".encode()).hexdigest()


class PreviousRecords:
    """input_hash -> the landed JSON line of the record normalised from that input."""

    def __init__(self, lines: dict[str, str] | None = None) -> None:
        self.lines: dict[str, str] = lines or {}

    @classmethod
    def from_offer_files(cls, files: Iterable[Path]) -> PreviousRecords:
        out: dict[str, str] = {}
        for path in files:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    key = _hash_of_line(line)
                    if key:
                        out[key] = line.rstrip("\n")
        return cls(out)

    def get(self, key: str) -> str | None:
        return self.lines.get(key)

    def __len__(self) -> int:
        return len(self.lines)


def _hash_of_line(line: str) -> str | None:
    """The input_hash of a landed line without decoding the whole record."""
    i = line.find('"input_hash": "')
    if i == -1:
        i = line.find('"input_hash":"')
        if i == -1:
            return None
        i += len('"input_hash":"')
    else:
        i += len('"input_hash": "')
    key = line[i:i + 64]
    return key if len(key) == 64 else None


def process_or_reuse(item: dict[str, Any], previous: PreviousRecords | None,
                     stats: Counter[str]) -> tuple[str | None, str | None]:
    """(landed JSON line, reject reason) for one parsed item: reused when its input is unchanged, else processed."""
    from scrapers.landing import record_hash
    from scrapers.processing import RejectItem, process

    key = input_hash(item)
    if previous is not None:
        line = previous.get(key)
        if line is not None:
            stats["reused"] += 1
            return line, None
    try:
        offer = process(item)
    except RejectItem as exc:
        stats["rejected"] += 1
        return None, str(exc)
    stats["normalised"] += 1
    record = offer.model_dump(mode="json")
    record["input_hash"] = key
    record["record_hash"] = record_hash(record)
    return json.dumps(record, ensure_ascii=False), None
