"""The stage changed on the server while the form was open: overwrite, reload or keep editing."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

ConflictChoice = Literal["overwrite", "reload", "keep"]


class ConflictModal(ModalScreen[ConflictChoice]):
    HELP_TITLE = "Changed on the server"
    SHOWS_SEARCH_HELP = False
    BINDINGS = [
        Binding("o", "choose('overwrite')", "Overwrite", id="conflict-overwrite"),
        Binding("r", "choose('reload')", "Reload", id="conflict-reload"),
        Binding("k,escape", "choose('keep')", "Keep editing", id="conflict-keep"),
        Binding("f1", "app.help", "Help", id="help"),
    ]

    def __init__(self, message: Text) -> None:
        super().__init__()
        self._message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text("Changed on the server"), classes="dialog-title")
            yield Static(self._message, id="conflict-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Overwrite (o)", id="overwrite", variant="error")
                yield Button("Reload theirs (r)", id="reload")
                yield Button("Keep editing (k)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_choose(self, choice: ConflictChoice) -> None:
        self.dismiss(choice)
