"""Filling a DataTable whose rows change after it is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable


def fill_table(
    table: DataTable[Any],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    keys: Sequence[str] | None = None,
) -> None:
    """Replace the table's columns and rows, each column as wide as its widest cell
    (display width, so 染膏 counts four). A table filled after its first paint otherwise
    may draw its new rows cut to the header's width until it next lays itself out."""
    table.clear(columns=True)
    for index, label in enumerate(columns):
        widest = max((cell_len(str(row[index])) for row in rows), default=0)
        table.add_column(label, width=max(cell_len(label), widest))
    for position, row in enumerate(rows):
        table.add_row(*row, key=keys[position] if keys else None)
