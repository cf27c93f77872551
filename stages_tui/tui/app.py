"""StagesApp and make_app, the one factory the CLI and the tests use.

The App owns the one MauticClient (closed on exit), the stage categories, and routing of
cross-screen messages: StageSaved / StageDeleted / ContactsMoved go to every screen on
the stack that shows the stage concerned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from stages_tui.api import Category, MauticClient, MauticError, ServerError, Stage, StageDraft

from .commands import StagesCommands
from .errors import error_text
from .messages import ContactsMoved, StageDeleted, StageSaved
from .screens.observer import StageObserver

if TYPE_CHECKING:
    from stages_tui.config import Settings


class StagesApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "stages-tui"
    COMMANDS = App.COMMANDS | {StagesCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        Binding("ctrl+p", "command_palette", "Palette", id="command-palette", priority=True,
                show=False),
        Binding("f1,question_mark", "help", "Help", id="help", tooltip="Help for this screen"),
        Binding("u", "undo_delete", "Undo", id="undo-delete",
                tooltip="Re-create the stage just deleted (it gets a new id)"),
    ]

    def __init__(self, settings: Settings, client: MauticClient) -> None:
        super().__init__()
        self.settings = settings
        self.client = client
        self.categories: list[Category] = []
        self._categories_requested = False
        self._undo: Stage | None = None
        self.stages_in_flight: set[int] = set()  # ids with a publish toggle being sent
        self._quit_prompt: Screen | None = None  # the "quit and discard?" question, while asked
        self.sub_title = settings.connection_label

    # ------------------------------------------------------------------ life cycle

    def on_mount(self) -> None:
        try:
            self.theme = self.settings.theme
        except Exception:  # an unknown theme must not stop the app
            self.notify(f"Unknown theme {self.settings.theme!r}; using the default.",
                        severity="warning", markup=False)
        self.set_keymap(dict(self.settings.keymap))

    def page_shown(self) -> None:
        """A stage page is on screen: load the categories now, once (kept off the first page's path)."""
        if not self._categories_requested:
            self._categories_requested = True
            self._load_categories()

    def get_default_screen(self) -> Screen:
        # The list is the first screen and its first page the connection check; the
        # startup screen appears only when that fails (see connection_failed).
        from .screens.stage_list import StageListScreen

        return StageListScreen()

    @work(exclusive=True, group="categories", exit_on_error=False)
    async def _load_categories(self) -> None:
        try:
            self.categories = await self.client.list_categories(bundle="stage")
        except MauticError:
            pass  # the form reads them again when it opens

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def connection_failed(self, error: BaseException) -> None:
        """The first request failed (unreachable, credentials, API disabled): say so."""
        from .screens.startup import StartupScreen

        if not isinstance(self.screen, StartupScreen):
            self.push_screen(StartupScreen(error))

    def connected(self, categories: list[Category]) -> None:
        """Called by the startup screen once a retry reached the server."""
        from .screens.stage_list import StageListScreen
        from .screens.startup import StartupScreen

        self.categories = categories
        if isinstance(self.screen, StartupScreen):
            self.pop_screen()
        for screen in self.screen_stack:
            if isinstance(screen, StageListScreen):
                screen.action_reload()

    # ------------------------------------------------------------------ navigation

    def open_stage(self, stage: Stage | int) -> None:
        from .screens.stage_detail import StageDetailScreen

        self.push_screen(StageDetailScreen(stage))

    def open_form(self, stage: Stage | None) -> None:
        from .screens.stage_form import StageFormScreen

        self.push_screen(StageFormScreen(stage, categories=self.categories))

    def action_help(self) -> None:
        from .screens.help import HelpScreen, key_rows

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        title = getattr(screen, "HELP_TITLE", "") or screen.__class__.__name__
        self.push_screen(HelpScreen(title, key_rows(screen),
                                    with_search=getattr(screen, "SHOWS_SEARCH_HELP", True)))

    # ------------------------------------------------------------------ routing

    def _observers(self) -> list[StageObserver]:
        return [screen for screen in self.screen_stack if isinstance(screen, StageObserver)]

    @on(StageSaved)
    def _route_saved(self, message: StageSaved) -> None:
        for screen in self._observers():
            screen.stage_saved(message)

    @on(StageDeleted)
    def _route_deleted(self, message: StageDeleted) -> None:
        if message.undoable:
            self._undo = message.stage
            self.refresh_bindings()
        for screen in self._observers():
            screen.stage_deleted(message)

    @on(ContactsMoved)
    def _route_moved(self, message: ContactsMoved) -> None:
        for screen in self._observers():
            screen.contacts_moved(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Expected failures are handled inside the workers; anything else is a bug, shown
        # in full (copyable) instead of ending the app.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from .modals.error import ErrorModal

            error = event.worker.error
            self.push_screen(ErrorModal("Something went wrong", f"{type(error).__name__}: {error}"))

    # ------------------------------------------------------------------ undo delete

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_delete":
            return self._undo is not None
        return True

    async def action_quit(self) -> None:
        """Quit, but not silently over a form with unsaved changes (ctrl+q again quits anyway)."""
        from .modals.confirm import ConfirmModal
        from .screens.stage_form import StageFormScreen

        unsaved = any(isinstance(screen, StageFormScreen) and screen.dirty for screen in self.screen_stack)
        if not unsaved or self.screen is self._quit_prompt:
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            self._quit_prompt = None
            if quit_anyway:
                self.exit()

        self._quit_prompt = ConfirmModal("Unsaved changes", "Quit and discard your changes to this stage? "
                                         "(ctrl+q again quits)", yes="Quit", no="Keep editing", danger=True)
        self.push_screen(self._quit_prompt, answered)

    def action_undo_delete(self) -> None:
        if self._undo is not None:
            stage, self._undo = self._undo, None
            self.refresh_bindings()
            self._recreate(stage)

    @work(exclusive=True, group="undo-delete", exit_on_error=False)
    async def _recreate(self, stage: Stage) -> None:
        from rich.text import Text

        from .widgets.stage_table import stage_label

        draft = StageDraft.from_stage(stage)
        note = ""
        try:
            try:
                created = await self.client.create_stage(draft)
            except ServerError:
                if draft.category_id is None:
                    raise
                # Mautic answers a category that no longer exists with a 500.
                created = await self.client.create_stage(draft.model_copy(update={"category_id": None}))
                note = " Its category no longer exists, so it has none."
        except MauticError as error:
            self._undo = stage  # still undoable: the user may retry
            self.refresh_bindings()
            self.notify(error_text(error), title="Undo failed", severity="error", markup=False)
            return
        except Exception:
            self._undo = stage
            self.refresh_bindings()
            raise  # shown in full by on_worker_state_changed
        self.post_message(StageSaved(created, created=True))
        self.notify(Text.assemble("Re-created ", stage_label(created),
                                  f" (it was #{stage.id}; the id is new).{note}").plain,
                    title="Undone", markup=False)


def make_app(settings: Settings, client: MauticClient | None = None) -> StagesApp:
    """Build the app; the client is built from the settings unless one is given."""
    from stages_tui import startup_gc

    if client is None:
        from stages_tui.config import build_client

        client = build_client(settings)
    app = StagesApp(settings, client)
    startup_gc.settle()  # start-up objects are built: freeze them, normal GC from here
    return app
