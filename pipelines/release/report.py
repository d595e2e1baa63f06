"""`mcatlas report`: one self-contained HTML page of charts for policy researchers.

Every chart is an inline SVG drawn here from the rows of one query in `warehouse/sql/report/*.sql`, and the query
follows the chart in a <details> block, so a reader can rerun it. No CDN, no script: the page opens offline and
prints as it shows. Every text that can come from a source (labels, names) goes through `html.escape`. A chart
whose tables the warehouse does not have yet shows which table is missing instead of failing the report.

A query file starts with comment lines that describe the chart:
`-- title:`, `-- about:`, `-- chart: bar | column | share` and `-- requires: table, table`.
Its first column is the label; every further column is one numeric series (stacked).
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from pipelines.release import ReleaseError
from warehouse.db import SQL_DIR, one_row, scalar

REPORT_SQL = SQL_DIR / "report"
PALETTE = ("#1f5f99", "#e08a1e", "#9aa5b1", "#3a9a5b", "#b8413c", "#7b5ea7")
CHART_KINDS = ("bar", "column", "share")


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
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    note: str | None = None


def load_charts(folder: Path = REPORT_SQL) -> list[Chart]:
    """The chart definitions, in file-name order."""
    charts = []
    for path in sorted(folder.glob("*.sql")):
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
            )
        )
    return charts


def run_charts(con: duckdb.DuckDBPyConnection, charts: list[Chart]) -> list[Chart]:
    """Run each chart's query; a missing table or a failing query becomes the chart's note."""
    present = {
        r[0]
        for r in con.execute("select table_name from information_schema.tables where table_schema = 'main'").fetchall()
    }
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
            chart.columns = [d[0] for d in cur.description]
            chart.rows = cur.fetchall()
        except duckdb.Error as exc:
            chart.note = f"Not drawn: the query failed ({' '.join(str(exc).split())[:300]})."
            continue
        if not chart.rows:
            chart.note = "No rows: nothing to draw."
    return charts


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
    label_w, row_h, top = 290, 24, 34 if len(series) > 1 else 10
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
        short = label if len(label) <= 40 else label[:38] + "…"
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


# --------------------------------------------------------------------------------------------------- page
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:940px;
color:#1d2630;line-height:1.45;padding:0 1rem}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin:2.2rem 0 .3rem;border-top:1px solid #d5dbe1;
padding-top:1rem}.meta{color:#56606b;font-size:.9rem}.about{color:#3d4752;margin:.2rem 0 .6rem}
.note{background:#fff6e0;border-left:4px solid #e0a21e;padding:.6rem .8rem;margin:.6rem 0}
svg{display:block;max-width:100%;height:auto}svg text{font-family:inherit}.lb{font-size:12px;fill:#1d2630}
.val{font-size:11px;fill:#1d2630;font-weight:600}.ax{font-size:11px;fill:#56606b}.lg{font-size:12px;fill:#1d2630}
.grid{stroke:#e3e7eb;stroke-width:1}details{margin:.4rem 0}summary{cursor:pointer;color:#1f5f99}
pre{background:#f4f6f8;padding:.7rem;overflow-x:auto;font-size:.8rem}table{border-collapse:collapse;font-size:.8rem}
td,th{border:1px solid #d5dbe1;padding:.15rem .5rem;text-align:left}nav ol{columns:2;font-size:.9rem}
"""


def render_html(charts: list[Chart], facts: dict[str, Any]) -> str:
    """The whole page. Only `esc`-aped text from the warehouse goes into it."""
    toc = "".join(f'<li><a href="#{esc(c.name)}">{esc(c.title)}</a></li>' for c in charts)
    sections = []
    for c in charts:
        body = [f'<section id="{esc(c.name)}"><h2>{esc(c.title)}</h2>', f'<p class="about">{esc(c.about)}</p>']
        if c.note:
            body.append(f'<p class="note">{esc(c.note)}</p>')
        else:
            body.append(column_svg(c) if c.kind == "column" else bar_svg(c))
            body.append(f"<details><summary>Data ({len(c.rows)} rows)</summary>{data_table(c)}</details>")
        body.append(
            f"<details><summary>Query: warehouse/sql/report/{esc(c.name)}.sql</summary>"
            f"<pre><code>{esc(c.sql)}</code></pre></details></section>"
        )
        sections.append("".join(body))
    meta = " · ".join(f"{esc(k)}: {esc(v)}" for k, v in facts.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f"<title>MC Atlas report</title><style>{CSS}</style></head><body>"
        "<h1>MC Atlas: micro-credentials and short courses in Europe</h1>"
        f'<p class="meta">{meta}</p><nav><ol>{toc}</ol></nav>{"".join(sections)}'
        '<p class="meta">Made by <code>mcatlas report</code>. ESCO is © European Union, '
        "reused with attribution. Course texts remain their sources' (see <code>mcatlas sources</code>).</p>"
        "</body></html>\n"
    )


def warehouse_facts(con: duckdb.DuckDBPyConnection, db: Path) -> dict[str, Any]:
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


def check_out(out: Path) -> None:
    """Refuse an output path that cannot be written before any work: a folder, or a file under a plain file."""
    if out.is_dir():
        raise ReleaseError(f"{out} is a directory; give a file name such as report.html")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ReleaseError(f"cannot write {out}: {parent} is a file, not a folder")
            break


def build_report(out: Path, db: Path | None = None) -> dict[str, Any]:
    """Write the report to `out` (atomically) and say which charts were drawn and which not."""
    from warehouse import db as wh

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
            charts = run_charts(con, load_charts())
            page = render_html(charts, warehouse_facts(con, warehouse))
    except wh.WarehouseError as exc:
        raise ReleaseError(str(exc)) from None
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # the folder is unusable, so nothing was written there either
        raise ReleaseError(f"cannot write {out}: {exc.strerror or exc}") from None
    return {
        "out": str(out),
        "drawn": [c.name for c in charts if not c.note],
        "not_drawn": {c.name: c.note for c in charts if c.note},
    }
