"""The stage form's values: parsing what the user typed, and working out what changed.

No Textual here: the form screen reads raw strings, this module turns them into values
(or per-field errors) and into the wire dictionaries Mautic expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime, timezone

from stages_tui.api import Stage, StageDraft
from stages_tui.api.models import NAME_MAX_LENGTH

from .display import DATE_FORMAT, clean

INT32 = (-(2**31), 2**31 - 1)
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")

# Form field id -> Mautic wire name, in the order the form shows them (first bad field
# gets the focus). Server 400 details are keyed by the wire names.
WIRE_NAMES: dict[str, str] = {
    "name": "name",
    "weight": "weight",
    "description": "description",
    "is_published": "isPublished",
    "category_id": "category",
    "publish_up": "publishUp",
    "publish_down": "publishDown",
}
FIELD_FOR_WIRE = {wire: field for field, wire in WIRE_NAMES.items()}
LABELS = {
    "name": "name",
    "weight": "weight",
    "description": "description",
    "is_published": "published",
    "category_id": "category",
    "publish_up": "publish up",
    "publish_down": "publish down",
}


@dataclass(frozen=True)
class RawForm:
    """Exactly what is in the form's widgets."""

    name: str = ""
    weight: str = "0"
    description: str = ""
    is_published: bool = True
    category_id: int | None = None
    publish_up: str = ""
    publish_down: str = ""


@dataclass(frozen=True)
class StageValues:
    """Validated values, comparable with a stage's."""

    name: str
    weight: int
    description: str | None
    is_published: bool
    category_id: int | None
    publish_up: datetime | None
    publish_down: datetime | None

    def changes(self, names: list[str]) -> dict[str, object]:
        """The named values as ``MauticClient.edit_stage`` takes them (python names)."""
        return {("category" if name == "category_id" else name): getattr(self, name)
                for name in names}

    def draft(self) -> StageDraft:
        """Every value, for create (POST) or replace (PUT)."""
        return StageDraft(
            name=self.name, weight=self.weight, description=self.description,
            is_published=self.is_published, category_id=self.category_id,
            publish_up=self.publish_up, publish_down=self.publish_down,
        )


def format_local(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone().strftime(DATE_FORMAT)


def parse_local(text: str) -> datetime | None:
    """`YYYY-MM-DD HH:MM` in local time -> aware UTC datetime; empty -> None."""
    text = text.strip()
    if not text:
        return None
    if not _DATE_SHAPE.match(text):
        raise ValueError("Use YYYY-MM-DD HH:MM (local time), or leave empty.")
    try:
        naive = datetime.strptime(text, DATE_FORMAT)
    except ValueError:
        raise ValueError("Not a real date or time; use YYYY-MM-DD HH:MM.") from None
    return naive.astimezone().astimezone(timezone.utc)


def raw_from_stage(stage: Stage | None) -> RawForm:
    if stage is None:
        return RawForm()
    return RawForm(
        # Shown in inputs, so cleaned like any server text (no escapes reach the terminal).
        name=clean(stage.name),
        weight=str(stage.weight or 0),
        description=clean(stage.description, multiline=True),
        is_published=bool(stage.is_published),
        category_id=stage.category.id if stage.category else None,
        publish_up=format_local(stage.publish_up),
        publish_down=format_local(stage.publish_down),
    )


def values_from_stage(stage: Stage) -> StageValues:
    """A stage's current values, at the form's precision (minutes, local input)."""
    values, errors = parse(raw_from_stage(stage))
    if values is None:  # a server value the form cannot show (e.g. an empty name)
        return StageValues(
            name=stage.name or "", weight=int(stage.weight or 0),
            description=stage.description or None, is_published=bool(stage.is_published),
            category_id=stage.category.id if stage.category else None,
            publish_up=_minute(stage.publish_up), publish_down=_minute(stage.publish_down),
        )
    return values


def parse(raw: RawForm) -> tuple[StageValues | None, dict[str, str]]:
    """Validate the raw form. Returns (values, {}) or (None, {field: message})."""
    errors: dict[str, str] = {}
    name = raw.name.strip()
    if not name:
        errors["name"] = "A name is required."
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"At most {NAME_MAX_LENGTH} characters (this has {len(name)})."
    weight = 0
    weight_text = raw.weight.strip()
    if weight_text:
        try:
            weight = int(weight_text)
        except ValueError:
            errors["weight"] = "Weight must be a whole number, like 10 or -5."
        else:
            if not INT32[0] <= weight <= INT32[1]:
                errors["weight"] = f"Weight must be between {INT32[0]} and {INT32[1]}."
    dates: dict[str, datetime | None] = {}
    for field in ("publish_up", "publish_down"):
        try:
            dates[field] = parse_local(getattr(raw, field))
        except ValueError as error:
            errors[field] = str(error)
    up, down = dates.get("publish_up"), dates.get("publish_down")
    if up is not None and down is not None and down <= up:
        errors["publish_down"] = "Must be after publish up (else the stage is never active)."
    if errors:
        return None, errors
    return StageValues(
        name=name,
        weight=weight,
        description=raw.description if raw.description.strip() else None,
        is_published=raw.is_published,
        category_id=raw.category_id,
        publish_up=dates["publish_up"],
        publish_down=dates["publish_down"],
    ), {}


def changed_fields(before: StageValues, after: StageValues) -> list[str]:
    return [f.name for f in fields(StageValues) if getattr(before, f.name) != getattr(after, f.name)]


def cleared_by_replace(before: StageValues, after: StageValues) -> list[str]:
    """Fields a PUT with ``after`` would clear that hold a value on the server now."""
    cleared = []
    for name in ("description", "category_id", "publish_up", "publish_down"):
        if getattr(before, name) is not None and getattr(after, name) is None:
            cleared.append(LABELS[name])
    if before.weight != 0 and after.weight == 0:
        cleared.append("weight (to 0)")
    return cleared


def first_field(errors: dict[str, str]) -> str | None:
    for name in WIRE_NAMES:
        if name in errors:
            return name
    return next(iter(errors), None)


def _minute(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(second=0, microsecond=0)
