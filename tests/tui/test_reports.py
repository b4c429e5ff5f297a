"""Reports (F6): pick a report and a period, read the table and chart, save as xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import DataTable, Input, OptionList, Select

from salon_tui.app import SalonApp
from salon_tui.screens.home import HomeScreen
from salon_tui.screens.reports import ReportsScreen, preset_period
from salon_tui.services import reports
from salon_tui.widgets.report_view import ReportChart, ReportView
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


async def open_reports(pilot) -> ReportsScreen:
    await pilot.press("f6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


def cells(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_owner_reads_this_months_activity_with_a_chart() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_reports(pilot)
        assert screen.query_one("#reports-from", Input).value == "2026-11-01"
        assert screen.query_one("#reports-to", Input).value == "2026-11-22"
        screen.query_one("#reports-list", OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        view = screen.query_one("#report-view", ReportView)
        assert view.result.name == "activity"
        over_time, people, _actions = view.query(DataTable).results(DataTable)
        rows = cells(over_time)
        assert len(rows) == 22  # every day of the month so far
        # the shop was set up today: init + four staff added, and the owner's login
        assert rows[-1][:3] == ["2026-11-22", "6", "5"]
        # init_shop writes as "system"; the owner added three staff and logged in
        assert cells(people) == [["王芳", "4", "3", "1", "0"], ["system", "2", "2", "0", "0"]]
        assert len(view.query(ReportChart)) == 1


async def test_a_bad_date_is_refused_and_the_shown_report_stays() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "manager")
        screen = await open_reports(pilot)
        await screen.run_action("run")
        await settle(pilot)
        shown = screen.result
        assert shown is not None
        screen.query_one("#reports-from", Input).value = "2026-13-40"
        await screen.run_action("run")
        await settle(pilot)
        assert screen.result is shown
        assert any("is not a real date" in str(n.message) for n in app._notifications)
        screen.query_one("#reports-from", Input).value = "2026-11-30"
        await screen.run_action("run")
        await settle(pilot)
        assert screen.result is shown
        assert any("before it starts" in str(n.message) for n in app._notifications)


async def test_choosing_a_period_fills_the_dates_and_the_grouping() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_reports(pilot)
        screen.query_one("#reports-preset", Select).value = "last_12_months"
        await settle(pilot)
        assert screen.query_one("#reports-from", Input).value == "2025-12-01"
        assert screen.query_one("#reports-bucket", Select).value == "month"
        screen.query_one("#reports-preset", Select).value = "last_month"
        await settle(pilot)
        assert screen.period() == preset_period("last_month", screen._today())
        assert screen.query_one("#reports-to", Input).value == "2026-10-31"


async def test_the_shown_report_is_saved_as_xlsx_with_numbers(salon_home: Path) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "owner")
        screen = await open_reports(pilot)
        await screen.run_action("export")
        await settle(pilot)
        assert any("Show a report first" in str(n.message) for n in app._notifications)
        await screen.run_action("run")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
    saved = salon_home / "exports" / "activity_2026-11-01_2026-11-22.xlsx"
    workbook = load_workbook(saved)
    values = [row for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert any(isinstance(value, int) and value == 6 for row in values for value in row)


async def test_each_role_sees_only_the_reports_it_may_run(monkeypatch) -> None:
    from dataclasses import replace

    reports.list_reports()  # the real ones register
    everyone = replace(reports.REPORTS["activity"], name="mine", permission="home.view")
    monkeypatch.setitem(reports.REPORTS, "mine", everyone)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "stylist")
        screen = await open_reports(pilot)
        assert [spec.name for spec in screen.specs] == [
            spec.name for spec in reports.list_reports(app.actor)
        ]
        assert "mine" in [spec.name for spec in screen.specs]
        assert "sales" not in [spec.name for spec in screen.specs]


async def test_without_a_report_they_may_run_stylists_get_no_reports_area(monkeypatch) -> None:
    monkeypatch.setattr(
        reports,
        "list_reports",
        lambda actor=None: [] if actor is not None and actor.role == "stylist" else [1],
    )
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "stylist")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "reports" not in [area.mode for area in app.allowed_areas()]


async def test_without_any_report_the_area_is_not_offered(monkeypatch) -> None:
    monkeypatch.setattr(reports, "REPORTS", {})
    monkeypatch.setattr(reports, "_load_reports", lambda: None)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        assert "reports" not in [area.mode for area in app.allowed_areas()]
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_the_owners_home_shows_sales_at_a_glance_and_a_stylists_does_not() -> None:
    from salon_tui.widgets.home_panels import SalesPanel

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        body = app.screen.query_one(SalesPanel).query_one(".panel-body")
        text = str(body.render())
        assert "Today: CN¥0.00 net, 0 sales" in text
        assert "This month: CN¥0.00 vs the same days last month" in text
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "stylist")
        assert len(app.screen.query(SalesPanel)) == 0


def _second_store() -> None:
    """The shop becomes a chain: its store is JA, and XH 徐汇店 opens."""
    from salon_tui.services import database, stores
    from salon_tui.services.auth import find_staff_by_name

    uow = database.open_shop_database()
    with uow.read() as session:
        found = find_staff_by_name(session, "王芳")
        assert found is not None
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role

    owner = Actor(found.id, found.name, Role.OWNER)
    stores.edit_store(uow, owner, "MAIN", new_code="JA")
    stores.add_store(uow, owner, "XH", "徐汇店")
    uow.dispose()


async def test_a_single_store_shop_has_no_store_picker() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        screen = await open_reports(pilot)
        assert not screen.query("#reports-store")


async def test_a_chain_picks_one_store_for_the_reports_that_can_cover_one() -> None:
    _second_store()
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "owner")
        # No store chosen on this computer: login says which to set.
        assert any("salon store use CODE" in str(n.message) for n in app._notifications)
        screen = await open_reports(pilot)
        picker = screen.query_one("#reports-store", Select)
        assert picker.value == ""
        picker.value = "XH"
        await settle(pilot)
        names = [spec.name for spec in screen.specs]
        listing = screen.query_one("#reports-list", OptionList)
        listing.highlighted = names.index("sales")
        await screen.run_action("run")
        await settle(pilot)
        result = screen.query_one("#report-view", ReportView).result
        assert result.store is not None and result.store.code == "XH"
        listing.highlighted = names.index("members")
        await screen.run_action("run")
        await settle(pilot)
        assert screen.query_one("#report-view", ReportView).result.store is None
