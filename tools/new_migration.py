"""Write a new schema migration by comparing the tables with a database at head.

usage: python tools/new_migration.py "what changes" area_NNNN

Creates a scratch SQLite database, upgrades it to the current head, and lets Alembic
autogenerate the difference into src/salon_tui/data/migrations/versions/. Read the
file it writes, then set HEAD_REVISION in src/salon_tui/data/schema.py.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from salon_tui.data import schema
from salon_tui.data.uow import UnitOfWork


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    message, revision_id = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'scratch.db'}"
        uow = UnitOfWork(url)
        with uow.engine.begin() as connection:
            command.upgrade(schema._alembic_config(connection), "heads")
        config = schema._alembic_config()
        config.set_main_option("sqlalchemy.url", url)
        command.revision(config, message=message, autogenerate=True, rev_id=revision_id)
        uow.dispose()
    print(f"now set HEAD_REVISION = {revision_id!r} in src/salon_tui/data/schema.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
