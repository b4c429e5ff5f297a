"""Settings → Import: check a file from an old system on screen, then import it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select
from textual.widgets import Button, Checkbox, DataTable, Input, OptionList, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import Member
from salon_tui.screens.settings import SettingsScreen
from salon_tui.screens.settings_import import ImportScreen
from salon_tui.services import database
from tests.tui.conftest import SIZE, log_in
from tests.tui.conftest import settle as settle_all

pytestmark = pytest.mark.usefixtures("shop_on_disk")
LEGACY = Path(__file__).resolve().parents[1] / "data" / "import" / "members_legacy.xlsx"


async def settle(pilot) -> None:
    """Like conftest's settle, but the file tree's loader waits for work forever: skip it."""
    app = pilot.app
    if not isinstance(app.screen, ImportScreen):
        await settle_all(pilot)
        return
    for _ in range(40):
        busy = [w for w in app.workers if w.is_running and w.group != "_loader"]
        if not busy:
            break
        for worker in busy:
            await worker.wait()
        await pilot.pause()
    await pilot.pause()


def member_count() -> int:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return session.exec(select(func.count()).select_from(Member)).one()
    finally:
        uow.dispose()


async def open_import(pilot, app: SalonApp) -> ImportScreen:
    await pilot.press("f9")
    await settle(pilot)
    sections = app.screen.query_one("#settings-sections", OptionList)
    index = next(
        i for i in range(sections.option_count) if sections.get_option_at_index(i).id == "import"
    )
    sections.highlighted = index
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ImportScreen)
    return app.screen


def summary(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-summary", Static).content)


async def test_the_owner_checks_the_legacy_file_then_imports_the_good_rows() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_import(pilot, app)
        screen.query_one("#import-path", Input).value = str(LEGACY)
        # A new shop has no levels yet: the file's levels are made as it is imported.
        screen.query_one("#import-create-levels", Checkbox).value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "36 rows, 31 importable, 5 with problems" in summary(screen)
        assert "Dry run: nothing was written" in summary(screen)
        problems = screen.query_one("#import-problems", DataTable)
        assert problems.row_count == 5
        assert screen.query_one("#import", Button).disabled
        # Import with problems and without "import the good rows" is refused.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert member_count() == 0
        screen.query_one("#import-skip-invalid", Checkbox).value = True
        await pilot.pause()
        assert not screen.query_one("#import", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Imported in one transaction: added 31" in summary(screen)
        assert screen.query_one("#import", Button).disabled  # check again before more
    assert member_count() == 31


async def test_changing_the_file_after_a_check_needs_a_new_check() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_import(pilot, app)
        screen.query_one("#import-path", Input).value = str(LEGACY)
        screen.query_one("#import-create-levels", Checkbox).value = True
        screen.query_one("#import-skip-invalid", Checkbox).value = True
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not screen.query_one("#import", Button).disabled
        screen.query_one("#import-path", Input).value = str(LEGACY.with_name("services.csv"))
        await pilot.pause()
        assert screen.query_one("#import", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert member_count() == 0


async def test_a_missing_file_is_named_and_nothing_runs() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_import(pilot, app)
        screen.query_one("#import-path", Input).value = "/nowhere/members.xlsx"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Check the file first" in summary(screen)
        assert screen.query_one("#import", Button).disabled


async def test_the_front_desk_has_no_import_section() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f9")
        await settle(pilot)
        if isinstance(app.screen, SettingsScreen):
            sections = app.screen.query_one("#settings-sections", OptionList)
            ids = [sections.get_option_at_index(i).id for i in range(sections.option_count)]
            assert "import" not in ids
