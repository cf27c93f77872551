"""The contacts of one stage (paged on the server, `where stage_id = …`), with actions:
x removes the highlighted contact (after confirmation), m moves it to another stage,
enter shows its stage history.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from stages_tui.api.errors import MauticError
from stages_tui.api.models import Contact, Page, Stage
from stages_tui.moves import MoveItem, MoveReport, move_contacts
from stages_tui.tui.display import NONE, clean, literal, local_time
from stages_tui.tui.messages import ContactsMoved
from stages_tui.tui.widgets.rows import cursor_row_id


class StageContacts(Vertical):
    """Mount with a stage (or its id); call `reload()` when its contacts may have changed."""

    DEFAULT_CSS = """
    StageContacts { height: 1fr; border: round $primary 50%; }
    StageContacts:focus-within { border: round $primary; }
    StageContacts > #stage-contacts-status { height: 1; padding: 0 1; color: $text-muted; }
    StageContacts > #stage-contacts-status.-error { color: $error; }
    StageContacts > DataTable { height: 1fr; }
    """

    BINDINGS = [
        Binding("x", "remove_contact", "Remove", id="remove-contact",
                tooltip="Take the highlighted contact out of this stage"),
        Binding("m", "move_contact", "Move", id="move-contact",
                tooltip="Move the highlighted contact to another stage"),
        Binding("]", "next_page", "Next", id="next-contacts-page", show=False),
        Binding("[", "prev_page", "Prev", id="prev-contacts-page", show=False),
    ]

    total: reactive[int] = reactive(0, bindings=True)
    start: reactive[int] = reactive(0, bindings=True)

    @dataclass
    class _Loaded(Message):
        start: int
        page: Page[Contact] | None
        error: MauticError | None = None

    @dataclass
    class _Moved(Message):
        report: MoveReport
        target_name: str | None

    def __init__(self, stage: Stage | int, *, client=None, page_size: int = 30,
                 id: str | None = "stage-contacts") -> None:
        super().__init__(id=id)
        self.stage_id = stage if isinstance(stage, int) else int(stage.id)
        self.stage_name = None if isinstance(stage, int) else stage.name
        self._client = client
        self.page_size = page_size
        self.contacts: dict[int, Contact] = {}
        self._widths: tuple[int, int] = (0, 0)
        self._focus_when_loaded = False

    @property
    def client(self):
        return self._client if self._client is not None else self.app.client

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True, id="stage-contacts-table")
        yield Static("", id="stage-contacts-status", markup=False)

    def on_mount(self) -> None:
        self.border_title = "Contacts"
        self._add_columns(self.size.width or 100)
        self.reload()

    def on_resize(self, event) -> None:
        if self._column_widths(event.size.width) != self._widths:
            self._add_columns(event.size.width)
            self._paint_rows(list(self.contacts.values()))

    @staticmethod
    def _column_widths(width: int) -> tuple[int, int]:
        """Name and email share what points and last active leave (email gets more)."""
        room = max(40, width - 6 - 16 - 2 * 4 - 4)
        name = room * 42 // 100
        return name, room - name

    def _add_columns(self, width: int) -> None:
        table = self.table
        table.clear(columns=True)
        self._widths = self._column_widths(width)
        table.add_column("Name", key="name", width=self._widths[0])
        table.add_column("Email", key="email", width=self._widths[1])
        table.add_column("Points", key="points", width=6)
        table.add_column("Last active", key="last_active", width=16)

    @property
    def table(self) -> DataTable:
        return self.query_one("#stage-contacts-table", DataTable)

    def set_stage(self, stage: Stage) -> None:
        """The stage was renamed or otherwise saved: keep its name for messages."""
        self.stage_name = stage.name

    # ------------------------------------------------------------------ loading

    def focus_table(self) -> None:
        """Give the table the focus, now or (while it is loading, when it can't have it) once loaded."""
        if self.table.loading:
            self._focus_when_loaded = True
        else:
            self.table.focus()

    def reload(self) -> None:
        # A loading widget can't keep the focus (Textual moves it on): take it back after.
        self._focus_when_loaded = self._focus_when_loaded or self.table.has_focus
        self.table.loading = True
        self._load(self.start)

    def _loading_done(self) -> None:
        self.table.loading = False
        if self._focus_when_loaded:
            self._focus_when_loaded = False
            self.table.focus()

    @work(exclusive=True, group="stage-contacts", exit_on_error=False)
    async def _load(self, start: int) -> None:
        try:
            page = await self.client.list_contacts(stage_id=self.stage_id, start=start, limit=self.page_size)
        except MauticError as error:
            self.post_message(self._Loaded(start, None, error))
        else:
            self.post_message(self._Loaded(start, page))

    @on(_Loaded)
    def _show(self, message: _Loaded) -> None:
        message.stop()
        if message.start != self.start:
            return  # the user paged on meanwhile
        table = self.table
        self._loading_done()
        status = self.query_one("#stage-contacts-status", Static)
        status.set_class(message.error is not None, "-error")
        if message.error is not None:
            status.update(Text(f"Could not load contacts: {message.error.user_message} (r retries)"))
            return
        assert message.page is not None
        if not message.page.items and self.start > 0 and message.page.total > 0:
            # the last page emptied (contacts moved away): step back
            self.start = max(0, (message.page.total - 1) // self.page_size * self.page_size)
            self.reload()
            return
        self.total = message.page.total
        self._paint_rows(message.page.items)
        pages = max(1, -(-self.total // self.page_size))
        self.border_title = f"Contacts · {self.total:,}"
        hint = "x remove · m move · enter history"
        if pages > 1:
            hint = f"page {self.start // self.page_size + 1}/{pages} ([ ]) · " + hint
        status.update(Text(hint if self.total else "No contacts in this stage. Press a to assign some."))

    def _paint_rows(self, contacts: list[Contact]) -> None:
        table = self.table
        keep = self.highlighted_id
        table.clear()
        self.contacts = {c.id: c for c in contacts}
        for contact in contacts:
            table.add_row(
                literal(contact.display_name),
                literal(contact.email) if contact.email else Text(NONE, style="dim"),
                Text(str(contact.points), justify="right"),
                Text(local_time(contact.last_active)),
                key=str(contact.id),
            )
        if keep in self.contacts:
            table.move_cursor(row=table.get_row_index(str(keep)))

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.state != WorkerState.ERROR or not event.worker.group.startswith("stage-contacts"):
            return
        # Not a MauticError (those are reported above): still say so, never fail silently.
        self._loading_done()
        status = self.query_one("#stage-contacts-status", Static)
        status.add_class("-error")
        error = event.worker.error
        status.update(Text(f"Contacts: unexpected error: {type(error).__name__}: {error}"))
        if event.worker.group == "stage-contacts-move":
            self.reload()

    # ------------------------------------------------------------------ helpers

    @property
    def highlighted_id(self) -> int | None:
        return cursor_row_id(self.table)

    @property
    def highlighted(self) -> Contact | None:
        contact_id = self.highlighted_id
        return None if contact_id is None else self.contacts.get(contact_id)

    def _stage_text(self) -> Text:
        name = self.stage_name
        if name is None:
            # Mounted with an id only: the detail screen's loaded stage knows the name.
            shown = getattr(self.screen, "stage", None)
            if isinstance(shown, Stage) and shown.id == self.stage_id:
                name = shown.name
        return literal(name) if name else Text(f"stage #{self.stage_id}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("remove_contact", "move_contact"):
            return self.highlighted is not None
        if action == "next_page":
            return self.start + self.page_size < self.total or None
        if action == "prev_page":
            return self.start > 0 or None
        return True

    def action_next_page(self) -> None:
        if self.start + self.page_size < self.total:
            self.start += self.page_size
            self.reload()

    def action_prev_page(self) -> None:
        if self.start > 0:
            self.start = max(0, self.start - self.page_size)
            self.reload()

    # ------------------------------------------------------------------ actions

    def action_remove_contact(self) -> None:
        from stages_tui.tui.modals.confirm import ConfirmModal

        contact = self.highlighted
        if contact is None:
            return
        question = Text.assemble("Remove ", literal(contact.display_name), " from ", self._stage_text(), "?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._move(contact, None, None)

        self.app.push_screen(ConfirmModal("Remove contact from stage", question, yes="Remove"), answered)

    def action_move_contact(self) -> None:
        from stages_tui.tui.modals.stage_picker import StagePickerModal

        contact = self.highlighted
        if contact is None:
            return

        def picked(stage: Stage | None) -> None:
            if stage is not None and stage.id is not None:
                self._move(contact, int(stage.id), stage.name)

        title = f"Move {clean(contact.display_name)} to…"
        self.app.push_screen(StagePickerModal(title, current_stage_id=self.stage_id, client=self._client), picked)

    @on(DataTable.RowSelected, "#stage-contacts-table")
    def _open_history(self, event: DataTable.RowSelected) -> None:
        from stages_tui.tui.modals.stage_history import StageHistoryModal

        event.stop()
        contact = self.contacts.get(int(event.row_key.value))
        if contact is not None:
            self.app.push_screen(StageHistoryModal(contact, client=self._client))

    @work(group="stage-contacts-move", exit_on_error=False)
    async def _move(self, contact: Contact, target_stage_id: int | None, target_name: str | None) -> None:
        report = await move_contacts(
            self.client, [MoveItem.from_contact(contact)], target_stage_id,
            from_stage_id=self.stage_id, concurrency=1,
        )
        self.post_message(self._Moved(report, target_name))

    @on(_Moved)
    def _moved(self, message: _Moved) -> None:
        message.stop()
        report = message.report
        problems = report.failed or report.skipped
        if problems:
            item = problems[0]
            self.app.notify(f"{clean(item.item.label)}: {clean(item.reason)}", title="Not moved",
                            severity="error" if report.failed else "warning", markup=False)
        elif report.not_sent:  # stopped before its request (e.g. Mautic unreachable): say why
            self.app.notify(f"{clean(report.not_sent[0].label)}: {clean(report.aborted or 'not sent')}",
                            title="Not moved", severity="error", markup=False)
        elif report.moved:
            who = clean(report.moved[0].label)
            if report.target_stage_id is None:
                text, title = f"{who} is in no stage now", "Removed from stage"
            else:
                text, title = f"{who} is in {clean(message.target_name)} now", "Moved"
            self.app.notify(text, title=title, markup=False)
        if report.moved:
            self.app.post_message(
                ContactsMoved(report.moved_ids, report.previous_stage_ids, report.target_stage_id)
            )
        self.reload()
