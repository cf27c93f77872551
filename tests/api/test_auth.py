"""Basic and OAuth2 client-credentials auth: header form, token caching, renewal, redaction."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs

import httpx
import pytest

from stages_tui.api import AuthFailed, BasicAuth, MauticClient, MauticError, OAuth2ClientCredentials

CLIENT_ID = "1_cfrandomid"
SECRET = "oauth-client-secret-XYZ"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeMautic:
    """Token endpoint + one API route, enough to watch the auth flow."""

    def __init__(self, expires_in: int = 3600) -> None:
        self.expires_in = expires_in
        self.issued: list[str] = []
        self.valid: set[str] = set()
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.api_auth: list[str] = []  # Authorization as sent (the request object is reused)

    def revoke_all(self) -> None:
        self.valid.clear()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if request.url.path.endswith("/oauth/v2/token"):
            self.token_requests.append(request)
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            if form.get("client_secret") != SECRET or form.get("client_id") != CLIENT_ID:
                return httpx.Response(400, json={"errors": [{"message": "The client credentials are invalid", "code": 400, "type": "invalid_client"}]})
            token = f"tok{len(self.issued) + 1}"
            self.issued.append(token)
            self.valid.add(token)
            return httpx.Response(200, json={"access_token": token, "expires_in": self.expires_in, "token_type": "bearer", "scope": None})
        self.api_requests.append(request)
        header = request.headers.get("Authorization", "")
        self.api_auth.append(header)
        if not header.startswith("Bearer ") or header[7:] not in self.valid:
            return httpx.Response(401, json={"errors": [{"message": "The access token provided is invalid.", "code": 401, "type": "invalid_grant"}]})
        return httpx.Response(200, json={"total": 0, "stages": []})


def make(fake: FakeMautic, auth: httpx.Auth, base: str = "http://m.test") -> MauticClient:
    return MauticClient(base, auth, transport=httpx.MockTransport(fake), backoff=0)


def test_basic_header_and_repr():
    auth = BasicAuth("admin", "pä55:word")
    request = httpx.Request("GET", "http://m.test/api/stages")
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    expected = base64.b64encode("admin:pä55:word".encode()).decode()
    assert sent.headers["Authorization"] == f"Basic {expected}"
    assert "pä55" not in repr(auth) and expected not in repr(auth)
    assert "admin" in repr(auth)


async def test_token_fetched_once_and_reused():
    fake = FakeMautic()
    clock = FakeClock()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=clock)
    async with make(fake, auth) as client:
        for _ in range(3):
            await client.list_stages()
    assert len(fake.token_requests) == 1
    token_request = fake.token_requests[0]
    assert token_request.method == "POST"
    assert str(token_request.url) == "http://m.test/oauth/v2/token"
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"], "client_id": [CLIENT_ID], "client_secret": [SECRET],
    }
    assert fake.api_auth == ["Bearer tok1"] * 3


async def test_token_renewed_shortly_before_expiry():
    fake = FakeMautic(expires_in=3600)
    clock = FakeClock()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=clock, renew_margin=60)
    async with make(fake, auth) as client:
        await client.list_stages()
        clock.now += 3600 - 61
        await client.list_stages()
        assert len(fake.token_requests) == 1
        clock.now += 2  # now inside the renewal margin
        await client.list_stages()
    assert len(fake.token_requests) == 2
    assert fake.api_auth[-1] == "Bearer tok2"


async def test_short_token_lifetime_is_still_reused():
    """Mautic's access token lifetime is a setting (minutes); at 1 minute a 60 s renewal
    margin would fetch a new token before every request."""
    fake = FakeMautic(expires_in=60)
    clock = FakeClock()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=clock, renew_margin=60)
    async with make(fake, auth) as client:
        await client.list_stages()
        clock.now += 10
        await client.list_stages()
        assert len(fake.token_requests) == 1
        clock.now += 25  # past half the lifetime: renewed
        await client.list_stages()
    assert len(fake.token_requests) == 2


async def test_renewed_once_on_401():
    fake = FakeMautic()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=FakeClock())
    async with make(fake, auth) as client:
        await client.list_stages()
        fake.revoke_all()  # server forgot the token early
        page = await client.list_stages()
    assert page.total == 0
    assert len(fake.token_requests) == 2
    assert fake.api_auth == ["Bearer tok1", "Bearer tok1", "Bearer tok2"]


async def test_persistent_401_is_auth_failed_after_one_renewal():
    fake = FakeMautic()
    fake_call = fake.__call__

    def never_valid(request: httpx.Request) -> httpx.Response:
        response = fake_call(request)
        fake.revoke_all()
        return response

    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=FakeClock())
    async with MauticClient("http://m.test", auth, transport=httpx.MockTransport(never_valid)) as client:
        with pytest.raises(AuthFailed) as info:
            await client.list_stages()
    assert info.value.message == "The access token provided is invalid."
    assert len(fake.token_requests) == 2 and len(fake.api_requests) == 2


async def test_bad_client_secret_is_auth_failed_without_secret():
    fake = FakeMautic()
    auth = OAuth2ClientCredentials(CLIENT_ID, "wrong-" + SECRET, clock=FakeClock())
    async with make(fake, auth) as client:
        with pytest.raises(AuthFailed) as info:
            await client.list_stages()
    err = info.value
    assert err.status == 400 and err.error_type == "invalid_client"
    assert err.user_message == "Authentication failed: OAuth2 token refused: The client credentials are invalid"
    for text in (str(err), repr(err), repr(auth), err.user_message):
        assert SECRET not in text
    assert fake.api_requests == []


async def test_concurrent_first_requests_share_one_token():
    fake = FakeMautic()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=FakeClock())
    async with make(fake, auth) as client:
        await asyncio.gather(*(client.list_stages() for _ in range(5)))
    assert len(fake.token_requests) == 1


async def test_token_url_follows_index_php_prefix():
    fake = FakeMautic()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=FakeClock())
    async with make(fake, auth, base="http://m.test/index.php") as client:
        await client.list_stages()
    assert str(fake.token_requests[0].url) == "http://m.test/index.php/oauth/v2/token"


async def test_token_url_for_a_mautic_installed_under_a_folder_named_api():
    """Only the last /api/ of the request path is the API's: the folder before it stays."""
    fake = FakeMautic()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET)
    async with make(fake, auth, base="http://m.test/api/mautic") as client:
        await client.list_stages()
    assert str(fake.token_requests[0].url) == "http://m.test/api/mautic/oauth/v2/token"
    assert str(fake.api_requests[0].url).startswith("http://m.test/api/mautic/api/stages")


async def test_token_answer_without_token_is_bad_response():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"token_type": "bearer"})

    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET)
    async with MauticClient("http://m.test", auth, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(MauticError) as info:
            await client.list_stages()
    assert type(info.value).__name__ == "BadResponse"


def test_oauth_repr_hides_secret_and_token():
    fake = FakeMautic()
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, clock=FakeClock())
    with httpx.Client(transport=httpx.MockTransport(fake), auth=auth) as http:
        http.get("http://m.test/api/stages")  # sync flow works too
    assert fake.api_auth == ["Bearer tok1"]
    text = repr(auth) + str(vars(auth).keys())
    assert SECRET not in repr(auth) and "tok1" not in repr(auth)
    assert CLIENT_ID in text
