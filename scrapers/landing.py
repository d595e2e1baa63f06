"""Writing the landing area: every raw response and every item of a harvest run, kept so nothing is lost.

The format itself (layout, line encoding, record hash, run status) is `models/landing.py`, shared with the
warehouse load that reads it; its names are re-exported here for the spiders and item pipelines.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.landing import (
    DONE,
    canonical_json,
    data_dir,
    finished_runs,
    json_line,
    landed_line,
    landing_root,
    new_run_id,
    record_hash,
    run_status,
    sha256,
)

__all__ = [
    "DONE",
    "LandingRun",
    "canonical_json",
    "data_dir",
    "finished_runs",
    "json_line",
    "landed_line",
    "landing_root",
    "new_run_id",
    "provenance",
    "record_hash",
    "run_status",
    "sha256",
]


def provenance(
    spider: str, spider_version: str, raw_sha256: str, source_url: str, mode: str, fetched_at: datetime | None = None
) -> dict[str, Any]:
    """The provenance every landed item carries; one builder so the spider and `mcatlas parse` write the same."""
    return {
        "fetched_at": (fetched_at or datetime.now(UTC)).isoformat(),
        "spider": spider,
        "spider_version": spider_version,
        "raw_sha256": raw_sha256,
        "source_url": source_url,
        "mode": mode,
    }


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

    def save_response(
        self,
        url: str,
        status: int,
        headers: dict[str, str],
        body: bytes,
        method: str = "GET",
        request_body: bytes | None = None,
    ) -> str:
        digest = sha256(body)
        path = self.dir / "responses" / digest
        if not path.exists():
            path.write_bytes(body)
        self._append(
            "index.jsonl",
            {
                "url": url,
                "method": method,
                "request_body": request_body.decode() if request_body else None,
                "status": status,
                "headers": headers,
                "file": f"responses/{digest}",
                "sha256": digest,
                "fetched_at": datetime.now(UTC).isoformat(),
            },
        )
        return digest

    def write_offer(self, offer: dict[str, Any]) -> None:
        self._append("offers.jsonl", offer)

    def write_reject(self, source_id: str | None, reason: str, raw: Any, url: str | None = None) -> None:
        self._append(
            "rejects.jsonl", {"source": self.source, "source_id": source_id, "reason": reason, "url": url, "raw": raw}
        )

    def finish(self, stats: dict[str, Any], status: str) -> None:
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        _atomic_write(self.dir / "stats.json", json.dumps(stats, indent=2, default=str, sort_keys=True))
        _atomic_write(self.dir / DONE, json.dumps({"status": status, "finished_at": datetime.now(UTC).isoformat()}))
