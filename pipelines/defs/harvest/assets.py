"""One harvest asset per registry source, generated from scrapers/sources.yaml."""

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    Backoff,
    Failure,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)

from pipelines.resources import CrawlerResource
from scrapers.registry import Source, registry
from warehouse import db

HARVEST_GROUP = "harvest"
# A source that errors is retried later rather than at once (transient outages, rate limits).
HARVEST_RETRY = RetryPolicy(
    max_retries=int(os.environ.get("MCATLAS_HARVEST_RETRIES", 2)), delay=30, backoff=Backoff.EXPONENTIAL
)


def harvest_key(source: str) -> str:
    return f"harvest_{source}"


def host_pool(source: Source) -> str:
    """The concurrency pool of a source's crawls: one per host, so that parallel runs (a team instance, a
    backfill) never crawl one host twice at once; the instance's `concurrency.pools` sets the limit."""
    host = urlsplit(source.base_url or "").hostname or source.name
    return "crawl_host_" + re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_")


# Scrapy's own bookkeeping; everything else (offers, rejects, errors, paging, per-source counters) is kept.
_SCRAPY_INTERNAL = (
    "downloader/",
    "scheduler/",
    "memusage/",
    "log_count/",
    "httpcompression/",
    "robotstxt/",
    "response_received_count",
    "request_depth",
    "item_scraped_count",
    "item_dropped",
    "start_time",
    "finish_",
    "elapsed_time",
    "items_per_minute",
    "responses_per_minute",
    "httperror/",
    "mcatlas/",
)


def _stats_metadata(stats: dict[str, Any]) -> dict[str, Any]:
    keep = {k: v for k, v in sorted(stats.items()) if not k.startswith(_SCRAPY_INTERNAL)}
    return {
        "offers": stats.get("offers/valid", 0),
        "rejects": sum(v for k, v in stats.items() if k.startswith("rejects/")),
        "errors": sum(v for k, v in stats.items() if k.startswith("errors/")),
        "skipped": ", ".join(k.removeprefix("skipped/") for k in stats if k.startswith("skipped/")),
        "crawl_stats": MetadataValue.json(keep),
    }


def guard_mode(crawler: CrawlerResource) -> None:
    """The sample and real data never mix (warehouse.db.check_harvest_mode): a harvest of the other mode than the
    warehouse holds fails at once, without retries, and crawls nothing."""
    try:
        db.check_harvest_mode(crawler.crawl_mode(), landing=crawler.landing())
    except db.HarvestModeConflict as exc:
        raise Failure(str(exc), allow_retries=False) from None


def build_harvest_asset(source: Source) -> AssetsDefinition:
    @asset(
        name=harvest_key(source.name),
        group_name=HARVEST_GROUP,
        description=f"Harvest {source.provider} ({source.access}) into the landing area. {source.terms}",
        kinds={"scrapy"},
        retry_policy=HARVEST_RETRY,
        pool=host_pool(source),
        # stale when the source has not been harvested for two of its (weekly) periods
        freshness_policy=FreshnessPolicy.time_window(fail_window=timedelta(days=14), warn_window=timedelta(days=8)),
        tags={"source_type": source.type},
        metadata={
            "source": source.name,
            "base_url": source.base_url,
            "schedule": source.schedule,
            "country": source.country or "",
            "alliance": source.alliance or "",
        },
    )
    def _harvest(context: AssetExecutionContext, crawler: CrawlerResource) -> MaterializeResult:
        guard_mode(crawler)
        summary = crawler.crawl(source.name, log=context.log)
        run_dir = Path(summary["dir"])
        stats = json.loads((run_dir / "stats.json").read_text()) if (run_dir / "stats.json").exists() else {}
        metadata = {
            "mode": summary["mode"],
            "status": summary["status"],
            "run_id": summary["run_id"],
            "landing_dir": MetadataValue.path(str(run_dir)),
            **_stats_metadata(stats),
        }
        if metadata["skipped"] and not metadata["errors"]:
            # e.g. edX without API credentials: nothing was fetched on purpose, nothing is loaded or withdrawn
            context.log.warning(f"{source.name}: skipped ({metadata['skipped']}); previous offers are kept")
            return MaterializeResult(metadata={**metadata, "status": "skipped"})
        if summary["status"] not in ("ok", "partial"):
            # Nothing is loaded from this run and nothing previously loaded is touched.
            raise Failure(
                f"{source.name}: harvest {summary['status']} ({metadata['errors']} errors, "
                f"{metadata['offers']} offers); previous offers are kept",
                metadata=metadata,
                # replaying a recorded snapshot gives the same answer every time: no point retrying
                allow_retries=summary["mode"] == "live",
            )
        context.log.info(
            f"{source.name}: {summary['status']}, {metadata['offers']} offers, "
            f"{metadata['rejects']} rejects, {metadata['errors']} errors ({summary['mode']} mode)"
        )
        return MaterializeResult(metadata=metadata)

    return _harvest


harvest_assets = [build_harvest_asset(src) for src in registry().values() if src.enabled]
