"""Textual's Footer, recomposed once per refresh however many binding changes arrive.

Textual 8.2.8's Footer recomposes on every ``refresh_bindings()``, focus change and
``bindings=True`` reactive change; a page load causes a dozen of those, and the recomposes
were about half the time from "rows in the table" to the first paint (bench/tui_bench.py).

On narrow terminals (80 columns) the keys do not all fit and Textual cuts the row on the
right, which hid "f1 Help" first; there the footer drops the padding and puts Help first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# Below this width the keys of the busier screens no longer fit on one row.
NARROW_WIDTH = 110
HELP_ACTIONS = {"help", "app.help"}


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

    def _narrow(self) -> bool:
        return self.app.size.width < NARROW_WIDTH

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        if self._narrow():
            helps = [w for w in widgets if isinstance(w, FooterKey) and w.action in HELP_ACTIONS]
            widgets = helps + [w for w in widgets if w not in helps]
        yield from widgets

    def on_resize(self, event: Resize) -> None:
        narrow = self._narrow()
        if narrow != self.compact:
            self.compact = narrow
            if self._bindings_ready and not self._recompose_pending:
                self._recompose_pending = True
                self.call_after_refresh(self._recompose_once)
