"""httpx authentication for Mautic: HTTP Basic and OAuth2 client credentials.

Secrets live only in private attributes; ``repr`` and every error text leave them out.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any, AsyncGenerator, Callable, Generator

import httpx

from .errors import AuthFailed, BadResponse, error_from_response

__all__ = ["BasicAuth", "OAuth2ClientCredentials"]

TOKEN_PATH = "/oauth/v2/token"


class BasicAuth(httpx.Auth):
    """HTTP Basic auth (Mautic: Configuration > API settings > enable HTTP basic auth)."""

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        raw = f"{username}:{password}".encode("utf-8")
        self.__header = "Basic " + base64.b64encode(raw).decode("ascii")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.__header
        yield request

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password=<hidden>)"


class OAuth2ClientCredentials(httpx.Auth):
    """OAuth2 client-credentials grant against Mautic's ``/oauth/v2/token``.

    The token is fetched on first use, reused until ``renew_margin`` seconds (at most half
    its lifetime) before it expires, and fetched again once if Mautic answers 401 (token revoked or expired early).
    The token URL defaults to ``<the part of the request URL before /api/>/oauth/v2/token``,
    so ``https://host/index.php/api/...`` uses ``https://host/index.php/oauth/v2/token``.
    """

    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str | None = None,
        renew_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.__secret = client_secret
        self.token_url = token_url
        self.renew_margin = renew_margin
        self._clock = clock
        self.__token: str | None = None
        self._renew_at = 0.0
        self._lock: asyncio.Lock | None = None
        self.token_fetches = 0  # how many tokens were fetched (tests, diagnostics)

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(client_id={self.client_id!r}, client_secret=<hidden>)"

    # -- token state -------------------------------------------------------------------

    @property
    def has_valid_token(self) -> bool:
        return self.__token is not None and self._clock() < self._renew_at

    def forget_token(self) -> None:
        self.__token = None
        self._renew_at = 0.0

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        url = self.token_url or _token_url_for(request.url)
        return httpx.Request(
            "POST",
            url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.__secret,
            },
            headers={"Accept": "application/json", "User-Agent": request.headers.get("User-Agent", "")},
        )

    def _store_token(self, response: httpx.Response) -> None:
        try:
            body: Any = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            body = None
        if response.status_code != 200:
            error = error_from_response(response.status_code, body, response.reason_phrase)
            if response.status_code in (400, 401):
                # Mautic answers bad client credentials with 400 invalid_client.
                raise AuthFailed(
                    f"OAuth2 token refused: {error.message}",
                    status=response.status_code,
                    code=error.code,
                    error_type=error.error_type,
                )
            raise error
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise BadResponse("OAuth2 token answer has no access_token", status=200)
        expires_in = body.get("expires_in", 3600)
        if isinstance(expires_in, str) and expires_in.isdigit():
            expires_in = int(expires_in)
        if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
            expires_in = 3600
        self.__token = token
        # Mautic's token lifetime is a setting; a short one (1 minute) gets half of it as
        # the margin, else every request would fetch a token first.
        margin = min(self.renew_margin, float(expires_in) / 2)
        self._renew_at = self._clock() + float(expires_in) - margin
        self.token_fetches += 1

    def _authorize(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self.__token}"

    # -- flows -------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not self.has_valid_token:
            token_response = yield self._token_request(request)
            token_response.read()
            self._store_token(token_response)
        self._authorize(request)
        response = yield request
        if response.status_code == 401:
            self.forget_token()
            token_response = yield self._token_request(request)
            token_response.read()
            self._store_token(token_response)
            self._authorize(request)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        # One token fetch at a time: concurrent first requests share it.
        async with self._lock:
            if not self.has_valid_token:
                token_response = yield self._token_request(request)
                await token_response.aread()
                self._store_token(token_response)
            self._authorize(request)
            sent_token = request.headers["Authorization"]
        response = yield request
        if response.status_code == 401:
            async with self._lock:
                # Renew unless a concurrent request already did.
                if self.__token is None or f"Bearer {self.__token}" == sent_token:
                    self.forget_token()
                    token_response = yield self._token_request(request)
                    await token_response.aread()
                    self._store_token(token_response)
                self._authorize(request)
            yield request


def _token_url_for(url: httpx.URL) -> httpx.URL:
    """``http://h/index.php/api/stages`` -> ``http://h/index.php/oauth/v2/token``."""
    path = url.path
    # The last "/api/": a Mautic may live under a folder that is itself called "api".
    cut = path.rfind("/api/")
    prefix = path[:cut] if cut >= 0 else path.rstrip("/")
    return url.copy_with(path=prefix + TOKEN_PATH, query=None, fragment=None)

