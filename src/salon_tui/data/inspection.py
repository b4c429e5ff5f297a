"""Looking at a database from the outside: its tables and how many rows each holds."""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows per table (Alembic's bookkeeping table left out), by table name."""
    names = sorted(
        name for name in inspect(connection).get_table_names() if name != "alembic_version"
    )
    # Names come from the database's own catalogue, quoted; nothing typed by a person.
    return {
        name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())  # noqa: S608
        for name in names
    }
