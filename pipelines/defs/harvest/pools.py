"""One crawl per host at a time, across every run: a Dagster concurrency slot in the host's pool.

An asset's `pool` is fixed when it is defined, while the harvest's host depends on its partition; so the step
claims the slot itself, through the same instance storage Dagster's own pools use (limits set with
`concurrency.pools` in dagster.yaml or `dagster instance concurrency set`, shown in the UI's Concurrency page).
A run that dies holding a slot has it freed by the daemon's run monitoring."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from dagster import DagsterInstance

from scrapers.registry import Source


def host_pool(source: Source) -> str:
    """The pool of a source's crawls: its host, so that two sources on one platform host share one."""
    host = urlsplit(source.base_url or "").hostname or source.name
    return "crawl_host_" + re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_")


def pool_limited(instance: DagsterInstance, pool: str) -> bool:
    """Whether the instance limits `pool`: a limit set for it, else the instance's default pool limit (which
    this sets for the pool, as Dagster does for its own pools)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return False
    if pool in storage.get_concurrency_keys():
        return True
    if instance.global_op_concurrency_default_limit is None:
        return False
    storage.initialize_concurrency_limit_to_default(pool)
    return pool in storage.get_concurrency_keys()


@contextmanager
def host_slot(
    instance: DagsterInstance, pool: str, run_id: str, step_key: str, log: Any = None, poll: float = 2.0
) -> Iterator[bool]:
    """Hold a slot of `pool` for the block; waits (saying so once) while other runs hold them all. Yields whether
    a slot was held (False: the instance does not limit the pool, e.g. the default single-user instance)."""
    if not pool_limited(instance, pool):
        yield False
        return
    storage = instance.event_log_storage
    said = False
    while not (status := storage.claim_concurrency_slot(pool, run_id, step_key)).is_claimed:
        if not said and log is not None:
            log.info(f"waiting for a slot of pool {pool} (another run is crawling this host)")
            said = True
        time.sleep(min(poll, status.sleep_interval or poll))
    try:
        yield True
    finally:
        storage.free_concurrency_slot_for_step(run_id, step_key)
