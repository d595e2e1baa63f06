"""Persistent cache of `mcatlas skills rank`: the top CACHE_TOP_K skills per (text, context), by content.

The file is `$MCATLAS_DATA_DIR/cache/skills/rank.sqlite`. An entry's key is the sha256 of everything the ranking
depends on: the method (`matcher.METHOD` plus a hash of the skill model's code and weight files, so a change of the
scoring that forgets to rename the method still misses), the encoder's model id, the ESCO release's version and
content fingerprint, the text and the context's key. A hit needs none of torch, the model or the skill index: the
model id reads a few files and the release's identity is remembered per file (path, size, mtime, inode), so a warm
`skills rank` costs the interpreter, its imports and one query.

Several processes may read and write at once (WAL journal, busy timeout, one short transaction per write). The
cache is only ever a shortcut: a file that sqlite cannot read is reported in one line and replaced by an empty one,
and any other sqlite error leaves the run uncached, never failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.skills.esco import BUILTIN_EXTRACT, EscoRelease, cache_dir, imported_extract_path, load_active

CACHE_TOP_K = 50  # stored per entry: any top_k up to this is served from the cache
SCHEMA = 1
MAX_ENTRIES = 500_000  # about 1 GB at worst; the oldest entries go first ($MCATLAS_SKILLS_RANK_CACHE_MAX)
BUSY_TIMEOUT_S = 30.0
SKILLS_DIR = Path(__file__).resolve().parent
Warn = Callable[[str], None]
# One ranked skill as the CLI prints it: {"uri": ..., "label": ..., "score": ...}
Ranked = list[dict[str, object]]


def cache_path() -> Path | None:
    """`$MCATLAS_SKILLS_RANK_CACHE` (a file, or "off"), else `$MCATLAS_DATA_DIR/cache/skills/rank.sqlite`."""
    value = os.environ.get("MCATLAS_SKILLS_RANK_CACHE")
    if value and value.lower() in ("off", "0", "no", "none"):
        return None
    return Path(value) if value else cache_dir() / "rank.sqlite"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the skill model's Python files and shipped weights (resources/*.json): any edit changes it."""
    h = hashlib.sha256()
    files = sorted(SKILLS_DIR.glob("*.py")) + sorted((SKILLS_DIR / "resources").glob("*.json"))
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        h.update(f.name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:12]


def method_id(method: str) -> str:
    """The method part of a key: the matcher's method name and the code fingerprint."""
    return f"{method}+code-{code_fingerprint()}"


def entry_key(method: str, model_id: str, esco_version: str, esco_fingerprint: str, text: str, context: str) -> bytes:
    """sha256 of the inputs, JSON-encoded so no two distinct tuples can give the same bytes."""
    parts = [method, model_id, esco_version, esco_fingerprint, text, context]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=True).encode("ascii")).digest()


def _pack(matches: Ranked) -> bytes:
    rows = [[m["uri"], m["label"], m["score"]] for m in matches[:CACHE_TOP_K]]
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def _unpack(blob: bytes) -> Ranked:
    return [{"uri": u, "label": lab, "score": s} for u, lab, s in json.loads(zlib.decompress(blob))]


@dataclass(frozen=True)
class ReleaseId:
    version: str
    fingerprint: str


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}"


class RankCache:
    """The sqlite file; every method returns quietly (a miss, nothing stored) when the cache cannot be used."""

    def __init__(self, path: Path | None = None, warn: Warn | None = None) -> None:
        """`path` None: `cache_path()`; when that is turned off the cache is a no-op (every lookup misses)."""
        where = path or cache_path()
        self.path = where or Path(os.devnull)
        self.warn = warn or (lambda message: None)
        self.con: sqlite3.Connection | None = None
        self._rebuilt = False
        if where is not None:
            self._open()

    # -------------------------------------------------------------------------------------- file
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            con.execute(f"pragma busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            con.execute("pragma journal_mode = wal")
            con.execute("pragma synchronous = normal")
            con.execute("create table if not exists meta (name text primary key, value text not null)")
            con.execute(
                "create table if not exists ranks (id integer primary key, key blob not null unique, "
                "matches blob not null, created real not null)"
            )
            row = con.execute("select value from meta where name = 'schema'").fetchone()
            if row is None:
                con.execute("insert or ignore into meta values ('schema', ?)", (str(SCHEMA),))
            elif row[0] != str(SCHEMA):
                raise sqlite3.DatabaseError(f"cache schema {row[0]}, this code writes {SCHEMA}")
        except BaseException:
            con.close()
            raise
        return con

    def _open(self) -> None:
        try:
            self.con = self._connect()
        except sqlite3.DatabaseError as exc:  # not a database, malformed, other schema
            self._rebuild(exc)
        except (sqlite3.Error, OSError) as exc:  # locked for longer than the timeout, read-only folder, full disk
            self.warn(f"skill rank cache {self.path} unusable ({exc}); ranking without it")
            self.con = None

    def _rebuild(self, exc: BaseException) -> None:
        """Report in one line, set the damaged file aside and start an empty one; at most once per process."""
        if self.con is not None:
            self.con.close()
            self.con = None
        if self._rebuilt:
            self.warn(f"skill rank cache {self.path} still unusable ({exc}); ranking without it")
            return
        self._rebuilt = True
        self.warn(f"skill rank cache {self.path} is damaged ({exc}); starting an empty one")
        try:
            # Renamed, not deleted: a process that has it open keeps its handle, a new one creates a fresh file.
            aside = self.path.with_name(f"{self.path.name}.damaged-{os.getpid()}")
            for suffix in ("", "-wal", "-shm"):
                src = self.path.with_name(self.path.name + suffix)
                if src.exists():
                    os.replace(src, aside.with_name(aside.name + suffix))
            for suffix in ("", "-wal", "-shm"):
                aside.with_name(aside.name + suffix).unlink(missing_ok=True)
            self.con = self._connect()
        except (sqlite3.Error, OSError) as exc2:
            self.warn(f"skill rank cache {self.path} cannot be rebuilt ({exc2}); ranking without it")
            self.con = None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def _guard(self, what: str, exc: sqlite3.Error) -> None:
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self._rebuild(exc)  # malformed image, not a database
        else:
            self.warn(f"skill rank cache {self.path}: cannot {what} ({exc}); ranking without it")
            self.close()

    # ---------------------------------------------------------------------------------- entries
    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, Ranked]:
        wanted = list(dict.fromkeys(keys))
        if self.con is None or not wanted:
            return {}
        found: dict[bytes, Ranked] = {}
        try:
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                sql = f"select key, matches from ranks where key in ({','.join('?' * len(part))})"
                for key, blob in self.con.execute(sql, part):
                    try:
                        found[bytes(key)] = _unpack(blob)
                    except (ValueError, TypeError, zlib.error):  # a damaged entry is a miss, rewritten later
                        continue
        except sqlite3.Error as exc:
            self._guard("read", exc)
            return {}
        return found

    def put_many(self, entries: dict[bytes, Ranked]) -> None:
        if self.con is None or not entries:
            return
        now = time.time()
        rows = [(k, _pack(v), now) for k, v in entries.items()]
        try:
            with self._transaction():
                self.con.executemany("insert or replace into ranks (key, matches, created) values (?, ?, ?)", rows)
            self._prune()
        except sqlite3.Error as exc:
            self._guard("write", exc)

    def _prune(self) -> None:
        assert self.con is not None
        limit = int(os.environ.get("MCATLAS_SKILLS_RANK_CACHE_MAX") or MAX_ENTRIES)
        (count,) = self.con.execute("select count(*) from ranks").fetchone()
        if count > limit:
            with self._transaction():
                self.con.execute(
                    "delete from ranks where id in (select id from ranks order by id limit ?)", (count - limit,)
                )

    def _transaction(self) -> _Tx:
        assert self.con is not None
        return _Tx(self.con)

    def count(self) -> int:
        """Entries stored (0 when the cache is not in use)."""
        if self.con is None:
            return 0
        try:
            return int(self.con.execute("select count(*) from ranks").fetchone()[0])
        except sqlite3.Error:
            return 0

    # ---------------------------------------------------------------------------------- release
    def release_id(self) -> tuple[ReleaseId, EscoRelease | None]:
        """Version and fingerprint of the active release, remembered per file: loading and hashing the release
        (0.2 s) happens once per file. Returns the release too when it had to be loaded."""
        path = imported_extract_path()
        if not path.exists():
            path = BUILTIN_EXTRACT
        try:
            stamp = _stamp(path)
        except OSError:
            stamp = None
        if stamp and self.con is not None:
            try:
                row = self.con.execute("select value from meta where name = ?", ("release:" + stamp,)).fetchone()
            except sqlite3.Error as exc:
                self._guard("read", exc)
                row = None
            if row:
                version, _, fingerprint = row[0].partition("\x1f")
                return ReleaseId(version, fingerprint), None
        release = load_active()
        rid = ReleaseId(release.version, release.fingerprint)
        try:
            same_file = stamp is not None and _stamp(path) == stamp
        except OSError:
            same_file = False
        if same_file and self.con is not None:
            try:
                with self._transaction():
                    self.con.execute("delete from meta where name like 'release:%'")
                    self.con.execute(
                        "insert or replace into meta values (?, ?)",
                        ("release:" + str(stamp), f"{rid.version}\x1f{rid.fingerprint}"),
                    )
            except sqlite3.Error as exc:
                self._guard("write", exc)
        return rid, release


class _Tx:
    """`begin immediate` ... `commit`: the write lock is taken at once (no upgrade deadlock between processes)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        self.con.execute("begin immediate")
        return self.con

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.con.execute("commit")
        else:
            try:
                self.con.execute("rollback")
            except sqlite3.Error:
                pass
