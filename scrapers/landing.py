"""The landing area: every raw response and every item of a harvest run, kept so nothing is lost.

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
    return Path(os.environ.get("MCATLAS_DATA_DIR", "data")).resolve()


def landing_root() -> Path:
    return Path(os.environ.get("MCATLAS_LANDING_DIR", data_dir() / "landing")).resolve()


def new_run_id() -> str:
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


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class LandingRun:
    """Writer for one harvest run of one source."""

    def __init__(self, root: Path, source: str, run_id: str) -> None:
        self.dir = root / source / run_id
        (self.dir / "responses").mkdir(parents=True, exist_ok=True)
        self.source, self.run_id = source, run_id
        self._files: dict[str, Any] = {}

    def write_line(self, name: str, line: bytes) -> None:
        """Append one ready, newline-terminated JSON line to a landing file."""
        fh = self._files.get(name)
        if fh is None:
            fh = self._files[name] = (self.dir / name).open("ab")
        fh.write(line)

    def _append(self, name: str, record: dict[str, Any]) -> None:
        self.write_line(name, json_line(record))

    def save_response(self, url: str, status: int, headers: dict[str, str], body: bytes,
                      method: str = "GET", request_body: bytes | None = None) -> str:
        digest = sha256(body)
        path = self.dir / "responses" / digest
        if not path.exists():
            path.write_bytes(body)
        self._append("index.jsonl", {
            "url": url, "method": method, "request_body": request_body.decode() if request_body else None,
            "status": status, "headers": headers, "file": f"responses/{digest}", "sha256": digest,
            "fetched_at": datetime.now(UTC).isoformat(),
        })
        return digest

    def write_offer(self, offer: dict[str, Any]) -> None:
        self._append("offers.jsonl", offer)

    def write_reject(self, source_id: str | None, reason: str, raw: Any, url: str | None = None) -> None:
        self._append("rejects.jsonl", {"source": self.source, "source_id": source_id, "reason": reason,
                                       "url": url, "raw": raw})

    def finish(self, stats: dict[str, Any], status: str) -> None:
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        _atomic_write(self.dir / "stats.json", json.dumps(stats, indent=2, default=str, sort_keys=True))
        _atomic_write(self.dir / DONE, json.dumps({"status": status, "finished_at": datetime.now(UTC).isoformat()}))


def finished_runs(root: Path, source: str) -> list[Path]:
    """Completed runs of a source, oldest first (run ids sort by time)."""
    base = root / source
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / DONE).exists())


def run_status(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / DONE).read_text(encoding="utf-8"))
