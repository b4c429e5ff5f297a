"""Packages (次卡): templates, sale, uses, expiry, transfer, pro-rata refund, ledger check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import database, members, packages, stored_value
from tests.services.catalog_helpers import make_service


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock) -> tuple[int, int]:
    make_service(uow, owner, "S001", name="洗吹", price=6_800)
    make_service(uow, owner, "S002", name="头皮护理", price=28_800)
    packages.add_template(uow, owner, "洗吹10次", 58_000, 180, [("S001", 10)])
    packages.add_template(
        uow, owner, "头皮疗程", 150_000, 90, [("S002", 5), ("S001", 5)], refundable=False
    )
    one = members.add_member(uow, owner, name="李娜").id
    two = members.add_member(uow, owner, name="赵敏").id
    return one, two


def test_a_template_holds_services_with_counts(uow: UnitOfWork, owner: Actor, shop) -> None:
    listed = {t.name: t for t in packages.list_templates(uow, owner)}
    assert listed["头皮疗程"].items == (("头皮护理", 5), ("洗吹", 5))
    assert listed["洗吹10次"].total_uses == 10 and listed["洗吹10次"].refundable
    with pytest.raises(NotFound):
        packages.add_template(uow, owner, "x", 100, 30, [("NOPE", 1)])
    with pytest.raises(ValidationError):
        packages.add_template(uow, owner, "y", 100, 0, [("S001", 1)])
    with pytest.raises(Conflict, match="already"):
        packages.add_template(uow, owner, "洗吹10次", 100, 30, [("S001", 1)])


def test_selling_and_using_a_package(uow: UnitOfWork, owner: Actor, shop) -> None:
    member, _other = shop
    sold = packages.sell_package(uow, owner, member, "洗吹10次", "wechat", "WX1")
    assert (sold.uses_left, sold.expires_on) == (10, date(2026, 11, 22) + timedelta(days=179))
    used = packages.use_package(uow, owner, sold.id, None, "walk-in visit")
    assert used.uses_left == 9
    assert [u.kind for u in packages.package_history(uow, owner, sold.id)] == ["sold", "use"]
    assert all(result.ok for result in database.check(uow))


def test_a_package_of_several_services_needs_the_service_named(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    member, _other = shop
    sold = packages.sell_package(uow, owner, member, "头皮疗程", "alipay", "AL1")
    with pytest.raises(ValidationError, match="say which one"):
        packages.use_package(uow, owner, sold.id, None, "visit")
    used = packages.use_package(uow, owner, sold.id, "S002", "visit")
    assert {i.service_name: i.uses_left for i in used.items} == {"头皮护理": 4, "洗吹": 5}


def test_uses_run_out_and_the_package_expires(uow: UnitOfWork, owner: Actor, shop, clock) -> None:
    member, other = shop
    packages.add_template(uow, owner, "体验2次", 10_000, 7, [("S001", 2)])
    sold = packages.sell_package(uow, owner, member, "体验2次", "wechat", "WX")
    with pytest.raises(Conflict, match="another member"):
        packages.use_package(uow, owner, sold.id, None, "visit", member_id=other)
    packages.use_package(uow, owner, sold.id, None, "visit")
    packages.use_package(uow, owner, sold.id, None, "visit")
    with pytest.raises(Conflict, match="No uses"):
        packages.use_package(uow, owner, sold.id, None, "visit")
    again = packages.sell_package(uow, owner, member, "体验2次", "wechat", "WX")
    clock.shift(timedelta(days=6))
    packages.use_package(uow, owner, again.id, None, "last valid day")
    clock.shift(timedelta(days=1))
    with pytest.raises(Conflict, match="expired"):
        packages.use_package(uow, owner, again.id, None, "too late")
    assert packages.member_packages(uow, owner, member) == []
    assert len(packages.member_packages(uow, owner, member, include_finished=True)) == 2


def test_transfer_is_for_managers(
    uow: UnitOfWork, owner: Actor, shop, make_actor: Callable[..., Actor]
) -> None:
    member, other = shop
    sold = packages.sell_package(uow, owner, member, "洗吹10次", "wechat", "WX")
    desk = make_actor(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        packages.transfer_package(uow, desk, sold.id, other, "gift")
    moved = packages.transfer_package(uow, owner, sold.id, other, "gift to her sister")
    assert moved.member_id == other and moved.uses_left == 10
    assert packages.member_packages(uow, owner, member) == []


def test_refund_of_unused_uses_is_pro_rata_when_allowed(
    uow: UnitOfWork, owner: Actor, shop
) -> None:
    member, _other = shop
    sold = packages.sell_package(uow, owner, member, "洗吹10次", "wechat", "WX")
    for _ in range(3):
        packages.use_package(uow, owner, sold.id, None, "visit")
    refund = packages.refund_package(uow, owner, sold.id, "stored_value", "moving")
    assert (refund.uses_refunded, refund.refunded_cents) == (7, 40_600)
    assert stored_value.get_balance(uow, owner, member).principal_cents == 40_600
    with pytest.raises(Conflict, match="refunded"):
        packages.use_package(uow, owner, sold.id, None, "visit")
    fixed = packages.sell_package(uow, owner, member, "头皮疗程", "wechat", "WX")
    with pytest.raises(Conflict, match="cannot be refunded"):
        packages.refund_package(uow, owner, fixed.id, "cash", "no")
    assert all(result.ok for result in database.check(uow))


def test_paying_a_package_from_stored_value(uow: UnitOfWork, owner: Actor, shop) -> None:
    member, _other = shop
    stored_value.top_up(uow, owner, member, 50_000, "wechat", "WX")
    with pytest.raises(Conflict, match="only"):
        packages.sell_package(uow, owner, member, "洗吹10次", "stored_value")
    assert packages.member_packages(uow, owner, member) == []
    stored_value.top_up(uow, owner, member, 10_000, "wechat", "WX2")
    packages.sell_package(uow, owner, member, "洗吹10次", "stored_value", key="k1")
    packages.sell_package(uow, owner, member, "洗吹10次", "stored_value", key="k1")
    assert stored_value.get_balance(uow, owner, member).principal_cents == 2_000
    assert len(packages.member_packages(uow, owner, member)) == 1
