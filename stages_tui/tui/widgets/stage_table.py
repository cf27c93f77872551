"""The stage list's table: one row per stage, keyed by the Mautic id."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from stages_tui.api import Stage

from ..display import NONE, clean, literal, local_time, publish_window
from .rows import cursor_row_id

# (column key, label, width). Widths are fixed so long or wide server text is cut with
# an ellipsis instead of stretching the table past the screen; the Name column then
# takes whatever width the terminal has left (at least NAME_MIN_WIDTH).
COLUMNS: list[tuple[str, str, int]] = [
    ("id", "ID", 5),
    ("name", "Name", 27),
    ("category", "Category", 17),
    ("weight", "Weight", 6),
    ("published", "Published", 9),
    ("window", "Publish window", 23),
    ("modified", "Modified", 16),
]


NAME_MIN_WIDTH = 20
SCROLLBAR_WIDTH = 2
# Dropped in this order when the table is too narrow for every column and a readable Name
# (80 columns: both), rather than scrolling sideways; the detail screen still has them.
OPTIONAL_COLUMNS = ("modified", "window")


def _name_room(columns: list[tuple[str, str, int]], table_width: int, cell_padding: int) -> int:
    fixed = sum(width for key, _, width in columns if key != "name")
    return table_width - fixed - 2 * cell_padding * len(columns) - SCROLLBAR_WIDTH


def columns_for(table_width: int, cell_padding: int = 1) -> list[tuple[str, str, int]]:
    """The columns shown at this width: all of them, less the optional ones that don't fit."""
    columns = list(COLUMNS)
    for key in OPTIONAL_COLUMNS:
        if _name_room(columns, table_width, cell_padding) >= NAME_MIN_WIDTH:
            break
        columns = [column for column in columns if column[0] != key]
    return columns


def _day(value) -> str:
    return local_time(value)[:10] if value else ""


def row_cells(stage: Stage) -> list[Text]:
    window = publish_window(stage.publish_up, stage.publish_down)
    if stage.publish_up or stage.publish_down:
        # Days only in the list; the detail view has the minutes.
        window = window.replace(local_time(stage.publish_up), _day(stage.publish_up)).replace(
            local_time(stage.publish_down), _day(stage.publish_down))
    return [
        # Fixed widths: a number too wide is cut with an ellipsis, never shown as another number.
        Text(str(stage.id), justify="right", no_wrap=True, overflow="ellipsis"),
        literal(stage.name),
        literal(stage.category.title if stage.category else "", style="italic"),
        Text(str(stage.weight), justify="right", no_wrap=True, overflow="ellipsis"),
        Text("yes", style="bold") if stage.is_published else Text("no", style="dim"),
        Text(window, style="" if window != "always" else "dim", no_wrap=True,
             overflow="ellipsis"),
        # Never modified: a dash, not the date added (the Modified sort would look out of order).
        Text(local_time(stage.date_modified), no_wrap=True) if stage.date_modified
        else Text(NONE, style="dim"),
    ]


class StageTable(DataTable):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="cursor-down", tooltip="Next row"),
        Binding("k", "cursor_up", "Up", show=False, id="cursor-up", tooltip="Previous row"),
        Binding("g", "scroll_top", "First row", show=False, id="first-row"),
        Binding("G", "scroll_bottom", "Last row", show=False, id="last-row"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.shown_columns = list(COLUMNS)
        self.stages: dict[int, Stage] = {}  # the rows' stages by id, in row order

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label, width in self.shown_columns:
            self.add_column(label, key=key, width=width)

    def _cells(self, stage: Stage) -> list[Text]:
        shown = {key for key, _, _ in self.shown_columns}
        return [cell for (key, _, _), cell in zip(COLUMNS, row_cells(stage)) if key in shown]

    def on_resize(self, event: events.Resize) -> None:
        columns = columns_for(event.size.width, self.cell_padding)
        if columns != self.shown_columns:
            keep_id, keep_index = self.current_id, self.cursor_row
            self.shown_columns = columns
            self.clear(columns=True)
            self._add_columns()
            self.show(list(self.stages.values()), keep_id, keep_index)
        self.fit_name_column(event.size.width)

    def fit_name_column(self, table_width: int) -> None:
        """Give the Name column the width the other (fixed) columns leave free."""
        wanted = max(NAME_MIN_WIDTH, _name_room(self.shown_columns, table_width, self.cell_padding))
        column = self.columns.get(ColumnKey("name"))
        if column is None or column.width == wanted:
            return
        column.width = wanted
        # DataTable has no public "set column width" in Textual 8.2.8 (pinned): these are
        # what its own add_column/update_cell use to re-measure and redraw.
        self._require_update_dimensions = True
        self._clear_caches()
        self.refresh()

    @property
    def current_id(self) -> int | None:
        return cursor_row_id(self)

    def show(self, stages: list[Stage], keep_id: int | None = None,
             keep_index: int | None = None) -> None:
        """Replace the rows; put the cursor back on ``keep_id`` if it is still listed."""
        self.clear()
        self.stages = {stage.id: stage for stage in stages}
        for stage in stages:
            self.add_row(*self._cells(stage), key=str(stage.id))
        if not stages:
            return
        ids = [stage.id for stage in stages]
        if keep_id in ids:
            row = ids.index(keep_id)
        elif keep_index is not None:
            row = min(keep_index, len(ids) - 1)
        else:
            row = 0
        self.move_cursor(row=row, animate=False, scroll=True)

    def update_stage(self, stage: Stage) -> bool:
        """Refresh one row in place; False when the stage is not on this page."""
        if stage.id not in self.stages:
            return False
        self.stages[stage.id] = stage
        key = str(stage.id)
        for (column, _, _), cell in zip(self.shown_columns, self._cells(stage)):
            self.update_cell(key, column, cell)
        return True


def stage_label(stage: Stage) -> Text:
    """`“name” (#id)` for confirmations and toasts, built literally."""
    return Text.assemble("“", clean(stage.name)[:80], "” (#", str(stage.id), ")")
