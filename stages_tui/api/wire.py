"""What we put on the wire: query parameters and bodies in the form real Mautic reads.

Real Mautic differs from its docs (shared/mautic-api.md section 8): the list filters are
``search`` and ``published`` (not ``searchFilter``/``publishedOnly``), ``"false"`` is true
for ``published``/``minimal`` (so send ``1`` or leave them out), stages sort by camelCase
ORM names and contacts by snake_case columns (a wrong name is a 500), publish dates go in
as ``Y-m-d H:i`` UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from .errors import ValidationFailed
from .models import (
    MSG_NOT_VALID,
    Category,
    check_name,
    check_weight,
    wire_publish_date,
)

__all__ = [
    "STAGE_ORDER_COLUMNS",
    "CONTACT_ORDER_COLUMNS",
    "stage_list_params",
    "contact_list_params",
    "stage_changes_to_wire",
]

# python / camelCase name -> Mautic's stage orderBy (ORM property, category joined as c).
STAGE_ORDER_COLUMNS: dict[str, str] = {}
for _wire in (
    "id", "name", "description", "weight", "publishUp", "publishDown", "isPublished",
    "dateAdded", "dateModified", "createdBy", "createdByUser", "modifiedBy", "modifiedByUser",
):
    STAGE_ORDER_COLUMNS[_wire] = _wire
    STAGE_ORDER_COLUMNS["".join("_" + c.lower() if c.isupper() else c for c in _wire)] = _wire
STAGE_ORDER_COLUMNS.update({"category": "c.title", "c.title": "c.title", "c.alias": "c.alias"})

# python / camelCase name -> Mautic's contact orderBy (DBAL column of leads, snake_case).
CONTACT_ORDER_COLUMNS: dict[str, str] = {}
for _wire in (
    "id", "firstname", "lastname", "email", "company", "points", "last_active",
    "date_added", "date_modified", "date_identified", "city", "country",
):
    CONTACT_ORDER_COLUMNS[_wire] = _wire
    CONTACT_ORDER_COLUMNS["".join(p.title() if i else p for i, p in enumerate(_wire.split("_")))] = _wire
CONTACT_ORDER_COLUMNS.update({"first_name": "firstname", "last_name": "lastname", "stage": "stage_id"})


def _direction(order_dir: str) -> str:
    direction = order_dir.strip().upper()
    if direction not in ("ASC", "DESC"):
        # Mautic turns any other word into invalid DQL: a 500.
        raise ValueError(f"order_dir must be 'asc' or 'desc', not {order_dir!r}")
    return direction


def _paging(start: int, limit: int) -> list[tuple[str, str]]:
    if start < 0 or limit < 0:
        raise ValueError("start and limit must not be negative (Mautic answers 500)")
    # limit=0 means "no limit" in Mautic; start is ignored without a limit.
    return [("start", str(start)), ("limit", str(limit))]


def _search_paging_order(
    what: str,
    columns: Mapping[str, str],
    *,
    search: str,
    start: int,
    limit: int,
    order_by: str | None,
    order_dir: str,
) -> list[tuple[str, str]]:
    """``search``, paging and ``orderBy``/``orderByDir``, shared by the list endpoints."""
    params: list[tuple[str, str]] = []
    if search.strip():
        params.append(("search", search.strip()))
    params += _paging(start, limit)
    if order_by:
        column = columns.get(order_by)
        if column is None:
            raise ValueError(f"cannot order {what} by {order_by!r}")
        # A tie-breaker keeps paging stable when the column repeats (weights, categories,
        # last_active: NULL for API-created contacts), and MySQL and SQLite break ties
        # differently; ",id" makes pages stable and identical.
        params.append(("orderBy", column if column == "id" else f"{column},id"))
        params.append(("orderByDir", _direction(order_dir)))
    return params


def stage_list_params(
    *,
    search: str,
    start: int,
    limit: int,
    order_by: str | None,
    order_dir: str,
    published_only: bool,
    minimal: bool,
) -> list[tuple[str, str]]:
    """Query parameters for ``GET /api/stages``."""
    params = _search_paging_order(
        "stages", STAGE_ORDER_COLUMNS,
        search=search, start=start, limit=limit, order_by=order_by, order_dir=order_dir,
    )
    if published_only:
        params.append(("published", "1"))
    if minimal:
        params.append(("minimal", "1"))
    return params


def contact_list_params(
    *,
    search: str,
    start: int,
    limit: int,
    stage_id: int | None,
    no_stage: bool,
    order_by: str | None,
    order_dir: str,
) -> list[tuple[str, str]]:
    """Query parameters for ``GET /api/contacts``.

    The stage filters use ``where`` on ``stage_id`` (exact, by id) rather than the
    ``stage:`` search command, which is a name-prefix match in Mautic.
    """
    if stage_id is not None and no_stage:
        raise ValueError("stage_id and no_stage exclude each other")
    params = _search_paging_order(
        "contacts", CONTACT_ORDER_COLUMNS,
        search=search, start=start, limit=limit, order_by=order_by, order_dir=order_dir,
    )
    if stage_id is not None:
        params += [
            ("where[0][col]", "stage_id"),
            ("where[0][expr]", "eq"),
            ("where[0][val]", str(int(stage_id))),
        ]
    elif no_stage:
        params += [("where[0][col]", "stage_id"), ("where[0][expr]", "isNull")]
    return params


# python / camelCase key -> Mautic stage form field
_STAGE_FIELDS = {
    "name": "name",
    "weight": "weight",
    "description": "description",
    "is_published": "isPublished",
    "isPublished": "isPublished",
    "publish_up": "publishUp",
    "publishUp": "publishUp",
    "publish_down": "publishDown",
    "publishDown": "publishDown",
    "category": "category",
    "category_id": "category",
}


def stage_changes_to_wire(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Python values for a PATCH -> Mautic's JSON body; ValidationFailed (local) if bad.

    Accepts python or camelCase keys; datetimes (naive = UTC) or ``Y-m-d H:i`` text for
    publish dates (None clears); a ``Category``, an id or None for the category (None
    clears it); bools for isPublished.
    """
    body: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for key, value in changes.items():
        field = _STAGE_FIELDS.get(key)
        if field is None:
            raise ValueError(f"unknown stage field {key!r}")
        if field == "name":
            problem = check_name(value)
            if problem:
                problems["name"] = [problem]
            else:
                body["name"] = value.strip()
        elif field == "weight":
            weight = check_weight(0 if value is None else value)
            if weight is None:
                problems["weight"] = [MSG_NOT_VALID]
            else:
                body["weight"] = weight
        elif field == "description":
            if value is not None and not isinstance(value, str):
                problems["description"] = [MSG_NOT_VALID]
            else:
                body["description"] = value
        elif field == "isPublished":
            if not isinstance(value, bool):
                problems["isPublished"] = [MSG_NOT_VALID]
            else:
                body["isPublished"] = value
        elif field in ("publishUp", "publishDown"):
            if value is not None and not isinstance(value, (str, datetime)):
                problems[field] = [MSG_NOT_VALID]
                continue
            try:
                body[field] = wire_publish_date(value)
            except (ValueError, OverflowError):
                problems[field] = [MSG_NOT_VALID]
        else:  # category
            if isinstance(value, Category):
                value = value.id
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                # Mautic ignores 0 and casts other junk to an id: refuse both here.
                problems["category"] = [MSG_NOT_VALID]
            else:
                body["category"] = value
    if problems:
        raise ValidationFailed.local(problems)
    return body
