"""A contact's stage history (Mautic's stage.changed activity): when, from, to, how."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from stages_tui.api.errors import MauticError
from stages_tui.api.models import Contact, StageChange
from stages_tui.tui.display import NONE, clean, literal, local_time


@dataclass(frozen=True)
class Transition:
    when: datetime | None
    from_stage: str | None  # None: no stage
    to_stage: str | None
    how: str


def transitions(changes: list[StageChange]) -> list[Transition]:
    """Turn the log (newest first) into from/to steps, newest first.

    The log records only the stage each event names, so "from" is the stage the previous
    event left the contact in. A removal clears whatever stage the contact had (Mautic's
    remove), so its "from" is that stage and its "to" is none.
    """
    steps: list[Transition] = []
    current: str | None = None
    for change in reversed(changes):
        name = change.stage_name or (f"#{change.stage_id}" if change.stage_id else None)
        if "removed" in change.action.lower():
            steps.append(Transition(change.when, current or name, None, change.action))
            current = None
        else:
            steps.append(Transition(change.when, current, name, change.action))
            current = name
    steps.reverse()
    return steps


def _stage_cell(name: str | None) -> Text:
    return literal(name) if name else Text(NONE, style="dim")


class StageHistoryModal(ModalScreen[None]):
    HELP_TITLE = "Stage history"
    SHOWS_SEARCH_HELP = False

    DEFAULT_CSS = """
    StageHistoryModal { align: center middle; }
    StageHistoryModal > #stage-history {
        width: 100; max-width: 95%; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    StageHistoryModal #stage-history-status { height: 1; color: $text-muted; padding: 0 1; }
    StageHistoryModal #stage-history-status.-error { color: $error; }
    StageHistoryModal DataTable { height: auto; max-height: 30; min-height: 3; }
    """

    BINDINGS = [Binding("escape", "close", "Close", id="close-stage-history"),
                Binding("f1", "app.help", "Help", id="help", show=False, tooltip="Help for this dialog")]

    @dataclass
    class _Loaded(Message):
        changes: list[StageChange] | None
        error: MauticError | None = None

    def __init__(self, contact: Contact, *, client=None) -> None:
        super().__init__()
        self.contact = contact
        self._client = client

    @property
    def client(self):
        return self._client if self._client is not None else self.app.client

    def compose(self) -> ComposeResult:
        with Vertical(id="stage-history") as box:
            box.border_title = Text(f"Stage history · {clean(self.contact.display_name)}")  # literal
            yield Static("loading…", id="stage-history-status", markup=False)
            table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, id="stage-history-table")
            table.add_column("When", key="when", width=16)
            table.add_column("From", key="from", width=24)
            table.add_column("To", key="to", width=24)
            table.add_column("How", key="how")
            yield table
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).loading = True
        self._load()

    @work(exclusive=True, group="stage-history", exit_on_error=False)
    async def _load(self) -> None:
        try:
            changes = await self.client.stage_history(self.contact.id)
        except MauticError as error:
            self.post_message(self._Loaded(None, error))
        else:
            self.post_message(self._Loaded(changes))

    @on(_Loaded)
    def _show(self, message: _Loaded) -> None:
        table = self.query_one(DataTable)
        table.loading = False
        status = self.query_one("#stage-history-status", Static)
        status.set_class(message.error is not None, "-error")
        if message.error is not None:
            status.update(Text(f"Could not load the history: {message.error.user_message}"))
            return
        steps = transitions(message.changes or [])
        for step in steps:
            table.add_row(
                Text(local_time(step.when)), _stage_cell(step.from_stage),
                _stage_cell(step.to_stage), literal(step.how),
            )
        now = self.contact.stage.name if self.contact.stage else None
        text = Text(f"{len(steps)} change(s) · now: " if steps else "No stage changes recorded · now: ")
        text.append_text(_stage_cell(now))
        status.update(text)
        table.focus()

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "stage-history" and event.state == WorkerState.ERROR:
            self.query_one(DataTable).loading = False
            status = self.query_one("#stage-history-status", Static)
            status.add_class("-error")
            error = event.worker.error
            status.update(Text(f"Could not load the history: {type(error).__name__}: {error}"))

    def action_close(self) -> None:
        self.dismiss(None)
