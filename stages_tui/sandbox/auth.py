"""HTTP Basic and OAuth2 client-credentials, with Mautic's exact refusals.

Secrets are compared with hmac.compare_digest and never logged or echoed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from .errors import ApiError, auth_error
from .store import Identity

_GRANT_TYPE = re.compile(
    r"^(authorization_code|token|password|client_credentials|refresh_token|https?://.+|urn:.+)$")
API_USER_ID = 1
API_USER_NAME = "Admin User"


@dataclass(frozen=True)
class OAuthClient:
    public_id: str      # "<numeric id>_<random>", as Mautic forms it
    secret: str
    name: str

    @property
    def numeric_id(self) -> str:
        return self.public_id.split("_", 1)[0]

    def identity(self) -> Identity:
        # A client-credentials token has no user: Mautic records the client instead.
        return Identity(None, f"{self.name} [{self.numeric_id}]")

    def __repr__(self) -> str:  # keep the secret out of reprs and tracebacks
        return f"OAuthClient(public_id={self.public_id!r}, name={self.name!r})"


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _denied() -> ApiError:
    return auth_error(401, "API authorization denied.", "access_denied")


def _bad_credentials() -> ApiError:
    return auth_error(401, "Authorization denied, invalid credentials.", "access_denied")


class Authenticator:
    def __init__(self, user: str, password: str, clients: list[OAuthClient],
                 token_ttl: float, clock: Callable[[], datetime]):
        self._user = user
        self._password = password
        self._clients = clients
        self.token_ttl = token_ttl
        self._clock = clock
        self._tokens: dict[str, tuple[OAuthClient, datetime]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Authenticator(user={self._user!r}, clients={len(self._clients)})"

    # ------------------------------------------------------------ API requests

    def identify(self, authorization: str | None, query: dict[str, Any]) -> Identity:
        """The caller of an /api request, or the ApiError Mautic would answer."""
        scheme, _, value = (authorization or "").strip().partition(" ")
        scheme = scheme.lower()
        value = value.strip()
        if scheme == "basic" and value:
            return self._basic(value)
        if scheme == "bearer" and value:
            return self._bearer(value)
        token = query.get("access_token")
        if not authorization and isinstance(token, str) and token:
            return self._bearer(token)
        raise _denied()

    def _basic(self, value: str) -> Identity:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise _bad_credentials() from None
        user, sep, password = decoded.partition(":")
        ok_user = _same(user, self._user)
        ok_password = _same(password, self._password)
        if not (sep and ok_user and ok_password and password):
            raise _bad_credentials()
        return Identity(API_USER_ID, API_USER_NAME)

    def _bearer(self, token: str) -> Identity:
        with self._lock:
            found = self._tokens.get(token)
            if found is None:
                raise auth_error(401, "The access token provided is invalid.", "invalid_grant")
            client, expires = found
            if self._clock() >= expires:
                del self._tokens[token]
                raise auth_error(401, "The access token provided has expired.", "invalid_grant")
        return client.identity()

    # ------------------------------------------------------------ token endpoint

    def grant(self, params: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        """POST/GET /oauth/v2/token, checked in oauth2-php's order; raises ApiError."""
        grant_type = params.get("grant_type")
        if not isinstance(grant_type, str) or not _GRANT_TYPE.match(grant_type):
            raise _oauth_error("Invalid grant_type parameter or parameter missing",
                               "invalid_request")
        client_id, client_secret = self._client_credentials(params, authorization)
        client = self._client(client_id, client_secret)
        if client is None:
            raise _oauth_error("The client credentials are invalid", "invalid_client")
        if grant_type != "client_credentials":
            raise _oauth_error("The grant type is unauthorized for this client_id",
                               "unauthorized_client")
        token = secrets.token_urlsafe(64)
        with self._lock:
            now = self._clock()
            self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (client, now + timedelta(seconds=self.token_ttl))
        return {"access_token": token, "expires_in": int(self.token_ttl),
                "token_type": "bearer", "scope": None}

    @staticmethod
    def _client_credentials(params: dict[str, Any], authorization: str | None) -> tuple[Any, Any]:
        """A Basic header wins over client_id/client_secret parameters."""
        scheme, _, value = (authorization or "").strip().partition(" ")
        if scheme.lower() == "basic" and value.strip():
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                decoded = ""
            user, _, password = decoded.partition(":")
            if user:
                return user, password
        client_id = params.get("client_id")
        if not client_id:
            raise _oauth_error("Client id was not found in the headers or body",
                               "invalid_client")
        return client_id, params.get("client_secret")

    def _client(self, client_id: Any, client_secret: Any) -> OAuthClient | None:
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            return None
        match = None
        for client in self._clients:
            if _same(client_id, client.public_id) and _same(client_secret, client.secret):
                match = client
        return match if client_secret else None


def _oauth_error(message: str, kind: str) -> ApiError:
    return auth_error(400, message, kind)
