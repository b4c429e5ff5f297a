"""Opening databases: fresh, old, newer, damaged, foreign — and migrations that match the tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from salon_tui.data import schema
from salon_tui.data.uow import UnitOfWork
from salon_tui.errors import DatabaseCorrupt, DatabaseError, SchemaTooNew
from salon_tui.services import database, shop


def test_head_revision_constant_matches_the_migrations() -> None:
    assert schema.script_head() == schema.HEAD_REVISION


def test_migrations_from_empty_create_exactly_the_tables_the_models_describe(
    database_url: str,
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import salon_tui.data.models  # noqa: F401

    uow = UnitOfWork(database_url)
    with uow.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata
        )
    uow.dispose()
    assert differences == []


def test_a_fresh_file_is_created_private_and_migrated(salon_home: Path) -> None:
    uow = database.open_shop_database()
    path = salon_home / "salon.db"
    assert path.stat().st_mode & 0o777 == 0o600
    assert database.describe(uow).revision == schema.HEAD_REVISION
    uow.dispose()


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(salon_home: Path) -> None:
    path = salon_home / "salon.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="salon backup restore"):
        database.open_shop_database()
    assert path.read_bytes() == before
    assert not (salon_home / "salon.db-wal").exists()


def test_a_damaged_database_is_refused_with_a_pointer_to_restore(salon_home: Path) -> None:
    uow = database.open_shop_database()
    shop.init_shop(uow, shop_name="S", owner_name="O", owner_pin="1234")
    uow.dispose()
    path = salon_home / "salon.db"
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt, match="salon backup restore"):
        database.open_shop_database()


def test_a_database_from_a_newer_version_is_refused_and_unchanged(salon_home: Path) -> None:
    uow = database.open_shop_database()
    uow.dispose()
    path = salon_home / "salon.db"
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'future_9999'")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer version"):
        database.open_shop_database()
    assert path.read_bytes() == before


def test_someone_elses_database_is_refused(salon_home: Path) -> None:
    with sqlite3.connect(salon_home / "salon.db") as connection:
        connection.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(DatabaseError, match="did not create"):
        database.open_shop_database()


def test_an_upgrade_keeps_a_copy_of_the_database_first(
    salon_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uow = database.open_shop_database()
    shop.init_shop(uow, shop_name="Keep me", owner_name="O", owner_pin="1234")
    uow.dispose()
    # Pretend the file was written by the previous schema: the upgrade must copy it first.
    current = schema.HEAD_REVISION
    monkeypatch.setattr(schema, "HEAD_REVISION", "core_next")
    monkeypatch.setattr(schema, "known_revisions", lambda: {current, "core_next"})
    monkeypatch.setattr(schema, "_run_upgrade", lambda uow: None)
    result = database.upgrade_database(f"sqlite:///{salon_home / 'salon.db'}")
    assert result is not None and result.safety_copy is not None
    with sqlite3.connect(result.safety_copy) as connection:
        names = connection.execute(
            "SELECT value_json FROM setting WHERE key = 'shop.name'"
        ).fetchall()
    assert names == [('"Keep me"',)]


def test_a_read_only_folder_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes through read-only permissions")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    monkeypatch.setenv("SALON_HOME", str(folder))
    with pytest.raises(DatabaseError, match="cannot be written"):
        database.open_shop_database()


def test_check_reports_integrity_and_audit_chain(uow: UnitOfWork, owner) -> None:
    results = database.check(uow)
    assert [result.ok for result in results] == [True] * len(results)
    with uow.engine.begin() as connection:
        connection.execute(text("UPDATE audit_entry SET action = 'x' WHERE seq = 1"))
    assert not all(result.ok for result in database.check(uow))


def test_a_database_that_cannot_be_written_gives_a_clear_message(salon_home: Path) -> None:
    # Root ignores folder permissions, so this opens the file read-only instead:
    # SQLite then refuses every write exactly as it does in a read-only folder.
    from salon_tui.domain.actor import SYSTEM
    from salon_tui.services import audit

    uow = database.open_shop_database()
    shop.init_shop(uow, shop_name="S", owner_name="O", owner_pin="1234")
    uow.dispose()
    read_only = UnitOfWork(f"sqlite:///file:{salon_home / 'salon.db'}?mode=ro&uri=true")
    with (
        pytest.raises(DatabaseError, match="cannot be written"),
        read_only.transaction() as session,
    ):
        audit.record(session, SYSTEM, "test.write", "shop", "shop")
    read_only.dispose()
