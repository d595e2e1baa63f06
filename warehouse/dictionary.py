"""The data dictionary: every table and column of the warehouse with its type, meaning and the SQL behind it.

Meanings come from two places only: the dbt project's schema and source files (warehouse/dbt/models/**.yml and
seeds/*.yml, read as YAML: what dbt's manifest holds of them, without a `dbt parse` of seconds) and, for columns
that carry an Offer field, the Offer schema's field descriptions (models/offer.py). `apply_comments` stores them as
DuckDB comments so they travel with the file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from models.offer import Offer

# Tables whose columns may carry Offer fields (and models with `meta: {offer_shaped: true}`).
OFFER_SHAPED = ("offers", "stg_offers", "offers_overview")
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog")
DBT_PROJECT_DIR = Path(__file__).with_name("dbt")
SEED_PATHS = ("seeds", "../../models/reference")  # dbt_project.yml's seed-paths


def _tables() -> dict[str, dict[str, Any]]:
    """Relation name -> description, built_by, meta, columns; from the dbt project's schema and source files."""
    files = sorted(p for root in _yaml_roots() for p in root.rglob("*.yml") if "target" not in p.parts)
    return _tables_of(tuple((str(p), p.stat().st_mtime_ns) for p in files))


def _yaml_roots() -> list[Path]:
    return [DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "seeds"]


def _seed_file(name: str) -> str:
    """The seed's CSV as dbt's original_file_path names it (relative to the dbt project; seed-paths in
    dbt_project.yml)."""
    for folder in SEED_PATHS:
        if (DBT_PROJECT_DIR / folder / f"{name}.csv").exists():
            return f"{folder}/{name}.csv"
    return f"seeds/{name}.csv"


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


@cache
def _tables_of(files: tuple[tuple[str, int], ...]) -> dict[str, dict[str, Any]]:
    """Read straight from the YAML files (what dbt's manifest holds of them, without a `dbt parse` of seconds): the
    dictionary answers at once on a fresh checkout and after any edit. `files` (path, mtime) keys the cache."""
    import yaml

    sql_files = {p.stem: p for p in (DBT_PROJECT_DIR / "models").rglob("*.sql")}
    tables: dict[str, dict[str, Any]] = {}
    for name, _ in files:
        doc = yaml.load(Path(name).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if not isinstance(doc, dict):
            continue
        for src in doc.get("sources") or []:
            for node in src.get("tables") or []:
                entry = {**node, "meta": _meta(node)}
                tables[node.get("identifier") or node["name"]] = _entry(
                    entry, entry["meta"].get("built_by") or "python"
                )
        for kind in ("models", "seeds", "snapshots"):
            for node in doc.get(kind) or []:
                alias = (node.get("config") or {}).get("alias") or node["name"]
                if kind == "seeds":
                    path = _seed_file(node["name"])
                elif node["name"] in sql_files:
                    path = sql_files[node["name"]].relative_to(DBT_PROJECT_DIR).as_posix()
                else:
                    continue  # a schema entry without its model is no relation dbt builds
                tables[alias] = _entry({**node, "meta": _meta(node)}, f"warehouse/dbt/{path}")
    # models and seeds that no schema file describes are relations all the same (undocumented ones)
    for name, sql in sql_files.items():
        tables.setdefault(name, _entry({}, f"warehouse/dbt/{sql.relative_to(DBT_PROJECT_DIR).as_posix()}"))
    for folder in SEED_PATHS:
        for csv in sorted((DBT_PROJECT_DIR / folder).glob("*.csv")):
            tables.setdefault(csv.stem, _entry({}, f"warehouse/dbt/{folder}/{csv.name}"))
    return tables


def _entry(node: dict[str, Any], built_by: str) -> dict[str, Any]:
    columns = node.get("columns") or {}
    if isinstance(columns, list):  # a schema file lists columns; dbt's manifest keys them by name
        columns = {c["name"]: c for c in columns}
    return {
        "description": node.get("description") or None,
        "built_by": built_by,
        "meta": node.get("meta") or {},
        "columns": {c: (v.get("description") or None) for c, v in columns.items()},
    }


def column_meaning(table: str, column: str) -> str | None:
    entry = _tables().get(table, {})
    meaning = (entry.get("columns") or {}).get(column)
    if meaning:
        return meaning
    prefix = (entry.get("meta") or {}).get("pattern_columns")
    if prefix and column.startswith(prefix):
        return f"Share of offers with {column.removeprefix(prefix).replace('_', ' ')}."
    if table in OFFER_SHAPED or (entry.get("meta") or {}).get("offer_shaped"):
        field = Offer.model_fields.get(column)
        if field is not None and field.description:
            return field.description
    return None


def _objects(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        "select table_name, 'table' from duckdb_tables() where not internal and schema_name = 'main' "
        "union all select view_name, 'view' from duckdb_views() where not internal and schema_name = 'main' "
        "order by 1"
    ).fetchall()
    return [(name, kind) for name, kind in rows if not name.startswith("fts_")]


def data_dictionary(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One entry per table/view in the warehouse: name, kind, description, built_by, columns."""
    tables = _tables()
    out = []
    for name, kind in _objects(con):
        entry = tables.get(name, {})
        cols = con.execute(
            "select column_name, data_type from duckdb_columns() where table_name = ? and schema_name = 'main' "
            "order by column_index",
            [name],
        ).fetchall()
        out.append(
            {
                "name": name,
                "kind": kind,
                "description": entry.get("description"),
                "built_by": entry.get("built_by"),
                "columns": [{"name": c, "type": t, "meaning": column_meaning(name, c)} for c, t in cols],
            }
        )
    return out


def undocumented(con: duckdb.DuckDBPyConnection) -> list[str]:
    """`table` or `table.column` names that have no meaning in the dictionary."""
    missing = []
    for entry in data_dictionary(con):
        if not entry["description"]:
            missing.append(entry["name"])
        missing += [f"{entry['name']}.{c['name']}" for c in entry["columns"] if not c["meaning"]]
    return missing


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection, only: set[str] | None = None) -> int:
    """Store the dictionary as DuckDB comments (rebuilt tables lose theirs, so every publish of a build runs this
    for what it wrote)."""
    n = 0
    for entry in data_dictionary(con):
        if only is not None and entry["name"] not in only:
            continue
        kind = "view" if entry["kind"] == "view" else "table"
        if entry["description"]:
            con.execute(f"comment on {kind} {entry['name']} is {_quote(entry['description'])}")
            n += 1
        for col in entry["columns"]:
            if col["meaning"]:
                con.execute(f'comment on column {entry["name"]}."{col["name"]}" is {_quote(col["meaning"])}')
                n += 1
    return n


def dictionary_markdown(con: duckdb.DuckDBPyConnection) -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated by `mcatlas dictionary` from the warehouse, models/offer.py and the dbt project (warehouse/dbt).",
        "",
    ]
    for entry in data_dictionary(con):
        lines += [f"## `{entry['name']}` ({entry['kind']})", "", entry["description"] or "", ""]
        if entry["built_by"]:
            lines += [f"Built by: `{entry['built_by']}`", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for col in entry["columns"]:
            meaning = (col["meaning"] or "").replace("|", "\\|")
            lines.append(f"| `{col['name']}` | `{col['type']}` | {meaning} |")
        lines.append("")
    return "\n".join(lines)
