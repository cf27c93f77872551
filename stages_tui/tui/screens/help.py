"""Help for the screen underneath: its keys (as currently mapped) and the search syntax."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..search_help import SEARCH_SYNTAX

KeyRows = list[tuple[str, str]]
STACK_BELOW = 100  # terminal columns under which the search syntax goes under the keys


def key_rows(screen) -> KeyRows:
    """(keys, description) for every binding with an id active on ``screen``, keys merged."""
    app = screen.app
    by_id: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.id is None:
            continue
        keys, _ = by_id.setdefault(binding.id, ([], binding.tooltip or binding.description))
        # A key shadowed by the focused widget (enter on the table) still shows via key_display.
        for shown in (binding.key_display, app.get_key_display(Binding(key, binding.action))):
            if shown and shown not in keys:
                keys.append(shown)
    return [(" ".join(keys), description) for keys, description in by_id.values()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close", id="close-help")]

    def __init__(self, title: str, keys: KeyRows, *, with_search: bool = True) -> None:
        super().__init__()
        self._title = title
        self._keys = keys
        self._with_search = with_search

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog help-dialog"):
            yield Static(Text(f"Help · {self._title}"), classes="dialog-title")
            if self._with_search and self.app.size.width < STACK_BELOW:
                # Side by side the syntax column is a dozen cells wide there: one scroll,
                # the keys first, then the search syntax under them at the full width.
                with VerticalScroll(id="help-body", classes="-stacked"):
                    yield Static(self._table("Keys", self._keys), id="help-keys")
                    yield Static(self._table("Search syntax (Mautic)", SEARCH_SYNTAX),
                                 id="help-search")
            else:
                with Horizontal(id="help-body"):
                    # Without the search column the keys take the whole width (no wrapping at 40).
                    with VerticalScroll(id="help-keys-box",
                                        classes="" if self._with_search else "-alone"):
                        yield Static(self._table("Keys", self._keys), id="help-keys")
                    if self._with_search:
                        with VerticalScroll(id="help-search-box"):
                            yield Static(self._table("Search syntax (Mautic)", SEARCH_SYNTAX),
                                         id="help-search")
            yield Static(Text("escape closes · ctrl+p opens the command palette", style="dim"))

    @staticmethod
    def _table(title: str, rows: KeyRows) -> Table:
        table = Table(title=title, title_justify="left", show_header=False, box=None,
                      padding=(0, 2, 0, 0), expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for key, text in rows:
            table.add_row(Text(key), Text(text))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
