"""How checkout looks: an empty cart, a cart with a discount, and paying — in English
and 简体中文. Regenerate with ``pytest tests/snapshots --snapshot-update`` and read the diff."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from salon_tui import i18n
from salon_tui.app import SalonApp
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import database, drawer, staff
from tests.tui.conftest import PEOPLE, log_in, settle, steady_cursor

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.fixture
def open_till(shop_on_disk: object) -> None:
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    drawer.open_drawer(uow, Actor(found.id, found.name, Role.OWNER), 50_000)
    uow.dispose()


async def _checkout(pilot) -> None:
    await log_in(pilot, "desk")
    await pilot.press("f2")
    await settle(pilot)


async def _with_lines(pilot) -> None:
    await _checkout(pilot)
    entry = pilot.app.screen.query_one("#checkout-entry", Input)
    for text in ("洗吹 Blow dry 58", "Hair oil 护发精油 128.50"):
        entry.value = text
        await pilot.press("enter")
        await settle(pilot)
    await pilot.press("ctrl+d")
    await settle(pilot)
    await pilot.press(*"10", "enter", *"regular", "enter")
    await settle(pilot)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_checkout_empty_cart(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await _checkout(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=ready)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_checkout_cart_with_a_discount_explained(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await _with_lines(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=ready)


@pytest.mark.usefixtures("open_till")
@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_checkout_paying_split_with_change(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await _with_lines(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("down", *"100", "enter")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=ready)


@pytest.fixture
def member_and_package(shop_on_disk: object) -> None:
    """周洁 (phone 13800138000) and a package of ten blow-dries on sale."""
    from salon_tui.services import members, packages
    from tests.services.catalog_helpers import make_service

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    members.add_member(uow, owner, name="周洁", phone="13800138000")
    make_service(uow, owner, "S001", name="洗吹 Blow dry", price=5_800)
    packages.add_template(uow, owner, "洗吹10次 10 blow-dries", 48_000, 180, [("S001", 10)])
    uow.dispose()


@pytest.mark.usefixtures("member_and_package")
@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("dialog_open", [False, True], ids=["cart", "dialog"])
def test_checkout_selling_a_top_up_beside_a_service(
    snap_compare, locale: str, dialog_open: bool
) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await _checkout(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"13800138000")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.query_one("#checkout-entry", Input).value = "Hair oil 护发精油 128.50"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("enter", *"1000", "enter")
        await settle(pilot)
        if dialog_open:
            await pilot.press("ctrl+y")
            await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=ready)


@pytest.fixture
def member_with_warnings(shop_on_disk: object) -> None:
    """周洁 (phone 13800138000) is allergic to PPD and failed a colour patch test in
    October; D01 染发 needs a valid patch test."""
    from salon_tui.services import catalog, categories, member_safety, members

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    member = members.add_member(uow, owner, name="周洁", phone="13800138000").id
    member_safety.add_allergy(uow, owner, member, "PPD 对苯二胺", "红肿 rash", "severe")
    member_safety.add_patch_test(uow, owner, member, "2026-10-30", "欧莱雅 L'Oréal", "fail")
    categories.add_category(uow, owner, "烫染", "Colour")
    catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="D01",
            name="染发",
            name_en="Colour",
            category="烫染",
            price_cents=38_800,
            duration_min=120,
            needs_patch_test=True,
        ),
    )
    uow.dispose()


@pytest.mark.usefixtures("member_with_warnings")
@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_checkout_member_with_allergy_and_patch_test_warnings(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await _checkout(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"13800138000")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.screen.query_one("#checkout-entry", Input).value = "D01"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # who does it: the first stylist offered
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=ready)
