"""Reading Mautic's response envelopes (``{"stage": …}``, ``{"total": …, "stages": …}``).

Tolerant where real Mautic varies: a list container may be a JSON array or an object keyed
by id/index (contacts always, batch results when an item failed), ``total`` may be an int
or a numeric string, ``success`` may be ``1`` or ``true``. Anything else is BadResponse.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, TypeVar

from .errors import BadResponse
from .models import Page, StageChange

__all__ = ["one", "many", "page", "total_of", "success", "stage_changes"]

T = TypeVar("T")


def _object(body: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise BadResponse(f"expected a JSON object for {what}, got {type(body).__name__}")
    return body


def one(body: Any, key: str, parse: Callable[[Any], T]) -> T:
    """``{"<key>": {...}}`` -> the parsed item."""
    envelope = _object(body, key)
    if key not in envelope:
        raise BadResponse(f"the answer has no {key!r}")
    return parse(envelope[key])


def many(body: Any, key: str, parse: Callable[[Any], T]) -> list[T]:
    """``{"<key>": [...] | {"id": {...}}}`` -> parsed items in Mautic's order."""
    envelope = _object(body, key)
    container = envelope.get(key)
    if isinstance(container, Mapping):
        values = list(container.values())  # key order is Mautic's sort order
    elif isinstance(container, list):
        values = container
    elif container is None and key not in envelope:
        raise BadResponse(f"the answer has no {key!r} list")
    else:
        raise BadResponse(f"{key!r} is neither a list nor an object")
    return [parse(v) for v in values]


def total_of(body: Any) -> int:
    """``total`` as int: Mautic sends an int for stages and a string for contacts."""
    raw = _object(body, "total").get("total")
    if isinstance(raw, bool):
        raise BadResponse("'total' is not a number")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\s*\d{1,18}\s*", raw):
        value = int(raw)
    else:
        raise BadResponse("'total' is missing or not a number")
    if value < 0:
        raise BadResponse("'total' is negative")
    return value


def page(body: Any, key: str, model: type[T]) -> Page[T]:
    """``{"total": n, "<key>": ...}`` -> ``Page[model]`` (items parsed by ``model.from_api``)."""
    items = many(body, key, model.from_api)  # type: ignore[attr-defined]
    # Items are already validated models: construct without validating them again.
    return Page[model].model_construct(total=total_of(body), items=items)  # type: ignore[valid-type]


def success(body: Any) -> None:
    """``{"success": 1}`` (real Mautic) or ``true`` (its docs); anything else is wrong."""
    flag = _object(body, "success").get("success")
    if flag is True or (isinstance(flag, (int, str)) and not isinstance(flag, bool) and str(flag) == "1"):
        return
    raise BadResponse("Mautic did not confirm the change (no 'success')")


def stage_changes(body: Any) -> tuple[list[StageChange], int]:
    """Activity answer -> (stage.changed events, newest first; maxPages)."""
    envelope = _object(body, "events")
    events = envelope.get("events")
    if isinstance(events, Mapping):
        events = list(events.values())
    if not isinstance(events, list):
        raise BadResponse("the activity answer has no 'events' list")
    changes = [
        StageChange.from_api(e)
        for e in events
        if isinstance(e, Mapping) and e.get("event", "stage.changed") == "stage.changed"
    ]
    raw_pages = envelope.get("maxPages", 1)  # a float 1.0 when there are events
    try:
        max_pages = int(float(raw_pages))
    except (TypeError, ValueError, OverflowError):
        max_pages = 1
    return changes, max(1, max_pages)
