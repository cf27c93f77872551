"""Pydantic models for what Mautic sends (Stage, Category, Contact, StageChange, Page)
and what we send (StageDraft).

Reading is tolerant where real Mautic varies (see shared/mautic-api.md section 8): ints
that arrive as strings, nulls anywhere, fields missing under ``minimal``, extra keys.
Every ``from_api`` raises only ``BadResponse`` on input it cannot make sense of.
Datetimes are always timezone-aware (Mautic's are UTC; a naive one is taken as UTC).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Annotated, Any, Generic, Mapping, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import BadResponse

__all__ = [
    "Category",
    "Stage",
    "StageDraft",
    "ContactStage",
    "Contact",
    "StageChange",
    "Page",
    "to_wire_datetime",
    "parse_wire_datetime",
    "WEIGHT_MIN",
    "WEIGHT_MAX",
    "NAME_MAX_LENGTH",
]

# Mautic stores weight in a signed 32-bit INT; anything outside is a 500 there.
WEIGHT_MIN = -(2**31)
WEIGHT_MAX = 2**31 - 1
# stages.name is VARCHAR(191) on a utf8mb4 install; longer names are a 500 there.
NAME_MAX_LENGTH = 191

# Mautic's form messages (Symfony 5.4 legacy messages), so local checks read like the server.
MSG_NAME_REQUIRED = "A name is required."
MSG_NOT_VALID = "This value is not valid."
MSG_TOO_LONG = f"This value is too long. It should have {NAME_MAX_LENGTH} characters or less."

# What Mautic's publishUp/publishDown form field parses (pattern "yyyy-MM-dd HH:mm",
# seconds allowed and dropped). ISO with "T" and date-only are rejected by Mautic.
_WIRE_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$")


# ---------------------------------------------------------------------------- datetimes

def _read_datetime(value: Any) -> datetime | None:
    """Mautic's ISO 8601 (``2024-10-24T15:54:35+00:00``) or ``Y-m-d H:i:s``, as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        if value.startswith("0000-00-00"):  # MySQL zero date: "never"
            return None
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a datetime: {value[:40]!r}") from None
    else:
        raise ValueError("datetime must be a string")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise ValueError("datetime out of range") from None


def to_wire_datetime(value: datetime) -> str:
    """A datetime as Mautic's form wants it: ``Y-m-d H:i`` in UTC (naive = already UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)  # OverflowError at the ends of time
    # Not strftime: "%Y" does not zero-pad years below 1000 on every platform.
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def parse_wire_datetime(text: str) -> datetime:
    """Parse ``Y-m-d H:i`` (or ``Y-m-d H:i:s``, seconds dropped as Mautic does) as UTC.

    Raises ValueError for anything Mautic's form would reject.
    """
    match = _WIRE_DATETIME.match(text.strip())
    if not match:
        raise ValueError(MSG_NOT_VALID)
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    try:
        return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)
    except ValueError:
        raise ValueError(MSG_NOT_VALID) from None


def _read_int(value: Any) -> Any:
    """Ints may come as numeric strings (DBAL values); keep bools out of ints."""
    if isinstance(value, bool):
        raise ValueError("boolean where an integer was expected")
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d{1,19}", text):
            return int(text)
        raise ValueError("not an integer")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ValueError("not an integer")
    return value


def _read_optional_int(value: Any) -> Any:
    if value is None or value == "":
        return None
    return _read_int(value)


def _read_bool(value: Any) -> Any:
    """Mautic sends real booleans for isPublished; accept 0/1 and "0"/"1" too."""
    if value in (0, 1, "0", "1") and not isinstance(value, float):
        return bool(int(value))
    return value


def _read_text(value: Any) -> Any:
    """Text that may arrive as a number (field values are loosely typed)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _read_optional_text(value: Any) -> Any:
    if value is None:
        return None
    return _read_text(value)


UtcDatetime = Annotated[datetime | None, BeforeValidator(_read_datetime)]
Int = Annotated[int, BeforeValidator(_read_int)]
OptionalInt = Annotated[int | None, BeforeValidator(_read_optional_int)]
Bool = Annotated[bool, BeforeValidator(_read_bool)]
Text = Annotated[str, BeforeValidator(_read_text)]
OptionalText = Annotated[str | None, BeforeValidator(_read_optional_text)]


class _ApiModel(BaseModel):
    """Read from Mautic's camelCase keys, ignore extra keys, usable by python names too."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=False)

    @classmethod
    def from_api(cls, data: Any):
        """Parse one decoded JSON object; BadResponse if it is not the right shape."""
        if not isinstance(data, Mapping):
            raise BadResponse(f"expected a {cls.__name__} object, got {type(data).__name__}")
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise BadResponse(_describe(cls.__name__, exc)) from None
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            # pydantic wraps ValueError; anything else escaping is still a bad body.
            raise BadResponse(f"unreadable {cls.__name__}: {type(exc).__name__}") from None


def _describe(model: str, exc: ValidationError) -> str:
    """A short text naming the bad fields, without echoing (possibly huge) values."""
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "(object)"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return f"unreadable {model} from Mautic: " + "; ".join(parts)


# ------------------------------------------------------------------------------- models

class Category(_ApiModel):
    """A category (``/api/categories`` item or a stage's nested ``category``)."""

    id: Int
    title: Text = ""
    alias: OptionalText = None
    description: OptionalText = None
    color: OptionalText = None  # hex without "#" usually, stored verbatim by Mautic
    bundle: OptionalText = None


class Stage(_ApiModel):
    """A stage with all 14 properties Mautic 5.x serializes.

    ``id`` is None only in Mautic's single-DELETE answer (the client puts the requested
    id back). ``publish_up``/``publish_down`` are None under ``minimal`` (Mautic omits them).
    """

    id: OptionalInt = None
    name: Text
    description: OptionalText = None
    weight: Annotated[int, BeforeValidator(lambda v: 0 if v is None else _read_int(v))] = 0
    is_published: Bool = Field(False, alias="isPublished")
    category: Category | None = None
    publish_up: UtcDatetime = Field(None, alias="publishUp")
    publish_down: UtcDatetime = Field(None, alias="publishDown")
    date_added: UtcDatetime = Field(None, alias="dateAdded")
    date_modified: UtcDatetime = Field(None, alias="dateModified")
    created_by: OptionalInt = Field(None, alias="createdBy")
    created_by_user: OptionalText = Field(None, alias="createdByUser")
    modified_by: OptionalInt = Field(None, alias="modifiedBy")
    modified_by_user: OptionalText = Field(None, alias="modifiedByUser")


class StageDraft(BaseModel):
    """What we send to create or replace (PUT) a stage.

    Values may be user input not yet checked: ``weight`` as text (``"15"``), publish dates
    as ``Y-m-d H:i`` text or datetimes (naive = UTC). ``problems()`` lists what Mautic would
    reject, with Mautic's messages; the client calls it before sending.
    """

    # Strict: keep values as given (no silent coercion); problems() judges them.
    # defer_build: validators are built on first use, not at import (not needed for the first page).
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    name: str = ""
    weight: int | float | str = 0
    description: str | None = None
    is_published: bool = True
    publish_up: datetime | str | None = None
    publish_down: datetime | str | None = None
    category_id: int | None = None

    @classmethod
    def from_stage(cls, stage: Stage) -> "StageDraft":
        """A draft that recreates ``stage`` (undo after delete; a form's starting values)."""
        return cls(
            name=stage.name,
            weight=stage.weight,
            description=stage.description,
            is_published=stage.is_published,
            publish_up=stage.publish_up,
            publish_down=stage.publish_down,
            category_id=stage.category.id if stage.category else None,
        )

    def problems(self) -> dict[str, list[str]]:
        """Per-field messages (Mautic's field names and wording); empty when sendable."""
        found: dict[str, list[str]] = {}
        name_problem = check_name(self.name)
        if name_problem:
            found["name"] = [name_problem]
        if check_weight(self.weight) is None:
            found["weight"] = [MSG_NOT_VALID]
        for wire, value in (("publishUp", self.publish_up), ("publishDown", self.publish_down)):
            try:
                wire_publish_date(value)
            except (ValueError, OverflowError):
                found[wire] = [MSG_NOT_VALID]
        return found

    def to_wire(self) -> dict[str, Any]:
        """The JSON body for POST new / PUT edit. Call ``problems()`` first.

        Every field is sent (PUT resets what is left out: a missing isPublished becomes
        false), except a missing category, which Mautic clears by omission.
        """
        body: dict[str, Any] = {
            "name": self.name.strip(),
            "weight": check_weight(self.weight),
            "description": self.description,
            "isPublished": self.is_published,
            "publishUp": wire_publish_date(self.publish_up),
            "publishDown": wire_publish_date(self.publish_down),
        }
        if self.category_id is not None:
            body["category"] = self.category_id
        return body


def check_name(value: Any) -> str | None:
    """Mautic's message for a bad stage name, or None if it is fine."""
    if not isinstance(value, str) or not value.strip():
        return MSG_NAME_REQUIRED
    if len(value.strip()) > NAME_MAX_LENGTH:
        return MSG_TOO_LONG
    return None


def check_weight(value: Any) -> int | None:
    """The weight as an int Mautic stores, or None if Mautic would reject it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            return None
        value = int(value)
    elif isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d{1,12}", value.strip()):
            return None
        value = int(value.strip())
    if not isinstance(value, int) or not WEIGHT_MIN <= value <= WEIGHT_MAX:
        return None
    return value


def wire_publish_date(value: datetime | str | None) -> str | None:
    """A publish date in Mautic's input form (``Y-m-d H:i`` UTC), None to clear."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_wire_datetime(value)
    if not value.strip():
        return None
    return to_wire_datetime(parse_wire_datetime(value))


class ContactStage(_ApiModel):
    """The stage as nested in a contact (no publish dates, category reduced to nothing)."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    id: Int
    name: Text = ""
    weight: Annotated[int, BeforeValidator(lambda v: 0 if v is None else _read_int(v))] = 0


class Contact(_ApiModel):
    """The parts of a contact a stage manager needs.

    Names and email come from ``fields.all`` (Mautic's flat alias -> value map), falling
    back to ``fields.core.<alias>.value``.
    """

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    id: Int
    firstname: OptionalText = None
    lastname: OptionalText = None
    email: OptionalText = None
    points: Annotated[int, BeforeValidator(lambda v: 0 if v in (None, "") else _read_int(v))] = 0
    last_active: UtcDatetime = Field(None, alias="lastActive")
    date_added: UtcDatetime = Field(None, alias="dateAdded")
    stage: ContactStage | None = None

    @classmethod
    def from_api(cls, data: Any) -> "Contact":
        if isinstance(data, Mapping):
            data = {**data, **_contact_field_values(data.get("fields"))}
        return super().from_api(data)

    @property
    def display_name(self) -> str:
        """"First Last", else the email, else "#id" (Mautic's anonymous contacts)."""
        full = " ".join(p for p in (self.firstname, self.lastname) if p and p.strip())
        return full or self.email or f"#{self.id}"


def _contact_field_values(fields: Any) -> dict[str, Any]:
    """firstname/lastname/email from ``fields``, only where the top level lacks them."""
    if not isinstance(fields, Mapping):
        return {}
    found: dict[str, Any] = {}
    flat = fields.get("all")
    core = fields.get("core")
    for alias in ("firstname", "lastname", "email"):
        if isinstance(flat, Mapping) and alias in flat:
            found[alias] = flat[alias]
        elif isinstance(core, Mapping) and isinstance(core.get(alias), Mapping):
            found[alias] = core[alias].get("value")
    return found


_EVENT_NAME = re.compile(r"^\s*(\d+)\s*:\s?(.*)$", re.DOTALL)


class StageChange(BaseModel):
    """One row of a contact's stage log (activity event ``stage.changed``)."""

    model_config = ConfigDict(defer_build=True)  # built on first use, not at import

    when: datetime | None
    stage_id: int | None
    stage_name: str
    action: str  # "Manually Added", "Manually Removed", "Stage changed", ...
    log_id: int | None = None
    event_name: str = ""  # Mautic's raw "<id>: <name>" (or "<id>:<name>")

    @classmethod
    def from_api(cls, event: Any) -> "StageChange":
        """Build from one activity event; BadResponse if it is not one."""
        if not isinstance(event, Mapping):
            raise BadResponse("expected an activity event object")
        details = event.get("details")
        if not isinstance(details, Mapping):
            details = event.get("extra")  # older Mautic put the log under "extra"
        log = details.get("log") if isinstance(details, Mapping) else None
        if not isinstance(log, Mapping):
            log = {}
        label = event.get("eventLabel")
        if isinstance(label, Mapping):
            label = label.get("label")
        event_name = log.get("eventName", label)
        if not isinstance(event_name, str):
            event_name = ""
        match = _EVENT_NAME.match(event_name)
        stage_id: Any = match.group(1) if match else log.get("reference")
        stage_name = match.group(2) if match else event_name
        action = log.get("actionName", event.get("eventType"))
        try:
            return cls(
                when=_read_datetime(log.get("dateAdded", event.get("timestamp"))),
                stage_id=_read_optional_int(stage_id),
                stage_name=stage_name,
                action=action if isinstance(action, str) else "",
                log_id=_read_optional_int(log.get("id")),
                event_name=event_name,
            )
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise BadResponse("unreadable stage change event from Mautic") from None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` matching items overall, ``items`` on this page."""

    total: int
    items: list[T]
