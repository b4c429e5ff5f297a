"""Random sequences of top-ups, spends, undos, package sales and uses (by hand and at
checkout, and checkout visits refunded): after every step each balance equals its
ledger, nothing is negative, and the money is conserved to the fen against a model kept
beside the real database."""

from __future__ import annotations

import tempfile
from pathlib import Path

import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func
from sqlmodel import select

from salon_tui.data import schema
from salon_tui.data.models import StoredValueEntry
from salon_tui.data.sqlite_copy import copy_database
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict
from salon_tui.services import members, packages, shop, stored_value, top_up_promotions
from tests.conftest import FROZEN_NOW

_TEMPLATE: dict[str, object] = {}
BONUS_AT, BONUS = 100_000, 20_000
PACKAGE_PRICE, PACKAGE_USES = 58_000, 10
WASH_PRICE = 6_800


def _template() -> dict[str, object]:
    """A shop with two members, a promotion and a package template, made once."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="prepaid-props-"))
        path = folder / "template.db"
        uow = UnitOfWork(f"sqlite:///{path}")
        schema.upgrade(uow, folder)
        with time_machine.travel(FROZEN_NOW, tick=False):
            made = shop.init_shop(uow, shop_name="P", owner_name="Owner", owner_pin="8888")
            owner = Actor(made.owner.id, made.owner.name, Role.OWNER)
            ids = [members.add_member(uow, owner, name=name).id for name in ("甲", "乙")]
            top_up_promotions.add_promotion(uow, owner, "送", BONUS_AT, bonus_cents=BONUS)
            from tests.services.catalog_helpers import make_service

            wash = make_service(uow, owner, "S001", name="洗吹", price=WASH_PRICE)
            packages.add_template(uow, owner, "洗吹10次", PACKAGE_PRICE, 30, [("S001", 10)])
        uow.dispose()
        _TEMPLATE.update(path=path, owner=owner, members=ids, wash=wash.id)
    return _TEMPLATE


class PrepaidMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        made = _template()
        folder = Path(tempfile.mkdtemp(prefix="prepaid-run-"))
        copy_database(Path(str(made["path"])), folder / "run.db")
        self.uow = UnitOfWork(f"sqlite:///{folder / 'run.db'}")
        self.owner: Actor = made["owner"]  # type: ignore[assignment]
        self.members: list[int] = list(made["members"])  # type: ignore[arg-type]
        self.traveller = time_machine.travel(FROZEN_NOW, tick=False)
        self.traveller.start()
        # the model: (principal, bonus) per member, top-ups that can be undone, packages
        self.balances = {member: [0, 0] for member in self.members}
        self.top_ups: list[tuple[int, int, int, int]] = []  # entry, member, principal, bonus
        self.packages: dict[int, int] = {}  # package id → uses left
        self.package_owner: dict[int, int] = {}  # package id → member
        self.visits: list[tuple[int, int]] = []  # paid checkout sale, package it used
        self.wash_id: int = made["wash"]  # type: ignore[assignment]
        self.money_in = 0  # principal paid in minus principal given back

    def teardown(self) -> None:
        self.traveller.stop()
        self.uow.dispose()

    members_index = st.integers(0, 1)

    @rule(who=members_index, amount=st.integers(1, 150_000))
    def top_up(self, who: int, amount: int) -> None:
        member = self.members[who]
        done = stored_value.top_up(self.uow, self.owner, member, amount, "wechat", "WX")
        bonus = BONUS if amount >= BONUS_AT else 0
        assert done.bonus_cents == bonus
        self.balances[member][0] += amount
        self.balances[member][1] += bonus
        self.top_ups.append((done.entry_id, member, amount, bonus))
        self.money_in += amount

    @rule(who=members_index, amount=st.integers(1, 80_000))
    def spend(self, who: int, amount: int) -> None:
        member = self.members[who]
        principal, bonus = self.balances[member]
        try:
            with self.uow.transaction() as session:
                split = stored_value.spend_in(session, self.owner, member, amount)
        except Conflict:
            assert amount > principal + bonus
            return
        assert amount <= principal + bonus
        expected_bonus = min(amount, bonus)  # the shop's default: bonus first
        assert (split.principal_cents, split.bonus_cents) == (
            amount - expected_bonus,
            expected_bonus,
        )
        self.balances[member][0] -= split.principal_cents
        self.balances[member][1] -= split.bonus_cents

    @precondition(lambda self: self.top_ups)
    @rule(pick=st.integers(0, 1_000))
    def undo(self, pick: int) -> None:
        entry, member, principal, bonus = self.top_ups.pop(pick % len(self.top_ups))
        have_principal, have_bonus = self.balances[member]
        try:
            stored_value.undo_top_up(self.uow, self.owner, entry, "test")
        except Conflict:
            assert have_principal < principal or have_bonus < bonus
            return
        self.balances[member][0] -= principal
        self.balances[member][1] -= bonus
        self.money_in -= principal

    @rule(who=members_index, from_balance=st.booleans())
    def sell_package(self, who: int, from_balance: bool) -> None:
        member = self.members[who]
        method = "stored_value" if from_balance else "alipay"
        principal, bonus = self.balances[member]
        try:
            sold = packages.sell_package(
                self.uow, self.owner, member, "洗吹10次", method, "" if from_balance else "AL"
            )
        except Conflict:
            assert from_balance and principal + bonus < PACKAGE_PRICE
            return
        if from_balance:
            taken_bonus = min(PACKAGE_PRICE, bonus)
            self.balances[member][0] -= PACKAGE_PRICE - taken_bonus
            self.balances[member][1] -= taken_bonus
        self.packages[sold.id] = PACKAGE_USES
        self.package_owner[sold.id] = member

    @rule(who=members_index)
    def checkout_visit(self, who: int) -> None:
        """A wash at checkout: the member's package expiring first (the oldest here)
        with a use left covers it, or it is paid in full."""
        from salon_tui.domain.tenders import PaymentIn
        from salon_tui.services import sales
        from salon_tui.services.sale_payment import pay_sale

        member = self.members[who]
        cart = sales.open_sale(self.uow, self.owner, member_id=member)
        cart = sales.add_line(
            self.uow,
            self.owner,
            cart.sale_id,
            kind="service",
            description="洗吹",
            unit_cents=WASH_PRICE,
            item_id=self.wash_id,
            item_code="S001",
            staff=[sales.StaffShare(self.owner.staff_id or 0)],
        )
        theirs = sorted(
            package
            for package, holder in self.package_owner.items()
            if holder == member and self.packages[package] > 0
        )
        payments = (
            [PaymentIn("wechat", cart.total_cents, reference="WX")] if cart.total_cents else []
        )
        pay_sale(self.uow, self.owner, cart.sale_id, payments, print_receipt=False)
        if theirs:
            assert cart.total_cents == 0
            self.packages[theirs[0]] -= 1
            self.visits.append((cart.sale_id, theirs[0]))
        else:
            assert cart.total_cents == WASH_PRICE

    @precondition(lambda self: self.visits)
    @rule(pick=st.integers(0, 1_000))
    def refund_visit(self, pick: int) -> None:
        from salon_tui.services import refunds

        sale_id, package_id = self.visits.pop(pick % len(self.visits))
        refunds.refund_sale(self.uow, self.owner, sale_id, key=f"refund-{sale_id}", reason="redo")
        self.packages[package_id] += 1

    @precondition(lambda self: self.packages)
    @rule(pick=st.integers(0, 1_000))
    def use_package(self, pick: int) -> None:
        package_id = sorted(self.packages)[pick % len(self.packages)]
        try:
            used = packages.use_package(self.uow, self.owner, package_id, None, "visit")
        except Conflict:
            assert self.packages[package_id] == 0
            return
        self.packages[package_id] -= 1
        assert used.uses_left == self.packages[package_id]

    @invariant()
    def package_uses_equal_the_model(self) -> None:
        for package_id, left in self.packages.items():
            assert packages.get_package(self.uow, self.owner, package_id).uses_left == left

    @invariant()
    def balances_equal_the_ledger_and_the_model(self) -> None:
        with self.uow.read() as session:
            assert stored_value.check_stored_value_ledger(session) == []
            assert packages.check_package_ledger(session) == []
            for member, (principal, bonus) in self.balances.items():
                account = stored_value.account_for(session, member)
                held = (account.principal_cents, account.bonus_cents) if account else (0, 0)
                assert held == (principal, bonus)
                assert principal >= 0 and bonus >= 0
            paid_in = session.exec(
                select(func.coalesce(func.sum(StoredValueEntry.principal_cents), 0)).where(
                    StoredValueEntry.kind.in_(("top_up", "reversal"))  # type: ignore[attr-defined]
                )
            ).one()
        assert paid_in == self.money_in


PrepaidMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_prepaid_balances_stay_exact = PrepaidMachine.TestCase
