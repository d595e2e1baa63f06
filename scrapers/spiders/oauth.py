"""Sources behind OAuth2 client credentials (edX discovery, OOAPI endpoints): one token request, then the walk.

Credentials come from environment variables. Without them a live run says so in one log line and fetches nothing
(status `empty`, stat `skipped/no_credentials`: a Dagster asset reports it skipped, never failed); snapshot replay
needs no token. The token response is never landed, and token and secret travel only in request headers or the
token request's body. Subclasses say where the credentials and the token endpoint are, how the token request is
made, and the scheme of the Authorization header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy.http import Request, Response

from scrapers.parsers.base import FollowUp
from scrapers.spiders.base import SourceSpider


class ClientCredentialsSpider(SourceSpider):
    # the Authorization header's scheme for the catalogue requests ("Bearer", edX's "JWT")
    auth_scheme = "Bearer"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token: str | None = None

    def credentials(self) -> tuple[str | None, str | None, list[str]]:
        """(client id, secret, the names of the two variables read)."""
        raise NotImplementedError

    def token_url(self) -> str | None:
        raise NotImplementedError

    def token_request(self, token_url: str, client_id: str, secret: str) -> Request:
        """The POST to the token endpoint (callback, errback and meta are set by `start`)."""
        raise NotImplementedError

    async def start(self) -> Any:
        if self.mode == "snapshot":
            async for request in super().start():
                yield request
            return
        client_id, secret, names = self.credentials()
        if not client_id or not secret:
            self.crawler.stats.set_value("skipped/no_credentials", 1)
            self.logger.error(
                "%s: %s and %s are not set; skipping (nothing fetched)", self.source.name, names[0], names[1]
            )
            return
        token_url = self.token_url()
        if not token_url:
            self.crawler.stats.set_value("skipped/no_token_url", 1)
            self.logger.error("%s: no token_url in the registry entry's options; skipping (nothing fetched)", self.name)
            return
        request = self.token_request(token_url, client_id, secret)
        yield request.replace(callback=self.on_token, errback=self.on_error, dont_filter=True, meta={"kind": "token"})

    def on_token(self, response: Response) -> Iterator[Request]:
        try:
            token = json.loads(response.body)["access_token"] if response.status < 400 else None
        except (ValueError, KeyError, TypeError):
            token = None
        self.token = token if isinstance(token, str) and token else None
        if self.token is None:
            self.crawler.stats.inc_value("errors/auth_failed")
            self.logger.error("%s: no access token (HTTP %s from the token endpoint)", self.name, response.status)
            return
        for url in self.start_urls_for_run():
            yield self.request_for(FollowUp(url=url, kind="start"))

    def request_for(self, follow: FollowUp) -> Request:
        request = super().request_for(follow)
        if self.token:
            request.headers["Authorization"] = f"{self.auth_scheme} {self.token}"
        return request
