"""The data dictionary: every table and column of the warehouse with its type, meaning and the SQL behind it.

Meanings come from two places only: the dbt project's schema and source files (warehouse/dbt/models/**.yml, read
from the dbt manifest) and, for columns that carry an Offer field, the Offer schema's field descriptions
(models/offer.py). `apply_comments` stores them as DuckDB comments so they travel with the file.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import duckdb

from models.offer import Offer

# Tables whose columns may carry Offer fields (and models with `meta: {offer_shaped: true}`).
OFFER_SHAPED = ("offers", "stg_offers", "offers_overview")
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog")


def _entry(node: dict[str, Any], built_by: str) -> dict[str, Any]:
    return {
        "description": node.get("description") or None,
        "built_by": built_by,
        "meta": node.get("meta") or {},
        "columns": {c: (v.get("description") or None) for c, v in (node.get("columns") or {}).items()},
    }


def _tables() -> dict[str, dict[str, Any]]:
    """Relation name -> description, built_by, meta, columns; from the dbt manifest (schema and source files)."""
    from warehouse.build import manifest

    return _tables_of(id(manifest()))


@cache
def _tables_of(manifest_id: int) -> dict[str, dict[str, Any]]:
    from warehouse.build import manifest

    found = manifest()
    tables: dict[str, dict[str, Any]] = {}
    for node in found["sources"].values():
        meta = node.get("meta") or {}
        tables[node.get("identifier") or node["name"]] = _entry(node, meta.get("built_by") or "python")
    for node in found["nodes"].values():
        if node["resource_type"] in ("model", "seed", "snapshot"):
            path = f"warehouse/dbt/{node['original_file_path']}"
            tables[node.get("alias") or node["name"]] = _entry(node, path)
    return tables


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
