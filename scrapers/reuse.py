"""The records a previous landing run holds, by input hash: what the item chain reuses for an unchanged input.

The hash itself is the normaliser's (`models.normalise.reuse.input_hash`, it carries `NORMALISER_VERSION`); reading
landed lines and giving them this crawl's provenance is the landing format's business, so it lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models.landing import finished_runs, json_line


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

    @classmethod
    def latest_before(cls, root: Path, source: str, run_id: str) -> PreviousRecords:
        """The offers of the source's latest finished run other than `run_id` (empty when there is none)."""
        runs = [r for r in finished_runs(root, source) if r.name != run_id and (r / "offers.jsonl").exists()]
        return cls.from_offer_files([runs[-1] / "offers.jsonl"]) if runs else cls()

    def get(self, key: str) -> bytes | None:
        return self.lines.get(key)

    def __len__(self) -> int:
        return len(self.lines)


def _hash_of_line(line: bytes) -> str | None:
    """The input_hash of a landed line without decoding the whole record (compact or spaced JSON)."""
    for marker in (b'"input_hash":"', b'"input_hash": "'):
        i = line.find(marker)
        if i != -1:
            key = line[i + len(marker) : i + len(marker) + 64]
            return key.decode("ascii") if len(key) == 64 and key.isalnum() else None
    return None


_HEAD = b'{"provenance":'
_RECORD_HASH = b',"record_hash":"'


def with_provenance(line: bytes, provenance: dict[str, Any] | None) -> bytes:
    """A reused line with this harvest's provenance (where the unchanged listing was seen now); the record hash
    excludes provenance, so it stays valid."""
    if provenance is None or not line.startswith(_HEAD):
        return line
    i = line.find(_RECORD_HASH)  # the first one: a JSON string cannot hold an unescaped quote
    return line if i == -1 else _HEAD + json_line(provenance)[:-1] + line[i:]
