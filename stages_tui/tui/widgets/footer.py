"""Textual's Footer, recomposed once per refresh however many binding changes arrive.

Textual 8.2.8's Footer recomposes on every ``refresh_bindings()``, focus change and
``bindings=True`` reactive change; a page load causes a dozen of those, and the recomposes
were about half the time from "rows in the table" to the first paint (bench/tui_bench.py).

When the keys do not fit (80 columns; or the list once "u Undo" joins at 120) Textual cuts
the row on the right, which hid "f1 Help" and Undo; then the footer drops the padding
between keys and puts Help first.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# "▏^p Palette", docked over the right end of the row.
PALETTE_KEY_WIDTH = 14
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

    def _overflows(self, width: int) -> bool:
        """Whether the keys, padded as usual, are wider than the terminal."""
        keys = [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]
        return _needed(keys) > width

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        keys = [w for w in widgets
                if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        overflowing = _needed(keys) > self.app.size.width
        self.compact = overflowing
        if overflowing:
            helps = [key for key in keys if key.action in HELP_ACTIONS]
            widgets = helps + [w for w in widgets if w not in helps]
        yield from widgets

    def on_resize(self, event: Resize) -> None:
        if self._overflows(self.app.size.width) != self.compact and not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)


def _needed(keys: list[FooterKey]) -> int:
    # Textual's padded key is " key description " plus one space between keys.
    return PALETTE_KEY_WIDTH + sum(
        cell_len(key.key_display) + cell_len(key.description) + 3 for key in keys)
