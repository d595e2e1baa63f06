"""`mcatlas`: the one command-line tool of MC Atlas.

The core commands live here; command groups with more code (`crawl`, `esco`, `skills`) live in pipelines/commands
and are registered on this group below. `python -m pipelines.cli ...` is the same tool (the harvest asset runs
`crawl` that way, in a subprocess).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from models.offer import SCHEMA_VERSION, offer_json_schema
from pipelines.commands import fail, open_warehouse
from pipelines.commands.crawl import crawl
from pipelines.commands.dbt import dbt
from pipelines.commands.skills import esco, skills

__all__ = ["fail", "main", "open_warehouse", "readme_with_sources"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mcatlas")
def main() -> None:
    """MC Atlas: harvest, normalise and compare micro-credentials and short courses offered in Europe."""


# --------------------------------------------------------------------------------------------- parse
@main.command()
@click.argument("source")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def parse(source: str, file: Path) -> None:
    """Parse one recorded response FILE of SOURCE and print its offers as landing lines (rejects on stderr)."""
    from scrapers.chain import ItemChain, StreamSink
    from scrapers.crawl import spider_class
    from scrapers.landing import provenance, sha256
    from scrapers.parsers.base import ParseError
    from scrapers.parsers.common import skipped_summary
    from scrapers.registry import RegistryError, get_source
    from scrapers.spiders.base import source_item

    try:
        src = get_source(source.replace("-", "_"))
    except RegistryError as exc:
        fail(str(exc))
    try:
        body = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}")
    url = file.resolve().as_uri()
    try:
        page = src.load_parser()(body, url)
    except ParseError as exc:
        fail(f"{file}: {exc}")
    except Exception as exc:  # noqa: BLE001 - a parser bug on odd input still gets one line, not a traceback
        fail(f"{file}: {src.name} parser cannot read this file ({type(exc).__name__}: {exc})")
    spider = spider_class(src)  # the source's spider: its version and item defaults, as in a crawl
    landed = provenance(
        src.name,
        spider.version,
        sha256(body),
        url,
        "file",
        fetched_at=datetime.fromtimestamp(file.stat().st_mtime, UTC),
    )
    # the crawl's item chain, printing what a crawl would land (no previous run: nothing is reused), on items
    # prepared as a crawl prepares them (`source_item`: the spider's item_defaults, source, provenance)
    chain = ItemChain(sink=StreamSink(sys.stdout.buffer, sys.stderr))
    defaults = spider.item_defaults(src)
    for item in page.items:
        chain(source_item(item, src.name, landed, defaults))
    for reject in page.rejects:
        chain.reject(reject.source_id, reject.reason, reject.raw, url=url)
    if skipped := skipped_summary(page.stats):  # arrays beside the offers, counted as items/skipped/* in a crawl
        click.echo(f"{file.name}: {skipped}", err=True)
    if not page.items and page.follow:
        click.echo(f"{file.name}: no offers in this response; it lists {len(page.follow)} further requests", err=True)


# ---------------------------------------------------------------------------------------------- run
@contextmanager
def run_lock(wait_seconds: float) -> Iterator[None]:
    """Only one `mcatlas run` writes at a time: a second one waits, then fails cleanly."""
    from models.landing import data_dir
    from warehouse import filelock

    path = data_dir() / ".mcatlas-run.lock"

    def busy() -> NoReturn:
        fail(f"another mcatlas run holds {path} (waited {wait_seconds:.0f} s)", code=3)

    with filelock.exclusive(path, wait_seconds, busy):
        yield


@main.command()
@click.option("--live", is_flag=True, help="Crawl the real endpoints politely instead of the bundled snapshot.")
@click.option("--source", "sources", multiple=True, help="Harvest only these sources (default: all enabled).")
@click.option("--no-harvest", is_flag=True, help="Skip harvesting; rebuild the warehouse from the landing area.")
@click.option("--wait", default=600.0, show_default=True, help="Seconds to wait for another run to finish.")
@click.option(
    "--purge-sample",
    is_flag=True,
    help="With --live: move the bundled sample (warehouse and snapshot landing runs) aside into "
    "$MCATLAS_DATA_DIR/sample-<time>/ first, instead of refusing to mix it with real data.",
)
def run(live: bool, sources: tuple[str, ...], no_harvest: bool, wait: float, purge_sample: bool) -> None:
    """Materialise every asset in-process: harvest each source, then load and build the warehouse.

    A warehouse holds either the bundled sample (snapshot runs) or real data (live runs), never both: a run of the
    other mode refuses with one line before anything is crawled (see --purge-sample)."""
    from pipelines.resources import CrawlerResource
    from pipelines.runner import run_all
    from warehouse import db

    try:  # without --live, MCATLAS_CRAWL_MODE decides (as in scheduled Dagster runs)
        mode = "live" if live else CrawlerResource().crawl_mode()
    except ValueError as exc:
        fail(str(exc))
    if purge_sample and mode != "live":
        fail("--purge-sample goes with a live run (--live or MCATLAS_CRAWL_MODE=live)")
    where = "real endpoints" if mode == "live" else "bundled snapshot, offline"
    click.echo(f"mcatlas run: {mode} mode ({where})", err=True)
    with run_lock(wait):
        try:
            if purge_sample and (aside := db.purge_sample()) is not None:
                click.echo(f"mcatlas run: the sample was moved to {aside} (delete it when no longer needed)", err=True)
            if not no_harvest:
                db.check_harvest_mode(mode)
            elif db.describe_modes(modes := db.harvest_modes()) == "mixed":
                # runs landed by `mcatlas crawl` are loaded as they are: refuse to load both kinds into one warehouse
                counts = ", ".join(f"{n} {m}" for m, n in modes.items())
                fail(
                    f"{db.db_path()} and its landing area hold both sample and live harvest runs ({counts}); "
                    "rerun with --live --purge-sample to set the sample aside, or use another MCATLAS_DATA_DIR"
                )
        except db.WarehouseError as exc:
            fail(str(exc))
        ok = run_all(mode=mode, sources=list(sources) or None, harvest=not no_harvest, echo=click.echo)
    sys.exit(0 if ok else 1)


# ------------------------------------------------------------------------------------------ sources
README_MARKERS = ("<!-- sources:start -->", "<!-- sources:end -->")


def readme_with_sources(readme: str, table: str) -> str:
    """README text with the generated source table between its markers."""
    start, end = README_MARKERS
    head, _, rest = readme.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{table.strip()}\n{end}{tail}"


@main.command()
@click.option("--markdown", is_flag=True, help="Print the README's source table.")
@click.option("--update-readme", is_flag=True, help="Regenerate the source table in README.md.")
@click.option(
    "--sync-partitions",
    is_flag=True,
    help="Make the harvest's partitions on the Dagster instance in $DAGSTER_HOME one per enabled source (the "
    "registry_sources sensor does it every 5 minutes under `dagster dev`; this is for runs launched from the shell).",
)
def sources(markdown: bool, update_readme: bool, sync_partitions: bool) -> None:
    """List the sources in the registry (scrapers/sources.yaml)."""
    from scrapers import registry as reg

    if sync_partitions:
        from dagster import DagsterInstance

        from pipelines.defs.harvest.partitions import sync_partitions as sync

        if not os.environ.get("DAGSTER_HOME"):
            raise click.UsageError("--sync-partitions needs DAGSTER_HOME (the Dagster instance to update)")
        with DagsterInstance.get() as instance:
            added, removed = sync(instance)
        click.echo(f"harvest partitions: {len(added)} added, {len(removed)} removed", err=True)
        return
    if update_readme:
        path = REPO_ROOT / "README.md"
        path.write_text(readme_with_sources(path.read_text(encoding="utf-8"), reg.markdown_table()), encoding="utf-8")
        click.echo(f"updated the source table in {path}", err=True)
        return
    if markdown:
        click.echo(reg.markdown_table())
        return
    pad = " " * 25
    disabled = [name for name, src in reg.registry().items() if not src.enabled]
    for src in reg.registry().values():
        state = "" if src.enabled else "[DISABLED] "
        click.echo(f"{src.name:24} {state}{src.type:22} {src.country or '--':3} {src.access:10} {src.provider}")
        if not src.enabled:
            click.echo(f"{pad}disabled: not harvested by `mcatlas run` or the schedules (`mcatlas parse` reads it)")
        click.echo(f"{pad}platform: {src.platform or reg.NOT_STATED_CELL}")
        click.echo(f"{pad}institutions: {src.institutions or reg.NOT_STATED_CELL}")
        click.echo(f"{pad}verified: {src.verification}")
        if src.notes:
            click.echo(f"{pad}notes: {src.notes}")
    total = len(reg.registry())
    click.echo(
        f"{total} sources: {total - len(disabled)} enabled, {len(disabled)} disabled"
        + (f" ({', '.join(disabled)})" if disabled else "")
    )
    gaps = {name: src.missing() for name, src in reg.registry().items() if src.missing()}
    if gaps:
        listed = "; ".join(f"{name} ({', '.join(fields)})" for name, fields in gaps.items())
        count = f"{len(gaps)} source{'s' if len(gaps) != 1 else ''}"
        click.echo(f"{count} without every descriptive field (shown as not stated / unverified): {listed}")


# ---------------------------------------------------------------------------------------- dictionary
@main.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
def dictionary(fmt: str) -> None:
    """Print the data dictionary of the warehouse: every table and column, its type, meaning and SQL."""
    from warehouse.dictionary import data_dictionary, dictionary_markdown

    with open_warehouse() as con:
        text = dictionary_markdown(con) if fmt == "markdown" else json.dumps(data_dictionary(con), indent=2)
    click.echo(text)


# ------------------------------------------------------------------------------------------- export
@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv", "jsonld"]),
    default="parquet",
    show_default=True,
    help="Tables as Parquet or CSV, or the offers as ELM JSON-LD.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Folder of the release (must not exist yet).")
@click.option("--where", default=None, help="SQL predicate on offers, e.g. \"country = 'DK'\".")
@click.option("--force", is_flag=True, help="Replace an earlier release in --out.")
@click.option(
    "--verify",
    "verify_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Re-check the checksums of the release in this folder instead of exporting.",
)
def export(fmt: str, out: Path | None, where: str | None, force: bool, verify_dir: Path | None) -> None:
    """Write a dataset release: tables, manifest.json with checksums, data dictionary and CITATION.cff."""
    from pipelines.release import ReleaseError
    from pipelines.release.export import export_release, verify_release

    try:
        if verify_dir is not None:
            manifest, problems = verify_release(verify_dir)
            for problem in problems:
                click.echo(problem)
            click.echo(
                f"{verify_dir}: {len(manifest['files'])} files, "
                f"{'FAILED' if problems else 'verified'} ({manifest.get('dataset_version')})"
            )
            sys.exit(1 if problems else 0)
        if out is None:
            fail("--out DIR is required (or --verify DIR)")
        manifest = export_release(out, fmt=fmt, where=where, force=force)
    except ReleaseError as exc:
        fail(str(exc))
    for table in manifest["tables"]:
        click.echo(f"  {table['name']:28} {table['rows']:>8} rows  {table['file']}")
    click.echo(f"wrote release {manifest['dataset_version']} ({fmt}) to {out}")


# ------------------------------------------------------------------------------------------- report
@main.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write, e.g. report.html or report.pdf.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf"]),
    default=None,
    help="html (self-contained page) or pdf (printed by headless Chromium); default: from --out's suffix, else html.",
)
@click.option(
    "--charts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each chart as its own file into this folder (<chart>.svg, <chart>.png).",
)
@click.option(
    "--chart-format",
    "chart_formats",
    type=click.Choice(["svg", "png"]),
    multiple=True,
    default=("svg",),
    show_default=True,
    help="Chart file format for --charts-dir; repeat for both. PNG is rendered by headless Chromium.",
)
def report(out: Path, fmt: str | None, charts_dir: Path | None, chart_formats: tuple[str, ...]) -> None:
    """Write the report: introduction, method, caveats and charts, each chart followed by the query behind it."""
    from pipelines.release import ReleaseError
    from pipelines.release.report import build_report

    fmt = fmt or ("pdf" if out.suffix.lower() == ".pdf" else "html")
    try:
        result = build_report(out, fmt=fmt, charts_dir=charts_dir, chart_formats=chart_formats)
    except ReleaseError as exc:
        fail(str(exc))
    for name, note in result["not_drawn"].items():
        click.echo(f"  {name}: {note}", err=True)
    sample = " from sample (snapshot) data" if result["sample"] else ""
    files = f"; {len(result['chart_files'])} chart files in {charts_dir}" if charts_dir else ""
    click.echo(
        f"wrote {fmt.upper()} report to {out}{sample} ({len(result['drawn'])} charts drawn, "
        f"{len(result['not_drawn'])} not){files}"
    )


# ------------------------------------------------------------------------------------------- schema
@main.command()
@click.option(
    "--out", type=click.Path(path_type=Path), default=REPO_ROOT / "models" / "offer.schema.json", show_default=True
)
def schema(out: Path) -> None:
    """Write the Offer JSON Schema (and docs/schema.md, the field reference) from models/offer.py."""
    from models.docs import field_reference

    out.write_text(json.dumps(offer_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    doc = out.parent.parent / "docs" / "schema.md"
    if doc.parent.is_dir():
        doc.write_text(field_reference(), encoding="utf-8")
    click.echo(f"wrote schema {SCHEMA_VERSION} to {out}", err=True)


for _command in (crawl, dbt, esco, skills):
    main.add_command(_command)

if __name__ == "__main__":
    main()
