"""`mcatlas export`: a versioned dataset release that researchers can cite and check.

A release is a folder: the tables (Parquet or CSV) or the offers as ELM JSON-LD, `manifest.json` (dataset version,
schema and ESCO versions, skill model, sources with harvest times and terms, row counts, SHA-256 of every file),
the data dictionary and `CITATION.cff`. It is written into a hidden temporary folder beside the target and renamed
into place only when every file is written and checksummed, so a full or read-only disk leaves nothing that looks
like a finished release.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

from models.offer import SCHEMA_VERSION
from pipelines.release import ReleaseError
from pipelines.release import elm as elm_ld
from warehouse.db import scalar

FORMATS = ("parquet", "csv", "jsonld")
CORE_TABLES = ("offers", "learning_outcomes")
# Tables built by the skills and quality packages; exported when the warehouse has them.
OPTIONAL_TABLES = (
    "outcome_skills",
    "offer_skills",
    "esco_skills",
    "offer_completeness",
    "euroteq_eligibility",
    "offer_clusters",
    "cluster_best",
)
# Reference tables of the ESCO taxonomy (collections, hierarchy) go along whatever they are called.
REFERENCE_PREFIXES = ("esco_",)
MANIFEST = "manifest.json"
DATA_DIR = "data"
MANIFEST_VERSION = "1"


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, str]  # column -> DuckDB type
    filtered_by: str | None  # None: reference table, exported whole


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _oneline(exc: BaseException) -> str:
    return " ".join(str(exc).split())


# ------------------------------------------------------------------------------------------ the --where predicate
def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def check_where(con: duckdb.DuckDBPyConnection, where: str) -> str:
    """Accept only a single boolean expression over `offers`: no statements, subqueries or table functions.

    The predicate is parsed by DuckDB itself (json_serialize_sql), then tried on the read-only warehouse, so a typo
    gets DuckDB's one-line message and nothing can write or read outside the offers table.
    """
    where = where.strip()
    if not where:
        raise ReleaseError("--where is empty; give a SQL predicate on offers, e.g. \"country = 'DK'\"")
    if ";" in where:
        raise ReleaseError("--where must be one SQL predicate on offers, without ';'")
    if "--" in where or "/*" in where:
        raise ReleaseError("--where must not contain SQL comments")
    tree = json.loads(scalar(con, "select json_serialize_sql(?)", [f"select 1 from offers where ({where})"]))
    if tree.get("error"):
        raise ReleaseError(f"--where is not a valid SQL predicate: {_oneline(tree.get('error_message', ''))}")
    statements = tree.get("statements") or []
    node = statements[0].get("node", {}) if len(statements) == 1 else {}
    source = node.get("from_table") or {}
    if node.get("type") != "SELECT_NODE" or source.get("type") != "BASE_TABLE" or source.get("table_name") != "offers":
        raise ReleaseError("--where must be one SQL predicate on offers")
    for sub in _walk(node.get("where_clause")):
        if sub.get("class") == "SUBQUERY" or sub.get("type") in ("TABLE_FUNCTION", "SUBQUERY"):
            raise ReleaseError("--where may use the columns of offers only (no subqueries or table functions)")
    try:
        con.execute(f"select count(*) from offers where ({where})").fetchone()
    except duckdb.Error as exc:
        raise ReleaseError(f"--where cannot be applied to offers: {_oneline(exc)}") from None
    return where


# ------------------------------------------------------------------------------------------------ warehouse
def _columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return dict(rows)


def _present(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' order by 1"
        ).fetchall()
    ]


def discover_tables(con: duckdb.DuckDBPyConnection) -> tuple[list[Table], list[str]]:
    """The tables to export, in order, each with how it follows the offer selection; and the optional ones absent."""
    present = _present(con)
    missing_core = [t for t in CORE_TABLES if t not in present]
    if missing_core:
        raise ReleaseError(f"the warehouse has no {', '.join(missing_core)} table; run `mcatlas run` first")
    wanted = list(CORE_TABLES) + [t for t in OPTIONAL_TABLES if t in present]
    wanted += [t for t in present if t.startswith(REFERENCE_PREFIXES) and t not in wanted]
    tables = []
    for name in wanted:
        cols = _columns(con, name)
        if name == "offers":
            how = "offers"
        elif {"source", "source_id"} <= cols.keys():
            how = "offers_key"
        elif "outcome_id" in cols:
            how = "learning_outcomes"
        elif "cluster_id" in cols and "offer_clusters" in wanted and name != "offer_clusters":
            how = "offer_clusters"
        else:
            how = None
        tables.append(Table(name, cols, how))
    return tables, [t for t in OPTIONAL_TABLES if t not in present]


# CSV injection (OWASP): a spreadsheet runs a cell starting with one of these as a formula, so such a text cell
# gets a leading single quote. chr(9) is tab, chr(13) carriage return.
FORMULA_START = "('=', '+', '-', '@', chr(9), chr(13))"


def _is_text(duckdb_type: str) -> bool:
    """Text in a CSV cell: strings, and the lists, structs and maps written there as JSON text. Numbers are not."""
    return (
        duckdb_type in ("VARCHAR", "JSON")
        or duckdb_type.startswith(("ENUM", "STRUCT", "MAP", "UNION"))
        or duckdb_type.endswith("]")
    )


def _csv_column(name: str, duckdb_type: str) -> str:
    """One column as written to CSV: nested values as JSON text, every text cell neutralised against formulas.

    Only text is touched, so a negative number stays a number; the rule lives here and nowhere else.
    """
    if not _is_text(duckdb_type):
        return f'"{name}"'
    plain = duckdb_type in ("VARCHAR", "JSON") or duckdb_type.startswith("ENUM")
    text = f'"{name}"::varchar' if plain else f'to_json("{name}")::varchar'
    return f"case when left({text}, 1) in {FORMULA_START} then '''' || {text} else {text} end as \"{name}\""


def _select(table: Table, for_csv: bool = False) -> str:
    """The SELECT that exports one table: rows of the selected offers only, in a stable order."""
    if for_csv:
        cols = ", ".join(_csv_column(c, t) for c, t in table.columns.items())
    else:
        cols = "*"
    base = f"select {cols} from main.{table.name} t"
    filters = {
        "offers": "where (t.source, t.source_id) in (select source, source_id from temp.release_offers)",
        "offers_key": "where (t.source, t.source_id) in (select source, source_id from temp.release_offers)",
        "learning_outcomes": "where t.outcome_id in (select outcome_id from temp.release_outcomes)",
        "offer_clusters": "where t.cluster_id in (select cluster_id from temp.release_clusters)",
    }
    order = ", ".join(
        f'"{c}"'
        for c in table.columns
        if c in ("source", "source_id", "outcome_id", "cluster_id", "position", "uri", "skill_uri", "rule", "rank")
    )
    return f"{base} {filters.get(table.filtered_by or '', '')} {'order by ' + order if order else ''}".strip()


def _select_offers(con: duckdb.DuckDBPyConnection, where: str | None, tables: list[Table]) -> None:
    con.execute(
        "create or replace temp table release_offers as select source, source_id from main.offers "
        f"where ({where or 'true'})"
    )
    con.execute(
        "create or replace temp table release_outcomes as select outcome_id from main.learning_outcomes "
        "where (source, source_id) in (select source, source_id from temp.release_offers)"
    )
    if any(t.name == "offer_clusters" and "cluster_id" in t.columns for t in tables):
        con.execute(
            "create or replace temp table release_clusters as select distinct cluster_id "
            "from main.offer_clusters where (source, source_id) in "
            "(select source, source_id from temp.release_offers)"
        )


# ---------------------------------------------------------------------------------------------- metadata
def _first(columns: dict[str, str] | list[str], *names: str) -> str | None:
    return next((n for n in names if n in columns), None)


def skill_versions(con: duckdb.DuckDBPyConnection, tables: list[Table]) -> dict[str, Any]:
    """ESCO version and skill model as recorded in the skills tables themselves (null when they are absent)."""
    by_name = {t.name: t for t in tables}
    esco: set[str] = set()
    models: list[dict[str, Any]] = []
    for name in ("outcome_skills", "offer_skills", "esco_skills"):
        table = by_name.get(name)
        if table and "esco_version" in table.columns:
            esco |= {r[0] for r in con.execute(f"select distinct esco_version from main.{name}").fetchall() if r[0]}
    table = by_name.get("outcome_skills")
    if table:
        cols = [c for c in ("method", "model") if c in table.columns]
        if cols:
            rows = con.execute(
                f"select {', '.join(cols)}, count(*) from main.outcome_skills group by all order by all"
            ).fetchall()
            models = [dict(zip([*cols, "rows"], r, strict=True)) for r in rows]
    return {"esco_version": sorted(esco)[-1] if len(esco) == 1 else (sorted(esco) or None), "skill_models": models}


def sources_metadata(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every source that contributed offers: the registry's terms next to its harvest history."""
    from scrapers.registry import registry

    try:
        reg = registry()
    except Exception:  # noqa: BLE001 - a broken custom registry must not stop a release; terms then stay null
        reg = {}
    runs = (
        {
            r[0]: r[1:]
            for r in con.execute(
                "select source, max(coalesce(finished_at, loaded_at)), "
                "arg_max(mode, coalesce(finished_at, loaded_at)), arg_max(status, coalesce(finished_at, loaded_at)), "
                "count(*) from main.harvest_runs group by 1"
            ).fetchall()
        }
        if "harvest_runs" in _present(con)
        else {}
    )
    exported = dict(con.execute("select source, count(*) from temp.release_offers group by 1").fetchall())
    out = []
    for name in sorted(set(runs) | set(exported)):
        src = reg.get(name)
        last, mode, status, n_runs = runs.get(name, (None, None, None, 0))
        out.append(
            {
                "name": name,
                "provider": src.provider if src else None,
                "type": src.type if src else None,
                "country": src.country if src else None,
                "base_url": src.base_url if src else None,
                "last_harvest_at": last.isoformat() if last else None,
                "last_harvest_mode": mode,
                "last_harvest_status": status,
                "harvest_runs": n_runs,
                "offers_exported": exported.get(name, 0),
                "terms": src.terms if src else None,
                "robots": src.robots if src else None,
            }
        )
    return out


SAMPLE_NOTE = (
    "Sample data: the offers were replayed offline from the small bundled snapshot (scrapers/snapshot, written for "
    "the tests and `make run`), not harvested from the sources' real catalogues; do not use them as figures about "
    "what is on offer in Europe."
)


def harvest_mode(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """How the exported offers were harvested: `mode` snapshot (the bundled sample) | live | mixed | unknown, with
    offers and harvest runs counted per mode; `sample` is true when any exported offer comes from the snapshot."""
    present = _present(con)
    offer_cols = _columns(con, "offers")
    if "harvest_mode" in offer_cols:
        sql = (
            "select coalesce(o.harvest_mode, 'unknown'), count(*) from main.offers o "
            "semi join temp.release_offers r using (source, source_id) group by 1 order by 1"
        )
    elif "run_id" in offer_cols and "harvest_runs" in present:
        sql = (
            "select coalesce(h.mode, 'unknown'), count(*) from main.offers o "
            "semi join temp.release_offers r using (source, source_id) "
            "left join main.harvest_runs h using (source, run_id) group by 1 order by 1"
        )
    else:
        sql = "select 'unknown', count(*) from temp.release_offers having count(*) > 0"
    offers = {str(m): int(n) for m, n in con.execute(sql).fetchall()}
    runs = (
        {
            str(m): int(n)
            for m, n in con.execute(
                "select coalesce(mode, 'unknown'), count(*) from main.harvest_runs group by 1 order by 1"
            ).fetchall()
        }
        if "harvest_runs" in present
        else {}
    )
    known = {m for m in offers if m != "unknown"}
    mode = known.pop() if len(known) == 1 else ("mixed" if known else "unknown")
    sample = offers.get("snapshot", 0) > 0
    out: dict[str, Any] = {"mode": mode, "sample": sample, "offers": offers, "harvest_runs": runs}
    if sample:
        out["note"] = SAMPLE_NOTE
    return out


def dictionary_entries(con: duckdb.DuckDBPyConnection, names: list[str]) -> tuple[list[dict[str, Any]], str]:
    """The warehouse's data dictionary for the exported tables (a bare one from information_schema as fallback)."""
    try:
        from warehouse.dictionary import data_dictionary

        entries = [e for e in data_dictionary(con) if e["name"] in names]
        origin = "warehouse.dictionary"
    except Exception:  # noqa: BLE001 - the dictionary is documentation; a release must not fail for it
        entries = [
            {
                "name": n,
                "kind": "table",
                "description": None,
                "built_by": None,
                "columns": [{"name": c, "type": t, "meaning": None} for c, t in _columns(con, n).items()],
            }
            for n in names
        ]
        origin = "information_schema"
    return sorted(entries, key=lambda e: names.index(e["name"]) if e["name"] in names else len(names)), origin


def dictionary_markdown(entries: list[dict[str, Any]], files: dict[str, str]) -> str:
    lines = ["# Data dictionary", "", "Every exported table and column, with its type and meaning.", ""]
    for entry in entries:
        lines += [f"## `{entry['name']}`", ""]
        if entry["name"] in files:
            lines += [f"File: `{files[entry['name']]}`", ""]
        if entry.get("description"):
            lines += [entry["description"], ""]
        if entry.get("built_by"):
            lines += [f"Built by: `{entry['built_by']}`", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for col in entry["columns"]:
            meaning = (col.get("meaning") or "").replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{col['name']}` | `{col['type']}` | {meaning} |")
        lines.append("")
    return "\n".join(lines)


def citation_cff(manifest: dict[str, Any]) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for this release; a release of the bundled sample says so in its
    title and abstract, so that nobody cites it as real data."""
    sources = ", ".join(s["name"] for s in manifest["sources"]) or "none"
    esco = manifest["skills"]["esco_version"]
    harvest = manifest.get("harvest_mode") or {}
    title = "MC Atlas: micro-credentials and short courses offered in Europe"
    lead = ""
    if harvest.get("mode") == "snapshot":
        title = "MC Atlas sample data (not real harvests): micro-credentials and short courses"
        lead = "SAMPLE DATA, replayed from the bundled snapshot, not harvested from the real catalogues. "
    elif harvest.get("sample"):
        title = "MC Atlas (partly sample data): micro-credentials and short courses offered in Europe"
        counts = ", ".join(f"{n} {m}" for m, n in sorted(harvest.get("offers", {}).items()))
        lead = f"PARTLY SAMPLE DATA ({counts} offers; snapshot = the bundled sample, not real harvests). "
    lines = [
        "cff-version: 1.2.0",
        "message: \"If you use this dataset, please cite it as below. Course texts remain subject to each source's "
        'terms (see manifest.json)."',
        "type: dataset",
        f'title: "{title}"',
        f'version: "{manifest["dataset_version"]}"',
        f"date-released: {manifest['created_at'][:10]}",
        "authors:",
        '  - name: "MC Atlas contributors"',
        f'abstract: "{lead}Offers harvested from {len(manifest["sources"])} sources ({sources}), '
        "normalised to the MC Atlas "
        f"offer schema {manifest['schema_version']}; {manifest['tables'][0]['rows'] if manifest['tables'] else 0} "
        f'offers; format {manifest["format"]}; content SHA-256 {manifest["content_sha256"]}."',
        "keywords:",
        "  - micro-credentials",
        "  - short courses",
        "  - European Learning Model",
        "  - ESCO",
    ]
    if esco:
        lines += [
            "references:",
            "  - type: data",
            f'    title: "ESCO (European Skills, Competences, Qualifications and Occupations) {esco}"',
            "    authors:",
            '      - name: "European Commission"',
            '    url: "https://esco.ec.europa.eu"',
        ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ writing
def _write_table(con: duckdb.DuckDBPyConnection, table: Table, path: Path, fmt: str) -> int:
    """One table to one file; returns its row count (for Parquet, read back from the file just written)."""
    options = "(format parquet, compression zstd)" if fmt == "parquet" else "(format csv, header true)"
    # The path is a bound parameter: a folder named "it's" must not end the SQL string literal.
    con.execute(f"copy ({_select(table, for_csv=fmt == 'csv')}) to ? {options}", [str(path)])
    if fmt == "parquet":
        return int(scalar(con, "select count(*) from read_parquet(?)", [str(path)]))
    return int(scalar(con, f"select count(*) from ({_select(table)})"))


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _skill_links(con: duckdb.DuckDBPyConnection, tables: list[Table]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """ESCO skills per outcome accepted by the skill model, and preferred labels, when the skills tables exist."""
    by_name = {t.name: t for t in tables}
    links: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    table = by_name.get("outcome_skills")
    uri = _first(table.columns, "skill_uri", "esco_uri", "uri", "skill") if table else None
    if table and uri and "outcome_id" in table.columns:
        accepted = _first(table.columns, "accepted", "is_accepted")
        rank = _first(table.columns, "rank")
        rows = con.execute(
            f'select outcome_id, "{uri}" from main.outcome_skills '
            f"where outcome_id in (select outcome_id from temp.release_outcomes) "
            f"{f'and {accepted}' if accepted else ''} order by outcome_id, {rank or uri}"
        ).fetchall()
        for outcome_id, skill in rows:
            links.setdefault(outcome_id, []).append(skill)
    skills = by_name.get("esco_skills")
    if skills:
        s_uri = _first(skills.columns, "uri", "skill_uri", "concept_uri")
        s_label = _first(skills.columns, "preferred_label", "preferred_label_en", "pref_label", "label")
        if s_uri and s_label:
            labels = dict(con.execute(f'select "{s_uri}", "{s_label}" from main.esco_skills').fetchall())
    return links, labels


def _write_jsonld(con: duckdb.DuckDBPyConnection, tables: list[Table], path: Path) -> int:
    links, labels = _skill_links(con, tables)
    cur = con.execute(
        "select * from main.offers where (source, source_id) in "
        "(select source, source_id from temp.release_offers) order by source, source_id"
    )
    names = [d[0] for d in cur.description]
    offers = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    cur = con.execute(
        "select outcome_id, source, source_id, position, text, lang, text_en, esco_uris "
        "from main.learning_outcomes where outcome_id in (select outcome_id from temp.release_outcomes)"
    )
    outcomes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for oid, source, source_id, position, text, lang, text_en, uris in cur.fetchall():
        merged = list(dict.fromkeys([*(uris or []), *links.get(oid, [])]))
        outcomes.setdefault((source, source_id), []).append(
            {"position": position, "text": text, "lang": lang, "text_en": text_en, "esco_uris": merged}
        )
    nodes = [elm_ld.learning_opportunity(o, outcomes.get((o["source"], o["source_id"]), []), labels) for o in offers]
    _write_text(
        path, json.dumps(elm_ld.document(nodes), ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n"
    )
    return len(nodes)


def content_sha256(files: dict[str, dict[str, Any]]) -> str:
    """One hash over the data files' checksums: the same data gives the same dataset version, whenever exported."""
    lines = "".join(f"{files[p]['sha256']}  {p}\n" for p in sorted(files) if p.startswith(f"{DATA_DIR}/"))
    return hashlib.sha256(lines.encode()).hexdigest()


def _package_version() -> str | None:
    try:
        return metadata.version("mcatlas")
    except metadata.PackageNotFoundError:
        return None


def _build(con: duckdb.DuckDBPyConnection, tmp: Path, fmt: str, where: str | None, warehouse: Path) -> dict[str, Any]:
    tables, absent = discover_tables(con)
    _select_offers(con, where, tables)
    (tmp / DATA_DIR).mkdir()
    table_entries: list[dict[str, Any]] = []
    if fmt == "jsonld":
        rel = f"{DATA_DIR}/learning_opportunities.jsonld"
        rows = _write_jsonld(con, tables, tmp / rel)
        table_entries.append(
            {
                "name": "learning_opportunities",
                "file": rel,
                "rows": rows,
                "from": ["offers", "learning_outcomes"]
                + [t.name for t in tables if t.name in ("outcome_skills", "esco_skills")],
                "filtered_by": "where",
            }
        )
        exported = ["offers", "learning_outcomes"]
    else:
        exported = []
        for table in tables:
            rel = f"{DATA_DIR}/{table.name}.{fmt}"
            rows = _write_table(con, table, tmp / rel, fmt)
            table_entries.append(
                {
                    "name": table.name,
                    "file": rel,
                    "rows": rows,
                    "filtered_by": {"offers": "where", None: None}.get(table.filtered_by, table.filtered_by),
                    "columns": len(table.columns),
                }
            )
            exported.append(table.name)
    files = {e["name"]: e["file"] for e in table_entries}
    entries, dict_origin = dictionary_entries(con, exported)
    _write_text(tmp / "DATA_DICTIONARY.md", dictionary_markdown(entries, files))
    _write_text(tmp / "data_dictionary.json", json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    checksums = {}
    for path in sorted(p for p in tmp.rglob("*") if p.is_file()):
        rel = path.relative_to(tmp).as_posix()
        checksums[rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    content = content_sha256(checksums)
    last_harvest = (
        scalar(con, "select max(coalesce(finished_at, loaded_at)) from main.harvest_runs")
        if "harvest_runs" in _present(con)
        else None
    )
    day = (last_harvest or datetime.now(UTC)).strftime("%Y-%m-%d")
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "dataset": "MC Atlas",
        "dataset_version": f"{day}.{content[:12]}",
        "content_sha256": content,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "format": fmt,
        "where": where,
        "schema_version": SCHEMA_VERSION,
        "mcatlas_version": _package_version(),
        "duckdb_version": duckdb.__version__,
        # the file name only: a release is shared, and the folder it was built in is nobody else's business
        "warehouse": warehouse.name,
        "harvest_mode": harvest_mode(con),
        "skills": skill_versions(con, tables),
        "sources": sources_metadata(con),
        "tables": table_entries,
        "tables_absent": absent,
        "data_dictionary": {"files": ["DATA_DICTIONARY.md", "data_dictionary.json"], "from": dict_origin},
        "files": checksums,
    }
    if fmt == "jsonld":
        manifest["elm"] = {"model": elm_ld.ELM, "class": "LearningOpportunity", "mapping": elm_ld.ELM_MAPPING}
    cff = citation_cff(manifest)
    _write_text(tmp / "CITATION.cff", cff)
    manifest["files"]["CITATION.cff"] = {
        "sha256": sha256_file(tmp / "CITATION.cff"),
        "bytes": (tmp / "CITATION.cff").stat().st_size,
    }
    # The manifest goes last: a folder without it is never a release.
    _write_text(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on device"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return exc.strerror.lower() if exc.strerror else "not writable"
    text = _oneline(exc)
    lowered = text.lower()
    if "no space left" in lowered:
        return "no space left on device"
    if "read-only file system" in lowered:
        return "read-only file system"
    if "permission denied" in lowered:
        return "permission denied"
    return text


def export_release(
    out: Path, fmt: str = "parquet", where: str | None = None, db: Path | None = None, force: bool = False
) -> dict[str, Any]:
    """Write a release to `out` atomically and return its manifest. Raises ReleaseError with one line on failure."""
    from warehouse import db as wh

    if fmt not in FORMATS:
        raise ReleaseError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    warehouse = Path(db) if db else wh.db_path()
    if not warehouse.exists():
        raise ReleaseError(f"no warehouse at {warehouse}; run `mcatlas run` first")
    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise ReleaseError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not (force and (out / MANIFEST).exists()):
        hint = " (--force replaces a previous release)" if (out / MANIFEST).exists() else ""
        raise ReleaseError(f"{out} already exists and is not empty{hint}")
    tmp = out.parent / f".{out.name}.partial-{uuid.uuid4().hex[:8]}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
    except OSError as exc:
        raise ReleaseError(f"cannot write release to {out}: {_describe(exc)}") from None
    try:
        with wh.connect(warehouse, read_only=True) as con:
            if where is not None:
                where = check_where(con, where)
            manifest = _build(con, tmp, fmt, where, warehouse)
        _replace(tmp, out)
    except ReleaseError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except wh.WarehouseError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ReleaseError(str(exc)) from None
    except (OSError, duckdb.Error) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ReleaseError(f"cannot write release to {out}: {_describe(exc)}; nothing was written") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _replace(tmp: Path, out: Path) -> None:
    """Move the finished folder into place; an earlier release (--force) is swapped out, then removed."""
    old = None
    if out.is_dir():
        if any(out.iterdir()):
            old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
            out.rename(old)
        else:
            out.rmdir()
    try:
        tmp.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    try:
        fd = os.open(out.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


# ------------------------------------------------------------------------------------------------ verifying
def verify_release(folder: Path) -> tuple[dict[str, Any], list[str]]:
    """Re-check every checksum in the manifest; returns the manifest and one line per problem (empty: intact)."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ReleaseError(f"{folder} is not a release: no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReleaseError(f"{path} cannot be read: {_oneline(exc)}") from None
    problems = []
    for rel, entry in sorted(files.items()):
        target = folder / rel
        if not target.is_file():
            problems.append(f"missing: {rel}")
            continue
        if target.stat().st_size != entry.get("bytes", target.stat().st_size):
            problems.append(f"size differs: {rel} ({target.stat().st_size} bytes, manifest {entry['bytes']})")
        elif sha256_file(target) != entry.get("sha256"):
            problems.append(f"checksum differs: {rel}")
    listed = set(files) | {MANIFEST}
    problems += [
        f"not in manifest: {p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in listed
    ]
    if not problems and manifest.get("content_sha256") != content_sha256(files):
        problems.append("content_sha256 does not match the data files' checksums")
    return manifest, problems
