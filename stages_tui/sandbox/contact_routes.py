"""The /api/contacts endpoints the sandbox covers (list, CRUD, activity)."""

from __future__ import annotations

from typing import Any

from . import activity, contacts
from .contact_json import render
from .errors import ValidationError, not_found
from .phpish import route_id
from .wire import Ctx, Reply


def _location(contact_id: int) -> dict[str, str]:
    return {"Location": f"/api/contacts/{contact_id}"}


def list_contacts(ctx: Ctx) -> Reply:
    total, page = contacts.list_page(ctx.store, ctx.query, ctx.identity)
    # DBAL count: a string; the id-keyed page: an object, {} when empty.
    return Reply(200, {"total": str(total), "contacts": page})


def get_contact(ctx: Ctx, contact_id: str) -> Reply:
    row = contacts.get(ctx.store, route_id(contact_id))
    if row is None:
        raise not_found()
    return Reply(200, {"contact": render(ctx.store, row)})


def _parse(ctx: Ctx, current: Any = None) -> contacts.ContactInput:
    try:
        return contacts.parse_input(ctx.store, ctx.params,
                                    current["stage_id"] if current is not None else None)
    except ValidationError as err:
        raise err.to_api_error() from None


def _create(ctx: Ctx, data: contacts.ContactInput) -> Reply:
    new_id = contacts.insert(ctx.store, data, ctx.identity)
    row = contacts.get(ctx.store, new_id)
    body = render(ctx.store, row, created=data.submitted)
    return Reply(201, {"contact": body}, _location(new_id))


def new_contact(ctx: Ctx) -> Reply:
    email = ctx.params.get("email")
    existing = contacts.find_by_email(ctx.store, email.strip()) \
        if isinstance(email, str) and email.strip() else None
    data = _parse(ctx, existing)
    if existing is None:
        return _create(ctx, data)
    # An existing email merges into that contact: 200 with the updated contact.
    contacts.update(ctx.store, existing, data, ctx.identity, overwrite_with_blank=False)
    return Reply(200, {"contact": render(ctx.store, contacts.get(ctx.store,
                                                                          existing["id"]))})


def edit_contact(ctx: Ctx, contact_id: str, *, put: bool) -> Reply:
    row = contacts.get(ctx.store, route_id(contact_id))
    if row is None and not put:
        raise not_found()
    data = _parse(ctx, row)
    if row is None:
        return _create(ctx, data)  # PUT on a missing id creates with a new id
    contacts.update(ctx.store, row, data, ctx.identity, overwrite_with_blank=put)
    return Reply(200, {"contact": render(ctx.store, contacts.get(ctx.store, row["id"]))})


def delete_contact(ctx: Ctx, contact_id: str) -> Reply:
    row = contacts.get(ctx.store, route_id(contact_id))
    if row is None:
        raise not_found()
    body = render(ctx.store, row, deleted=True)
    contacts.delete(ctx.store, row["id"])
    return Reply(200, {"contact": body})


def contact_activity(ctx: Ctx, contact_id: str) -> Reply:
    row = contacts.get(ctx.store, route_id(contact_id))
    if row is None:
        raise not_found()
    return Reply(200, activity.timeline(ctx.store, row["id"], ctx.query, ctx.site_url))


def all_activity(ctx: Ctx) -> Reply:
    return Reply(200, activity.timeline(ctx.store, None, ctx.query, ctx.site_url))


ID = r"([0-9]+)"
ROUTES = [
    ("GET", r"/api/contacts", list_contacts),
    ("GET", r"/api/contacts/activity", all_activity),
    ("POST", r"/api/contacts/new", new_contact),
    ("GET", rf"/api/contacts/{ID}", get_contact),
    ("PUT", rf"/api/contacts/{ID}/edit", lambda ctx, i: edit_contact(ctx, i, put=True)),
    ("PATCH", rf"/api/contacts/{ID}/edit", lambda ctx, i: edit_contact(ctx, i, put=False)),
    ("DELETE", rf"/api/contacts/{ID}/delete", delete_contact),
    ("GET", rf"/api/contacts/{ID}/activity", contact_activity),
]
