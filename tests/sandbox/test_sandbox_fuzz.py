"""Odd inputs get one of Mautic's answers, never a crash of the sandbox itself."""

from __future__ import annotations

import asyncio
import logging

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stages_tui.sandbox.app import SandboxConfig, create_app

APP = create_app(SandboxConfig(password="pw"))
SHAPES = ({"errors"}, {"total", "stages"}, {"total", "contacts"}, {"total", "categories"},
          {"stage"}, {"stages"}, {"contact"}, {"category"}, {"stages", "statusCodes"},
          {"stages", "statusCodes", "errors"})

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | words,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=6)
params = st.lists(st.tuples(st.sampled_from(
    ["search", "start", "limit", "orderBy", "orderByDir", "published", "minimal",
     "where[0][col]", "where[0][expr]", "where[0][val]", "where[0][val][]", "order[0][col]",
     "order[0][dir]", "ids", "ids[]"]), words), max_size=6)


def call(method: str, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=APP), base_url="http://s",
                                     auth=("admin", "pw")) as client:
            return await client.request(method, path, **kwargs)
    return asyncio.run(go())


def check(response: httpx.Response, caplog) -> None:
    assert response.status_code in (200, 201, 400, 404, 500)
    body = response.json()
    assert set(body) in SHAPES
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=params, path=st.sampled_from(["/api/stages", "/api/contacts", "/api/categories",
                                           "/api/stages/batch/delete"]))
def test_list_parameters(query, path, caplog):
    caplog.clear()
    method = "DELETE" if path.endswith("delete") else "GET"
    check(call(method, path, params=query), caplog)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["name", "weight", "description", "isPublished",
                                             "publishUp", "publishDown", "category", "id",
                                             "title", "bundle", "color", "alias", "email",
                                             "firstname", "points", "stage", "lastActive"]),
                            json_values, max_size=5),
       path=st.sampled_from(["/api/stages/new", "/api/stages/batch/new", "/api/contacts/new",
                             "/api/categories/new"]))
def test_create_bodies(body, path, caplog):
    caplog.clear()
    payload = [body] if "batch" in path else body
    check(call("POST", path, json=payload), caplog)
