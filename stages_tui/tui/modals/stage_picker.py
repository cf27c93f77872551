"""Pick a stage: a server-side stage search with a list; enter picks, escape cancels."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from stages_tui.api.errors import MauticError
from stages_tui.api.models import Page, Stage
from stages_tui.tui.display import clean, literal

DEBOUNCE_SECONDS = 0.25
PICKER_LIMIT = 50


def stage_label(stage: Stage, *, current: bool = False) -> Text:
    label = Text.assemble(literal(stage.name), (f"  #{stage.id}", "dim"))
    if not stage.is_published:
        label.append("  unpublished", style="italic dim")
    if current:
        label.append("  (current)", style="italic dim")
    return label


class StagePickerModal(ModalScreen[Stage | None]):
    """Dismisses with the chosen Stage, or None."""

    HELP_TITLE = "Pick a stage"

    DEFAULT_CSS = """
    StagePickerModal { align: center middle; }
    StagePickerModal > #stage-picker {
        width: 70; max-width: 95%; height: 24; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    StagePickerModal #stage-picker-status { height: 1; color: $text-muted; padding: 0 1; }
    StagePickerModal #stage-picker-status.-error { color: $error; }
    StagePickerModal OptionList { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel-stage-picker"),
        # The App's own keys stop at a modal screen: offer its help here too.
        Binding("f1", "app.help", "Help", id="help", show=False, tooltip="Help for this dialog"),
        Binding("down", "focus_list", show=False, id="focus-stage-options"),
    ]

    @dataclass
    class _Results(Message):
        terms: str
        page: Page[Stage] | None
        error: MauticError | None = None

    def __init__(self, title: str = "Pick a stage", *, current_stage_id: int | None = None,
                 client=None) -> None:
        super().__init__()
        self.title_text = title
        self.current_stage_id = current_stage_id
        self._client = client
        self.terms = ""
        self.stages: dict[int, Stage] = {}

    @property
    def client(self):
        return self._client if self._client is not None else self.app.client

    def compose(self) -> ComposeResult:
        with Vertical(id="stage-picker") as box:
            box.border_title = Text(clean(self.title_text))  # literal, not markup
            yield Input(placeholder="Stage name or id (enter picks the highlighted one)", id="stage-picker-input")
            yield Static("", id="stage-picker-status", markup=False)
            yield OptionList(id="stage-picker-options")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search("", debounce=False)

    @on(Input.Changed, "#stage-picker-input")
    def _typed(self, event: Input.Changed) -> None:
        self.terms = event.value.strip()
        self._search(self.terms, debounce=True)

    @work(exclusive=True, group="stage-picker", exit_on_error=False)
    async def _search(self, terms: str, debounce: bool) -> None:
        if debounce:
            await asyncio.sleep(DEBOUNCE_SECONDS)
        search = f"ids:{terms}" if terms.isdigit() else terms
        try:
            page = await self.client.list_stages(search=search, start=0, limit=PICKER_LIMIT, order_by="name")
        except MauticError as error:
            self.post_message(self._Results(terms, None, error))
        else:
            self.post_message(self._Results(terms, page))

    @on(_Results)
    def _show(self, message: _Results) -> None:
        if message.terms != self.terms:
            return  # an older search answered late
        status = self.query_one("#stage-picker-status", Static)
        options = self.query_one(OptionList)
        status.set_class(message.error is not None, "-error")
        if message.error is not None:
            status.update(Text(f"Could not load stages: {message.error.user_message}"))
            return
        assert message.page is not None
        self.stages = {s.id: s for s in message.page.items if s.id is not None}
        options.clear_options()
        options.add_options(
            Option(stage_label(s, current=s.id == self.current_stage_id), id=str(s.id))
            for s in self.stages.values()
        )
        if self.stages:
            options.highlighted = 0
        shown, total = len(self.stages), message.page.total
        text = f"{total} stage(s)" if shown == total else f"showing {shown} of {total}: type to narrow"
        status.update(Text(text if total else "No stage matches."))

    @on(Input.Submitted, "#stage-picker-input")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#stage-picker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        stage = self.stages.get(int(option_id)) if option_id else None
        if stage is not None:
            self.dismiss(stage)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_list":
            return self.query_one(Input).has_focus
        return True

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "stage-picker" and event.state == WorkerState.ERROR:
            status = self.query_one("#stage-picker-status", Static)
            status.add_class("-error")
            error = event.worker.error
            status.update(Text(f"Could not load stages: {type(error).__name__}: {error}"))

    def action_cancel(self) -> None:
        self.dismiss(None)
