"""Random carts, random discounts, random partial refunds: every fen is accounted for."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from salon_tui.data.models import CommissionEntry, Payment, RefundLine, SaleLine
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import commission, database, drawer, refunds, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from salon_tui.services.settings import update_shop_settings
from tests.conftest import PG_URL

line_strategy = st.tuples(
    st.sampled_from(["service", "product", "other"]),
    st.integers(min_value=0, max_value=200_000),  # unit price
    st.integers(min_value=1, max_value=5),  # qty
    st.integers(min_value=0, max_value=10_000),  # manual discount bp (0 = none)
    st.integers(min_value=1, max_value=9_999),  # share of the first of two stylists
)
cart_strategy = st.fixed_dictionaries(
    {
        "lines": st.lists(line_strategy, min_size=1, max_size=5),
        "sale_discount_bp": st.integers(min_value=0, max_value=3_000),
        "tip": st.integers(min_value=0, max_value=5_000),
        "cash_first": st.booleans(),
        "refund_rounds": st.lists(
            st.lists(st.integers(min_value=0, max_value=5), min_size=5, max_size=5),
            max_size=3,
        ),
    }
)
keys = count()


def test_random_carts_and_partial_refunds_conserve_every_fen(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor], clock: object
) -> None:
    first = make_actor(Role.STYLIST, "Tony")
    second = make_actor(Role.STYLIST, "Amy")
    update_shop_settings(uow, owner, rounding_unit_minor=10, rounding_mode="half_up")
    commission.add_rule(
        uow,
        owner,
        name="all 12.5 %",
        method="percent",
        rate_bp=1_250,
        tiers=[(1_000_000, 1_500)],
        tier_mode="whole",
    )
    commission.add_rule(
        uow, owner, name="products ¥3", method="fixed", fixed_cents=300, line_kind="product"
    )
    drawer.open_drawer(uow, owner, 1_000_000)

    @settings(
        max_examples=12 if PG_URL else 40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(cart_strategy)
    def check(example: dict) -> None:  # type: ignore[type-arg]
        cart = sales.open_sale(uow, owner)
        for kind, price, qty, discount_bp, share in example["lines"]:
            cart = sales.add_line(
                uow,
                owner,
                cart.sale_id,
                kind=kind,
                description=f"{kind} item",
                unit_cents=price,
                qty=qty,
                staff=[
                    StaffShare(first.staff_id or 0, share, requested=share > 5_000),
                    StaffShare(second.staff_id or 0, 10_000 - share),
                ],
            )
            if discount_bp:
                cart = sales.discount_line(
                    uow,
                    owner,
                    cart.sale_id,
                    cart.lines[-1].id,
                    percent_bp=discount_bp,
                    reason="test",
                )
        if example["sale_discount_bp"]:
            cart = sales.discount_sale(
                uow, owner, cart.sale_id, percent_bp=example["sale_discount_bp"], reason="test"
            )
        if example["tip"]:
            cart = sales.set_tip(uow, owner, cart.sale_id, first.staff_id or 0, example["tip"])
        assert sum(line.net_cents for line in cart.lines) == cart.goods_total_cents
        assert cart.goods_total_cents % 10 == 0 or cart.goods_total_cents == 0
        assert all(line.net_cents >= 0 for line in cart.lines)
        total = cart.total_cents
        if total == 0:
            sales.void_sale(uow, owner, cart.sale_id, "nothing to pay")
            return
        card_part = total // 2
        parts = [PaymentIn("cash", total - card_part, tendered_cents=total - card_part + 99)]
        if card_part:
            parts.append(PaymentIn("bank_card", card_part))
        if not example["cash_first"]:
            parts.reverse()
        paid = pay_sale(uow, owner, cart.sale_id, parts)
        assert paid.total_cents == total
        line_ids = [line.id for line in cart.lines]
        for round_qtys in example["refund_rounds"]:
            options, _left = refunds.refund_options(uow, owner, cart.sale_id)
            wanted = {
                item.line_id: min(qty, item.qty_left)
                for item, qty in zip(options, round_qtys, strict=False)
                if min(qty, item.qty_left)
            }
            if not wanted:
                continue
            refunds.refund_sale(
                uow, owner, cart.sale_id, key=f"prop-{next(keys)}", reason="test", lines=wanted
            )
        options, _left = refunds.refund_options(uow, owner, cart.sale_id)
        if any(item.qty_left for item in options):
            refunds.refund_sale(uow, owner, cart.sale_id, key=f"prop-{next(keys)}", reason="all")
        with uow.read() as session:
            refunded_lines = session.exec(
                select(func.coalesce(func.sum(RefundLine.amount_cents), 0)).where(
                    col(RefundLine.sale_line_id).in_(line_ids)
                )
            ).one()
            nets = session.exec(
                select(func.sum(SaleLine.net_cents)).where(col(SaleLine.sale_id) == cart.sale_id)
            ).one()
            money_left = session.exec(
                select(func.sum(Payment.amount_cents)).where(col(Payment.sale_id) == cart.sale_id)
            ).one()
            commission_left = session.exec(
                select(func.coalesce(func.sum(CommissionEntry.amount_cents), 0)).where(
                    col(CommissionEntry.sale_id) == cart.sale_id,
                    col(CommissionEntry.kind) != "tier_top_up",
                )
            ).one()
        assert refunded_lines == nets == total - example["tip"]
        assert money_left == 0
        assert commission_left == 0

    check()
    problems = {r.name: r.problems for r in database.check(uow)}
    assert all(not found for found in problems.values()), problems
