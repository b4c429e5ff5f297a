"""A gift card sold outside a sale is refunded at the desk by a manager: only what is left
on it goes back, by the method the manager picks; the card is closed with a ledger entry,
the commission on it shrinks by the part paid back, the drawer gives the cash, the day
close counts the money, and it is audited. Everything else is refused, changing nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, CommissionEntry, GiftCard, GiftCardEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import (
    commission,
    database,
    drawer,
    gift_cards,
    reports,
    sale_cards,
    sales,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from salon_tui.services.sales_reports import day_summary

DAY = date(2026, 11, 22)
CUT = 30_000


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock: object) -> None:
    drawer.open_drawer(uow, owner, 50_000)


def sell(uow: UnitOfWork, owner: Actor, value: int, tender: str = "cash", key: str = "g") -> str:
    reference = "" if tender in ("cash", "bank_card") else "REF-" + key
    return gift_cards.sell(
        uow, owner, value, tender, key=key, reference=reference, print_receipt=False
    ).code


def spend(uow: UnitOfWork, owner: Actor, code: str, amount: int) -> int:
    sale_id = sales.open_sale(uow, owner).sale_id
    sales.add_line(uow, owner, sale_id, kind="service", description="剪发", unit_cents=CUT,
                   staff=[StaffShare(owner.staff_id or 0)])  # fmt: skip
    pay_sale(uow, owner, sale_id, [PaymentIn("gift_card", amount, reference=code),
                                   PaymentIn("cash", CUT - amount)], print_receipt=False)  # fmt: skip
    return sale_id


def card_state(uow: UnitOfWork, code: str) -> tuple[int, str, int, list[str]]:
    with uow.read() as session:
        card = session.exec(select(GiftCard).where(col(GiftCard.code) == code)).one()
        kinds = [
            entry.kind
            for entry in session.exec(
                select(GiftCardEntry)
                .where(col(GiftCardEntry.gift_card_id) == card.id)
                .order_by(col(GiftCardEntry.id))
            )
        ]
        return card.balance_cents, card.refund_method, card.refunded_cents, kinds


def refund_audits(uow: UnitOfWork) -> list[AuditEntry]:
    with uow.read() as session:
        return list(
            session.exec(select(AuditEntry).where(col(AuditEntry.action) == "giftcard.refund"))
        )


def test_a_partly_spent_card_gives_back_only_what_is_left_and_is_closed(
    uow: UnitOfWork, owner: Actor, shop: None
) -> None:
    code = sell(uow, owner, 50_000, "alipay")
    spend(uow, owner, code, 12_000)
    before = drawer.current_drawer(uow, owner)
    assert before is not None
    done = gift_cards.refund_card(uow, owner, code, "cash", "client moving away", key="k-1")
    assert (done.refunded_cents, done.spent_cents, done.method) == (38_000, 12_000, "cash")
    assert card_state(uow, code) == (0, "cash", 38_000, ["sold", "spent", "paid_back"])
    after = drawer.current_drawer(uow, owner)
    assert after is not None
    assert after.expected_cents == before.expected_cents - 38_000
    view, entries = gift_cards.balance(uow, owner, code)
    assert (view.refund_method, view.refunded_cents) == ("cash", 38_000)
    assert entries[-1].label == "Refunded at the desk"
    (entry,) = refund_audits(uow)
    assert entry.staff_id == owner.staff_id
    audited = json.loads(entry.after or "{}")
    assert (audited["refunded_cents"], audited["method"]) == (38_000, "cash")
    assert audited["reason"] == "client moving away"
    with uow.read() as session:
        totals = gift_cards.totals(session)
    assert (totals.sold_cents, totals.spent_cents, totals.paid_back_cents) == (50_000, 12_000,
                                                                              38_000)  # fmt: skip
    assert totals.outstanding_cents == 0
    assert [r for r in database.check(uow) if not r.ok] == []


def test_the_day_close_counts_the_refund_as_money_out_by_its_method(
    uow: UnitOfWork, owner: Actor, shop: None
) -> None:
    code = sell(uow, owner, 30_000, "bank_card", key="g-bank")
    gift_cards.refund_card(uow, owner, code, "wechat", "bought twice", "WX-9", key="k-2")
    figures = day_summary(uow, owner, DAY)
    takings = {t.tender: (t.taken_cents, t.refunded_cents) for t in figures.tenders}
    assert takings == {"bank_card": (30_000, 0), "wechat": (0, 30_000)}
    outside = {m.kind: (m.taken_cents, m.paid_back_cents, m.count) for m in figures.outside}
    assert outside["gift_card"] == (30_000, 30_000, 1)
    assert figures.net_takings_cents == 0
    request = reports.ReportRequest(Period(DAY, DAY))
    daily = reports.run_report(uow, owner, "daily", request)
    tenders = {row["method"]: row for row in next(s.rows for s in daily.sections
                                                  if s.key == "tenders")}  # fmt: skip
    assert (tenders["WeChat Pay"]["refunded"], tenders["WeChat Pay"]["net"]) == (30_000, -30_000)
    sales_report = reports.run_report(uow, owner, "sales", request)
    by_tender = {row["tender"]: row["net"] for row in next(
        s.rows for s in sales_report.sections if s.key == "by_tender")}  # fmt: skip
    assert by_tender == {row: tenders[row]["net"] for row in tenders}


def test_the_commission_on_the_card_shrinks_by_the_part_paid_back(
    uow: UnitOfWork, owner: Actor, shop: None
) -> None:
    commission.add_rule(uow, owner, name="礼品卡 10%", method="percent", rate_bp=1_000,
                        line_kind="gift_card")  # fmt: skip
    code = sell(uow, owner, 50_000)
    spend(uow, owner, code, 20_000)
    gift_cards.refund_card(uow, owner, code, "cash", "moving", key="k-3")
    with uow.read() as session:
        card_rows = [
            (row.kind, row.basis_cents, row.amount_cents)
            for row in session.exec(
                select(CommissionEntry)
                .where(col(CommissionEntry.card_kind) == "gift_card")
                .order_by(col(CommissionEntry.id))
            )
        ]
    assert card_rows == [("line", 50_000, 5_000), ("reversal", -30_000, -3_000)]


def test_the_same_key_refunds_once(uow: UnitOfWork, owner: Actor, shop: None) -> None:
    code = sell(uow, owner, 20_000)
    first = gift_cards.refund_card(uow, owner, code, "cash", "x", key="same")
    again = gift_cards.refund_card(uow, owner, code, "cash", "x", key="same")
    assert first == again
    assert card_state(uow, code) == (0, "cash", 20_000, ["sold", "paid_back"])
    assert len(refund_audits(uow)) == 1


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("twice", Conflict, "refunded already"),
        ("spent", Conflict, "nothing left to refund"),
        ("on a sale", Conflict, r"was sold on sale \d{8}-\d{4}: refund it with that sale"),
        ("expired", Conflict, "expired on"),
        ("desk", PermissionDenied, r"not allowed to do this \(giftcard.refund\)"),
        ("method", ValidationError, "Unknown payment method"),
        ("reference", ValidationError, "needs the transaction reference"),
        ("reason", ValidationError, "Please give a reason"),
    ],
)
def test_a_refund_that_cannot_be_made_is_refused_and_changes_nothing(
    uow: UnitOfWork,
    owner: Actor,
    make_actor,
    shop: None,
    clock,
    case: str,
    error: type[Exception],
    message: str,
) -> None:
    gift_cards.set_settings(uow, owner, valid_days=30)
    code = sell(uow, owner, 20_000)
    actor, method, reference, reason = owner, "cash", "", "a reason"
    if case == "twice":
        gift_cards.refund_card(uow, owner, code, "cash", "first", key="first")
    elif case == "spent":
        spend(uow, owner, code, 20_000)
    elif case == "on a sale":
        sale_id = sales.open_sale(uow, owner).sale_id
        sale_cards.add_gift_card(uow, owner, sale_id, 20_000)
        pay_sale(uow, owner, sale_id, [PaymentIn("cash", 20_000)], print_receipt=False)
        with uow.read() as session:
            code = session.exec(select(GiftCard.code).where(col(GiftCard.tender) == "sale")).one()
    elif case == "expired":
        clock.shift(timedelta(days=40))
    elif case == "desk":
        actor = make_actor(Role.FRONT_DESK, "Nina")
    elif case == "method":
        method = "gold"
    elif case == "reference":
        method = "wechat"
    elif case == "reason":
        reason = "  "
    before = card_state(uow, code)
    audits = len(refund_audits(uow))
    with pytest.raises(error, match=message):
        gift_cards.refund_card(uow, actor, code, method, reason, reference, key="refused")
    assert card_state(uow, code) == before
    assert len(refund_audits(uow)) == audits
