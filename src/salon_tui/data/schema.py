"""Opening a database: refuse what we cannot read, migrate what is behind, copy first.

``open_database`` is what every face calls. On a fresh file it creates the schema; on
an older one it takes a copy through SQLite's backup API and applies the migrations
shipped inside the package; on a newer one, a damaged one or a file that is not SQLite
it refuses with a message and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DatabaseError as DriverDatabaseError
from sqlalchemy.exc import OperationalError

from salon_tui.data.engine import sqlite_path, translate_database_error
from salon_tui.data.sqlite_copy import copy_database, looks_like_sqlite
from salon_tui.data.uow import UnitOfWork
from salon_tui.errors import DatabaseCorrupt, DatabaseError, SchemaTooNew
from salon_tui.i18n import _

# The newest revision this version of the program knows. A test keeps it equal to
# the head of migrations/versions; each area that adds a migration updates it.
HEAD_REVISION = "deskgaps_0001"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    safety_copy: Path | None


def _alembic_config(connection: Connection | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def script_head() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return str(heads[0])


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def _has_user_tables(connection: Connection) -> bool:
    names = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
    return bool(names)


def check_file_before_opening(url: str) -> None:
    """Refuse a file that is not SQLite before SQLite is allowed to touch it."""
    path = sqlite_path(url)
    if path is None or not path.exists():
        return
    if path.is_dir() or not looks_like_sqlite(path):
        raise DatabaseCorrupt(
            _(
                "{path} is not a salon_tui database (or it is damaged). Nothing was changed. "
                "Restore the last good copy with `salon backup restore FILE`."
            ).format(path=path)
        )


def upgrade(uow: UnitOfWork, safety_copy_dir: Path) -> UpgradeResult | None:
    """Bring the schema to ``HEAD_REVISION``; None when it already is.

    Takes a copy of a SQLite database that holds data before changing anything.
    """
    from_revision, has_data = _inspect(uow)
    if from_revision == HEAD_REVISION:
        return None
    if from_revision is not None and from_revision not in known_revisions():
        raise SchemaTooNew(
            _(
                "This database was written by a newer version of salon_tui (schema {revision}). "
                "Install that version or newer; nothing was changed."
            ).format(revision=from_revision)
        )
    if from_revision is None and has_data:
        raise DatabaseError(
            _("This database holds tables that salon_tui did not create; nothing was changed.")
        )
    safety_copy = None
    source = sqlite_path(uow.url)
    if from_revision is not None and source is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        safety_copy = copy_database(
            source, safety_copy_dir / f"before-upgrade-{from_revision}-{stamp}.db"
        )
    _run_upgrade(uow)
    return UpgradeResult(from_revision, HEAD_REVISION, safety_copy)


def _inspect(uow: UnitOfWork) -> tuple[str | None, bool]:
    try:
        with uow.engine.connect() as connection:
            return current_revision(connection), _has_user_tables(connection)
    except (OperationalError, DriverDatabaseError) as error:
        raise translate_database_error(error, uow.url) from error


def _run_upgrade(uow: UnitOfWork) -> None:
    from alembic import command

    try:
        with uow.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            if uow.is_sqlite and raw is not None:
                # Table rebuilds (batch mode) must not fire foreign-key actions; the
                # keys are checked once the whole upgrade is in.
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                with connection.begin():
                    command.upgrade(_alembic_config(connection), "head")
                    if uow.is_sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise DatabaseError(
                                _("The upgrade would break links between records: {rows}").format(
                                    rows=broken[:5]
                                )
                            )
            finally:
                if uow.is_sqlite and raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")
    except (OperationalError, DriverDatabaseError) as error:
        raise translate_database_error(error, uow.url) from error


def open_database(url: str, safety_copy_dir: Path) -> UnitOfWork:
    """Open ``url``, creating or upgrading its schema; refuses damaged or newer files."""
    check_file_before_opening(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    uow = UnitOfWork(url)
    try:
        upgrade(uow, safety_copy_dir)
        if path is not None and path.exists():
            path.chmod(0o600)
    except BaseException:
        uow.dispose()
        raise
    return uow


def quick_check(uow: UnitOfWork) -> list[str]:
    """SQLite's integrity check (or a round trip on PostgreSQL): the problems found."""
    with uow.engine.connect() as connection:
        if uow.is_sqlite:
            rows = connection.exec_driver_sql("PRAGMA integrity_check").fetchall()
            problems = [str(row[0]) for row in rows if str(row[0]) != "ok"]
            rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            problems += [f"foreign key: {tuple(row)}" for row in rows]
            return problems
        connection.execute(text("SELECT 1"))
        return []
