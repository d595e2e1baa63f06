"""ESCO releases: read the official CSV download, write and read the compact extract the project ships.

The official download is a zip (or an unpacked folder, or for v1.1.x a classification zip plus a relations zip)
of CSV files named like `skills_en.csv`. `read_release` accepts any of these; `save_extract`/`load_extract` keep
the parts the matcher and the warehouse need in one gzip JSON file, so a fresh machine works offline.

A download is untrusted input: member sizes and compression ratios are checked on the zip's directory before
anything is inflated, files are decoded and parsed as they stream (never held whole), every file's required
columns are checked before a row is read, and every refusal is an EscoError of one line.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Any

EXTRACT_FORMAT = 1
PACKAGE_DATA = Path(__file__).with_name("resources")
BUILTIN_VERSION = "v1.1.1"
BUILTIN_EXTRACT = PACKAGE_DATA / f"esco-{BUILTIN_VERSION}-en.json.gz"
ATTRIBUTION = (
    "ESCO (European Skills, Competences, Qualifications and Occupations) is (c) European Union, "
    "https://esco.ec.europa.eu; reused with attribution under the ESCO legal notice."
)
COLLECTIONS = {
    "digitalskillscollection": "digital",
    "greenskillscollection": "green",
    "transversalskillscollection": "transversal",
    "languageskillscollection": "language",
}
REQUIRED = ("skills", "skillgroups", "skillshierarchy", *COLLECTIONS)
SKILL_COLUMNS = ("conceptUri", "preferredLabel", "altLabels", "skillType", "reuseLevel", "description")
# Columns each file must have, checked before any row is read: without them a release would load with empty groups
# or collections and still become active.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "skills": SKILL_COLUMNS,
    "skillgroups": ("conceptUri", "preferredLabel"),
    "skillshierarchy": ("Level 0 URI", "Level 0 preferred term"),
    **{key: ("conceptUri",) for key in COLLECTIONS},
    "broaderrelationsskillpillar": ("conceptUri", "broaderUri"),
}
# Bounds on what a download may inflate to, checked on the zip's directory before anything is decompressed. The
# official v1.1.1 download's largest member is occupationSkillRelations.csv (21 MB; skills_en.csv is 9.5 MB), its
# highest compression ratio 6.9:1; a zip bomb (1 GB of zeros in 1 MB) is refused instead of filling memory.
MAX_MEMBER_BYTES = 128 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024  # tiny members may compress better; they cannot hurt
# csv's default field limit (131,072 characters) is kept: the longest field in the files read is 2,922 characters,
# so a longer one means a broken file (typically an unbalanced quote), refused with its line number. Lines are read
# at most MAX_LINE_CHARS at a time (the longest real line has 1,761), so one endless line never sits in memory.
MAX_LINE_CHARS = 1024 * 1024
VERSION_RE = re.compile(r"v(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)


class EscoError(ValueError):
    """A release that cannot be used; the message is one line meant for the user."""


@dataclass
class Skill:
    uri: str
    label: str
    alt_labels: list[str]
    skill_type: str
    reuse_level: str
    description: str


@dataclass
class EscoRelease:
    """One ESCO version: skills, the skill pillar's groups and broader relations, and the four collections."""

    version: str
    skills: list[Skill]
    groups: list[dict[str, Any]]  # uri, label, code, level
    broader: list[tuple[str, str]]  # (narrower uri, broader uri)
    collections: dict[str, list[str]]  # collection name -> skill uris
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def fingerprint(self) -> str:
        """Content hash: two releases with the same version label but other content never share a cache. Hashing
        all skills takes ~0.1 s, so it is computed once per release object (its skills are never changed)."""
        h = hashlib.sha1()
        for s in self.skills:
            h.update("\x1f".join([s.uri, s.label, *s.alt_labels, s.description]).encode())
            h.update(b"\x1e")
        return h.hexdigest()[:12]

    def by_uri(self) -> dict[str, Skill]:
        return {s.uri: s for s in self.skills}

    def collections_of(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, uris in sorted(self.collections.items()):
            for uri in uris:
                out.setdefault(uri, []).append(name)
        return out


# ------------------------------------------------------------------------------------------ reading CSV
def _key(name: str) -> tuple[str, str]:
    """'skills_en.csv' -> ('skills', 'en'); 'broaderRelationsSkillPillar.csv' -> ('broaderrelationsskillpillar', '')."""
    stem = Path(name).name.rsplit(".", 1)[0].lower()
    m = re.fullmatch(r"(.+?)_([a-z]{2}(?:-[a-z]+)?)", stem)
    return (m.group(1), m.group(2)) if m else (stem, "")


class _Members:
    """The CSV files of a release, wherever they sit: zips, folders, or zips inside a folder."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.files: dict[str, tuple[Path, str | None]] = {}  # key -> (zip or file, member name)
        self.langs: set[str] = set()
        self.names: list[str] = []
        for path in paths:
            self._add(Path(path))

    def _add(self, path: Path) -> None:
        if not path.exists():
            raise EscoError(f"{path}: no such file or folder")
        if path.is_dir():
            children = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".zip"))
            if not children:
                raise EscoError(f"{path}: no ESCO CSV files or zips in this folder")
            for child in children:
                self._add(child)
            return
        self.names.append(path.name)
        if path.suffix.lower() == ".csv":
            if path.stat().st_size > MAX_MEMBER_BYTES:
                raise EscoError(
                    f"{path}: {path.stat().st_size:,} bytes, over the {MAX_MEMBER_BYTES:,}-byte limit "
                    "for one ESCO CSV file"
                )
            self._register(path.name, path, None)
            return
        try:
            with zipfile.ZipFile(path) as zf:
                infos = [info for info in zf.infolist() if not info.is_dir()]
                for info in infos:  # before testzip(), which inflates every member
                    _check_size(path, info)
                bad = zf.testzip()
                if bad is not None:
                    raise EscoError(f"{path}: corrupt zip (member {bad} fails its checksum); download it again")
                for info in infos:
                    if info.filename.lower().endswith(".csv"):
                        self._register(info.filename, path, info.filename)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise EscoError(f"{path}: not a readable zip ({exc}); download the release again") from None

    def _register(self, name: str, container: Path, member: str | None) -> None:
        key, lang = _key(name)
        if lang and lang != "en":
            self.langs.add(lang)
            return
        self.files.setdefault(key, (container, member))

    def has(self, key: str) -> bool:
        return key in self.files

    def name(self, key: str) -> str:
        container, member = self.files[key]
        return Path(member).name if member else container.name

    @contextmanager
    def _text(self, key: str) -> Iterator[IO[str]]:
        """The file as text, decoded while it is read (a member is never held whole in memory)."""
        container, member = self.files[key]
        name = self.name(key)
        try:
            with ExitStack() as stack:
                if member is None:
                    raw: IO[bytes] = stack.enter_context(container.open("rb"))
                else:
                    raw = stack.enter_context(stack.enter_context(zipfile.ZipFile(container)).open(member))
                yield stack.enter_context(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        except UnicodeDecodeError:
            raise EscoError(f"{name}: not UTF-8 text; is this an ESCO CSV download?") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise EscoError(f"{container}: cannot read {name} ({exc})") from None

    def _records(self, key: str, text: IO[str]) -> Iterator[list[str]]:
        """CSV records; a broken file (an endless line, a field over csv's limit) is one line with where it broke."""
        name = self.name(key)
        lines = _bounded_lines(text, name)
        reader = csv.reader(lines)
        try:
            yield from reader
        except csv.Error as exc:
            raise EscoError(f"{name} line {reader.line_num}: {exc}; is this an ESCO CSV download?") from None

    def header(self, key: str) -> list[str]:
        with self._text(key) as text:
            return next(self._records(key, text), [])

    def rows(self, key: str) -> Iterator[dict[str, str]]:
        with self._text(key) as text:
            records = self._records(key, text)
            header = next(records, [])
            for record in records:
                if record:  # a blank line, as csv.DictReader skips it
                    yield dict(zip(header, record, strict=False))


def _check_size(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse a member that would inflate beyond MAX_MEMBER_BYTES, or far beyond what CSV text compresses to."""
    name = Path(info.filename).name
    if info.file_size > MAX_MEMBER_BYTES:
        raise EscoError(
            f"{path}: member {name} would inflate to {info.file_size:,} bytes, over the "
            f"{MAX_MEMBER_BYTES:,}-byte limit for one ESCO CSV file; not an ESCO download"
        )
    ratio = info.file_size / max(1, info.compress_size)
    if info.file_size >= RATIO_FROM_BYTES and ratio > MAX_RATIO:
        raise EscoError(
            f"{path}: member {name} is compressed {ratio:,.0f}:1 (ESCO CSV files stay under "
            f"{MAX_RATIO}:1); refused as a likely zip bomb"
        )


def _bounded_lines(text: IO[str], name: str) -> Iterator[str]:
    """Physical lines, each read at most MAX_LINE_CHARS at a time."""
    n = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        n += 1
        if len(line) > MAX_LINE_CHARS:
            raise EscoError(
                f"{name} line {n}: longer than {MAX_LINE_CHARS:,} characters; is this an ESCO CSV download?"
            )
        yield line


def _split_labels(value: str | None) -> list[str]:
    """Alternative labels: one per line in skills_en.csv, ' | '-separated in the collection files."""
    if not value:
        return []
    parts = re.split(r"\n| \| ", value)
    seen: dict[str, None] = {}
    for p in parts:
        p = p.strip()
        if p:
            seen.setdefault(p, None)
    return list(seen)


def detect_version(paths: Iterable[Path]) -> str | None:
    for path in paths:
        for part in reversed(Path(path).parts):
            m = VERSION_RE.search(part)
            if m:
                return f"v{m.group(1)}"
    return None


def _check_members(members: _Members) -> None:
    """Every required file and column present, before any row is read: a partial download must not become active."""
    missing = [k for k in REQUIRED if not members.has(k)]
    if missing:
        if members.langs and not members.has("skills"):
            raise EscoError(f"only the English ESCO release is supported; found languages {sorted(members.langs)}")
        raise EscoError(
            f"incomplete ESCO release: missing {', '.join(k + '_en.csv' for k in missing)} "
            f"in {', '.join(members.names)}"
        )
    for key, columns in REQUIRED_COLUMNS.items():
        if members.has(key):
            header = members.header(key)
            absent = [c for c in columns if c not in header]
            if absent:
                raise EscoError(
                    f"{members.name(key)} lacks column{'s' if len(absent) > 1 else ''} "
                    f"{', '.join(absent)}; is this an ESCO CSV download?"
                )


def _read_skills(members: _Members) -> list[Skill]:
    """Released skills, each URI once, alternative labels without the preferred one."""
    skills: list[Skill] = []
    seen: set[str] = set()
    for row in members.rows("skills"):
        uri, label = (row.get("conceptUri") or "").strip(), (row.get("preferredLabel") or "").strip()
        if not uri or not label or uri in seen:
            continue
        if (row.get("status") or "released") != "released":
            continue
        seen.add(uri)
        alts = [a for a in _split_labels(row.get("altLabels")) if a != label]
        skills.append(
            Skill(
                uri,
                label,
                alts,
                (row.get("skillType") or "").strip(),
                (row.get("reuseLevel") or "").strip(),
                (row.get("description") or "").strip(),
            )
        )
    if not skills:
        raise EscoError("skills_en.csv holds no skills; the download is empty or truncated")
    return skills


def _read_groups(members: _Members, broader: set[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Skill groups with their level and code from the hierarchy file; its parent links go into `broader`."""
    groups: dict[str, dict[str, Any]] = {}
    for row in members.rows("skillgroups"):
        uri = (row.get("conceptUri") or "").strip()
        if uri:
            groups[uri] = {
                "uri": uri,
                "label": (row.get("preferredLabel") or "").strip(),
                "code": (row.get("code") or "").strip() or None,
                "level": None,
            }
    for row in members.rows("skillshierarchy"):
        parent = None
        for level in range(4):
            uri = (row.get(f"Level {level} URI") or "").strip()
            if not uri:
                break
            g = groups.setdefault(
                uri,
                {
                    "uri": uri,
                    "label": (row.get(f"Level {level} preferred term") or "").strip(),
                    "code": None,
                    "level": None,
                },
            )
            g["level"] = level
            g["code"] = g["code"] or (row.get(f"Level {level} code") or "").strip() or None
            if parent:
                broader.add((uri, parent))
            parent = uri
    return groups


def _read_collections(members: _Members, broader: set[tuple[str, str]]) -> dict[str, list[str]]:
    """The four collections (digital, green, transversal, language); their broader links go into `broader`."""
    collections: dict[str, list[str]] = {}
    for key, name in COLLECTIONS.items():
        uris: list[str] = []
        for row in members.rows(key):
            uri = (row.get("conceptUri") or "").strip()
            if uri:
                uris.append(uri)
            for b in (row.get("broaderConceptUri") or "").split(" | "):
                if b.strip() and uri:
                    broader.add((uri, b.strip()))
        collections[name] = sorted(set(uris))
    return collections


def _read_pillar_broader(members: _Members, broader: set[tuple[str, str]]) -> list[str]:
    """The skill pillar's broader relations into `broader`; a warning when the file is absent (v1.1's main zip)."""
    if not members.has("broaderrelationsskillpillar"):
        return [
            "no broaderRelationsSkillPillar.csv (ESCO v1.1 ships it in the relations zip): "
            "broader relations come from the hierarchy and collection files only"
        ]
    for row in members.rows("broaderrelationsskillpillar"):
        a, b = (row.get("conceptUri") or "").strip(), (row.get("broaderUri") or "").strip()
        if a and b:
            broader.add((a, b))
    return []


def read_release(paths: Iterable[str | Path], version: str | None = None) -> EscoRelease:
    """Read an official ESCO CSV download (v1.1 and later, English). Raises EscoError with a one-line reason."""
    files = [Path(p) for p in paths]
    members = _Members(files)
    version = version or detect_version([*files, *(Path(n) for n in members.names)])
    if not version:
        raise EscoError("cannot tell the ESCO version from the file names; pass --version (e.g. v1.2.0)")
    if not version.startswith("v"):
        version = f"v{version}"
    _check_members(members)
    skills = _read_skills(members)
    broader: set[tuple[str, str]] = set()
    groups = _read_groups(members, broader)
    collections = _read_collections(members, broader)
    warnings = _read_pillar_broader(members, broader)
    known = {s.uri for s in skills} | set(groups)
    return EscoRelease(
        version=version,
        skills=skills,
        groups=sorted(groups.values(), key=lambda g: g["uri"]),
        broader=sorted(p for p in broader if p[0] in known and p[1] in known),
        collections=collections,
        source=", ".join(members.names),
        warnings=warnings,
    )


# ------------------------------------------------------------------------------------ compact extract
def save_extract(release: EscoRelease, path: Path) -> Path:
    """Write the release as one gzip JSON file, atomically: a failed write never replaces a good one."""
    payload = {
        "format": EXTRACT_FORMAT,
        "version": release.version,
        "source": release.source,
        "fingerprint": release.fingerprint,
        "attribution": ATTRIBUTION,
        "skills": [[s.uri, s.label, s.alt_labels, s.skill_type, s.reuse_level, s.description] for s in release.skills],
        "groups": release.groups,
        "broader": release.broader,
        "collections": release.collections,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.GzipFile(tmp, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    os.replace(tmp, path)
    return path


def load_extract(path: Path) -> EscoRelease:
    try:
        with gzip.open(path, "rb") as fh:
            payload = json.loads(fh.read().decode("utf-8"))
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise EscoError(f"{path}: unreadable ESCO extract ({exc}); import the release again") from None
    if payload.get("format") != EXTRACT_FORMAT:
        raise EscoError(f"{path}: extract format {payload.get('format')} is not {EXTRACT_FORMAT}; import again")
    release = EscoRelease(
        version=payload["version"],
        skills=[Skill(*row) for row in payload["skills"]],
        groups=payload["groups"],
        broader=[tuple(p) for p in payload["broader"]],
        collections=payload["collections"],
        source=payload.get("source", ""),
    )
    if payload.get("fingerprint") and payload["fingerprint"] != release.fingerprint:
        raise EscoError(f"{path}: content does not match its fingerprint (partial write?); import again")
    return release


def subset(release: EscoRelease, uris: Iterable[str]) -> EscoRelease:
    """A smaller release with only these skills (tests build indexes on a few hundred skills)."""
    keep = set(uris)
    return EscoRelease(
        version=release.version,
        skills=[s for s in release.skills if s.uri in keep],
        groups=release.groups,
        broader=[p for p in release.broader if p[0] in keep or p[0].startswith("http://data.europa.eu/esco/isced")],
        collections={k: [u for u in v if u in keep] for k, v in release.collections.items()},
        source=release.source + " (subset)",
    )


# ----------------------------------------------------------------------------------- the active release
def data_dir() -> Path:
    return Path(os.environ.get("MCATLAS_DATA_DIR") or "data")


def cache_dir() -> Path:
    return data_dir() / "cache" / "skills"


def shared_cache_dir() -> Path | None:
    """A per-user cache that every data directory may read: the index depends only on model and release, and
    building it takes minutes, so a fresh data directory (a test, a new warehouse) need not build it again.
    `MCATLAS_SKILLS_SHARED_CACHE=off` turns it off."""
    value = os.environ.get("MCATLAS_SKILLS_SHARED_CACHE")
    if value and value.lower() in ("off", "0", "no", "none"):
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mcatlas" / "skills"


def imported_extract_path() -> Path:
    return data_dir() / "esco" / "esco-imported-en.json.gz"


_ACTIVE: dict[tuple[str, float], EscoRelease] = {}


def load_active() -> EscoRelease:
    """The release imported with `mcatlas esco import`, else the built-in v1.1.1 extract."""
    path = imported_extract_path()
    if not path.exists():
        path = BUILTIN_EXTRACT
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _ACTIVE:
        _ACTIVE.clear()
        _ACTIVE[key] = load_extract(path)
    return _ACTIVE[key]


def import_release(
    paths: Iterable[str | Path], version: str | None = None, before_switch: Callable[[EscoRelease], None] | None = None
) -> EscoRelease:
    """Read an official download and make it the active release, switching only as the very last step.

    The extract is written beside the active one first, then `before_switch` runs (the CLI loads the warehouse in
    one transaction there), and only when both succeeded does the new file replace the old one: a bad download, a
    full disk or a damaged warehouse all leave the previous release active.
    """
    release = read_release(paths, version)
    target = imported_extract_path()
    pending = target.with_name(f".{target.name}.pending-{os.getpid()}")
    try:
        try:
            save_extract(release, pending)
        except OSError as exc:
            raise EscoError(f"cannot write {pending}: {exc.strerror or exc}") from None
        if before_switch is not None:
            before_switch(release)
        try:
            os.replace(pending, target)
        except OSError as exc:
            raise EscoError(f"cannot replace {target}: {exc.strerror or exc}") from None
    finally:
        pending.unlink(missing_ok=True)
        pending.with_name(pending.name + ".tmp").unlink(missing_ok=True)  # save_extract's, if it failed
    _ACTIVE.clear()
    return release
