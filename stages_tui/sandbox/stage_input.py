"""Stage form handling as Mautic's StageType does it: cleaning, casting, validation.

`apply_stage_input` turns request parameters into new entity values. POST and PUT
submit with clearMissing (omitted fields reset), PATCH changes only what was sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .errors import exception_error, server_error
from .phpish import clean_text, filter_bool, php_int

NOT_VALID = "This value is not valid."
NAME_REQUIRED = "A name is required."
NAME_MAX_CHARS = 191  # VARCHAR(191): longer names fail in the DB (500)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# Properties whose change sets dateModified (their setters call isChanged());
# weight and category are not tracked, so editing only them leaves dateModified alone.
TRACKED = ("name", "description", "is_published", "publish_up", "publish_down")

# ICU parses the pattern `yyyy-MM-dd HH:mm` strictly but ignores what follows it
# (so "… 10:30:45" is accepted with its seconds dropped).
_PUBLISH_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})")


@dataclass
class StageInput:
    values: dict[str, Any]              # entity values after the submission
    errors: dict[str, list[str]] = field(default_factory=dict)


def _clean_name(raw: Any) -> str | None:
    if raw is None or isinstance(raw, (dict, list)):
        return None
    if isinstance(raw, bool):
        raw = "1" if raw else ""
    text = clean_text(str(raw)).strip()  # the input filter, then the form's trim
    return text or None


def _text(raw: Any) -> str | None:
    """A text field as Symfony submits it: trimmed, and empty means null."""
    if raw is None or isinstance(raw, (dict, list)):
        return None
    if isinstance(raw, bool):
        raw = "1" if raw else ""
    return str(raw).strip() or None


def parse_weight(raw: Any) -> tuple[bool, int]:
    """(ok, value): NumberType scale 0 rounds half away from zero; null -> 0."""
    if raw is None or raw == "":
        return True, 0
    if isinstance(raw, bool):
        return True, int(raw)
    if isinstance(raw, int):
        return True, raw
    if isinstance(raw, float):
        number = Decimal(repr(raw))
    elif isinstance(raw, str) and re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", raw.strip()):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            return False, 0
    else:
        return False, 0
    return True, int(number.to_integral_value(rounding=ROUND_HALF_UP))


def parse_publish_date(raw: Any) -> tuple[bool, str | None]:
    """(ok, db value): 'Y-m-d H:i' and anything after it ignored; ''/null clear."""
    if raw is None or raw == "":
        return True, None
    if not isinstance(raw, str):
        return False, None
    m = _PUBLISH_DATE.match(raw)
    if not m:
        return False, None
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    try:
        moment = datetime(year, month, day, hour, minute)
    except ValueError:
        return False, None
    return True, moment.strftime("%Y-%m-%d %H:%M:00")


def category_id_from(raw: Any) -> int | None:
    """The (int) cast Mautic applies to `category`; 0 means "ignore"."""
    return php_int(raw)


def apply_stage_input(params: dict[str, Any], current: dict[str, Any] | None,
                      clear_missing: bool) -> StageInput:
    """Submit `params` onto `current` (None = new entity with Mautic's defaults)."""
    if current is None:
        values: dict[str, Any] = {"name": None, "description": None, "weight": 0,
                                  "is_published": True, "publish_up": None,
                                  "publish_down": None, "category_id": None}
    else:
        values = dict(current)
    errors: dict[str, list[str]] = {}

    def given(key: str) -> bool:
        return key in params

    # name
    if given("name") or clear_missing:
        raw = params.get("name")
        if isinstance(raw, (dict, list)):
            values["name"] = None
            errors["name"] = [NOT_VALID]
        else:
            values["name"] = _clean_name(raw)
    if values["name"] is None and "name" not in errors:
        errors["name"] = [NAME_REQUIRED]
    # description
    if given("description") or clear_missing:
        values["description"] = _text(params.get("description"))
    # weight
    if given("weight") or clear_missing:
        ok, weight = parse_weight(params.get("weight"))
        if ok:
            values["weight"] = weight
        else:
            errors["weight"] = [NOT_VALID]
    # isPublished: filter_var'd before the form; PUT without it ends up false
    if given("isPublished"):
        raw = params.get("isPublished")
        if isinstance(raw, (dict, list)) and len(raw) == 1:
            raw = list(raw.values())[-1] if isinstance(raw, dict) else raw[-1]
        values["is_published"] = filter_bool(raw)
    elif clear_missing and current is not None:
        values["is_published"] = False
    # publish dates
    for key, column in (("publishUp", "publish_up"), ("publishDown", "publish_down")):
        if given(key) or clear_missing:
            ok, moment = parse_publish_date(params.get(key))
            if ok:
                values[column] = moment
            else:
                errors[key] = [NOT_VALID]
    # category: read as (int) outside the form; null clears; 0 is ignored
    if given("category"):
        raw = params.get("category")
        if raw is None:
            values["category_id"] = None
        else:
            cat = category_id_from(raw)
            if cat != 0:
                values["category_id"] = cat
            elif clear_missing:
                values["category_id"] = None
    elif clear_missing:
        values["category_id"] = None
    return StageInput(values, errors)


def check_storable(values: dict[str, Any]) -> None:
    """What the DB would refuse (Mautic answers those with the generic 500)."""
    if values["name"] is not None and len(values["name"]) > NAME_MAX_CHARS:
        raise server_error()
    if not INT_MIN <= values["weight"] <= INT_MAX:
        raise server_error()


def missing_category(cat_id: int):
    return exception_error(500, f"Category {cat_id} does not exist")
