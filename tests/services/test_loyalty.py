"""Points, coupons and gift cards on a real database, through checkout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine
from sqlalchemy import update
from sqlmodel import col, select

from salon_tui.data.models import (
    Coupon,
    DrawerMovement,
    GiftCard,
    PointsAccount,
    PointsEntry,
    SaleAdjustment,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import (
    coupons,
    database,
    drawer,
    gift_cards,
    loyalty_checkout,
    member_merge,
    members,
    points,
    refunds,
    sales,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


@pytest.fixture
def desk(uow: UnitOfWork, make_actor: Callable[..., Actor], clock: object) -> Actor:
    actor = make_actor(Role.FRONT_DESK, "Nina Desk")
    drawer.open_drawer(uow, actor, 50_000)
    return actor


@pytest.fixture
def stylist(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.STYLIST, "Tony Stylist")


@pytest.fixture
def member_id(uow: UnitOfWork, owner: Actor) -> int:
    return members.add_member(uow, owner, name="李莉", birthday="1990-11-25").id


def sale_for(
    uow: UnitOfWork,
    desk: Actor,
    stylist: Actor,
    member: int | None,
    prices: tuple[int, ...] = (30_000,),
    category: str = "烫染",
) -> int:
    cart = sales.open_sale(uow, desk, member_id=member)
    assert stylist.staff_id is not None
    for price in prices:
        sales.add_line(
            uow,
            desk,
            cart.sale_id,
            kind="service",
            description="Perm 烫发",
            unit_cents=price,
            category=category,
            staff=[StaffShare(stylist.staff_id)],
        )
    return cart.sale_id


def total_of(uow: UnitOfWork, desk: Actor, sale_id: int) -> int:
    return sales.get_cart(uow, desk, sale_id).total_cents


def checks_pass(uow: UnitOfWork) -> None:
    failed = [result for result in database.check(uow) if not result.ok]
    assert not failed, failed


# --- points ----------------------------------------------------------------------------


def test_a_members_sale_earns_points_and_a_full_refund_takes_them_back(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int
) -> None:
    sale_id = sale_for(uow, desk, stylist, member_id, (30_050,))
    pay_sale(uow, desk, sale_id, [PaymentIn("cash", 30_050)])
    assert points.get_balance(uow, desk, member_id).points == 300
    refunds.refund_sale(uow, owner, sale_id, key="r1", reason="unhappy")
    assert points.get_balance(uow, desk, member_id).points == 0
    kinds = [entry.kind for entry in points.history(uow, desk, member_id)]
    assert kinds == ["earn_reversed", "earn"]
    checks_pass(uow)


def test_the_levels_multiplier_and_excluded_categories_count(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor
) -> None:
    gold = members.add_member(uow, owner, name="金卡", level="金卡会员").id
    points.set_rules(uow, owner, excluded_categories=["活动"])
    sale_id = sale_for(uow, desk, stylist, gold, (10_000,))
    sales.add_line(
        uow,
        desk,
        sale_id,
        kind="other",
        description="Event ticket",
        unit_cents=5_000,
        category="活动",
    )
    assert total_of(uow, desk, sale_id) == 8_800 + 5_000  # Gold: 12 % off services
    pay_sale(uow, desk, sale_id, [PaymentIn("cash", 13_800)])
    assert points.get_balance(uow, desk, gold).points == 132  # 88 × 1.5, nothing on 活动


def test_points_pay_part_of_a_sale_and_a_refund_gives_them_back(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int
) -> None:
    points.adjust(uow, owner, member_id, 5_000, "welcome gift")
    sale_id = sale_for(uow, desk, stylist, member_id, (20_000,))
    pay_sale(uow, desk, sale_id, [PaymentIn("points", 3_000), PaymentIn("cash", 17_000)])
    # 3,000 points paid ¥30; ¥170 paid in cash earns 170.
    assert points.get_balance(uow, desk, member_id).points == 5_000 - 3_000 + 170
    refunds.refund_sale(uow, owner, sale_id, key="r", reason="mistake")
    assert points.get_balance(uow, desk, member_id).points == 5_000
    checks_pass(uow)


def test_paying_with_more_points_than_held_is_refused_and_changes_nothing(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int
) -> None:
    points.adjust(uow, owner, member_id, 1_000, "welcome gift")
    sale_id = sale_for(uow, desk, stylist, member_id, (20_000,))
    with pytest.raises(Conflict, match="Not enough points: 1000 held, 2000 needed"):
        pay_sale(uow, desk, sale_id, [PaymentIn("points", 2_000), PaymentIn("cash", 18_000)])
    assert points.get_balance(uow, desk, member_id).points == 1_000
    assert sales.get_cart(uow, desk, sale_id).status == "open"


def test_points_cannot_pay_a_walk_in_sale(uow: UnitOfWork, desk: Actor, stylist: Actor) -> None:
    sale_id = sale_for(uow, desk, stylist, None, (10_000,))
    with pytest.raises(Conflict, match="only for a member"):
        pay_sale(uow, desk, sale_id, [PaymentIn("points", 10_000)])


def test_a_manual_adjustment_needs_a_manager_a_reason_and_never_goes_below_zero(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int
) -> None:
    with pytest.raises(PermissionDenied):
        points.adjust(uow, desk, member_id, 100, "nice client")
    with pytest.raises(ValidationError, match="reason"):
        points.adjust(uow, owner, member_id, 100, "  ")
    points.adjust(uow, owner, member_id, 100, "complaint", key="k1")
    points.adjust(uow, owner, member_id, 100, "complaint", key="k1")  # a retry acts once
    with pytest.raises(Conflict, match="Not enough points"):
        points.adjust(uow, owner, member_id, -101, "typo")
    assert points.get_balance(uow, owner, member_id).points == 100


def test_points_expire_at_the_end_of_the_next_year_and_a_second_run_takes_nothing(
    uow: UnitOfWork, owner: Actor, member_id: int, clock: time_machine.Coordinates
) -> None:
    points.adjust(uow, owner, member_id, 400, "opening offer")  # earned 2026 → lasts to 2027-12-31
    view = points.get_balance(uow, owner, member_id)
    assert (view.next_expiring, view.next_expiry_day) == (400, date(2027, 12, 31))
    points.adjust(uow, owner, member_id, -100, "redeemed a gift")
    assert points.expire_points(uow, owner, date(2027, 12, 31)).points == 0
    run = points.expire_points(uow, owner, date(2028, 1, 1))
    assert (run.members, run.points) == (1, 300)
    assert points.expire_points(uow, owner, date(2028, 1, 1)).points == 0
    assert points.get_balance(uow, owner, member_id).points == 0
    checks_pass(uow)


def test_a_tampered_points_balance_is_caught_by_the_database_check(
    uow: UnitOfWork, owner: Actor, member_id: int
) -> None:
    points.adjust(uow, owner, member_id, 100, "gift")
    with uow.transaction() as session:
        session.execute(update(PointsAccount).values(balance=999))
    problems = {r.name: r.problems for r in database.check(uow)}
    assert any("999" in text for text in problems["Points: balance = entries"])


# --- coupons ---------------------------------------------------------------------------


@pytest.fixture
def man_jian(uow: UnitOfWork, owner: Actor) -> int:
    return coupons.add_template(
        uow,
        owner,
        name="满300减50",
        kind="amount_off",
        amount_cents=5_000,
        min_spend_cents=30_000,
        valid_days=30,
    ).id


def test_a_coupon_at_checkout_is_a_coupon_discount_and_is_used_with_the_payment(
    uow: UnitOfWork, desk: Actor, stylist: Actor, member_id: int, man_jian: int
) -> None:
    coupon = coupons.issue(uow, desk, man_jian, member_id)
    sale_id = sale_for(uow, desk, stylist, member_id, (18_000, 18_000))
    cart = loyalty_checkout.apply_coupon(uow, desk, sale_id, coupon.code)
    assert cart.total_cents == 31_000
    assert {a.source for line in cart.lines for a in line.adjustments} == {"coupon"}
    assert coupons.check_coupon(uow, desk, coupon.code).usable  # not used until paid
    pay_sale(uow, desk, sale_id, [PaymentIn("cash", 31_000)])
    found = coupons.check_coupon(uow, desk, coupon.code)
    assert not found.usable and found.reason == f"Coupon {coupon.code} was already used."
    with uow.read() as session:
        stored = session.exec(
            select(SaleAdjustment).where(col(SaleAdjustment.source) == "coupon")
        ).all()
        assert sum(a.amount_cents for a in stored) == 5_000
    again = sale_for(uow, desk, stylist, member_id, (40_000,))
    with pytest.raises(ValidationError, match="already used"):
        loyalty_checkout.apply_coupon(uow, desk, again, coupon.code)
    checks_pass(uow)


def test_a_coupon_that_cannot_be_used_says_why_and_changes_nothing(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int, man_jian: int
) -> None:
    coupon = coupons.issue(uow, desk, man_jian, member_id)
    small = sale_for(uow, desk, stylist, member_id, (18_000,))
    with pytest.raises(ValidationError, match="needs a spend of at least"):
        loyalty_checkout.apply_coupon(uow, desk, small, coupon.code)
    other = members.add_member(uow, owner, name="王五").id
    theirs = sale_for(uow, desk, stylist, other, (40_000,))
    with pytest.raises(ValidationError, match="belongs to another member"):
        loyalty_checkout.apply_coupon(uow, desk, theirs, coupon.code)
    wrong_digit = coupon.code[:-1] + str((int(coupon.code[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        loyalty_checkout.apply_coupon(uow, desk, theirs, wrong_digit)
    assert loyalty_checkout.coupons_on_sale(uow, desk, small) == []


def test_a_coupon_stops_applying_when_the_cart_drops_below_its_threshold(
    uow: UnitOfWork, desk: Actor, stylist: Actor, member_id: int, man_jian: int
) -> None:
    coupon = coupons.issue(uow, desk, man_jian, member_id)
    sale_id = sale_for(uow, desk, stylist, member_id, (18_000, 18_000))
    cart = loyalty_checkout.apply_coupon(uow, desk, sale_id, coupon.code)
    cart = sales.remove_line(uow, desk, sale_id, cart.lines[0].id)
    assert cart.total_cents == 18_000
    [on_sale] = loyalty_checkout.coupons_on_sale(uow, desk, sale_id)
    assert not on_sale.applies and "needs a spend" in on_sale.reason
    pay_sale(uow, desk, sale_id, [PaymentIn("cash", 18_000)])
    assert coupons.check_coupon(uow, desk, coupon.code).usable  # not used: it gave nothing


def test_a_full_refund_gives_the_coupon_back_when_the_shop_says_so(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int, man_jian: int
) -> None:
    coupon = coupons.issue(uow, desk, man_jian, member_id)
    sale_id = sale_for(uow, desk, stylist, member_id, (40_000,))
    loyalty_checkout.apply_coupon(uow, desk, sale_id, coupon.code)
    pay_sale(uow, desk, sale_id, [PaymentIn("cash", 35_000)])
    refunds.refund_sale(uow, owner, sale_id, key="r", reason="redo")
    assert coupons.check_coupon(uow, desk, coupon.code).usable
    coupons.set_settings(uow, owner, restore_on_refund=False)
    second = sale_for(uow, desk, stylist, member_id, (40_000,))
    loyalty_checkout.apply_coupon(uow, desk, second, coupon.code)
    pay_sale(uow, desk, second, [PaymentIn("cash", 35_000)])
    refunds.refund_sale(uow, owner, second, key="r2", reason="redo")
    assert not coupons.check_coupon(uow, desk, coupon.code).usable
    checks_pass(uow)


def test_a_usage_limit_stops_the_next_use(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int
) -> None:
    once = coupons.add_template(
        uow, owner, name="First 20", kind="percent", percent_bp=2_000, valid_days=10, usage_limit=1
    ).id
    first, second = (coupons.issue(uow, desk, once, member_id) for _ in range(2))
    sale_id = sale_for(uow, desk, stylist, member_id, (10_000,))
    loyalty_checkout.apply_coupon(uow, desk, sale_id, first.code)
    pay_sale(uow, desk, sale_id, [PaymentIn("cash", 8_000)])
    later = sale_for(uow, desk, stylist, member_id, (10_000,))
    with pytest.raises(ValidationError, match="usage limit"):
        loyalty_checkout.apply_coupon(uow, desk, later, second.code)


def test_birthday_coupons_are_issued_once_per_birthday(
    uow: UnitOfWork, owner: Actor, clock: object, member_id: int, man_jian: int
) -> None:
    members.add_member(uow, owner, name="远生日", birthday="1985-03-02")
    coupons.set_settings(uow, owner, birthday_template_id=man_jian)
    run = coupons.issue_birthdays(uow, owner)
    assert (run.issued, run.already) == (1, 0)  # 李莉 on 25 Nov, three days ahead
    assert coupons.issue_birthdays(uow, owner).issued == 0
    assert [c.member_id for c in coupons.list_coupons(uow, owner)] == [member_id]


def test_a_segment_batch_issues_once_per_member_per_batch(
    uow: UnitOfWork, owner: Actor, member_id: int, man_jian: int
) -> None:
    members.add_member(uow, owner, name="VIP 二", tags=["VIP"])
    members.add_member(uow, owner, name="VIP 三", tags=["VIP"])
    run = coupons.issue_to_segment(uow, owner, man_jian, "tag:VIP", key="nov")
    assert (run.issued, run.already) == (2, 0)
    assert coupons.issue_to_segment(uow, owner, man_jian, "tag:VIP", key="nov").already == 2
    with pytest.raises(NotFound):
        coupons.issue_to_segment(uow, owner, man_jian, "nonsense", key="x")


def test_a_referrer_gets_the_referral_coupon_on_the_newcomers_first_sale_only(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int, man_jian: int
) -> None:
    coupons.set_settings(uow, owner, referral_template_id=man_jian)
    newcomer = members.add_member(uow, owner, name="新客", referrer=member_id).id
    for _ in range(2):
        sale_id = sale_for(uow, desk, stylist, newcomer, (10_000,))
        pay_sale(uow, desk, sale_id, [PaymentIn("cash", 10_000)])
    rewarded = coupons.list_coupons(uow, owner, member_id=member_id)
    assert [(c.origin, c.template_id) for c in rewarded] == [("referral", man_jian)]


def test_templates_refuse_what_makes_no_sense(uow: UnitOfWork, owner: Actor, desk: Actor) -> None:
    with pytest.raises(ValidationError, match="needs the spend"):
        coupons.add_template(
            uow, owner, name="x", kind="amount_off", amount_cents=100, valid_days=3
        )
    with pytest.raises(ValidationError, match="how long"):
        coupons.add_template(uow, owner, name="x", kind="voucher", amount_cents=100)
    with pytest.raises(ValidationError, match="free-item"):
        coupons.add_template(uow, owner, name="x", kind="free_item", valid_days=3)
    with pytest.raises(PermissionDenied):
        coupons.add_template(uow, desk, name="x", kind="voucher", amount_cents=100, valid_days=3)


# --- gift cards ------------------------------------------------------------------------


def test_a_gift_card_sold_for_cash_goes_into_the_drawer_once_per_key(
    uow: UnitOfWork, desk: Actor
) -> None:
    card = gift_cards.sell(uow, desk, 50_000, "cash", key="g1")
    again = gift_cards.sell(uow, desk, 50_000, "cash", key="g1")
    assert again.code == card.code
    with uow.read() as session:
        moves = session.exec(
            select(DrawerMovement).where(col(DrawerMovement.category) == "gift_card")
        ).all()
        assert [m.amount_cents for m in moves] == [50_000]
        assert len(session.exec(select(GiftCard)).all()) == 1
    view, entries = gift_cards.balance(uow, desk, card.code)
    assert view.balance_cents == 50_000 and [e.kind for e in entries] == ["sold"]


def test_anyone_pays_with_a_gift_card_in_parts_and_a_refund_puts_it_back(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor
) -> None:
    card = gift_cards.sell(uow, desk, 50_000, "wechat", key="g", reference="WX1")
    first = sale_for(uow, desk, stylist, None, (30_000,))
    pay_sale(uow, desk, first, [PaymentIn("gift_card", 30_000, reference=card.code)])
    second = sale_for(uow, desk, stylist, None, (30_000,))
    with pytest.raises(Conflict, match="holds"):
        pay_sale(uow, desk, second, [PaymentIn("gift_card", 30_000, reference=card.code)])
    pay_sale(
        uow,
        desk,
        second,
        [PaymentIn("gift_card", 20_000, reference=card.code), PaymentIn("cash", 10_000)],
    )
    assert gift_cards.balance(uow, desk, card.code)[0].balance_cents == 0
    refunds.refund_sale(uow, owner, first, key="r", reason="cancelled")
    assert gift_cards.balance(uow, desk, card.code)[0].balance_cents == 30_000
    checks_pass(uow)


def test_a_gift_card_code_with_a_wrong_digit_pays_nothing(
    uow: UnitOfWork, desk: Actor, stylist: Actor
) -> None:
    card = gift_cards.sell(uow, desk, 50_000, "cash", key="g")
    wrong = card.code[:-1] + str((int(card.code[-1]) + 1) % 10)
    sale_id = sale_for(uow, desk, stylist, None, (10_000,))
    with pytest.raises(ValidationError, match="check digit"):
        pay_sale(uow, desk, sale_id, [PaymentIn("gift_card", 10_000, reference=wrong)])
    with pytest.raises(ValidationError, match="Gift card code"):
        pay_sale(uow, desk, sale_id, [PaymentIn("gift_card", 10_000)])
    assert gift_cards.balance(uow, desk, card.code)[0].balance_cents == 50_000


def test_an_expired_gift_card_is_refused_and_the_expiry_run_writes_it_off_once(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, clock: time_machine.Coordinates
) -> None:
    gift_cards.set_settings(uow, owner, valid_days=30)
    card = gift_cards.sell(uow, desk, 20_000, "bank_card", key="g")
    assert card.expires_on == date(2026, 12, 21)
    clock.move_to("2026-12-22 10:00+08:00")
    sale_id = sale_for(uow, desk, stylist, None, (10_000,))
    with pytest.raises(Conflict, match="expired on 2026-12-21"):
        pay_sale(uow, desk, sale_id, [PaymentIn("gift_card", 10_000, reference=card.code)])
    assert gift_cards.expire_cards(uow, owner).amount_cents == 20_000
    assert gift_cards.expire_cards(uow, owner).amount_cents == 0
    totals = gift_cards.totals_now(uow)
    assert (totals.sold_cents, totals.expired_cents, totals.outstanding_cents) == (
        20_000,
        20_000,
        0,
    )


def test_selling_a_gift_card_refuses_bad_amounts_and_tenders(uow: UnitOfWork, desk: Actor) -> None:
    for amount in (0, -100, 100_000_01):
        with pytest.raises(ValidationError):
            gift_cards.sell(uow, desk, amount, "cash", key=f"k{amount}")
    with pytest.raises(ValidationError, match="reference"):
        gift_cards.sell(uow, desk, 100, "alipay", key="k")
    with pytest.raises(ValidationError):
        gift_cards.sell(uow, desk, 100, "points", key="k")
    assert gift_cards.list_cards(uow, desk) == []


# --- members ---------------------------------------------------------------------------


def test_merging_members_moves_points_and_coupons(
    uow: UnitOfWork, owner: Actor, member_id: int, man_jian: int
) -> None:
    twin = members.add_member(uow, owner, name="李莉 (old)").id
    points.adjust(uow, owner, member_id, 100, "a")
    points.adjust(uow, owner, twin, 250, "b")
    coupons.issue(uow, owner, man_jian, twin)
    member_merge.merge_members(uow, owner, member_id, twin)
    assert points.get_balance(uow, owner, member_id).points == 350
    assert len(coupons.list_coupons(uow, owner, member_id=member_id)) == 1
    checks_pass(uow)
    with uow.read() as session:
        assert (
            session.exec(select(PointsEntry).where(col(PointsEntry.member_id) == twin)).all() == []
        )
        assert session.exec(select(Coupon).where(col(Coupon.member_id) == twin)).all() == []


def test_points_and_coupons_show_on_the_members_timeline(
    uow: UnitOfWork, owner: Actor, member_id: int, man_jian: int
) -> None:
    from salon_tui.services.member_timeline import member_timeline

    points.adjust(uow, owner, member_id, 100, "welcome")
    coupon = coupons.issue(uow, owner, man_jian, member_id)
    texts = [event.text for event in member_timeline(uow, owner, member_id)]
    assert "Points +100: Adjusted by hand (welcome)" in texts
    assert f"Coupon {coupon.code} issued: 满300减50" in texts


def test_the_loyalty_report_says_what_is_owed_at_a_date(
    uow: UnitOfWork,
    owner: Actor,
    desk: Actor,
    stylist: Actor,
    member_id: int,
    clock: time_machine.Coordinates,
) -> None:
    from salon_tui.domain.periods import Period
    from salon_tui.services.reports import ReportRequest, run_report

    voucher = coupons.add_template(
        uow, owner, name="代金券50", kind="voucher", amount_cents=5_000, valid_days=30
    ).id
    coupons.issue(uow, owner, voucher, member_id)
    points.adjust(uow, owner, member_id, 1_234, "welcome")
    card = gift_cards.sell(uow, desk, 30_000, "bank_card", key="g")
    sale_id = sale_for(uow, desk, stylist, None, (10_000,))
    pay_sale(uow, desk, sale_id, [PaymentIn("gift_card", 10_000, reference=card.code)])
    clock.move_to("2026-11-24 10:00+08:00")
    gift_cards.sell(uow, desk, 50_000, "bank_card", key="g2")

    def report(day: date) -> dict[str, dict]:
        result = run_report(uow, owner, "loyalty", ReportRequest(Period(day, day)))
        return {
            s.key: {row.get("item", row.get("kind")): row for row in s.rows}
            for s in result.sections
        }

    on_22 = report(date(2026, 11, 22))
    assert on_22["owed"]["Points (at redemption value)"]["amount"] == 1_234
    assert on_22["owed"]["Vouchers unused (face value)"]["amount"] == 5_000
    assert on_22["owed"]["Gift cards outstanding"]["amount"] == 20_000
    assert on_22["gift_cards"]["Sold"]["amount"] == 30_000
    assert on_22["gift_cards"]["Spent"]["amount"] == -10_000
    on_24 = report(date(2026, 11, 24))
    assert on_24["owed"]["Gift cards outstanding"]["amount"] == 70_000
    assert on_24["gift_cards"]["Outstanding at the start"]["amount"] == 20_000


def test_two_terminals_spending_one_gift_card_at_once_cannot_overspend_it(
    uow: UnitOfWork, desk: Actor, stylist: Actor, database_url: str
) -> None:
    import threading

    card = gift_cards.sell(uow, desk, 10_000, "bank_card", key="g")
    second_terminal = UnitOfWork(database_url)
    sales_ids = [sale_for(uow, desk, stylist, None, (8_000,)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(unit: UnitOfWork, sale_id: int) -> None:
        barrier.wait()
        try:
            pay_sale(unit, desk, sale_id, [PaymentIn("gift_card", 8_000, reference=card.code)])
            outcomes.append("paid")
        except Conflict:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=attempt, args=(unit, sale_id))
        for unit, sale_id in zip((uow, second_terminal), sales_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second_terminal.dispose()
    assert sorted(outcomes) == ["paid", "refused"]
    assert gift_cards.balance(uow, desk, card.code)[0].balance_cents == 2_000
    checks_pass(uow)


def test_two_terminals_paying_with_the_last_points_at_once_take_them_once(
    uow: UnitOfWork, owner: Actor, desk: Actor, stylist: Actor, member_id: int, database_url: str
) -> None:
    import threading

    points.adjust(uow, owner, member_id, 5_000, "gift")
    second_terminal = UnitOfWork(database_url)
    sales_ids = [sale_for(uow, desk, stylist, member_id, (5_000,)) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(unit: UnitOfWork, sale_id: int) -> None:
        barrier.wait()
        try:
            pay_sale(unit, desk, sale_id, [PaymentIn("points", 5_000)])
            outcomes.append("paid")
        except Conflict:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=attempt, args=(unit, sale_id))
        for unit, sale_id in zip((uow, second_terminal), sales_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    second_terminal.dispose()
    assert sorted(outcomes) == ["paid", "refused"]
    assert points.get_balance(uow, desk, member_id).points == 0
    checks_pass(uow)
