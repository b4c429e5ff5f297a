"""A top-up shows in the day close (Z report) and the sales report the same way whether
it was sold on a sale (a cart line) or at the Cards desk (F7): a figure of its own, its
money in the takings by method, and the drawer's expected cash adding up exactly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import (
    drawer,
    members,
    reports,
    sale_cards,
    sales,
    stored_value,
    top_up_promotions,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from salon_tui.services.sales_reports import day_summary

DAY = date(2026, 11, 22)
CUT = 30_000
FLOAT = 50_000


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock: object) -> dict[str, int]:
    """A ¥1000 top-up tier (¥200 bonus), two members, a drawer opened with ¥500."""
    top_up_promotions.add_promotion(uow, owner, "充1000送200", 100_000, bonus_cents=20_000)
    zhou = members.add_member(uow, owner, name="周洁").id
    wang = members.add_member(uow, owner, name="王磊").id
    drawer.open_drawer(uow, owner, FLOAT)
    return {"zhou": zhou, "wang": wang}


def sell_cut_and_top_up(uow: UnitOfWork, owner: Actor, member_id: int, top_up: int) -> int:
    """A ¥300 cut and a top-up on one sale, paid ¥500 in cash and the rest by WeChat."""
    cart = sales.open_sale(uow, owner, member_id=member_id)
    sales.add_line(uow, owner, cart.sale_id, kind="service", description="剪发",
                   unit_cents=CUT, staff=[StaffShare(owner.staff_id or 0)])  # fmt: skip
    cart = sale_cards.add_top_up(uow, owner, cart.sale_id, top_up)
    pay_sale(uow, owner, cart.sale_id,
             [PaymentIn("cash", 50_000), PaymentIn("wechat", cart.total_cents - 50_000,
                                                   reference="WX-1")],
             print_receipt=False)  # fmt: skip
    return cart.sale_id


def rows(result: Any, key: str) -> list[dict[str, Any]]:
    return next(section.rows for section in result.sections if section.key == key)


def test_top_ups_on_a_sale_and_at_the_cards_desk_show_alike_in_the_z_report(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sell_cut_and_top_up(uow, owner, shop["zhou"], 100_000)  # ¥1300: ¥500 cash, ¥800 WeChat
    stored_value.top_up(uow, owner, shop["wang"], 20_000, "cash", print_receipt=False)
    stored_value.top_up(uow, owner, shop["wang"], 150_000, "alipay", "ALI-9",
                        print_receipt=False)  # fmt: skip
    figures = day_summary(uow, owner, DAY)
    # Top-ups: a figure of their own, wherever they were sold.
    assert (figures.top_ups.count, figures.top_ups.paid_cents) == (3, 270_000)
    assert figures.top_ups.bonus_cents == 40_000  # two reached the ¥1000 tier
    assert figures.top_ups.on_sales_count == 1
    assert (figures.top_ups.undone_count, figures.top_ups.undone_cents) == (0, 0)
    # The sale is still a sale of ¥1300 (its top-up line included).
    assert (figures.sales_count, figures.total_cents) == (1, CUT + 100_000)
    # Takings by method: the sale's payments and the desk's top-ups.
    takings = {t.tender: (t.taken_cents, t.refunded_cents) for t in figures.tenders}
    assert takings == {
        "cash": (50_000 + 20_000, 0),
        "wechat": (80_000, 0),
        "alipay": (150_000, 0),
    }
    assert figures.net_takings_cents == CUT + 270_000
    # The drawer: its columns add up to what it should hold, the desk's cash top-up in it.
    (till,) = figures.drawers
    assert (till.float_cents, till.cash_sales_cents, till.prepaid_cents) == (
        FLOAT,
        50_000,
        20_000,
    )
    assert till.expected_cents == FLOAT + 50_000 + 20_000
    cash_takings = next(t.net_cents for t in figures.tenders if t.tender == "cash")
    assert till.expected_cents == till.float_cents + cash_takings


def test_the_z_report_lists_top_ups_and_their_undo_and_the_drawer_still_reconciles(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sell_cut_and_top_up(uow, owner, shop["zhou"], 30_000)
    made = stored_value.top_up(uow, owner, shop["wang"], 100_000, "cash", print_receipt=False)
    stored_value.undo_top_up(uow, owner, made.entry_id, "wrong member")
    drawer.cash_out(uow, owner, 10_000, "to the bank")
    drawer.record_expense(uow, owner, "food", 1_500, "milk tea")
    current = drawer.current_drawer(uow, owner)
    assert current is not None
    drawer.close_drawer(uow, owner, {10_000: 8, 5_000: 1, 2_000: 1, 1_000: 1, 500: 1},
                        note="")  # fmt: skip
    result = reports.run_report(uow, owner, "daily", reports.ReportRequest(Period(DAY, DAY)))
    summary = {row["item"]: (row["amount"], row["count"]) for row in rows(result, "summary")}
    top_ups = {row["item"]: (row["amount"], row["count"]) for row in rows(result, "top_ups")}
    assert top_ups["Top-ups (stored value)"] == (130_000, 2)
    assert top_ups["Top-up bonus given"] == (20_000, None)
    assert top_ups["Top-ups undone"] == (100_000, 1)
    assert summary["Money taken outside sales"] == (0, 1)  # the desk's top-up and its undo
    assert summary["Net takings"] == (CUT + 30_000, None)
    tenders = {row["method"]: (row["taken"], row["refunded"]) for row in rows(result, "tenders")}
    assert tenders["Cash"] == (50_000 + 100_000, 100_000)
    (till,) = rows(result, "drawer")
    assert (till["prepaid"], till["cash_out"], till["expenses"]) == (0, 10_000, 1_500)
    parts = (
        till["float"] + till["sales"] - till["refunds"] + till["cash_in"] - till["cash_out"]
        - till["expenses"] + till["prepaid"] + till["deposits"]
    )  # fmt: skip
    assert till["expected"] == parts == FLOAT + 50_000 - 10_000 - 1_500
    assert (till["counted"], till["difference"]) == (88_500, 0)
    assert any("were sold on sales" in note for note in result.notes)
    assert any("Net takings = Sales" in note for note in result.notes)


def test_the_sales_report_and_the_z_report_take_the_same_money_by_method(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sell_cut_and_top_up(uow, owner, shop["zhou"], 100_000)
    stored_value.top_up(uow, owner, shop["wang"], 20_000, "bank_card", "0427", print_receipt=False)
    stored_value.top_up(uow, owner, shop["wang"], 5_000, "other", "voucher 7",
                        print_receipt=False)  # fmt: skip
    request = reports.ReportRequest(Period(DAY, DAY))
    by_tender = {
        row["tender"]: (row["payments"], row["taken"], row["net"])
        for row in rows(reports.run_report(uow, owner, "sales", request), "by_tender")
    }
    assert by_tender == {
        "Cash": (1, 50_000, 50_000),
        "WeChat Pay": (1, 80_000, 80_000),
        "Bank card": (1, 20_000, 20_000),
        "Other": (1, 5_000, 5_000),
    }
    daily = {
        row["method"]: row["net"]
        for row in rows(reports.run_report(uow, owner, "daily", request), "tenders")
    }
    assert daily == {method: net for method, (_n, _t, net) in by_tender.items()}


def test_closing_stored_value_pays_back_by_its_method_in_the_takings(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    stored_value.top_up(uow, owner, shop["wang"], 100_000, "cash", print_receipt=False)
    stored_value.close_stored_value(uow, owner, shop["wang"], "cash", "moving away")
    figures = day_summary(uow, owner, DAY)
    (cash,) = figures.tenders
    assert (cash.taken_cents, cash.refunded_cents, cash.net_cents) == (100_000, 100_000, 0)
    (till,) = figures.drawers
    assert till.prepaid_cents == 0 and till.expected_cents == FLOAT
    # A top-up is not undone by closing: it stays a top-up of the day.
    assert (figures.top_ups.count, figures.top_ups.undone_count) == (1, 0)


def test_a_refunded_top_up_line_is_paid_back_once(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    from salon_tui.services import refunds

    sale_id = sell_cut_and_top_up(uow, owner, shop["zhou"], 30_000)
    refunds.refund_sale(uow, owner, sale_id, key="r-1", reason="changed her mind")
    figures = day_summary(uow, owner, DAY)
    assert (figures.top_ups.count, figures.top_ups.undone_count) == (1, 1)
    assert figures.top_ups.net_cents == 0
    assert figures.refunds_cents == CUT + 30_000
    assert figures.net_takings_cents == 0  # the refund's payments, not the ledger, paid back
