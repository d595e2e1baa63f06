"""Generic schema.org pages: sitemap or URL list in, only page URLs matching `options.follow` followed.

A source reuses it with a few registry lines: `spider: scrapers.spiders.schema_org:SchemaOrgSpider`,
`parser: scrapers.parsers.schema_org:parse`, start URLs and an optional `follow` regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response

from scrapers.spiders.base import SourceSpider


class SchemaOrgSpider(SourceSpider):
    name = "schema_org"

    def parse_response(self, response: Response) -> Iterator[Any]:
        pattern = self.source.options.get("follow")
        for out in super().parse_response(response):
            if (
                isinstance(out, Request)
                and out.meta.get("kind") == "page"
                and pattern
                and not re.search(str(pattern), out.url)
            ):
                self.crawler.stats.inc_value("sitemap/urls_not_followed")
                continue
            yield out
