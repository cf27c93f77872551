"""Details of an error the user may want to read in full or copy (c)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..display import clean


class ErrorModal(ModalScreen[None]):
    HELP_TITLE = "Error details"
    SHOWS_SEARCH_HELP = False
    BINDINGS = [
        Binding("escape,enter", "close", "Close", id="close-error"),
        Binding("c", "copy", "Copy", id="copy-error"),
        Binding("f1", "app.help", "Help", id="help"),
    ]

    def __init__(self, title: str, details: str) -> None:
        super().__init__()
        self._title = title
        self._details = clean(details, multiline=True)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog error-dialog"):
            yield Static(Text(self._title), classes="dialog-title")
            with VerticalScroll(id="error-details"):
                yield Static(Text(self._details))
            yield Button("Close (esc)", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._details)
        self.notify("Copied to the clipboard.")
