"""Spider for shared-format feeds (XCRI-CAP, ELM) with one registry entry per publishing institution.

The feed formats carry no ISO country (XCRI-CAP) or may omit it (ELM), while the registry entry knows who
publishes the feed: its country and alliance fill the items that do not state their own.
"""

from __future__ import annotations

from typing import Any

from scrapers.registry import Source
from scrapers.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    name = "feed"

    @classmethod
    def item_defaults(cls, source: Source) -> dict[str, Any]:
        defaults: dict[str, Any] = {}
        if source.country:
            defaults["country"] = source.country
        if source.alliance:
            defaults["alliances"] = [source.alliance]
        return defaults
