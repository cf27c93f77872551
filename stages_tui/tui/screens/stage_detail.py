"""One stage, every property labelled and readable, with its contacts underneath."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from stages_tui.api import MauticError, NotFound, Stage

from ..display import NONE, clean, literal, local_time, publish_state
from ..errors import error_text
from ..messages import ContactsMoved, StageDeleted, StageSaved
from ..widgets.footer import Footer
from ..widgets.stage_contacts import StageContacts
from .observer import StageObserver
from .stage_actions import NEEDS_STAGE, STAGE_BINDINGS, StageActions

# Publish state -> theme variable for its colour (resolved against the current theme).
STATE_COLOUR = {"active": "success", "scheduled": "warning", "expired": "error"}


def _who(name: str | None, user_id: int | None) -> Text:
    if not name and user_id is None:
        return Text(NONE)
    text = literal(name or "unknown")
    if user_id is not None:
        text.append(f"  (user id {user_id})", style="dim")
    return text


def _modified(stage: Stage) -> Text:
    if stage.date_modified:
        return Text(local_time(stage.date_modified))
    if stage.modified_by is None and not stage.modified_by_user:
        return Text("never")
    # Mautic stamps modifiedBy but not dateModified on weight-only or category-only edits.
    return Text("not recorded (Mautic does not date weight or category edits)", style="dim")


def state_text(stage: Stage, now: datetime | None = None,
               colours: dict[str, str] | None = None) -> Text:
    state = publish_state(stage.is_published, stage.publish_up, stage.publish_down, now)
    why = {
        "active": "published and inside its publish window",
        "scheduled": f"published, starts {local_time(stage.publish_up)}",
        "expired": f"published, ended {local_time(stage.publish_down)}",
        "unpublished": "the published switch is off",
    }[state]
    colour = (colours or {}).get(STATE_COLOUR.get(state, ""), "")
    if not colour.startswith("#") or len(colour) != 7:
        colour = "dim"  # unpublished, or a colour Rich cannot take (with alpha)
    return Text.assemble((state, f"bold {colour}"), ("  " + why, "dim"))


def properties_table(stage: Stage, now: datetime | None = None,
                     colours: dict[str, str] | None = None) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True, width=14)
    table.add_column(ratio=1, overflow="fold")
    category = stage.category
    rows: list[tuple[str, Text]] = [
        ("ID", Text(str(stage.id))),
        ("Name", Text(clean(stage.name), overflow="fold")),
        ("Status now", state_text(stage, now, colours)),
        ("Published", Text("yes" if stage.is_published else "no")),
        ("Publish up", Text(local_time(stage.publish_up) if stage.publish_up else "— (no start)")),
        ("Publish down",
         Text(local_time(stage.publish_down) if stage.publish_down else "— (no end)")),
        ("Category", Text.assemble(literal(category.title, multiline=True),
                                   (f"  (alias {clean(category.alias)}, id {category.id})", "dim"))
         if category else Text("none", style="dim")),
        ("Weight", Text(str(stage.weight))),
        ("Description", literal(stage.description, multiline=True) if stage.description
         else Text(NONE, style="dim")),
        ("Date added", Text(local_time(stage.date_added))),
        ("Created by", _who(stage.created_by_user, stage.created_by)),
        ("Date modified", _modified(stage)),
        ("Modified by", _who(stage.modified_by_user, stage.modified_by)),
    ]
    for label, value in rows:
        table.add_row(label, value)
    return table


def _timezone_note() -> str:
    now = datetime.now().astimezone()
    return f"times in local time ({now.strftime('%Z') or now.strftime('UTC%z')})"


class StageDetailScreen(StageActions, StageObserver, Screen[None]):
    HELP_TITLE = "Stage detail"
    SHOWS_SEARCH_HELP = False
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        *STAGE_BINDINGS,
        Binding("r", "reload", "Reload", id="reload"),
    ]

    @dataclass
    class Loaded(Message):
        stage: Stage

    @dataclass
    class Failed(Message):
        error: BaseException

    def __init__(self, stage: Stage | int) -> None:
        super().__init__()
        self.stage_id = stage if isinstance(stage, int) else stage.id
        self.stage: Stage | None = None if isinstance(stage, int) else stage
        self.deleted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static("", id="detail-title")
            # Above the properties: on a small terminal they fill the pane, and "does not
            # exist" under them was never seen (the stale properties looked alive).
            yield Static("", id="detail-message")
            yield Static("", id="detail-props")
        yield StageContacts(self.stage if self.stage is not None else self.stage_id,
                            page_size=self.app.settings.page_size, id="stage-contacts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-message").display = False
        # The contacts panel, not the properties pane, starts with the focus: its keys (x, m,
        # enter, [ ]) are the ones it advertises; tab still reaches the properties to scroll them.
        self._contacts().focus_table()
        if self.stage is not None:
            self._render_stage()
        else:
            self.query_one("#detail").loading = True
        self._fetch()

    def current_stage(self) -> Stage | None:
        return None if self.deleted else self.stage

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NEEDS_STAGE:
            return self.current_stage() is not None or None
        return True

    @work(exclusive=True, group="stage-detail", exit_on_error=False)
    async def _fetch(self) -> None:
        try:
            stage = await self.app.client.get_stage(self.stage_id)
        except Exception as error:  # noqa: BLE001 — shown on this screen
            self.post_message(self.Failed(error))
        else:
            self.post_message(self.Loaded(stage))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.query_one("#detail").loading = False
        self._show_stage(message.stage)

    def _show_stage(self, stage: Stage) -> None:
        """The stage as the server has it now (loaded, or saved by any screen)."""
        self.stage = stage
        self.deleted = False
        self._show_message(None)
        self._render_stage()
        self._contacts().display = True
        self._contacts().set_stage(stage)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#detail").loading = False
        if isinstance(message.error, NotFound):
            self.deleted = True
            self._show_message(Text(f"Stage #{self.stage_id} does not exist on the server "
                                    "(deleted?). Press escape to go back."))
            # its contacts panel would offer "press a to assign some" to a stage that is gone
            self._contacts().display = False
            if self.stage is not None:  # the list still shows it: tell the screens (no undo: not ours)
                self.app.post_message(StageDeleted(self.stage_id, self.stage, undoable=False))
        elif isinstance(message.error, MauticError) or self.stage is None:
            self._show_message(Text.assemble("Could not load the stage: ",
                                             error_text(message.error), "\nPress r to retry."))
        self.refresh_bindings()

    def _show_message(self, text: Text | None) -> None:
        widget = self.query_one("#detail-message", Static)
        widget.display = text is not None
        widget.update(text or "")

    def _render_stage(self) -> None:
        stage = self.stage
        if stage is None:
            return
        title = Text.assemble(("Stage ", "bold"), (f"#{stage.id} ", "bold"),
                              Text(clean(stage.name)[:200], style="bold"),
                              ("   " + _timezone_note(), "dim"))
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-props", Static).update(
            properties_table(stage, colours=self.app.theme_variables))
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self._fetch()
        self._contacts().reload()

    def _contacts(self) -> StageContacts:
        return self.query_one("#stage-contacts", StageContacts)

    # ------------------------------------------------------------------ routed changes

    def stage_saved(self, message: StageSaved) -> None:
        if message.stage.id == self.stage_id:
            self._show_stage(message.stage)

    def stage_deleted(self, message: StageDeleted) -> None:
        if message.stage_id != self.stage_id or self.deleted:
            return  # not this stage, or this screen found it gone and already says so
        self.deleted = True
        if self.app.screen is self:
            self.app.pop_screen()
        else:
            self._show_message(Text(f"Stage #{self.stage_id} was deleted."))
            self._contacts().display = False
            self.refresh_bindings()

    def contacts_moved(self, message: ContactsMoved) -> None:
        if message.touches(self.stage_id):
            self._contacts().reload()
