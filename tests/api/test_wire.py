"""Pin exactly what the client sends: methods, paths, query parameters and JSON bodies.

These are the forms real Mautic 5.1.0 reads (shared/mautic-api.md section 8), which differ
from its public docs: `search` not `searchFilter`, `published` not `publishedOnly`, 1 not
"false", camelCase orderBy for stages and snake_case for contacts, dates as `Y-m-d H:i` UTC.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from stages_tui.api import USER_AGENT, Category, StageDraft, ValidationFailed

from .conftest import PASSWORD, body, query


async def test_list_stages_defaults(client, recorder):
    recorder.reply_recorded("stages_variants")
    page = await client.list_stages()
    request = recorder.last
    assert request.method == "GET"
    assert request.url.path == "/api/stages"
    assert query(request) == [("start", "0"), ("limit", "30")]
    assert page.total == 13 and len(page.items) == 13


async def test_list_stages_all_options(client, recorder):
    recorder.reply_recorded("stages_minimal")
    await client.list_stages(
        search="  is:published  foo ", start=60, limit=30, order_by="weight",
        order_dir="desc", published_only=True, minimal=True,
    )
    assert query(recorder.last) == [
        ("search", "is:published  foo"),
        ("start", "60"),
        ("limit", "30"),
        ("orderBy", "weight,id"),
        ("orderByDir", "DESC"),
        ("published", "1"),
        ("minimal", "1"),
    ]
    assert "publishedOnly" not in str(recorder.last.url)
    assert "searchFilter" not in str(recorder.last.url)


@pytest.mark.parametrize(
    ("order_by", "wire"),
    [
        ("id", "id"),
        ("name", "name,id"),
        ("date_added", "dateAdded,id"),
        ("dateAdded", "dateAdded,id"),
        ("is_published", "isPublished,id"),
        ("publish_up", "publishUp,id"),
        ("category", "c.title,id"),
    ],
)
async def test_stage_order_by_is_camel_case(client, recorder, order_by, wire):
    recorder.reply(200, {"total": 0, "stages": []})
    await client.list_stages(order_by=order_by)
    assert dict(query(recorder.last))["orderBy"] == wire
    assert dict(query(recorder.last))["orderByDir"] == "ASC"


async def test_unknown_order_or_direction_is_refused_before_sending(client, recorder):
    with pytest.raises(ValueError):
        await client.list_stages(order_by="date added")
    with pytest.raises(ValueError):
        await client.list_stages(order_by="name", order_dir="sideways")
    with pytest.raises(ValueError):
        await client.list_stages(start=-5)
    assert recorder.requests == []


async def test_published_only_false_sends_nothing(client, recorder):
    # Mautic reads published=false and minimal=false as TRUE: never send them.
    recorder.reply(200, {"total": 0, "stages": []})
    await client.list_stages(published_only=False, minimal=False)
    names = [name for name, _ in query(recorder.last)]
    assert "published" not in names and "minimal" not in names


async def test_get_stage(client, recorder):
    recorder.reply_recorded("stage_with_category")
    stage = await client.get_stage(290)
    assert recorder.last.method == "GET"
    assert recorder.last.url.path == "/api/stages/290"
    assert stage.category is not None and stage.category.alias.endswith("-sales")


async def test_create_stage_body(client, recorder):
    recorder.reply_recorded("stage_created")
    up = datetime(2031, 2, 1, 10, 15, 59, tzinfo=timezone(timedelta(hours=1)))
    draft = StageDraft(
        name="  Lead  ", weight="10", description="first stage", is_published=False,
        publish_up=up, publish_down="2031-12-31 18:00:45", category_id=3,
    )
    await client.create_stage(draft)
    request = recorder.last
    assert (request.method, request.url.path) == ("POST", "/api/stages/new")
    assert request.headers["Content-Type"] == "application/json"
    assert body(request) == {
        "name": "Lead",
        "weight": 10,
        "description": "first stage",
        "isPublished": False,
        "publishUp": "2031-02-01 09:15",  # converted to UTC, seconds dropped
        "publishDown": "2031-12-31 18:00",
        "category": 3,
    }


async def test_create_stage_without_category_omits_it(client, recorder):
    recorder.reply_recorded("stage_created")
    await client.create_stage(StageDraft(name="A"))
    assert body(recorder.last) == {
        "name": "A", "weight": 0, "description": None, "isPublished": True,
        "publishUp": None, "publishDown": None,
    }


async def test_create_stage_validates_locally(client, recorder):
    draft = StageDraft(name="   ", weight="abc", publish_up="2031-03-19T10:30")
    with pytest.raises(ValidationFailed) as info:
        await client.create_stage(draft)
    assert recorder.requests == []
    err = info.value
    assert err.status is None
    assert err.fields == {
        "name": ["A name is required."],
        "weight": ["This value is not valid."],
        "publishUp": ["This value is not valid."],
    }
    assert err.message == (
        "name: A name is required., weight: This value is not valid., "
        "publishUp: This value is not valid."
    )


@pytest.mark.parametrize(
    ("weight", "ok"),
    [(2**31 - 1, True), (-(2**31), True), (2**31, False), (99999999999, False), (1.5, False),
     (2.0, True), ("15", True), (" -5 ", True), ("1e3", False), ("", False)],
)
def test_weight_range(weight, ok):
    assert ("weight" not in StageDraft(name="x", weight=weight).problems()) is ok


def test_name_length_limit():
    assert StageDraft(name="é" * 191).problems() == {}
    assert "name" in StageDraft(name="é" * 192).problems()


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2024-01-15 10:30", True), ("2024-01-15 10:30:45", True), ("2024-01-15T10:30:00+00:00", False),
     ("2024-01-15", False), ("2024-1-5 1:3", False), ("20/03/2031 10:30", False),
     ("2024-02-30 10:00", False), ("", True)],
)
def test_publish_date_text_rules(text, ok):
    assert ("publishUp" not in StageDraft(name="x", publish_up=text).problems()) is ok


async def test_edit_stage_patch_converts_python_values(client, recorder):
    recorder.reply_recorded("stage_with_category")
    naive = datetime(2032, 5, 6, 7, 8, 9)
    await client.edit_stage(
        290,
        {
            "name": " New ",
            "is_published": False,
            "publish_up": naive,
            "publish_down": None,
            "category": Category(id=4, title="x"),
            "weight": "7",
        },
    )
    request = recorder.last
    assert (request.method, request.url.path) == ("PATCH", "/api/stages/290/edit")
    assert body(request) == {
        "name": "New",
        "isPublished": False,
        "publishUp": "2032-05-06 07:08",
        "publishDown": None,
        "category": 4,
        "weight": 7,
    }


async def test_edit_stage_clears_category_with_null(client, recorder):
    recorder.reply_recorded("stage_with_category")
    await client.edit_stage(290, {"category_id": None})
    assert body(recorder.last) == {"category": None}


@pytest.mark.parametrize(
    "changes",
    [{"name": ""}, {"weight": "x"}, {"publishDown": "tomorrow"}, {"category": 0},
     {"is_published": "yes"}, {"weight": 2**40}],
)
async def test_edit_stage_bad_values_are_not_sent(client, recorder, changes):
    with pytest.raises(ValidationFailed) as info:
        await client.edit_stage(1, changes)
    assert info.value.fields and recorder.requests == []


async def test_edit_stage_unknown_field(client, recorder):
    with pytest.raises(ValueError):
        await client.edit_stage(1, {"colour": "red"})


async def test_replace_stage_put_reports_created(client, recorder):
    status, stage_body = recorded_stage = (201, {"stage": {"id": 9, "name": "C", "weight": 40}})
    recorder.reply(status, stage_body, headers={"Location": "/api/stages/9"})
    recorder.reply(200, {"stage": {"id": 7, "name": "C", "weight": 40}})
    stage, created = await client.replace_stage(987654321, StageDraft(name="C", weight=40))
    assert (stage.id, created) == (9, True)
    assert recorder.last.method == "PUT"
    assert recorder.last.url.path == "/api/stages/987654321/edit"
    # PUT resets what is left out, so every field is sent (isPublished above all).
    assert set(body(recorder.last)) == {"name", "weight", "description", "isPublished", "publishUp", "publishDown"}
    stage, created = await client.replace_stage(7, StageDraft(name="C", weight=40))
    assert (stage.id, created) == (7, False)


async def test_delete_stage_restores_the_id(client, recorder):
    recorder.reply_recorded("stage_deleted")
    stage = await client.delete_stage(261)
    assert (recorder.last.method, recorder.last.url.path) == ("DELETE", "/api/stages/261/delete")
    assert stage.id == 261 and stage.name.endswith("alpha3")


async def test_delete_stages_batch_csv_and_chunks(client, recorder):
    recorder.reply_recorded("batch_deleted")
    deleted = await client.delete_stages([296, 297])
    assert recorder.last.url.path == "/api/stages/batch/delete"
    assert query(recorder.last) == [("ids", "296,297")]
    assert [s.id for s in deleted] == [296, 297]

    recorder.reply(200, {"stages": []}).reply(200, {"stages": {}})
    await client.delete_stages(range(1, 251))
    assert [len(dict(query(r))["ids"].split(",")) for r in recorder.requests[1:]] == [200, 50]


async def test_add_and_remove_contact(client, recorder):
    recorder.reply_recorded("success").reply(200, {"success": True})
    await client.add_contact(292, 128)
    assert (recorder.last.method, recorder.last.url.path) == ("POST", "/api/stages/292/contact/128/add")
    assert recorder.last.content == b""
    await client.remove_contact(292, 128)
    assert recorder.last.url.path == "/api/stages/292/contact/128/remove"


async def test_list_contacts_defaults_and_filters(client, recorder):
    recorder.reply_recorded("contacts_list").reply_recorded("contacts_empty").reply_recorded("contacts_empty")
    page = await client.list_contacts(search="ann", limit=50)
    assert query(recorder.last) == [
        ("search", "ann"), ("start", "0"), ("limit", "50"),
        ("orderBy", "last_active,id"), ("orderByDir", "DESC"),
    ]
    assert page.total == 3
    await client.list_contacts(stage_id=293, order_by="dateAdded", order_dir="asc")
    assert query(recorder.last) == [
        ("start", "0"), ("limit", "30"), ("orderBy", "date_added,id"), ("orderByDir", "ASC"),
        ("where[0][col]", "stage_id"), ("where[0][expr]", "eq"), ("where[0][val]", "293"),
    ]
    await client.list_contacts(no_stage=True, order_by=None)
    assert query(recorder.last) == [
        ("start", "0"), ("limit", "30"),
        ("where[0][col]", "stage_id"), ("where[0][expr]", "isNull"),
    ]


async def test_list_contacts_refuses_contradictory_filters(client):
    with pytest.raises(ValueError):
        await client.list_contacts(stage_id=3, no_stage=True)


async def test_get_contact_and_history(client, recorder):
    recorder.reply_recorded("contact_in_stage").reply_recorded("activity")
    contact = await client.get_contact(128)
    assert recorder.requests[0].url.path == "/api/contacts/128"
    assert contact.stage is not None and contact.stage.id == 292
    history = await client.stage_history(128)
    assert recorder.last.url.path == "/api/contacts/128/activity"
    assert query(recorder.last) == [
        ("filters[includeEvents][]", "stage.changed"), ("page", "1"), ("limit", "100"),
    ]
    assert history[0].action == "Manually Removed" and history[0].stage_id == 293


async def test_history_follows_pages(client, recorder):
    event = {"event": "stage.changed", "timestamp": "2026-12-04T19:54:49+00:00",
             "details": {"log": {"id": "1", "reference": "3", "eventName": "3: A",
                                 "actionName": "Manually Added", "dateAdded": "2026-12-04T19:54:49+00:00"}}}
    recorder.reply(200, {"events": [event], "maxPages": 2.0, "total": 2})
    recorder.reply(200, {"events": [event], "maxPages": 2.0, "total": 2})
    history = await client.stage_history(5)
    assert len(history) == 2
    assert dict(query(recorder.last))["page"] == "2"


async def test_list_categories_filters_bundle_with_where(client, recorder):
    recorder.reply_recorded("categories")
    categories = await client.list_categories()
    assert recorder.last.url.path == "/api/categories"
    assert query(recorder.last) == [
        ("start", "0"), ("limit", "0"), ("orderBy", "title,id"), ("orderByDir", "ASC"),
        ("where[0][col]", "bundle"), ("where[0][expr]", "eq"), ("where[0][val]", "stage"),
    ]
    assert [c.color for c in categories] == ["ff0000", "#00ff00"]


async def test_headers_user_agent_accept_basic_auth(client, recorder):
    recorder.reply(200, {"total": 0, "stages": []})
    await client.list_stages()
    headers = recorder.last.headers
    assert headers["User-Agent"] == USER_AGENT and USER_AGENT.startswith("stages-tui/")
    assert headers["Accept"] == "application/json"
    assert headers["Authorization"] == "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()


@pytest.mark.parametrize(
    ("base", "path"),
    [("http://m.test", "/api/stages"), ("http://m.test/", "/api/stages"),
     ("http://m.test/index.php", "/index.php/api/stages"), ("http://m.test/mautic/api/", "/mautic/api/stages")],
)
async def test_base_url_forms(base, path):
    import httpx

    from stages_tui.api import MauticClient

    from .conftest import Recorder

    rec = Recorder().reply(200, {"total": 0, "stages": []})
    async with MauticClient(base, transport=httpx.MockTransport(rec)) as c:
        await c.list_stages()
    assert rec.last.url.path == path


@pytest.mark.parametrize("base", ["ftp://x", "not a url", "https://user:pw@m.test"])
def test_bad_base_urls(base):
    from stages_tui.api import MauticClient

    with pytest.raises(ValueError) as info:
        MauticClient(base)
    assert "pw" not in str(info.value)


async def test_ids_must_be_ints(client, recorder):
    with pytest.raises(ValueError):
        await client.get_stage("5; DROP")  # type: ignore[arg-type]
    assert recorder.requests == []


def test_stage_change_event_names_with_and_without_space():
    from stages_tui.api import envelopes

    from .conftest import recorded

    _, body = recorded("activity_contact_edit")  # contact PATCH: "<id>:<name>", "Stage changed"
    changes, pages = envelopes.stage_changes(body)
    assert pages == 1 and len(changes) == 1
    change = changes[0]
    assert change.action == "Stage changed"
    assert change.event_name == f"{change.stage_id}:{change.stage_name}"
    assert not change.stage_name.startswith(" ") and change.stage_name.endswith("open")
    _, body = recorded("activity")  # stage endpoints: "<id>: <name>", "Manually ..."
    changes, _ = envelopes.stage_changes(body)
    assert all(c.event_name == f"{c.stage_id}: {c.stage_name}" for c in changes)
    assert [c.when for c in changes] == sorted((c.when for c in changes), reverse=True)
