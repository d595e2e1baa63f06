"""edX course-discovery: a JWT from the OAuth2 client-credentials endpoint, then the catalogue pages.

Credentials come from EDX_CLIENT_ID / EDX_CLIENT_SECRET. Without them a live run says so and fetches nothing
(status `empty`, stat `skipped/no_credentials`); snapshot replay needs no token. The token response is never
written to the landing area, and the token travels only in request headers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy.http import Request, Response

from scrapers.parsers.base import FollowUp
from scrapers.spiders.base import SourceSpider

TOKEN_URL = "https://api.edx.org/oauth2/v1/access_token"


class EdxSpider(SourceSpider):
    name = "edx"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token: str | None = None

    async def start(self) -> Any:
        if self.mode == "snapshot":
            async for request in super().start():
                yield request
            return
        client_id, secret = os.environ.get("EDX_CLIENT_ID"), os.environ.get("EDX_CLIENT_SECRET")
        if not client_id or not secret:
            self.crawler.stats.set_value("skipped/no_credentials", 1)
            self.logger.error("edx: EDX_CLIENT_ID and EDX_CLIENT_SECRET are not set; skipping (nothing fetched)")
            return
        body = urlencode(
            {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "token_type": "jwt"}
        )
        token_url = self.settings.get("EDX_TOKEN_URL") or self.source.options.get("token_url") or TOKEN_URL
        yield Request(
            str(token_url),
            method="POST",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            callback=self.on_token,
            errback=self.on_error,
            dont_filter=True,
            meta={"kind": "token"},
        )

    def on_token(self, response: Response) -> Iterator[Request]:
        try:
            self.token = json.loads(response.body)["access_token"] if response.status < 400 else None
        except (ValueError, KeyError, TypeError):
            self.token = None
        if not self.token:
            self.crawler.stats.inc_value("errors/auth_failed")
            self.logger.error("edx: no access token (HTTP %s from the token endpoint)", response.status)
            return
        for url in self.start_urls_for_run():
            yield self.request_for(FollowUp(url=url, kind="start"))

    def request_for(self, follow: FollowUp) -> Request:
        request = super().request_for(follow)
        if self.token:
            request.headers["Authorization"] = f"JWT {self.token}"
        return request
