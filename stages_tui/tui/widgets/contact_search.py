"""A server-side contact search: search box, one page of results, total and paging.

Used by the assign dialog (with a selection mark column) and the contact picker of the
quick move. Typing is debounced: an exclusive worker sleeps first, so a burst of keys sends
one request; results that arrive for an older query are dropped before painting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Input, Static

from stages_tui.api.errors import MauticError
from stages_tui.api.models import Contact, Page
from stages_tui.tui.display import NONE, literal
from stages_tui.tui.widgets.rows import cursor_row_id

DEBOUNCE_SECONDS = 0.25
PLACEHOLDER = "Search contacts: words, email:, name:, ids:1,2, stage:  (enter: search now)"

StageDescriber = Callable[[Contact], Text]


def plain_stage(contact: Contact) -> Text:
    return literal(contact.stage.name) if contact.stage else Text(NONE, style="dim")


class ContactSearch(Vertical):
    """Search box + results table (row key = contact id) + status line."""

    DEFAULT_CSS = """
    ContactSearch { height: 1fr; }
    ContactSearch > #contact-search-input { margin-bottom: 0; }
    ContactSearch > #contact-search-status { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    ContactSearch > #contact-search-status.-error { color: $error; }
    ContactSearch > DataTable { height: 1fr; }
    """

    BINDINGS = [
        # pgdn/pgup work from the search box too (priority); ]/[ as on the stage list.
        Binding("pagedown", "next_page", "Next page", id="next-results-page", priority=True,
                tooltip="Next page of results"),
        Binding("pageup", "prev_page", "Prev page", id="prev-results-page", priority=True,
                tooltip="Previous page of results"),
        Binding("]", "next_page", "Next page", id="next-results-page-alt", show=False),
        Binding("[", "prev_page", "Prev page", id="prev-results-page-alt", show=False),
        Binding("/", "focus_search", "Search", id="focus-contact-search", show=False),
        Binding("down", "focus_results", "Results", id="focus-contact-results",
                tooltip="Go to the results (then space selects)"),
    ]

    total: reactive[int] = reactive(0, bindings=True)
    start: reactive[int] = reactive(0, bindings=True)

    @dataclass
    class Loaded(Message):
        """A page of results was painted."""

        search: "ContactSearch"
        page: Page[Contact]

        @property
        def control(self) -> "ContactSearch":
            return self.search

    @dataclass
    class Picked(Message):
        """enter on a result row."""

        search: "ContactSearch"
        contact: Contact

        @property
        def control(self) -> "ContactSearch":
            return self.search

    @dataclass
    class _Results(Message):
        query: str
        start: int
        page: Page[Contact] | None
        error: MauticError | None = None

    def __init__(
        self,
        client,
        *,
        page_size: int = 30,
        mark_column: bool = False,
        describe_stage: StageDescriber = plain_stage,
        initial_query: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.client = client
        self.page_size = page_size
        self.mark_column = mark_column
        self.describe_stage = describe_stage
        self.terms = initial_query
        self.contacts: dict[int, Contact] = {}  # the current page, by id
        self.marked: Callable[[int], bool] = lambda _id: False
        self.status_extra = ""
        self._state = "idle"  # idle | searching | error
        self._error_text = ""
        self._widths: tuple[int, int, int] = (0, 0, 0)

    def compose(self) -> ComposeResult:
        yield Input(self.terms, placeholder=PLACEHOLDER, id="contact-search-input")
        yield Static("", id="contact-search-status", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True, id="contact-results")

    def on_mount(self) -> None:
        self._add_columns(self.size.width or 100)
        self.run_search(debounce=False)

    def on_resize(self, event) -> None:
        if self._column_widths(event.size.width) != self._widths:
            self._add_columns(event.size.width)
            self._paint_rows(list(self.contacts.values()))

    def _column_widths(self, width: int) -> tuple[int, int, int]:
        """Name / email / stage widths sharing the space (email gets the most)."""
        columns = 4 if self.mark_column else 3
        room = max(48, width - 2 * columns - 3 - (1 if self.mark_column else 0))
        name = room * 30 // 100
        email = room * 42 // 100
        return name, email, room - name - email

    def _add_columns(self, width: int) -> None:
        table = self.table
        table.clear(columns=True)
        self._widths = self._column_widths(width)
        name, email, stage = self._widths
        if self.mark_column:
            table.add_column(" ", key="mark", width=1)
        table.add_column("Name", key="name", width=name)
        table.add_column("Email", key="email", width=email)
        table.add_column("Stage", key="stage", width=stage)

    # ------------------------------------------------------------------ querying

    @property
    def table(self) -> DataTable:
        return self.query_one("#contact-results", DataTable)

    @property
    def input(self) -> Input:
        return self.query_one("#contact-search-input", Input)

    @on(Input.Changed, "#contact-search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value.strip() == self.terms:
            return
        self.terms = event.value.strip()
        self.start = 0
        self.run_search(debounce=True)

    @on(Input.Submitted, "#contact-search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        terms = event.value.strip()
        if not (self._state == "error" and terms == self.terms):
            self.start = 0  # (after a failure, the same terms retry the page that failed)
        self.terms = terms
        self.run_search(debounce=False)
        self.table.focus()

    def refresh_results(self) -> None:
        """Re-read the current page (after a move, so rows show the new state)."""
        self.run_search(debounce=False)

    def run_search(self, *, debounce: bool) -> None:
        self._state = "searching"
        self._paint_status()
        self._search(self.terms, self.start, debounce)

    @work(exclusive=True, group="contact-search", exit_on_error=False)
    async def _search(self, query: str, start: int, debounce: bool) -> None:
        if debounce:
            await asyncio.sleep(DEBOUNCE_SECONDS)  # a newer keystroke cancels this worker
        try:
            page = await self.client.list_contacts(search=query, start=start, limit=self.page_size)
        except MauticError as error:
            self.post_message(self._Results(query, start, None, error))
        else:
            self.post_message(self._Results(query, start, page))

    @on(_Results)
    def _show_results(self, message: _Results) -> None:
        message.stop()
        if (message.query, message.start) != (self.terms, self.start):
            return  # an older query answered late
        if message.error is not None:
            self._fail(f"Search failed: {message.error.user_message}")
            return
        assert message.page is not None
        if not message.page.items and self.start > 0 and message.page.total > 0:
            # The matches shrank below this page (contacts moved away): show the last page.
            self.start = (message.page.total - 1) // self.page_size * self.page_size
            self.run_search(debounce=False)
            return
        self._state = "idle"
        self.total = message.page.total
        self._paint_rows(message.page.items)
        self._paint_status()
        self.refresh_bindings()
        self.post_message(self.Loaded(self, message.page))

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "contact-search" and event.state == WorkerState.ERROR:
            # Not a MauticError: still say so where the user is looking.
            self._fail(f"Search failed: {type(event.worker.error).__name__}: {event.worker.error}")

    def _fail(self, text: str) -> None:
        """Say why, and put the user back in the search box, where enter retries (the
        results table enter jumped to has nothing new to offer)."""
        self._state = "error"
        self._error_text = f"{text} · enter retries"
        self._paint_status()
        self.input.focus()

    # ------------------------------------------------------------------ painting

    def _paint_rows(self, contacts: list[Contact]) -> None:
        table = self.table
        keep = self.highlighted_id
        table.clear()
        self.contacts = {c.id: c for c in contacts}
        for contact in contacts:
            cells = [
                literal(contact.display_name),
                literal(contact.email) if contact.email else Text(NONE, style="dim"),
                self.describe_stage(contact),
            ]
            if self.mark_column:
                cells.insert(0, self._mark(contact.id))
            table.add_row(*cells, key=str(contact.id))
        if keep is not None and keep in self.contacts:
            table.move_cursor(row=table.get_row_index(str(keep)))

    def _mark(self, contact_id: int) -> Text:
        return Text("●", style="bold") if self.marked(contact_id) else Text(" ")

    def repaint_mark(self, contact_id: int) -> None:
        if self.mark_column and contact_id in self.contacts:
            self.table.update_cell(str(contact_id), "mark", self._mark(contact_id))

    def repaint_stages(self) -> None:
        for contact_id, contact in self.contacts.items():
            self.table.update_cell(str(contact_id), "stage", self.describe_stage(contact))

    def _paint_status(self) -> None:
        status = self.query_one("#contact-search-status", Static)
        status.set_class(self._state == "error", "-error")
        if self._state == "error":
            text = self._error_text
        else:
            pages = max(1, -(-self.total // self.page_size))
            page = self.start // self.page_size + 1
            text = f"{self.total:,} found · page {page}/{pages}"
            if self._state == "searching":
                text = "searching… · " + text
        if self.status_extra:
            text += " · " + self.status_extra
        status.update(Text(text))

    def set_status_extra(self, text: str) -> None:
        self.status_extra = text
        self._paint_status()

    # ------------------------------------------------------------------ navigation

    @property
    def highlighted_id(self) -> int | None:
        return cursor_row_id(self.table)

    @property
    def highlighted(self) -> Contact | None:
        contact_id = self.highlighted_id
        return None if contact_id is None else self.contacts.get(contact_id)

    @on(DataTable.RowSelected, "#contact-results")
    def _picked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        contact = self.contacts.get(int(event.row_key.value))
        if contact is not None:
            self.post_message(self.Picked(self, contact))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return self.start + self.page_size < self.total or None
        if action == "prev_page":
            return self.start > 0 or None
        if action == "focus_results":
            return self.input.has_focus and self.table.row_count > 0
        return True

    def action_next_page(self) -> None:
        if self.start + self.page_size < self.total:
            self.start += self.page_size
            self.run_search(debounce=False)

    def action_prev_page(self) -> None:
        if self.start > 0:
            self.start = max(0, self.start - self.page_size)
            self.run_search(debounce=False)

    def action_focus_search(self) -> None:
        self.input.focus()

    def action_focus_results(self) -> None:
        self.table.focus()
