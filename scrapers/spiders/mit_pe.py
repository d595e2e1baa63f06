"""MIT Professional Education (Prolearn): the catalogue is one GraphQL POST (`searchAPISearch`).

The query lives in the registry entry's `options.graphql_query`, so it can change without code.
"""

from __future__ import annotations

import json

from scrapy.http import Request

from scrapers.parsers.base import FollowUp
from scrapers.spiders.base import SourceSpider


class GraphQLSpider(SourceSpider):
    name = "mit_pe"

    def request_for(self, follow: FollowUp) -> Request:
        if follow.kind == "start" and self.source.options.get("graphql_query"):
            body = json.dumps({"query": self.source.options["graphql_query"]}, separators=(",", ":"))
            follow = FollowUp(
                follow.url,
                follow.kind,
                follow.meta,
                "POST",
                body.encode(),
                {"Content-Type": "application/json", "Accept": "application/json"},
            )
        return super().request_for(follow)
