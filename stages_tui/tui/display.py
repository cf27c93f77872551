"""Turning server data into safe, readable display values.

Server strings are data: control characters and ANSI/OSC escape sequences are removed
here, and callers wrap the result in ``Text``/``Content`` (never markup) before display.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Literal

from rich.text import Text

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte ESC sequences,
# then the remaining C0/C1 controls and bidi overrides that could reorder the screen.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[@-_]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")

DATE_FORMAT = "%Y-%m-%d %H:%M"
NONE = "—"

PublishState = Literal["active", "scheduled", "expired", "unpublished"]


def clean(value: object | None, *, multiline: bool = False) -> str:
    """Server text made safe to show: escapes and control characters removed."""
    if value is None:
        return ""
    text = _CONTROLS.sub("", _ESCAPES.sub("", str(value).replace("\r\n", "\n")))
    if multiline:
        return text.replace("\t", "    ")
    return _WHITESPACE.sub(" ", text).strip()


def literal(value: object | None, *, multiline: bool = False, style: str = "") -> Text:
    """A Rich Text holding server text literally (no markup, no escapes)."""
    return Text(clean(value, multiline=multiline), style=style, no_wrap=not multiline,
                overflow="ellipsis" if not multiline else "fold")


def local_time(value: datetime | None) -> str:
    """A server datetime (UTC) shown in the user's local time zone."""
    if value is None:
        return NONE
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone().strftime(DATE_FORMAT)


def publish_state(is_published: bool, publish_up: datetime | None,
                  publish_down: datetime | None, now: datetime | None = None) -> PublishState:
    """Whether a stage is live right now given its flag and publish window."""
    if not is_published:
        return "unpublished"
    now = now or datetime.now(timezone.utc)
    if publish_up is not None and _aware(publish_up) > now:
        return "scheduled"
    if publish_down is not None and _aware(publish_down) <= now:
        return "expired"
    return "active"


def publish_window(publish_up: datetime | None, publish_down: datetime | None) -> str:
    if publish_up is None and publish_down is None:
        return "always"
    if publish_down is None:
        return f"from {local_time(publish_up)}"
    if publish_up is None:
        return f"until {local_time(publish_down)}"
    return f"{local_time(publish_up)} → {local_time(publish_down)}"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
