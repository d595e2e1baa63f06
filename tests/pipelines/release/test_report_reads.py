"""`mcatlas report` reads like a report: introduction, method and caveats before the charts; a sample-data banner
exactly when every listing comes from the bundled snapshot; sentence-case captions and readable labels; courses
listed on two sources counted once; every empty or all-zero chart explained, the EuroTeQ one with the rule that
holds listings back; PDF, SVG and PNG output (the browser ones skip without headless Chromium)."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.defs.quality.build import build_clusters
from pipelines.release.report import (
    ACRONYMS,
    SAMPLE_BANNER,
    Chart,
    build_report,
    find_chromium,
    load_charts,
    run_charts,
)
from scrapers.landing import LandingRun
from tests.pipelines.release.test_export import OFFERS, QUALITY_MARTS, _offer, build_small_warehouse
from warehouse import build, db

# words a sentence-case caption may capitalise beyond its first: acronyms and proper names
PROPER = {*ACRONYMS.values(), "I", "Council", "Recommendation", "ISO 3166-1"}


def section(page: str, name: str) -> str:
    found = re.search(rf'<section id="{name}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no section {name}"
    return found.group(1)


def report(warehouse: Path, out: Path, *args: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["report", "--out", str(out), *args], env={"MCATLAS_DB": str(warehouse)})
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8") if out.suffix == ".html" else "", result.output


@pytest.fixture(scope="module")
def dup_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small warehouse plus a second listing of DTU's machine-learning course (on DTU's OOAPI endpoint), an
    eduXchange course whose only teaching elements are its `activities`, and a programme of two member courses;
    clusters resolved as `mcatlas run` resolves them."""
    data = tmp_path_factory.mktemp("dup") / "data"
    warehouse = build_small_warehouse(data)
    ml = next(o for o in OFFERS["dtu"] if o["source_id"] == "02950")
    same = {k: v for k, v in ml.items() if k not in ("source", "source_id", "provenance", "record_hash")}
    extra = {
        "ooapi_dtu": [_offer("ooapi_dtu", "ml-02950", **same)],
        "ooapi_tue": [
            _offer(
                "ooapi_tue",
                "robotics",
                title="Robot Design Studio",
                provider="Eindhoven University of Technology (TU/e)",
                country="NL",
                languages=["en"],
                ects=5,
                ects_flag="given",
                participation_form="online",
                extras={"activities": "lectures and practises"},
            )
        ],
        "kth_kopps": [
            _offer(
                "kth_kopps",
                "programme:TEST",
                title="Sustainable Materials Track",
                provider="KTH Royal Institute of Technology",
                country="SE",
                languages=["en"],
                ects=7.5,
                ects_flag="given",
                participation_form="blended",
                extras={"offer_type": "programme", "member_courses": [{"id": "MQ2300"}, {"id": "MQ2410"}]},
            )
        ],
    }
    for n, (source, offers) in enumerate(extra.items()):
        run = LandingRun(data / "landing", source, f"20260106T1000{n:02d}000000Z")
        for offer in offers:
            run.write_offer(offer)
        run.finish({"mcatlas/mode": "snapshot"}, "ok")
    with db.connect(warehouse) as con:
        db.load_landing(con, data / "landing", list(extra))
        db.build_core(con)
        build.run_build(con, select=list(QUALITY_MARTS))
        build_clusters(con)
    return warehouse


@pytest.fixture(scope="module")
def dup_page(dup_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    page, output = report(dup_warehouse, tmp_path_factory.mktemp("out") / "report.html")
    assert "from sample (snapshot) data" in output
    return page


def test_introduction_method_and_caveats_come_before_the_charts(dup_page: str):
    page = dup_page
    positions = [page.index(f'<section id="{name}"') for name in ("introduction", "method", "caveats")]
    first_chart = page.index('class="chart"')
    assert positions == sorted(positions) and positions[-1] < first_chart
    intro, method, caveats = (section(page, n) for n in ("introduction", "method", "caveats"))
    # 7 current listings (4 of the small warehouse, 3 added) make 6 courses: the ML course is on two sources
    assert "<strong>7</strong> current listings" in intro and "<strong>6</strong> distinct courses" in intro
    assert "1 of them listed on more than one source" in intro
    assert "Harvest mode of the current listings: snapshot 7" in intro
    assert "25 to 30 hours per credit" in method and "Difficulty words" in method
    assert "Here 7 listings make 6 courses" in method
    assert "accepted matches" in method and "were right" in method, "the skill model's measured precision"
    # unknowns counted over courses: only the 'noinfo' course lacks a country, ECTS and workload
    assert "country unknown for 1 of 6 (17%)" in caveats and "ECTS for 1 of 6 (17%)" in caveats


def test_sample_banner_only_when_every_listing_is_from_the_snapshot(dup_warehouse: Path, tmp_path: Path):
    banner = f'<p class="banner" role="note">{SAMPLE_BANNER}.</p>'
    page, _ = report(dup_warehouse, tmp_path / "snapshot.html")
    assert page.index(banner) < page.index("<h1>"), "the banner opens the page"

    live = tmp_path / "live.duckdb"
    shutil.copy(dup_warehouse, live)
    con = duckdb.connect(str(live))
    con.execute("update harvest_runs set mode = 'live'")
    con.close()
    page, output = report(live, tmp_path / "live.html")
    assert SAMPLE_BANNER not in page and "from sample (snapshot) data" not in output
    assert "Every current listing comes from a live harvest" in section(page, "introduction")

    con = duckdb.connect(str(live))
    con.execute("update harvest_runs set mode = 'snapshot' where source = 'dtu'")
    con.close()
    page, _ = report(live, tmp_path / "mixed.html")
    assert SAMPLE_BANNER not in page
    assert "mixes live harvests and the bundled snapshot files: 2 of 7" in section(page, "introduction")


def test_captions_are_sentence_case_and_labels_readable(dup_page: str):
    for chart in load_charts():
        for caption in (chart.title, chart.about):
            assert caption[:1].isupper(), f"{chart.name}: {caption!r} does not start with a capital"
            text = re.sub(r"(^|[.;] )\w+", "", caption)  # a sentence's first word may be capitalised
            for proper in sorted(PROPER, key=len, reverse=True):
                text = text.replace(proper, "")
            capitals = [w for w in re.findall(r"\b\w*[A-Z]\w*\b", text) if not re.fullmatch(r"[A-Z]{2,}", w)]
            assert not capitals, f"{chart.name}: {capitals} capitalised in {caption!r}"
            lower = re.findall(r"\b(ects|eqf|esco|iso|eu|euroteq)\b", caption, re.I)
            assert all(w in ACRONYMS.values() for w in lower), f"{chart.name}: acronym written {lower}"
        assert "offers" not in chart.title.lower(), "charts count courses or listings, and say which"
    for svg in re.findall(r"<svg.*?</svg>", dup_page, re.S):
        shown = re.findall(r">([^<>]+)</text>", svg)
        assert shown
        assert not [t for t in shown if re.search(r"[a-z]_[a-z]", t)], "snake_case on an axis or legend"
    country = section(dup_page, "01_offers_by_country")
    assert "<title>Denmark (DK): Courses 2</title>" in country and ">Unknown</text>" in country
    rules = section(dup_page, "11_euroteq_rules")
    assert ">Two or more course elements</text>" in rules and ">Cannot tell</text>" in rules


def test_a_course_listed_on_two_sources_counts_once(dup_warehouse: Path, dup_page: str):
    con = duckdb.connect(str(dup_warehouse), read_only=True)
    clusters = con.execute(
        "select count(distinct c.cluster_id), count(*) from offers o join offer_clusters c using (source, source_id) "
        "where o.status = 'active' and o.country = 'DK'"
    ).fetchone()
    con.close()
    assert clusters == (2, 3), "the fixture's DTU course is one cluster of two listings"
    country = section(dup_page, "01_offers_by_country")
    assert "<title>Denmark (DK): Courses 2</title>" in country
    assert "a course listed on several sources counts once" in country
    ects = section(dup_page, "04_ects_distribution")
    # ML (5 ECTS, listed twice) once, solar (10), robotics (5) and the KTH programme (7.5): 4, not 5
    assert "<title>5 to 10: Given by the source 4</title>" in ects
    provider = section(dup_page, "02_offers_by_provider")
    # under the canonical name: the trailing "(DTU)" is a spelling of the same awarding body (provider_names)
    assert "<title>Technical University of Denmark: Courses 2</title>" in provider
    # the source chart counts listings and shows which are also listed elsewhere
    sources = section(dup_page, "03_offers_by_source")
    assert "counts listings rather than courses" in sources
    assert "<title>DTU: Open Education API: Also on another source 1</title>" in sources
    assert "<title>DTU: DTU course web service: Also on another source 1</title>" in sources
    assert "<title>DTU: DTU course web service: Only on this source 1</title>" in sources


def test_euroteq_rule_reads_activities_and_member_courses(dup_warehouse: Path):
    con = duckdb.connect(str(dup_warehouse), read_only=True)
    rows = dict(
        con.execute(
            "select source_id, result || ': ' || reason from euroteq_eligibility "
            "where rule = 'two_or_more_course_elements' and source_id in ('robotics', 'programme:TEST')"
        ).fetchall()
    )
    eligible = dict(
        con.execute(
            "select source_id, eligible from euroteq_eligible_offers where source_id in ('robotics', 'programme:TEST')"
        ).fetchall()
    )
    con.close()
    assert rows["robotics"] == "true: combines exercises, lectures", "eduXchange activities 'lectures and practises'"
    assert rows["programme:TEST"] == "true: combines 2 courses"
    assert eligible == {"robotics": True, "programme:TEST": True}


def test_the_euroteq_chart_says_which_rule_holds_listings_back(dup_page: str):
    eligible = section(dup_page, "12_euroteq_eligible")
    explained = re.findall(r'<p class="explain">(.*?)</p>', eligible, re.S)
    assert explained and explained[0].startswith(
        "All sources together: of 7 current listings, 4 eligible, 1 undecided and 2 not eligible."
    )
    # solar (on-site), the ethics course (0.6 ECTS) and 'noinfo' (nothing stated) name no course elements
    assert (
        "The rule that holds most of them back: “Two or more course elements” cannot be decided for 3" in (explained[0])
    )
    assert "“Online, hybrid or blended” cannot be decided for 1 and fails for 1" in explained[0]
    assert "eduXchange activities" in explained[0], "what the rule looks for"


def test_empty_and_all_zero_charts_are_explained(tmp_path: Path):
    con = duckdb.connect()
    charts = [
        Chart("zero", "Zero", "All zero.", "bar", [], "select 'a' as label, 0 as n", empty="Because of X."),
        Chart("none", "None", "No rows.", "bar", [], "select 'a' as label, 1 as n where false", empty="Because Y."),
    ]
    zero, none = run_charts(con, charts)
    assert zero.note is None and zero.explain == ["Every value is zero. Because of X."]
    assert none.note == "Nothing to draw: the query returned no rows. Because Y."
    for chart in load_charts():
        assert chart.empty, f"{chart.name}: no `-- empty:` explanation"
    warehouse = build_small_warehouse(tmp_path / "data", with_optional=False)
    page, _ = report(warehouse, tmp_path / "r.html")
    assert "every listing counts as its own course" in section(page, "method"), "no clusters: said so"
    assert "The skill mapping has not run" in section(page, "method")


def test_pdf_needs_chromium_and_says_so_in_one_line(dup_warehouse: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("MCATLAS_CHROMIUM", raising=False)
    result = CliRunner().invoke(
        main, ["report", "--out", str(tmp_path / "r.pdf")], env={"MCATLAS_DB": str(dup_warehouse)}
    )
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith("mcatlas: error: --format pdf needs headless Chromium")
    assert not list(tmp_path.glob("*r.pdf*"))


def needs_chromium() -> None:
    if not find_chromium():
        pytest.skip("no headless Chromium (`make browser` installs Debian's `chromium` package when run as root)")


def test_pdf_is_printed_by_headless_chromium(dup_warehouse: Path, tmp_path: Path):
    needs_chromium()
    out = tmp_path / "report.pdf"
    _, output = report(dup_warehouse, out)  # the format follows the suffix
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3, "the report runs to several pages"
    assert "wrote PDF report" in output
    html = tmp_path / "r.html"
    report(dup_warehouse, html, "--format", "html")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_charts_written_as_svg_files(dup_warehouse: Path, tmp_path: Path):
    folder = tmp_path / "charts"
    result = build_report(tmp_path / "r.html", db=dup_warehouse, charts_dir=folder)
    names = sorted(p.stem for p in folder.glob("*.svg"))
    assert names == sorted(result["drawn"]) and len(names) >= 10
    assert not list(folder.glob("*.png"))
    svg = (folder / "01_offers_by_country.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)  # well-formed XML, standalone
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and "<style>" in svg and ".lb{" in svg
    assert "<title>Denmark (DK): Courses 2</title>" in svg


def test_charts_written_as_png_by_headless_chromium(dup_warehouse: Path, tmp_path: Path):
    needs_chromium()
    from tests.pipelines.release.test_report import read_png

    folder = tmp_path / "charts"
    _, output = report(dup_warehouse, tmp_path / "r.html", "--charts-dir", str(folder), "--chart-format", "png")
    assert "chart files in" in output
    pngs = sorted(folder.glob("*.png"))
    assert len(pngs) >= 10 and not list(folder.glob("*.svg"))
    pixels = read_png(folder / "01_offers_by_country.png")
    svg_width = 880
    assert pixels.shape[1] == 2 * svg_width, "rendered at twice the SVG's size"
    blue = ((abs(pixels.astype(int) - [0x1F, 0x5F, 0x99]) < 16).all(axis=2)).sum()
    assert blue > 2000, "the bars are drawn"
