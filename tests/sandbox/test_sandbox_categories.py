"""/api/categories: shape, validation, alias slugs, edits, deletion."""

from __future__ import annotations

from sandbox_support import new_stage


async def create(api, **fields):
    return await api.post("/api/categories/new", json=fields)


async def test_create_shape_and_location(api):
    r = await create(api, title="Tok Sales", bundle="stage", color="ff0000",
                     description="d", isPublished=1)
    assert r.status_code == 201
    cat = r.json()["category"]
    assert cat == {"id": cat["id"], "title": "Tok Sales", "alias": "tok-sales",
                   "description": "d", "color": "ff0000", "bundle": "stage"}
    assert r.headers["location"] == f"/api/categories/{cat['id']}"
    assert (await api.get(f"/api/categories/{cat['id']}")).json() == {"category": cat}


async def test_validation(api):
    r = await create(api, title="No bundle")
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "bundle: A value is required."
    r = await create(api, bundle="stage")
    assert r.json()["errors"][0]["message"] == "title: A title is required."
    r = await create(api, title="x", bundle="nosuch")
    assert r.json()["errors"][0]["message"] == "bundle: This value is not valid."


async def test_alias_rules(api):
    first = (await create(api, title="Tok Global", bundle="stage")).json()["category"]
    second = (await create(api, title="Tok Global", bundle="stage")).json()["category"]
    explicit = (await create(api, title="Tok X", bundle="stage", alias="my-alias",
                             color="#00ff00")).json()["category"]
    assert (first["alias"], second["alias"]) == ("tok-global", "tok-global1")
    assert (explicit["alias"], explicit["color"]) == ("my-alias", "#00ff00")
    patched = await api.patch(f"/api/categories/{first['id']}/edit", json={"title": "Renamed"})
    assert patched.json()["category"]["alias"] == "tok-global"
    put = await api.put(f"/api/categories/{first['id']}/edit",
                        json={"title": "Put Title", "bundle": "email"})
    assert put.json()["category"]["alias"] == "put-title"
    assert put.json()["category"]["bundle"] == "stage"  # the bundle cannot change


async def test_list_where_bundle_and_no_bundle_command(api):
    stage_cat = (await create(api, title="Tok A", bundle="stage")).json()["category"]
    await create(api, title="Tok B", bundle="email")
    r = await api.get("/api/categories", params={
        "search": "tok", "where[0][col]": "bundle", "where[0][expr]": "eq",
        "where[0][val]": "stage"})
    assert r.json() == {"total": 1, "categories": [stage_cat]}
    r = await api.get("/api/categories", params={"search": "bundle:stage"})
    assert r.json() == {"total": 0, "categories": []}


async def test_rename_and_delete_show_on_stages(api):
    cat = (await create(api, title="Tok C", bundle="stage")).json()["category"]
    stage = await new_stage(api, name="s", category=cat["id"])
    await api.patch(f"/api/categories/{cat['id']}/edit", json={"title": "Tok C2"})
    nested = (await api.get(f"/api/stages/{stage['id']}")).json()["stage"]["category"]
    assert (nested["title"], nested["modifiedByUser"]) == ("Tok C2", "Admin User")
    r = await api.delete(f"/api/categories/{cat['id']}/delete")
    assert r.status_code == 200 and r.json()["category"]["id"] is None
    assert (await api.get(f"/api/stages/{stage['id']}")).json()["stage"]["category"] is None
    assert (await api.get(f"/api/categories/{cat['id']}")).status_code == 404


async def test_errors_follow_form_order_and_text_is_filtered(api):
    r = await create(api)
    assert r.json()["errors"][0]["message"] == \
        "bundle: A value is required., title: A title is required."
    made = (await create(api, title="<i>Tok</i> &amp; Co", bundle="stage",
                         description="<b>bold</b> text")).json()["category"]
    assert (made["title"], made["alias"], made["description"]) == \
        ("Tok & Co", "tok--co", "bold text")
