"""Random sequences of point earns and redemptions, coupon issues and uses, gift card
sales and spends, refunds: every balance equals its ledger, nothing goes negative,
and what the model expects is what the database holds."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, ValidationError
from salon_tui.services import (
    coupons,
    database,
    drawer,
    gift_cards,
    loyalty_checkout,
    members,
    points,
    refunds,
    sales,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.conftest import PG_URL

keys = count()


def test_random_loyalty_actions_keep_every_ledger_and_balance_right(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor], clock: object
) -> None:
    stylist = make_actor(Role.STYLIST, "Tony")
    assert stylist.staff_id is not None
    drawer.open_drawer(uow, owner, 1_000_000)
    runs = count()
    voucher = coupons.add_template(
        uow, owner, name="代金券20", kind="voucher", amount_cents=2_000, valid_days=30
    ).id

    # What every gift card sold in any run should hold (the database outlives a run).
    expected_cards: dict[str, int] = {}

    class Loyalty(RuleBasedStateMachine):
        """Each run draws only from what it made itself (its own members, cards, coupons
        and sales), so a run replays exactly: which rules can run never depends on what
        earlier runs left in the database."""

        def __init__(self) -> None:
            super().__init__()
            run = next(runs)
            self.members = [
                members.add_member(uow, owner, name=f"会员{run}-{n}").id for n in range(3)
            ]
            self.points = dict.fromkeys(self.members, 0)
            self.cards: dict[str, int] = {}  # cards sold in this run → balance
            self.coupons: dict[str, int] = {}  # code → member, available ones of this run
            self.issued: set[str] = set()
            self.paid_sales: list[int] = []

        def _sale(self, member: int | None, price: int) -> int:
            cart = sales.open_sale(uow, owner, member_id=member)
            sales.add_line(
                uow,
                owner,
                cart.sale_id,
                kind="service",
                description="Cut",
                unit_cents=price,
                staff=[StaffShare(stylist.staff_id or 0)],
            )
            return cart.sale_id

        @rule(
            which=st.integers(0, 2),
            price=st.integers(100, 50_000),
            with_points=st.integers(0, 60_000),
        )
        def sell_with_points(self, which: int, price: int, with_points: int) -> None:
            who = self.members[which]
            sale_id = self._sale(who, price)
            part = min(with_points, price)
            payments = [PaymentIn("points", part)] if part else []
            if price - part:
                payments.append(PaymentIn("cash", price - part))
            try:
                pay_sale(uow, owner, sale_id, payments)
            except Conflict:
                assert part > self.points[who]
                sales.void_sale(uow, owner, sale_id, "no points")
                return
            self.points[who] += -part + (price - part) // 100
            self.paid_sales.append(sale_id)

        @rule(which=st.integers(0, 2), change=st.integers(-3_000, 3_000).filter(bool))
        def adjust(self, which: int, change: int) -> None:
            who = self.members[which]
            try:
                points.adjust(uow, owner, who, change, "stateful")
            except Conflict:
                assert self.points[who] + change < 0
                return
            self.points[who] += change

        @rule(which=st.integers(0, 2))
        def issue_coupon(self, which: int) -> None:
            who = self.members[which]
            code = coupons.issue(uow, owner, voucher, who).code
            self.coupons[code] = who
            self.issued.add(code)

        @precondition(lambda self: bool(self.coupons))
        @rule(data=st.data(), price=st.integers(100, 10_000))
        def use_coupon(self, data: st.DataObject, price: int) -> None:
            code = data.draw(st.sampled_from(sorted(self.coupons)))
            who = self.coupons.pop(code)
            sale_id = self._sale(who, price)
            cart = loyalty_checkout.apply_coupon(uow, owner, sale_id, code)
            assert cart.total_cents == max(price - 2_000, 0)
            if cart.total_cents:
                pay_sale(uow, owner, sale_id, [PaymentIn("cash", cart.total_cents)])
            else:
                pay_sale(uow, owner, sale_id, [])
            self.points[who] += cart.total_cents // 100
            self.paid_sales.append(sale_id)

        @rule(value=st.integers(1, 100_000))
        def sell_gift_card(self, value: int) -> None:
            card = gift_cards.sell(uow, owner, value, "cash", key=f"gc{next(keys)}")
            self.cards[card.code] = value
            expected_cards[card.code] = value

        @precondition(lambda self: bool(self.cards))
        @rule(data=st.data(), amount=st.integers(1, 120_000))
        def spend_gift_card(self, data: st.DataObject, amount: int) -> None:
            code = data.draw(st.sampled_from(sorted(self.cards)))
            sale_id = self._sale(None, amount)
            try:
                pay_sale(uow, owner, sale_id, [PaymentIn("gift_card", amount, reference=code)])
            except Conflict:
                assert amount > self.cards[code]
                sales.void_sale(uow, owner, sale_id, "card short")
                return
            self.cards[code] -= amount
            expected_cards[code] -= amount
            self.paid_sales.append(sale_id)

        @precondition(lambda self: bool(self.paid_sales))
        @rule(data=st.data())
        def refund(self, data: st.DataObject) -> None:
            sale_id = data.draw(st.sampled_from(self.paid_sales))
            self.paid_sales.remove(sale_id)
            try:
                refunds.refund_sale(uow, owner, sale_id, key=f"r{next(keys)}", reason="test")
            except (Conflict, ValidationError):
                return
            # A refund moves points and cards in ways the model re-reads.
            self.points = {m: points.get_balance(uow, owner, m).points for m in self.members}
            held = {c.code: c.balance_cents for c in gift_cards.list_cards(uow, owner)}
            expected_cards.update({code: held[code] for code in expected_cards})
            self.cards = {code: held[code] for code in self.cards}
            self.coupons = {
                c.code: c.member_id
                for c in coupons.list_coupons(uow, owner, state="available")
                if c.code in self.issued
            }

        @invariant()
        def balances_match_the_model(self) -> None:
            for member_id, expected in self.points.items():
                assert points.get_balance(uow, owner, member_id).points == expected >= 0
            for card in gift_cards.list_cards(uow, owner):
                assert card.balance_cents == expected_cards[card.code] >= 0

        @invariant()
        def ledgers_hold(self) -> None:
            failed = [r for r in database.check(uow) if not r.ok]
            assert not failed, failed
            totals = gift_cards.totals_now(uow)
            assert totals.sold_cents == (
                totals.spent_cents + totals.expired_cents + totals.outstanding_cents
            )

    run_state_machine_as_test(
        Loyalty,
        settings=settings(
            max_examples=6 if PG_URL else 15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
