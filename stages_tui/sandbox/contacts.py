"""Contacts (leads): queries, input handling, stage moves with their change log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from . import fields, listing
from .contact_json import stage_infos, to_json
from .errors import ValidationError, server_error
from .phpish import php_int, php_truthy
from .schema import CONTACT_FIELD_COLUMNS
from .search import contact_filter
from .store import Identity, Store

# Columns `orderBy` / `where` accept on contacts (DBAL: snake_case, alias l.).
LEAD_COLUMNS = frozenset(
    ("id", "is_published", "date_added", "date_modified", "created_by", "created_by_user",
     "modified_by", "modified_by_user", "stage_id", "color", "date_identified", "owner_id")
    + CONTACT_FIELD_COLUMNS
) - {"owner_id"}

STAGE_CHANGED = "Stage changed"
MANUALLY_ADDED = "Manually Added"
MANUALLY_REMOVED = "Manually Removed"
NOT_VALID = "This value is not valid."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


_NOT_TEXT = frozenset({"id", "is_published", "date_added", "date_modified", "created_by",
                       "modified_by", "stage_id", "date_identified", "points", "last_active",
                       "attribution_date", "attribution"})


def resolve_column(name: str) -> str:
    alias, _, column = name.rpartition(".")
    if (alias or "l") != "l" or column not in LEAD_COLUMNS:
        raise server_error()
    return f"l.{column}" if column in _NOT_TEXT else f"l.{column} COLLATE NOCASE"


# Lead entity properties that convertOrmProperties() turns into columns for `where`
# (not for orderBy, where camelCase stays a 500).
_WHERE_PROPERTIES = {
    "isPublished": "is_published", "dateAdded": "date_added", "dateModified": "date_modified",
    "createdBy": "created_by", "createdByUser": "created_by_user", "modifiedBy": "modified_by",
    "modifiedByUser": "modified_by_user", "dateIdentified": "date_identified",
    "lastActive": "last_active",
}


def resolve_where_column(name: str) -> str:
    alias, dot, column = name.rpartition(".")
    return resolve_column(f"{alias}{dot}{_WHERE_PROPERTIES.get(column, column)}")


# ---------------------------------------------------------------- queries


def get(store: Store, contact_id: int) -> Any:
    return store.row("SELECT * FROM leads WHERE id = ?", [contact_id])


def list_page(store: Store, query: dict[str, Any],
              identity: Identity) -> tuple[int, dict[str, Any]]:
    """Count and page with the same WHERE; stage blocks fetched once for the page."""
    page = listing.paging(query)
    order = listing.order_by(query, resolve_column) or ["l.last_active DESC", "l.id DESC"]
    search_sql, params = contact_filter(str(query.get("search") or ""), user_id=identity.user_id,
                                        conn=store.conn)
    conditions = [search_sql]
    params = list(params)
    where = listing.where(query, resolve_where_column)
    if where is not None:
        conditions.extend(where[0])
        params.extend(where[1])
    elif php_truthy(query.get("published")):
        conditions.append("l.is_published = 1")
    where_sql = listing.combine(conditions)
    total = store.scalar(f"SELECT COUNT(*) FROM leads l WHERE {where_sql}", params)
    limit_sql, limit_params = page.sql()
    rows = store.rows(f"SELECT l.* FROM leads l WHERE {where_sql} "
                      f"ORDER BY {', '.join(order)}{limit_sql}", params + limit_params)
    infos = stage_infos(store, {r["stage_id"] for r in rows if r["stage_id"] is not None})
    minimal = php_truthy(query.get("minimal"))
    contacts = {str(r["id"]): to_json(r, infos.get(r["stage_id"]), in_list=True, minimal=minimal)
                for r in rows}
    return total, contacts


# ---------------------------------------------------------------- input


@dataclass
class ContactInput:
    values: dict[str, Any]      # alias -> new value for submitted fields
    stage: Any                  # _KEEP, None (clear) or a stage id
    submitted: set[str]
    zeros: set[str]             # aliases sent as a numeric 0 (POST/PATCH ignore those)


_KEEP = object()


def _field_value(alias: str, raw: Any) -> Any:
    if raw is None or raw == "" or isinstance(raw, (dict, list)):
        return None
    if alias == "points":
        return php_int(raw)
    if isinstance(raw, bool):
        return "1" if raw else None
    return (str(raw).strip() or None) if isinstance(raw, str) else str(raw)


def stage_choice_ok(store: Store, stage_id: int) -> bool:
    """The contact form's stage field: published stages, keyed by name, so of two
    published stages with the same name only the later one can be chosen."""
    return store.scalar(
        "SELECT 1 FROM stages s WHERE s.id = ? AND s.is_published = 1 AND NOT EXISTS ("
        "SELECT 1 FROM stages t WHERE t.is_published = 1 AND t.name = s.name AND t.id > s.id)",
        [stage_id]) is not None


def _stage_field(store: Store, raw: Any) -> int | None:
    """The submitted stage id when it is a valid choice, else None."""
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        return None
    stage_id = php_int(raw)
    if str(raw).strip() != str(stage_id) or not stage_choice_ok(store, stage_id):
        return None
    return stage_id


def _last_active(raw: Any) -> str:
    """`lastActive` as Mautic's DateTimeHelper reads it (UTC unless an offset is given)."""
    try:
        moment = datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise server_error() from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def parse_input(store: Store, params: dict[str, Any],
                current_stage: int | None = None) -> ContactInput:
    """Validate a contact body. Without a `stage` key, an existing contact's current stage
    is submitted for it (and so must still be a valid choice)."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for alias in fields.FIELD_ALIASES:
        if alias in params:
            values[alias] = _field_value(alias, params[alias])
    email = values.get("email")
    if email is not None and not _EMAIL.match(email):
        errors["email"] = [f"{email} is invalid."]
    stage: Any = _KEEP
    if "stage" in params and params["stage"] is None:
        stage = None
    elif "stage" in params or current_stage is not None:
        chosen = _stage_field(store, params.get("stage", current_stage))
        if chosen is None:
            errors["stage"] = [NOT_VALID]
        elif "stage" in params:
            stage = chosen
    if errors:
        raise ValidationError(errors)
    if "lastActive" in params and params["lastActive"] not in (None, ""):
        values["last_active"] = _last_active(params["lastActive"])
    zeros = {alias for alias in values if _is_numeric_zero(params.get(alias))}
    return ContactInput(values, stage, set(values), zeros)


def _is_numeric_zero(raw: Any) -> bool:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return False
    try:
        return float(raw) == 0
    except ValueError:
        return False


def find_by_email(store: Store, email: str) -> Any:
    return store.row("SELECT * FROM leads WHERE email = ? COLLATE NOCASE ORDER BY id LIMIT 1",
                     [email])


# A contact with none of these is anonymous; dateIdentified is set when it first has one.
IDENTIFYING = ("firstname", "lastname", "company", "email")


def _identified(values: dict[str, Any]) -> bool:
    return any(values.get(alias) for alias in IDENTIFYING)


def insert(store: Store, data: ContactInput, identity: Identity) -> int:
    now = store.now()
    columns = ["is_published", "date_added", "created_by", "created_by_user", "date_identified"]
    values: list[Any] = [1, now, identity.user_id, identity.user_name,
                         now if _identified(data.values) else None]
    for alias, value in data.values.items():
        if value is None or alias in data.zeros:  # POST ignores empty and zero values
            continue
        columns.append(alias)
        values.append(value)
    cur = store.execute(f"INSERT INTO leads ({', '.join(columns)}) "
                        f"VALUES ({', '.join('?' * len(values))})", values)
    contact_id = cur.lastrowid
    if data.stage is not _KEEP and data.stage is not None:
        _set_stage_from_form(store, contact_id, data.stage)
    return contact_id


def update(store: Store, current: Any, data: ContactInput, identity: Identity,
           *, overwrite_with_blank: bool) -> None:
    """PATCH (and a POST that matched an email) changes what was sent, ignoring empty and
    numeric-zero values (LeadModel keeps the old value); PUT also blanks what was not sent."""
    if overwrite_with_blank:
        new = dict(data.values)
        for alias in fields.FIELD_ALIASES:
            if alias not in new and alias not in ("points", "last_active"):
                new[alias] = None
    else:
        new = {a: v for a, v in data.values.items() if v is not None and a not in data.zeros}
    new = {a: (0 if a == "points" and v is None else v) for a, v in new.items()}
    changed = any(_differs(current[a], v) for a, v in new.items())
    stage_changed = data.stage is not _KEEP and data.stage != current["stage_id"]
    sets = [f"{alias} = ?" for alias in new]
    params: list[Any] = list(new.values())
    if data.stage is not _KEEP:
        sets.append("stage_id = ?")
        params.append(data.stage)
    if changed or stage_changed:
        sets.append("date_modified = ?")
        params.append(store.now())
    if current["date_identified"] is None and _identified({**dict(current), **new}):
        sets.append("date_identified = ?")
        params.append(store.now())
    sets += ["modified_by = ?", "modified_by_user = ?"]
    params += [identity.user_id, identity.user_name]
    store.execute(f"UPDATE leads SET {', '.join(sets)} WHERE id = ?", params + [current["id"]])
    # The form always carries a stage (the current one when none was sent), and Mautic logs
    # "Stage changed" whenever it differs from the latest log row.
    form_stage = current["stage_id"] if data.stage is _KEEP else data.stage
    if form_stage is not None:
        _log_form_stage_change(store, current["id"], form_stage)


def _differs(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is not new
    return str(old) != str(new)


def _set_stage_from_form(store: Store, contact_id: int, stage_id: int) -> None:
    store.execute("UPDATE leads SET stage_id = ? WHERE id = ?", [stage_id, contact_id])
    _log_form_stage_change(store, contact_id, stage_id)


def _log_form_stage_change(store: Store, contact_id: int, stage_id: int) -> None:
    """LeadModel::setFieldValues logs only when the stage differs from the latest log row."""
    latest = store.scalar("SELECT stage_id FROM lead_stages_change_log WHERE lead_id = ? "
                          "ORDER BY date_added DESC, id DESC LIMIT 1", [contact_id])
    if latest == stage_id:
        return
    name = store.scalar("SELECT name FROM stages WHERE id = ?", [stage_id])
    write_log(store, contact_id, stage_id, f"{stage_id}:{name}", STAGE_CHANGED)


def write_log(store: Store, contact_id: int, stage_id: int, event_name: str,
              action: str) -> None:
    store.execute("INSERT INTO lead_stages_change_log (lead_id, stage_id, event_name, "
                  "action_name, date_added) VALUES (?,?,?,?,?)",
                  [contact_id, stage_id, event_name, action, store.now()])


def move(store: Store, contact: Any, stage: dict[str, Any], *, add: bool,
         identity: Identity) -> None:
    """The stages endpoints' add/remove: no checks, always a log row; remove clears any stage."""
    new_stage = stage["id"] if add else None
    sets = ["stage_id = ?", "modified_by = ?", "modified_by_user = ?"]
    params: list[Any] = [new_stage, identity.user_id, identity.user_name]
    if contact["stage_id"] != new_stage:
        sets.append("date_modified = ?")
        params.append(store.now())
    store.execute(f"UPDATE leads SET {', '.join(sets)} WHERE id = ?", params + [contact["id"]])
    write_log(store, contact["id"], stage["id"], f"{stage['id']}: {stage['name']}",
              MANUALLY_ADDED if add else MANUALLY_REMOVED)


def delete(store: Store, contact_id: int) -> None:
    store.execute("DELETE FROM lead_stages_change_log WHERE lead_id = ?", [contact_id])
    store.execute("DELETE FROM leads WHERE id = ?", [contact_id])
