"""`mcatlas esco ...` and `mcatlas skills ...`: import ESCO, rank skills for sentences, evaluate, map the warehouse.

The matching is models/skills (pure), the tables warehouse/skills.py; these commands only wire them to the terminal.
Bad input gets one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipelines.commands import fail

if TYPE_CHECKING:
    import duckdb

    from models.skills.matcher import Context


def _logging() -> None:
    """Progress of the skill model (index build, mapping batches) as `mcatlas: ...` lines on stderr."""
    logger = logging.getLogger("mcatlas.skills")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("mcatlas: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _connect(db: str | None) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """The warehouse; any DuckDB error on it (a damaged or truncated file) comes out as one WarehouseError line."""
    from warehouse.db import connect_checked

    return connect_checked(db or None)


# --------------------------------------------------------------------------------------------- esco
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def esco() -> None:
    """The ESCO skills taxonomy: import an official release, show the active one."""


@esco.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--version", "version", help="ESCO version (e.g. v1.2.0) when the file names do not say it.")
@click.option("--db", help="Warehouse file (default $MCATLAS_DB or $MCATLAS_DATA_DIR/mcatlas.duckdb).")
@click.option("--no-warehouse", is_flag=True, help="Only make it the active release; leave the warehouse alone.")
def import_(paths: tuple[Path, ...], version: str | None, db: str | None, no_warehouse: bool) -> None:
    """Load an official ESCO CSV release (zip or folder as downloaded, v1.1 and later, English)."""
    from models.skills.esco import EscoError, EscoRelease, import_release
    from warehouse.db import WarehouseError
    from warehouse.skills import load_release

    def to_warehouse(release: EscoRelease) -> None:
        """Runs before the switch: a warehouse that cannot take the release keeps the previous one active."""
        if not no_warehouse:
            with _connect(db) as con:
                load_release(con, release)

    try:
        release = import_release(list(paths), version, before_switch=to_warehouse)
    except (EscoError, WarehouseError) as exc:
        fail(f"{exc} (the previous ESCO release stays active)")
    for warning in release.warnings:
        click.echo(f"mcatlas: warning: {warning}", err=True)
    click.echo(
        json.dumps(
            {
                "esco_version": release.version,
                "skills": len(release.skills),
                "skill_groups": len(release.groups),
                "broader_relations": len(release.broader),
                "collections": {k: len(v) for k, v in release.collections.items()},
                "fingerprint": release.fingerprint,
                "source": release.source,
            }
        )
    )


@esco.command("info")
def info() -> None:
    """Show the active ESCO release (imported, or the built-in v1.1.1 extract)."""
    from models.skills.esco import BUILTIN_EXTRACT, EscoError, imported_extract_path, load_active

    try:
        release = load_active()
    except EscoError as exc:
        fail(str(exc))
    origin = imported_extract_path() if imported_extract_path().exists() else BUILTIN_EXTRACT
    click.echo(
        json.dumps(
            {
                "esco_version": release.version,
                "skills": len(release.skills),
                "fingerprint": release.fingerprint,
                "from": str(origin),
            }
        )
    )


# ------------------------------------------------------------------------------------------- skills
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def skills() -> None:
    """Map text to ESCO skills."""


def _read_lines(stream: object) -> list[bytes]:
    """Raw lines of stdin as bytes: a line that is not UTF-8 gets its own error instead of failing the whole read."""
    data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()  # type: ignore[attr-defined]
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line.rstrip(b"\r") for line in lines]


@dataclass
class _Line:
    """One input line: the outcome text and its context, or why it cannot be ranked."""

    shown: str
    text: str | None = None
    context: Context | None = None
    error: str | None = None
    note: str | None = None


CONTEXT_FIELDS = ("title", "description", "subject")


def _parse_line(raw: bytes) -> _Line:
    """A plain sentence, or a JSON object {"text", "title", "description", "subject"} (a line starting with `{`)."""
    from models.skills.index import WORD_RE
    from models.skills.matcher import Context, OutcomeError, check_text, chunks

    shown = raw.decode("utf-8", "replace")
    value: object = raw
    context = None
    if raw.lstrip()[:1] == b"{":
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            return _Line(shown, error=f"a line starting with {{ is read as JSON: {exc}")
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            return _Line(shown, error='a JSON line needs a "text" string')
        bad = [k for k in CONTEXT_FIELDS if obj.get(k) is not None and not isinstance(obj[k], str)]
        if bad:
            return _Line(obj["text"], error=f'"{bad[0]}" must be a string')
        value = shown = obj["text"]
        parts = {k: obj[k] if isinstance(obj.get(k), str) and obj[k].strip() else None for k in CONTEXT_FIELDS}
        context = Context(**parts) if any(parts.values()) else None
    try:
        text = check_text(value)
    except OutcomeError as exc:
        return _Line(shown, error=str(exc))
    line = _Line(text, text, context)
    if len(WORD_RE.findall(text)) == 1:
        line.note = "one word: ranked by skill names"
    elif len(text) > 1000:
        line.note = f"{len(text)} characters: ranked as {len(chunks(text))} phrases, best score per skill"
    return line


def _rank_lines(lines: list[_Line], top_k: int, use_cache: bool, device: str) -> list[list[dict[str, object]]]:
    """Ranked skills of every rankable line, in order: from the cache where it has them, the rest through the
    matcher (torch, the model and the skill index load only then), each distinct (text, context) once."""
    from models.skills import rank_cache, service
    from models.skills.esco import EscoRelease
    from models.skills.matcher import METHOD

    todo = [ln for ln in lines if ln.text is not None]
    enc = service.encoder(device)
    release: EscoRelease | None = None
    cache = None
    found: dict[bytes, list[dict[str, object]]] = {}
    ids = ("", "", "", "")  # without the cache a key only groups equal (text, context) pairs
    if use_cache:
        cache = rank_cache.RankCache(warn=lambda message: click.echo(f"mcatlas: warning: {message}", err=True))
        rid, release = cache.release_id()
        method = rank_cache.method_id(METHOD)
        ids = (method, enc.model_id, rid.version, rid.fingerprint)
    keys = [rank_cache.entry_key(*ids, ln.text or "", ln.context.key() if ln.context else "") for ln in todo]
    if cache is not None:
        found.update(cache.get_many(keys))
    missing: dict[bytes, _Line] = {}
    for key, ln in zip(keys, todo, strict=True):
        if key not in found:
            missing.setdefault(key, ln)
    if missing:
        m = service.matcher(release, enc)
        group = list(missing.values())
        contexts = [ln.context for ln in group]
        k = max(top_k, rank_cache.CACHE_TOP_K) if cache is not None else top_k
        ranked = m.rank(
            [ln.text or "" for ln in group], k, contexts=contexts if any(c is not None for c in contexts) else None
        )
        fresh = {
            key: [{"uri": x.uri, "label": x.label, "score": x.score} for x in matches]
            for key, matches in zip(missing, ranked, strict=True)
        }
        found.update(fresh)
        if cache is not None and m.method == METHOD:
            cache.put_many(fresh)
    if cache is not None:
        cache.close()
    return [found[key][:top_k] for key in keys]


@skills.command()
@click.option("--top-k", "top_k", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where the encoder runs: auto is cuda when torch sees a GPU, else cpu. Results are cached alike.",
)
@click.option(
    "--no-cache", "no_cache", is_flag=True, help="Rank every line afresh; neither read nor write the rank cache."
)
def rank(top_k: int, device: str, no_cache: bool) -> None:
    """Read outcomes on stdin, one per line; write one JSON object per line with the top-k skills, best first.

    \b
    Two input forms, mixed freely:
      a plain sentence:  Write SQL queries to analyse sales data
      a JSON object:     {"text": "Write SQL queries", "title": "Data analysis for managers",
                          "description": "...", "subject": "..."}

    A line whose first non-blank character is { is read as JSON: "text" is required, the offer's "title",
    "description" and "subject" are optional context for the ranking. The output's "text" is the outcome text.

    A line that cannot be ranked (empty, not text, bad JSON) still gets its line, with "skills": [] and "error",
    and a message on stderr; the exit status is 2 when no line at all could be ranked.

    Results are cached by text and context in $MCATLAS_DATA_DIR/cache/skills/rank.sqlite (top 50 per line, for
    this method, model and ESCO release): lines ranked before come back without loading the model (--no-cache
    skips it; a --top-k above 50 ranks afresh).
    """
    from models.skills.embed import DeviceError
    from models.skills.esco import EscoError
    from models.skills.rank_cache import CACHE_TOP_K

    _logging()
    raw_lines = _read_lines(sys.stdin)  # click.get_text_stream is deprecated (gone in Click 9)
    if not raw_lines:
        fail("no input: give sentences on standard input, one per line")
    lines = [_parse_line(raw) for raw in raw_lines]
    for n, ln in enumerate(lines, start=1):
        if ln.error or ln.note:
            click.echo(f"mcatlas: line {n}: {ln.error or ln.note}", err=True)
    ranked: list[list[dict[str, object]]] = []
    if any(ln.text is not None for ln in lines):
        try:
            ranked = _rank_lines(lines, top_k, not no_cache and top_k <= CACHE_TOP_K, device)
        except (EscoError, FileNotFoundError, DeviceError) as exc:
            fail(str(exc))
    it = iter(ranked)
    out = []
    for ln in lines:
        if ln.text is None:
            obj: dict[str, object] = {"text": ln.shown, "skills": [], "error": ln.error}
        else:
            obj = {"text": ln.text, "skills": next(it)}
            if ln.note:
                obj["note"] = ln.note
        out.append(json.dumps(obj, ensure_ascii=False))
    if out:
        click.echo("\n".join(out))
    if not ranked:
        sys.exit(2)


@skills.command("eval")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file.")
def eval_(directory: Path, as_json: bool) -> None:
    """Evaluate on every *_annotations.csv in DIRECTORY: sentences, RP@5, RP@10, MRR per file."""
    from models.skills import service
    from models.skills.evaluate import BenchmarkError, evaluate_dir
    from models.skills.matcher import OutcomeError, check_text

    _logging()
    if not directory.is_dir():
        fail(f"{directory}: not a folder")
    release = service.release()
    m = None

    def ranker(sentences: list[str]) -> list[list[str]]:
        nonlocal m
        m = m or service.matcher(release)
        good = []
        for s in sentences:
            try:
                good.append(check_text(s))
            except OutcomeError:
                good.append("")
        ranked = iter(m.rank([g for g in good if g], 10))
        return [[x.uri for x in next(ranked)] if g else [] for g in good]

    try:
        results = evaluate_dir(directory, release, ranker)
    except BenchmarkError as exc:
        fail(str(exc))
    for r in results:
        r["method"] = m.method if m else None
        r["model"] = m.index.model_id if m else None
        if as_json:
            click.echo(json.dumps(r))
        else:
            click.echo(
                f"{r['file']:40} n={r['sentences']:4} RP@5={r['rp@5']:.3f} RP@10={r['rp@10']:.3f} MRR={r['mrr']:.3f}"
            )


@skills.command("map")
@click.option("--db", help="Warehouse file (default $MCATLAS_DB or $MCATLAS_DATA_DIR/mcatlas.duckdb).")
def map_(db: str | None) -> None:
    """Map the warehouse's learning outcomes to ESCO skills (only texts not mapped before are embedded)."""
    from models.skills import service
    from warehouse.db import WarehouseError
    from warehouse.skills import coverage_by_language, load_release, map_outcomes

    _logging()
    release = service.release()
    enc = service.encoder()
    try:
        with _connect(db) as con:
            tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
            if "learning_outcomes" not in tables:
                fail("the warehouse has no learning_outcomes table; run `mcatlas run` first")
            load_release(con, release)
            summary = map_outcomes(con, release, enc.model_id, lambda: service.matcher(release, enc))
            summary["coverage_by_language"] = coverage_by_language(con)
    except WarehouseError as exc:
        fail(str(exc))
    click.echo(json.dumps(summary))


@skills.command("decide")
@click.argument("outcome_id")
@click.argument("skill_uri")
@click.argument("decision", type=click.Choice(["accepted", "rejected"]))
@click.option("--analyst", default=None)
@click.option("--note", default=None)
@click.option("--db", help="Warehouse file.")
def decide(
    outcome_id: str, skill_uri: str, decision: str, analyst: str | None, note: str | None, db: str | None
) -> None:
    """Record an analyst's verdict on an (outcome, skill) pair; it survives every re-mapping."""
    from warehouse.db import WarehouseError
    from warehouse.skills import record_decision

    try:
        with _connect(db) as con:
            record_decision(con, outcome_id, skill_uri, decision, analyst, note)
    except WarehouseError as exc:
        fail(str(exc))
    click.echo(f"{decision}: {outcome_id} {skill_uri}")


@skills.command("index")
def index_cmd() -> None:
    """Build (or load) the embedding index of the active ESCO release and report how long it took."""
    from models.skills import service
    from models.skills.index import cache_path

    _logging()
    t = time.perf_counter()
    m = service.matcher()
    click.echo(
        json.dumps(
            {
                **m.index.meta(),
                "seconds": round(time.perf_counter() - t, 2),
                "path": str(cache_path(service.release(), service.encoder())),
            }
        )
    )
