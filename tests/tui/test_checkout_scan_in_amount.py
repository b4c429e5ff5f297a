"""A scanner's burst while the cashier is typing the amount to pay is never typed into
the amount field and never pays the sale (the issue's "scan burst while focus is in an
amount or PIN field"; the PIN field is covered in test_hardware_screens)."""

from __future__ import annotations

import pytest
from sqlmodel import col, select
from textual.widgets import Input

from salon_tui.app import SalonApp
from salon_tui.data.models import Sale
from salon_tui.screens.modals.checkout_pay import PaymentModal
from salon_tui.services import database
from tests.tui.conftest import SIZE, log_in, settle
from tests.tui.test_checkout import open_till  # noqa: F401
from tests.tui.test_hardware_screens import FakeClock, turn_keyboard_bursts_on

pytestmark = pytest.mark.usefixtures("shop_on_disk", "open_till")


def paid_sales() -> list[Sale]:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(select(Sale).where(col(Sale.status) == "paid")).all())
    finally:
        uow.dispose()


async def test_a_scan_burst_in_the_payment_amount_field_is_not_typed_there() -> None:
    turn_keyboard_bursts_on()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        assert app.hub.keyboard is not None
        app.hub.keyboard.clock = FakeClock(0.200)  # a person types the PIN
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        entry = app.screen.query_one("#checkout-entry", Input)
        entry.value = "Hair clip 128"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PaymentModal)
        amount = modal.query_one("#pay-amount", Input)
        before = amount.value
        app.hub.keyboard.clock = FakeClock(0.002)  # a scanner: 2 ms between keys
        await pilot.press(*"6920202888883", "enter")
        await settle(pilot)
        assert app.screen is modal  # not paid, still asking
        assert amount.value == before
    assert paid_sales() == []
