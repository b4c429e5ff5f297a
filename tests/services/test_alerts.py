"""Alerts: the shop's rules flag unusual activity in the action's own transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import col, func, select

from salon_tui.data.models import AlertFlag, AuditEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import alerts, drawer, members, points, refunds, sales, schedule
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


@pytest.fixture
def desk(make_actor: Callable[..., Actor], clock: time_machine.Coordinates) -> Actor:
    return make_actor(Role.FRONT_DESK, "Nina")


@pytest.fixture
def manager(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.MANAGER, "Lily")


@pytest.fixture
def till(uow: UnitOfWork, owner: Actor, desk: Actor) -> None:
    drawer.open_drawer(uow, owner, 100_000)


def sell(
    uow: UnitOfWork, actor: Actor, cents: int, *, member_id: int | None = None
) -> tuple[int, int]:
    cart = sales.open_sale(uow, actor, member_id=member_id)
    cart = sales.add_line(
        uow,
        actor,
        cart.sale_id,
        kind="service",
        description="Perm 烫发",
        unit_cents=cents,
        category="hair",
        staff=[StaffShare(actor.staff_id or 0)],
    )
    line_id = cart.lines[0].id
    return cart.sale_id, line_id


def pay(uow: UnitOfWork, actor: Actor, sale_id: int) -> None:
    cart = sales.get_cart(uow, actor, sale_id)
    pay_sale(uow, actor, sale_id, [PaymentIn("cash", cart.total_cents)])


def flags(uow: UnitOfWork) -> list[AlertFlag]:
    with uow.read() as session:
        return list(session.exec(select(AlertFlag).order_by(col(AlertFlag.id))))


def test_a_sale_above_the_limit_is_flagged_with_its_number_and_amount(
    uow: UnitOfWork, owner: Actor, desk: Actor, manager: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, sale_above_cents=100_000)
    small, _line = sell(uow, desk, 100_000)
    pay(uow, desk, small)
    assert flags(uow) == []  # at the limit is not above it
    big, _line = sell(uow, desk, 128_000)
    pay(uow, desk, big)
    found = alerts.list_alerts(uow, manager)
    assert [view.kind for view in found] == ["large_sale"]
    assert found[0].staff_name == "Nina"
    assert found[0].summary == "Sale 20261122-0002 for CN¥1,280.00, above the CN¥1,000.00 limit."
    with uow.read() as session:
        raised = session.exec(
            select(func.count()).where(col(AuditEntry.action) == "alert.raised")
        ).one()
    assert raised == 1


def test_a_zero_limit_turns_the_rule_off(
    uow: UnitOfWork, owner: Actor, desk: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, sale_above_cents=0)
    sale_id, _line = sell(uow, desk, 900_000)
    pay(uow, desk, sale_id)
    assert flags(uow) == []


def test_a_large_manual_discount_is_flagged_with_its_share_of_the_list_price(
    uow: UnitOfWork, owner: Actor, manager: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, manual_discount_above_bp=3_000)
    sale_id, line_id = sell(uow, manager, 20_000)
    sales.discount_line(uow, manager, sale_id, line_id, percent_bp=5_000, reason="friend")
    pay(uow, manager, sale_id)
    found = alerts.list_alerts(uow, owner)
    assert [view.kind for view in found] == ["big_discount"]
    assert "50% of its list price (limit 30%)" in found[0].summary


def test_one_card_paying_sales_again_and_again_is_flagged_once_the_count_is_reached(
    uow: UnitOfWork,
    owner: Actor,
    desk: Actor,
    till: None,
    clock: time_machine.Coordinates,
) -> None:
    alerts.update_rules(uow, owner, card_uses=3, card_window_minutes=10)
    member = members.add_member(uow, desk, name="张三", phone="13800138000")
    for _ in range(2):
        sale_id, _line = sell(uow, desk, 5_000, member_id=member.id)
        pay(uow, desk, sale_id)
        clock.shift(timedelta(minutes=4))
    assert flags(uow) == []
    sale_id, _line = sell(uow, desk, 5_000, member_id=member.id)
    pay(uow, desk, sale_id)
    found = alerts.list_alerts(uow, owner)
    assert [view.kind for view in found] == ["card_burst"]
    assert found[0].summary.startswith("张三's card paid 3 sales within 10 minutes")
    clock.shift(timedelta(minutes=30))
    sale_id, _line = sell(uow, desk, 5_000, member_id=member.id)
    pay(uow, desk, sale_id)
    assert len(flags(uow)) == 1  # the window moved on


def test_a_refund_above_the_limit_is_flagged(
    uow: UnitOfWork, owner: Actor, desk: Actor, manager: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, refund_above_cents=10_000, sale_above_cents=0)
    sale_id, _line = sell(uow, desk, 38_000)
    pay(uow, desk, sale_id)
    refunds.refund_sale(uow, manager, sale_id, key="r1", reason="unhappy")
    found = alerts.list_alerts(uow, owner)
    assert [view.kind for view in found] == ["large_refund"]
    assert "of CN¥380.00 on sale 20261122-0001" in found[0].summary


def test_money_moved_outside_opening_hours_is_flagged_and_inside_is_not(
    uow: UnitOfWork,
    owner: Actor,
    desk: Actor,
    till: None,
    clock: time_machine.Coordinates,
) -> None:
    # The frozen clock says 10:00 on a Sunday in Shanghai.
    schedule.set_shop_hours(uow, owner, [6], "11:00-20:00")
    sale_id, _line = sell(uow, desk, 5_000)
    pay(uow, desk, sale_id)
    found = alerts.list_alerts(uow, owner)
    assert [view.kind for view in found] == ["outside_hours"]
    assert found[0].summary == "A sale at 2026-11-22 10:00, outside opening hours (11:00-20:00)."
    clock.shift(timedelta(hours=2))
    sale_id, _line = sell(uow, desk, 5_000)
    pay(uow, desk, sale_id)
    assert len(flags(uow)) == 1


def test_a_shop_without_opening_hours_gets_no_outside_hours_flags(
    uow: UnitOfWork, desk: Actor, till: None
) -> None:
    sale_id, _line = sell(uow, desk, 5_000)
    pay(uow, desk, sale_id)
    assert flags(uow) == []


def test_points_changed_by_hand_are_flagged_with_the_reason(
    uow: UnitOfWork, owner: Actor, manager: Actor, desk: Actor
) -> None:
    member = members.add_member(uow, desk, name="王芳", phone="13900139000")
    points.adjust(uow, manager, member.id, 500, "lost card goodwill")
    found = alerts.list_alerts(uow, owner)
    assert [view.kind for view in found] == ["manual_balance"]
    assert found[0].summary == (
        "Points adjusted by hand for 王芳: +500 points, reason: lost card goodwill."
    )
    alerts.update_rules(uow, owner, manual_balance_changes=False)
    points.adjust(uow, manager, member.id, -100, "typo")
    assert len(flags(uow)) == 1


def test_a_refused_action_leaves_no_flag(
    uow: UnitOfWork, owner: Actor, desk: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, sale_above_cents=1_000)
    sale_id, _line = sell(uow, desk, 5_000)
    with pytest.raises(ValidationError):
        pay_sale(uow, desk, sale_id, [PaymentIn("cash", 100)])
    assert flags(uow) == []


def test_a_manager_dismisses_a_flag_with_a_note_and_it_leaves_the_open_list(
    uow: UnitOfWork, owner: Actor, desk: Actor, manager: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, sale_above_cents=1_000)
    sale_id, _line = sell(uow, desk, 5_000)
    pay(uow, desk, sale_id)
    (flag,) = alerts.list_alerts(uow, manager)
    assert alerts.open_count(uow, manager) == 1
    with pytest.raises(ValidationError, match="note is needed"):
        alerts.dismiss(uow, manager, flag.id, "  ")
    done = alerts.dismiss(uow, manager, flag.id, "bridal party, paid by WeChat")
    assert (done.status, done.reviewed_by_name, done.review_note) == (
        "dismissed",
        "Lily",
        "bridal party, paid by WeChat",
    )
    assert alerts.list_alerts(uow, manager) == []
    assert [view.id for view in alerts.list_alerts(uow, manager, include_dismissed=True)] == [
        flag.id
    ]
    with pytest.raises(Conflict, match="already reviewed"):
        alerts.dismiss(uow, manager, flag.id, "again")
    with pytest.raises(NotFound):
        alerts.dismiss(uow, manager, 999, "what")


def test_nobody_but_the_owner_dismisses_a_flag_on_their_own_action(
    uow: UnitOfWork, owner: Actor, manager: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, sale_above_cents=1_000)
    sale_id, _line = sell(uow, manager, 5_000)
    pay(uow, manager, sale_id)
    (flag,) = alerts.list_alerts(uow, manager)
    with pytest.raises(PermissionDenied, match="your own action"):
        alerts.dismiss(uow, manager, flag.id, "fine")
    assert alerts.dismiss(uow, owner, flag.id, "checked the till").status == "dismissed"


def test_only_the_owner_changes_the_rules_and_bad_values_change_nothing(
    uow: UnitOfWork, owner: Actor, manager: Actor, desk: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        alerts.update_rules(uow, manager, sale_above_cents=0)
    with pytest.raises(PermissionDenied):
        alerts.list_alerts(uow, desk)
    before = alerts.get_rules(uow, owner)
    for bad in (
        {"sale_above_cents": -1},
        {"manual_discount_above_bp": 10_000},
        {"card_uses": 1},
        {"card_window_minutes": 0},
        {"nonsense": 1},
    ):
        with pytest.raises(ValidationError):
            alerts.update_rules(uow, owner, **bad)
    assert alerts.get_rules(uow, owner) == before
    changed = alerts.update_rules(uow, owner, top_up_above_cents=500_000, outside_hours=False)
    assert (changed.top_up_above_cents, changed.outside_hours) == (500_000, False)
    assert alerts.get_rules(uow, manager) == changed


def test_a_top_up_above_the_limit_is_flagged_with_the_member(
    uow: UnitOfWork, owner: Actor, desk: Actor, till: None
) -> None:
    from salon_tui.services import stored_value

    alerts.update_rules(uow, owner, top_up_above_cents=200_000)
    member = members.add_member(uow, desk, name="李雷", phone="13700137000")
    stored_value.top_up(uow, desk, member.id, 200_000, "cash")
    assert flags(uow) == []
    stored_value.top_up(uow, desk, member.id, 300_000, "wechat", reference="wx-889")
    (found,) = alerts.list_alerts(uow, owner)
    assert found.summary == "Top-up of CN¥3,000.00 for 李雷, above the CN¥2,000.00 limit."


def test_what_the_owner_does_is_not_flagged(
    uow: UnitOfWork, owner: Actor, desk: Actor, till: None
) -> None:
    alerts.update_rules(uow, owner, sale_above_cents=1_000)
    member = members.add_member(uow, desk, name="韩梅梅", phone="13600136000")
    points.adjust(uow, owner, member.id, 100, "opening")
    sale_id, _line = sell(uow, owner, 5_000)
    pay(uow, owner, sale_id)
    assert flags(uow) == []


def test_money_taken_outside_a_sale_out_of_hours_is_flagged_once_and_a_card_on_a_sale_is_not_twice(
    uow: UnitOfWork, owner: Actor, desk: Actor, till: None
) -> None:
    from salon_tui.services import gift_cards, packages, sale_cards
    from tests.services.catalog_helpers import make_service

    make_service(uow, owner, "S001", name="洗吹", price=6_000)
    packages.add_template(uow, owner, "洗吹10次", 58_000, 180, [("S001", 10)])
    member_id = members.add_member(uow, owner, name="周洁").id
    schedule.set_shop_hours(uow, owner, [6], "11:00-20:00")  # it is 10:00 on a Sunday
    packages.sell_package(uow, desk, member_id, "洗吹10次", "cash")
    gift_cards.sell(uow, desk, 20_000, "wechat", key="g-1", reference="WX1", print_receipt=False)
    summaries = [view.summary for view in alerts.list_alerts(uow, owner)]
    assert summaries == [
        "A gift card sold at 2026-11-22 10:00, outside opening hours (11:00-20:00).",
        "A package sold at 2026-11-22 10:00, outside opening hours (11:00-20:00).",
    ]
    sale_id = sales.open_sale(uow, desk, member_id=member_id).sale_id
    sale_cards.add_top_up(uow, desk, sale_id, 50_000)
    sale_cards.add_package(uow, desk, sale_id, "洗吹10次")
    pay(uow, desk, sale_id)
    assert [flag.action for flag in flags(uow)].count("sales.pay") == 1
    assert len(flags(uow)) == 3  # the sale's flag, not its top-up's or package's too
