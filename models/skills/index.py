"""The embedding index of ESCO skills: every preferred and alternative label embedded on its own.

A skill scores as its best-matching label, so "JavaScript" finds the skill whatever label a text uses. The index
is built once per (model, ESCO release) and cached under `$MCATLAS_DATA_DIR/cache/skills/index/`; the file
records the model and release it was built with, and a file that does not match is rebuilt, never reused.

Format 2: `<name>__v2.npz` holds the metadata, label counts and lexicon; the label vectors lie beside it in
`<name>__v2.emb.npy` (float16, memory-mapped on load, widened to float32 once: numpy has no fast float16 matmul).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from models.skills.embed import Encoder
from models.skills.esco import EscoRelease, cache_dir, shared_cache_dir

INDEX_FORMAT = 2
log = logging.getLogger("mcatlas.skills")
Progress = Callable[[str], None]

WORD_RE = re.compile(r"[\w+#]+(?:[.'/-][\w+#]+)*")


def eta(done: int, total: int, seconds: float) -> str:
    """'(12 s, 340/s, about 1 min left)': a progress line's rate and time to go."""
    rate = done / seconds if seconds > 0 else 0.0
    left = (total - done) / rate if rate > 0 else 0.0
    togo = f"about {left / 60:.0f} min left" if left >= 90 else f"about {left:.0f} s left"
    return f"({seconds:.0f} s, {rate:,.0f}/s, {togo if done < total else 'done'})"


class IndexCacheError(RuntimeError):
    pass


def normalise(text: str) -> str:
    """Case-folded words joined by one space: the key of the exact-label lexicon."""
    return " ".join(WORD_RE.findall(text.casefold()))


@dataclass
class SkillIndex:
    esco_version: str
    esco_fingerprint: str
    model_id: str
    uris: list[str]
    labels: list[str]  # preferred label per skill
    emb: np.ndarray  # (n_labels, dim) float32, rows grouped by skill, preferred label first
    starts: np.ndarray  # first row of each skill in `emb`
    label_count: np.ndarray  # rows per skill
    lexicon: dict[str, list[int]] = field(default_factory=dict)

    @property
    def owner(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.uris)), self.label_count)

    def meta(self) -> dict[str, object]:
        return {
            "format": INDEX_FORMAT,
            "esco_version": self.esco_version,
            "esco_fingerprint": self.esco_fingerprint,
            "model_id": self.model_id,
            "skills": len(self.uris),
            "label_rows": int(self.emb.shape[0]),
        }


def label_rows(release: EscoRelease) -> tuple[list[str], np.ndarray]:
    """All labels in skill order (preferred first) and the number of labels of each skill."""
    texts: list[str] = []
    counts = []
    for s in release.skills:
        rows = [s.label, *[a for a in s.alt_labels if a.casefold() != s.label.casefold()]]
        texts.extend(rows)
        counts.append(len(rows))
    return texts, np.array(counts, dtype=np.int64)


def build_lexicon(release: EscoRelease) -> dict[str, list[int]]:
    """Normalised label -> skills, for exact mentions ("SQL", "Java"); labels of one or two letters are left out."""
    lex: dict[str, list[int]] = {}
    for i, s in enumerate(release.skills):
        for label in (s.label, *s.alt_labels):
            key = normalise(label)
            if len(key) >= 2 and (not lex.get(key) or lex[key][-1] != i):
                lex.setdefault(key, []).append(i)
    return lex


def build(release: EscoRelease, encoder: Encoder, progress: Progress | None = None) -> SkillIndex:
    texts, counts = label_rows(release)
    t0 = time.monotonic()
    emb = np.zeros((len(texts), 384), np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # batches of like length: little padding
    step = 8192
    for start in range(0, len(texts), step):
        rows = order[start : start + step]
        emb[rows] = encoder.encode([texts[i] for i in rows])
        if progress:
            progress(
                f"embedded {min(start + step, len(texts))}/{len(texts)} ESCO labels "
                f"{eta(min(start + step, len(texts)), len(texts), time.monotonic() - t0)}"
            )
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return SkillIndex(
        release.version,
        release.fingerprint,
        encoder.model_id,
        [s.uri for s in release.skills],
        [s.label for s in release.skills],
        emb,
        starts,
        counts,
        build_lexicon(release),
    )


def _stem(release: EscoRelease, encoder: Encoder, root: Path | None = None) -> Path:
    safe = re.sub(r"[^A-Za-z0-9.+-]+", "_", encoder.model_id)
    return (root or cache_dir()) / "index" / f"{safe}__esco-{release.version}-{release.fingerprint}"


def cache_path(release: EscoRelease, encoder: Encoder, root: Path | None = None) -> Path:
    """The index file of this format (its vectors in `emb_path` of it); other formats' files are left alone."""
    stem = _stem(release, encoder, root)
    return stem.with_name(f"{stem.name}__v{INDEX_FORMAT}.npz")


def emb_path(path: Path) -> Path:
    return path.with_name(path.stem + ".emb.npy")


def save(index: SkillIndex, path: Path) -> None:
    """Vectors first, then the .npz that names their shape: a reader never sees an .npz without its vectors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    vectors = emb_path(path)
    tmp_emb = vectors.with_name(vectors.name + f".{os.getpid()}.tmp.npy")
    np.save(tmp_emb, np.ascontiguousarray(index.emb, dtype=np.float16))
    os.replace(tmp_emb, vectors)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez(
        tmp,
        counts=index.label_count,
        meta=np.array(json.dumps(index.meta())),
        lexicon=np.frombuffer(orjson.dumps(index.lexicon), dtype=np.uint8),
    )
    os.replace(tmp, path)


def load(path: Path, release: EscoRelease, model_id: str) -> SkillIndex:
    """Load a cached index; IndexCacheError (one line) if it was built with another model or release."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if meta.get("format") != INDEX_FORMAT:
                raise IndexCacheError(f"{path.name}: index format {meta.get('format')}, expected {INDEX_FORMAT}")
            if meta.get("model_id") != model_id:
                raise IndexCacheError(
                    f"{path.name} was built with model {meta.get('model_id')}, this run uses {model_id}"
                )
            if (meta.get("esco_version"), meta.get("esco_fingerprint")) != (release.version, release.fingerprint):
                raise IndexCacheError(
                    f"{path.name} was built for ESCO {meta.get('esco_version')} "
                    f"({meta.get('esco_fingerprint')}), the loaded release is {release.version} "
                    f"({release.fingerprint})"
                )
            counts = z["counts"]
            lexicon = orjson.loads(z["lexicon"].tobytes())
        mapped = np.load(emb_path(path), mmap_mode="r", allow_pickle=False)
        if mapped.ndim != 2 or mapped.shape[0] != meta.get("label_rows"):
            raise ValueError(f"{emb_path(path).name} has shape {mapped.shape}, the index {meta.get('label_rows')} rows")
        emb = np.asarray(mapped, dtype=np.float32)  # one pass over the mapped file; a float32 file stays mapped
    except (OSError, ValueError, KeyError, orjson.JSONDecodeError) as exc:
        raise IndexCacheError(f"{path.name}: unreadable index cache ({exc})") from None
    if len(counts) != len(release.skills) or int(counts.sum()) != emb.shape[0]:
        raise IndexCacheError(f"{path.name}: {len(counts)} skills / {emb.shape[0]} rows do not match the release")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return SkillIndex(
        release.version,
        release.fingerprint,
        model_id,
        [s.uri for s in release.skills],
        [s.label for s in release.skills],
        emb,
        starts,
        counts,
        lexicon,
    )


# ------------------------------------------------------------------------------ skill descriptions
DESC_FORMAT = 1
DESC_CHARS = 500  # label + description, cut: the encoder reads 128 word pieces anyway


def description_texts(release: EscoRelease) -> list[str]:
    """One text per skill: its preferred label and description, the sense the label alone does not tell."""
    return [f"{s.label}. {s.description or ''}".strip()[:DESC_CHARS] for s in release.skills]


def desc_cache_path(release: EscoRelease, encoder: Encoder, root: Path | None = None) -> Path:
    stem = _stem(release, encoder, root)
    return stem.with_name(stem.name + "__desc.npy")


def _load_desc(path: Path, release: EscoRelease, encoder: Encoder) -> np.ndarray | None:
    meta_path = path.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text())
        want = {"format": DESC_FORMAT, "model_id": encoder.model_id, "esco_fingerprint": release.fingerprint}
        if {k: meta.get(k) for k in want} != want:
            log.warning("ignoring stale description index %s (built for %s); rebuilding", path.name, meta)
            return None
        emb = np.load(path, mmap_mode="r")
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable description index %s (%s); rebuilding", path.name, exc)
        return None
    if emb.shape[0] != len(release.skills):
        log.warning(
            "ignoring description index %s: %d rows for %d skills", path.name, emb.shape[0], len(release.skills)
        )
        return None
    return emb


def cache_candidates(
    path_of: Callable[[EscoRelease, Encoder, Path | None], Path],
    release: EscoRelease,
    encoder: Encoder,
    root: Path | None,
) -> list[Path]:
    """Where a cached file is looked for and written, in order: under `root` (default the data directory's
    cache), then, when no root is given, the shared per-user cache (off when MCATLAS_SKILLS_SHARED_CACHE=off)."""
    shared = shared_cache_dir() if root is None else None
    return [path_of(release, encoder, root)] + ([path_of(release, encoder, shared)] if shared else [])


def get_descriptions(
    release: EscoRelease, encoder: Encoder, root: Path | None = None, progress: Progress | None = log.info
) -> np.ndarray:
    """(skills, dim) unit vectors of label + description, float16, memory-mapped; built once per model and release
    beside the label index (same cache folders, same rule: a file built from other inputs is rebuilt)."""
    candidates = cache_candidates(desc_cache_path, release, encoder, root)
    for candidate in candidates:
        if candidate.exists():
            found = _load_desc(candidate, release, encoder)
            if found is not None:
                return found
    texts = description_texts(release)
    if progress:
        progress(f"embedding {len(texts)} ESCO skill descriptions with {encoder.model_id}; once per model and release")
    t0 = time.monotonic()
    emb = encoder.encode(texts).astype(np.float16)
    if progress:
        progress(f"embedded {len(texts)} skill descriptions {eta(len(texts), len(texts), time.monotonic() - t0)}")
    meta = {"format": DESC_FORMAT, "model_id": encoder.model_id, "esco_fingerprint": release.fingerprint}
    for target in candidates:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + f".{os.getpid()}.tmp.npy")
            np.save(tmp, emb)
            target.with_suffix(".json").write_text(json.dumps(meta))
            os.replace(tmp, target)
        except OSError as exc:
            log.warning("could not write the description index %s: %s", target, exc)
    return emb


def get_index(
    release: EscoRelease, encoder: Encoder, root: Path | None = None, progress: Progress | None = log.info
) -> SkillIndex:
    """The cached index for this model and release, built (minutes on two cores) when missing or stale; `progress`
    receives a line per step of a build (the Dagster asset passes its context's logger).

    Looks in `root` (default `$MCATLAS_DATA_DIR/cache/skills`), then, when no root is given, in the shared per-user
    cache; a file built with another model or release is reported and never used.
    """
    candidates = cache_candidates(cache_path, release, encoder, root)
    path = candidates[0]
    for candidate in candidates:
        if candidate.exists():
            try:
                return load(candidate, release, encoder.model_id)
            except IndexCacheError as exc:
                log.warning("ignoring stale skill index: %s; rebuilding", exc)
    if progress:
        progress(
            f"building the skill index for ESCO {release.version} with {encoder.model_id} ({path}); "
            "minutes on two cores, once per model and release"
        )
    index = build(release, encoder, progress=progress)
    save(index, path)
    if len(candidates) > 1:
        try:
            save(index, candidates[1])
        except OSError as exc:
            log.warning("could not write the shared skill index cache %s: %s", candidates[1], exc)
    return index
