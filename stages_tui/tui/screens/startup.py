"""Why the app cannot reach Mautic, with `r` to retry.

Shown when the very first request fails: an unreachable server, rejected credentials or
a disabled API end up here as a clear message, never as a traceback. A retry reads the
stage categories; when that works the stage list is shown and reloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, LoadingIndicator, Static

from stages_tui.api import Category, MauticError

from ..errors import error_text, startup_advice
from ..widgets.footer import Footer


class StartupScreen(Screen[None]):
    HELP_TITLE = "Connecting"
    SHOWS_SEARCH_HELP = False
    BINDINGS = [Binding("r", "retry", "Retry", id="reload", tooltip="Try to connect again")]

    @dataclass
    class Connected(Message):
        categories: list[Category]

    @dataclass
    class Failed(Message):
        error: BaseException

    def __init__(self, error: BaseException | None = None) -> None:
        super().__init__()
        self._error = error

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(id="startup"):
            with Vertical(id="startup-box"):
                yield Static(Text(f"Connecting to {self.app.settings.connection_label} …"),
                             id="startup-title")
                yield LoadingIndicator(id="startup-loading")
                yield Static("", id="startup-message")
                yield Static("", id="startup-advice")
                if self.app.settings.is_sandbox:
                    yield Static(Text(self.app.settings.sandbox_notice), id="startup-sandbox")
        yield Footer()

    def on_mount(self) -> None:
        self._failed = False
        if self._error is not None:
            self._show_failure(self._error)
        else:
            self.connect()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self._failed
        return True

    def action_retry(self) -> None:
        self._show_failure(None)
        self.connect()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        try:
            categories = await self.app.client.list_categories(bundle="stage")
        except MauticError as error:
            self.post_message(self.Failed(error))
        except Exception as error:  # a broken transport or config: still a screen, not a crash
            self.post_message(self.Failed(error))
        else:
            self.post_message(self.Connected(categories))

    @on(Connected)
    def _connected(self, message: Connected) -> None:
        self.app.connected(message.categories)

    @on(Failed)
    def _failed_to_connect(self, message: Failed) -> None:
        self._show_failure(message.error)

    def _show_failure(self, error: BaseException | None) -> None:
        self._failed = error is not None
        self.query_one("#startup-loading").display = error is None
        label = self.app.settings.connection_label
        # The kind of failure starts the message line below; the title doesn't repeat it.
        title = f"Cannot connect to {label}" if error else f"Connecting to {label} …"
        self.query_one("#startup-title", Static).update(Text(title))
        self.query_one("#startup-message", Static).update(Text(error_text(error) if error else ""))
        self.query_one("#startup-advice", Static).update(Text(startup_advice(error) if error else ""))
        self.set_class(error is not None, "-failed")
        self.refresh_bindings()
