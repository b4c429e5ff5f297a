"""How the Reports screen looks with a chart, in English and 简体中文.

Regenerate on purpose with ``pytest tests/snapshots --snapshot-update`` and read the diff.
"""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from salon_tui import i18n
from salon_tui.app import SalonApp
from salon_tui.widgets.report_view import ReportChart
from tests.tui.conftest import log_in, settle, steady_cursor

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_reports_screen_with_a_chart(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def activity_this_week(pilot) -> None:
        await log_in(pilot, "owner")
        await pilot.press("f6")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#reports-preset").value = "this_week"
        options = screen.query_one("#reports-list", OptionList)
        names = [spec.name for spec in screen.specs]
        options.highlighted = names.index("activity")
        options.focus()
        await pilot.press("enter")
        await settle(pilot)
        # the chart draws at its final width only once the layout has settled
        await pilot.pause(0.2)
        for chart in screen.query(ReportChart):
            chart.refresh()
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=activity_this_week)
