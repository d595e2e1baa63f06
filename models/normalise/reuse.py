"""Not normalising again what did not change: a parsed record's `input_hash` and the records of a previous run.

`input_hash` is the SHA-256 of the parsed record (provenance excluded) together with `NORMALISER_VERSION`. A
harvest that finds a record whose input hash it normalised before (in the previous run's landed offers) reuses
that normalised record instead of running clean -> normalise -> validate again; bumping the version invalidates
every stored hash, so changed rules always re-normalise everything.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models.normalise import NORMALISER_VERSION

_SKIP = ("provenance", "record_hash", "input_hash")
_VERSION_PREFIX = f"{NORMALISER_VERSION}\n".encode()


def input_hash(item: dict[str, Any]) -> str:
    """SHA-256 of a parsed record before normalisation (sorted compact JSON), with the normaliser version."""
    from scrapers.landing import canonical_json

    body = canonical_json({k: v for k, v in item.items() if k not in _SKIP})
    return hashlib.sha256(_VERSION_PREFIX + body).hexdigest()


class PreviousRecords:
    """input_hash -> the landed JSON line (bytes, newline-terminated) of the record normalised from that input."""

    def __init__(self, lines: dict[str, bytes] | None = None) -> None:
        self.lines: dict[str, bytes] = lines or {}

    @classmethod
    def from_offer_files(cls, files: Iterable[Path]) -> PreviousRecords:
        out: dict[str, bytes] = {}
        for path in files:
            with path.open("rb") as fh:
                for line in fh:
                    key = _hash_of_line(line)
                    if key:
                        out[key] = line if line.endswith(b"\n") else line + b"\n"
        return cls(out)

    def get(self, key: str) -> bytes | None:
        return self.lines.get(key)

    def __len__(self) -> int:
        return len(self.lines)


def _hash_of_line(line: bytes) -> str | None:
    """The input_hash of a landed line without decoding the whole record (compact or spaced JSON)."""
    for marker in (b'"input_hash":"', b'"input_hash": "'):
        i = line.find(marker)
        if i != -1:
            key = line[i + len(marker):i + len(marker) + 64]
            return key.decode("ascii") if len(key) == 64 and key.isalnum() else None
    return None


_HEAD = b'{"provenance":'
_RECORD_HASH = b',"record_hash":"'


def with_provenance(line: bytes, provenance: dict[str, Any] | None) -> bytes:
    """A reused line with this harvest's provenance (where the unchanged listing was seen now); the record hash
    excludes provenance, so it stays valid."""
    from scrapers.landing import json_line

    if provenance is None or not line.startswith(_HEAD):
        return line
    i = line.find(_RECORD_HASH)  # the first one: a JSON string cannot hold an unescaped quote
    return line if i == -1 else _HEAD + json_line(provenance)[:-1] + line[i:]


def process_or_reuse(item: dict[str, Any], previous: PreviousRecords | None,
                     stats: Counter[str]) -> tuple[bytes | None, str | None]:
    """(landing line, reject reason) for one parsed item: reused when its input is unchanged, else processed."""
    from scrapers.landing import landed_line
    from scrapers.processing import RejectItem, process

    key = input_hash(item)
    if previous is not None:
        line = previous.get(key)
        if line is not None:
            stats["reused"] += 1
            return with_provenance(line, item.get("provenance")), None
    try:
        offer = process(item)
    except RejectItem as exc:
        stats["rejected"] += 1
        return None, str(exc)
    stats["normalised"] += 1
    record = offer.model_dump(mode="json")
    record["input_hash"] = key
    return landed_line(record)[0], None
