"""Loyalty at the desk: a coupon scanned onto the cart, a sale paid with a gift card,
and a gift card sold and looked up on the Gift cards screen."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from textual.widgets import Input, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import Coupon, GiftCard, Payment, Sale, SaleAdjustment
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import coupons, database, drawer, gift_cards, members, staff
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def _owner(uow: Any) -> Actor:
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    return Actor(found.id, found.name, Role.OWNER)


def stored(query: Any) -> list[Any]:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(query).all())
    finally:
        uow.dispose()


@pytest.fixture
def open_till(shop_on_disk: object) -> None:
    uow = database.open_shop_database()
    drawer.open_drawer(uow, _owner(uow), 50_000)
    uow.dispose()


@pytest.fixture
def member_with_coupon(shop_on_disk: object) -> tuple[int, str]:
    uow = database.open_shop_database()
    owner = _owner(uow)
    member = members.add_member(uow, owner, name="李莉", phone="13800138000")
    template = coupons.add_template(
        uow,
        owner,
        name="满100减20",
        kind="amount_off",
        amount_cents=2_000,
        min_spend_cents=10_000,
        valid_days=30,
    )
    coupon = coupons.issue(uow, owner, template.id, member.id)
    uow.dispose()
    return member.id, coupon.code


@pytest.mark.usefixtures("open_till")
async def test_a_scanned_coupon_goes_on_the_cart_and_is_used_with_the_payment(
    member_with_coupon: tuple[int, str],
) -> None:
    member_id, code = member_with_coupon
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        entry = app.screen.query_one("#checkout-entry", Input)
        entry.value = "Hair mask 150"
        await pilot.press("enter")
        await settle(pilot)
        entry.value = code  # a coupon code typed or scanned: refused, walk-in
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.cart.total_cents == 15_000
        await pilot.press("ctrl+e", *"13800138000")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.cart.member_id == member_id
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.press("enter")  # the member's coupon, first in the list
        await settle(pilot)
        assert app.screen.cart.total_cents == 13_000
        detail = str(app.screen.query_one("#line-detail", Static).render())
        assert "Coupon" in detail and code in detail
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    (sale,) = stored(select(Sale).where(col(Sale.status) == "paid"))
    assert sale.total_cents == 13_000
    (coupon,) = stored(select(Coupon))
    assert (coupon.state, coupon.used_sale_id) == ("used", sale.id)
    sources = [a.source for a in stored(select(SaleAdjustment))]
    assert sources == ["coupon"]


@pytest.mark.usefixtures("open_till")
async def test_paying_with_a_gift_card_takes_its_code_and_spends_part_of_it() -> None:
    uow = database.open_shop_database()
    card = gift_cards.sell(uow, _owner(uow), 50_000, "wechat", key="k", reference="WX1")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#checkout-entry", Input).value = "Hair mask 150"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        modal = app.screen
        while modal.tenders[modal.tender_index].code != "gift_card":
            await pilot.press("down")
            await settle(pilot)
        label = str(modal.query_one("#pay-reference-label").render())
        assert "Gift card code" in label
        await pilot.press("enter")  # the amount: all of it; then the code
        await settle(pilot)
        modal.query_one("#pay-reference", Input).value = card.code
        await pilot.press("enter")
        await settle(pilot)
    (payment,) = stored(select(Payment))
    assert (payment.tender, payment.amount_cents, payment.reference) == (
        "gift_card",
        15_000,
        card.code,
    )
    (stored_card,) = stored(select(GiftCard))
    assert stored_card.balance_cents == 35_000


@pytest.mark.usefixtures("open_till")
async def test_the_gift_cards_screen_sells_a_card_and_shows_its_balance() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        from salon_tui.screens.gift_cards import GiftCardScreen

        app.push_screen(GiftCardScreen())
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#gift-value", Input).value = "300"
        await pilot.press("enter")  # value → method (cash)
        await pilot.press("enter")  # cash → reference
        await pilot.press("enter")  # reference → note
        await pilot.press("enter")  # sell
        await settle(pilot)
        (card,) = stored(select(GiftCard))
        assert (card.value_cents, card.tender) == (30_000, "cash")
        balance = str(app.screen.query_one("#gift-balance", Static).render())
        assert "¥300.00 left of" in balance
        app.screen.query_one("#gift-code", Input).value = card.code[:-1] + str(
            (int(card.code[-1]) + 1) % 10
        )
        await pilot.press("enter")
        await settle(pilot)
        assert "check digit" in str(app.screen.query_one("#gift-balance", Static).render())


async def look_up_card(pilot: Any, who: str, code: str) -> Any:
    from salon_tui.screens.gift_cards import GiftCardScreen

    await log_in(pilot, who)
    pilot.app.push_screen(GiftCardScreen())
    await settle(pilot)
    pilot.app.screen.query_one("#gift-code", Input).value = code
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def fill_form(pilot: Any, **values: str) -> None:
    from textual.widgets import Select

    for key, value in values.items():
        widget = pilot.app.screen.query_one(f"#field-{key}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            widget.value = value
    await settle(pilot)


@pytest.mark.usefixtures("open_till")
async def test_a_manager_refunds_what_is_left_on_a_gift_card_and_the_card_is_closed() -> None:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.services.sales_reports import day_summary

    uow = database.open_shop_database()
    card = gift_cards.sell(uow, _owner(uow), 30_000, "bank_card", key="g", print_receipt=False)
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await look_up_card(pilot, "manager", card.code)
        await pilot.press("ctrl+f")
        await settle(pilot)
        title = str(app.screen.query_one(".dialog-title", Static).render())
        assert card.code[-4:] in title
        assert "¥300.00 left on it goes back" in str(
            app.screen.query_one("#form-intro", Static).render()
        )
        await fill_form(pilot, method="wechat", reference="4200000077", reason="bought twice")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        balance = str(screen.query_one("#gift-balance", Static).render())
        assert "¥0.00 left of CN¥300.00" in balance
        assert "Refunded at the desk: CN¥300.00 by WeChat Pay" in balance
        await pilot.press("ctrl+f")  # again: refused in the dialog, nothing changes
        await settle(pilot)
        await fill_form(pilot, method="cash", reason="again")
        await pilot.press("enter")
        await settle(pilot)
        assert "refunded already" in str(app.screen.query_one("#form-message", Static).render())
    (stored_card,) = stored(select(GiftCard))
    assert (stored_card.refund_method, stored_card.refunded_cents) == ("wechat", 30_000)
    uow = database.open_shop_database()
    figures = day_summary(uow, _owner(uow), business_date(utc_now(), "Asia/Shanghai"))
    uow.dispose()
    takings = {t.tender: (t.taken_cents, t.refunded_cents) for t in figures.tenders}
    assert takings == {"bank_card": (30_000, 0), "wechat": (0, 30_000)}


@pytest.mark.usefixtures("open_till")
async def test_a_cashier_refunds_a_gift_card_when_the_owner_enters_their_pin() -> None:
    uow = database.open_shop_database()
    owner = _owner(uow)
    card = gift_cards.sell(uow, owner, 20_000, "cash", key="g", print_receipt=False)
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await look_up_card(pilot, "desk", card.code)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await fill_form(pilot, reason="客人退卡", approver=str(owner.staff_id), approver_pin="0000")
        await pilot.press("enter")
        await settle(pilot)
        assert "Wrong name or PIN" in str(app.screen.query_one("#form-message", Static).render())
        (kept,) = stored(select(GiftCard))
        assert (kept.balance_cents, kept.refund_method) == (20_000, "")
        await fill_form(pilot, approver_pin=PEOPLE["owner"][2])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert any("Approved by 王芳." in str(n.message) for n in app._notifications)
    (refunded,) = stored(select(GiftCard))
    assert (refunded.balance_cents, refunded.refund_method) == (0, "cash")


@pytest.mark.usefixtures("open_till")
async def test_the_gift_card_sell_dialog_has_buttons_and_the_keyboard_still_sells() -> None:
    from textual.widgets import Button

    from salon_tui.screens.gift_cards import GiftCardScreen
    from salon_tui.screens.modals.loyalty import GiftCardSellModal

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        app.push_screen(GiftCardScreen())
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, GiftCardSellModal)
        buttons = {str(button.label) for button in modal.query(Button)}
        assert buttons == {"Sell", "Cancel"}
        await pilot.click("#cancel")
        await settle(pilot)
        assert isinstance(app.screen, GiftCardScreen)
        assert stored(select(GiftCard)) == []
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#gift-value", Input).value = "0"
        await pilot.click("#ok")  # refused under the fields, nothing sold
        await settle(pilot)
        assert "more than zero" in str(app.screen.query_one("#form-message", Static).render())
        app.screen.query_one("#gift-value", Input).value = "500"
        ok = app.screen.query_one("#ok")
        ok.scroll_visible(animate=False)  # below the message
        await settle(pilot)
        while ok.has_class("-active"):  # a Button ignores clicks for 0.2 s after one
            await pilot.pause(0.05)
        await pilot.click("#ok")
        await settle(pilot)
        assert isinstance(app.screen, GiftCardScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("enter", "enter", "enter", "enter")  # the keyboard path sells too
        await settle(pilot)
    assert sorted(card.value_cents for card in stored(select(GiftCard))) == [20_000, 50_000]
