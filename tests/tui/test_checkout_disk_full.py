"""A full disk when the cashier pays (issue #5's bad input): the payment dialog says so
in words, nothing of the sale is written, the cart is still there, and Pay goes through
once there is room again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, func, select
from textual.widgets import DataTable, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import AuditEntry, Payment, Sale
from tests.full_disk import a_disk_that_fills
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_checkout import catalogue, open_till, stored  # noqa: F401

pytestmark = pytest.mark.usefixtures("open_till", "catalogue")


def sale_audits() -> int:
    (count,) = stored(
        select(func.count()).select_from(AuditEntry).where(col(AuditEntry.action).like("sale.%"))
    )
    return int(count)


async def test_a_full_disk_at_pay_is_said_in_words_and_the_sale_pays_once_there_is_room(
    shop_on_disk: Path,
) -> None:
    with a_disk_that_fills(shop_on_disk) as disk:
        app = SalonApp()
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot, "desk")
            for key in ("f2", "1", "0", "1", "enter", "f10"):
                await pilot.press(key)
                await settle(pilot)
            audits = sale_audits()
            disk.full = True
            await pilot.press("enter")  # cash, the whole ¥128
            await settle(pilot)
            disk.full = False
            message = str(app.screen.query_one("#form-message", Static).render())
            assert "The disk is full: nothing was saved. Free some space and try again." in message
            assert "Nothing was charged" in message
            assert stored(select(Payment)) == []
            (sale,) = stored(select(Sale))
            assert (sale.status, sale.number) == ("open", None)
            assert sale_audits() == audits
            await pilot.press("escape")  # out of the payment: the cart is as it was
            await settle(pilot)
            assert app.screen.query_one("#cart-table", DataTable).row_count == 1
            await pilot.press("f10")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
    (sale,) = stored(select(Sale).where(col(Sale.status) == "paid"))
    assert (sale.status, sale.number, sale.total_cents) == ("paid", "20261122-0001", 12_800)
    assert [p.amount_cents for p in stored(select(Payment))] == [12_800]
