"""Reading the record id under a DataTable's cursor (rows are keyed by Mautic id)."""

from __future__ import annotations

from textual.widgets import DataTable


def cursor_row_id(table: DataTable) -> int | None:
    """The Mautic id of the highlighted row, or None for an empty table."""
    if table.row_count == 0:
        return None
    value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    return None if value is None else int(value)
