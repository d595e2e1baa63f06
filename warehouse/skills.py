"""Skill tables in the warehouse: the ESCO release, the match cache, the outcome-to-skill views.

Matches are cached per (sha1 of the mapped text, model, ESCO release, method): a re-run embeds only texts it has
not seen with the same model and release. A run rewrites only `outcome_skill_texts` (which text of each outcome,
which model / release / method); `outcome_skills`, `outcome_skill_status` and `offer_skills` are views over it, the
cache and `skill_decisions`, so a warm run writes almost nothing. Analysts' verdicts are read, never written, and
survive every re-mapping. The ranking itself is models/skills (pure); this module is its DuckDB side.
"""

from __future__ import annotations

import csv
import logging
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb

from models.skills.esco import EscoRelease
from models.skills.index import Progress, eta
from models.skills.mapping import match_batch
from models.skills.matcher import ACCEPT_THRESHOLD, METHOD, Matcher
from warehouse.db import run_sql_file, scalar

__all__ = [
    "METHOD",
    "coverage_by_language",
    "ensure_tables",
    "ensure_views",
    "load_release",
    "map_outcomes",
    "record_decision",
]

log = logging.getLogger("mcatlas.skills")
TOP_K = 10
BATCH = 512
_CACHE_COLUMNS = [
    "text_hash",
    "model",
    "esco_version",
    "esco_fingerprint",
    "method",
    "rank",
    "skill_uri",
    "score",
    "problem",
]
_NULL = "\\N"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The skill tables (warehouse/sql/skills/skills_tables.sql), created empty when missing."""
    run_sql_file(con, "skills/skills_tables.sql")


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """outcome_skills, outcome_skill_status, offer_skills as views (needs learning_outcomes to exist)."""
    names = ("outcome_skills", "outcome_skill_status", "offer_skills")
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    if all(n in views for n in names):
        return
    kinds = dict(
        con.execute(
            "select table_name, table_type from information_schema.tables where table_name in "
            "('outcome_skills', 'outcome_skill_status', 'offer_skills')"
        ).fetchall()
    )
    for name, kind in kinds.items():
        if kind == "BASE TABLE":  # warehouses written before these became views
            con.execute(f"drop table {name}")
    run_sql_file(con, "skills/skills_views.sql")


def _bulk_insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows through a temporary CSV (no pandas/arrow needed, far faster than executemany)."""
    if not rows:
        return
    fd, name = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(columns)
            w.writerows(rows)
        cols = ", ".join(columns)
        con.execute(
            f"insert into {table} ({cols}) select {cols} from read_csv(?, header = true, all_varchar = true, "
            f"quote = '\"', escape = '\"', nullstr = '\\N')",
            [name],
        )
    finally:
        os.unlink(name)


# ------------------------------------------------------------------------------------------ the release
def _release_loaded(con: duckdb.DuckDBPyConnection, release: EscoRelease) -> bool:
    loaded = con.execute(
        "select fingerprint, active, skills from esco_releases where esco_version = ?", [release.version]
    ).fetchone()
    if loaded is None or loaded != (release.fingerprint, True, len(release.skills)):
        return False
    return scalar(con, "select count(*) from esco_skills where esco_version = ?", [release.version]) == loaded[2]


def _write_release(con: duckdb.DuckDBPyConnection, release: EscoRelease) -> None:
    """Replace this version's rows and make it the active release (caller holds the transaction)."""
    broader: dict[str, list[str]] = {}
    for a, b in release.broader:
        broader.setdefault(a, []).append(b)
    colls = release.collections_of()
    for table in ("esco_skills", "esco_skill_groups", "esco_skill_broader"):
        con.execute(f"delete from {table} where esco_version = ?", [release.version])
    sep = "\x1f"
    rows = [
        (
            release.version,
            s.uri,
            s.label,
            sep.join(s.alt_labels),
            s.skill_type,
            s.reuse_level,
            s.description,
            sep.join(broader.get(s.uri, [])),
            sep.join(colls.get(s.uri, [])),
        )
        for s in release.skills
    ]
    con.execute(
        "create or replace temp table _esco_in (v varchar, uri varchar, label varchar, alts varchar, "
        "type varchar, reuse varchar, descr varchar, broader varchar, colls varchar)"
    )
    _bulk_insert(con, "_esco_in", ["v", "uri", "label", "alts", "type", "reuse", "descr", "broader", "colls"], rows)
    con.execute(
        "insert into esco_skills select v, uri, label, "
        "case when alts = '' or alts is null then [] else string_split(alts, chr(31)) end, "
        "nullif(type, ''), nullif(reuse, ''), nullif(descr, ''), "
        "case when broader = '' or broader is null then [] else string_split(broader, chr(31)) end, "
        "case when colls = '' or colls is null then [] else string_split(colls, chr(31)) end from _esco_in"
    )
    con.executemany(
        "insert into esco_skill_groups values (?, ?, ?, ?, ?)",
        [(release.version, g["uri"], g["label"], g["code"], g["level"]) for g in release.groups],
    )
    con.execute("create or replace temp table _broader_in (v varchar, a varchar, b varchar)")
    _bulk_insert(con, "_broader_in", ["v", "a", "b"], [(release.version, a, b) for a, b in release.broader])
    con.execute("insert into esco_skill_broader select distinct v, a, b from _broader_in")
    con.execute("update esco_releases set active = false")
    con.execute("delete from esco_releases where esco_version = ?", [release.version])
    con.execute(
        "insert into esco_releases values (?, ?, ?, ?, ?, true)",
        [
            release.version,
            release.fingerprint,
            release.source,
            len(release.skills),
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )


def load_release(con: duckdb.DuckDBPyConnection, release: EscoRelease) -> int:
    """Write the release into esco_* tables (replacing that version) and mark it active; a re-run costs nothing."""
    ensure_tables(con)
    if _release_loaded(con, release):
        return len(release.skills)
    con.execute("begin transaction")
    try:
        _write_release(con, release)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(release.skills)


# ------------------------------------------------------------------------------------------ the mapping
def _prepare_todo(con: duckdb.DuckDBPyConnection) -> None:
    """Which text of each outcome is mapped (its own if English or unknown, else the source's English text), and
    its offer's topic (English title, else the title, then the first subject): the matcher's context. The hash
    keys the match cache, so it covers both: the same outcome under another course title is ranked again."""
    have = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'offers' and table_schema = 'main'"
        ).fetchall()
    }
    parts = []
    if "titles" in have:
        parts.append("nullif(trim(f.titles ->> '$.en'), '')")
    if {"title", "title_lang"} <= have:
        parts.append("case when coalesce(lower(f.title_lang), 'en') = 'en' then nullif(trim(f.title), '') end")
    if "subjects" in have:
        parts.append("f.subjects[1]")
    topic = f"coalesce({', '.join(parts)})" if parts else "null::varchar"
    offers = "left join offers f using (source, source_id)" if parts else ""
    con.execute(f"""
        create or replace temp table _todo as
        with texts as (
            select
                o.outcome_id,
                o.lang,
                case when coalesce(lower(o.lang), 'en') = 'en' then o.text
                     when nullif(trim(o.text_en), '') is not null then o.text_en end as map_text,
                case when coalesce(lower(o.lang), 'en') = 'en' then 'text'
                     when nullif(trim(o.text_en), '') is not null then 'text_en' end as mapped_from,
                {topic} as topic
            from learning_outcomes o
            {offers}
        )
        select *, sha1(map_text || chr(31) || coalesce(topic, '')) as text_hash from texts
    """)


def _missing_texts(con: duckdb.DuckDBPyConnection, key: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(hash, text, topic) of every text to map that the cache lacks for this model, release and method."""
    return con.execute(
        """
        select text_hash, any_value(map_text), any_value(topic) from _todo t
        where map_text is not null and not exists (
            select 1 from skill_match_cache c where c.text_hash = t.text_hash and c.model = $model
              and c.esco_version = $v and c.esco_fingerprint = $fp and c.method = $method)
        group by text_hash
    """,
        key,
    ).fetchall()


def _embed_missing(
    con: duckdb.DuckDBPyConnection,
    missing: list[tuple[str, str, str | None]],
    release: EscoRelease,
    model_id: str,
    matcher: Callable[[], Matcher],
    top_k: int,
    progress: Progress | None,
) -> tuple[int, int]:
    """Rank the missing texts batch by batch into the cache; (texts embedded, texts invalid)."""
    m = matcher()
    started = time.perf_counter()  # the rate counts mapping only, not loading the model and index
    if m.index.model_id != model_id or m.index.esco_fingerprint != release.fingerprint:
        raise ValueError(
            f"matcher is for {m.index.model_id} / {m.index.esco_version}, not {model_id} / {release.version}"
        )
    embedded = problems = 0
    head = (model_id, release.version, release.fingerprint, METHOD)
    for b in range(0, len(missing), BATCH):
        rows, ranked = match_batch(m, missing[b : b + BATCH], top_k)
        _bulk_insert(
            con,
            "skill_match_cache",
            _CACHE_COLUMNS,
            [
                (
                    r.text_hash,
                    *head,
                    r.rank,
                    _NULL if r.skill_uri is None else r.skill_uri,
                    _NULL if r.score is None else r.score,
                    _NULL if r.problem is None else r.problem,
                )
                for r in rows
            ],
        )
        embedded += ranked
        problems += sum(1 for r in rows if r.problem is not None)
        if progress:
            done = min(b + BATCH, len(missing))
            progress(
                f"mapped {done}/{len(missing)} new outcome texts "
                f"{eta(done, len(missing), time.perf_counter() - started)}"
            )
    return embedded, problems


def _texts_unchanged(con: duckdb.DuckDBPyConnection, key: dict[str, Any]) -> bool:
    """True when outcome_skill_texts already says exactly what this run would write."""
    digest = "select count(*), bit_xor(hash(outcome_id, lang, mapped_from, text_hash)) from {}"
    return (
        bool(
            scalar(
                con,
                "select count(*) = 0 from outcome_skill_texts where model <> $model or esco_version <> $v "
                "or esco_fingerprint <> $fp or method <> $method or threshold <> $threshold",
                key,
            )
        )
        and con.execute(digest.format("_todo")).fetchone()
        == con.execute(digest.format("outcome_skill_texts")).fetchone()
    )


def _write_texts(con: duckdb.DuckDBPyConnection, key: dict[str, Any]) -> None:
    """Rewrite outcome_skill_texts and the views over it in one transaction."""
    con.execute("begin transaction")
    try:
        con.execute(
            """
            create or replace table outcome_skill_texts as
            select outcome_id, lang, mapped_from, text_hash, $model as model, $v as esco_version,
                   $fp as esco_fingerprint, $method as method, $threshold::double as threshold
            from _todo
        """,
            key,
        )
        ensure_views(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def map_outcomes(
    con: duckdb.DuckDBPyConnection,
    release: EscoRelease,
    model_id: str,
    matcher: Callable[[], Matcher],
    top_k: int = TOP_K,
    threshold: float = ACCEPT_THRESHOLD,
    progress: Progress | None = log.info,
) -> dict[str, Any]:
    """Map every outcome; embed only texts missing from the cache. `matcher` is called only when needed;
    `progress` gets a line per batch of new texts (with rate and time left)."""
    ensure_tables(con)
    t0 = time.perf_counter()
    _prepare_todo(con)
    key: dict[str, Any] = {"model": model_id, "v": release.version, "fp": release.fingerprint, "method": METHOD}
    missing = _missing_texts(con, key)
    embedded = problems = 0
    if missing:
        embedded, problems = _embed_missing(con, missing, release, model_id, matcher, top_k, progress)
    t1 = time.perf_counter()
    key["threshold"] = threshold
    if embedded or problems or not _texts_unchanged(con, key):
        _write_texts(con, key)
    else:
        ensure_views(con)  # nothing changed since the last run: nothing to write
    t2 = time.perf_counter()
    return _summary(con, release, model_id, embedded, problems, t0, t1, t2, threshold)


def _summary(
    con: duckdb.DuckDBPyConnection,
    release: EscoRelease,
    model_id: str,
    embedded: int,
    problems: int,
    t0: float,
    t1: float,
    t2: float,
    threshold: float,
) -> dict[str, Any]:
    outcomes = scalar(con, "select count(*) from _todo")
    return {
        "outcomes": outcomes,
        "texts_embedded": embedded,
        "texts_invalid": problems,
        "texts_from_cache": outcomes - embedded - problems,
        "embed_seconds": round(t1 - t0, 3),
        "write_seconds": round(t2 - t1, 3),
        "seconds": round(t2 - t0, 3),
        "model": model_id,
        "esco_version": release.version,
        "method": METHOD,
        "threshold": threshold,
    }


def coverage_by_language(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Outcomes per language: mapped (and how many through the English text), not mapped, invalid."""
    rows = con.execute("""
        select coalesce(lang, '?') as lang, count(*) as outcomes,
               count(*) filter (where status = 'mapped') as mapped,
               count(*) filter (where status = 'mapped' and mapped_from = 'text_en') as via_english_text,
               count(*) filter (where status = 'not_mapped_language') as not_mapped_language,
               count(*) filter (where status = 'invalid') as invalid
        from outcome_skill_status group by 1 order by 2 desc, 1
    """).fetchall()
    cols = ["lang", "outcomes", "mapped", "via_english_text", "not_mapped_language", "invalid"]
    return [dict(zip(cols, r, strict=True)) for r in rows]


def record_decision(
    con: duckdb.DuckDBPyConnection,
    outcome_id: str,
    skill_uri: str,
    decision: str,
    analyst: str | None,
    note: str | None,
) -> None:
    """An analyst's verdict on an (outcome, skill) pair; re-mappings read it and never overwrite it."""
    ensure_tables(con)
    con.execute(
        "insert or replace into skill_decisions values (?, ?, ?, ?, current_timestamp, ?)",
        [outcome_id, skill_uri, decision, analyst, note],
    )
