"""Categories (/api/categories): validation, alias slugs, queries, JSON shape."""

from __future__ import annotations

import random
import re
import string
import unicodedata
from typing import Any

from . import listing
from .errors import ValidationError, server_error
from .phpish import clean_text, filter_bool
from .search import category_filter
from .stages import CATEGORY_PROPERTIES, TEXT_PROPERTIES
from .store import Identity, Store

# Bundles a stock 5.1.0 offers in the category form.
BUNDLES = ("global", "asset", "campaign", "email", "form", "page", "point", "sms", "stage",
           "focus", "dynamicContent", "messages", "notification", "mobile_notification",
           "segment", "tweet")
TITLE_MAX_CHARS = 191
COLOR_MAX_CHARS = 7  # the column is 7 characters; longer values fail in the DB


def slugify(text: str) -> str:
    """FormModel::cleanAlias with '-': transliterate, each space to '-', then drop
    everything but [0-9a-z-] and lower-case (an empty result becomes 5 random letters)."""
    ascii_text = unicodedata.normalize("NFKD", text.strip()).encode("ascii", "ignore").decode()
    alias = re.sub(r"[^0-9A-Za-z-]+", "", ascii_text.replace(" ", "-")).strip().lower()
    return alias or "".join(random.sample(string.ascii_lowercase, 5))


def resolve_column(name: str) -> str:
    alias, _, prop = name.rpartition(".")
    if (alias or "c") != "c" or prop not in CATEGORY_PROPERTIES:
        raise server_error()
    column = f"c.{CATEGORY_PROPERTIES[prop]}"
    return f"{column} COLLATE NOCASE" if prop in TEXT_PROPERTIES else column


def to_json(row: dict[str, Any], *, deleted: bool = False) -> dict[str, Any]:
    return {"id": None if deleted else row["id"], "title": row["title"], "alias": row["alias"],
            "description": row["description"], "color": row["color"], "bundle": row["bundle"]}


def get(store: Store, cat_id: int) -> dict[str, Any] | None:
    row = store.row("SELECT * FROM categories WHERE id = ?", [cat_id])
    return dict(row) if row else None


def list_page(store: Store, query: dict[str, Any],
              identity: Identity) -> tuple[int, list[dict[str, Any]]]:
    page = listing.paging(query)
    order = listing.order_by(query, resolve_column) or ["c.title ASC", "c.id ASC"]
    search = category_filter(str(query.get("search") or ""), user_id=identity.user_id,
                             conn=store.conn)
    where_sql, params = listing.filters(query, search, resolve_column, "c.is_published")
    total = store.scalar(f"SELECT COUNT(*) FROM categories c WHERE {where_sql}", params)
    limit_sql, limit_params = page.sql()
    rows = store.rows(f"SELECT c.* FROM categories c WHERE {where_sql} "
                      f"ORDER BY {', '.join(order)}{limit_sql}", params + limit_params)
    return total, [dict(r) for r in rows]


def _text(raw: Any) -> str | None:
    if raw is None or isinstance(raw, (dict, list)):
        return None
    return str(raw).strip() or None


def _filtered(raw: Any) -> str | None:
    """The category form's default input filter (tags dropped, entities decoded), then trim."""
    text = _text(raw)
    return (clean_text(text).strip() or None) if text is not None else None


def apply_input(params: dict[str, Any], current: dict[str, Any] | None,
                clear_missing: bool) -> dict[str, Any]:
    """Submit a category form; errors come in form field order (bundle, then title)."""
    values = dict(current) if current else {
        "title": None, "alias": None, "description": None, "color": None, "bundle": None,
        "is_published": 1}
    errors: dict[str, list[str]] = {}
    if current is None:  # the bundle field exists only on new categories
        bundle = _filtered(params.get("bundle"))
        if bundle is None:
            errors["bundle"] = ["A value is required."]
        elif bundle not in BUNDLES:
            errors["bundle"] = ["This value is not valid."]
        values["bundle"] = bundle
    if "title" in params or clear_missing:
        values["title"] = _filtered(params.get("title"))
    if not values["title"]:
        errors["title"] = ["A title is required."]
    if "description" in params or clear_missing:
        values["description"] = _filtered(params.get("description"))
    if "color" in params or clear_missing:
        values["color"] = _filtered(params.get("color"))
    if "isPublished" in params:
        values["is_published"] = int(filter_bool(params.get("isPublished")))
    elif clear_missing and current is not None:
        values["is_published"] = 0
    if errors:
        raise ValidationError(errors)
    explicit_alias = _filtered(params.get("alias"))
    if explicit_alias is not None:
        values["alias"] = slugify(explicit_alias)
    elif current is None or clear_missing:
        values["alias"] = None  # regenerated from the title on save (PUT too)
    return values


def _unique_alias(store: Store, wanted: str, bundle: str, own_id: int | None) -> str:
    candidate, counter = wanted, 1
    while store.scalar("SELECT 1 FROM categories WHERE alias = ? AND bundle = ? AND id IS NOT ?",
                       [candidate, bundle, own_id]) is not None:
        candidate = f"{wanted}{counter}"
        counter += 1
    return candidate


def _check_storable(values: dict[str, Any]) -> None:
    if len(values["title"]) > TITLE_MAX_CHARS:
        raise server_error()
    if values["color"] is not None and len(values["color"]) > COLOR_MAX_CHARS:
        raise server_error()


def save(store: Store, current: dict[str, Any] | None, values: dict[str, Any],
         identity: Identity) -> int:
    _check_storable(values)
    own_id = current["id"] if current else None
    alias = _unique_alias(store, values["alias"] or slugify(values["title"]), values["bundle"],
                          own_id)
    now = store.now()
    if current is None:
        cur = store.execute(
            "INSERT INTO categories (is_published, date_added, created_by, created_by_user, "
            "title, alias, description, color, bundle) VALUES (?,?,?,?,?,?,?,?,?)",
            [values["is_published"], now, identity.user_id, identity.user_name,
             values["title"], alias, values["description"], values["color"], values["bundle"]])
        return cur.lastrowid
    store.execute(
        "UPDATE categories SET is_published=?, date_modified=?, modified_by=?, "
        "modified_by_user=?, title=?, alias=?, description=?, color=? WHERE id=?",
        [values["is_published"], now, identity.user_id, identity.user_name, values["title"],
         alias, values["description"], values["color"], own_id])
    return own_id


def delete(store: Store, cat_id: int) -> None:
    store.execute("UPDATE stages SET category_id = NULL WHERE category_id = ?", [cat_id])
    store.execute("DELETE FROM categories WHERE id = ?", [cat_id])
