"""Fixtures shared by every layer of tests.

Every test runs with its own SALON_HOME, so nothing touches the real user folders.
Service tests get a migrated database per test; when SALON_TEST_DATABASE_URL names a
PostgreSQL server they run a second time against it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from salon_tui import i18n
from salon_tui.data import schema
from salon_tui.data.sqlite_copy import copy_database
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role

PG_URL = os.environ.get("SALON_TEST_DATABASE_URL", "").strip()
REQUIRE_PEERS = os.environ.get("SALON_REQUIRE_PEERS") == "1"
# 10:00 in Shanghai on a Sunday: the fake "now" of every test that asks for the clock.
FROZEN_NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
OWNER_PIN = "8888"
STAFF_PIN = "2468"
TEST_MACHINE_CONFIG = "[scanner]\nenabled = false\nkeyboard_bursts = false\n"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "tui: drives the Textual app")


@pytest.fixture(autouse=True)
def salon_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private SALON_HOME; the language back to English after each test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SALON_HOME", str(home))
    # Tests type faster than any person: keyboard-burst scan detection would take a
    # typed PIN for a scan. The scanner tests turn it on themselves.
    (home / "config.toml").write_text(TEST_MACHINE_CONFIG, encoding="utf-8")
    for name in ("SALON_DATABASE_URL", "SALON_LANG", "SALON_STAFF", "SALON_PIN"):
        monkeypatch.delenv(name, raising=False)
    i18n.install("en")
    yield home
    i18n.install("en")


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """Time stands still at FROZEN_NOW until the test moves it (``clock.shift(...)``)."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


# --- databases -------------------------------------------------------------------------


def _worker() -> str:
    # Unique per process: several checkouts may share one PostgreSQL server.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database migrated to head once per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    uow = UnitOfWork(f"sqlite:///{path}")
    schema.upgrade(uow, path.parent)
    uow.dispose()
    return path


_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str | None]:
    if not PG_URL:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"salon_tpl_{_worker()}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    uow = UnitOfWork(url)
    schema.upgrade(uow, Path("/nonexistent"))
    uow.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _backends() -> list[object]:
    marks = [] if PG_URL else [pytest.mark.skip(reason="SALON_TEST_DATABASE_URL is not set")]
    if REQUIRE_PEERS and not PG_URL:
        marks = []
    return ["sqlite", pytest.param("postgresql", marks=[pytest.mark.postgres, *marks])]


@pytest.fixture(params=_backends())
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_template: str | None,
) -> Iterator[str]:
    """A freshly migrated, empty database: SQLite always, PostgreSQL when configured."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        copy_database(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    if postgres_template is None:
        pytest.fail("SALON_REQUIRE_PEERS=1 but SALON_TEST_DATABASE_URL is not set")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"salon_t_{_worker()}_{next(_counter)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def uow(database_url: str) -> Iterator[UnitOfWork]:
    unit = UnitOfWork(database_url)
    yield unit
    unit.dispose()


@pytest.fixture
def owner(uow: UnitOfWork) -> Actor:
    """A shop set up with its owner (PIN 8888); the owner, logged in."""
    from salon_tui.services import shop

    result = shop.init_shop(
        uow, shop_name="Test Salon", owner_name="Olivia Owner", owner_pin=OWNER_PIN
    )
    return Actor(result.owner.id, result.owner.name, Role.OWNER)


@pytest.fixture
def make_actor(uow: UnitOfWork, owner: Actor) -> Callable[..., Actor]:
    """A new staff member of ``role`` (PIN 2468), as an Actor."""
    from salon_tui.services import staff

    names = itertools.count(1)

    def make(role: Role, name: str | None = None) -> Actor:
        added = staff.add_staff(uow, owner, name or f"{role.value} {next(names)}", role, STAFF_PIN)
        return Actor(added.id, added.name, added.role)

    return make
