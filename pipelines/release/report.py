"""`mcatlas report`: a self-contained HTML (or PDF) report for policy researchers that reads like one.

The page opens with an introduction (what the dataset is, when and from which sources it was built, and a banner
when it is sample data from the bundled snapshot), a method section (ECTS and EQF, duplicates, skill matching and
its measured precision) and the caveats (coverage, unknowns), then the charts. Charts count courses: listings are
grouped by their duplicate cluster (`warehouse/sql/report/_courses.sql`), so a course on two sources counts once.

Every chart is an inline SVG drawn here from the rows of one query in `warehouse/sql/report/*.sql`, and the query
follows the chart in a <details> block, so a reader can rerun it. No CDN, no script: the page opens offline and
prints as it shows. Every text that can come from a source (labels, names) goes through `html.escape`. A chart
whose tables the warehouse does not have yet shows which table is missing instead of failing the report; an empty
or all-zero chart says why.

A query file starts with comment lines that describe the chart:
`-- title:`, `-- about:`, `-- chart: bar | column | share`, `-- requires: table, table` and `-- empty:` (why the
chart can be empty). Its first column is the label; every further column is one numeric series (stacked).
Files starting with `_` are not charts: they define the temporary views the charts read.

`--format pdf` and PNG charts are printed by headless Chromium (`find_chromium`); SVG charts need nothing.
"""

from __future__ import annotations

import html
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from pipelines.release import ReleaseError
from warehouse.db import SQL_DIR, one_row, scalar

REPORT_SQL = SQL_DIR / "report"
PALETTE = ("#1f5f99", "#e08a1e", "#9aa5b1", "#3a9a5b", "#b8413c", "#7b5ea7")
CHART_KINDS = ("bar", "column", "share")
FORMATS = ("html", "pdf")
CHART_FORMATS = ("svg", "png")
SAMPLE_BANNER = "Sample data: built from the bundled snapshot files, not a live harvest"
# words that keep their capitals in a sentence-case caption or label
ACRONYMS = {"ects": "ECTS", "eqf": "EQF", "esco": "ESCO", "iso": "ISO", "eu": "EU", "euroteq": "EuroTeQ"}
RULE_LABELS = {
    "taught_in_english": "Taught in English",
    "online_hybrid_or_blended": "Online, hybrid or blended",
    "ects_2_to_10": "2 to 10 ECTS",
    "two_or_more_course_elements": "Two or more course elements",
    "intercultural_interdisciplinary_or_entrepreneurial": "Intercultural, interdisciplinary or entrepreneurial",
}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_CHROMIUM = (
    "needs headless Chromium and none was found: install it (`make browser`, Debian's `chromium` package) "
    "or set MCATLAS_CHROMIUM to its path"
)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@dataclass
class Chart:
    name: str
    title: str
    about: str
    kind: str
    requires: list[str]
    sql: str
    empty: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    note: str | None = None
    explain: list[str] = field(default_factory=list)


def load_charts(folder: Path = REPORT_SQL) -> list[Chart]:
    """The chart definitions, in file-name order (files starting with `_` define views, not charts)."""
    charts = []
    for path in sorted(folder.glob("*.sql")):
        if path.name.startswith("_"):
            continue
        sql = path.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for line in sql.splitlines():
            if not line.startswith("--"):
                break
            key, _, value = line[2:].strip().partition(":")
            meta[key.strip()] = value.strip()
        kind = meta.get("chart", "bar")
        if kind not in CHART_KINDS:
            raise ReleaseError(f"{path.name}: unknown chart kind {kind!r} (one of {', '.join(CHART_KINDS)})")
        charts.append(
            Chart(
                name=path.stem,
                title=meta.get("title", path.stem),
                about=meta.get("about", ""),
                kind=kind,
                requires=[t.strip() for t in meta.get("requires", "").split(",") if t.strip()],
                sql=sql.strip(),
                empty=meta.get("empty", ""),
            )
        )
    return charts


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute("select table_name from information_schema.tables where table_schema = 'main'").fetchall()
    }


def prepare_views(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the report's temporary views (`_courses.sql`); True when duplicate clusters exist to group by.

    Without `offer_clusters` (a warehouse built before entity resolution), empty temporary stand-ins let the
    views run, and every listing is its own course; the method section says so. Without `offer_providers`, the
    source's own provider names and stated countries stand in."""
    present = tables(con)
    if "offer_clusters" not in present:
        con.execute("create temp table offer_clusters (cluster_id varchar, source varchar, source_id varchar)")
    if "source_precedence" not in present:
        con.execute("create temp table source_precedence (source varchar, precedence integer)")
    if "offer_providers" not in present and "offers" in present:
        # a warehouse built before canonical providers: every listing keeps its source's name and stated country
        con.execute(
            "create temp table offer_providers as select source, source_id, provider, provider as provider_raw, "
            "country, case when country is not null then 'given' end as country_flag from offers"
        )
    for statement in con.extract_statements((REPORT_SQL / "_courses.sql").read_text(encoding="utf-8")):
        con.execute(statement.query)
    return "offer_clusters" in present


def run_charts(con: duckdb.DuckDBPyConnection, charts: list[Chart]) -> list[Chart]:
    """Run each chart's query; a missing table or a failing query becomes the chart's note, and an empty or
    all-zero result an explanation."""
    present = tables(con)
    for chart in charts:
        missing = [t for t in chart.requires if t not in present]
        if missing:
            chart.note = (
                f"Not drawn: this warehouse has no {', '.join(missing)} "
                f"{'table' if len(missing) == 1 else 'tables'} yet."
            )
            continue
        try:
            cur = con.execute(chart.sql)
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        except duckdb.Error as exc:
            chart.note = f"Not drawn: the query failed ({' '.join(str(exc).split())[:300]})."
            continue
        chart.columns = [column_label(c) for c in columns]
        chart.rows = [(value_label(columns[0], row[0]), *row[1:]) for row in rows]
        if not chart.rows:
            chart.note = f"Nothing to draw: the query returned no rows. {chart.empty}".strip()
        elif not any(_num(v) for row in chart.rows for v in row[1:]):
            chart.explain.append(f"Every value is zero. {chart.empty}".strip())
    return charts


# ------------------------------------------------------------------------------------------------- labels
def sentence(text: str) -> str:
    """Snake case to a sentence-case phrase, acronyms kept: `ects_flag` -> `ECTS flag`."""
    words = [ACRONYMS.get(w.lower(), w) for w in str(text).replace("_", " ").split()]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def column_label(name: str) -> str:
    return RULE_LABELS.get(name) or sentence(name)


@cache
def _registry() -> dict[str, Any]:
    try:
        from scrapers.registry import registry

        return dict(registry())
    except Exception:  # a broken registry must not stop a report; the raw names are shown instead
        return {}


@cache
def source_label(name: str) -> str:
    """A source's readable name: its provider from the registry, shortened (lists and, for long names, the
    bracketed part dropped), with the platform where two registry entries share the provider (DTU's course base
    and DTU's OOAPI endpoint: "DTU: DTU course web service", "DTU: Open Education API")."""
    entries = _registry()
    src = entries.get(name)
    if src is None:
        return name
    label = _short(src.provider)
    if sum(1 for other in entries.values() if _short(other.provider) == label) > 1 and src.platform:
        acronym = re.search(r"\(([^()]{2,12})\)$", label)
        platform = src.platform.split(",")[0].split(" (")[0]
        return f"{acronym.group(1) if acronym else label}: {platform}"
    if len(label) > 40 and label.endswith(")") and " (" in label:
        label = label[: label.rindex(" (")]
    return label


def _short(provider: str) -> str:
    out = provider
    while "(" in out and "," in out[out.find("(") : out.find(")") + 1]:
        out = (out[: out.find("(")].rstrip() + out[out.find(")") + 1 :]).strip()
    return out.split(", ")[0].strip() or provider


def country_label(code: Any) -> str:
    if code is None or str(code).lower() == "unknown":
        return "Unknown"
    import pycountry

    country = pycountry.countries.get(alpha_2=str(code))
    name = getattr(country, "common_name", None) or getattr(country, "name", None)
    return f"{name} ({code})" if name else str(code)


def value_label(column: str, value: Any) -> Any:
    """The readable form of a chart's label: sources and countries by name, rules and collections in words."""
    if value is None:
        return "Unknown"
    if column == "source":
        return source_label(str(value))
    if column == "country":
        return country_label(value)
    if column == "rule":
        return RULE_LABELS.get(str(value), sentence(str(value)))
    if column in ("collection", "skill", "skill_group"):  # ESCO's labels are lower case: capitalise the first
        text = str(value)
        return sentence(text) if column == "collection" else text[:1].upper() + text[1:]
    return value


# ---------------------------------------------------------------------------------------------------- SVG
def _num(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _fmt(value: float, percent: bool = False) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return text + ("%" if percent else "")


def _scale(maximum: float, percent: bool) -> tuple[float, float]:
    """Axis end and tick step: 0-100 for shares; for counts a 1-2-5 step so that ticks are whole numbers."""
    if percent:
        return 100.0, 25.0
    raw = max(maximum, 1.0) / 4
    magnitude = 10.0 ** math.floor(math.log10(raw)) if raw >= 1 else 1.0
    step = next((m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw), 10 * magnitude)
    step = max(1.0, step)
    return step * math.ceil(max(maximum, 1.0) / step), step


def _legend(series: list[str], x: float, y: float) -> list[str]:
    if len(series) < 2:
        return []
    out = []
    for i, name in enumerate(series):
        out.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 16:.0f}" y="{y:.0f}" class="lg">{esc(name)}</text>')
        x += 28 + 7.5 * len(str(name))
    return out


def bar_svg(chart: Chart, width: int = 880) -> str:
    """Horizontal (stacked) bars: one row per label, the total at the end of the bar."""
    percent = chart.kind == "share"
    series = chart.columns[1:]
    label_w, row_h, top = 350, 24, 34 if len(series) > 1 else 10
    plot_w = width - label_w - 70
    totals = [sum(_num(v) for v in row[1:]) for row in chart.rows]
    scale_max, step = _scale(max(totals, default=0.0), percent)
    height = top + row_h * len(chart.rows) + 26
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{esc(chart.title)}">'
    ]
    parts += _legend(series, label_w, 18)
    for tick in range(round(scale_max / step) + 1):
        x = label_w + plot_w * tick * step / scale_max
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 22}" class="grid"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" class="ax" text-anchor="middle">'
            f"{esc(_fmt(tick * step, percent))}</text>"
        )
    for i, row in enumerate(chart.rows):
        y = top + i * row_h
        label = str(row[0])
        short = label if len(label) <= 54 else label[:52] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" class="lb" text-anchor="end"><title>{esc(label)}</title>'
            f"{esc(short)}</text>"
        )
        x = float(label_w)
        for j, value in enumerate(row[1:]):
            w = plot_w * _num(value) / scale_max
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"><title>{esc(label)}: {esc(series[j])} '
                    f"{esc(_fmt(_num(value), percent))}</title></rect>"
                )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="val">{esc(_fmt(totals[i], percent))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_svg(chart: Chart, width: int = 880, height: int = 300) -> str:
    """Vertical (stacked) columns for distributions: labels (bins) along the x axis, in query order."""
    series = chart.columns[1:]
    left, top, bottom = 50, 34 if len(series) > 1 else 14, 46
    plot_w, plot_h = width - left - 20, height - top - bottom
    totals = [sum(_num(v) for v in row[1:]) for row in chart.rows]
    scale_max, step = _scale(max(totals, default=0.0), False)
    slot = plot_w / max(1, len(chart.rows))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{esc(chart.title)}">'
    ]
    parts += _legend(series, left, 18)
    for tick in range(round(scale_max / step) + 1):
        y = top + plot_h - plot_h * tick * step / scale_max
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 20}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="ax" text-anchor="end">{esc(_fmt(tick * step))}</text>'
        )
    for i, row in enumerate(chart.rows):
        x = left + i * slot + slot * 0.15
        y = float(top + plot_h)
        for j, value in enumerate(row[1:]):
            h = plot_h * _num(value) / scale_max
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"><title>{esc(row[0])}: {esc(series[j])} '
                    f"{esc(_fmt(_num(value)))}</title></rect>"
                )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" class="val" text-anchor="middle">'
            f"{esc(_fmt(totals[i]))}</text>"
        )
        parts.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{top + plot_h + 18}" class="ax" text-anchor="middle">'
            f"{esc(row[0])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def data_table(chart: Chart) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in chart.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in chart.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chart_svg(chart: Chart) -> str:
    return column_svg(chart) if chart.kind == "column" else bar_svg(chart)


# -------------------------------------------------------------------------------------------------- facts
@dataclass
class Facts:
    """What the introduction, method and caveats say, read from the warehouse."""

    generated: str
    warehouse: str
    listings: int = 0
    withdrawn: int = 0
    courses: int = 0
    shared_courses: int = 0
    clusters_built: bool = False
    sources: list[tuple[str, str, int, str]] = field(default_factory=list)  # name, label, listings, mode
    modes: dict[str, int] = field(default_factory=dict)  # harvest mode -> current listings
    first_harvest: str = "never"
    last_harvest: str = "never"
    unknown: dict[str, int] = field(default_factory=dict)
    ects_flags: dict[str, int] = field(default_factory=dict)
    eqf_flags: dict[str, int] = field(default_factory=dict)
    skills: dict[str, Any] = field(default_factory=dict)
    euroteq: list[str] = field(default_factory=list)
    euroteq_short: list[str] = field(default_factory=list)

    @property
    def sample(self) -> bool:
        """Every current listing comes from a snapshot harvest (the bundled files), none from a live one."""
        return bool(self.modes) and set(self.modes) == {"snapshot"}


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def gather_facts(con: duckdb.DuckDBPyConnection, db: Path, clusters_built: bool) -> Facts:
    facts = Facts(generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), warehouse=db.name)
    facts.clusters_built = clusters_built
    facts.listings, facts.withdrawn = one_row(
        con,
        "select count(*) filter (where status = 'active'), count(*) filter (where status = 'withdrawn') from offers",
    )
    facts.courses, facts.shared_courses = one_row(
        con, "select count(*), count(*) filter (where listings > 1) from report_courses"
    )
    facts.modes = dict(
        con.execute(
            "select coalesce(r.mode, 'unknown'), count(*) from report_listings l "
            "left join harvest_runs r using (source, run_id) group by all order by 2 desc"
        ).fetchall()
    )
    facts.sources = [
        (name, source_label(name), n, mode or "unknown")
        for name, n, mode in con.execute(
            "select l.source, count(*), string_agg(distinct r.mode, ', ' order by r.mode) from report_listings l "
            "left join harvest_runs r using (source, run_id) group by all order by count(*) desc, l.source"
        ).fetchall()
    ]
    first, last = one_row(
        con, "select min(coalesce(finished_at, loaded_at)), max(coalesce(finished_at, loaded_at)) from harvest_runs"
    )
    facts.first_harvest, facts.last_harvest = _when(first), _when(last)
    unknown = one_row(
        con,
        "select count(*) filter (where country is null), count(*) filter (where ects is null), "
        "count(*) filter (where eqf_level is null), "
        "count(*) filter (where workload_hours_min is null and workload_hours_max is null) from report_courses",
    )
    facts.unknown = dict(zip(("country", "ECTS", "EQF level", "workload"), unknown, strict=True))
    for column, target in (("ects_flag", facts.ects_flags), ("eqf_flag", facts.eqf_flags)):
        target.update(
            con.execute(
                f"select coalesce({column}, 'not stated'), count(*) from report_courses group by all order by 2 desc"
            ).fetchall()
        )
    facts.skills = skill_facts(con)
    facts.euroteq, facts.euroteq_short = euroteq_findings(con)
    return facts


def warehouse_facts(con: duckdb.DuckDBPyConnection, db: Path) -> dict[str, Any]:
    """The one-line facts under the title (kept for callers that want them as a mapping)."""
    offers = one_row(con, "select count(*) filter (where status = 'active'), count(distinct source) from offers")
    last = scalar(con, "select max(coalesce(finished_at, loaded_at)) from harvest_runs")
    return {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "warehouse": db.name,
        "current offers": offers[0],
        "sources": offers[1],
        "last harvest": last.strftime("%Y-%m-%d %H:%M") if last else "never",
        **skill_facts(con),
    }


def skill_facts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The skill model behind the skill charts and its measured precision, when the warehouse has a mapping."""
    from models.skills.rerank import quality_statement

    if not scalar(con, "select count(*) from information_schema.tables where table_name = 'outcome_skill_texts'"):
        return {}
    methods = [r[0] for r in con.execute("select distinct method from outcome_skill_texts order by 1").fetchall()]
    if not methods:
        return {}
    facts: dict[str, Any] = {"skill model": ", ".join(methods) + " (skill charts count accepted matches only)"}
    stated = [q for q in (quality_statement(m) for m in methods) if q]
    if stated:
        facts["skill match precision"] = "; ".join(stated)
    return facts


ELEMENTS_HINT = (
    "the rule looks for a programme of two or more courses, or for two kinds of teaching element (lectures, "
    "exercises, project work, labs, seminars, group work, case studies, discussion, quizzes, field work) in the "
    "description, the teaching methods or the eduXchange activities"
)


def euroteq_findings(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    """Why few or no listings are EuroTeQ-eligible, in sentences: for the alliance's own catalogue (source
    `euroteq`) and for every listing, the rules that fail or cannot be decided, the most frequent first."""
    if not {"euroteq_eligibility", "euroteq_eligible_offers"} <= tables(con):
        return [], []
    out: list[str] = []
    short: list[str] = []  # headline and main rule only, for the caveats
    hinted = False
    for who, where in (
        ("EuroTeQ's own catalogue (source euroteq)", "l.source = 'euroteq'"),
        ("All sources together", "true"),
    ):
        total, eligible, undecided, failed = one_row(
            con,
            "select count(*), count(*) filter (where e.eligible), count(*) filter (where e.eligible is null), "
            "count(*) filter (where not e.eligible) from euroteq_eligible_offers e "
            f"join report_listings l using (source, source_id) where {where}",
        )
        if not total:
            continue
        text = (
            f"{who}: of {total} current listings, {eligible} eligible, {undecided} undecided and {failed} not eligible."
        )
        blockers = con.execute(
            "select r.rule, count(*) filter (where r.result is null), count(*) filter (where not r.result), "
            "mode(r.reason) from euroteq_eligibility r "
            "join euroteq_eligible_offers e using (source, source_id) "
            f"join report_listings l using (source, source_id) where {where} and e.eligible is not true "
            "and r.rule <> 'intercultural_interdisciplinary_or_entrepreneurial' and r.result is not true "
            "group by all order by count(*) desc, r.rule"
        ).fetchall()
        parts = []
        for rule, unknown, fails, reason in blockers[:3]:
            said = " and ".join(
                p
                for p in (f"cannot be decided for {unknown}" if unknown else "", f"fails for {fails}" if fails else "")
                if p
            )
            parts.append(f"“{RULE_LABELS.get(rule, rule)}” {said} (most frequent reason: {reason})")
        if parts:
            text += " The rule that holds most of them back: " + parts[0] + "."
            short.append(text)
            if len(parts) > 1:
                text += " Next: " + "; ".join(parts[1:]) + "."
        if blockers and blockers[0][0] == "two_or_more_course_elements" and not hinted:
            hinted = True
            text += (
                f" About that rule: {ELEMENTS_HINT}. These listings state none, so the rule stays undecided "
                "(unknown is never counted as a fail) and the listing cannot be counted eligible."
            )
        out.append(text)
    return out, short


# --------------------------------------------------------------------------------------------------- page
SVG_CSS = (
    ".lb{font-size:12px;fill:#1d2630}.val{font-size:11px;fill:#1d2630;font-weight:600}"
    ".ax{font-size:11px;fill:#56606b}.lg{font-size:12px;fill:#1d2630}.grid{stroke:#e3e7eb;stroke-width:1}"
)
CSS = (
    """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:940px;
color:#1d2630;line-height:1.45;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin:2.2rem 0 .3rem;border-top:1px solid #d5dbe1;
padding-top:1rem}h3{font-size:1rem;margin:1.2rem 0 .2rem}.meta{color:#56606b;font-size:.9rem}
.about{color:#3d4752;margin:.2rem 0 .6rem}
.note,.explain{background:#fff6e0;border-left:4px solid #e0a21e;padding:.6rem .8rem;margin:.6rem 0}
.banner{background:#b8413c;color:#fff;font-weight:600;padding:.7rem 1rem;margin:0 0 1rem;border-radius:3px}
svg{display:block;max-width:100%;height:auto}svg text{font-family:inherit}
details{margin:.4rem 0}summary{cursor:pointer;color:#1f5f99}
pre{background:#f4f6f8;padding:.7rem;overflow-x:auto;font-size:.8rem}table{border-collapse:collapse;font-size:.8rem}
td,th{border:1px solid #d5dbe1;padding:.15rem .5rem;text-align:left}nav ol{columns:2;font-size:.9rem}
figure{margin:0}figcaption{color:#3d4752;margin:.2rem 0 .6rem}
@page{size:A4;margin:14mm}h2,h3{break-after:avoid}
@media print{body{margin:0;max-width:none}section.chart{break-inside:avoid}details{display:none}
.banner{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""
    + SVG_CSS
)


def _pct(n: int, total: int) -> str:
    return f"{n} of {total} ({100 * n / total:.0f}%)" if total else f"{n}"


def _counts(flags: dict[str, int]) -> str:
    return ", ".join(f"{esc(k)} {v}" for k, v in flags.items()) or "none"


def intro_html(f: Facts) -> str:
    modes = ", ".join(f"{esc(m)} {n}" for m, n in f.modes.items()) or "none"
    if f.sample:
        kind = (
            "This build is <strong>sample data</strong>: every listing comes from the snapshot files bundled with "
            "MC Atlas (recorded or hand-written responses replayed offline), not from a live harvest of the "
            "sources. The numbers show what the pipeline does, not the size of the European market."
        )
    elif "snapshot" in f.modes:
        kind = (
            f"This build mixes live harvests and the bundled snapshot files: {f.modes['snapshot']} of {f.listings} "
            "current listings come from the snapshot."
        )
    else:
        kind = "Every current listing comes from a live harvest of its source."
    rows = "".join(
        f"<tr><td>{esc(label)}</td><td><code>{esc(name)}</code></td><td>{n}</td><td>{esc(mode)}</td></tr>"
        for name, label, n, mode in f.sources
    )
    return (
        '<section id="introduction"><h2>Introduction</h2>'
        "<p>MC Atlas collects short courses and micro-credentials offered in Europe from MOOC platforms, university "
        "and alliance catalogues and European registers, and maps every listing onto one schema built on the "
        "standard elements of the EU Council Recommendation on micro-credentials (2022): title, provider, country, "
        "learning outcomes, notional workload (ECTS), level (EQF), assessment, form of participation and quality "
        "assurance. Learning outcomes are linked to ESCO skills.</p>"
        f"<p>This report describes the warehouse <code>{esc(f.warehouse)}</code>, built from harvests that finished "
        f"between {esc(f.first_harvest)} and {esc(f.last_harvest)}; the report was generated on {esc(f.generated)}. "
        f"It holds <strong>{f.listings}</strong> current listings from <strong>{len(f.sources)}</strong> sources "
        f"({f.withdrawn or 'no'} more {'was' if f.withdrawn == 1 else 'were'} withdrawn by their source). "
        "Grouped into courses, they are "
        f"<strong>{f.courses}</strong> distinct courses, {f.shared_courses} of them listed on more than one source. "
        f"Unless a caption says otherwise, the charts count courses.</p>"
        f"<p>{kind} Harvest mode of the current listings: {modes}.</p>"
        f"<details><summary>Sources ({len(f.sources)})</summary><table><thead><tr><th>Source</th><th>Registry name"
        f"</th><th>Current listings</th><th>Harvest mode</th></tr></thead><tbody>{rows}</tbody></table></details>"
        "</section>"
    )


def method_html(f: Facts) -> str:
    if f.clusters_built:
        dedup = (
            f"Listings of the same course on different sources are grouped into clusters (<code>offer_clusters</code>, "
            "<code>models/resolve.py</code>): candidate pairs share a normalised title, a provider key with the "
            "title's first words, or a canonical URL; a pair is linked when the weighted similarity of title, "
            "provider, learning outcomes, workload and URL reaches 0.85, the titles agree and the providers do not "
            "contradict, and two listings of one source never share a cluster. A chart counts each cluster once, "
            "described by its listing from the best source: the provider's own catalogue over platforms over "
            f"aggregators. Here {f.listings} listings make {f.courses} courses."
        )
    else:
        dedup = (
            "Duplicates across sources have not been resolved in this warehouse (no <code>offer_clusters</code> "
            "table; run <code>mcatlas run</code>), so every listing counts as its own course."
        )
    skills = (
        "Learning outcomes are matched to ESCO skills by the skill model "
        f"{esc(f.skills['skill model'].replace(' (skill charts count accepted matches only)', ''))}. "
        + (
            f"Measured precision: {esc(f.skills['skill match precision'])}."
            if "skill match precision" in f.skills
            else "No measured precision is recorded for this method."
        )
        if f.skills
        else "The skill mapping has not run on this warehouse, so the skill charts are empty "
        "(<code>mcatlas skills map</code>)."
    )
    return (
        '<section id="method"><h2>Method</h2>'
        "<p>Each source is harvested by a spider that obeys robots.txt and throttles its requests; a parser maps "
        "each listing to the common schema, and the normaliser derives comparable values from the source's own "
        "words, recording for each value the rule that produced it (<code>docs/normalisation.md</code>).</p>"
        "<h3>ECTS credits</h3><p>ECTS credits are kept when the source gives them (in a credit field, or stated in "
        "the workload, certificate or title text); UK credits (CATS, SCQF) are halved and flagged as converted; "
        "otherwise they are estimated from the notional workload at 25 to 30 hours per credit (ECTS Users' Guide "
        "2015) and flagged as estimated. Estimated credits never feed back into the workload. A given value that "
        "contradicts the hours the source states by more than a factor of two is kept and flagged with the reason. "
        "Courses by ECTS origin: "
        f"{_counts(f.ects_flags)}.</p>"
        "<h3>EQF level</h3><p>The EQF level is kept when the source states it, and otherwise inferred only from "
        "explicit signals: a programme level (bachelor, master, PhD), a national qualifications framework level "
        "mapped by its EQF referencing report (SCQF, RQF/FHEQ and the Open University's study levels, DQR, "
        "Ireland's NFQ, France's 2019 framework, Swedish cycles; seed <code>qf_levels</code>), credit-bearing "
        "platform credentials, or a level stated in the description. Difficulty words such as “introductory” infer "
        f"nothing. Courses by EQF origin: {_counts(f.eqf_flags)}.</p>"
        f"<h3>Duplicates</h3><p>{dedup}</p>"
        f"<h3>Skills</h3><p>{skills} The skill charts count accepted matches only.</p>"
        "<h3>EuroTeQ checklist</h3><p>Each listing is checked against the EuroTeQ micro-credential checklist: taught "
        "in English; online, hybrid or blended; 2 to 10 ECTS; two or more course elements; and, where detectable, "
        "intercultural, interdisciplinary or entrepreneurial elements. A rule the data cannot decide stays unknown, "
        "never false; a listing is eligible when the four decidable rules pass.</p>"
        "</section>"
    )


def caveats_html(f: Facts) -> str:
    items = []
    if f.sample:
        items.append(
            "This is sample data from the bundled snapshot: a few listings per source, chosen to exercise the "
            "parsers, so no share or ranking here describes the real offer of courses."
        )
    items.append(
        f"Coverage: {len(f.sources)} sources; a source that was not harvested, failed or is not in the registry "
        "contributes nothing, and each source shows only what it publishes. Withdrawn listings are left out of every "
        "chart except listings by source."
    )
    total = f.courses
    items.append(
        "Unknowns, of "
        f"{total} courses: country unknown for {_pct(f.unknown.get('country', 0), total)}, ECTS for "
        f"{_pct(f.unknown.get('ECTS', 0), total)}, EQF level for {_pct(f.unknown.get('EQF level', 0), total)}, "
        f"notional workload for {_pct(f.unknown.get('workload', 0), total)}. Charts show these as “Unknown” or "
        "“Not stated”, never as zero."
    )
    if not f.clusters_built:
        items.append("Duplicates are not resolved in this warehouse: a course listed on two sources counts twice.")
    if f.euroteq_short:
        items.append(esc(f.euroteq_short[0]) + " The chart of EuroTeQ-eligible listings says why, source by source.")
    return '<section id="caveats"><h2>Caveats</h2><ul>' + "".join(f"<li>{i}</li>" for i in items) + "</ul></section>"


def chart_html(c: Chart) -> str:
    body = [f'<section id="{esc(c.name)}" class="chart"><h2>{esc(c.title)}</h2><figure>']
    if c.note:
        body.append(f'<p class="note">{esc(c.note)}</p>')
    else:
        body.append(chart_svg(c))
    body.append(f'<figcaption class="about">{esc(c.about)}</figcaption></figure>')
    body += [f'<p class="explain">{esc(t)}</p>' for t in c.explain]
    if not c.note:
        body.append(f"<details><summary>Data ({len(c.rows)} rows)</summary>{data_table(c)}</details>")
    body.append(
        f"<details><summary>Query: warehouse/sql/report/{esc(c.name)}.sql</summary>"
        f"<pre><code>{esc(c.sql)}</code></pre></details></section>"
    )
    return "".join(body)


def render_html(charts: list[Chart], facts: Facts) -> str:
    """The whole page. Only `esc`-aped text from the warehouse goes into it."""
    toc = (
        '<li><a href="#introduction">Introduction</a></li><li><a href="#method">Method</a></li>'
        '<li><a href="#caveats">Caveats</a></li>'
        + "".join(f'<li><a href="#{esc(c.name)}">{esc(c.title)}</a></li>' for c in charts)
    )
    banner = f'<p class="banner" role="note">{esc(SAMPLE_BANNER)}.</p>' if facts.sample else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f"<title>MC Atlas report</title><style>{CSS}</style></head><body>{banner}"
        "<h1>MC Atlas: micro-credentials and short courses in Europe</h1>"
        f'<p class="meta">Generated {esc(facts.generated)} from <code>{esc(facts.warehouse)}</code> · '
        f"{facts.courses} courses · {facts.listings} listings · {len(facts.sources)} sources</p>"
        f"<nav><ol>{toc}</ol></nav>{intro_html(facts)}{method_html(facts)}{caveats_html(facts)}"
        f"{''.join(chart_html(c) for c in charts)}"
        '<p class="meta">Made by <code>mcatlas report</code>. ESCO is © European Union, '
        "reused with attribution. Course texts remain their sources' (see <code>mcatlas sources</code>).</p>"
        "</body></html>\n"
    )


def standalone_svg(svg: str) -> str:
    """A chart as its own SVG file: its styles and a white background inside, so it shows the same anywhere."""
    head, _, rest = svg.partition(">")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><style>text{{font-family:"DejaVu Sans",Arial,sans-serif}}'
        f'{SVG_CSS}</style><rect width="100%" height="100%" fill="#ffffff"/>{rest}\n'
    )


# ----------------------------------------------------------------------------------------------- chromium
def find_chromium() -> str | None:
    """Headless Chromium for PDF and PNG output: MCATLAS_CHROMIUM, else the usual names on PATH."""
    configured = os.environ.get("MCATLAS_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def chromium(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once with a throw-away profile and nothing that reaches the network by itself."""
    browser = find_chromium()
    if not browser:
        raise ReleaseError(NO_CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="mcatlas-chromium-") as profile:
        try:
            return subprocess.run(
                [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--hide-scrollbars",
                    f"--user-data-dir={profile}",
                    *args,
                ],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReleaseError(f"headless Chromium ({browser}) failed: {exc}") from None


def _browser_output(result: subprocess.CompletedProcess[str], path: Path, what: str) -> None:
    if not path.is_file() or not path.stat().st_size:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1][:200]
        raise ReleaseError(f"headless Chromium wrote no {what} (exit {result.returncode}: {last})")


def print_pdf(page: Path, pdf: Path) -> None:
    result = chromium(["--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}", page.as_uri()])
    _browser_output(result, pdf, "PDF")


def screenshot(source: Path, png: Path, width: int, height: int, scale: int = 2) -> None:
    result = chromium(
        [
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            f"--force-device-scale-factor={scale}",
            "--default-background-color=ffffffff",
            source.resolve().as_uri(),
        ]
    )
    _browser_output(result, png, "PNG")


def write_chart_files(charts: list[Chart], folder: Path, formats: tuple[str, ...]) -> list[Path]:
    """Each drawn chart as `<name>.svg` and/or `<name>.png` (PNG via headless Chromium, twice the pixel size)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReleaseError(f"cannot write charts to {folder}: {exc.strerror or exc}") from None
    written = []
    for chart in (c for c in charts if not c.note):
        svg = standalone_svg(chart_svg(chart))
        path = folder / f"{chart.name}.svg"
        path.write_text(svg, encoding="utf-8")
        if "png" in formats:
            width, height = (int(float(v)) for v in _svg_size(svg))
            screenshot(path, folder / f"{chart.name}.png", width, height)
            written.append(folder / f"{chart.name}.png")
            if "svg" not in formats:
                path.unlink()
        if "svg" in formats:
            written.append(path)
    return written


def _svg_size(svg: str) -> tuple[str, str]:
    found = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    if not found:
        raise ReleaseError("a chart has no size")
    return found.group(1), found.group(2)


def check_out(out: Path) -> None:
    """Refuse an output path that cannot be written before any work: a folder, or a file under a plain file."""
    if out.is_dir():
        raise ReleaseError(f"{out} is a directory; give a file name such as report.html")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ReleaseError(f"cannot write {out}: {parent} is a file, not a folder")
            break


def build_report(
    out: Path,
    db: Path | None = None,
    fmt: str = "html",
    charts_dir: Path | None = None,
    chart_formats: tuple[str, ...] = ("svg",),
) -> dict[str, Any]:
    """Write the report to `out` (atomically) as HTML or PDF, optionally each chart as SVG/PNG into `charts_dir`,
    and say which charts were drawn and which not."""
    from warehouse import db as wh

    if fmt not in FORMATS:
        raise ReleaseError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if (fmt == "pdf" or "png" in chart_formats and charts_dir) and not find_chromium():
        raise ReleaseError(f"{'--format pdf' if fmt == 'pdf' else 'PNG charts'} {NO_CHROMIUM}")
    warehouse = Path(db) if db else wh.db_path()
    if not warehouse.exists():
        raise ReleaseError(f"no warehouse at {warehouse}; run `mcatlas run` first")
    out = Path(out)
    check_out(out)
    try:
        with wh.connect_checked(warehouse, read_only=True) as con:
            if (
                not scalar(
                    con,
                    "select count(*) from information_schema.tables where table_schema = 'main' "
                    "and table_name in ('offers', 'harvest_runs')",
                )
                == 2
            ):
                raise ReleaseError(f"{warehouse} has no offers yet; run `mcatlas run` first")
            # read every listing's source and status first: a damaged file fails here, saying so, before any view
            one_row(con, "select count(*) filter (where status = 'active'), count(distinct source) from offers")
            clusters_built = prepare_views(con)
            charts = run_charts(con, load_charts())
            facts = gather_facts(con, warehouse, clusters_built)
            for chart in charts:
                if chart.name.endswith("euroteq_eligible") and not chart.note:
                    chart.explain += facts.euroteq
            page = render_html(charts, facts)
    except wh.WarehouseError as exc:
        raise ReleaseError(str(exc)) from None
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "pdf":
            with tempfile.TemporaryDirectory(prefix="mcatlas-report-") as folder:
                html_file = Path(folder) / "report.html"
                html_file.write_text(page, encoding="utf-8")
                print_pdf(html_file, tmp)
        else:
            tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        raise ReleaseError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # the folder is unusable, so nothing was written there either
    files = write_chart_files(charts, Path(charts_dir), chart_formats) if charts_dir else []
    return {
        "out": str(out),
        "format": fmt,
        "sample": facts.sample,
        "chart_files": [str(p) for p in files],
        "drawn": [c.name for c in charts if not c.note],
        "not_drawn": {c.name: c.note for c in charts if c.note},
    }
