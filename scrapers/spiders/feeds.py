"""Spider for shared-format feeds (XCRI-CAP, ELM) with one registry entry per publishing institution.

The feed formats carry no ISO country (XCRI-CAP) or may omit it (ELM), while the registry entry knows who
publishes the feed: its country and alliance fill the items that do not state their own.
"""

from __future__ import annotations

from typing import Any

from scrapers.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    name = "feed"

    def item_defaults(self) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        if self.source.country:
            defaults["country"] = self.source.country
        if self.source.alliance:
            defaults["alliances"] = [self.source.alliance]
        return defaults
