"""Textual's Footer, recomposed once per refresh however many binding changes arrive.

Textual 8.2.8's Footer recomposes on every ``refresh_bindings()``, focus change and
``bindings=True`` reactive change; a page load causes a dozen of those, and the recomposes
were about half the time from "rows in the table" to the first paint (bench/tui_bench.py).
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _recompose_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False
        await self.recompose()
