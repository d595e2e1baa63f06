"""Snapshot replay reads only its own folder: index entries naming files outside it are refused, never read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scrapers.middlewares.replay import ReplayIndex, file_problem

REPO = Path(__file__).resolve().parents[2]
SECRET = b"SECRET-OUTSIDE-THE-REPLAY-FOLDER"
API = "https://mitxonline.mit.edu/api/courses/"


def _page(title: str) -> bytes:
    return json.dumps(
        {"count": 1, "next": None, "results": [{"id": 1, "readable_id": f"course-v1:X+{title}", "title": title}]}
    ).encode()


def _replay_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A replay folder whose index points out of it in every way, plus one honest entry."""
    outside = tmp_path / "outside.json"
    outside.write_bytes(SECRET)
    folder = tmp_path / "replay" / "mitxonline"
    folder.mkdir(parents=True)
    (folder / "ok.json").write_bytes(_page("Honest"))
    (folder / "link.json").symlink_to(outside)
    files = {
        "ok": "ok.json",
        "climb": "../../outside.json",
        "etc": "../../../../../../../../etc/hostname",
        "absolute": str(outside),
        "symlink": "link.json",
        "device": "/dev/zero",
    }
    lines = [
        {
            "url": f"{API}?page={name}",
            "method": "GET",
            "request_body": None,
            "status": 200,
            "headers": {"Content-Type": "application/json"},
            "file": file,
        }
        for name, file in files.items()
    ]
    (folder / "index.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return folder, files


def test_index_entries_outside_the_folder_are_refused(tmp_path):
    folder, files = _replay_folder(tmp_path)
    index = ReplayIndex(folder)
    assert [e["file"] for e in index.entries.values()] == ["ok.json"]
    reasons = sorted(index.refused.values())
    assert len(reasons) == 5 and all("\n" not in r for r in reasons)
    assert any("climbs out" in r for r in reasons) and any("absolute path" in r for r in reasons)
    assert any("leads outside the replay folder" in r for r in reasons)
    assert file_problem(folder, "sub/../ok.json") is not None  # no `..` at all, even one that stays inside
    assert file_problem(folder, None) is not None and file_problem(folder, "ok.json") is None


def test_a_replay_never_reads_or_lands_files_outside_its_folder(tmp_path):
    folder, files = _replay_folder(tmp_path)
    landing = tmp_path / "landing"
    urls = " ".join(f"{API}?page={name}" for name in files)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "crawl",
            "mitxonline",
            "--replay-dir",
            str(folder),
            "--landing-dir",
            str(landing),
            "-s",
            f"MCATLAS_START_URLS={urls}",
            "-s",
            "LOG_LEVEL=INFO",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    run_dir = Path(summary["dir"])
    stats = json.loads((run_dir / "stats.json").read_text())
    assert stats["replay/refused_file"] == 5 and stats["replay/served"] == 1
    assert stats["errors/ReplayFileRefused"] == 5 and summary["status"] == "partial"  # never `ok`
    offers = [json.loads(x) for x in (run_dir / "offers.jsonl").read_text().splitlines()]
    assert [o["title"] for o in offers] == ["Honest"]
    for path in run_dir.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_bytes(), path
    index = [json.loads(x) for x in (run_dir / "index.jsonl").read_text().splitlines()]
    assert [e["url"] for e in index] == [f"{API}?page=ok"]
    refused = [ln for ln in proc.stderr.splitlines() if "replay index" in ln and "refused" in ln]
    assert len(refused) == 5, proc.stderr[-3000:]
