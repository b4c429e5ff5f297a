"""F2 Checkout through the keyboard: the short sale, split payment, park/resume,
refund from history, and the day close."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Label, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import DrawerSession, Payment, Refund, Sale
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.sales import LineKind
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import database, drawer, sale_catalog, sales, staff
from salon_tui.services.sale_catalog import ItemChoice
from salon_tui.services.sale_payment import pay_sale
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def _owner(uow: Any) -> Actor:
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    return Actor(found.id, found.name, Role.OWNER)


def _member_holding(cents: int) -> int:
    """Zhou Jie, a member whose stored value holds ``cents`` (topped up by WeChat Pay)."""
    from salon_tui.services import members, stored_value

    uow = database.open_shop_database()
    owner = _owner(uow)
    member = members.add_member(uow, owner, name="Zhou Jie").id
    stored_value.top_up(uow, owner, member, cents, "wechat", "4200000001")
    uow.dispose()
    return member


@pytest.fixture
def open_till(shop_on_disk: object) -> None:
    uow = database.open_shop_database()
    drawer.open_drawer(uow, _owner(uow), 50_000)
    uow.dispose()


@pytest.fixture
def catalogue(shop_on_disk: object) -> Iterator[None]:
    """A finder standing in for the catalogue: code 101 is a cut Tony usually does."""
    uow = database.open_shop_database()
    tony = staff.find_staff(uow, PEOPLE["stylist"][0]).id
    uow.dispose()

    def find(_uow: Any, _actor: Any, text: str, _member: int | None) -> list[ItemChoice]:
        items = [ItemChoice(LineKind.SERVICE, 1, "101", "Cut 剪发", "hair", 12_800, tony)]
        return [item for item in items if text in (item.code, item.description)]

    sale_catalog.ITEM_FINDERS.append(find)
    yield
    sale_catalog.ITEM_FINDERS.remove(find)


def stored(query: Any) -> list[Any]:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(query).all())
    finally:
        uow.dispose()


@pytest.mark.usefixtures("open_till", "catalogue")
async def test_a_walk_in_sale_by_code_takes_seven_keystrokes() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        keys = ["f2", "1", "0", "1", "enter", "f10", "enter"]
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
    (sale,) = stored(select(Sale).where(col(Sale.status) == "paid"))
    assert (sale.number, sale.total_cents) == ("20261122-0001", 12_800)


@pytest.mark.usefixtures("open_till")
async def test_a_regular_members_sale_from_stored_value_takes_six_keystrokes_and_scans() -> None:
    """Scan the card, Enter for the member's usual services, Enter takes the first with
    who last did it, F10 starts on stored value, Enter pays."""
    from salon_tui.services import cards, members, stored_value
    from salon_tui.widgets.devices import Scanned
    from tests.services.catalog_helpers import make_service, sell_services

    uow = database.open_shop_database()
    owner = _owner(uow)
    tony = staff.find_staff(uow, PEOPLE["stylist"][0])
    make_service(uow, owner, "C01", name="洗剪吹", price=12_800)
    make_service(uow, owner, "W01", name="洗吹", price=5_800)
    member = members.add_member(uow, owner, name="周洁", phone="13800138000").id
    cards.issue_card(uow, owner, member, "V100000")
    stored_value.top_up(uow, owner, member, 50_000, "wechat", "4200000001")
    for code in ("C01", "C01", "W01"):  # a cut by Tony is what she usually has
        sell_services(uow, owner, member, [(code, tony.id)])
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.post_message(Scanned("V100000", "scanner"))
        await settle(pilot)
        panel = str(app.screen.query_one("#checkout-member-panel").render())
        assert "Usual (Enter): Precision cut · " + tony.name + " (+1)" in panel
        keys = ["enter", "enter", "f10", "enter"]
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert 1 + 1 + len(keys) <= 8  # F2, the scan, then the keys
    *_history, sale = stored(select(Sale).where(col(Sale.status) == "paid").order_by(col(Sale.id)))
    assert (sale.member_id, sale.total_cents) == (member, 12_800)
    (payment,) = stored(select(Payment).where(col(Payment.sale_id) == sale.id))
    assert (payment.tender, payment.amount_cents) == ("stored_value", 12_800)
    from salon_tui.data.models import SaleLine, SaleLineStaff

    (line,) = stored(select(SaleLine).where(col(SaleLine.sale_id) == sale.id))
    (share,) = stored(select(SaleLineStaff).where(col(SaleLineStaff.line_id) == line.id))
    assert (line.item_code, share.staff_id) == ("C01", tony.id)


@pytest.mark.usefixtures("open_till")
async def test_a_refund_goes_back_by_the_method_named_in_words() -> None:
    uow = database.open_shop_database()
    owner = _owner(uow)
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow, owner, cart.sale_id, kind="product", description="Oil", unit_cents=9_900
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("wechat", 9_900, reference="WX1")])
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        for key in ("f2", "ctrl+o", "ctrl+f"):
            await pilot.press(key)
            await settle(pilot)
        label = " ".join(str(widget.render()) for widget in app.screen.query(Label))
        assert "Back by (Cash, Bank card, WeChat Pay, Alipay" in label
        await pilot.press(*"allergy", "enter", *"bitcoin", "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#form-message", Static).render())
        assert message.startswith("Back by one of: Cash, Bank card")
        assert stored(select(Refund)) == []
        app.screen.query_one("#refund-tender", Input).value = " cash "
        await pilot.press("enter")
        await settle(pilot)
    paid_back = stored(select(Payment).where(col(Payment.refund_id).is_not(None)))
    assert [(p.tender, p.amount_cents) for p in paid_back] == [("cash", -9_900)]


@pytest.mark.usefixtures("open_till")
async def test_split_payment_with_card_and_cash_gives_change() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#checkout-entry", Input).value = "Hair clip 128"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("down", *"50", "enter")  # bank card 50
        await settle(pilot)
        await pilot.press(*"100", "enter")  # cash: 100 handed over for 78
        await settle(pilot)
    payments = stored(select(Payment).order_by(col(Payment.id)))
    assert [(p.tender, p.amount_cents, p.change_cents) for p in payments] == [
        ("bank_card", 5_000, 0),
        ("cash", 7_800, 2_200),
    ]


async def test_park_then_resume_brings_the_cart_back() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#checkout-entry", Input).value = "Hair clip 128"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press(*"Ms Li", "enter")
        await settle(pilot)
        assert app.screen.query_one("#cart-table", DataTable).row_count == 0
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#cart-table", DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[0] == "Hair clip"
    statuses = sorted(s.status for s in stored(select(Sale)))
    assert statuses == ["open", "voided"]  # the empty cart left behind was voided


@pytest.mark.usefixtures("open_till")
async def test_a_manager_refunds_a_sale_from_the_history() -> None:
    uow = database.open_shop_database()
    owner = _owner(uow)
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow, owner, cart.sale_id, kind="product", description="Oil", unit_cents=9_900
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("cash", 9_900)])
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press(*"allergy", "enter", "enter")
        await settle(pilot)
    (refund,) = stored(select(Refund))
    assert (refund.number, refund.amount_cents, refund.reason) == (
        "R20261122-0001",
        9_900,
        "allergy",
    )


@pytest.mark.usefixtures("open_till")
async def test_day_close_counts_the_drawer_and_shows_the_z_report() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        first = app.screen.query(Input).first()
        first.value = "5"  # five 100-yuan notes: exactly the float
        for _ in range(len(app.screen.query(Input))):
            await pilot.press("enter")
            await settle(pilot)
        assert type(app.screen).__name__ == "ZReportScreen"
        body = str(app.screen.query_one("#z-body").render())
        assert "Day close" in body
        for part in ("Money taken outside sales", "Net takings", "Top-ups, for information"):
            assert part in body
    (session,) = stored(select(DrawerSession))
    assert (session.status, session.counted_cents, session.expected_cents) == (
        "closed",
        50_000,
        50_000,
    )


@pytest.mark.usefixtures("catalogue")
async def test_the_member_is_found_by_name_and_their_level_discount_applies() -> None:
    from salon_tui.services import member_levels, members

    uow = database.open_shop_database()
    owner = _owner(uow)
    member_levels.add_level(uow, owner, name="Platinum", service_discount_bp=1_000)
    members.add_member(uow, owner, name="Zhang Min", level="Platinum")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"Zhang")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        entry = app.screen.query_one("#checkout-entry", Input)
        entry.value = "101"
        entry.focus()
        await pilot.press("enter")
        await settle(pilot)
        member_bar = str(app.screen.query_one("#checkout-member").render())
        assert "Zhang Min" in member_bar
        detail = str(app.screen.query_one("#line-detail").render())
        assert "Platinum: 10 % off" in detail
        assert app.screen.cart.total_cents == 11_520


@pytest.mark.usefixtures("catalogue")
async def test_a_scan_adds_the_item_and_never_lands_in_the_entry_field() -> None:
    from salon_tui.widgets.devices import Scanned

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        entry = app.screen.query_one("#checkout-entry", Input)
        entry.value = "half-typed"
        app.screen.post_message(Scanned("101", "scanner"))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert entry.value == "half-typed"
        app.screen.post_message(Scanned("999999", "scanner"))
        await settle(pilot)
        assert table.row_count == 1  # nothing matched: the cart is unchanged


async def test_a_member_pays_from_stored_value_offered_with_the_balance() -> None:
    from salon_tui.screens.modals.checkout_pay import PaymentModal
    from salon_tui.services import stored_value

    member = _member_holding(50_000)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#checkout-entry", Input).value = "Hair clip 128"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PaymentModal)
        assert "stored_value" not in [t.code for t in modal.tenders]  # no member yet
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"Zhou")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PaymentModal)
        # The member holds stored value: the dialog starts on it.
        assert modal.tenders[modal.tender_index].code == "stored_value"
        assert "Stored value balance: CN¥500.00" in str(modal.query_one("#pay-parts").render())
        await pilot.press("enter")
        await settle(pilot)
    (payment,) = stored(select(Payment))
    assert (payment.tender, payment.amount_cents) == ("stored_value", 12_800)
    uow = database.open_shop_database()
    assert stored_value.get_balance(uow, _owner(uow), member).total_cents == 50_000 - 12_800
    uow.dispose()


@pytest.mark.usefixtures("open_till")
async def test_stored_value_short_of_the_total_pays_its_part_and_cash_the_rest() -> None:
    from salon_tui.screens.modals.checkout_pay import PaymentModal

    _member_holding(5_000)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#checkout-entry", Input).value = "Hair clip 128"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+e", *"Zhou")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PaymentModal)
        assert modal.query_one("#pay-amount", Input).value == "50.00"  # all she holds
        await pilot.press("enter")
        await settle(pilot)
        assert modal.tenders[modal.tender_index].code == "cash"
        assert modal.query_one("#pay-amount", Input).value == "78.00"
        await pilot.press("enter")
        await settle(pilot)
    paid = stored(select(Payment).order_by(col(Payment.id)))
    assert [(p.tender, p.amount_cents) for p in paid] == [("stored_value", 5_000), ("cash", 7_800)]


@pytest.mark.usefixtures("open_till", "catalogue")
async def test_when_the_shop_asks_the_client_rates_the_stylist_after_paying() -> None:
    from salon_tui.data.models import SaleRating
    from salon_tui.screens.modals.rating import RatingModal
    from salon_tui.services import checkout_settings

    uow = database.open_shop_database()
    checkout_settings.update_checkout_settings(uow, _owner(uow), ask_rating=True)
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        for key in ["f2", "1", "0", "1", "enter", "f10", "enter"]:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, RatingModal)
        assert "Tony 张伟" in str(app.screen.query_one("#rating-title", Static).render())
        await pilot.press("enter")  # no stars yet: Enter moves to the comment
        await pilot.press("enter")  # … and saving without stars is refused
        await settle(pilot)
        assert "Choose 1 to 5 stars" in str(app.screen.query_one("#form-message", Static).render())
        await pilot.press("4")
        await pilot.press(*"很满意")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, RatingModal)
    (rating,) = stored(select(SaleRating))
    assert (rating.stars, rating.comment) == (4, "很满意")


@pytest.mark.usefixtures("open_till", "catalogue")
async def test_no_rating_is_asked_unless_the_shop_turns_it_on() -> None:
    from salon_tui.screens.modals.rating import RatingModal

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        for key in ["f2", "1", "0", "1", "enter", "f10", "enter"]:
            await pilot.press(key)
            await settle(pilot)
        assert not isinstance(app.screen, RatingModal)
        assert app.screen.__class__.__name__ == "CheckoutScreen"


@pytest.mark.usefixtures("catalogue")
async def test_a_scan_in_checkout_is_handled_by_checkout_alone() -> None:
    from salon_tui.widgets.devices import Scanned

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        app.screen.post_message(Scanned("999999", "scanner"))
        await settle(pilot)
        said = [notification.message for notification in app._notifications]
        assert any("Nothing matches" in text for text in said)
        assert not any(text.startswith("Scanned 999999") for text in said), said


@pytest.mark.usefixtures("open_till", "catalogue")
async def test_choosing_the_member_shows_their_card_at_a_glance() -> None:
    from salon_tui.services import member_safety, members, stored_value

    uow = database.open_shop_database()
    owner = _owner(uow)
    member = members.add_member(uow, owner, name="Zhou Jie").id
    stored_value.top_up(uow, owner, member, 50_000, "wechat", "4200000001")
    member_safety.add_allergy(uow, owner, member, "PPD")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        assert str(app.screen.query_one("#checkout-member-panel").render()) == ""
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"Zhou")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        panel = str(app.screen.query_one("#checkout-member-panel").render())
        assert "Zhou Jie" in panel
        assert "Stored value CN¥500.00" in panel
        assert "Allergies: PPD" in panel
        await pilot.press("ctrl+e")  # back to a walk-in: the panel goes
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.cart.member_id is None
        assert str(app.screen.query_one("#checkout-member-panel").render()) == ""


@pytest.mark.usefixtures("open_till")
async def test_a_top_up_and_a_service_on_one_cart_paid_split() -> None:
    from salon_tui.data.models import StoredValueEntry
    from salon_tui.services import members, stored_value

    uow = database.open_shop_database()
    member_id = members.add_member(uow, _owner(uow), name="周洁", phone="13800138000").id
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"13800138000")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#checkout-entry", Input).value = "Hair clip 128"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")  # top-up is the first choice for a member
        await settle(pilot)
        await pilot.press("enter", *"1000", "enter")
        await settle(pilot)
        table = app.screen.query_one("#cart-table", DataTable)
        assert table.row_count == 2
        totals = str(app.screen.query_one("#checkout-totals", Static).render())
        assert "1,128.00" in totals
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("down", *"1000", "enter")  # bank card pays the top-up
        await settle(pilot)
        await pilot.press(*"200", "enter")  # cash pays the rest: 200 for 128
        await settle(pilot)
    payments = stored(select(Payment).order_by(col(Payment.id)))
    assert [(p.tender, p.amount_cents, p.change_cents) for p in payments] == [
        ("bank_card", 100_000, 0),
        ("cash", 12_800, 7_200),
    ]
    (entry,) = stored(select(StoredValueEntry))
    assert (entry.kind, entry.principal_cents, entry.sale_id) == (
        "top_up",
        100_000,
        payments[0].sale_id,
    )
    uow = database.open_shop_database()
    try:
        assert stored_value.get_balance(uow, _owner(uow), member_id).principal_cents == 100_000
    finally:
        uow.dispose()


@pytest.mark.usefixtures("open_till")
async def test_the_home_drawer_panel_says_which_top_ups_are_already_in_the_sales() -> None:
    from salon_tui.services import members, sale_cards, stored_value
    from salon_tui.widgets.home_panels import DrawerPanel

    uow = database.open_shop_database()
    owner = _owner(uow)
    member = members.add_member(uow, owner, name="周洁").id
    cart = sales.open_sale(uow, owner, member_id=member)
    cart = sale_cards.add_top_up(uow, owner, cart.sale_id, 50_000)
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("wechat", 50_000, reference="WX1")])
    stored_value.top_up(uow, owner, member, 20_000, "cash", print_receipt=False)
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        text = str(app.screen.query_one(DrawerPanel).query_one(".panel-body").render())
    assert "1 sale, CN¥500.00" in text
    assert "Top-ups: 2, CN¥700.00 (1 on sales, in their total)" in text


@pytest.mark.usefixtures("open_till")
async def test_a_cashier_refunds_a_sale_when_a_manager_enters_their_pin() -> None:
    from textual.widgets import Select

    uow = database.open_shop_database()
    owner = _owner(uow)
    jing = staff.find_staff(uow, PEOPLE["manager"][0])
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow, owner, cart.sale_id, kind="product", description="Oil", unit_cents=9_900
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("cash", 9_900)])
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        for key in ("f2", "ctrl+o", "ctrl+f"):
            await pilot.press(key)
            await settle(pilot)
        approver = app.screen.query_one("#refund-approver", Select)
        assert approver.value != Select.NULL
        approver.value = jing.id
        await pilot.press(*"allergy", "enter", "enter")  # reason → way back → the PIN
        await pilot.press(*"1234", "enter")  # the cashier's own PIN approves nothing
        await settle(pilot)
        message = str(app.screen.query_one("#form-message", Static).render())
        assert message == "Wrong name or PIN."
        assert app.screen.query_one("#refund-approver-pin", Input).value == ""
        assert stored(select(Refund)) == []
        await pilot.press(*PEOPLE["manager"][2], "enter")
        await settle(pilot)
        assert any("Approved by 陈静 Jing." in str(n.message) for n in app._notifications), [
            n.message for n in app._notifications
        ]
    (refund,) = stored(select(Refund))
    assert refund.amount_cents == 9_900
    desk = stored(select(Refund.refunded_by))
    uow = database.open_shop_database()
    assert desk == [staff.find_staff(uow, PEOPLE["desk"][0]).id]
    uow.dispose()


@pytest.mark.usefixtures("open_till")
async def test_p_prints_the_z_report_in_the_shops_language_whatever_the_screen_speaks() -> None:
    from salon_tui.data.models import PrintJob
    from salon_tui.printing.receipt import receipt_from_json
    from salon_tui.services.settings import update_shop_settings

    uow = database.open_shop_database()
    update_shop_settings(uow, _owner(uow), locale="zh_CN")  # a Chinese shop …
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:  # … whose screen speaks English
        await log_in(pilot, "desk")
        for key in ("f2", "ctrl+b", "z"):
            await pilot.press(key)
            await settle(pilot)
        assert type(app.screen).__name__ == "ZReportScreen"
        assert "Net takings" in str(app.screen.query_one("#z-body").render())
        await pilot.press("p")
        await settle(pilot)
    (job,) = stored(select(PrintJob))
    receipt = receipt_from_json(job.document_json)
    labels = [row.label for row in receipt.summary]
    assert receipt.language == "zh_CN"
    assert {"净收入", "销售以外的收款", "各支付方式收入", "应有"} <= set(labels), labels
    assert not [label for label in labels if any("a" <= c.lower() <= "z" for c in label)]


@pytest.mark.usefixtures("open_till")
async def test_the_refund_dialog_has_refund_and_cancel_buttons() -> None:
    uow = database.open_shop_database()
    owner = _owner(uow)
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow, owner, cart.sale_id, kind="product", description="Oil", unit_cents=9_900
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("cash", 9_900)])
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "manager")
        for key in ("f2", "ctrl+o", "ctrl+f"):
            await pilot.press(key)
            await settle(pilot)
        history = app.screen_stack[-2]
        await pilot.click("#cancel")
        await settle(pilot)
        assert app.screen is history
        assert stored(select(Refund)) == []
        await pilot.press("ctrl+f")
        await settle(pilot)
        app.screen.query_one("#refund-reason", Input).value = "allergy"
        await pilot.click("#ok")
        await settle(pilot)
        assert app.screen is history
    (refund,) = stored(select(Refund))
    assert (refund.amount_cents, refund.reason) == (9_900, "allergy")


@pytest.mark.usefixtures("open_till")
async def test_the_member_panel_is_read_again_after_another_area_not_after_a_dialog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from salon_tui.services import checkout_member, stored_value

    member = _member_holding(50_000)
    reads: list[int] = []
    member_panel = checkout_member.member_panel

    def counted(uow: Any, actor: Any, member_id: int) -> Any:
        reads.append(member_id)
        return member_panel(uow, actor, member_id)

    monkeypatch.setattr(checkout_member, "member_panel", counted)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("f2", "ctrl+e", *"Zhou")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert reads == [member]
        await pilot.press("ctrl+e")  # a dialog over checkout, then Esc: nothing to read
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert reads == [member]
        await pilot.press("f1")
        await settle(pilot)
        uow = database.open_shop_database()  # meanwhile, a top-up (F7 at another desk)
        stored_value.top_up(uow, _owner(uow), member, 20_000, "cash")
        uow.dispose()
        await pilot.press("f2")
        await settle(pilot)
        assert reads == [member, member]
        panel = str(app.screen.query_one("#checkout-member-panel").render())
        assert "Stored value CN¥700.00" in panel


@pytest.mark.usefixtures("open_till", "catalogue")
async def test_a_scan_while_the_sale_is_still_opening_is_kept_for_it() -> None:
    from salon_tui.screens.checkout import CheckoutScreen
    from salon_tui.widgets.devices import Scanned

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await settle(pilot)
        app.action_open_area("checkout")  # F2: built behind home, its sale opens now
        screen = app.screen
        assert isinstance(screen, CheckoutScreen) and screen.cart is None
        screen.post_message(Scanned("101", "scanner"))  # before the sale is open
        await settle(pilot)
        assert screen.cart is not None
        assert [line.description for line in screen.cart.lines] == ["Cut 剪发"]
