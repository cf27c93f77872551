"""A contact as Mautic's API shows it: the two field-block shapes and the stage block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import fields
from .store import Store, publish_details_json, to_api_time


@dataclass
class StageInfo:
    """What a contact's `stage` shows: stageList plus leaked publish fields."""

    id: int
    name: str
    weight: int
    description: str | None
    created_by_user: str | None
    modified_by_user: str | None
    category: tuple[str | None, str | None] | None  # the category's user names

    def to_json(self) -> dict[str, Any]:
        category = None
        if self.category is not None:
            category = {"createdByUser": self.category[0], "modifiedByUser": self.category[1]}
        return {"createdByUser": self.created_by_user, "modifiedByUser": self.modified_by_user,
                "id": self.id, "name": self.name, "category": category, "weight": self.weight,
                "description": self.description}


def stage_infos(store: Store, stage_ids: set[int]) -> dict[int, StageInfo]:
    """Stage blocks for a page of contacts, in one query."""
    if not stage_ids:
        return {}
    marks = ",".join("?" * len(stage_ids))
    rows = store.rows(
        "SELECT s.id, s.name, s.weight, s.description, s.created_by_user, s.modified_by_user, "
        "c.id AS c_id, c.created_by_user AS c_cbu, c.modified_by_user AS c_mbu "
        f"FROM stages s LEFT JOIN categories c ON c.id = s.category_id WHERE s.id IN ({marks})",
        sorted(stage_ids))
    return {r["id"]: StageInfo(r["id"], r["name"], r["weight"], r["description"],
                               r["created_by_user"], r["modified_by_user"],
                               (r["c_cbu"], r["c_mbu"]) if r["c_id"] is not None else None)
            for r in rows}


def _stored_value(alias: str, value: Any) -> Any:
    """A field value as GET shows it: DBAL strings, numbers cast back (fixNumbers)."""
    if value is None:
        return None
    if alias == "points":
        return int(value)
    if alias == "attribution":
        return float(value)
    return str(value)


def _publish_part(row: Any, deleted: bool) -> dict[str, Any]:
    return {
        **publish_details_json(row, deleted=deleted),
        "points": int(row["points"] or 0),
        "color": row["color"],
    }


def to_json(row: Any, stage: StageInfo | None, *, created: set[str] | None = None,
            in_list: bool = False, minimal: bool = False, deleted: bool = False) -> dict[str, Any]:
    """A contact. `created` (the submitted aliases) selects the create-response shape."""
    groups: dict[str, dict[str, Any]] = {g: {} for g in fields.GROUPS}
    for f in fields.FIELDS:
        if created is not None:
            value = row[f.alias] if f.alias in created else None
            if value is not None and f.alias != "points":
                value = str(value) if f.alias != "attribution" else float(value)
            groups[f.group][f.alias] = fields.created_field(f, value)
        else:
            groups[f.group][f.alias] = fields.stored_field(f, _stored_value(f.alias, row[f.alias]))
    contact_id = None if deleted else str(row["id"])
    order = fields.LIST_ALL_ORDER if in_list else fields.FIELD_ALIASES
    everything: dict[str, Any] = {"id": contact_id}
    for alias in order:
        everything[alias] = _stored_value(alias, row[alias])
    body = _publish_part(row, deleted)
    body["fields"] = {g: (groups[g] or []) for g in fields.GROUPS}
    body["fields"]["all"] = everything
    if minimal:
        return body
    body.update({
        "lastActive": to_api_time(row["last_active"]),
        "owner": None,
        "ipAddresses": [],
        "tags": [],
        "utmtags": None if created is not None else [],
        "stage": stage.to_json() if stage else None,
        "dateIdentified": to_api_time(row["date_identified"]),
        "preferredProfileImage": None,
        "doNotContact": [],
        "frequencyRules": [],
    })
    return body


def render(store: Store, row: Any, **kwargs: Any) -> dict[str, Any]:
    stage_id = row["stage_id"]
    info = stage_infos(store, {stage_id}).get(stage_id) if stage_id is not None else None
    return to_json(row, info, **kwargs)
