"""`mcatlas run`: materialise the assets in-process, harvest first, then everything downstream.

Two phases, because a failed harvest must fail only its own partition: the harvest is one run per source (a
partition), and the warehouse is then built from the sources that succeeded (and from what failed sources loaded
before).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from dagster import DagsterInstance, DagsterRunStatus

from pipelines.definitions import build_definitions
from pipelines.defs.harvest.assets import HARVEST_GROUP
from pipelines.defs.harvest.partitions import sync_partitions, wanted_partitions
from pipelines.resources import CrawlerResource

# Progress (context.log.info) on the terminal, without Dagster's step-by-step debug events.
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": os.environ.get("MCATLAS_LOG_LEVEL", "INFO")}}}}


def _instance() -> DagsterInstance:
    return DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()


def run_all(
    mode: str | None = None, sources: list[str] | None = None, harvest: bool = True, echo: Callable[[str], None] = print
) -> bool:
    """Harvest, then build everything downstream; True when both phases succeeded. `mode` None: the crawler
    resource reads MCATLAS_CRAWL_MODE (default snapshot)."""
    defs = build_definitions(mode)
    graph = defs.resolve_asset_graph()
    job = defs.resolve_implicit_global_asset_job_def()
    harvest_job = defs.resolve_job_def("harvest_job")
    names = wanted_partitions()
    if sources:
        wanted = [s.replace("-", "_") for s in sources]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            raise SystemExit(f"mcatlas: error: unknown sources: {unknown}")
        names = sorted(set(wanted))
    downstream = [k for k in graph.toposorted_asset_keys if graph.get(k).group_name != HARVEST_GROUP]
    ok = True
    with _instance() as instance:
        if harvest:
            sync_partitions(instance)
            echo(f"[1/2] harvesting {len(names)} sources ({mode or CrawlerResource().crawl_mode()})")
            for name in names:
                result = harvest_job.execute_in_process(
                    instance=instance, partition_key=name, raise_on_error=False, run_config=RUN_CONFIG
                )
                mats = result.asset_materializations_for_node("harvest")
                meta = mats[-1].metadata if mats else {}
                if not result.success or not mats:
                    ok = False
                    echo(f"  {name:24} FAILED (previous offers kept)")
                else:
                    echo(
                        f"  {name:24} {meta['status'].value:8} {meta['offers'].value:>6} offers "
                        f"{meta['rejects'].value:>5} rejects {meta['errors'].value:>4} errors"
                    )
        echo(f"[2/2] building {len(downstream)} warehouse assets")
        result = job.execute_in_process(
            instance=instance, asset_selection=downstream, raise_on_error=False, run_config=RUN_CONFIG
        )
        # dbt models are assets of one multi-asset step: look materialisations up by asset key, failures by step
        built = {e.asset_key: e.materialization for e in result.get_asset_materialization_events()}
        failed_steps = {e.step_key for e in result.all_events if e.is_step_failure}
        for key in downstream:
            step = graph.get(key).assets_def.node_def.name
            mat = built.get(key)
            rows = mat.metadata.get("rows") if mat else None
            status = "FAILED" if step in failed_steps and not mat else ("ok" if mat else "skipped")
            echo(f"  {key.to_user_string():24} {status:8} {'' if rows is None else rows.value}")
        ok = ok and result.dagster_run.status == DagsterRunStatus.SUCCESS
    from warehouse.db import db_path

    echo(f"warehouse: {db_path()}")
    return ok
