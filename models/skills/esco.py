"""ESCO releases: read the official CSV download, write and read the compact extract the project ships.

The official download is a zip (or an unpacked folder, or for v1.1.x a classification zip plus a relations zip)
of CSV files named like `skills_en.csv`. `read_release` accepts any of these; `save_extract`/`load_extract` keep
the parts the matcher and the warehouse need in one gzip JSON file, so a fresh machine works offline.
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
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

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
    groups: list[dict[str, Any]]                # uri, label, code, level
    broader: list[tuple[str, str]]              # (narrower uri, broader uri)
    collections: dict[str, list[str]]           # collection name -> skill uris
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
        self.files: dict[str, tuple[Path, str | None]] = {}   # key -> (zip or file, member name)
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
            self._register(path.name, path, None)
            return
        try:
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                if bad is not None:
                    raise EscoError(f"{path}: corrupt zip (member {bad} fails its checksum); download it again")
                for info in zf.infolist():
                    if not info.is_dir() and info.filename.lower().endswith(".csv"):
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

    def rows(self, key: str) -> Iterator[dict[str, str]]:
        container, member = self.files[key]
        try:
            if member is None:
                raw = container.read_bytes()
            else:
                with zipfile.ZipFile(container) as zf:
                    raw = zf.read(member)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise EscoError(f"{container}: cannot read {member or container.name} ({exc})") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise EscoError(f"{member or container}: not UTF-8 text; is this an ESCO CSV download?") from None
        yield from csv.DictReader(io.StringIO(text, newline=""))


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


def read_release(paths: Iterable[str | Path], version: str | None = None) -> EscoRelease:
    """Read an official ESCO CSV download (v1.1 and later, English). Raises EscoError with a one-line reason."""
    paths = [Path(p) for p in paths]
    members = _Members(paths)
    version = version or detect_version([*paths, *(Path(n) for n in members.names)])
    if not version:
        raise EscoError("cannot tell the ESCO version from the file names; pass --version (e.g. v1.2.0)")
    if not version.startswith("v"):
        version = f"v{version}"
    missing = [k for k in REQUIRED if not members.has(k)]
    if missing:
        if members.langs and not members.has("skills"):
            raise EscoError(f"only the English ESCO release is supported; found languages {sorted(members.langs)}")
        raise EscoError(f"incomplete ESCO release: missing {', '.join(k + '_en.csv' for k in missing)} "
                        f"in {', '.join(members.names)}")
    skills: list[Skill] = []
    seen: set[str] = set()
    for i, row in enumerate(members.rows("skills")):
        if i == 0:
            absent = [c for c in SKILL_COLUMNS if c not in row]
            if absent:
                raise EscoError(f"skills_en.csv lacks columns {absent}; is this an ESCO CSV download?")
        uri, label = (row.get("conceptUri") or "").strip(), (row.get("preferredLabel") or "").strip()
        if not uri or not label or uri in seen:
            continue
        if (row.get("status") or "released") != "released":
            continue
        seen.add(uri)
        alts = [a for a in _split_labels(row.get("altLabels")) if a != label]
        skills.append(Skill(uri, label, alts, (row.get("skillType") or "").strip(),
                            (row.get("reuseLevel") or "").strip(), (row.get("description") or "").strip()))
    if not skills:
        raise EscoError("skills_en.csv holds no skills; the download is empty or truncated")

    groups: dict[str, dict[str, Any]] = {}
    for row in members.rows("skillgroups"):
        uri = (row.get("conceptUri") or "").strip()
        if uri:
            groups[uri] = {"uri": uri, "label": (row.get("preferredLabel") or "").strip(),
                           "code": (row.get("code") or "").strip() or None, "level": None}
    broader: set[tuple[str, str]] = set()
    for row in members.rows("skillshierarchy"):
        parent = None
        for level in range(4):
            uri = (row.get(f"Level {level} URI") or "").strip()
            if not uri:
                break
            g = groups.setdefault(uri, {"uri": uri, "label": (row.get(f"Level {level} preferred term") or "").strip(),
                                        "code": None, "level": None})
            g["level"] = level
            g["code"] = g["code"] or (row.get(f"Level {level} code") or "").strip() or None
            if parent:
                broader.add((uri, parent))
            parent = uri
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
    warnings: list[str] = []
    if members.has("broaderrelationsskillpillar"):
        for row in members.rows("broaderrelationsskillpillar"):
            a, b = (row.get("conceptUri") or "").strip(), (row.get("broaderUri") or "").strip()
            if a and b:
                broader.add((a, b))
    else:
        warnings.append("no broaderRelationsSkillPillar.csv (ESCO v1.1 ships it in the relations zip): "
                        "broader relations come from the hierarchy and collection files only")
    known = seen | set(groups)
    return EscoRelease(
        version=version, skills=skills, groups=sorted(groups.values(), key=lambda g: g["uri"]),
        broader=sorted(p for p in broader if p[0] in known and p[1] in known), collections=collections,
        source=", ".join(members.names), warnings=warnings,
    )


# ------------------------------------------------------------------------------------ compact extract
def save_extract(release: EscoRelease, path: Path) -> Path:
    """Write the release as one gzip JSON file, atomically: a failed write never replaces a good one."""
    payload = {
        "format": EXTRACT_FORMAT, "version": release.version, "source": release.source,
        "fingerprint": release.fingerprint, "attribution": ATTRIBUTION,
        "skills": [[s.uri, s.label, s.alt_labels, s.skill_type, s.reuse_level, s.description] for s in release.skills],
        "groups": release.groups, "broader": release.broader, "collections": release.collections,
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
        version=payload["version"], skills=[Skill(*row) for row in payload["skills"]], groups=payload["groups"],
        broader=[tuple(p) for p in payload["broader"]], collections=payload["collections"],
        source=payload.get("source", ""),
    )
    if payload.get("fingerprint") and payload["fingerprint"] != release.fingerprint:
        raise EscoError(f"{path}: content does not match its fingerprint (partial write?); import again")
    return release


def subset(release: EscoRelease, uris: Iterable[str]) -> EscoRelease:
    """A smaller release with only these skills (tests build indexes on a few hundred skills)."""
    keep = set(uris)
    return EscoRelease(
        version=release.version, skills=[s for s in release.skills if s.uri in keep], groups=release.groups,
        broader=[p for p in release.broader if p[0] in keep or p[0].startswith("http://data.europa.eu/esco/isced")],
        collections={k: [u for u in v if u in keep] for k, v in release.collections.items()},
        source=release.source + " (subset)",
    )


def to_dict(skill: Skill) -> dict[str, Any]:
    return asdict(skill)


# ----------------------------------------------------------------------------------- the active release
def data_dir() -> Path:
    return Path(os.environ.get("MCATLAS_DATA_DIR") or "data")


def cache_dir() -> Path:
    return data_dir() / "cache" / "skills"


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


def import_release(paths: Iterable[str | Path], version: str | None = None) -> EscoRelease:
    """Read an official download and make it the active release (the previous one stays if this fails)."""
    release = read_release(paths, version)
    save_extract(release, imported_extract_path())
    _ACTIVE.clear()
    return release
