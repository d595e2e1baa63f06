"""Run one source's spider in this process; the command is `mcatlas crawl SOURCE` (pipelines/commands/crawl.py).

Dagster calls the command in a subprocess because Twisted's reactor cannot be restarted in-process, so `crawl()`
runs at most once per process.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scrapers import settings as default_settings
from scrapers.landing import landing_root, new_run_id, run_status
from scrapers.registry import Source, get_source
from scrapers.spiders.base import SourceSpider


def spider_class(source: Source) -> type[SourceSpider]:
    """The registry's `spider: module:Class`, else the one generic SourceSpider."""
    if not source.spider:
        return SourceSpider
    module, _, name = source.spider.partition(":")
    return getattr(importlib.import_module(module), name)


def snapshot_dir(source: Source) -> Path:
    """The bundled snapshot, or `$MCATLAS_SNAPSHOT_DIR/<source>` to replay another recorded set."""
    root = os.environ.get("MCATLAS_SNAPSHOT_DIR")
    return Path(root) / source.name if root else source.snapshot_dir


def build_settings(source: Source, mode: str, replay_dir: Path | None) -> Settings:
    """Project settings, then the source's own, then (snapshot mode) offline replay on top of both."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(source.settings, priority="project")
    if mode == "snapshot":
        settings.update(default_settings.SNAPSHOT_SETTINGS, priority="cmdline")
        settings.set("MCATLAS_REPLAY_DIR", str(replay_dir or snapshot_dir(source)), priority="cmdline")
    return settings


def crawl(
    source_name: str,
    mode: str = "snapshot",
    run_id: str | None = None,
    landing_dir: Path | None = None,
    replay_dir: Path | None = None,
    extra_settings: dict[str, object] | None = None,
) -> dict[str, object]:
    """Harvest one source into the landing area; the run's summary (source, run_id, mode, status, dir, offers)."""
    source = get_source(source_name)
    run_id = run_id or new_run_id()
    landing = landing_dir or landing_root()
    settings = build_settings(source, mode, replay_dir)
    settings.update(extra_settings or {}, priority="cmdline")
    process = CrawlerProcess(settings, install_root_handler=True)
    process.crawl(spider_class(source), source=source.name, mode=mode, run_id=run_id, landing_dir=str(landing))
    process.start()
    run_dir = landing / source.name / run_id
    status = run_status(run_dir)["status"] if (run_dir / "_DONE").exists() else "failed"
    stats = json.loads((run_dir / "stats.json").read_text()) if (run_dir / "stats.json").exists() else {}
    return {
        "source": source.name,
        "run_id": run_id,
        "mode": mode,
        "status": status,
        "dir": str(run_dir),
        "offers": stats.get("offers/valid", 0),
    }


if __name__ == "__main__":
    # the command moved to the one CLI; say so instead of exiting silently with nothing done
    raise SystemExit("mcatlas: error: run `mcatlas crawl SOURCE ...` (or `python -m pipelines.cli crawl ...`)")
