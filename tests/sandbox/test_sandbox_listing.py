"""List parameters: paging edges, ordering, where[], published, minimal, batch."""

from __future__ import annotations

import pytest

from sandbox_support import new_stage


@pytest.fixture
async def five(api, clock):
    """alpha(10, pub) bravo(30, pub) charlie(20, unpub) delta(40, pub) echo(50, unpub)."""
    made = {}
    for name, weight, pub in [("delta", 40, 1), ("alpha", 10, 1), ("echo", 50, 0),
                              ("bravo", 30, 1), ("charlie", 20, 0)]:
        made[name] = await new_stage(api, name=f"tok {name}", weight=weight, isPublished=pub)
        clock.advance(2)
    return made


async def ids(api, **params):
    r = await api.get("/api/stages", params={"search": "tok", **params})
    assert r.status_code == 200, r.text
    body = r.json()
    return body["total"], [s["id"] for s in body["stages"]]


def by(five, *names):
    return [five[n]["id"] for n in names]


async def test_default_order_is_by_id_and_limit_30(api, five):
    assert await ids(api) == (5, by(five, "delta", "alpha", "echo", "bravo", "charlie"))


@pytest.mark.parametrize("params, names", [
    ({"limit": 2}, ["delta", "alpha"]),
    ({"start": 2, "limit": 2}, ["echo", "bravo"]),
    ({"start": 4, "limit": 2}, ["charlie"]),
    ({"limit": 0}, ["delta", "alpha", "echo", "bravo", "charlie"]),
    ({"limit": 0, "start": 3}, ["delta", "alpha", "echo", "bravo", "charlie"]),
    ({"start": 3}, ["bravo", "charlie"]),
    ({"start": 50, "limit": 10}, []),
    ({"limit": "abc"}, []),
])
async def test_paging_edges(api, five, params, names):
    assert await ids(api, **params) == (5, by(five, *names))


@pytest.mark.parametrize("params", [{"limit": -1}, {"start": -5}, {"select[]": "name"},
                                    {"orderBy": "date_added"}, {"orderBy": "weight DESC"},
                                    {"orderBy": "nosuch"}, {"orderBy": "weight",
                                                            "orderByDir": "sideways"},
                                    {"where[0][col]": "nosuch", "where[0][expr]": "eq",
                                     "where[0][val]": "1"}])
async def test_bad_list_parameters_are_generic_500s(api, five, params):
    r = await api.get("/api/stages", params=params)
    assert r.status_code == 500
    assert r.json()["errors"][0]["code"] == 500 and "mautic-version" not in r.headers


@pytest.mark.parametrize("params, names", [
    ({"orderBy": "weight"}, ["alpha", "charlie", "bravo", "delta", "echo"]),
    ({"orderBy": "name", "orderByDir": "desc"}, ["echo", "delta", "charlie", "bravo", "alpha"]),
    ({"orderBy": "dateAdded", "orderByDir": "DESC"},
     ["charlie", "bravo", "echo", "alpha", "delta"]),
    ({"orderBy": "isPublished,weight", "orderByDir": "DESC"},
     ["delta", "bravo", "alpha", "echo", "charlie"]),
    ({"order[0][col]": "weight", "order[0][dir]": "DESC", "orderBy": "name"},
     ["echo", "delta", "bravo", "charlie", "alpha"]),
])
async def test_ordering(api, five, params, names):
    assert (await ids(api, **params))[1] == by(five, *names)


@pytest.mark.parametrize("params, names", [
    ({"published": "1"}, ["delta", "alpha", "bravo"]),
    ({"published": "false"}, ["delta", "alpha", "bravo"]),
    ({"published": "0"}, ["delta", "alpha", "echo", "bravo", "charlie"]),
    ({"publishedOnly": "1"}, ["delta", "alpha", "echo", "bravo", "charlie"]),
    ({"where[0][col]": "weight", "where[0][expr]": "gte", "where[0][val]": "30"},
     ["delta", "echo", "bravo"]),
    ({"published": "1", "where[0][col]": "isPublished", "where[0][expr]": "eq",
      "where[0][val]": "0"}, ["echo", "charlie"]),
    ({"where[0][col]": "weight", "where[0][expr]": "between", "where[0][val][]": ["15", "35"]},
     ["bravo", "charlie"]),
    ({"where[0][col]": "name", "where[0][expr]": "like", "where[0][val]": "%b%"}, ["bravo"]),
    ({"where[0][col]": "weight", "where[0][expr]": "sideways", "where[0][val]": "1"},
     ["delta", "alpha", "echo", "bravo", "charlie"]),
])
async def test_filters(api, five, params, names):
    assert (await ids(api, **params))[1] == by(five, *names)


async def test_where_in_without_search(api, five):
    r = await api.get("/api/stages", params={
        "where[0][col]": "id", "where[0][expr]": "in",
        "where[0][val]": f"{five['alpha']['id']},{five['echo']['id']}"})
    assert [s["id"] for s in r.json()["stages"]] == by(five, "alpha", "echo")


async def test_minimal_drops_publish_dates(api, five):
    r = await api.get("/api/stages", params={"search": "tok", "minimal": "1", "limit": 1})
    assert "publishUp" not in r.json()["stages"][0]
    assert "description" in r.json()["stages"][0]


async def test_empty_list_is_an_array(api):
    assert (await api.get("/api/stages", params={"search": "nothing"})).json() == \
        {"total": 0, "stages": []}


async def test_batch_new_keys_by_index_when_an_item_fails(api):
    r = await api.post("/api/stages/batch/new",
                       json=[{"name": "b1"}, {"weight": 5}, {"name": "b3"}])
    assert r.status_code == 201
    body = r.json()
    assert list(body["stages"]) == ["0", "2"] and body["statusCodes"] == [201, 400, 201]
    assert body["errors"] == {"1": {"code": 400, "message": "name: A name is required.",
                                    "details": {"name": ["A name is required."]},
                                    "type": None}}


async def test_batch_limits_and_shapes(api):
    r = await api.post("/api/stages/batch/new", json=[{"name": f"n{i}"} for i in range(201)])
    assert r.status_code == 500
    assert r.json()["errors"][0] == {"code": 500, "details": [],
                                     "message": "A max of 200 entities are supported at a time."}
    assert (await api.get("/api/stages")).json()["total"] == 0
    assert (await api.post("/api/stages/batch/new", json=[])).json() == \
        {"stages": [], "statusCodes": []}
    assert (await api.post("/api/stages/batch/new", json={"name": "x"})).status_code == 500
    assert (await api.patch("/api/stages/batch/edit", json=[])).json() == \
        {"stages": [], "statusCodes": []}
    assert (await api.delete("/api/stages/batch/delete", params={"ids": "abc,def"})).json() == \
        {"stages": []}


async def test_batch_edit_and_delete(api):
    a = await new_stage(api, name="a", weight=1)
    b = await new_stage(api, name="b", weight=2)
    r = await api.patch("/api/stages/batch/edit",
                        json=[{"id": a["id"], "name": ""}, {"id": 987654321, "name": "x"},
                              {"name": "no id"}, {"id": b["id"], "weight": 9}])
    body = r.json()
    assert r.status_code == 200 and body["statusCodes"] == [400, 404, 404, 200]
    assert body["stages"]["0"]["name"] is None and body["stages"]["3"]["weight"] == 9
    assert body["errors"][1] == {"message": "Item was not found.", "code": 404,
                                 "type": "api"}
    assert (await api.get(f"/api/stages/{a['id']}")).json()["stage"]["name"] == "a"
    r = await api.put("/api/stages/batch/edit", json=[{"id": 987654321, "name": "made"},
                                                      {"id": b["id"], "name": "b2"}])
    assert r.json()["statusCodes"] == [201, 200]
    assert list(r.json()["stages"]) == ["1", "0"]  # created entities come after found ones
    r = await api.delete("/api/stages/batch/delete",
                         params=[("ids[]", a["id"]), ("ids[]", 987654321), ("ids[]", b["id"])])
    deleted = r.json()["stages"]  # keyed as requested: the missing id leaves a hole
    assert {k: s["id"] for k, s in deleted.items()} == {"0": a["id"], "2": b["id"]}
    assert (await api.get(f"/api/stages/{a['id']}")).status_code == 404


async def test_batch_stops_at_a_missing_category_but_keeps_saved_items(api):
    r = await api.post("/api/stages/batch/new",
                       json=[{"name": "kept"}, {"name": "bad", "category": 987654321},
                             {"name": "never"}])
    assert r.status_code == 500
    assert r.json()["errors"][0]["message"] == "Category 987654321 does not exist"
    names = [s["name"] for s in (await api.get("/api/stages")).json()["stages"]]
    assert names == ["kept"]


@pytest.mark.parametrize("params, names", [
    ({"where[0][column]": "weight", "where[0][expr]": "lt", "where[0][value]": "25"},
     ["alpha", "charlie"]),
    ({"where[0][col]": "weight", "where[0][expr]": "in", "where[0][val]": "10"}, ["alpha"]),
    ({"where[0][col]": "weight", "where[0][expr]": "between", "where[0][val][]": "10"},
     ["delta", "alpha", "echo", "bravo", "charlie"]),
    ({"where": "", "published": "1"}, ["delta", "alpha", "bravo"]),
    ({"where[0][expr]": "orX", "where[0][val][0][col]": "weight",
      "where[0][val][0][expr]": "eq", "where[0][val][0][val]": "10",
      "where[0][val][1][col]": "weight", "where[0][val][1][expr]": "eq",
      "where[0][val][1][val]": "50"}, ["alpha", "echo"]),
])
async def test_where_details(api, five, params, names):
    assert (await ids(api, **params))[1] == by(five, *names)


@pytest.mark.parametrize("params", [
    {"where[0][expr]": "eq", "where[0][val]": "1"},
    {"where[0][col]": "weight", "where[0][val]": "1"},
    {"where": "abc"},
    {"where[0][col]": "weight", "where[0][expr]": "in", "where[0][val][]": "1"},
    {"order[0][dir]": "ASC"},
])
async def test_malformed_where_or_order_is_a_500(api, five, params):
    assert (await api.get("/api/stages", params=params)).status_code == 500


async def test_stage_and_category_search_ignore_accents_like_mariadb(api):
    # MariaDB's utf8mb4_unicode_ci compares "zurich", "ZÜRICH" and "Zürich" as equal.
    cat = (await api.post("/api/categories/new", json={"title": "Zürich office",
                                                       "bundle": "stage"})).json()["category"]
    await api.post("/api/stages/new", json={"name": "Zürich leads"})
    for word in ("zurich", "ZÜRICH"):
        stages = (await api.get("/api/stages", params={"search": word})).json()
        assert [s["name"] for s in stages["stages"]] == ["Zürich leads"]
        cats = (await api.get("/api/categories", params={"search": word})).json()
        assert [c["id"] for c in cats["categories"]] == [cat["id"]]
