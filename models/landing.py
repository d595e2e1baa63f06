"""The landing area's format: where it is, how its files are laid out and encoded, how a record is hashed.

It is the contract between the writer (the spiders, scrapers/landing.py) and the reader (the warehouse load), so it
sits with the other contracts in `models`: both sides import it, neither imports the other.

Layout: `<root>/<source>/<run_id>/` with `responses/<sha256>` bodies, `index.jsonl` (one line per
response, the same format the replay middleware reads, so a landing run can be replayed like the bundled
snapshot), `offers.jsonl`, `rejects.jsonl`, `stats.json` and finally `_DONE` (written last, atomically).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

DONE = "_DONE"
_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
_HASH_SKIP = ("provenance", "record_hash")


def data_dir() -> Path:
    """`$MCATLAS_DATA_DIR` (default ./data): the root of landing, warehouse and caches."""
    return Path(os.environ.get("MCATLAS_DATA_DIR", "data")).resolve()


def landing_root() -> Path:
    """`$MCATLAS_LANDING_DIR` (default `$MCATLAS_DATA_DIR/landing`)."""
    return Path(os.environ.get("MCATLAS_LANDING_DIR", data_dir() / "landing")).resolve()


def new_run_id() -> str:
    """A run id that sorts by time, so `finished_runs` is oldest first without reading any file."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_json(value: Any) -> bytes:
    """Compact JSON with sorted keys (orjson, UTF-8): the same value gives the same bytes in every run."""
    try:
        return orjson.dumps(value, default=str, option=_CANONICAL)
    except (orjson.JSONEncodeError, TypeError):  # integers over 64 bits, say: rare, the slow path is fine
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")).encode()


def json_line(value: Any) -> bytes:
    """One landing-file line (compact JSON, UTF-8, newline-terminated)."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":")).encode() + b"\n"


def record_hash(record: dict[str, Any]) -> str:
    """Content hash of a record, provenance excluded, so an unchanged listing hashes the same every run."""
    return sha256(canonical_json({k: v for k, v in record.items() if k not in _HASH_SKIP}))


def landed_line(record: dict[str, Any]) -> tuple[bytes, str]:
    """(landing line, record hash) of a record: the sorted body is serialised once, hashed, and the line is that
    body with provenance and record_hash put in front (the loader reads fields by name, not position)."""
    body = canonical_json({k: v for k, v in record.items() if k not in _HASH_SKIP})
    digest = sha256(body)
    head = b'{"provenance":' + json_line(record.get("provenance"))[:-1] + b',"record_hash":"' + digest.encode() + b'"'
    return head + (b"," + body[1:] if body != b"{}" else b"}") + b"\n", digest


def finished_runs(root: Path, source: str) -> list[Path]:
    """Completed runs of a source, oldest first (run ids sort by time)."""
    base = root / source
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / DONE).exists())


def run_status(run_dir: Path) -> dict[str, Any]:
    """The `_DONE` marker of a finished run: status (ok | partial | empty | failed) and finished_at."""
    return json.loads((run_dir / DONE).read_text(encoding="utf-8"))
