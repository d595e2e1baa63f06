"""Analysts and builds side by side: a reader never fails or waits during a build and sees the old or the new
warehouse, never a mixture; an analyst's open connection never holds up a build."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb

from tests.warehouse.test_history import land
from warehouse import build, db

# What an analyst runs: plain duckdb, read-only, a fresh connection per question. Both answers come from one
# connection, so a half-published warehouse (offers new, versions old) would show as an answer of neither build.
READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb
    path, stop, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    answers, errors = [], []
    while not stop.exists():
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                offers = con.execute(
                    "select count(*), string_agg(title, '|' order by source_id) from offers"
                ).fetchone()
                versions = con.execute("select count(*) from offer_versions").fetchone()[0]
                answers.append([offers[0], offers[1], versions])
            finally:
                con.close()
        except Exception as exc:
            errors.append(" ".join(str(exc).split())[:200])
        time.sleep(0.02)
    out.write_text(json.dumps({"answers": answers, "errors": errors}))
    """
)

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    con.execute("select count(*) from offers").fetchone()
    Path(sys.argv[2]).write_text("open")
    while not Path(sys.argv[3]).exists():
        time.sleep(0.05)
    con.close()
    """
)


def answer(path: Path) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        offers = con.execute("select count(*), string_agg(title, '|' order by source_id) from offers").fetchone()
        versions = con.execute("select count(*) from offer_versions").fetchone()[0]
        return [offers[0], offers[1], versions]
    finally:
        con.close()


def first_build(tmp_path: Path) -> tuple[Path, Path]:
    root, path = tmp_path / "landing", tmp_path / "w.duckdb"
    land(root, "20260101T000000Z", {f"c{i}": f"Course {i}" for i in range(5)})
    with db.connect(path) as con:
        db.load_landing(con, root, ["demo"])
        build.run_build(con, exclude=["tag:after_python"])
    land(root, "20260201T000000Z", {**{f"c{i}": f"Course {i}" for i in range(5)}, "c0": "Course 0, revised", "c9": "9"})
    return root, path


def test_readers_during_a_load_and_build_see_the_old_or_the_new_warehouse(tmp_path: Path):
    root, path = first_build(tmp_path)
    old = answer(path)
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop), str(out)])
    try:
        time.sleep(1.0)  # the reader is reading the old build
        with db.connect(path, wait_seconds=5) as con:
            db.load_landing(con, root, ["demo"])
        with db.connect(path, wait_seconds=5) as con:
            build.run_build(con, exclude=["tag:after_python"])
        time.sleep(1.0)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    new = answer(path)
    seen = json.loads(out.read_text())
    assert seen["errors"] == []
    assert new != old and new[0] == 6
    assert all(a in (old, new) for a in seen["answers"]), [a for a in seen["answers"] if a not in (old, new)][:3]
    assert seen["answers"][0] == old and seen["answers"][-1] == new
    assert len(seen["answers"]) >= 20


def test_an_open_analyst_connection_does_not_hold_up_a_build(tmp_path: Path):
    root, path = first_build(tmp_path)
    opened, release = tmp_path / "opened", tmp_path / "release"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(opened), str(release)])
    try:
        deadline = time.monotonic() + 60
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.exists(), "the analyst's connection did not open"
        # with the reader open the whole time, the writer gets in at once (it would have waited out 2 s and failed)
        with db.connect(path, wait_seconds=2) as con:
            db.load_landing(con, root, ["demo"])
            build.run_build(con, exclude=["tag:after_python"])
        assert holder.poll() is None, "the analyst's connection was closed under them"
    finally:
        release.touch()
        holder.wait(timeout=60)
    assert answer(path)[0] == 6


def test_the_published_file_stays_the_truth(tmp_path: Path):
    """A warehouse restored from a backup (or edited by hand) is what the next writer starts from; a deleted one
    starts afresh."""
    root, path = first_build(tmp_path)
    backup = tmp_path / "backup.duckdb"
    backup.write_bytes(path.read_bytes())
    with db.connect(path) as con:
        db.load_landing(con, root, ["demo"])
        build.run_build(con, exclude=["tag:after_python"])
    assert answer(path)[0] == 6
    path.write_bytes(backup.read_bytes())  # restore the backup over the published file
    with db.connect(path) as con:
        assert db.scalar(con, "select count(*) from offers") == 5
        con.execute("create table analyst_note as select 1 as x")
    assert answer(path)[0] == 5
    path.unlink()
    with db.connect(path) as con:
        db.migrate(con)
        assert db.scalar(con, "select count(*) from harvest_runs") == 0
