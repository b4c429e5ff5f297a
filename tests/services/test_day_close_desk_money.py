"""Every yuan that came in or went out by a method is in the day close's takings by
method, to the fen: sales and their refunds, and the money taken outside sales (top-ups,
packages and gift cards sold at the Cards desk, their undos and refunds). The Z report's
totals add up (net takings = sales − refunds + money outside sales), the sales report
takes the same money by method, and the drawer's expected cash is its float plus the
cash takings plus cash in, less cash out and expenses."""

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
    gift_cards,
    members,
    packages,
    refunds,
    reports,
    sale_cards,
    sales,
    stored_value,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sale_receipts import queue_day_close
from salon_tui.services.sales import StaffShare
from salon_tui.services.sales_reports import (
    day_summary,
    z_report_net_takings,
    z_report_print_rows,
)

DAY = date(2026, 11, 22)
CUT = 30_000
PACKAGE = 58_000  # 洗吹10次
FLOAT = 50_000


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock: object) -> dict[str, int]:
    from tests.services.catalog_helpers import make_service

    make_service(uow, owner, "S001", name="洗吹", price=6_000)
    packages.add_template(uow, owner, "洗吹10次", PACKAGE, 180, [("S001", 10)])
    drawer.open_drawer(uow, owner, FLOAT)
    return {
        "zhou": members.add_member(uow, owner, name="周洁").id,
        "wang": members.add_member(uow, owner, name="王磊").id,
    }


def open_cut(uow: UnitOfWork, owner: Actor, member_id: int | None) -> int:
    sale_id = sales.open_sale(uow, owner, member_id=member_id).sale_id
    sales.add_line(uow, owner, sale_id, kind="service", description="剪发", unit_cents=CUT,
                   staff=[StaffShare(owner.staff_id or 0)])  # fmt: skip
    return sale_id


def rows(result: Any, key: str) -> list[dict[str, Any]]:
    return next(section.rows for section in result.sections if section.key == key)


def a_day_of_everything(uow: UnitOfWork, owner: Actor, shop: dict[str, int]) -> None:
    zhou, wang = shop["zhou"], shop["wang"]
    # On sales: a cut and a ¥1000 top-up, ¥600 cash tendered for ¥500 (¥100 change) + WeChat.
    sale = open_cut(uow, owner, zhou)
    cart = sale_cards.add_top_up(uow, owner, sale, 100_000)
    pay_sale(uow, owner, sale, [PaymentIn("cash", 50_000, tendered_cents=60_000),
                                PaymentIn("wechat", cart.total_cents - 50_000, reference="WX1")],
             print_receipt=False)  # fmt: skip
    # A walk-in's cut and a ¥200 gift card, by bank card.
    sale = open_cut(uow, owner, None)
    cart = sale_cards.add_gift_card(uow, owner, sale, 20_000)
    pay_sale(uow, owner, sale, [PaymentIn("bank_card", cart.total_cents, reference="0427")],
             print_receipt=False)  # fmt: skip
    # A package on a sale by Alipay, refunded whole (back by Alipay, the way it was paid).
    sale = sales.open_sale(uow, owner, member_id=zhou).sale_id
    sale_cards.add_package(uow, owner, sale, "洗吹10次")
    pay_sale(uow, owner, sale, [PaymentIn("alipay", PACKAGE, reference="ALI1")],
             print_receipt=False)  # fmt: skip
    refunds.refund_sale(uow, owner, sale, key="r-package", reason="changed her mind")
    # A cash cut refunded in cash.
    sale = open_cut(uow, owner, None)
    pay_sale(uow, owner, sale, [PaymentIn("cash", CUT)], print_receipt=False)
    refunds.refund_sale(uow, owner, sale, key="r-cut", reason="unhappy")
    # At the Cards desk: a cash top-up undone, a WeChat top-up kept.
    wrong = stored_value.top_up(uow, owner, zhou, 50_000, "cash", print_receipt=False)
    stored_value.undo_top_up(uow, owner, wrong.entry_id, "wrong member")
    stored_value.top_up(uow, owner, wang, 200_000, "wechat", "WX2", print_receipt=False)
    # Packages at the desk: cash; WeChat refunded in cash; stored value refunded to it.
    packages.sell_package(uow, owner, wang, "洗吹10次", "cash")
    by_wechat = packages.sell_package(uow, owner, zhou, "洗吹10次", "wechat", "WX3")
    packages.refund_package(uow, owner, by_wechat.id, "cash", "bought twice")
    from_balance = packages.sell_package(uow, owner, wang, "洗吹10次", "stored_value")
    packages.refund_package(uow, owner, from_balance.id, "stored_value", "wrong package")
    # Gift cards outside a sale: cash and Alipay.
    gift_cards.sell(uow, owner, 30_000, "cash", key="g-1", print_receipt=False)
    gift_cards.sell(uow, owner, 50_000, "alipay", key="g-2", reference="ALI2",
                    print_receipt=False)  # fmt: skip
    # A ¥100 gift card by bank card, refunded at the desk in cash.
    card = gift_cards.sell(uow, owner, 10_000, "bank_card", key="g-3", print_receipt=False)
    gift_cards.refund_card(uow, owner, card.code, "cash", "bought by mistake", key="g-3-back")
    # The drawer's own movements.
    drawer.cash_in(uow, owner, 10_000, "change from the bank")
    drawer.cash_out(uow, owner, 5_000, "to the bank")
    drawer.record_expense(uow, owner, "food", 2_000, "milk tea")


# Worked out by hand from the day above: (taken, paid back) by method.
EXPECTED_TAKINGS = {
    # sale 1 ¥500, cut ¥300; desk top-up ¥500, its undo; package ¥580, a refund ¥580;
    # gift card ¥300; a gift card paid back ¥100
    "cash": (50_000 + CUT + 50_000 + PACKAGE + 30_000, CUT + 50_000 + PACKAGE + 10_000),
    "wechat": (CUT + 100_000 - 50_000 + 200_000 + PACKAGE, 0),
    "bank_card": (CUT + 20_000 + 10_000, 0),
    "alipay": (PACKAGE + 50_000, PACKAGE),
    "stored_value": (PACKAGE, PACKAGE),
}


def test_every_way_money_came_in_or_went_out_is_in_the_takings_to_the_fen(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    a_day_of_everything(uow, owner, shop)
    figures = day_summary(uow, owner, DAY)
    takings = {t.tender: (t.taken_cents, t.refunded_cents) for t in figures.tenders}
    assert takings == EXPECTED_TAKINGS
    # Sales: the four paid sales, their card lines inside them; refunds apart.
    assert figures.sales_count == 4
    assert figures.total_cents == 3 * CUT + 100_000 + 20_000 + PACKAGE
    assert (figures.card_lines_count, figures.card_lines_cents) == (3, 100_000 + 20_000 + PACKAGE)
    assert figures.refunds_cents == PACKAGE + CUT
    outside = {money.kind: (money.taken_cents, money.paid_back_cents, money.count)
               for money in figures.outside}  # fmt: skip
    assert outside == {
        "top_up": (250_000, 50_000, 2),
        "package": (3 * PACKAGE, 2 * PACKAGE, 3),
        "gift_card": (90_000, 10_000, 3),
        "deposit": (0, 0, 0),
    }
    # The totals add up, and nothing is counted twice.
    assert figures.net_takings_cents == (
        figures.total_cents - figures.refunds_cents + figures.outside_net_cents
    )
    assert figures.net_takings_cents == sum(
        taken - back for taken, back in EXPECTED_TAKINGS.values()
    )
    # Top-ups, for information: the one on the sale is in Sales, the desk's outside.
    top_ups = figures.top_ups
    assert (top_ups.count, top_ups.paid_cents) == (3, 350_000)
    assert (top_ups.on_sales_count, top_ups.on_sales_cents) == (1, 100_000)
    assert top_ups.paid_cents - top_ups.on_sales_cents == outside["top_up"][0]


def test_the_drawer_holds_the_cash_takings_and_the_sales_report_agrees(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    a_day_of_everything(uow, owner, shop)
    current = drawer.current_drawer(uow, owner)
    assert current is not None
    cash_taken, cash_back = EXPECTED_TAKINGS["cash"]
    expected = FLOAT + cash_taken - cash_back + 10_000 - 5_000 - 2_000
    assert current.expected_cents == expected
    counts = {10_000: expected // 10_000, 100: (expected % 10_000) // 100}
    drawer.close_drawer(uow, owner, counts, note="")
    request = reports.ReportRequest(Period(DAY, DAY))
    daily = reports.run_report(uow, owner, "daily", request)
    (till,) = rows(daily, "drawer")
    parts = (
        till["float"] + till["sales"] - till["refunds"] + till["cash_in"] - till["cash_out"]
        - till["expenses"] + till["prepaid"] + till["deposits"]
    )  # fmt: skip
    assert till["expected"] == parts == expected
    assert (till["counted"], till["difference"]) == (expected, 0)
    # The gift card's cash is the Cards desk's money, not a "cash in" of the drawer.
    assert till["cash_in"] == 10_000
    # top-up, package, card sold, card refunded
    assert till["prepaid"] == 50_000 - 50_000 + PACKAGE - PACKAGE + 30_000 - 10_000
    cash = next(row for row in rows(daily, "tenders") if row["method"] == "Cash")
    assert till["sales"] - till["refunds"] + till["prepaid"] + till["deposits"] == cash["net"]
    assert till["expected"] == (
        till["float"] + cash["net"] + till["cash_in"] - till["cash_out"] - till["expenses"]
    )
    # The sales report's ways of paying take the same money.
    by_tender = {
        row["tender"]: row["net"]
        for row in rows(reports.run_report(uow, owner, "sales", request), "by_tender")
    }
    assert by_tender == {row["method"]: row["net"] for row in rows(daily, "tenders")}
    # The summary: net takings is sales − refunds + money taken outside sales.
    summary = {row["item"]: (row["amount"], row["count"]) for row in rows(daily, "summary")}
    outside_net = sum(row["net"] for row in rows(daily, "outside"))
    assert summary["Money taken outside sales"][0] == outside_net
    assert summary["Net takings"][0] == (summary["Sales"][0] - summary["Refunds"][0] + outside_net)
    assert summary["Net takings"][0] == sum(row["net"] for row in rows(daily, "tenders"))
    # Printed, the Z report has the same lines under the same headings, and its total is
    # the net takings (it used to print a total of ¥0.00).
    rows_printed = z_report_print_rows(daily)
    printed: dict[str, int | None] = {}
    for label, amount, _count in rows_printed:
        printed.setdefault(label, amount)  # the summary's line before the section heading
    assert printed["Money taken outside sales"] == outside_net
    assert printed["Net takings"] == summary["Net takings"][0]
    assert printed["Cash"] == cash["net"]
    assert printed["Expected"] == expected
    assert ("Takings by payment method", None, None) in rows_printed
    net = z_report_net_takings(daily)
    assert net == summary["Net takings"][0]
    job = queue_day_close(uow, owner, DAY, rows_printed, net)
    lines = printed_lines(uow, job.id)
    assert any(line.startswith("Money taken outside sales") for line in lines)
    assert "Takings by payment method" in [line.strip() for line in lines], lines
    total = next(line for line in lines if line.startswith(("Total", "合计")))
    assert total.endswith(f"{net // 100:,}.{net % 100:02d}")


def printed_lines(uow: UnitOfWork, job_id: int) -> list[str]:
    """The text lines of a queued print job, as the printer would get them."""
    from salon_tui.data.models import PrintJob
    from salon_tui.printing.escpos import PrinterProfile, render
    from salon_tui.printing.layout import ReceiptLayout
    from salon_tui.printing.receipt import receipt_from_json
    from tests.printing.escpos_reader import read

    with uow.read() as session:
        job = session.get(PrintJob, job_id)
        assert job is not None
        receipt = receipt_from_json(job.document_json)
    profile = PrinterProfile(columns=48)
    elements = ReceiptLayout(profile.columns, profile.hanzi).lay_out(receipt)
    return read(render(elements, profile, open_drawer=False)).text_lines


def test_a_top_up_sold_on_a_sale_is_counted_once_in_every_total(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sale = open_cut(uow, owner, shop["zhou"])
    cart = sale_cards.add_top_up(uow, owner, sale, 100_000)
    pay_sale(uow, owner, sale, [PaymentIn("wechat", cart.total_cents, reference="WX")],
             print_receipt=False)  # fmt: skip
    daily = reports.run_report(uow, owner, "daily", reports.ReportRequest(Period(DAY, DAY)))
    summary = {row["item"]: (row["amount"], row["count"]) for row in rows(daily, "summary")}
    assert summary["Sales"] == (CUT + 100_000, 1)
    assert summary["of which top-ups, packages and gift cards"] == (100_000, 1)
    assert summary["Money taken outside sales"] == (0, 0)
    assert summary["Net takings"] == (CUT + 100_000, None)  # once, not ¥2300
    top_ups = {row["item"]: (row["amount"], row["count"]) for row in rows(daily, "top_ups")}
    assert top_ups["Top-ups (stored value)"] == (100_000, 1)
    assert top_ups["of which sold on sales (in Sales)"] == (100_000, 1)
    assert top_ups["of which at the Cards desk (in money taken outside sales)"] == (0, 0)
    section = next(s for s in daily.sections if s.key == "top_ups")
    assert "for information" in section.title
    assert any("in Sales, not in money taken outside sales" in note for note in daily.notes)


def test_packages_refunded_before_the_upgrade_get_their_method_day_and_store_back(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    from alembic import command
    from sqlmodel import col, select

    from salon_tui.data import schema
    from salon_tui.data.models import MemberPackage

    at_desk = packages.sell_package(uow, owner, shop["wang"], "洗吹10次", "wechat", "WX9")
    packages.refund_package(uow, owner, at_desk.id, "alipay", "bought twice", "ALI-R")
    sale = sales.open_sale(uow, owner, member_id=shop["zhou"]).sale_id
    sale_cards.add_package(uow, owner, sale, "洗吹10次")
    pay_sale(uow, owner, sale, [PaymentIn("cash", PACKAGE)], print_receipt=False)
    refunds.refund_sale(uow, owner, sale, key="r-1", reason="changed her mind")
    kept = packages.sell_package(uow, owner, shop["zhou"], "洗吹10次", "cash")

    def refunds_recorded() -> list[tuple[int, str, date | None, int | None]]:
        with uow.read() as session:
            return [
                (row.id or 0, row.refund_method, row.refunded_on, row.refund_store_id)
                for row in session.exec(select(MemberPackage).order_by(col(MemberPackage.id)))
            ]

    recorded = refunds_recorded()
    store = recorded[0][3]
    assert store is not None
    assert recorded == [
        (at_desk.id, "alipay", DAY, store),
        (recorded[1][0], "sale", DAY, store),
        (kept.id, "", None, None),
    ]
    before = day_summary(uow, owner, DAY).tenders
    uow.engine.dispose()
    for target in ("checkout_0001", "head"):
        with uow.engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            if uow.is_sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys = OFF")
            with connection.begin():
                run = command.downgrade if target != "head" else command.upgrade
                run(schema._alembic_config(connection), target)
        uow.engine.dispose()
    assert refunds_recorded() == recorded
    assert day_summary(uow, owner, DAY).tenders == before


@pytest.mark.parametrize(("shop_language", "screen_language"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_the_printed_z_report_is_wholly_in_the_shops_receipt_language(
    uow: UnitOfWork,
    owner: Actor,
    shop: dict[str, int],
    shop_language: str,
    screen_language: str,
) -> None:
    import re

    from salon_tui.i18n import current_locale, install
    from salon_tui.services.sale_receipts import print_day_close
    from salon_tui.services.settings import update_shop_settings

    a_day_of_everything(uow, owner, shop)
    update_shop_settings(uow, owner, locale=shop_language)
    install(screen_language)
    job = print_day_close(uow, owner, DAY)
    assert current_locale() == screen_language  # the screen keeps its language
    lines = [line.strip() for line in printed_lines(uow, job.id)]
    # The shop's and the cashier's names are as they are written; every other word is in
    # the shop's language.
    words = [line for line in lines if line and "Test Salon" not in line
             and "Olivia Owner" not in line]  # fmt: skip
    if shop_language == "zh_CN":
        for expected in ("日结报表 (Z)", "销售以外的收款", "各支付方式收入", "现金", "微信支付",
                         "净收入", "销售以外的礼品卡（售出、退款）", "应有"):  # fmt: skip
            assert any(expected in line for line in lines), (expected, lines)
        english = [line for line in words if re.search(r"[A-Za-z]{3,}", line)]
        assert english == [], english
    else:
        for expected in ("DAY CLOSE (Z REPORT)", "Money taken outside sales",
                         "Takings by payment method", "Cash", "WeChat Pay", "Net takings",
                         "Gift cards outside a sale (sold, refunded)", "Expected"):  # fmt: skip
            assert any(expected in line for line in lines), (expected, lines)
        chinese = [line for line in words if re.search(r"[\u4e00-\u9fff]", line)]
        assert chinese == [], chinese
