"""A yes/no question. Dismisses with True (y / enter on Yes) or False (n / escape)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmModal(ModalScreen[bool]):
    """``message`` may be a Text built from server strings; it is shown as is."""

    HELP_TITLE = "Confirm"
    SHOWS_SEARCH_HELP = False
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
        Binding("f1", "app.help", "Help", id="help"),  # App bindings stop at a modal
    ]

    def __init__(self, title: str, message: Text | str, *, yes: str = "Yes", no: str = "No",
                 danger: bool = False) -> None:
        super().__init__(classes="danger" if danger else "")
        self._title = title
        self._message = message if isinstance(message, Text) else Text(message)
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(self._message, id="confirm-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes} (y)", id="yes",
                             variant="error" if self.has_class("danger") else "primary")
                yield Button(f"{self._no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.has_class("danger") else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
