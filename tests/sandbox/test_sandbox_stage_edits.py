"""PUT / PATCH / DELETE semantics and stage validation, as real Mautic 5.1.0 does them."""

from __future__ import annotations

import pytest

from sandbox_support import new_stage

GENERIC_500 = ("Looks like I encountered an error (error #500). If I do it again, "
               "please report me to the system administrator!")


async def test_patch_changes_only_what_was_sent(api, clock):
    stage = await new_stage(api, name="Lead", weight=10, description="d",
                            publishUp="2031-02-01 09:15")
    clock.advance(5)
    r = await api.patch(f"/api/stages/{stage['id']}/edit", json={"name": " Lead 2 "})
    assert r.status_code == 200
    edited = r.json()["stage"]
    assert edited["name"] == "Lead 2"
    assert (edited["weight"], edited["description"]) == (10, "d")
    assert edited["publishUp"] == "2031-02-01T09:15:00+00:00"
    assert edited["dateModified"] == "2030-05-01T12:00:05+00:00"
    assert (edited["modifiedBy"], edited["modifiedByUser"]) == (1, "Admin User")


async def test_put_wipes_omitted_fields(api):
    stage = await new_stage(api, name="Lead", weight=10, description="d", isPublished=1,
                            publishUp="2031-02-01 09:15")
    r = await api.put(f"/api/stages/{stage['id']}/edit", json={"name": "Lead 3"})
    assert r.status_code == 200
    put = r.json()["stage"]
    assert put["id"] == stage["id"]
    assert (put["weight"], put["description"], put["publishUp"], put["isPublished"]) == \
        (0, None, None, False)


async def test_put_on_missing_id_creates_a_new_id(api):
    r = await api.put("/api/stages/987654321/edit", json={"name": "Fresh", "weight": 4})
    assert r.status_code == 201
    created = r.json()["stage"]
    assert created["id"] != 987654321 and created["isPublished"] is True
    assert r.headers["location"] == f"/api/stages/{created['id']}"
    assert (await api.get("/api/stages/987654321")).status_code == 404


async def test_patch_on_missing_id_is_404_with_version_header(api):
    r = await api.patch("/api/stages/987654321/edit", json={"name": "x"})
    assert r.status_code == 404
    assert r.json() == {"errors": [{"code": 404, "message": "Item was not found.",
                                    "details": []}]}
    assert r.headers["mautic-version"] == "5.1.0"


async def test_weight_and_category_only_edits_keep_date_modified(api, clock):
    cat = (await api.post("/api/categories/new", json={"title": "C", "bundle": "stage"})).json()
    stage = await new_stage(api, name="W", weight=1)
    clock.advance(3)
    r = await api.patch(f"/api/stages/{stage['id']}/edit",
                        json={"weight": 7, "category": cat["category"]["id"]})
    edited = r.json()["stage"]
    assert edited["dateModified"] is None
    assert edited["modifiedByUser"] == "Admin User"
    assert edited["category"]["title"] == "C"


async def test_delete_returns_data_with_null_id_and_frees_contacts(api):
    stage = await new_stage(api, name="Gone")
    contact = (await api.post("/api/contacts/new", json={"firstname": "A"})).json()["contact"]
    await api.post(f"/api/stages/{stage['id']}/contact/{contact['id']}/add")
    r = await api.delete(f"/api/stages/{stage['id']}/delete")
    assert r.status_code == 200
    assert r.json()["stage"]["id"] is None and r.json()["stage"]["name"] == "Gone"
    after = (await api.get(f"/api/contacts/{contact['id']}")).json()["contact"]
    assert after["stage"] is None
    log = (await api.get(f"/api/contacts/{contact['id']}/activity")).json()
    assert log["events"] == [] and log["maxPages"] == 1
    assert (await api.delete(f"/api/stages/{stage['id']}/delete")).status_code == 404


@pytest.mark.parametrize("sent, stored", [
    (1.6, 2), (1.4, 1), ("2.5", 3), (-1.6, -2), ("15", 15), (True, 1), (None, 0), (-5, -5),
    (2147483647, 2147483647),
])
async def test_weight_is_rounded_and_cast(api, sent, stored):
    assert (await new_stage(api, name="w", weight=sent))["weight"] == stored


@pytest.mark.parametrize("sent", [2147483648, 99999999999])
async def test_weight_out_of_int_range_is_a_generic_500(api, sent):
    r = await api.post("/api/stages/new", json={"name": "w", "weight": sent})
    assert r.status_code == 500
    assert r.json() == {"errors": [{"message": GENERIC_500, "code": 500, "type": None}]}
    assert "mautic-version" not in r.headers


async def test_validation_errors_list_every_field(api):
    r = await api.post("/api/stages/new", json={"name": "  ", "weight": "abc",
                                                "publishUp": "2031-03-17T10:30:00+00:00"})
    assert r.status_code == 400
    assert r.json()["errors"][0] == {
        "code": 400,
        "message": "name: A name is required., weight: This value is not valid., "
                   "publishUp: This value is not valid.",
        "details": {"name": ["A name is required."], "weight": ["This value is not valid."],
                    "publishUp": ["This value is not valid."]},
    }


@pytest.mark.parametrize("sent, stored", [
    ("2031-03-15 10:30", "2031-03-15T10:30:00+00:00"),
    ("2033-07-04 23:59:59", "2033-07-04T23:59:00+00:00"),
    ("", None),
])
async def test_publish_dates_take_minutes_only(api, sent, stored):
    assert (await new_stage(api, name="p", publishDown=sent))["publishDown"] == stored


@pytest.mark.parametrize("sent", ["2031-03-18", "2031-03-19T10:30", "20/03/2031 10:30",
                                  "2024-1-5 1:3", "2031-02-30 10:00", "next tuesday"])
async def test_other_date_formats_are_rejected(api, sent):
    r = await api.post("/api/stages/new", json={"name": "p", "publishUp": sent})
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "publishUp: This value is not valid."


async def test_name_is_cleaned_and_limited_to_191_characters(api):
    assert (await new_stage(api, name="<b>Bold</b> name "))["name"] == "Bold name"
    assert (await new_stage(api, name="Tom &amp; Jerry"))["name"] == "Tom & Jerry"
    assert (await new_stage(api, name="x", description="  <p>kept</p> "))["description"] == \
        "<p>kept</p>"
    assert (await new_stage(api, name="é" * 191))["name"] == "é" * 191
    r = await api.post("/api/stages/new", json={"name": "é" * 192})
    assert r.status_code == 500


@pytest.mark.parametrize("sent, published", [
    (1, True), (0, False), ("false", False), ("no", False), ("abc", False), ("yes", True),
    ("on", True), (True, True), (False, False),
])
async def test_is_published_follows_filter_var(api, sent, published):
    assert (await new_stage(api, name="b", isPublished=sent))["isPublished"] is published


async def test_category_cast_rules(api):
    cat = (await api.post("/api/categories/new",
                          json={"title": "K", "bundle": "email"})).json()["category"]
    stage = await new_stage(api, name="c", category=str(cat["id"]))
    assert stage["category"]["id"] == cat["id"]  # another bundle is fine too
    r = await api.patch(f"/api/stages/{stage['id']}/edit", json={"category": 0})
    assert r.json()["stage"]["category"]["id"] == cat["id"]  # 0 is ignored
    r = await api.patch(f"/api/stages/{stage['id']}/edit", json={"category": None})
    assert r.json()["stage"]["category"] is None
    r = await api.patch(f"/api/stages/{stage['id']}/edit", json={"category": 987654321})
    assert r.status_code == 500
    assert r.json()["errors"][0]["message"] == "Category 987654321 does not exist"


async def test_form_encoded_bodies_and_ignored_keys(api):
    r = await api.post("/api/stages/new", data={"name": "form", "weight": "3", "foo": "bar",
                                                "id": "77"})
    assert r.status_code == 201
    assert (r.json()["stage"]["weight"], r.json()["stage"]["name"]) == (3, "form")
    assert r.json()["stage"]["id"] != 77
