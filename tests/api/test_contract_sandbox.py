"""Contract tests: every client method against the embedded sandbox, in-process (ASGI).

The sandbox answers like real Mautic 5.1.0, so these pin the client's behaviour end to end:
happy paths and each error kind the sandbox can produce.
"""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from stages_tui.api import (
    AuthFailed,
    BasicAuth,
    Category,
    MauticClient,
    NotFound,
    OAuth2ClientCredentials,
    ServerError,
    Stage,
    StageDraft,
    ValidationFailed,
)

from .sandbox_helpers import OAUTH_CLIENT, PASSWORD, USER, raw_client, sandbox_app


@pytest.fixture
def app():
    return sandbox_app()


@pytest.fixture
async def client(app):
    async with MauticClient("http://sandbox", BasicAuth(USER, PASSWORD),
                            transport=httpx.ASGITransport(app=app), backoff=0) as c:
        yield c


@pytest.fixture
async def raw(app):
    async with raw_client(app) as r:
        yield r


async def make_contact(raw: httpx.AsyncClient, first: str, last: str = "Doe") -> int:
    response = await raw.post("/api/contacts/new", json={
        "firstname": first, "lastname": last, "email": f"{first.lower()}@example.test"})
    assert response.status_code == 201, response.text
    return response.json()["contact"]["id"]


async def make_category(raw: httpx.AsyncClient, title: str, bundle: str = "stage") -> int:
    response = await raw.post("/api/categories/new", json={"title": title, "bundle": bundle, "color": "ff0000"})
    assert response.status_code == 201, response.text
    return response.json()["category"]["id"]


async def test_stage_lifecycle(client):
    up = datetime(2031, 2, 1, 9, 15, 42, tzinfo=timezone.utc)
    created = await client.create_stage(StageDraft(
        name="  Lead  ", weight="10", description="first", publish_up=up, publish_down="2031-12-31 18:00:59"))
    assert isinstance(created, Stage) and created.id
    assert (created.name, created.weight, created.description, created.is_published) == ("Lead", 10, "first", True)
    assert created.publish_up == datetime(2031, 2, 1, 9, 15, tzinfo=timezone.utc)  # minute kept
    assert created.publish_down == datetime(2031, 12, 31, 18, 0, tzinfo=timezone.utc)
    assert created.date_added is not None and created.date_added.tzinfo is not None
    assert created.created_by_user == "Admin User" and created.date_modified is None

    fetched = await client.get_stage(created.id)
    assert fetched == created
    assert client.server_version == "5.1.0"  # the Mautic-Version header

    edited = await client.edit_stage(created.id, {"name": "Lead 2", "publish_up": None, "is_published": False})
    assert (edited.name, edited.publish_up, edited.is_published, edited.weight) == ("Lead 2", None, False, 10)
    assert edited.publish_down == created.publish_down  # PATCH leaves the rest alone
    assert edited.modified_by_user == "Admin User"

    replaced, was_created = await client.replace_stage(created.id, StageDraft(name="Lead 3", is_published=True))
    assert (replaced.id, was_created) == (created.id, False)
    assert (replaced.weight, replaced.description, replaced.publish_down) == (0, None, None)

    put_new, was_created = await client.replace_stage(987654321, StageDraft(name="Fresh", weight=3))
    assert was_created and put_new.id not in (987654321, created.id)
    with pytest.raises(NotFound):
        await client.get_stage(987654321)

    deleted = await client.delete_stage(created.id)
    assert deleted.id == created.id and deleted.name == "Lead 3"
    with pytest.raises(NotFound) as info:
        await client.get_stage(created.id)
    assert info.value.user_message == "Not found: Item was not found."
    with pytest.raises(NotFound):
        await client.delete_stage(created.id)
    with pytest.raises(NotFound):
        await client.edit_stage(created.id, {"name": "ghost"})

    # undo after delete: recreate from what delete returned
    again = await client.create_stage(StageDraft.from_stage(deleted))
    assert (again.name, again.weight, again.is_published) == (deleted.name, deleted.weight, deleted.is_published)


async def test_list_search_paging_order_and_flags(client):
    ids = {}
    for name, weight, published in [("zz delta", 40, True), ("zz alpha", 10, True), ("zz echo", 50, False),
                                    ("zz bravo", 30, True), ("zz charlie", 20, False), ("other", 5, True)]:
        stage = await client.create_stage(StageDraft(name=name, weight=weight, is_published=published,
                                                      publish_up="2031-01-01 00:00"))
        ids[name] = stage.id

    everything = await client.list_stages(search="zz")
    assert everything.total == 5
    assert [s.name for s in everything.items] == ["zz delta", "zz alpha", "zz echo", "zz bravo", "zz charlie"]

    by_weight = await client.list_stages(search="zz", order_by="weight", order_dir="desc", start=1, limit=2)
    assert by_weight.total == 5
    assert [s.weight for s in by_weight.items] == [40, 30]

    by_name = await client.list_stages(search="zz", order_by="name", limit=0)
    assert [s.name for s in by_name.items] == sorted(s.name for s in everything.items)

    published = await client.list_stages(search="zz", published_only=True)
    assert {s.name for s in published.items} == {"zz delta", "zz alpha", "zz bravo"}
    assert (await client.list_stages(search="zz is:unpublished")).total == 2
    assert (await client.list_stages(search=f"ids:{ids['zz alpha']},{ids['other']}")).total == 2

    minimal = await client.list_stages(search="zz", minimal=True, limit=1)
    assert minimal.items[0].publish_up is None  # Mautic leaves publish dates out under minimal
    full = await client.list_stages(search="zz", limit=1)
    assert full.items[0].publish_up is not None

    beyond = await client.list_stages(search="zz", start=50, limit=10)
    assert (beyond.total, beyond.items) == (5, [])
    assert (await client.list_stages(search="nomatchatall")).items == []

    for column in ("id", "name", "weight", "category", "date_added", "is_published", "publish_up"):
        page = await client.list_stages(search="zz", order_by=column)
        assert page.total == 5


async def test_categories_and_stage_category(client, raw):
    sales = await make_category(raw, "Sales")
    support = await make_category(raw, "Support")
    await make_category(raw, "Newsletters", bundle="email")
    categories = await client.list_categories()
    assert [c.title for c in categories] == ["Sales", "Support"]
    assert all(isinstance(c, Category) and c.bundle == "stage" for c in categories)

    stage = await client.create_stage(StageDraft(name="Categorized", category_id=sales))
    assert stage.category is not None and (stage.category.id, stage.category.title) == (sales, "Sales")
    stage = await client.edit_stage(stage.id, {"category": categories[1]})
    assert stage.category.id == support
    stage = await client.edit_stage(stage.id, {"category": None})
    assert stage.category is None

    with pytest.raises(ServerError) as info:  # Mautic answers a missing category with a 500
        await client.edit_stage(stage.id, {"category": 987654321})
    assert info.value.status == 500
    assert "Category 987654321 does not exist" in info.value.user_message


async def test_contacts_moves_and_history(client, raw):
    lead = await client.create_stage(StageDraft(name="Lead", weight=10))
    customer = await client.create_stage(StageDraft(name="Customer", weight=20))
    ann = await make_contact(raw, "Ann", "Smith")
    bob = await make_contact(raw, "Bob")

    contact = await client.get_contact(ann)
    assert (contact.firstname, contact.lastname, contact.email, contact.stage) == ("Ann", "Smith", "ann@example.test", None)
    assert contact.display_name == "Ann Smith"

    await client.add_contact(lead.id, ann)
    contact = await client.get_contact(ann)
    assert (contact.stage.id, contact.stage.name, contact.stage.weight) == (lead.id, "Lead", 10)

    in_lead = await client.list_contacts(stage_id=lead.id)
    assert (in_lead.total, [c.id for c in in_lead.items]) == (1, [ann])
    no_stage = await client.list_contacts(no_stage=True)
    assert bob in [c.id for c in no_stage.items] and ann not in [c.id for c in no_stage.items]

    await client.add_contact(customer.id, ann)
    # Mautic quirk: removing from a stage the contact is NOT in still clears its stage.
    await client.remove_contact(lead.id, ann)
    assert (await client.get_contact(ann)).stage is None

    history = await client.stage_history(ann)
    assert [(h.action, h.stage_id) for h in history] == [
        ("Manually Removed", lead.id), ("Manually Added", customer.id), ("Manually Added", lead.id)]
    assert history[1].stage_name == "Customer" and history[0].when.tzinfo is not None
    assert await client.stage_history(bob) == []

    with pytest.raises(NotFound) as info:
        await client.add_contact(lead.id, 987654321)
    assert info.value.message == "Contact not found."
    with pytest.raises(NotFound) as info:
        await client.remove_contact(987654321, ann)
    assert info.value.message == "Item was not found."
    with pytest.raises(NotFound):
        await client.get_contact(987654321)


async def test_list_contacts_search_paging_order(client, raw):
    ids = [await make_contact(raw, name, "Paging") for name in ("Carl", "Alice", "Bert")]
    # default order: last_active DESC (all equal: never active), then id DESC as tie-breaker
    default = await client.list_contacts(search="paging")
    assert [c.id for c in default.items] == sorted(ids, reverse=True)
    assert [c.id for c in (await client.list_contacts(search="paging", limit=1, start=1)).items] == [sorted(ids)[1]]
    page = await client.list_contacts(search="paging", order_by="firstname", order_dir="asc", limit=2)
    assert page.total == 3
    assert [c.firstname for c in page.items] == ["Alice", "Bert"]
    page = await client.list_contacts(search="paging", order_by="firstname", order_dir="asc", start=2, limit=2)
    assert [c.firstname for c in page.items] == ["Carl"]
    page = await client.list_contacts(search="email:alice@example.test")
    assert [c.firstname for c in page.items] == ["Alice"]
    for column in ("id", "email", "date_added", "last_active", "lastname", "points"):
        assert (await client.list_contacts(search="paging", order_by=column)).total == 3
    empty = await client.list_contacts(search="nosuchcontact")
    assert (empty.total, empty.items) == (0, [])


async def test_batch_delete(client):
    stages = [await client.create_stage(StageDraft(name=f"batch {i}")) for i in range(3)]
    deleted = await client.delete_stages([stages[0].id, 987654321, stages[2].id])
    assert [s.id for s in deleted] == [stages[0].id, stages[2].id]
    remaining = await client.list_stages(search="batch")
    assert [s.id for s in remaining.items] == [stages[1].id]
    assert await client.delete_stages([]) == []


async def test_server_side_validation_is_per_field(client):
    """What the sandbox (like Mautic) rejects reaches us as ValidationFailed with details."""
    with pytest.raises(ValidationFailed) as info:
        await client._request("POST", "/api/stages/new", json_body={"name": "", "weight": "abc"})
    err = info.value
    assert err.status == 400
    assert err.fields == {"name": ["A name is required."], "weight": ["This value is not valid."]}
    stage = await client.create_stage(StageDraft(name="target"))
    with pytest.raises(ValidationFailed) as info:
        await client._request("PATCH", f"/api/stages/{stage.id}/edit", json_body={"publishUp": "2031-03-19T10:30"})
    assert info.value.fields == {"publishUp": ["This value is not valid."]}
    assert info.value.user_message == "Invalid input: publishUp: This value is not valid."


async def test_local_validation_matches_server_messages(client):
    """The messages the client gives before sending are the ones the server gives."""
    bad = {"name": "   ", "weight": "abc", "publishUp": "2024-01-15", "publishDown": "20/03/2031 10:30"}
    with pytest.raises(ValidationFailed) as server:
        await client._request("POST", "/api/stages/new", json_body=bad)
    with pytest.raises(ValidationFailed) as local:
        await client.create_stage(StageDraft(name=bad["name"], weight=bad["weight"],
                                             publish_up=bad["publishUp"], publish_down=bad["publishDown"]))
    assert local.value.fields == server.value.fields
    assert local.value.status is None


async def test_wrong_password_is_auth_failed(app):
    async with MauticClient("http://sandbox", BasicAuth(USER, "wrong"), transport=httpx.ASGITransport(app=app)) as c:
        with pytest.raises(AuthFailed) as info:
            await c.list_stages()
    assert info.value.status == 401
    assert info.value.user_message == "Authentication failed: Authorization denied, invalid credentials."
    async with MauticClient("http://sandbox", transport=httpx.ASGITransport(app=app)) as c:
        with pytest.raises(AuthFailed) as info:
            await c.list_stages()
    assert info.value.message == "API authorization denied."


async def test_oauth2_client_credentials_against_sandbox(app):
    client_id, secret, name = OAUTH_CLIENT
    auth = OAuth2ClientCredentials(client_id, secret)
    async with MauticClient("http://sandbox", auth, transport=httpx.ASGITransport(app=app)) as c:
        stage = await c.create_stage(StageDraft(name="via oauth"))
        await c.list_stages()
        assert stage.created_by is None and stage.created_by_user == f"{name} [1]"
    assert auth.token_fetches == 1

    bad = OAuth2ClientCredentials(client_id, "not-the-secret")
    async with MauticClient("http://sandbox", bad, transport=httpx.ASGITransport(app=app)) as c:
        with pytest.raises(AuthFailed) as info:
            await c.list_stages()
    assert "not-the-secret" not in repr(info.value) + str(info.value)
    assert info.value.error_type == "invalid_client"


async def test_base_url_with_index_php_and_a_wrong_path(app):
    async with MauticClient("http://sandbox/index.php", BasicAuth(USER, PASSWORD),
                            transport=httpx.ASGITransport(app=app)) as c:
        assert (await c.list_stages()).total == 0
    async with MauticClient("http://sandbox/wrong/place", BasicAuth(USER, PASSWORD),
                            transport=httpx.ASGITransport(app=app)) as c:
        with pytest.raises(NotFound) as info:
            await c.list_stages()
    assert info.value.status == 404
    assert "check the base URL" in info.value.user_message
