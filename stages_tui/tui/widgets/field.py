"""A labelled form field with an inline error line under it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Vertical):
    def __init__(self, label: str, control: Widget, *, hint: str = "", field_id: str) -> None:
        super().__init__(id=f"field-{field_id}", classes="field")
        self._label = label
        self._hint = hint
        self.control = control

    def compose(self) -> ComposeResult:
        yield Label(Text(self._label), classes="field-label")
        yield self.control
        if self._hint:
            yield Static(Text(self._hint), classes="field-hint")
        error = Static("", classes="field-error")
        error.display = False
        yield error

    def set_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(Text(message or ""))
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")
        self.control.set_class(bool(message), "-invalid")  # Input styles its own -invalid

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)
