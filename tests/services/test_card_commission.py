"""A top-up, package or gift card sold at the Cards desk (F7) earns commission by the
same rules as one sold on a sale's line, and counts in the seller's month for tiered
rules; undoing it takes its part back. Statements and reports show it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from salon_tui.data.models import CommissionEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import (
    commission,
    drawer,
    gift_cards,
    members,
    packages,
    reports,
    sale_cards,
    sales,
    stored_value,
)
from salon_tui.services.sale_payment import pay_sale
from tests.services.catalog_helpers import make_service

DAY = date(2026, 11, 22)


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, make_actor, clock: object) -> dict[str, object]:
    make_service(uow, owner, "S001", name="洗吹", price=6_000)
    packages.add_template(uow, owner, "洗吹10次", 58_000, 180, [("S001", 10)])
    drawer.open_drawer(uow, owner, 0)
    return {
        "nina": make_actor(Role.FRONT_DESK, "Nina"),
        "member": members.add_member(uow, owner, name="周洁").id,
    }


def earned(uow: UnitOfWork, staff_id: int | None) -> list[tuple[str, str, int, int]]:
    with uow.read() as session:
        return [
            (row.kind, row.card_kind or "sale", row.basis_cents, row.amount_cents)
            for row in session.exec(
                select(CommissionEntry)
                .where(col(CommissionEntry.staff_id) == staff_id)
                .order_by(col(CommissionEntry.id))
            )
        ]


def top_up_on_a_sale(uow: UnitOfWork, actor: Actor, member_id: int, amount: int) -> int:
    sale_id = sales.open_sale(uow, actor, member_id=member_id).sale_id
    sale_cards.add_top_up(uow, actor, sale_id, amount)
    pay_sale(uow, actor, sale_id, [PaymentIn("wechat", amount, reference="WX")],
             print_receipt=False)  # fmt: skip
    return sale_id


def test_a_desk_top_up_earns_by_the_top_up_rule_and_counts_in_the_month_with_sales(
    uow: UnitOfWork, owner: Actor, shop: dict[str, object]
) -> None:
    nina = shop["nina"]
    assert isinstance(nina, Actor)
    member = int(shop["member"])  # type: ignore[call-overload]
    commission.add_rule(uow, owner, name="全部10%", method="percent", rate_bp=1_000)
    commission.add_rule(uow, owner, name="充值2%→3%", method="percent", rate_bp=200,
                        line_kind="top_up", tiers=[(500_000, 300)],
                        tier_mode="whole")  # fmt: skip
    stored_value.top_up(uow, nina, member, 300_000, "cash", print_receipt=False)
    top_up_on_a_sale(uow, nina, member, 250_000)  # the month reaches ¥5000 here
    stored_value.top_up(uow, nina, member, 100_000, "alipay", "ALI-1", print_receipt=False)
    assert earned(uow, nina.staff_id) == [
        ("line", "top_up", 300_000, 6_000),  # 2 % at the desk
        ("line", "sale", 250_000, 7_500),  # 3 %: the desk's ¥3000 counted in the month
        ("tier_top_up", "sale", 0, 3_000),  # 1 % more on the month's ¥3000 before
        ("line", "top_up", 100_000, 3_000),  # 3 % at the desk, the tier reached
    ]
    # The rule for every kind pays on goods, never on a card: nothing under "全部10%".
    month = commission.month_bounds(DAY)
    statement = commission.statement(uow, owner, nina.staff_id or 0, *month)
    assert statement.amount_cents == 6_000 + 7_500 + 3_000 + 3_000
    assert next(line.description for line in statement.lines) == "Top-up at the Cards desk"
    assert {line.explanation for line in statement.lines} >= {"充值2%→3%"}


def test_undoing_a_desk_top_up_takes_its_commission_and_basis_back(
    uow: UnitOfWork, owner: Actor, shop: dict[str, object]
) -> None:
    member = int(shop["member"])  # type: ignore[call-overload]
    commission.add_rule(uow, owner, name="充值2%", method="percent", rate_bp=200,
                        line_kind="top_up")  # fmt: skip
    made = stored_value.top_up(uow, owner, member, 100_000, "cash", print_receipt=False)
    stored_value.undo_top_up(uow, owner, made.entry_id, "wrong member")
    assert earned(uow, owner.staff_id) == [
        ("line", "top_up", 100_000, 2_000),
        ("reversal", "top_up", -100_000, -2_000),
    ]
    with uow.read() as session:
        assert commission._month_basis(session, owner.staff_id or 0, DAY) == 0


def test_no_rule_for_the_kind_no_commission_at_the_desk(
    uow: UnitOfWork, owner: Actor, shop: dict[str, object]
) -> None:
    member = int(shop["member"])  # type: ignore[call-overload]
    commission.add_rule(uow, owner, name="服务10%", method="percent", rate_bp=1_000,
                        line_kind="service")  # fmt: skip
    stored_value.top_up(uow, owner, member, 100_000, "cash", print_receipt=False)
    gift_cards.sell(uow, owner, 50_000, "cash", key="g-1", print_receipt=False)
    assert earned(uow, owner.staff_id) == []


def test_a_desk_package_and_gift_card_earn_and_a_package_refund_takes_its_share_back(
    uow: UnitOfWork, owner: Actor, shop: dict[str, object]
) -> None:
    member = int(shop["member"])  # type: ignore[call-overload]
    commission.add_rule(uow, owner, name="套餐5%", method="percent", rate_bp=500,
                        line_kind="package")  # fmt: skip
    commission.add_rule(uow, owner, name="礼品卡 ¥10", method="fixed", fixed_cents=1_000,
                        line_kind="gift_card")  # fmt: skip
    sold = packages.sell_package(uow, owner, member, "洗吹10次", "wechat", "WX-7")
    gift_cards.sell(uow, owner, 50_000, "cash", key="g-1", print_receipt=False)
    packages.refund_package(uow, owner, sold.id, "wechat", "moving away", "WX-8")  # all 10 unused
    assert earned(uow, owner.staff_id) == [
        ("line", "package", 58_000, 2_900),
        ("line", "gift_card", 50_000, 1_000),
        ("reversal", "package", -58_000, -2_900),
    ]


def test_reports_count_desk_commission_like_the_statement(
    uow: UnitOfWork, owner: Actor, shop: dict[str, object]
) -> None:
    member = int(shop["member"])  # type: ignore[call-overload]
    commission.add_rule(uow, owner, name="充值2%", method="percent", rate_bp=200,
                        line_kind="top_up")  # fmt: skip
    stored_value.top_up(uow, owner, member, 100_000, "cash", print_receipt=False)
    top_up_on_a_sale(uow, owner, member, 50_000)
    request = reports.ReportRequest(Period(DAY, DAY))
    staff = reports.run_report(uow, owner, "staff", request).sections[0].rows
    by_statement = reports.run_report(uow, owner, "commission", request).sections[0].rows
    daily = reports.run_report(uow, owner, "daily", request)
    daily_staff = next(s.rows for s in daily.sections if s.key == "staff")
    assert [row["commission"] for row in staff] == [3_000]
    assert [row["commission"] for row in by_statement] == [3_000]
    assert [row["commission"] for row in daily_staff] == [3_000]
    # A store's reports keep the desk's commission in the store that sold the card.
    from salon_tui.services.stores import list_stores

    (store,) = list_stores(uow)
    in_store = reports.ReportRequest(
        Period(DAY, DAY), store=reports.ReportStore(store.id, store.code, store.name)
    )
    assert [
        row["commission"]
        for row in reports.run_report(uow, owner, "staff", in_store).sections[0].rows
    ] == [3_000]
