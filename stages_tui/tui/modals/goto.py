"""Ask for a stage id (command palette: Go to stage by id)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class GoToStageModal(ModalScreen[int | None]):
    HELP_TITLE = "Go to stage"
    SHOWS_SEARCH_HELP = False
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="goto-cancel"),
        Binding("f1", "app.help", "Help", id="help"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Go to stage by id", classes="dialog-title")
            yield Input(placeholder="stage id, e.g. 12", type="integer", id="goto-id")
            yield Static("", id="goto-error", classes="field-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text.isdigit() or int(text) < 1:
            self.query_one("#goto-error", Static).update("Type a stage id (a positive number).")
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        self.dismiss(None)
