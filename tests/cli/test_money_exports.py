"""`salon export` of the money kinds (sales lines, payments, commissions, ledgers,
bookings) on a demo shop: the files' cells, and figures that tie out with the reports."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import text
from sqlmodel import col, func, select

from salon_tui import i18n
from salon_tui.data.models import BookingDeposit
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import exports
from tests.cli.conftest import OWNER_ENV
from tests.peers import libreoffice_convert

EN = ("--lang", "en")


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo shop for the module (300 members, six months), copied into each test."""
    home = tmp_path_factory.mktemp("demo-shop")
    environment = {**os.environ, "SALON_HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(
        [sys.executable, "-m", "salon_tui", "demo"],
        env=environment,
        check=True,
        capture_output=True,
        timeout=600,
    )
    return home / "salon.db"


@pytest.fixture
def demo(demo_database: Path, salon_home: Path) -> Path:
    source = sqlite3.connect(demo_database)
    target = sqlite3.connect(salon_home / "salon.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    return salon_home


def shop_today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def last_month() -> tuple[date, date]:
    end = shop_today().replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def total(rows: list[dict[str, str]], column: str) -> Decimal:
    return sum((Decimal(row[column] or "0") for row in rows), Decimal(0))


def report(run, name: str, *arguments: str) -> dict[str, Any]:
    result = run(*EN, "report", name, *arguments, "--json", env=OWNER_ENV)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def section(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(part["rows"] for part in document["sections"] if part["key"] == key)


def yuan(cents: int) -> Decimal:
    return Decimal(cents) / 100


def export(run, kind: str, out: Path, *arguments: str) -> Path:
    result = run(*EN, "export", kind, "--out", str(out), *arguments, env=OWNER_ENV)
    assert result.exit_code == 0, result.stderr
    return out


def test_sale_lines_add_up_to_the_sales_report_net_revenue(run, demo, tmp_path: Path) -> None:
    start, end = last_month()
    period = ("--from", start.isoformat(), "--to", end.isoformat())
    rows = read_csv(export(run, "sales", tmp_path / "sales.csv", *period))
    summary = section(report(run, "sales", *period), "summary")[0]
    assert total(rows, "Line total") == yuan(summary["net"])
    refunds = [row for row in rows if row["Status"] == "refund"]
    assert -total(refunds, "Line total") == yuan(summary["refunds"])
    assert all(row["Refund number"].startswith("R") for row in refunds)
    paid = [row for row in rows if row["Status"] != "refund"]
    assert len({row["Sale number"] for row in paid}) == summary["sales"]
    assert all(start.isoformat() <= row["Business day"] <= end.isoformat() for row in rows)
    discounted = [row for row in paid if Decimal(row["Discount"]) != 0]
    assert discounted and all(row["Discounts by source"] for row in discounted)
    assert any("Member level" in row["Discounts by source"] for row in discounted)


def test_payments_add_up_to_what_every_way_of_paying_took(run, demo, tmp_path: Path) -> None:
    start, end = last_month()
    period = ("--from", start.isoformat(), "--to", end.isoformat())
    rows = read_csv(export(run, "payments", tmp_path / "payments.csv", *period))
    by_tender = section(report(run, "sales", *period), "by_tender")
    # The sales report's ways of paying also count the money taken outside a sale: at the
    # Cards desk top-ups, their undos and closings (the stored value ledger by method),
    # packages sold and refunded, gift cards sold and paid back (their ledgers' method), and booking
    # deposits taken and given back (by tender, read from the database).
    labels = {"cash": "Cash", "bank_card": "Bank card", "wechat": "WeChat Pay",
              "alipay": "Alipay", "other": "Other", "stored_value": "Stored value"}  # fmt: skip
    desk: dict[str, Decimal] = defaultdict(Decimal)
    for row in read_csv(export(run, "ledgers", tmp_path / "ledgers.csv", "--to", end.isoformat())):
        if not start.isoformat() <= row["Business day"] <= end.isoformat():
            continue
        if row["Method"] not in labels:  # "sale": the sale's payments took the money
            continue
        if row["Ledger code"] == "stored_value" and row["Entry kind"] in (
            "top_up",
            "reversal",
            "close",
        ):
            desk[labels[row["Method"]]] += Decimal(row["Principal"])
        elif (row["Ledger code"], row["Entry kind"]) in (
            ("package", "sold"),
            ("package", "refund"),
            ("gift_card", "sold"),
            ("gift_card", "paid_back"),
        ):
            desk[labels[row["Method"]]] += Decimal(row["Liability change"])
    shop_database = UnitOfWork(f"sqlite:///{demo / 'salon.db'}")
    with shop_database.read() as session:
        for tender, amount in session.execute(
            select(col(BookingDeposit.tender), func.sum(col(BookingDeposit.amount_cents)))
            .where(
                col(BookingDeposit.kind).in_(("taken", "returned")),
                col(BookingDeposit.business_day) >= start,
                col(BookingDeposit.business_day) <= end,
            )
            .group_by(col(BookingDeposit.tender))
        ):
            desk[labels[tender]] += yuan(int(amount))
    shop_database.dispose()
    assert desk  # the demo tops up at the desk every month
    assert total(rows, "Amount") + sum(desk.values()) == yuan(
        sum(line["net"] for line in by_tender)
    )
    by_method: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        by_method[row["Method"]] += Decimal(row["Amount"])
    for method, amount in desk.items():
        by_method[method] += amount
    assert by_method == {line["tender"]: yuan(line["net"]) for line in by_tender}
    paid_back = [row for row in rows if row["Refund number"]]
    assert paid_back and all(Decimal(row["Amount"]) < 0 for row in paid_back)


def test_commissions_add_up_to_the_staff_report(run, demo, tmp_path: Path) -> None:
    start, end = last_month()
    period = ("--from", start.isoformat(), "--to", end.isoformat())
    rows = read_csv(export(run, "commissions", tmp_path / "commissions.csv", *period))
    people = section(report(run, "staff", *period), "by_person")
    by_staff: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        by_staff[row["Staff"]] += Decimal(row["Commission"])
    assert by_staff == {
        person["name"]: yuan(person["commission"]) for person in people if person["commission"]
    }
    assert {row["Entry kind"] for row in rows} >= {"line"}


@pytest.mark.parametrize("days_ago", [0, 45])
def test_ledger_values_add_up_to_the_liabilities_outstanding(
    run, demo, tmp_path: Path, days_ago: int
) -> None:
    at = (shop_today() - timedelta(days=days_ago)).isoformat()
    rows = read_csv(export(run, "ledgers", tmp_path / "ledgers.csv", "--to", at))
    owed = {
        line["what"]: line["outstanding"]
        for line in section(report(run, "liabilities", "--at", at), "liabilities")
    }
    ledgers: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        ledgers[row["Ledger code"]].append(row)
    assert total(ledgers["stored_value"], "Principal") == yuan(owed["Stored value: principal"])
    assert total(ledgers["stored_value"], "Bonus") == yuan(owed["Stored value: bonus"])
    assert total(ledgers["package"], "Liability change") == yuan(owed["Packages (at sale price)"])
    points = total(ledgers["points"], "Liability change").quantize(
        Decimal("0.01"), rounding=ROUND_FLOOR
    )
    assert points == yuan(owed["Points (at redemption value)"])
    assert total(ledgers["coupon"], "Liability change") == yuan(
        owed.get("Vouchers (代金券) unused", 0)
    )
    assert total(ledgers["gift_card"], "Liability change") == yuan(owed.get("Gift cards", 0))
    assert all(row["Business day"] <= at for row in rows)


def test_ledgers_within_a_period_are_the_movement_between_two_balances(
    run, demo, tmp_path: Path
) -> None:
    start, end = last_month()
    before = (start - timedelta(days=1)).isoformat()
    opening = read_csv(export(run, "ledgers", tmp_path / "opening.csv", "--to", before))
    moved = read_csv(
        export(
            run,
            "ledgers",
            tmp_path / "moved.csv",
            "--from",
            start.isoformat(),
            "--to",
            end.isoformat(),
        )
    )
    closing = read_csv(export(run, "ledgers", tmp_path / "closing.csv", "--to", end.isoformat()))

    def value(rows: list[dict[str, str]], ledger: str) -> Decimal:
        return total([row for row in rows if row["Ledger code"] == ledger], "Liability change")

    for ledger in ("stored_value", "package", "points", "coupon", "gift_card"):
        assert value(opening, ledger) + value(moved, ledger) == value(closing, ledger), ledger
    assert moved and all(
        start.isoformat() <= row["Business day"] <= end.isoformat() for row in moved
    )


def test_bookings_export_real_dates_times_and_amounts(run, demo, tmp_path: Path) -> None:
    # The demo books the last weeks and the week ahead.
    start, end = shop_today() - timedelta(days=21), shop_today() + timedelta(days=7)
    out = export(
        run,
        "bookings",
        tmp_path / "bookings.xlsx",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
    )
    sheet = openpyxl.load_workbook(out)["Bookings"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert rows
    for row in rows:
        assert isinstance(row["Start"], datetime) and isinstance(row["End"], datetime)
        assert row["Start"] < row["End"] and start <= row["Start"].date() <= end
        assert isinstance(row["Deposit held"], (int, float))
        assert row["History"] >= 1
    assert {row["Source"] for row in rows} == {"booking", "walk_in"}
    assert "done" in {row["Status"] for row in rows}
    with UnitOfWork(f"sqlite:///{demo / 'salon.db'}").read() as session:
        counted = session.execute(
            text("select count(*) from booking where business_day between :a and :b"),
            {"a": start, "b": end},
        ).scalar_one()
    assert len(rows) == counted


def test_export_all_holds_the_money_sheets_and_their_readme_rows(run, demo, tmp_path: Path) -> None:
    start, end = last_month()
    out = export(
        run, "all", tmp_path / "all.xlsx", "--from", start.isoformat(), "--to", end.isoformat()
    )
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert {
        "Sales lines",
        "Payments",
        "Commissions",
        "Ledgers",
        "Bookings",
        "Package templates",
    } <= set(workbook.sheetnames)
    readme = {row[:2] for row in workbook["README"].iter_rows(min_row=2, values_only=True)}
    assert ("Sales lines", "Discounts by source") in readme
    assert ("Ledgers", "Liability change") in readme
    assert ("Payments", "Reference") in readme
    payments = list(workbook["Payments"].iter_rows(min_row=2, values_only=True))
    assert payments and all(isinstance(row[7], (int, float)) for row in payments)
    assert all(isinstance(row[4], datetime) for row in payments)  # business day: a real date


def test_sales_in_chinese_keep_the_period_and_translate_headers(run, demo, tmp_path: Path) -> None:
    start, end = last_month()
    i18n.install("zh_CN")  # what `salon --lang zh_CN` does before the commands are built
    out = tmp_path / "销售.csv"
    result = run(
        "export",
        "sales",
        "--out",
        str(out),
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        "--encoding",
        "gbk",
        env=OWNER_ENV,
    )
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="gbk", newline="") as handle:
        header = next(csv.reader(handle))
    assert "销售单号" in header and "折扣来源" in header


def masked_actor() -> Actor:
    """A manager who, in this test, may not see members' contact details."""
    return Actor(staff_id=1, name="王芳", role=Role.MANAGER)


def test_member_cards_and_phones_are_masked_without_the_contact_permission(
    demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uow = UnitOfWork(f"sqlite:///{demo / 'salon.db'}")
    original = Actor.can
    monkeypatch.setattr(
        Actor,
        "can",
        lambda self, permission: permission != "member.contact" and original(self, permission),
    )
    for kind, card_column in (("sales", 6), ("payments", 13), ("bookings", 8), ("ledgers", 6)):
        out = tmp_path / f"{kind}.csv"
        exports.export(uow, masked_actor(), kind, out)
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        cards = [row[card_column] for row in rows if row[card_column]]
        assert cards, kind
        assert all(card.startswith("****") for card in cards), kind
    with (tmp_path / "bookings.csv").open(encoding="utf-8-sig", newline="") as handle:
        phones = [row[6] for row in list(csv.reader(handle))[1:] if row[6]]
    assert phones and all("****" in phone for phone in phones)
    uow.dispose()


def test_a_stylist_cannot_export_sales_and_all_leaves_the_money_out(
    run, demo, tmp_path: Path
) -> None:
    stylist = {"SALON_STAFF": "Kevin 刘洋", "SALON_PIN": "2222"}
    refused = run(*EN, "export", "sales", "--out", str(tmp_path / "s.csv"), env=stylist)
    assert refused.exit_code == 1
    assert not (tmp_path / "s.csv").exists()
    everything = tmp_path / "all.xlsx"
    assert run(*EN, "export", "all", "--out", str(everything), env=stylist).exit_code == 0
    sheets = set(openpyxl.load_workbook(everything, read_only=True).sheetnames)
    assert not sheets & {"Sales lines", "Payments", "Commissions", "Ledgers", "Bookings"}


def test_a_sales_export_opens_in_libreoffice_with_the_same_values(
    run, demo, tmp_path: Path
) -> None:
    start, end = last_month()
    out = export(
        run, "sales", tmp_path / "sales.xlsx", "--from", start.isoformat(), "--to", end.isoformat()
    )
    converted = libreoffice_convert(out, "csv", tmp_path / "lo")
    ours = list(openpyxl.load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    with converted.open(encoding="utf-8", newline="") as handle:
        theirs = list(csv.reader(handle))
    assert theirs[0] == list(ours[0])
    assert len(theirs) == len(ours)
    header = theirs[0]
    line_total = header.index("Line total")
    assert sum(Decimal(row[line_total]) for row in theirs[1:]) == sum(
        Decimal(str(row[line_total])) for row in ours[1:]
    )
    description = header.index("Description")
    assert [row[description] for row in theirs[1:]] == [row[description] for row in ours[1:]]
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in row[description]) for row in theirs[1:])
