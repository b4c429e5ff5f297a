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
SERVICES = LEGACY.with_name("services.csv")


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


def import_the_menu() -> None:
    """The service menu, which the member list's packages column names (README: first)."""
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import imports

    uow = database.open_shop_database()
    try:
        owner = Actor(1, "owner", Role.OWNER)
        imports.run_import(uow, owner, "services", SERVICES, imports.ImportOptions())
    finally:
        uow.dispose()


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
    import_the_menu()
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
        # What the members bring besides their rows is said too.
        assert "Opening points for 31 members" in summary(screen)
        assert "Packages brought over: 22, with 101 uses left." in summary(screen)
        assert screen.query_one("#import", Button).disabled  # check again before more
    assert member_count() == 31


async def test_import_writes_the_rows_the_check_read_without_reading_the_file_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from salon_tui.services import imports

    reads: list[Path] = []
    real_read_table = imports.read_table

    def counted(path: Path, **options: object) -> object:
        reads.append(path)
        return real_read_table(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "read_table", counted)
    file = tmp_path / "members.csv"
    file.write_text("姓名,手机号\n王芳,13800001111\n李娜,13800002222\n", encoding="utf-8")
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_import(pilot, app)
        screen.query_one("#import-path", Input).value = str(file)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "2 rows, 2 importable, 0 with problems" in summary(screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Imported in one transaction: added 2" in summary(screen)
    assert reads == [file]
    assert member_count() == 2


async def test_a_file_changed_after_its_check_is_not_imported(tmp_path: Path) -> None:
    import os

    file = tmp_path / "members.csv"
    file.write_text("姓名,手机号\n王芳,13800001111\n", encoding="utf-8")
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_import(pilot, app)
        screen.query_one("#import-path", Input).value = str(file)
        await pilot.press("ctrl+r")
        await settle(pilot)
        file.write_text("姓名,手机号\n张伟,13800009999\n李娜,13800002222\n", encoding="utf-8")
        later = file.stat().st_mtime_ns + 10**9
        os.utime(file, ns=(later, later))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "changed after it was checked" in summary(screen)
        assert "Nothing was written" in summary(screen)
        assert screen.query_one("#import", Button).disabled  # check it again first
    assert member_count() == 0


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
