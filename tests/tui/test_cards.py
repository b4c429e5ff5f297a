"""The Cards area (F7): find a member, top up with a promotion, sell a package, use it;
actions a person may not use are not offered."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static

from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.cards import CardsScreen
from salon_tui.screens.modals.prepaid_forms import PrepaidFormModal
from salon_tui.services import (
    cards,
    catalog,
    categories,
    database,
    members,
    packages,
    staff,
    stored_value,
    top_up_promotions,
)
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


def seed_prepaid_shop(with_history: bool = False) -> int:
    """A promotion, a package template and a member (王芳, card V100000); her id."""
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    top_up_promotions.add_promotion(uow, owner, "充1000送200", 100_000, bonus_cents=20_000)
    categories.add_category(uow, owner, "洗护", "Wash")
    catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="W01", name="洗吹造型", category="洗护", price_cents=5_800, duration_min=30
        ),
    )
    packages.add_template(uow, owner, "洗吹10次卡", 48_000, 180, [("W01", 10)])
    member = members.add_member(uow, owner, name="王芳", phone="13800138000").id
    cards.issue_card(uow, owner, member, "V100000")
    if with_history:
        stored_value.top_up(uow, owner, member, 100_000, "wechat", "4200000001")
        stored_value.top_up(uow, owner, member, 30_000, "alipay", "2088000002", "生日")
        sold = packages.sell_package(uow, owner, member, "洗吹10次卡", "stored_value")
        packages.use_package(uow, owner, sold.id, None, "到店核销")
    uow.dispose()
    return member


async def open_cards(pilot, who: str = "desk", query: str = "V100000") -> CardsScreen:
    await log_in(pilot, who)
    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CardsScreen)
    screen.query_one("#cards-search", Input).value = query
    await settle(pilot)
    return screen


def panel(screen: CardsScreen, key: str) -> str:
    return str(screen.query_one(f"#panel-{key}", Static).content)


async def fill(pilot, **values: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, PrepaidFormModal)
    for key, value in values.items():
        widget = modal.query_one(f"#field-{key}")
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await settle(pilot)


async def test_top_up_with_a_promotion_from_the_cards_screen() -> None:
    member = seed_prepaid_shop()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot)
        assert "王芳" in str(screen.query_one("#cards-member", Static).content)
        assert "No stored value yet" in panel(screen, "stored_value")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await fill(pilot, amount="1000", method="wechat", reference="4200009999")
        assert "充1000送200 applies" in str(
            pilot.app.screen.query_one("#form-hint", Static).content
        )
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "1,200.00" in panel(screen, "stored_value")
        ledger = screen.query_one("#cards-ledger", DataTable)
        assert ledger.row_count == 1
    uow = database.open_shop_database()
    owner = Actor(1, "王芳", Role.OWNER)
    balance = stored_value.get_balance(uow, owner, member)
    assert (balance.principal_cents, balance.bonus_cents) == (100_000, 20_000)
    uow.dispose()


async def test_a_refused_top_up_keeps_the_form_open_and_saves_nothing() -> None:
    member = seed_prepaid_shop()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_cards(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await fill(pilot, amount="1000", method="wechat", reference="")
        await pilot.press("enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, PrepaidFormModal)
        assert "reference" in str(modal.query_one("#form-message", Static).content)
    uow = database.open_shop_database()
    assert stored_value.get_balance(uow, Actor(1, "王芳", Role.OWNER), member).status == "none"
    uow.dispose()


async def test_sell_a_package_and_use_it() -> None:
    seed_prepaid_shop()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        await fill(pilot, method="alipay", reference="2088000001")
        await pilot.press("enter")
        await settle(pilot)
        assert "洗吹10次卡" in panel(screen, "packages") and "10/10" in panel(screen, "packages")
        await pilot.press("ctrl+u")
        await settle(pilot)
        await fill(pilot, reason="到店核销")
        await pilot.press("enter")
        await settle(pilot)
        assert "9/10" in panel(screen, "packages")


async def test_a_manager_refunds_a_package_by_wechat_and_the_day_close_counts_it() -> None:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.services import drawer
    from salon_tui.services.sales_reports import day_summary

    member = seed_prepaid_shop()
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    drawer.open_drawer(uow, owner, 50_000)
    sold = packages.sell_package(uow, owner, member, "洗吹10次卡", "cash")
    packages.use_package(uow, owner, sold.id, None, "到店核销")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot, "manager")
        await pilot.press("ctrl+f")
        await settle(pilot)
        await fill(pilot, method="wechat", reference="4200000009", reason="搬家")
        await pilot.press("enter")
        await settle(pilot)
        assert "洗吹10次卡" not in panel(screen, "packages")
    uow = database.open_shop_database()
    today = business_date(utc_now(), "Asia/Shanghai")
    figures = day_summary(uow, owner, today)
    uow.dispose()
    takings = {t.tender: (t.taken_cents, t.refunded_cents) for t in figures.tenders}
    assert takings == {"cash": (48_000, 0), "wechat": (0, 43_200)}  # 9 of 10 uses back


async def test_a_front_desk_is_not_offered_undo_close_or_transfer() -> None:
    seed_prepaid_shop(with_history=True)
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot, "desk")
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert pilot.app.screen is screen  # no closing form for the desk
        keys = set(screen._bindings.key_to_bindings)
        assert "ctrl+t" in keys and "ctrl+k" not in keys and "ctrl+z" not in keys


async def test_a_top_up_queues_its_receipt_and_the_print_jobs_list_previews_it() -> None:
    from salon_tui.widgets.print_jobs import PrintJobsTable
    from salon_tui.widgets.receipt_preview import ReceiptPreviewModal
    from tests.tui.test_hardware_screens import PRINTER_SECTION, open_settings

    seed_prepaid_shop()
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_cards(pilot, "manager")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await fill(pilot, amount="1000", method="alipay", reference="2088001")
        await pilot.press("enter")
        await settle(pilot)
        assert any("Receipt T000001 queued." in str(n.message) for n in app._notifications)
        await pilot.press("f1")
        await settle(pilot)
        await open_settings(pilot, PRINTER_SECTION)
        table = app.screen.query_one(PrintJobsTable)
        await settle(pilot)
        assert [job.kind for job in table.jobs] == ["top_up"]
        table.focus()
        await pilot.press("v")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ReceiptPreviewModal)
        assert "TOP-UP RECEIPT" in "\n".join(preview.lines)
        assert "No.: T000001" in preview.lines
        assert "Top-up" + " " * 34 + "1,000.00" in preview.lines
        assert "Bonus" + " " * 37 + "200.00" in preview.lines
        assert "Alipay 2088001" + " " * 26 + "1,000.00" in preview.lines


async def test_a_front_desk_refunds_a_package_when_a_manager_enters_their_pin() -> None:
    from salon_tui.services import drawer

    member = seed_prepaid_shop()
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    jing = staff.find_staff(uow, PEOPLE["manager"][0])
    drawer.open_drawer(uow, owner, 50_000)
    sold = packages.sell_package(uow, owner, member, "洗吹10次卡", "cash")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cards(pilot, "desk")
        await pilot.press("ctrl+f")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, PrepaidFormModal)
        assert modal.query_one("#field-approver_pin", Input).password
        await fill(pilot, reason="搬家", approver=str(jing.id), approver_pin="1234")
        await pilot.press("enter")
        await settle(pilot)
        assert "Wrong name or PIN" in str(modal.query_one("#form-message", Static).content)
        assert "洗吹10次卡" in panel(screen, "packages")
        await fill(pilot, approver_pin=PEOPLE["manager"][2])
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "洗吹10次卡" not in panel(screen, "packages")
    uow = database.open_shop_database()
    with uow.read() as session:
        from salon_tui.data.models import MemberPackage

        refunded = session.get(MemberPackage, sold.id)
        assert refunded is not None and refunded.status == "refunded"
    uow.dispose()
