"""`mcatlas crawl SOURCE`: one source's spider in this process.

Dagster's harvest asset runs this in a subprocess (`python -m pipelines.cli crawl ...`) because Twisted's reactor
cannot be restarted in-process. The last line on stdout is a JSON summary; the exit status is 0 for a usable run
(ok / partial) and 3 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipelines.commands import fail


def _settings(pairs: tuple[str, ...]) -> dict[str, object]:
    """`-s NAME=VALUE` pairs as Scrapy setting overrides (Scrapy converts the strings per setting)."""
    extra: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"-s {pair!r}: expected NAME=VALUE")
        extra[name] = value
    return extra


@click.command()
@click.argument("source")
@click.option("--live", is_flag=True, help="Crawl the real endpoints (default: replay the bundled snapshot).")
@click.option("--run-id", default=None, help="Run id (default: the current UTC time).")
@click.option(
    "--landing-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Landing area (default $MCATLAS_LANDING_DIR or $MCATLAS_DATA_DIR/landing).",
)
@click.option(
    "--replay-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Replay this folder (a snapshot or a landing run) instead of the bundled snapshot.",
)
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
def crawl(
    source: str,
    live: bool,
    run_id: str | None,
    landing_dir: Path | None,
    replay_dir: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Harvest one SOURCE into the landing area; print the run's JSON summary last."""
    from scrapers.crawl import crawl as run_crawl
    from scrapers.registry import RegistryError

    extra = _settings(settings)
    try:
        summary = run_crawl(
            source.replace("-", "_"), "live" if live else "snapshot", run_id, landing_dir, replay_dir, extra
        )
    except RegistryError as exc:
        fail(str(exc))
    click.echo(json.dumps(summary))
    sys.exit(0 if summary["status"] in ("ok", "partial") else 3)
