"""How the login and home screens look, in English and 简体中文.

Regenerate on purpose with ``pytest tests/snapshots --snapshot-update`` and read the diff.
"""

from __future__ import annotations

import pytest

from salon_tui import i18n
from salon_tui.app import SalonApp
from tests.tui.conftest import log_in, settle, steady_cursor

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_login_screen(snap_compare, locale: str, size: tuple[int, int]) -> None:
    i18n.install(locale)

    async def ready(pilot) -> None:
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_home_screen_for_the_owner(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def logged_in(pilot) -> None:
        await log_in(pilot, "owner")
        await settle(pilot)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=logged_in)


def test_lock_screen(snap_compare) -> None:
    async def locked(pilot) -> None:
        await log_in(pilot, "desk")
        await pilot.press("ctrl+l")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=locked)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_staff_settings(snap_compare, locale: str) -> None:
    i18n.install(locale)

    async def staff_list(pilot) -> None:
        await log_in(pilot, "owner")
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=staff_list)


@pytest.fixture
def member_with_allergy() -> None:
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import cards, database, member_safety, members, staff

    uow = database.open_shop_database()
    found = staff.find_staff(uow, "王芳")
    owner = Actor(found.id, found.name, Role.OWNER)
    for name, phone in [("王芳芳", "13800138001"), ("汪帆", "13600136000")]:
        members.add_member(uow, owner, name=name, phone=phone, birthday="1992-05-20")
    added = members.add_member(
        uow,
        owner,
        name="王芳",
        phone="13800138000",
        birthday="1990-03-05",
        tags="VIP, 老客",
        level="Gold",
        notes="喜欢短发 likes it short",
    )
    cards.issue_card(uow, owner, added.id, "V100000")
    member_safety.add_allergy(uow, owner, added.id, "PPD", "头皮红肿", "severe")
    uow.dispose()


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_members_screen_with_an_allergy_warning(
    snap_compare, locale: str, member_with_allergy: None
) -> None:
    i18n.install(locale)

    async def searched(pilot) -> None:
        await log_in(pilot, "desk")
        await pilot.press("f3")
        await settle(pilot)
        for key in "wangf":
            await pilot.press(key)
        await settle(pilot)
        await pilot.press("enter", "down")
        await settle(pilot)
        steady_cursor(pilot.app)

    assert snap_compare(SalonApp(), terminal_size=(120, 36), run_before=searched)
