"""Entity resolution in the warehouse: clusters of listings that describe the same offer (offer_clusters).

Plain functions over a DuckDB connection, so the Dagster asset, the benchmark and the tests run the same code.
The SQL marts are dbt models (warehouse/dbt/models/marts).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from models.resolve import SOURCE_TYPE_PRECEDENCE, listing_from_row, resolve
from warehouse import db


def write_source_precedence(con: duckdb.DuckDBPyConnection, source_types: dict[str, str]) -> None:
    """source -> registry type -> precedence rank (see models.resolve.SOURCE_TYPE_PRECEDENCE)."""
    db.run_sql_file(con, "marts/offer_clusters.sql")
    con.execute("delete from source_precedence")
    rows = [(s, t, SOURCE_TYPE_PRECEDENCE.get(t, 5)) for s, t in sorted(source_types.items())]
    if rows:
        con.executemany("insert into source_precedence values (?, ?, ?)", rows)


def build_clusters(con: duckdb.DuckDBPyConnection, source_types: dict[str, str] | None = None) -> dict[str, Any]:
    """Cluster the current offers across sources and rewrite offer_clusters (one transaction)."""
    if source_types is None:
        from scrapers.registry import registry

        source_types = {name: src.type for name, src in registry().items()}
    started = time.perf_counter()
    offers = con.execute(
        "select source, source_id, title, provider, url, ects, ects_flag, workload_hours_min, workload_hours_max "
        "from offers"
    ).fetchall()
    outcomes: dict[tuple[str, str], list[str]] = {}
    for source, source_id, texts in con.execute(
        "select source, source_id, list(text order by position) from learning_outcomes group by all"
    ).fetchall():
        outcomes[(source, source_id)] = texts
    columns = (
        "source",
        "source_id",
        "title",
        "provider",
        "url",
        "ects",
        "ects_flag",
        "workload_hours_min",
        "workload_hours_max",
    )
    listings = [
        listing_from_row(dict(zip(columns, row, strict=True)), outcomes.get((row[0], row[1]), ())) for row in offers
    ]
    read_s = time.perf_counter() - started
    result = resolve(listings)
    resolve_s = time.perf_counter() - started - read_s
    con.execute("begin transaction")
    try:
        write_source_precedence(con, source_types)
        con.execute("delete from offer_clusters")
        if result.rows:
            with tempfile.TemporaryDirectory() as tmp:  # bulk insert: 200,000 rows in well under a second
                path = Path(tmp) / "clusters.jsonl"
                path.write_text("\n".join(json.dumps(r) for r in result.rows), encoding="utf-8")
                con.execute(
                    "insert into offer_clusters select cluster_id, source, source_id, cluster_size, linked_to_source, "
                    "linked_to_source_id, similarity, link_reason from read_json(?, format = 'newline_delimited', "
                    "columns = {cluster_id: 'varchar', source: 'varchar', source_id: 'varchar', "
                    "cluster_size: 'integer', linked_to_source: 'varchar', linked_to_source_id: 'varchar', "
                    "similarity: 'double', link_reason: 'varchar'})",
                    [str(path)],
                )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    clusters = db.one_row(
        con, "select count(distinct cluster_id), count(*) filter (where cluster_size > 1) from offer_clusters"
    )
    return {
        "offers": len(listings),
        "clusters": clusters[0],
        "offers_in_multi_source_clusters": clusters[1],
        "pairs_compared": result.pairs_compared,
        "links": result.links,
        "blocks_skipped": result.blocks_skipped,
        "read_seconds": round(read_s, 2),
        "resolve_seconds": round(resolve_s, 2),
    }
