"""Sisu (Funidata) universities: one spider for every registry entry that reads a university's Sisu.

The parser (`scrapers.parsers.sisu`) knows the universities it has seen by host and id prefix; for any other (a new
Sisu university, a run's own start URLs) the registry entry names the provider, and every item gets its country.
"""

from __future__ import annotations

from typing import Any

from scrapers.registry import Source
from scrapers.spiders.base import SourceSpider


class SisuSpider(SourceSpider):
    name = "sisu"

    @classmethod
    def item_defaults(cls, source: Source) -> dict[str, Any]:
        defaults: dict[str, Any] = {"provider": source.provider}
        if source.country:
            defaults["country"] = source.country
        return defaults
