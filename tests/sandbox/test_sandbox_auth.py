"""HTTP Basic and OAuth2 client credentials, with Mautic's refusals."""

from __future__ import annotations

import base64

import pytest

from sandbox_support import CLIENT_ID, CLIENT_NAME, CLIENT_SECRET, PASSWORD, TOKEN_TTL, USER

DENIED = {"errors": [{"message": "API authorization denied.", "code": 401,
                      "type": "access_denied"}]}
BAD_CREDENTIALS = {"errors": [{"message": "Authorization denied, invalid credentials.",
                               "code": 401, "type": "access_denied"}]}


def basic(user: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def token(anon, **overrides) -> dict:
    data = {"grant_type": "client_credentials", "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, **overrides}
    r = await anon.post("/oauth/v2/token", data=data)
    return r


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Token abc"},
                                     {"Authorization": "Bearer "}])
async def test_no_credentials(anon, headers):
    for path in ("/api/stages", "/api/nosuchthing"):
        r = await anon.get(path, headers=headers)
        assert r.status_code == 401 and r.json() == DENIED
        assert "mautic-version" not in r.headers and "www-authenticate" not in r.headers


@pytest.mark.parametrize("headers", [basic(USER, "wrong"), basic("nosuchuser", PASSWORD),
                                     basic(USER, ""), {"Authorization": "Basic !!notbase64"}])
async def test_wrong_basic_credentials(anon, headers):
    r = await anon.get("/api/stages", headers=headers)
    assert r.status_code == 401 and r.json() == BAD_CREDENTIALS


async def test_basic_user_is_admin_user(anon):
    r = await anon.post("/api/stages/new", json={"name": "b"}, headers=basic(USER, PASSWORD))
    stage = r.json()["stage"]
    assert (stage["createdBy"], stage["createdByUser"]) == (1, "Admin User")


async def test_client_credentials_token_and_attribution(anon):
    r = await token(anon)
    assert r.status_code == 200
    grant = r.json()
    assert set(grant) == {"access_token", "expires_in", "token_type", "scope"}
    assert (grant["expires_in"], grant["token_type"], grant["scope"]) == (TOKEN_TTL, "bearer",
                                                                          None)
    assert r.headers["cache-control"] == "no-store, private"
    assert "mautic-version" not in r.headers
    bearer = {"Authorization": f"Bearer {grant['access_token']}"}
    stage = (await anon.post("/api/stages/new", json={"name": "o"}, headers=bearer)).json()
    number = CLIENT_ID.split("_")[0]
    assert stage["stage"]["createdBy"] is None
    assert stage["stage"]["createdByUser"] == f"{CLIENT_NAME} [{number}]"
    edited = await anon.patch(f"/api/stages/{stage['stage']['id']}/edit", json={"weight": 2},
                              params={"access_token": grant["access_token"]})
    assert edited.json()["stage"]["modifiedByUser"] == f"{CLIENT_NAME} [{number}]"


async def test_token_request_forms(anon):
    as_json = await anon.post("/oauth/v2/token", json={
        "grant_type": "client_credentials", "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET})
    as_query = await anon.get("/oauth/v2/token", params={
        "grant_type": "client_credentials", "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET})
    as_basic = await anon.post("/oauth/v2/token", data={"grant_type": "client_credentials"},
                               headers=basic(CLIENT_ID, CLIENT_SECRET))
    assert [r.status_code for r in (as_json, as_query, as_basic)] == [200, 200, 200]
    tokens = {r.json()["access_token"] for r in (as_json, as_query, as_basic)}
    assert len(tokens) == 3


@pytest.mark.parametrize("overrides, message, kind", [
    ({"client_secret": "wrong"}, "The client credentials are invalid", "invalid_client"),
    ({"client_secret": ""}, "The client credentials are invalid", "invalid_client"),
    ({"client_id": "999_nosuch"}, "The client credentials are invalid", "invalid_client"),
    ({"grant_type": ""}, "Invalid grant_type parameter or parameter missing",
     "invalid_request"),
    ({"grant_type": "password"}, "The grant type is unauthorized for this client_id",
     "unauthorized_client"),
    ({"grant_type": "sideways"}, "Invalid grant_type parameter or parameter missing",
     "invalid_request"),
    ({"client_id": ""}, "Client id was not found in the headers or body", "invalid_client"),
])
async def test_token_refusals(anon, overrides, message, kind):
    r = await token(anon, **overrides)
    assert r.status_code == 400
    assert r.json() == {"errors": [{"message": message, "code": 400, "type": kind}]}


async def test_tokens_expire_after_ttl(anon, clock):
    grant = (await token(anon)).json()
    bearer = {"Authorization": f"Bearer {grant['access_token']}"}
    clock.advance(TOKEN_TTL - 1)
    assert (await anon.get("/api/stages", headers=bearer)).status_code == 200
    clock.advance(2)
    r = await anon.get("/api/stages", headers=bearer)
    assert r.status_code == 401
    assert r.json() == {"errors": [{"message": "The access token provided has expired.",
                                    "code": 401, "type": "invalid_grant"}]}


async def test_unknown_bearer_token(anon):
    r = await anon.get("/api/stages", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["errors"][0] == {"message": "The access token provided is invalid.",
                                     "code": 401, "type": "invalid_grant"}


async def test_secrets_stay_out_of_reprs(sandbox_app):
    text = repr(sandbox_app.state.config) + repr(sandbox_app.state.sandbox.auth)
    assert PASSWORD not in text and CLIENT_SECRET not in text
