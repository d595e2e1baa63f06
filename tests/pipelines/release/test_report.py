"""`mcatlas report`: one offline HTML page, every chart followed by its query, source text escaped, and a headless
Chromium screenshot that really shows the charts."""

from __future__ import annotations

import re
import shutil
import struct
import tempfile
import zlib
from pathlib import Path

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.release.report import REPORT_SQL, Chart, bar_svg, find_chromium, load_charts, screenshot
from tests.pipelines.release.test_export import HOSTILE_PROVIDER, HOSTILE_TITLE, build_small_warehouse

CHARTS = sorted(p.stem for p in REPORT_SQL.glob("*.sql") if not p.name.startswith("_"))


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A report over a warehouse with the quality marts and skills tables."""
    root = tmp_path_factory.mktemp("report")
    warehouse = build_small_warehouse(root / "data")
    out = root / "report.html"
    mp = pytest.MonkeyPatch()
    mp.setenv("MCATLAS_DB", str(warehouse))
    result = CliRunner().invoke(main, ["report", "--out", str(out)])
    mp.undo()
    assert result.exit_code == 0, result.output
    return out, out.read_text(encoding="utf-8")


def test_every_chart_is_drawn_and_followed_by_its_query(full):
    _, page = full
    assert len(CHARTS) >= 12
    for name in CHARTS:
        section = re.search(rf'<section id="{name}"[^>]*>(.*?)</section>', page, re.S)
        assert section, name
        body = section.group(1)
        assert "<svg" in body and 'class="note"' not in body, f"{name} not drawn: {body[:400]}"
        sql = (REPORT_SQL / f"{name}.sql").read_text(encoding="utf-8").strip()
        assert f"<pre><code>{escape(sql)}</code></pre>" in body, f"{name}: query missing"
        assert body.index("<svg") < body.index("<pre><code>")


def escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def test_charts_show_the_numbers_their_queries_return(full):
    out, page = full
    country = re.search(r'<section id="01_offers_by_country"[^>]*>(.*?)</section>', page, re.S).group(1)
    assert "<title>Denmark (DK): Courses 2</title>" in country
    assert "<title>United Kingdom (GB): Courses 1</title>" in country
    skills = re.search(r'<section id="08_top_esco_skills"[^>]*>(.*?)</section>', page, re.S).group(1)
    assert "Python (computer programming)" in skills
    shares = re.search(r'<section id="10_digital_green_share"[^>]*>(.*?)</section>', page, re.S).group(1)
    # two courses with accepted skills: the ML course (digital and green) and the solar course (green only)
    assert "<title>Digital: Percent of courses 50%</title>" in shares
    assert "<title>Green: Percent of courses 100%</title>" in shares
    groups = re.search(r'<section id="09_top_skill_groups"[^>]*>(.*?)</section>', page, re.S).group(1)
    # Python's broader chain: isced-f 0613 (level 3) -> 061 (level 2) -> 06 (level 1); the chart shows level 2
    assert "<title>Information and communication technologies (icts): Courses 1</title>" in groups
    assert "oftware and applications development" not in groups


def test_the_page_names_the_skill_method_and_its_measured_precision(full):
    from models.skills.rerank import load

    _, page = full
    shipped = load()
    method = re.search(r'<section id="method">(.*?)</section>', page, re.S).group(1)
    assert f"matched to ESCO skills by the skill model {shipped.method}." in method
    assert "The skill charts count accepted matches only." in method
    precision = shipped.info["cross_source"]["with_context"]["all"]["accepted_precision"]
    assert f"{precision:.0%} of accepted matches (probability &gt;= {shipped.accept}) were right" in page


def test_source_text_is_escaped_and_the_page_needs_nothing_from_outside(full):
    _, page = full
    assert "<img" not in page and "<b>" not in page and "<p>injected" not in page
    assert escape(HOSTILE_PROVIDER)[:30] in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "external resource referenced"
    assert "@import" not in page and "url(" not in page
    assert page.count("<svg") == page.count("</svg>") == len(CHARTS)


def test_hostile_label_cannot_break_out_of_the_svg():
    chart = Chart(
        name="x",
        title='t"><script>',
        about="",
        kind="bar",
        requires=[],
        sql="select 1",
        columns=["label", "n"],
        rows=[(HOSTILE_TITLE, 3), ("</svg><script>alert(1)</script>", 1)],
    )
    svg = bar_svg(chart)
    assert "<script" not in svg and "</svg>" == svg[-6:] and svg.count("</svg>") == 1


def test_missing_tables_give_a_note_naming_them_and_the_rest_is_drawn(tmp_path: Path, monkeypatch):
    warehouse = build_small_warehouse(tmp_path / "data", with_optional=False)
    monkeypatch.setenv("MCATLAS_DB", str(warehouse))
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    skills = re.search(r'<section id="08_top_esco_skills"[^>]*>(.*?)</section>', page, re.S).group(1)
    assert 'class="note"' in skills and "outcome_skills" in skills and "<svg" not in skills
    assert "<pre><code>" in skills, "the query is shown even when it cannot run"
    assert "<svg" in re.search(r'<section id="01_offers_by_country"[^>]*>(.*?)</section>', page, re.S).group(1)
    assert "08_top_esco_skills" in result.output


def test_a_failing_query_is_a_note_not_a_crash(tmp_path: Path):
    warehouse = build_small_warehouse(tmp_path / "data", with_optional=False)
    con = duckdb.connect(str(warehouse))
    con.execute("create table outcome_skills (outcome_id varchar, uri varchar)")  # not the columns expected
    con.execute("create table esco_skills (uri varchar, preferred_label varchar)")
    con.close()
    from pipelines.release.report import build_report

    result = build_report(tmp_path / "r.html", db=warehouse)
    assert "query failed" in result["not_drawn"]["08_top_esco_skills"]
    assert "01_offers_by_country" in result["drawn"]


def test_bad_output_and_missing_warehouse_are_one_line_errors(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MCATLAS_DB", str(tmp_path / "none.duckdb"))
    result = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "no warehouse" in result.output
    warehouse = build_small_warehouse(tmp_path / "data", with_optional=False)
    monkeypatch.setenv("MCATLAS_DB", str(warehouse))
    result = CliRunner().invoke(main, ["report", "--out", "/sys/mcatlas-report.html"])
    assert result.exit_code == 2 and result.output.startswith("mcatlas: error: cannot write")
    assert not list(Path("/sys").glob(".mcatlas-report*"))


def test_chart_files_declare_title_kind_and_tables():
    for chart in load_charts():
        assert chart.title and chart.about and chart.requires, chart.name
        body = "\n".join(line for line in chart.sql.splitlines() if not line.startswith("--"))
        assert not re.search(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY|WITH)\b", body), chart.name


# ------------------------------------------------------------------------------------------------ screenshot
def read_png(path: Path) -> np.ndarray:
    """A tiny PNG reader (8-bit RGB/RGBA, not interlaced) returning an (height, width, 3) array: enough to look at
    a browser screenshot without an imaging library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, ctype, _, _, interlace = header
    assert depth == 8 and ctype in (2, 6) and interlace == 0, header
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1).astype(np.int64)
        if kind == 1:  # sub: a running sum per channel
            line = line.reshape(-1, bpp).cumsum(axis=0).reshape(-1) & 255
        elif kind == 2:  # up
            line = (line + prev) & 255
        elif kind in (3, 4):  # average, paeth: pixel by pixel
            cur, up = bytearray(line.astype(np.uint8).tobytes()), bytes(prev.astype(np.uint8).tobytes())
            for x in range(stride):
                a, b = (cur[x - bpp] if x >= bpp else 0), up[x]
                if kind == 3:
                    cur[x] = (cur[x] + ((a + b) >> 1)) & 255
                else:
                    c = up[x - bpp] if x >= bpp else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    cur[x] = (cur[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            line = np.frombuffer(bytes(cur), dtype=np.uint8).astype(np.int64)
        out[y] = line
        prev = line
    return out.reshape(height, width, bpp)[..., :3]


def chromium() -> str:
    """The browser `mcatlas report` itself uses (MCATLAS_CHROMIUM or PATH), or a skip saying why there is none."""
    if path := find_chromium():
        return path
    pytest.skip("no headless Chromium (make test installs Debian's `chromium` package when run as root)")


def test_screenshot_in_headless_chromium_shows_the_charts(full):
    out, _ = full
    chromium()
    with tempfile.TemporaryDirectory() as folder:
        shot = Path(folder) / "report.png"
        screenshot(out, shot, 1280, 4000, scale=1)  # the report's own helper, as for PNG charts
        shutil.copy(shot, out.with_suffix(".png"))  # kept beside the report for a person to look at
        pixels = read_png(shot).astype(np.int64)
    assert pixels.shape == (4000, 1280, 3)
    dark = int((pixels.min(axis=2) < 200).sum())
    assert dark > 0.02 * pixels.shape[0] * pixels.shape[1], "the screenshot is (nearly) blank"
    # PALETTE[0], the bars' colour; text is never 60 px of solid colour in a row, only bars and columns are
    blue = (np.abs(pixels - np.array([0x1F, 0x5F, 0x99])) < 16).all(axis=2)
    bar_rows = 0
    for row in blue:
        edges = np.flatnonzero(np.diff(np.concatenate(([0], row.astype(np.int8), [0]))))
        bar_rows += bool(len(edges) and (edges[1::2] - edges[::2]).max() >= 60)
    assert bar_rows >= 100, f"only {bar_rows} pixel rows show a bar: the charts did not render"
