"""Stage rows: queries, the list query, and Mautic's JSON shapes for a stage."""

from __future__ import annotations

from typing import Any

from . import listing
from .errors import server_error
from .search import stage_filter
from .stage_input import TRACKED, check_storable, missing_category
from .store import Identity, Store, publish_details_json, to_api_time

# ORM property -> column, for orderBy / where on `s.` (and `c.` for the joined category).
STAGE_PROPERTIES = {
    "id": "id", "name": "name", "description": "description", "weight": "weight",
    "publishUp": "publish_up", "publishDown": "publish_down", "isPublished": "is_published",
    "dateAdded": "date_added", "dateModified": "date_modified", "createdBy": "created_by",
    "createdByUser": "created_by_user", "modifiedBy": "modified_by",
    "modifiedByUser": "modified_by_user", "category": "category_id",
}
CATEGORY_PROPERTIES = {
    "id": "id", "title": "title", "alias": "alias", "description": "description",
    "color": "color", "bundle": "bundle", "isPublished": "is_published",
    "dateAdded": "date_added", "dateModified": "date_modified", "createdBy": "created_by",
    "createdByUser": "created_by_user", "modifiedBy": "modified_by",
    "modifiedByUser": "modified_by_user",
}

_SELECT = (
    "SELECT s.*, c.id AS c_id, c.title AS c_title, c.alias AS c_alias, "
    "c.description AS c_description, c.color AS c_color, c.bundle AS c_bundle, "
    "c.created_by_user AS c_created_by_user, c.modified_by_user AS c_modified_by_user "
    "FROM stages s LEFT JOIN categories c ON c.id = s.category_id"
)
_FROM = "FROM stages s LEFT JOIN categories c ON c.id = s.category_id"


TEXT_PROPERTIES = frozenset({"name", "description", "createdByUser", "modifiedByUser", "title",
                             "alias", "color", "bundle"})


def resolve_column(name: str) -> str:
    alias, _, prop = name.rpartition(".")
    alias = alias or "s"
    table = {"s": STAGE_PROPERTIES, "c": CATEGORY_PROPERTIES}.get(alias)
    if table is None or prop not in table:
        raise server_error()
    column = f"{alias}.{table[prop]}"
    return f"{column} COLLATE NOCASE" if prop in TEXT_PROPERTIES else column


def resolve_order_column(name: str) -> str:
    """Like resolve_column; DQL cannot ORDER BY the `category` association itself."""
    if name.rpartition(".")[2] == "category":
        raise server_error()
    return resolve_column(name)


def row_to_entity(row: Any) -> dict[str, Any]:
    keys = row.keys()
    entity = {k: row[k] for k in keys if not k.startswith("c_")}
    entity["is_published"] = bool(entity["is_published"])
    entity["category"] = None
    if "c_id" in keys and row["c_id"] is not None:
        entity["category"] = {k[2:]: row[k] for k in keys if k.startswith("c_")}
    return entity


def nested_category(cat: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stage's category at depth 2 (categoryList + leaked user names)."""
    if cat is None:
        return None
    return {"createdByUser": cat["created_by_user"], "modifiedByUser": cat["modified_by_user"],
            "id": cat["id"], "title": cat["title"], "alias": cat["alias"],
            "description": cat["description"], "color": cat["color"], "bundle": cat["bundle"]}


def to_json(entity: dict[str, Any], *, minimal: bool = False,
            deleted: bool = False) -> dict[str, Any]:
    out = {
        **publish_details_json(entity, deleted=deleted),
        "name": entity["name"],
        "category": nested_category(entity.get("category")),
        "weight": entity["weight"],
        "description": entity["description"],
    }
    if not minimal:
        out["publishUp"] = to_api_time(entity["publish_up"])
        out["publishDown"] = to_api_time(entity["publish_down"])
    return out


def get(store: Store, stage_id: int) -> dict[str, Any] | None:
    row = store.row(_SELECT + " WHERE s.id = ?", [stage_id])
    return row_to_entity(row) if row else None


def list_page(store: Store, query: dict[str, Any],
              identity: Identity) -> tuple[int, list[dict[str, Any]]]:
    if "select" in query:  # partial selects break on stages in 5.1.0
        raise server_error()
    page = listing.paging(query)
    order = listing.order_by(query, resolve_order_column) or ["s.id ASC"]
    search = stage_filter(str(query.get("search") or ""), user_id=identity.user_id,
                          conn=store.conn)
    where_sql, params = listing.filters(query, search, resolve_column, "s.is_published")
    total = store.scalar(f"SELECT COUNT(*) {_FROM} WHERE {where_sql}", params)
    limit_sql, limit_params = page.sql()
    rows = store.rows(f"{_SELECT} WHERE {where_sql} ORDER BY {', '.join(order)}{limit_sql}",
                      params + limit_params)
    return total, [row_to_entity(r) for r in rows]


def _check_category(store: Store, values: dict[str, Any]) -> None:
    cat = values.get("category_id")
    if cat is not None and store.scalar("SELECT 1 FROM categories WHERE id = ?", [cat]) is None:
        raise missing_category(cat)


def insert(store: Store, values: dict[str, Any], identity: Identity) -> int:
    _check_category(store, values)
    check_storable(values)
    cur = store.execute(
        "INSERT INTO stages (is_published, date_added, created_by, created_by_user, name, "
        "category_id, weight, description, publish_up, publish_down) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)",
        [int(values["is_published"]), store.now(), identity.user_id, identity.user_name,
         values["name"], values["category_id"], values["weight"], values["description"],
         values["publish_up"], values["publish_down"]])
    return cur.lastrowid


def update(store: Store, current: dict[str, Any], values: dict[str, Any],
           identity: Identity) -> None:
    _check_category(store, values)
    check_storable(values)
    changed = any(values[k] != current[k] for k in TRACKED)
    date_modified = store.now() if changed else current["date_modified"]
    store.execute(
        "UPDATE stages SET is_published=?, date_modified=?, modified_by=?, modified_by_user=?, "
        "name=?, category_id=?, weight=?, description=?, publish_up=?, publish_down=? "
        "WHERE id=?",
        [int(values["is_published"]), date_modified, identity.user_id, identity.user_name,
         values["name"], values["category_id"], values["weight"], values["description"],
         values["publish_up"], values["publish_down"], current["id"]])


def delete(store: Store, stage_id: int) -> None:
    # Contacts keep existing with no stage; the stage's change-log rows go with it.
    store.execute("UPDATE leads SET stage_id = NULL WHERE stage_id = ?", [stage_id])
    store.execute("DELETE FROM lead_stages_change_log WHERE stage_id = ?", [stage_id])
    store.execute("DELETE FROM stages WHERE id = ?", [stage_id])


def entity_values(entity: dict[str, Any]) -> dict[str, Any]:
    """The editable part of an entity, as apply_stage_input expects `current`."""
    return {k: entity[k] for k in ("name", "description", "weight", "is_published",
                                   "publish_up", "publish_down", "category_id")}
