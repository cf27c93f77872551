"""Command palette entries: New stage, Go to stage by id, Search, Published only,
Move contact to stage (H5's quick move).

(Theme comes from Textual's own system commands.)
"""

from __future__ import annotations

import re
from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider


class StagesCommands(Provider):
    def _list_screen(self):
        from .screens.stage_list import StageListScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, StageListScreen):
                return screen
        return None

    def _on_list(self, action: str) -> None:
        screen = self._list_screen()
        if screen is None or self.app.screen is not screen:
            self.app.notify("Go back to the stage list first (escape).", severity="warning")
            return
        getattr(screen, f"action_{action}")()

    def _new_stage(self) -> None:
        if self._list_screen() is not None:
            self.app.open_form(None)

    def _go_to(self, stage_id: int | None = None) -> None:
        if self._list_screen() is None:
            return
        if stage_id is not None:
            self.app.open_stage(stage_id)
            return
        from .modals.goto import GoToStageModal

        def chosen(value: int | None) -> None:
            if value is not None:
                self.app.open_stage(value)

        self.app.push_screen(GoToStageModal(), chosen)

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        # Imported here, not at start-up: the palette is opened long after the first paint.
        from .quick_move import COMMAND_HELP as QUICK_MOVE_HELP
        from .quick_move import COMMAND_NAME as QUICK_MOVE_NAME
        from .quick_move import start_quick_move

        return [
            ("New stage", "Create a stage", self._new_stage),
            ("Go to stage by id", "Open a stage by its id", self._go_to),
            ("Search stages", "Search in Mautic syntax (/)", partial(self._on_list, "search")),
            ("Published only", "Show only published stages, or all (P)",
             partial(self._on_list, "published_only")),
            (QUICK_MOVE_NAME, QUICK_MOVE_HELP, partial(start_quick_move, self.app)),
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        number = re.search(r"\d+", query)
        if number and self._list_screen() is not None:
            stage_id = int(number.group())
            yield Hit(1.0, f"Go to stage {stage_id}", partial(self._go_to, stage_id),
                      help="Open the stage with this id")
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
