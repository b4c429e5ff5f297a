"""Selling: the cart, paying once, split payments, discounts, park and void, numbering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import time_machine
from sqlmodel import col, func, select

from salon_tui.data.models import (
    CommissionEntry,
    DrawerMovement,
    Payment,
    Sale,
    SaleAdjustment,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, LoginRefused, PermissionDenied, ValidationError
from salon_tui.services import audit, database, drawer, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from salon_tui.services.settings import update_shop_settings
from tests.conftest import FROZEN_NOW, OWNER_PIN, STAFF_PIN


@pytest.fixture
def desk(uow: UnitOfWork, make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.FRONT_DESK, "Nina Desk")


@pytest.fixture
def stylist(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.STYLIST, "Tony Stylist")


@pytest.fixture
def open_drawer(uow: UnitOfWork, desk: Actor) -> None:
    drawer.open_drawer(uow, desk, 50_000)


def haircut(uow: UnitOfWork, actor: Actor, sale_id: int, stylist: Actor, price: int = 12_800):
    assert stylist.staff_id is not None
    return sales.add_line(
        uow,
        actor,
        sale_id,
        kind="service",
        description="Haircut 剪发",
        unit_cents=price,
        category="hair",
        staff=[StaffShare(stylist.staff_id)],
    )


def test_a_cash_sale_with_change_is_numbered_recorded_and_audited(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    cart = sales.open_sale(uow, desk)
    cart = haircut(uow, desk, cart.sale_id, stylist)
    assert cart.total_cents == 12_800
    paid = pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800, tendered_cents=20_000)])
    assert paid.number == "20261122-0001"
    assert paid.change_cents == 7_200
    with uow.read() as session:
        sale = session.get(Sale, cart.sale_id)
        assert sale is not None and sale.status == "paid" and sale.total_cents == 12_800
        movement = session.exec(
            select(DrawerMovement).where(col(DrawerMovement.sale_id) == cart.sale_id)
        ).one()
        assert movement.amount_cents == 12_800
    assert audit.list_entries(uow, Actor(1, "x", Role.OWNER))[-1].action == "sales.pay"


def test_second_enter_on_pay_does_not_create_a_second_sale(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    first = pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)])
    again = pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)])
    assert again == first
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Payment)).one() == 1


def test_sale_numbers_run_without_gaps_per_business_day(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None, clock: time_machine.Coordinates
) -> None:
    numbers = []
    for index in range(3):
        cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
        if index == 1:
            # a refused payment and a voided sale take no number
            with pytest.raises(ValidationError):
                pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 100)])
            voided = sales.open_sale(uow, desk)
            sales.void_sale(uow, desk, voided.sale_id)
        numbers.append(pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)]).number)
    clock.shift(86_400)
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    numbers.append(pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)]).number)
    assert numbers == ["20261122-0001", "20261122-0002", "20261122-0003", "20261123-0001"]


def test_split_payment_across_card_wechat_and_cash(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist, price=30_000)
    paid = pay_sale(
        uow,
        desk,
        cart.sale_id,
        [
            PaymentIn("bank_card", 10_000),
            PaymentIn("wechat", 15_000, reference="4200001234"),
            PaymentIn("cash", 5_000, tendered_cents=10_000),
        ],
    )
    assert [(p.tender, p.amount_cents) for p in paid.payments] == [
        ("bank_card", 10_000),
        ("wechat", 15_000),
        ("cash", 5_000),
    ]
    assert paid.change_cents == 5_000


@pytest.mark.parametrize(
    ("payments", "message"),
    [
        ([PaymentIn("cash", 10_000)], "short of the total"),
        ([PaymentIn("cash", 12_800, tendered_cents=10_000)], "less than the cash part"),
        ([PaymentIn("alipay", 12_800)], "needs the transaction reference"),
        ([PaymentIn("bank_card", 20_000)], "more than the total"),
        ([PaymentIn("bitcoin", 12_800)], "Unknown way to pay"),
        ([], "Choose how the client pays"),
    ],
)
def test_bad_payments_are_refused_and_nothing_is_written(
    uow: UnitOfWork,
    desk: Actor,
    stylist: Actor,
    open_drawer: None,
    payments: list[PaymentIn],
    message: str,
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    with pytest.raises(ValidationError, match=message):
        pay_sale(uow, desk, cart.sale_id, payments)
    with uow.read() as session:
        sale = session.get(Sale, cart.sale_id)
        assert sale is not None and sale.status == "open" and sale.number is None
        assert session.exec(select(func.count()).select_from(Payment)).one() == 0
        assert session.exec(select(func.count()).select_from(SaleAdjustment)).one() == 0


def test_cash_needs_an_open_drawer_but_card_does_not(
    uow: UnitOfWork, desk: Actor, stylist: Actor
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    with pytest.raises(Conflict, match="drawer is not open"):
        pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)])
    assert pay_sale(uow, desk, cart.sale_id, [PaymentIn("bank_card", 12_800)]).number


def test_a_service_needs_its_stylist_before_paying(
    uow: UnitOfWork, desk: Actor, open_drawer: None
) -> None:
    cart = sales.open_sale(uow, desk)
    sales.add_line(uow, desk, cart.sale_id, kind="service", description="Wash", unit_cents=3_000)
    with pytest.raises(ValidationError, match="Choose who did Wash"):
        pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 3_000)])


def test_an_empty_cart_cannot_be_paid(uow: UnitOfWork, desk: Actor, open_drawer: None) -> None:
    cart = sales.open_sale(uow, desk)
    with pytest.raises(ValidationError, match="cart is empty"):
        pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 0)])


def test_rounding_drops_small_change_and_is_spread_over_lines(
    uow: UnitOfWork, desk: Actor, owner: Actor, stylist: Actor, open_drawer: None
) -> None:
    update_shop_settings(uow, owner, rounding_unit_minor=100, rounding_mode="down")
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist, price=12_850)
    cart = sales.add_line(
        uow, desk, cart.sale_id, kind="product", description="Shampoo", unit_cents=4_530, qty=2
    )
    assert cart.subtotal_cents == 21_910
    assert cart.rounding_cents == 10
    assert cart.total_cents == 21_900
    assert sum(line.net_cents for line in cart.lines) == 21_900
    paid = pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 21_900)])
    with uow.read() as session:
        rounding = session.exec(
            select(func.sum(SaleAdjustment.amount_cents)).where(
                col(SaleAdjustment.source) == "rounding"
            )
        ).one()
    assert rounding == 10 and paid.total_cents == 21_900


def test_a_small_manual_discount_needs_a_reason_and_is_explained(
    uow: UnitOfWork, desk: Actor, stylist: Actor
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist, price=10_000)
    line_id = cart.lines[0].id
    with pytest.raises(ValidationError, match="reason"):
        sales.discount_line(uow, desk, cart.sale_id, line_id, percent_bp=1_000)
    cart = sales.discount_line(
        uow, desk, cart.sale_id, line_id, percent_bp=1_000, reason="regular client"
    )
    (adjustment,) = cart.lines[0].adjustments
    assert (adjustment.source, adjustment.amount_cents, adjustment.reason) == (
        "manual",
        1_000,
        "regular client",
    )
    assert cart.total_cents == 9_000


def test_a_large_discount_needs_a_manager_pin_on_the_spot(
    uow: UnitOfWork, desk: Actor, owner: Actor, stylist: Actor
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist, price=10_000)
    line_id = cart.lines[0].id
    with pytest.raises(PermissionDenied, match="manager's PIN"):
        sales.discount_line(uow, desk, cart.sale_id, line_id, percent_bp=5_000, reason="friend")
    with pytest.raises(LoginRefused):
        sales.approve(uow, owner.staff_id or 0, "0000")
    with pytest.raises(PermissionDenied):
        sales.approve(uow, desk.staff_id or 0, STAFF_PIN)
    approval = sales.approve(uow, owner.staff_id or 0, OWNER_PIN)
    cart = sales.discount_line(
        uow, desk, cart.sale_id, line_id, percent_bp=5_000, reason="friend", approval=approval
    )
    assert cart.total_cents == 5_000
    entry = audit.list_entries(uow, owner)[-1]
    assert entry.action == "sales.discount_line"
    assert entry.after["approved_by"] == owner.staff_id


def test_price_override_and_sale_discount_stack_and_never_go_below_zero(
    uow: UnitOfWork, owner: Actor, stylist: Actor, clock: object
) -> None:
    drawer.open_drawer(uow, owner, 0)
    cart = haircut(uow, owner, sales.open_sale(uow, owner).sale_id, stylist, price=10_000)
    line_id = cart.lines[0].id
    cart = sales.override_price(uow, owner, cart.sale_id, line_id, 8_000, reason="old price")
    cart = sales.discount_sale(uow, owner, cart.sale_id, amount_cents=1_000, reason="apology")
    sources = [(a.source, a.amount_cents) for a in cart.lines[0].adjustments]
    assert sources == [("override", 2_000), ("sale_discount", 1_000)]
    assert cart.total_cents == 7_000
    with pytest.raises(ValidationError, match="more than the sale costs"):
        sales.discount_sale(uow, owner, cart.sale_id, amount_cents=9_000, reason="too much")


def test_tips_are_added_to_the_total_and_not_rounded(
    uow: UnitOfWork, desk: Actor, owner: Actor, stylist: Actor, open_drawer: None
) -> None:
    update_shop_settings(uow, owner, rounding_unit_minor=100)
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist, price=12_850)
    cart = sales.set_tip(uow, desk, cart.sale_id, stylist.staff_id or 0, 1_005)
    assert (cart.goods_total_cents, cart.tips_cents, cart.total_cents) == (12_800, 1_005, 13_805)


def test_park_resume_and_void_an_unpaid_sale(
    uow: UnitOfWork, desk: Actor, owner: Actor, stylist: Actor, open_drawer: None
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    sales.park_sale(uow, desk, cart.sale_id, "Ms Li, waiting for colour")
    with pytest.raises(Conflict, match="parked"):
        pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)])
    with pytest.raises(Conflict, match="parked"):
        haircut(uow, desk, cart.sale_id, stylist)
    assert [u.park_label for u in sales.list_unpaid(uow, desk)] == ["Ms Li, waiting for colour"]
    sales.resume_sale(uow, desk, cart.sale_id)
    second = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    with pytest.raises(ValidationError, match="reason"):
        sales.void_sale(uow, desk, second.sale_id)
    voided = sales.void_sale(uow, desk, second.sale_id, "client left")
    assert voided.status == "voided"
    with pytest.raises(Conflict):
        sales.void_sale(uow, desk, second.sale_id, "again")
    assert pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)]).number.endswith("0001")
    entry = [e for e in audit.list_entries(uow, owner) if e.action == "sales.void"][-1]
    assert entry.after == {"reason": "client left", "status": "voided"}
    assert entry.before["total_cents"] == 12_800


def test_a_paid_sale_cannot_change(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)])
    with pytest.raises(Conflict, match="already paid"):
        haircut(uow, desk, cart.sale_id, stylist)
    with pytest.raises(Conflict, match="unpaid"):
        sales.void_sale(uow, desk, cart.sale_id, "oops")


def test_a_stylist_cannot_sell(uow: UnitOfWork, stylist: Actor, clock: object) -> None:
    with pytest.raises(PermissionDenied):
        sales.open_sale(uow, stylist)


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ([(5_000, False), (4_000, False)], "add up to 100"),
        ([(10_000, False), (10_000, False)], "appears once"),
    ],
)
def test_split_shares_must_add_up(
    uow: UnitOfWork,
    desk: Actor,
    stylist: Actor,
    make_actor: Callable[..., Actor],
    shares: list[tuple[int, bool]],
    message: str,
) -> None:
    other = make_actor(Role.STYLIST, "Kevin")
    people = [stylist.staff_id or 0, other.staff_id or 0]
    if message == "appears once":
        people = [stylist.staff_id or 0, stylist.staff_id or 0]
    cart = sales.open_sale(uow, desk)
    with pytest.raises(ValidationError, match=message):
        sales.add_line(
            uow,
            desk,
            cart.sale_id,
            kind="service",
            description="Colour",
            unit_cents=50_000,
            staff=[StaffShare(p, s, r) for p, (s, r) in zip(people, shares, strict=True)],
        )
    assert sales.get_cart(uow, desk, cart.sale_id).lines == ()


def test_db_check_finds_sales_and_drawer_consistent(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    cart = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", 12_800)])
    drawer.close_drawer(uow, desk, {10_000: 6, 2_000: 1, 500: 1, 100: 3})
    results = {r.name: r.problems for r in database.check(uow)}
    assert results["Sales: totals, payments and refunds"] == []
    assert results["Cash drawer: expected cash = movements"] == []
    with uow.read() as session:
        commission_rows = session.exec(select(func.count()).select_from(CommissionEntry)).one()
    assert commission_rows == 0  # no rules yet: nothing earned, nothing invented


def test_a_members_level_discount_applies_and_says_where_it_came_from(
    uow: UnitOfWork, desk: Actor, owner: Actor, stylist: Actor, open_drawer: None
) -> None:
    from salon_tui.services import member_levels, members
    from salon_tui.services.members import get_member

    member_levels.add_level(
        uow, owner, name="Platinum", service_discount_bp=1_200, product_discount_bp=500
    )
    member = members.add_member(uow, owner, name="Li Wei", level="Platinum")
    cart = sales.open_sale(uow, desk, member_id=member.id)
    assert cart.member_label == "Li Wei"
    cart = haircut(uow, desk, cart.sale_id, stylist, price=10_000)
    cart = sales.add_line(
        uow, desk, cart.sale_id, kind="product", description="Oil", unit_cents=2_000
    )
    cart = sales.add_line(
        uow, desk, cart.sale_id, kind="other", description="Parking", unit_cents=1_000
    )
    level = [line.adjustments[0] if line.adjustments else None for line in cart.lines]
    assert [a.amount_cents if a else 0 for a in level] == [1_200, 100, 0]
    assert level[0] is not None and level[0].explanation == "Platinum: 12 % off"
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", cart.total_cents)])
    assert get_member(uow, owner, member.id).last_seen_at is not None


def test_a_sale_for_an_unknown_member_is_refused(uow: UnitOfWork, desk: Actor) -> None:
    from salon_tui.errors import NotFound

    with pytest.raises(NotFound, match="no active member"):
        sales.open_sale(uow, desk, member_id=999)


def test_a_key_from_another_sale_is_refused_and_charges_nothing(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    first = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    second = haircut(uow, desk, sales.open_sale(uow, desk).sale_id, stylist)
    with pytest.raises(Conflict, match="another sale"):
        pay_sale(uow, desk, first.sale_id, [PaymentIn("cash", 12_800)], key=second.idempotency_key)
    assert pay_sale(
        uow, desk, first.sale_id, [PaymentIn("cash", 12_800)], key=first.idempotency_key
    ).number.endswith("0001")


def test_a_line_for_someone_gone_or_unknown_is_refused_and_leaves_the_cart_as_it_was(
    uow: UnitOfWork, desk: Actor, stylist: Actor, owner: Actor
) -> None:
    from salon_tui.services import staff as staff_service

    cart = sales.open_sale(uow, desk)
    cart = haircut(uow, desk, cart.sale_id, stylist)
    assert stylist.staff_id is not None
    staff_service.set_active(uow, owner, stylist.staff_id, False)
    for who in (stylist.staff_id, 987_654):
        with pytest.raises(ValidationError, match=f"no active staff member #{who}"):
            sales.add_line(
                uow,
                desk,
                cart.sale_id,
                kind="service",
                description="Colour 染发",
                unit_cents=38_800,
                staff=[StaffShare(who)],
            )
    after = sales.get_cart(uow, desk, cart.sale_id)
    assert [line.description for line in after.lines] == ["Haircut 剪发"]
    assert after.total_cents == cart.total_cents


def test_a_payment_stamps_everything_it_writes_with_one_moment(
    uow: UnitOfWork, desk: Actor, stylist: Actor, open_drawer: None
) -> None:
    from datetime import timedelta

    from salon_tui.data.models import AuditEntry, IdempotencyRecord, PrintJob
    from salon_tui.services.audit import timestamp_text

    cart = sales.open_sale(uow, desk)
    cart = haircut(uow, desk, cart.sale_id, stylist)
    # A clock that runs: each read of it gives a later moment.
    with time_machine.travel(FROZEN_NOW + timedelta(hours=1), tick=True):
        pay_sale(
            uow,
            desk,
            cart.sale_id,
            [PaymentIn("cash", 12_800, tendered_cents=20_000)],
            key=cart.idempotency_key,
        )
        later = sales.open_sale(uow, desk)  # the next transaction reads the clock again
    with uow.read() as session:
        sale = session.get(Sale, cart.sale_id)
        assert sale is not None and sale.paid_at is not None
        moment = sale.paid_at
        assert sale.closed_at == moment
        assert {p.paid_at for p in session.exec(select(Payment)).all()} == {moment}
        movement = session.exec(
            select(DrawerMovement).where(col(DrawerMovement.sale_id) == cart.sale_id)
        ).one()
        assert movement.at == moment
        entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc())).first()
        assert entry is not None and entry.action == "sales.pay"
        assert entry.at == timestamp_text(moment)
        job = session.exec(select(PrintJob).order_by(col(PrintJob.id).desc())).first()
        assert job is not None and job.created_at == moment
        record = session.get(IdempotencyRecord, cart.idempotency_key)
        assert record is not None and record.created_at == moment
        opened = session.get(Sale, later.sale_id)
        assert opened is not None and opened.opened_at > moment
