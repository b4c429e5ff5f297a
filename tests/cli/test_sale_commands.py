"""`salon sale`, `salon commission` and `salon report daily|commission` on real sales."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from sqlmodel import col, select

from salon_tui.data.models import Payment, Refund
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import drawer, members, sales, staff
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.cli.conftest import OWNER_ENV
from tests.conftest import FROZEN_NOW


@pytest.fixture
def two_sales(initialised: None, reopen: Callable[[], UnitOfWork]) -> dict[str, Any]:
    """A perm paid by WeChat and cash, and a cut paid by card, both on 2026-11-22."""
    uow = reopen()
    with time_machine.travel(FROZEN_NOW, tick=False):
        owner_view = staff.find_staff(uow, "王芳")
        owner = Actor(owner_view.id, owner_view.name, Role.OWNER)
        tony = staff.add_staff(uow, owner, "Tony 张伟", Role.STYLIST, "1111")
        drawer.open_drawer(uow, owner, 20_000)
        member = members.add_member(uow, owner, name="李女士")
        cart = sales.open_sale(uow, owner, member_id=member.id)
        sales.add_line(
            uow,
            owner,
            cart.sale_id,
            kind="service",
            description="烫发 Perm",
            unit_cents=38_000,
            staff=[StaffShare(tony.id, requested=True)],
        )
        cart = sales.add_line(
            uow,
            owner,
            cart.sale_id,
            kind="product",
            description="护发精油",
            unit_cents=9_900,
            qty=2,
        )
        sales.discount_line(
            uow, owner, cart.sale_id, cart.lines[1].id, amount_cents=1_800, reason="老客"
        )
        first = pay_sale(
            uow,
            owner,
            cart.sale_id,
            [
                PaymentIn("wechat", 50_000, reference="wx-1"),
                PaymentIn("cash", 6_000, tendered_cents=10_000),
            ],
        )
        cart = sales.open_sale(uow, owner)
        cart = sales.add_line(
            uow,
            owner,
            cart.sale_id,
            kind="service",
            description="剪发 Cut",
            unit_cents=12_800,
            staff=[StaffShare(tony.id)],
        )
        second = pay_sale(uow, owner, cart.sale_id, [PaymentIn("bank_card", 12_800)])
    return {"first": first, "second": second, "uow": uow}


def test_sale_list_and_show_tell_what_was_sold_and_why_it_cost_that(run, two_sales) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        listed = run("sale", "list", "--date", "2026-11-22", "--json", env=OWNER_ENV)
        assert listed.exit_code == 0, listed.output
        rows = json.loads(listed.stdout)
        assert [r["number"] for r in rows] == ["20261122-0002", "20261122-0001"]
        shown = run("sale", "show", "20261122-0001", env=OWNER_ENV)
    assert shown.exit_code == 0, shown.output
    assert "老客" in shown.stdout and "李女士" in shown.stdout and "wx-1" in shown.stdout


def test_partial_refund_by_line_to_cash_is_stored_and_refunding_again_is_refused(
    run, two_sales, reopen
) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        shown = json.loads(run("sale", "show", "20261122-0001", "--json", env=OWNER_ENV).stdout)
        oil = shown["lines"][1]["id"]
        result = run(
            "sale",
            "refund",
            "20261122-0001",
            "--line",
            f"{oil}:1",
            "--to",
            "cash",
            "--reason",
            "过敏",
            "--json",
            env=OWNER_ENV,
        )
        assert result.exit_code == 0, result.output
        done = json.loads(result.stdout)
        assert done["total_cents"] == 9_000 and done["payments"][0]["tender"] == "cash"
        again = run(
            "sale", "refund", "20261122-0001", "--line", f"{oil}:2", "--reason", "x", env=OWNER_ENV
        )
    assert again.exit_code == 1
    assert "only 1 of 2" in again.stderr
    with reopen().read() as session:
        refunds = session.exec(select(Refund)).all()
        assert [r.number for r in refunds] == ["R20261122-0001"]
        paid_back = session.exec(
            select(Payment.amount_cents).where(col(Payment.refund_id).is_not(None))
        ).all()
        assert paid_back == [-9_000]


def test_report_daily_json_adds_up_the_day(run, two_sales) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        result = run("report", "daily", "--date", "2026-11-22", "--json", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    sections = {s["key"]: s for s in report["sections"]}
    summary = {row["item"]: row for row in sections["summary"]["rows"]}
    assert summary["Sales"] == {"item": "Sales", "amount": 68_800, "count": 2}
    takings = {row["method"]: row["net"] for row in sections["tenders"]["rows"]}
    assert takings == {"WeChat Pay": 50_000, "Bank card": 12_800, "Cash": 6_000}
    (drawer_row,) = sections["drawer"]["rows"]
    assert drawer_row["expected"] == 26_000 and drawer_row["counted"] is None
    assert "still open" in " ".join(report["notes"])


def test_report_daily_json_counts_a_gift_card_sold_outside_a_sale(run, two_sales) -> None:
    from salon_tui.services import gift_cards

    uow = two_sales["uow"]
    with time_machine.travel(FROZEN_NOW, tick=False):
        owner_view = staff.find_staff(uow, "王芳")
        owner = Actor(owner_view.id, owner_view.name, Role.OWNER)
        gift_cards.sell(uow, owner, 30_000, "cash", key="g-1", print_receipt=False)
        result = run("report", "daily", "--date", "2026-11-22", "--json", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    sections = {s["key"]: s for s in json.loads(result.stdout)["sections"]}
    summary = {row["item"]: row["amount"] for row in sections["summary"]["rows"]}
    assert summary["Money taken outside sales"] == 30_000
    assert summary["Net takings"] == summary["Sales"] - summary["Refunds"] + 30_000
    outside = {row["item"]: row["net"] for row in sections["outside"]["rows"]}
    assert outside["Gift cards outside a sale (sold, refunded)"] == 30_000
    takings = {row["method"]: row["net"] for row in sections["tenders"]["rows"]}
    assert takings == {"WeChat Pay": 50_000, "Bank card": 12_800, "Cash": 6_000 + 30_000}
    (drawer_row,) = sections["drawer"]["rows"]
    assert (drawer_row["cash_in"], drawer_row["prepaid"]) == (0, 30_000)
    assert drawer_row["expected"] == 20_000 + 6_000 + 30_000
    assert "top_ups" in sections


def test_commission_rules_from_the_cli_and_the_statement_report(run, two_sales) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        added = run(
            "commission",
            "add",
            "Services",
            "--percent",
            "10",
            "--kind",
            "service",
            "--tier",
            "1000:15",
            env=OWNER_ENV,
        )
        assert added.exit_code == 0, added.output
        listed = run("commission", "list", "--json", env=OWNER_ENV)
        assert json.loads(listed.stdout)[0]["tiers"] == [[100_000, 1_500]]
        bad = run("commission", "add", "Both", "--percent", "5", "--fixed", "3", env=OWNER_ENV)
        assert bad.exit_code == 2
        level = run("commission", "level", "Tony 张伟", "总监", env=OWNER_ENV)
        assert level.exit_code == 0, level.output
        report = run("report", "commission", "--date", "2026-11-22", "--json", env=OWNER_ENV)
    assert report.exit_code == 0, report.output
    # the rule came after both sales: commission is fixed at sale time, so nothing is owed
    assert json.loads(report.stdout)["sections"][0]["rows"] == []


def test_a_stylist_cannot_list_sales(run, two_sales) -> None:
    result = run("sale", "list", env={"SALON_STAFF": "Tony 张伟", "SALON_PIN": "1111"})
    assert result.exit_code == 1
    assert "sales.view" in result.stderr


def test_a_rating_is_recorded_listed_refused_twice_and_withdrawn(run, two_sales, reopen) -> None:
    from salon_tui.data.models import SaleRating

    with time_machine.travel(FROZEN_NOW, tick=False):
        rated = run("sale", "rate", "20261122-0001", "--stylist", "Tony 张伟", "--stars", "5",
                    "--comment", "烫得很自然", env=OWNER_ENV)  # fmt: skip
        assert rated.exit_code == 0, rated.output
        again = run("sale", "rate", "20261122-0001", "--stylist", "Tony 张伟", "--stars", "2",
                    env=OWNER_ENV)  # fmt: skip
        assert again.exit_code == 1
        wrong = run("sale", "rate", "20261122-0002", "--stylist", "Tony 张伟", "--stars", "9",
                    env=OWNER_ENV)  # fmt: skip
        assert wrong.exit_code == 1
        (listed,) = json.loads(run("sale", "ratings", "--json", env=OWNER_ENV).stdout)
        assert (listed["sale"], listed["stylist"], listed["stars"], listed["comment"]) == (
            "20261122-0001",
            "Tony 张伟",
            5,
            "烫得很自然",
        )
        gone = run("sale", "unrate", str(listed["id"]), "--reason", "客人说错了", env=OWNER_ENV)
        assert gone.exit_code == 0, gone.output
        assert json.loads(run("sale", "ratings", "--json", env=OWNER_ENV).stdout) == []
    with reopen().read() as session:
        (row,) = session.exec(select(SaleRating)).all()
    assert (row.stars, row.withdraw_reason) == (5, "客人说错了")


def test_checkout_settings_from_the_command_line(run, initialised, reopen) -> None:
    changed = run("sale", "settings", "--discount-limit", "15%", "--ask-rating", "on", "--json",
                  env=OWNER_ENV)  # fmt: skip
    assert changed.exit_code == 0, changed.output
    expected = {"discount_limit_bp": 1_500, "ask_rating": True, "birthday_discount_bp": 0,
                "birthday_window": "month", "birthday_scope": "services",
                "birthday_once": True}  # fmt: skip
    assert json.loads(changed.stdout) == expected
    for args in (("--discount-limit", "lots"), ("--ask-rating", "maybe")):
        assert run("sale", "settings", *args, env=OWNER_ENV).exit_code == 2
    assert run("sale", "settings", "--discount-limit", "120", env=OWNER_ENV).exit_code == 1
    shown = json.loads(run("sale", "settings", "--json", env=OWNER_ENV).stdout)
    assert shown == expected
    birthday = run("sale", "settings", "--birthday-discount", "10%", "--birthday-window", "week",
                   "--birthday-on", "all", "--json", env=OWNER_ENV)  # fmt: skip
    assert json.loads(birthday.stdout)["birthday_discount_bp"] == 1_000
    assert run("sale", "settings", "--birthday-on", "hats", env=OWNER_ENV).exit_code == 1


def test_a_cashier_refunds_with_a_managers_pin_on_the_spot(run, two_sales, reopen) -> None:
    for name, role, pin in (("李娜 Nina", "front_desk", "1234"), ("陈静 Jing", "manager", "6666")):
        hired = run("staff", "add", name, "--role", role, "--pin", pin, env=OWNER_ENV)
        assert hired.exit_code == 0, hired.output
    desk = {"SALON_STAFF": "李娜 Nina", "SALON_PIN": "1234"}
    number = "20261122-0002"
    with time_machine.travel(FROZEN_NOW, tick=False):
        alone = run("sale", "refund", number, "--reason", "x", env=desk)
        no_pin = run("sale", "refund", number, "--reason", "x", "--approved-by", "陈静 Jing",
                     env=desk)  # fmt: skip
        wrong = run("sale", "refund", number, "--reason", "x", "--approved-by", "陈静 Jing",
                    env={**desk, "SALON_APPROVER_PIN": "0000"})  # fmt: skip
        not_a_manager = run("sale", "refund", number, "--reason", "x", "--approved-by",
                            "李娜 Nina", env={**desk, "SALON_APPROVER_PIN": "1234"})  # fmt: skip
        with reopen().read() as session:
            assert session.exec(select(Refund)).all() == []
        approved = run("sale", "refund", number, "--reason", "剪短了", "--approved-by", "陈静 Jing",
                       env={**desk, "SALON_APPROVER_PIN": "6666"})  # fmt: skip
    assert alone.exit_code == 1 and "not allowed to do this (sales.refund)" in alone.stderr
    assert no_pin.exit_code == 2 and "SALON_APPROVER_PIN" in no_pin.stderr
    assert wrong.exit_code == 1 and "Wrong name or PIN" in wrong.stderr
    assert not_a_manager.exit_code == 1 and "may not approve this" in not_a_manager.stderr
    assert approved.exit_code == 0, approved.output
    with reopen().read() as session:
        (refund,) = session.exec(select(Refund)).all()
        nina = staff.find_staff(reopen(), "李娜 Nina").id
        assert (refund.refunded_by, refund.amount_cents) == (nina, 12_800)
        from salon_tui.data.models import AuditEntry

        (entry,) = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "sales.refund")
        ).all()
        assert entry.staff_id == nina
        assert json.loads(entry.after or "{}")["approved_by"] == "陈静 Jing"
