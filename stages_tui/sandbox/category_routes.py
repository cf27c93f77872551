"""The /api/categories endpoints."""

from __future__ import annotations

from email.utils import formatdate

from . import categories
from .errors import ValidationError, not_found
from .phpish import route_id
from .wire import Ctx, Reply, session_headers


def _location(cat_id: int) -> dict[str, str]:
    return {"Location": f"/api/categories/{cat_id}"}


def list_categories(ctx: Ctx) -> Reply:
    total, rows = categories.list_page(ctx.store, ctx.query, ctx.identity)
    return Reply(200, {"total": total, "categories": [categories.to_json(r) for r in rows]})


def get_category(ctx: Ctx, cat_id: str) -> Reply:
    row = categories.get(ctx.store, route_id(cat_id))
    if row is None:
        raise not_found()
    return Reply(200, {"category": categories.to_json(row)})


def _create(ctx: Ctx) -> Reply:
    values = categories.apply_input(ctx.params, None, clear_missing=True)
    new_id = categories.save(ctx.store, None, values, ctx.identity)
    return Reply(201, {"category": categories.to_json(categories.get(ctx.store, new_id))},
                 _location(new_id))


def new_category(ctx: Ctx) -> Reply:
    # Creating a category touches the session in Mautic, hence its cache headers.
    extra = session_headers(formatdate(usegmt=True))
    try:
        reply = _create(ctx)
    except ValidationError as err:
        api_err = err.to_api_error()
        api_err.headers.update(extra)
        raise api_err from None
    reply.headers.update(extra)
    return reply


def edit_category(ctx: Ctx, cat_id: str, *, put: bool) -> Reply:
    row = categories.get(ctx.store, route_id(cat_id))
    try:
        if row is None:
            if not put:
                raise not_found()
            return _create(ctx)
        values = categories.apply_input(ctx.params, row, clear_missing=put)
    except ValidationError as err:
        raise err.to_api_error() from None
    categories.save(ctx.store, row, values, ctx.identity)
    return Reply(200, {"category": categories.to_json(categories.get(ctx.store, row["id"]))})


def delete_category(ctx: Ctx, cat_id: str) -> Reply:
    row = categories.get(ctx.store, route_id(cat_id))
    if row is None:
        raise not_found()
    categories.delete(ctx.store, row["id"])
    return Reply(200, {"category": categories.to_json(row, deleted=True)})


ID = r"([0-9]+)"
ROUTES = [
    ("GET", r"/api/categories", list_categories),
    ("POST", r"/api/categories/new", new_category),
    ("GET", rf"/api/categories/{ID}", get_category),
    ("PUT", rf"/api/categories/{ID}/edit", lambda ctx, i: edit_category(ctx, i, put=True)),
    ("PATCH", rf"/api/categories/{ID}/edit", lambda ctx, i: edit_category(ctx, i, put=False)),
    ("DELETE", rf"/api/categories/{ID}/delete", delete_category),
]

