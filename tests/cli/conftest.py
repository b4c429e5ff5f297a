"""CLI tests run the real command tree in-process and then reopen the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from salon_tui.cli import build_app
from salon_tui.data.uow import UnitOfWork

Invoke = Callable[..., object]


@pytest.fixture
def run() -> Invoke:
    """``run("staff", "list", env={...}, input="…")`` → click Result."""
    runner = CliRunner()
    app = build_app()

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> object:
        return runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def initialised(run: Invoke) -> None:
    result = run(
        "init",
        "--shop",
        "丝语美发",
        "--owner",
        "王芳",
        "--pin",
        "8888",
        "--currency",
        "CNY",
        "--locale",
        "zh_CN",
        "--timezone",
        "Asia/Shanghai",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


@pytest.fixture
def reopen(salon_home: Path) -> Iterator[Callable[[], UnitOfWork]]:
    """Open the database the command wrote, as a separate connection."""
    opened: list[UnitOfWork] = []

    def open_it() -> UnitOfWork:
        uow = UnitOfWork(f"sqlite:///{salon_home / 'salon.db'}")
        opened.append(uow)
        return uow

    yield open_it
    for uow in opened:
        uow.dispose()


OWNER_ENV = {"SALON_STAFF": "王芳", "SALON_PIN": "8888"}
