"""Refunds put everything back exactly; commissions are fixed at sale and reversed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from sqlmodel import col, func, select

from salon_tui.data.models import CommissionEntry, Payment
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import commission, drawer, refunds, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


@pytest.fixture
def stylist(make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.STYLIST, "Tony")


@pytest.fixture
def helper(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.STYLIST, "Kevin")


@pytest.fixture
def till(uow: UnitOfWork, owner: Actor, stylist: Actor) -> None:
    drawer.open_drawer(uow, owner, 100_000)


def sell(
    uow: UnitOfWork,
    owner: Actor,
    stylist: Actor,
    payments: list[PaymentIn] | None = None,
    *,
    requested: bool = False,
) -> tuple[int, list[int]]:
    cart = sales.open_sale(uow, owner)
    sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="Perm 烫发",
        unit_cents=38_000,
        category="hair",
        staff=[StaffShare(stylist.staff_id or 0, requested=requested)],
    )
    cart = sales.add_line(
        uow, owner, cart.sale_id, kind="product", description="Hair oil", unit_cents=9_900, qty=3
    )
    pay_sale(uow, owner, cart.sale_id, payments or [PaymentIn("cash", cart.total_cents)])
    return cart.sale_id, [line.id for line in cart.lines]


def test_refund_of_one_unit_gives_back_its_share_and_pays_cash_out(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    sale_id, (_perm, oil) = sell(uow, owner, stylist)
    done = refunds.refund_sale(uow, owner, sale_id, key="r1", reason="allergic", lines={oil: 1})
    assert (done.number, done.total_cents, done.sale_fully_refunded) == (
        "R20261122-0001",
        9_900,
        False,
    )
    current = drawer.current_drawer(uow, owner)
    assert current is not None and current.total_of("refund") == -9_900


def test_refunding_more_than_was_sold_or_twice_is_refused(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    sale_id, (_perm, oil) = sell(uow, owner, stylist)
    with pytest.raises(Conflict, match="only 3 of 3"):
        refunds.refund_sale(uow, owner, sale_id, key="a", reason="x", lines={oil: 4})
    refunds.refund_sale(uow, owner, sale_id, key="b", reason="x", lines={oil: 3})
    with pytest.raises(Conflict, match="only 0 of 3"):
        refunds.refund_sale(uow, owner, sale_id, key="c", reason="x", lines={oil: 1})
    refunds.refund_sale(uow, owner, sale_id, key="d", reason="x")
    with pytest.raises(Conflict, match="already refunded in full"):
        refunds.refund_sale(uow, owner, sale_id, key="e", reason="x")


def test_the_same_refund_key_refunds_once(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    sale_id, _lines = sell(uow, owner, stylist)
    first = refunds.refund_sale(uow, owner, sale_id, key="same", reason="x")
    assert refunds.refund_sale(uow, owner, sale_id, key="same", reason="x") == first
    with uow.read() as session:
        refund_rows = session.exec(
            select(func.count()).select_from(Payment).where(col(Payment.refund_id).is_not(None))
        ).one()
    assert refund_rows == 1


def test_a_whole_refund_returns_exactly_what_was_paid_by_each_tender(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    sale_id, _lines = sell(
        uow,
        owner,
        stylist,
        [PaymentIn("wechat", 50_000, reference="wx1"), PaymentIn("cash", 17_700)],
    )
    done = refunds.refund_sale(uow, owner, sale_id, key="k", reason="unhappy")
    assert sorted((p.tender, p.amount_cents) for p in done.payments) == [
        ("cash", 17_700),
        ("wechat", 50_000),
    ]
    assert done.sale_fully_refunded


def test_refund_by_a_tender_the_client_did_not_use_is_refused_unless_cash(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    sale_id, (_perm, oil) = sell(uow, owner, stylist, [PaymentIn("bank_card", 67_700)])
    with pytest.raises(ValidationError, match="more back by Alipay"):
        refunds.refund_sale(
            uow,
            owner,
            sale_id,
            key="a",
            reason="x",
            lines={oil: 1},
            payments=[PaymentIn("alipay", 9_900, reference="z")],
        )
    done = refunds.refund_sale(
        uow,
        owner,
        sale_id,
        key="b",
        reason="x",
        lines={oil: 1},
        payments=[PaymentIn("cash", 9_900)],
    )
    assert done.payments[0].tender == "cash"


def test_only_managers_refund(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None, make_actor: Callable[..., Actor]
) -> None:
    sale_id, _lines = sell(uow, owner, stylist)
    desk = make_actor(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        refunds.refund_sale(uow, desk, sale_id, key="k", reason="x")


def test_a_refund_after_the_day_closed_counts_today_and_says_so(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None, clock: time_machine.Coordinates
) -> None:
    sale_id, _lines = sell(uow, owner, stylist, [PaymentIn("bank_card", 67_700)])
    clock.shift(86_400 * 2)
    done = refunds.refund_sale(uow, owner, sale_id, key="late", reason="x")
    assert done.counted_on_another_day
    assert done.business_day.isoformat() == "2026-11-24"
    with uow.read() as session:
        days = session.exec(
            select(Payment.business_day).where(col(Payment.refund_id) == done.refund_id)
        ).all()
    assert [d.isoformat() for d in days] == ["2026-11-24"]


def test_commission_is_fixed_by_the_most_specific_rule_and_reversed_by_refund(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    commission.add_rule(
        uow, owner, name="services 10 %", method="percent", rate_bp=1_000, line_kind="service"
    )
    commission.add_rule(
        uow,
        owner,
        name="requested directors 20 %",
        method="percent",
        rate_bp=2_000,
        line_kind="service",
        staff_level="director",
        requested=True,
    )
    commission.add_rule(
        uow, owner, name="retail ¥5 each", method="fixed", fixed_cents=500, line_kind="product"
    )
    commission.set_staff_level(uow, owner, stylist.staff_id or 0, "director")
    sale_id, _lines = sell(uow, owner, stylist, requested=True)
    # product lines have no stylist here: only the perm earns
    statement = commission.statement(
        uow, owner, stylist.staff_id or 0, *commission.month_bounds(_today())
    )
    assert [(line.rate_bp, line.amount_cents) for line in statement.lines] == [(2_000, 7_600)]
    refunds.refund_sale(uow, owner, sale_id, key="k", reason="redo")
    statement = commission.statement(
        uow, owner, stylist.staff_id or 0, *commission.month_bounds(_today())
    )
    assert statement.amount_cents == 0 and statement.basis_cents == 0


def _today():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2026, 11, 22)


def test_split_service_shares_basis_and_rotation_rate(
    uow: UnitOfWork, owner: Actor, stylist: Actor, helper: Actor, till: None
) -> None:
    commission.add_rule(
        uow, owner, name="rotation 8 %", method="percent", rate_bp=800, requested=False
    )
    cart = sales.open_sale(uow, owner)
    cart = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="Colour",
        unit_cents=50_001,
        staff=[StaffShare(stylist.staff_id or 0, 7_000), StaffShare(helper.staff_id or 0, 3_000)],
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("cash", 50_001)])
    with uow.read() as session:
        rows = session.exec(select(CommissionEntry).order_by(col(CommissionEntry.id))).all()
    assert [r.basis_cents for r in rows] == [35_001, 15_000]
    assert [r.amount_cents for r in rows] == [2_800, 1_200]


def test_monthly_tiers_above_threshold_and_on_the_whole_month(
    uow: UnitOfWork, owner: Actor, stylist: Actor, helper: Actor, till: None
) -> None:
    commission.add_rule(
        uow,
        owner,
        name="tiered above",
        method="percent",
        rate_bp=1_000,
        staff_level="a",
        tiers=[(50_000, 2_000)],
        tier_mode="above",
    )
    commission.add_rule(
        uow,
        owner,
        name="tiered whole",
        method="percent",
        rate_bp=1_000,
        staff_level="b",
        tiers=[(50_000, 2_000)],
        tier_mode="whole",
    )
    commission.set_staff_level(uow, owner, stylist.staff_id or 0, "a")
    commission.set_staff_level(uow, owner, helper.staff_id or 0, "b")
    for person in (stylist, helper):
        for _ in range(2):
            cart = sales.open_sale(uow, owner)
            cart = sales.add_line(
                uow,
                owner,
                cart.sale_id,
                kind="service",
                description="Cut",
                unit_cents=30_000,
                staff=[StaffShare(person.staff_id or 0)],
            )
            pay_sale(uow, owner, cart.sale_id, [PaymentIn("bank_card", 30_000)])
    above = commission.statement(
        uow, owner, stylist.staff_id or 0, *commission.month_bounds(_today())
    )
    whole = commission.statement(
        uow, owner, helper.staff_id or 0, *commission.month_bounds(_today())
    )
    # above: 30 000×10 % + (20 000×10 % + 10 000×20 %) = 3 000 + 4 000
    assert above.amount_cents == 7_000
    # whole: the month's 60 000 at 20 % once the threshold is reached
    assert whole.amount_cents == 12_000
    assert [line.kind for line in whole.lines] == ["line", "line", "tier_top_up"]


def test_a_tier_counts_what_earlier_lines_of_the_same_sale_added_to_the_month(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    # Only a tiered rule reads the month so far; a flat rule's line before it in the
    # same sale still counts towards the tier.
    commission.add_rule(uow, owner, name="retail flat", method="percent", rate_bp=500,
                        staff_level="a", line_kind="product")  # fmt: skip
    commission.add_rule(uow, owner, name="service tiered", method="percent", rate_bp=1_000,
                        staff_level="a", line_kind="service", tiers=[(50_000, 2_000)],
                        tier_mode="above")  # fmt: skip
    commission.set_staff_level(uow, owner, stylist.staff_id or 0, "a")
    cart = sales.open_sale(uow, owner)
    sales.add_line(uow, owner, cart.sale_id, kind="product", description="Hair oil",
                   unit_cents=40_000, staff=[StaffShare(stylist.staff_id or 0)])  # fmt: skip
    cart = sales.add_line(uow, owner, cart.sale_id, kind="service", description="Cut",
                          unit_cents=30_000, staff=[StaffShare(stylist.staff_id or 0)])  # fmt: skip
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("bank_card", 70_000)])
    with uow.read() as session:
        rows = session.exec(select(CommissionEntry).order_by(col(CommissionEntry.id))).all()
    # retail: 40 000 × 5 %; the cut starts at 40 000 this month: 10 000 × 10 % + 20 000 × 20 %
    assert [(r.basis_cents, r.amount_cents) for r in rows] == [(40_000, 2_000), (30_000, 5_000)]


def test_a_stylist_sees_only_their_own_statement(
    uow: UnitOfWork, owner: Actor, stylist: Actor, helper: Actor
) -> None:
    assert commission.statement(uow, stylist, stylist.staff_id or 0, _today(), _today()).lines == ()
    with pytest.raises(PermissionDenied):
        commission.statement(uow, stylist, helper.staff_id or 0, _today(), _today())


def test_drawer_close_counts_by_denomination_and_records_the_difference(
    uow: UnitOfWork, owner: Actor, stylist: Actor, till: None
) -> None:
    sell(uow, owner, stylist)  # 67 700 cash in
    drawer.cash_in(uow, owner, 10_000, "change from the bank")
    drawer.cash_out(uow, owner, 50_000, "to the bank")
    drawer.record_expense(uow, owner, "food", 3_500, "milk tea")
    with pytest.raises(ValidationError, match="reason"):
        drawer.open_without_sale(uow, owner, " ")
    drawer.open_without_sale(uow, owner, "change for the shop next door")
    current = drawer.current_drawer(uow, owner)
    assert (
        current is not None and current.expected_cents == 100_000 + 67_700 + 10_000 - 50_000 - 3_500
    )
    with pytest.raises(ValidationError, match="say why"):
        drawer.close_drawer(uow, owner, {10_000: 12})
    with pytest.raises(ValidationError, match="not a note or coin"):
        drawer.close_drawer(uow, owner, {3_000: 1}, note="x")
    closed = drawer.close_drawer(
        uow, owner, {10_000: 12, 2_000: 1, 100: 1, 10: 9}, note="short 1.10, counted twice"
    )
    assert (closed.expected_cents, closed.counted_cents, closed.difference_cents) == (
        124_200,
        122_190,
        -2_010,
    )
    assert drawer.current_drawer(uow, owner) is None
    with pytest.raises(Conflict, match="not open"):
        drawer.cash_in(uow, owner, 100, "late")


def test_cash_out_cannot_take_more_than_the_drawer_holds(
    uow: UnitOfWork, owner: Actor, till: None
) -> None:
    with pytest.raises(Conflict, match="does not hold"):
        drawer.cash_out(uow, owner, 100_001, "too much")


def test_a_second_drawer_cannot_open_while_one_is_open(
    uow: UnitOfWork, owner: Actor, till: None
) -> None:
    with pytest.raises(Conflict, match="already open"):
        drawer.open_drawer(uow, owner, 0)
