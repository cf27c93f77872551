"""The assign dialog: search contacts, select several (across pages and searches), then add
them to this stage or remove them from it, with a bounded number of requests in flight.

Returns (dismiss) the list of MoveReports of the moves done while it was open. Each finished
move also posts ContactsMoved to the App right away, so the screens behind refresh.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from stages_tui.api.models import Contact, Stage
from stages_tui.moves import MoveItem, MoveReport, move_contacts
from stages_tui.tui.display import NONE, clean, literal
from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.widgets.contact_search import ContactSearch

CONCURRENCY = 4


class AssignContactsModal(ModalScreen[list[MoveReport]]):
    """Put contacts into `stage` (ctrl+a) or take them out of it (ctrl+r)."""

    HELP_TITLE = "Assign contacts"
    SHOWS_SEARCH_HELP = False  # the help screen's syntax is the stage search; ours is in the placeholder

    DEFAULT_CSS = """
    AssignContactsModal { align: center middle; }
    AssignContactsModal > #assign-dialog {
        width: 130; max-width: 95%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AssignContactsModal #assign-progress { display: none; height: 1; margin: 0 1; }
    AssignContactsModal #assign-progress-label { width: 1fr; margin-left: 2; color: $text-muted; }
    AssignContactsModal.-moving #assign-progress { display: block; }
    AssignContactsModal #assign-summary-box { display: none; height: auto; max-height: 8; border-top: solid $primary; }
    AssignContactsModal.-summary #assign-summary-box { display: block; }
    AssignContactsModal #assign-summary.-failed { color: $warning; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="close-assign", tooltip="Close the dialog"),
        # Same key and id (one keymap entry): while a move runs, escape stops it instead.
        Binding("escape", "stop_move", "Stop", id="close-assign", tooltip="Stop sending; the requests in flight finish"),
        # The App's own keys stop at a modal screen: offer its help here too.
        Binding("f1", "app.help", "Help", id="help", show=False, tooltip="Help for this dialog"),
        Binding("space", "toggle_select", "Select", id="select-contact", tooltip="Select or unselect the highlighted contact"),
        Binding("ctrl+a", "add_selected", "Add", id="add-selected", priority=True,
                tooltip="Put the selected contacts into this stage"),
        Binding("ctrl+r", "remove_selected", "Remove", id="remove-selected", priority=True,
                tooltip="Take the selected contacts out of this stage (only those really in it)"),
        Binding("ctrl+l", "clear_selection", "Clear selection", id="clear-selection", show=False),
    ]

    @dataclass
    class MoveProgress(Message):
        done: int
        total: int

    @dataclass
    class MoveFinished(Message):
        report: MoveReport

    def __init__(self, stage: Stage, *, client=None, page_size: int = 30) -> None:
        super().__init__()
        self.stage = stage
        self._client = client
        self.page_size = page_size
        self.selected: dict[int, Contact] = {}
        self.reports: list[MoveReport] = []
        self.moving = False
        self._cancel: asyncio.Event | None = None
        self._target_stage_id: int | None = None
        self._close_armed = False  # escape was pressed once with contacts still selected

    @property
    def client(self):
        return self._client if self._client is not None else self.app.client

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-dialog") as dialog:
            dialog.border_title = Text(f"Assign contacts · {clean(self.stage.name)}")  # literal, not markup
            search = ContactSearch(
                self.client, page_size=self.page_size, mark_column=True,
                describe_stage=self._describe_stage, id="assign-search",
            )
            search.marked = self.selected.__contains__
            yield search
            with Horizontal(id="assign-progress"):
                yield ProgressBar(show_eta=False)
                yield Static("", id="assign-progress-label", markup=False)
            with VerticalScroll(id="assign-summary-box"):
                yield Static("", id="assign-summary", markup=False)
            yield Footer()

    def on_mount(self) -> None:
        self._paint_selection()
        self.search.input.focus()

    @property
    def search(self) -> ContactSearch:
        return self.query_one("#assign-search", ContactSearch)

    def _describe_stage(self, contact: Contact) -> Text:
        if contact.stage is None:
            return Text(NONE, style="dim")
        if contact.stage.id == self.stage.id:
            return Text("✓ in this stage", style="bold")
        text = Text.assemble(("moves from ", "italic"), literal(contact.stage.name))
        text.no_wrap, text.overflow = True, "ellipsis"
        return text

    # ------------------------------------------------------------------ selection

    def action_toggle_select(self) -> None:
        contact = self.search.highlighted
        if contact is None or self.moving:
            return
        if contact.id in self.selected:
            del self.selected[contact.id]
        else:
            self.selected[contact.id] = contact
        self.search.repaint_mark(contact.id)
        self.search.table.action_cursor_down()
        self._paint_selection()

    def action_clear_selection(self) -> None:
        ids = list(self.selected)
        self.selected.clear()
        for contact_id in ids:
            self.search.repaint_mark(contact_id)
        self._paint_selection()

    def _paint_selection(self) -> None:
        self._close_armed = False  # the selection changed: escape asks again before dropping it
        count = len(self.selected)
        self.search.set_status_extra(f"{count} selected" if count else "0 selected (↓ then space selects)")

    @on(ContactSearch.Loaded, "#assign-search")
    def _loaded(self, event: ContactSearch.Loaded) -> None:
        # Fresh rows carry the server's stage: keep the selected copies up to date.
        for contact in event.page.items:
            if contact.id in self.selected:
                self.selected[contact.id] = contact

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_selected", "remove_selected", "toggle_select", "clear_selection", "close"):
            return not self.moving
        if action == "stop_move":
            return self.moving
        return True

    # ------------------------------------------------------------------ moving

    def action_add_selected(self) -> None:
        self._start_move(self.stage.id)

    def action_remove_selected(self) -> None:
        self._start_move(None)

    def _start_move(self, target_stage_id: int | None) -> None:
        if self.moving:
            return
        if not self.selected:
            self._show_summary("Nothing selected: highlight a contact and press space to select it.", failed=True)
            return
        self.moving = True
        self._target_stage_id = target_stage_id
        self._cancel = asyncio.Event()
        self.add_class("-moving")
        self.remove_class("-summary")
        self.query_one(ProgressBar).update(total=len(self.selected), progress=0)
        self.query_one("#assign-progress-label", Static).update("checking the contacts' current stages…")
        self.refresh_bindings()
        self._run_move(list(self.selected.values()), target_stage_id, self._cancel)

    @work(exclusive=True, group="contact-move", exit_on_error=False)
    async def _run_move(
        self, contacts: list[Contact], target_stage_id: int | None, cancel: asyncio.Event
    ) -> None:
        report = await move_contacts(
            self.client,
            [MoveItem.from_contact(c) for c in contacts],
            target_stage_id,
            from_stage_id=self.stage.id,
            concurrency=CONCURRENCY,
            on_progress=lambda done, total: self.post_message(self.MoveProgress(done, total)),
            cancel=cancel,
        )
        self.post_message(self.MoveFinished(report))

    @on(MoveProgress)
    def _progress(self, message: MoveProgress) -> None:
        self.query_one(ProgressBar).update(total=max(message.total, 1), progress=message.done)
        verb = "Removing" if self._target_stage_id is None else "Adding"
        self.query_one("#assign-progress-label", Static).update(
            f"{verb} {message.done} of {message.total} · escape stops"
        )

    @on(MoveFinished)
    def _finished(self, message: MoveFinished) -> None:
        report = message.report
        self._end_move()
        self.reports.append(report)
        # Moved and skipped contacts are where the user wanted them; failed and unsent stay
        # selected so the same key retries them.
        for item in [*report.moved, *(p.item for p in report.skipped)]:
            self.selected.pop(item.contact_id, None)
        self._paint_selection()
        lines = [report.headline(clean(self.stage.name)), *report.detail_lines()]
        if self.selected:
            # Say what the leftover selection is for: a deleted contact in it has no row to
            # unselect, and ctrl+l is not in the footer.
            again = self._key_for("add-selected" if report.target_stage_id is not None else "remove-selected")
            lines.append(f"{len(self.selected)} still selected: {again} retries, "
                         f"{self._key_for('clear-selection')} clears the selection")
        self._show_summary("\n".join(lines), failed=not report.ok or bool(report.skipped))
        if report.moved:
            self.app.post_message(
                ContactsMoved(report.moved_ids, report.previous_stage_ids, report.target_stage_id)
            )
        self.search.refresh_results()

    def _key_for(self, binding_id: str) -> str:
        """The key bound to `binding_id` now (the user may have remapped it), as the footer shows it."""
        for key, active in self.active_bindings.items():
            if active.binding.id == binding_id:
                return self.app.get_key_display(Binding(key, active.binding.action))
        return binding_id

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "contact-move" and event.state == WorkerState.ERROR:
            self._end_move()
            self._show_summary(f"The move stopped on an unexpected error: {event.worker.error!r}", failed=True)
            self.search.refresh_results()

    def _end_move(self) -> None:
        self.moving = False
        self._cancel = None
        self.remove_class("-moving")
        self.refresh_bindings()

    def _show_summary(self, text: str, *, failed: bool) -> None:
        summary = self.query_one("#assign-summary", Static)
        summary.update(Text(text))
        summary.set_class(failed, "-failed")
        self.add_class("-summary")

    # ------------------------------------------------------------------ closing

    def action_stop_move(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self._show_summary("Stopping: no new requests are sent; waiting for the ones in flight…", failed=True)

    def action_close(self) -> None:
        if self.moving:  # (the stop binding normally takes escape while moving)
            self.action_stop_move()
            return
        if self.selected and not self._close_armed:
            # Escape clears a search elsewhere in the app: one press must not silently drop a
            # selection gathered over several pages and searches.
            self._close_armed = True
            self._show_summary(
                f"{len(self.selected)} selected, not added or removed yet: escape again closes and drops "
                f"them ({self._key_for('add-selected')} adds them, {self._key_for('remove-selected')} "
                "removes them)", failed=True)
            return
        self.dismiss(self.reports)
