"""HTTP-level behaviour: catch-all 404s, redirects, HEAD/OPTIONS, bodies, headers, bytes."""

from __future__ import annotations

import pytest

from sandbox_support import new_stage

GENERIC_400 = ("Looks like I encountered an error (error #400). If I do it again, "
               "please report me to the system administrator!")


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/nosuchthing"), ("GET", "/api/stages/new"), ("DELETE", "/api/stages/5"),
    ("POST", "/api/stages/5"), ("PATCH", "/api/stages/5"), ("GET", "/api/stages/5/edit"),
    ("POST", "/api/stages/5/edit"), ("POST", "/api/stages"), ("GET", "/api/stages/abc"),
    ("GET", "/api/stages/-1"), ("GET", "/api/STAGES/1"), ("POST", "/api/stages/batch/delete"),
    ("POST", "/api/stages/5/contact/add/6"),
])
async def test_unknown_routes_and_wrong_methods_hit_the_catch_all(api, method, path):
    r = await api.request(method, path, params={"x": "1"})
    assert r.status_code == 404
    assert r.json() == {"errors": [{"message": f"Requested URL not found: {path}?x=1",
                                    "code": 404, "type": None}]}
    assert "mautic-version" not in r.headers


async def test_id_zero_reaches_the_controller(api):
    r = await api.get("/api/stages/0")
    assert r.status_code == 404 and r.headers["mautic-version"] == "5.1.0"
    assert r.json()["errors"][0]["message"] == "Item was not found."


async def test_trailing_slash_redirects_without_query(api):
    r = await api.get("/api/stages/", params={"limit": "1"})
    assert r.status_code == 301
    assert r.headers["location"] == "http://sandbox.test/api/stages"
    assert r.headers["content-type"].startswith("text/html")
    assert "mautic-version" not in r.headers


async def test_head_and_options(api):
    stage = await new_stage(api, name="h")
    head = await api.head(f"/api/stages/{stage['id']}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["mautic-version"] == "5.1.0"
    options = await api.options("/api/stages")
    assert options.status_code == 204 and "mautic-version" not in options.headers


async def test_method_override_header_works_but_form_method_does_not(api):
    stage = await new_stage(api, name="o", weight=1)
    r = await api.post(f"/api/stages/{stage['id']}/edit", json={"weight": 5},
                       headers={"X-HTTP-Method-Override": "PATCH"})
    assert r.status_code == 200 and r.json()["stage"]["weight"] == 5
    r = await api.post(f"/api/stages/{stage['id']}/edit", data={"_method": "PATCH",
                                                                "weight": "6"})
    assert r.status_code == 404


async def test_index_php_prefix(api):
    r = await api.post("/index.php/api/stages/new", json={"name": "ip"})
    assert r.status_code == 201 and r.headers["location"].startswith("/api/stages/")
    r = await api.get("/index.php/api/nosuch")
    assert r.json()["errors"][0]["message"] == "Requested URL not found: /index.php/api/nosuch"


@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"name": "broken", '),
    ("application/json", b'"just a string"'),
    ("application/json", b"null"),
])
async def test_undecodable_json_is_the_generic_400(api, content_type, body):
    r = await api.post("/api/stages/new", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 400
    assert r.json() == {"errors": [{"message": GENERIC_400, "code": 400, "type": None}]}
    assert "mautic-version" not in r.headers


@pytest.mark.parametrize("content_type, body", [
    ("text/plain", b'{"name": "x"}'),
    ("application/x-www-form-urlencoded", b'{"name": "x"}'),
    ("application/json", b'["x"]'),
    ("application/json", b""),
])
async def test_unparsed_bodies_mean_no_name(api, content_type, body):
    r = await api.post("/api/stages/new", content=body, headers={"Content-Type": content_type})
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "name: A name is required."
    assert r.headers["mautic-version"] == "5.1.0"


async def test_json_escapes_slashes_like_php(api):
    r = await api.post("/api/stages/new", json={"name": "a/b", "description": "é"})
    assert b'"name":"a\\/b"' in r.content
    assert b'"description":"\\u00e9"' in r.content
    assert r.headers["content-type"] == "application/json"


async def test_latency_setting_delays_api_requests(clock):
    import httpx

    from stages_tui.sandbox.app import SandboxConfig, create_app

    app = create_app(SandboxConfig(password="pw", latency=0.01, clock=clock))
    seen = []

    async def fake_sleep(seconds):
        seen.append(seconds)

    import stages_tui.sandbox.app as app_module
    original = app_module.asyncio.sleep
    app_module.asyncio.sleep = fake_sleep
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://s", auth=("admin", "pw")) as client:
            assert (await client.get("/api/stages")).status_code == 200
    finally:
        app_module.asyncio.sleep = original
    assert seen == [0.01]


async def test_huge_and_non_ascii_ids(api):
    r = await api.get("/api/stages/99999999999999999999999")
    assert r.status_code == 404 and r.json()["errors"][0]["message"] == "Item was not found."
    r = await api.get("/api/stages/\u0663")  # an Arabic-Indic digit is no \d in Symfony
    assert r.status_code == 404 and "Requested URL not found" in r.json()["errors"][0]["message"]
    stage = await new_stage(api, name="n")
    r = await api.patch(f"/api/stages/{stage['id']}/edit", json={"category": 10**30})
    assert r.status_code == 500
    assert r.json()["errors"][0]["message"] == f"Category {2**63 - 1} does not exist"
