"""The harvest: one asset, a partition per registry source (scrapers/sources.yaml), each a Scrapy crawl into the
landing area.

One asset rather than one per source, so that thousands of sources keep one definition, one history view, one
backfill button and per-partition retries; politeness across parallel runs comes from a concurrency pool per host
(pipelines/defs/harvest/pools.py), and Scrapy's per-domain throttling stays on inside each crawl."""

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    Backoff,
    Failure,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)

from pipelines.defs.harvest.partitions import SOURCES
from pipelines.defs.harvest.pools import host_pool, host_slot
from pipelines.resources import CrawlerResource
from scrapers.registry import RegistryError, get_source
from warehouse import db

HARVEST_GROUP = "harvest"
HARVEST_KEY = "harvest"
NO_ERRORS_CHECK = "harvest_without_errors"
# A source that errors is retried later rather than at once (transient outages, rate limits).
HARVEST_RETRY = RetryPolicy(
    max_retries=int(os.environ.get("MCATLAS_HARVEST_RETRIES", 2)), delay=30, backoff=Backoff.EXPONENTIAL
)


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


@asset(
    name=HARVEST_KEY,
    group_name=HARVEST_GROUP,
    partitions_def=SOURCES,
    description="Harvest one registry source (the partition) into the landing area: a Scrapy crawl in a subprocess, "
    "snapshot replay or live (MCATLAS_CRAWL_MODE). Partitions follow scrapers/sources.yaml (sensor registry_sources).",
    kinds={"scrapy"},
    retry_policy=HARVEST_RETRY,
    # stale when a source has not been harvested for two of its (weekly) periods
    freshness_policy=FreshnessPolicy.time_window(fail_window=timedelta(days=14), warn_window=timedelta(days=8)),
    check_specs=[
        AssetCheckSpec(
            NO_ERRORS_CHECK,
            asset=HARVEST_KEY,
            blocking=False,
            description="The harvest met no HTTP, timeout or parse errors.",
        )
    ],
)
def harvest(context: AssetExecutionContext, crawler: CrawlerResource) -> MaterializeResult:
    try:
        source = get_source(context.partition_key)
    except RegistryError as exc:
        # a partition of a source since removed from the registry (the sensor deletes it on its next tick)
        raise Failure(str(exc), allow_retries=False) from None
    guard_mode(crawler)
    pool = host_pool(source)
    step_key = str(context.op_execution_context.node_handle)  # the step key, as Dagster's own claims use
    with host_slot(context.instance, pool, context.run_id, step_key, log=context.log) as held:
        summary = crawler.crawl(source.name, log=context.log)
    run_dir = Path(summary["dir"])
    stats = json.loads((run_dir / "stats.json").read_text()) if (run_dir / "stats.json").exists() else {}
    metadata = {
        "source": source.name,
        "provider": source.provider,
        "source_type": source.type,
        "base_url": source.base_url,
        "pool": f"{pool} (slot held)" if held else f"{pool} (not limited on this instance)",
        "mode": summary["mode"],
        "status": summary["status"],
        "run_id": summary["run_id"],
        "landing_dir": MetadataValue.path(str(run_dir)),
        **_stats_metadata(stats),
    }
    check = AssetCheckResult(
        check_name=NO_ERRORS_CHECK,
        passed=metadata["errors"] == 0,
        severity=AssetCheckSeverity.WARN,
        metadata={"source": source.name, "errors": metadata["errors"]},
    )
    if metadata["skipped"] and not metadata["errors"]:
        # e.g. edX without API credentials: nothing was fetched on purpose, nothing is loaded or withdrawn
        context.log.warning(f"{source.name}: skipped ({metadata['skipped']}); previous offers are kept")
        return MaterializeResult(metadata={**metadata, "status": "skipped"}, check_results=[check])
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
    return MaterializeResult(metadata=metadata, check_results=[check])
