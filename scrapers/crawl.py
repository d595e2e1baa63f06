"""Run one source's spider in this process: `python -m scrapers.crawl SOURCE [--live]`.

Dagster calls this in a subprocess because Twisted's reactor cannot be restarted in-process. The last line
printed is a JSON summary; the exit status is 0 for a usable run (ok / partial) and 3 otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scrapers import settings as default_settings
from scrapers.landing import landing_root, new_run_id, run_status
from scrapers.registry import Source, get_source
from scrapers.spiders.base import SourceSpider


def spider_class(source: Source) -> type[SourceSpider]:
    if not source.spider:
        return SourceSpider
    module, _, name = source.spider.partition(":")
    return getattr(importlib.import_module(module), name)


def snapshot_dir(source: Source) -> Path:
    """The bundled snapshot, or `$MCATLAS_SNAPSHOT_DIR/<source>` to replay another recorded set."""
    root = os.environ.get("MCATLAS_SNAPSHOT_DIR")
    return Path(root) / source.name if root else source.snapshot_dir


def build_settings(source: Source, mode: str, replay_dir: Path | None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(source.settings, priority="project")
    if mode == "snapshot":
        settings.update(default_settings.SNAPSHOT_SETTINGS, priority="cmdline")
        settings.set("MCATLAS_REPLAY_DIR", str(replay_dir or snapshot_dir(source)), priority="cmdline")
    return settings


def crawl(source_name: str, mode: str = "snapshot", run_id: str | None = None,
          landing_dir: Path | None = None, replay_dir: Path | None = None,
          extra_settings: dict[str, object] | None = None) -> dict[str, object]:
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
    return {"source": source.name, "run_id": run_id, "mode": mode, "status": status, "dir": str(run_dir),
            "offers": stats.get("offers/valid", 0)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scrapers.crawl", description=__doc__)
    ap.add_argument("source")
    ap.add_argument("--live", action="store_true", help="crawl the real endpoints (default: bundled snapshot)")
    ap.add_argument("--run-id")
    ap.add_argument("--landing-dir", type=Path)
    ap.add_argument("--replay-dir", type=Path, help="replay this folder (a snapshot or a landing run)")
    ap.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a Scrapy setting")
    args = ap.parse_args(argv)
    extra = dict(kv.split("=", 1) for kv in args.set)
    summary = crawl(args.source, "live" if args.live else "snapshot", args.run_id, args.landing_dir,
                    args.replay_dir, extra)
    print(json.dumps(summary))
    return 0 if summary["status"] in ("ok", "partial") else 3


if __name__ == "__main__":
    sys.exit(main())
