"""The /api/stages endpoints (CRUD, list, batch, contact add/remove)."""

from __future__ import annotations

from email.utils import formatdate
from typing import Any

from . import contacts, stages
from .errors import ValidationError, batch_not_found_entry, controller_error, not_found
from .phpish import php_array, php_int, php_truthy, route_id
from .stage_input import apply_stage_input
from .wire import Ctx, Reply, batch_items, session_headers

BATCH_MAX = 200
BATCH_TOO_MANY = "A max of 200 entities are supported at a time."


def _location(stage_id: int) -> dict[str, str]:
    return {"Location": f"/api/stages/{stage_id}"}


def list_stages(ctx: Ctx) -> Reply:
    total, entities = stages.list_page(ctx.store, ctx.query, ctx.identity)
    minimal = php_truthy(ctx.query.get("minimal"))
    return Reply(200, {"total": total,
                       "stages": [stages.to_json(e, minimal=minimal) for e in entities]})


def get_stage(ctx: Ctx, stage_id: str) -> Reply:
    entity = stages.get(ctx.store, route_id(stage_id))
    if entity is None:
        raise not_found()
    return Reply(200, {"stage": stages.to_json(entity)})


def _create(ctx: Ctx, params: dict[str, Any]) -> dict[str, Any]:
    """Validate and insert; raises ValidationError (400) or ApiError (500)."""
    submitted = apply_stage_input(params, None, clear_missing=True)
    if submitted.errors:
        raise ValidationError(submitted.errors)
    new_id = stages.insert(ctx.store, submitted.values, ctx.identity)
    return stages.get(ctx.store, new_id)


def _edit(ctx: Ctx, entity: dict[str, Any], params: dict[str, Any],
          clear_missing: bool) -> dict[str, Any]:
    submitted = apply_stage_input(params, stages.entity_values(entity), clear_missing)
    if submitted.errors:
        raise ValidationError(submitted.errors)
    stages.update(ctx.store, entity, submitted.values, ctx.identity)
    return stages.get(ctx.store, entity["id"])


def new_stage(ctx: Ctx) -> Reply:
    try:
        created = _create(ctx, ctx.params)
    except ValidationError as err:
        raise err.to_api_error() from None
    return Reply(201, {"stage": stages.to_json(created)}, _location(created["id"]))


def edit_stage(ctx: Ctx, stage_id: str, *, put: bool) -> Reply:
    entity = stages.get(ctx.store, route_id(stage_id))
    try:
        if entity is None:
            if not put:
                raise not_found()
            created = _create(ctx, ctx.params)  # PUT on a missing id: a new auto id
            return Reply(201, {"stage": stages.to_json(created)}, _location(created["id"]))
        edited = _edit(ctx, entity, ctx.params, clear_missing=put)
    except ValidationError as err:
        raise err.to_api_error() from None
    return Reply(200, {"stage": stages.to_json(edited)})


def delete_stage(ctx: Ctx, stage_id: str) -> Reply:
    entity = stages.get(ctx.store, route_id(stage_id))
    if entity is None:
        raise not_found()
    stages.delete(ctx.store, entity["id"])
    return Reply(200, {"stage": stages.to_json(entity, deleted=True)})


# ------------------------------------------------------------------ batch


def _too_many() -> Exception:
    return controller_error(500, BATCH_TOO_MANY)


def _batch_body_items(ctx: Ctx) -> list[tuple[int | str, dict[str, Any]]]:
    """The items of a batch new/edit body; more than Mautic's limit is its 500."""
    items = batch_items(ctx.params)
    if len(items) > BATCH_MAX:
        raise _too_many()
    return items


def _batch_reply(status: int, out: dict[Any, Any], codes: list[int],
                 errors: dict[Any, Any]) -> Reply:
    """``{"stages", "statusCodes", "errors"?}``: errors only when an item failed."""
    body: dict[str, Any] = {"stages": php_array(out), "statusCodes": codes}
    if errors:
        body["errors"] = php_array(errors)
    return Reply(status, body)


def batch_new(ctx: Ctx) -> Reply:
    items = _batch_body_items(ctx)
    out: dict[Any, Any] = {}
    codes: list[int] = []
    errors: dict[Any, Any] = {}
    for key, item in items:
        try:
            out[key] = stages.to_json(_create(ctx, item))
            ctx.store.commit()  # each item is saved on its own, as Mautic flushes per entity
            codes.append(201)
        except ValidationError as err:
            codes.append(400)
            errors[key] = err.batch_entry()
    return _batch_reply(201, out, codes, errors)


def batch_edit(ctx: Ctx, *, put: bool) -> Reply:
    items = _batch_body_items(ctx)
    # Like Mautic: the found entities come first, keyed as in the request; entities a PUT
    # creates are appended after them, and missing ones are dropped.
    found = {key: stages.get(ctx.store, php_int(item["id"]))
             for key, item in items if item.get("id") is not None}
    out: dict[Any, Any] = {key: entity for key, entity in found.items() if entity is not None}
    codes: list[int] = []
    errors: dict[Any, Any] = {}
    for key, item in items:
        entity = found.get(key)
        try:
            if entity is None:
                if not put:
                    codes.append(404)
                    errors[key] = batch_not_found_entry()
                    continue
                out[key] = stages.to_json(_create(ctx, item))
                ctx.store.commit()
                codes.append(201)
                continue
            out[key] = stages.to_json(_edit(ctx, entity, item, clear_missing=put))
            ctx.store.commit()
            codes.append(200)
        except ValidationError as err:
            # The rejected entity is still shown, with the values the form took.
            attempted = apply_stage_input(item, stages.entity_values(entity), put).values
            out[key] = stages.to_json({**entity, **attempted})
            codes.append(400)
            errors[key] = err.batch_entry()
    return _batch_reply(200, out, codes, errors)


def batch_delete(ctx: Ctx) -> Reply:
    raw = ctx.query.get("ids")
    if isinstance(raw, dict):
        keyed = list(raw.items())  # ids[]=… or ids[key]=…: the answer keeps those keys
    elif isinstance(raw, str) and raw:
        keyed = list(enumerate(raw.split(",")))
    else:
        keyed = []
    if len(keyed) > BATCH_MAX:
        raise _too_many()
    out: dict[Any, Any] = {}
    for key, raw_id in keyed:
        entity = stages.get(ctx.store, php_int(raw_id)) if isinstance(raw_id, str) else None
        if entity is not None:
            out[int(key) if str(key).isdigit() else key] = entity
    body = {"stages": php_array({k: stages.to_json(e) for k, e in out.items()})}
    # Serialized before deletion, so the ids are still there.
    for entity in {e["id"]: e for e in out.values()}.values():
        stages.delete(ctx.store, entity["id"])
    return Reply(200, body)


# ------------------------------------------------------------------ contact moves


def move_contact(ctx: Ctx, stage_id: str, contact_id: str, action: str) -> Reply:
    stage = stages.get(ctx.store, route_id(stage_id))
    if stage is None:
        raise not_found()
    numeric = contact_id.isascii() and contact_id.isdigit()
    contact = contacts.get(ctx.store, route_id(contact_id)) if numeric else None
    if contact is None:
        raise controller_error(404, "Contact not found.",
                               headers=session_headers(formatdate(usegmt=True)))
    contacts.move(ctx.store, contact, stage, add=action == "add", identity=ctx.identity)
    return Reply(200, {"success": 1})


ID = r"([0-9]+)"
ROUTES = [
    ("GET", r"/api/stages", list_stages),
    ("POST", r"/api/stages/new", new_stage),
    ("POST", r"/api/stages/batch/new", batch_new),
    ("PUT", r"/api/stages/batch/edit", lambda ctx: batch_edit(ctx, put=True)),
    ("PATCH", r"/api/stages/batch/edit", lambda ctx: batch_edit(ctx, put=False)),
    ("DELETE", r"/api/stages/batch/delete", batch_delete),
    ("GET", rf"/api/stages/{ID}", get_stage),
    ("PUT", rf"/api/stages/{ID}/edit", lambda ctx, i: edit_stage(ctx, i, put=True)),
    ("PATCH", rf"/api/stages/{ID}/edit", lambda ctx, i: edit_stage(ctx, i, put=False)),
    ("DELETE", rf"/api/stages/{ID}/delete", delete_stage),
    # A non-numeric contact id reaches the controller ("Contact not found.").
    ("POST", rf"/api/stages/{ID}/contact/([^/]+)/(add|remove)", move_contact),
]
