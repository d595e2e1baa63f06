"""edX course-discovery: a JWT from the OAuth2 client-credentials endpoint (EDX_CLIENT_ID / EDX_CLIENT_SECRET), then
the catalogue pages; the credential handling is scrapers/spiders/oauth.py's."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from scrapy.http import Request

from scrapers.spiders.oauth import ClientCredentialsSpider

TOKEN_URL = "https://api.edx.org/oauth2/v1/access_token"


class EdxSpider(ClientCredentialsSpider):
    name = "edx"
    auth_scheme = "JWT"

    def credentials(self) -> tuple[str | None, str | None, list[str]]:
        names = ["EDX_CLIENT_ID", "EDX_CLIENT_SECRET"]
        return os.environ.get(names[0]) or None, os.environ.get(names[1]) or None, names

    def token_url(self) -> str | None:
        return str(self.settings.get("EDX_TOKEN_URL") or self.source.options.get("token_url") or TOKEN_URL)

    def token_request(self, token_url: str, client_id: str, secret: str) -> Request:
        body = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "token_type": "jwt",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return Request(token_url, method="POST", body=urlencode(body), headers=headers)
