"""The member panel at checkout: balances, packages, points, coupons, safety, next booking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import NotFound, PermissionDenied
from salon_tui.services import (
    booking_status,
    bookings,
    checkout_member,
    coupons,
    member_safety,
    members,
    packages,
    points,
    stored_value,
)
from salon_tui.services.bookings import LineRequest
from tests.services.booking_helpers import at, make_shop

pytestmark = pytest.mark.usefixtures("clock")  # Sunday 2026-11-22 10:00 Shanghai

TODAY = date(2026, 11, 22)


def test_the_panel_shows_what_the_desk_needs(uow: UnitOfWork, owner: Actor) -> None:
    shop = make_shop(uow, owner)
    member = members.add_member(uow, owner, name="李伟", phone="13800138000").id
    stored_value.top_up(uow, owner, member, 100_000, "wechat", reference="wx1")
    points.adjust(uow, owner, member, 1_200, "welcome")
    packages.add_template(uow, owner, "精剪5次卡", 50_000, 30, [("C01", 5)])
    packages.sell_package(uow, owner, member, "精剪5次卡", "wechat", reference="wx2")
    template = coupons.add_template(
        uow, owner, name="满200减30", kind="voucher", amount_cents=3_000, valid_days=30
    )
    coupons.issue(uow, owner, template.id, member)
    member_safety.add_allergy(uow, owner, member, "PPD", "rash")
    member_safety.add_patch_test(uow, owner, member, TODAY - timedelta(days=10), "X", "pass")
    member_safety.add_patch_test(uow, owner, member, TODAY - timedelta(days=3), "L", "fail", "lash")
    bookings.book(uow, owner, [LineRequest(shop.cut, shop.tony.staff_id)],
                  at("2026-11-23", "15:00"), member_id=member)  # fmt: skip
    later = bookings.book(uow, owner, [LineRequest(shop.cut, shop.tony.staff_id)],
                          at("2026-11-22", "16:00"), member_id=member)  # fmt: skip
    booking_status.cancel(uow, owner, later.id, reason="changed plans")

    panel = checkout_member.member_panel(uow, shop.desk, member)

    assert (panel.name, panel.principal_cents, panel.bonus_cents) == ("李伟", 100_000, 0)
    assert panel.points == 1_200
    assert [(p.name, p.service, p.uses_left) for p in panel.packages] == [("精剪5次卡", "精剪", 5)]
    assert panel.packages[0].expires_on == date(2026, 12, 21)  # 30 days, today the first
    assert panel.coupons == ("满200减30",)
    assert panel.allergies == ("PPD",)
    assert [(t.category, t.valid) for t in panel.patch_tests] == [("colour", True), ("lash", False)]
    assert panel.next_booking is not None  # the cancelled one today does not count
    assert panel.next_booking.starts_at == at("2026-11-23", "15:00")
    assert panel.next_booking.services == "精剪 · Tony"


def test_a_new_member_has_an_empty_panel(uow: UnitOfWork, owner: Actor, make_actor) -> None:
    desk = make_actor(Role.FRONT_DESK)
    member = members.add_member(uow, owner, name="Zhou Jie").id
    panel = checkout_member.member_panel(uow, desk, member)
    assert (panel.stored_value_cents, panel.points, panel.packages, panel.coupons) == (0, 0, (), ())
    assert (panel.allergies, panel.patch_tests, panel.next_booking) == ((), (), None)
    assert not panel.low_balance


def test_used_up_and_expired_things_are_left_out(clock, uow: UnitOfWork, owner: Actor) -> None:
    make_shop(uow, owner)
    member = members.add_member(uow, owner, name="Wang Fang").id
    packages.add_template(uow, owner, "精剪2次卡", 20_000, 10, [("C01", 2)])
    packages.sell_package(uow, owner, member, "精剪2次卡", "wechat", reference="wx3")
    template = coupons.add_template(
        uow, owner, name="8折券", kind="percent", percent_bp=2_000, valid_days=5
    )
    coupons.issue(uow, owner, template.id, member)
    clock.shift(timedelta(days=11))
    panel = checkout_member.member_panel(uow, owner, member)
    assert (panel.packages, panel.coupons) == ((), ())


def test_who_cannot_sell_sees_no_panel(uow: UnitOfWork, owner: Actor, make_actor) -> None:
    member = members.add_member(uow, owner, name="Zhou Jie").id
    with pytest.raises(PermissionDenied):
        checkout_member.member_panel(uow, make_actor(Role.STYLIST), member)
    with pytest.raises(NotFound):
        checkout_member.member_panel(uow, owner, 99_999)
