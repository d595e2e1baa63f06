"""Erasmus Without Paper Courses API: replayed from the recorded snapshot; never fetched live.

EWP endpoints answer only requests signed by a member of the EWP network (HTTP Signatures with a key the member has
registered in the EWP Registry, after the institution joins the network). MC Atlas is no member and holds no such
key, so the registry entry is disabled and a live run says so in one log line and fetches nothing (status `empty`,
stat `skipped/no_ewp_membership`, reported as skipped by the Dagster asset). Snapshot replay walks the recorded
replication response and Courses API answers like any other source.
"""

from __future__ import annotations

from typing import Any

from scrapers.spiders.base import SourceSpider


class EwpSpider(SourceSpider):
    name = "ewp"

    async def start(self) -> Any:
        if self.mode != "snapshot":
            self.crawler.stats.set_value("skipped/no_ewp_membership", 1)
            self.logger.error(
                "%s: EWP APIs answer only requests signed by an EWP network member (HTTP Signatures, key in the EWP "
                "Registry); MC Atlas holds no such key: skipping (nothing fetched)",
                self.source.name,
            )
            return
        async for request in super().start():
            yield request
