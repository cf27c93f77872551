"""The `/` search box with its hint line; enter applies, escape cancels."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from ..search_help import SEARCH_HINT


class SearchBar(Vertical):
    BINDINGS = [Binding("escape", "cancel", "Cancel search", id="cancel-search")]

    @dataclass
    class Applied(Message):
        search_bar: "SearchBar"
        value: str

        @property
        def control(self) -> "SearchBar":
            return self.search_bar

    @dataclass
    class Cancelled(Message):
        search_bar: "SearchBar"

        @property
        def control(self) -> "SearchBar":
            return self.search_bar

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search stages (Mautic syntax)", id="search-input")
        yield Static(Text(SEARCH_HINT), id="search-hint")

    def open(self, value: str) -> None:
        self.display = True
        search = self.query_one(Input)
        search.value = value
        search.cursor_position = len(value)
        search.focus()

    @on(Input.Submitted)
    def _apply(self, event: Input.Submitted) -> None:
        event.stop()
        self.display = False
        self.post_message(self.Applied(self, event.value.strip()))

    def action_cancel(self) -> None:
        self.display = False
        self.post_message(self.Cancelled(self))
