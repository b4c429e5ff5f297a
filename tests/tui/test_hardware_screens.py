"""Settings → Printer and → Scanner through the screens; scans through the app: a
keyboard-wedge burst with a table focused fires none of its bindings."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from textual.widgets import Input, RichLog, Select, Static

from salon_tui import config as machine
from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.settings_printer import PrinterSettingsScreen
from salon_tui.screens.settings_scanner import ScannerSettingsScreen
from salon_tui.services import database, printing
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.print_jobs import PrintJobsTable
from salon_tui.widgets.receipt_preview import ReceiptPreviewModal
from tests.printing import samples
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_settings import open_section

pytestmark = pytest.mark.usefixtures("shop_on_disk")
PRINTER_SECTION, SCANNER_SECTION = "printer", "scanner"


async def open_settings(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    """Open the Settings section ``key`` among those the logged-in person sees."""
    from salon_tui.screens.settings import SECTIONS

    actor = pilot.app.actor
    visible = [section.key for section in SECTIONS if actor.can(section.permission)]
    await open_section(pilot, visible.index(key))


def jobs_on_disk() -> list[printing.PrintJobView]:
    uow = database.open_shop_database()
    try:
        return printing.list_jobs(uow)
    finally:
        uow.dispose()


def queue_a_sale() -> printing.PrintJobView:
    uow = database.open_shop_database()
    try:
        return printing.enqueue_receipt(uow, Actor(1, "王芳", Role.OWNER), samples.sale())
    finally:
        uow.dispose()


async def wait_until(pilot, condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("condition not met in time")


async def test_a_manager_sets_up_the_file_printer_and_prints_a_test_page(salon_home: Path) -> None:
    folder = salon_home / "receipts"
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await open_settings(pilot, PRINTER_SECTION)
        screen = app.screen
        assert isinstance(screen, PrinterSettingsScreen)
        screen.query_one("#connection", Select).value = "folder"
        screen.query_one("#folder", Input).value = str(folder)
        screen.query_one("#columns", Select).value = 32
        await settle(pilot)
        assert not screen.query_one("#group-network").display  # only what this connection needs
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in str(screen.query_one("#form-message", Static).content)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await wait_until(pilot, lambda: list(folder.glob("job-*.bin")))
        table = screen.query_one(PrintJobsTable)
        await wait_until(pilot, lambda: bool(table.jobs) and table.jobs[0].status == "printed")
        table.focus()
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptPreviewModal)
        assert any("打印测试页" in line for line in app.screen.lines)
        assert "12345678901234567890123456789012" in app.screen.lines
    printer = machine.load_config().printer
    assert (printer.connection, printer.folder, printer.columns) == ("folder", str(folder), 32)
    assert [job.title for job in jobs_on_disk()] == ["Test page"]


async def test_a_network_printer_without_an_address_is_refused_and_nothing_is_written(
    salon_home: Path,
) -> None:
    before = (salon_home / "config.toml").read_text()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_settings(pilot, PRINTER_SECTION)
        app.screen.query_one("#connection", Select).value = "network"
        app.screen.query_one("#host", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = str(app.screen.query_one("#form-message", Static).content)
        assert "address" in message
        assert app.focused is app.screen.query_one("#host", Input)
    assert (salon_home / "config.toml").read_text() == before


async def test_the_header_says_when_receipts_wait_for_an_unreachable_printer() -> None:
    machine.save_config(
        machine.MachineConfig(
            printer=machine.PrinterConfig(
                connection="network", host="127.0.0.1", port=9, timeout_seconds=1
            ),
            scanner=machine.ScannerConfig(enabled=False, keyboard_bursts=False),
        )
    )
    queue_a_sale()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        header = app.screen.query_one("#header-devices", Static)
        await wait_until(pilot, lambda: "1 waiting" in str(header.content))
        assert header.has_class("-shown")
        panel_text = " ".join(str(s.content) for s in app.screen.query(".panel-body"))
        assert "Cannot reach the printer 127.0.0.1:9" in panel_text
    [job] = jobs_on_disk()
    assert job.status == "queued" and job.attempts >= 1


class FakeClock:
    def __init__(self, step: float) -> None:
        self.ticks = itertools.count()
        self.step = step

    def __call__(self) -> float:
        return 1000.0 + next(self.ticks) * self.step


async def open_jobs_table_with_bursts(pilot, app: SalonApp, clock: FakeClock) -> PrintJobsTable:  # type: ignore[no-untyped-def]
    await log_in(pilot, "owner")
    await open_settings(pilot, PRINTER_SECTION)
    assert app.hub.keyboard is not None
    app.hub.keyboard.clock = clock
    table = app.screen.query_one(PrintJobsTable)
    await wait_until(pilot, lambda: bool(table.jobs))
    table.focus()
    return table


def turn_keyboard_bursts_on() -> None:
    current = machine.load_config()
    machine.save_config(
        machine.MachineConfig(
            current.printer, machine.ScannerConfig(enabled=True, keyboard_bursts=True)
        )
    )


async def test_a_scan_burst_with_the_jobs_table_focused_fires_no_binding() -> None:
    turn_keyboard_bursts_on()
    queue_a_sale()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        # The PIN is typed by a person: 200 ms between keys.
        app.hub.keyboard.clock = FakeClock(0.200)  # type: ignore[union-attr]
        table = await open_jobs_table_with_bursts(pilot, app, FakeClock(0.002))
        # r = retry, p = reprint, x = cancel, v = preview: a scanner types them all.
        await pilot.press("r", "p", "x", "v", "2", "0", "2", "6", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PrinterSettingsScreen)  # no preview opened
        assert [job.status for job in table.jobs] == ["queued"]  # not cancelled
        notes = [note.message for note in app._notifications]
        assert any("Scanned rpxv2026: nothing in this shop has that code." in n for n in notes)
    assert len(jobs_on_disk()) == 1  # nothing reprinted


async def test_a_person_pressing_p_slowly_still_reprints() -> None:
    turn_keyboard_bursts_on()
    queue_a_sale()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        app.hub.keyboard.clock = FakeClock(0.200)  # type: ignore[union-attr]
        await open_jobs_table_with_bursts(pilot, app, FakeClock(0.200))
        await pilot.press("p")
        await asyncio.sleep(0.1)  # the held key is let through once its gap has passed
        await settle(pilot)
    assert len(jobs_on_disk()) == 2


async def test_a_pin_modal_never_receives_a_scan() -> None:
    turn_keyboard_bursts_on()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        app.hub.keyboard.clock = FakeClock(0.200)  # type: ignore[union-attr]
        await log_in(pilot, "owner")
        app.action_change_pin()
        await settle(pilot)
        app.hub.keyboard.clock = FakeClock(0.002)  # type: ignore[union-attr]
        await pilot.press("1", "2", "3", "4", "5", "6", "enter")
        await settle(pilot)
        assert all(field.value == "" for field in app.screen.query(Input))


async def test_the_scanner_screen_shows_scans_instead_of_acting_on_them() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_settings(pilot, SCANNER_SECTION)
        assert isinstance(app.screen, ScannerSettingsScreen)
        app.screen.post_message(Scanned("01\x1d06901234567892", "scanner", "enter"))
        await settle(pilot)
        log = app.screen.query_one("#scan-log", RichLog)
        assert "01\\x1d06901234567892   (scanner, enter)" in [str(line.text) for line in log.lines]
        app.screen.query_one("#max_gap_ms", Input).value = "60"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert machine.load_config().scanner.max_gap_ms == 60


async def test_a_member_card_scanned_on_home_names_the_member() -> None:
    from salon_tui.services import cards, members

    uow = database.open_shop_database()
    try:
        owner = Actor(1, "王芳", Role.OWNER)
        member = members.add_member(uow, owner, name="张小姐")
        card = cards.issue_card(uow, owner, member.id)
    finally:
        uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        app.screen.post_message(Scanned(card.number, "scanner"))
        await settle(pilot)
        app.screen.post_message(Scanned("NOPE-0000", "keyboard"))
        await settle(pilot)
        notes = [(note.title, note.message) for note in app._notifications]
        assert any(
            title == "Member: 张小姐" and message.startswith(f"card {card.number} (")
            for title, message in notes
        )
        assert any("Scanned NOPE-0000: nothing" in message for _title, message in notes)
