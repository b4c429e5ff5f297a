"""`salon points`, `salon coupon`, `salon giftcard`: what they print, how they refuse,
and the rows they leave in the database."""

from __future__ import annotations

import json

import pytest
import time_machine
from sqlmodel import col, select

from salon_tui.data.models import Coupon, DrawerMovement, GiftCard, GiftCardEntry, PointsEntry
from tests.cli.conftest import OWNER_ENV
from tests.conftest import FROZEN_NOW


@pytest.fixture
def shop_with_member(run, initialised) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        added = run(
            "member",
            "add",
            "李莉",
            "--phone",
            "13800138000",
            "--birthday",
            "1990-11-24",
            "--tags",
            "VIP",
            env=OWNER_ENV,
        )
        assert added.exit_code == 0, added.output


def test_points_adjust_balance_and_history(run, shop_with_member, reopen) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        done = run(
            "points",
            "adjust",
            "13800138000",
            "--points",
            "+500",
            "--reason",
            "开业礼",
            env=OWNER_ENV,
        )
        assert done.exit_code == 0, done.output
        balance = run("points", "balance", "13800138000", "--json", env=OWNER_ENV)
        history = run("points", "history", "13800138000", env=OWNER_ENV)
        refused = run(
            "points", "adjust", "13800138000", "--points", "-501", "--reason", "x", env=OWNER_ENV
        )
    view = json.loads(balance.stdout)
    assert view["points"] == 500 and view["value_cents"] == 500
    assert view["next_expiry_day"] == "2027-12-31"
    assert "开业礼" in history.stdout
    assert refused.exit_code == 1 and "Not enough points: 500 held, 501 needed" in refused.stderr
    with reopen().read() as session:
        assert [e.points for e in session.exec(select(PointsEntry)).all()] == [500]


def test_points_adjust_refuses_a_number_that_is_not_one(run, shop_with_member) -> None:
    result = run(
        "points", "adjust", "13800138000", "--points", "lots", "--reason", "x", env=OWNER_ENV
    )
    assert result.exit_code == 2 and "not a whole number" in result.stderr


def test_points_rules_change_and_expire_runs_once(run, shop_with_member) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        rules = run(
            "points",
            "rules",
            "--spend-per-point",
            "10",
            "--exclude",
            "活动",
            "--json",
            env=OWNER_ENV,
        )
        assert json.loads(rules.stdout)["spend_per_point_cents"] == 1_000
        run("points", "adjust", "13800138000", "--points", "300", "--reason", "gift", env=OWNER_ENV)
        first = run("points", "expire", "--date", "2028-01-01", env=OWNER_ENV)
        second = run("points", "expire", "--date", "2028-01-01", env=OWNER_ENV)
    assert "300 points of 1 members expired" in first.stdout
    assert "0 points of 0 members expired" in second.stdout


def test_coupon_templates_issue_check_and_birthdays(run, shop_with_member, reopen) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        added = run(
            "coupon",
            "template",
            "add",
            "满300减50",
            "--kind",
            "amount_off",
            "--amount",
            "50",
            "--min-spend",
            "300",
            "--days",
            "30",
            env=OWNER_ENV,
        )
        assert added.exit_code == 0, added.output
        bad = run(
            "coupon", "template", "add", "x", "--kind", "discount", "--days", "3", env=OWNER_ENV
        )
        issued = run("coupon", "issue", "满300减50", "13800138000", env=OWNER_ENV)
        assert issued.exit_code == 0, issued.output
        listed = json.loads(run("coupon", "list", "--json", env=OWNER_ENV).stdout)
        code = listed[0]["code"]
        check = run("coupon", "check", code, env=OWNER_ENV)
        wrong = run("coupon", "check", code[:-1] + str((int(code[-1]) + 1) % 10), env=OWNER_ENV)
        settings = run("coupon", "settings", "--birthday-template", "满300减50", env=OWNER_ENV)
        birthdays = run("coupon", "birthdays", env=OWNER_ENV)
        again = run("coupon", "birthdays", env=OWNER_ENV)
        segment = run(
            "coupon", "issue-segment", "满300减50", "tag:VIP", "--key", "nov", env=OWNER_ENV
        )
        void = run("coupon", "void", code, "--reason", "issued twice", env=OWNER_ENV)
        check_void = run("coupon", "check", code, env=OWNER_ENV)
    assert bad.exit_code == 1 and "percent, amount_off, voucher or free_item" in bad.stderr
    assert check.exit_code == 0 and "Can be used until 2026-12-21" in check.stdout
    assert wrong.exit_code == 1 and "check digit" in wrong.stderr
    assert "Birthday coupon: 满300减50, 7 days ahead." in settings.stdout
    assert "1 birthday coupons" in birthdays.stdout and "0 birthday coupons" in again.stdout
    assert "1 coupons 满300减50 issued" in segment.stdout
    assert void.exit_code == 0
    assert check_void.exit_code == 1 and "was cancelled" in check_void.stdout
    with reopen().read() as session:
        stored = session.exec(select(Coupon).order_by(col(Coupon.id))).all()
        assert [(c.origin, c.state) for c in stored] == [
            ("manual", "void"),
            ("birthday", "available"),
            ("segment", "available"),
        ]


def test_giftcard_sell_balance_and_list(run, initialised, reopen) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        no_drawer = run("giftcard", "sell", "500", "--pay", "cash", env=OWNER_ENV)
        sold = run(
            "giftcard",
            "sell",
            "500",
            "--pay",
            "wechat",
            "--reference",
            "WX42",
            "--key",
            "k1",
            "--json",
            env=OWNER_ENV,
        )
        again = run(
            "giftcard",
            "sell",
            "500",
            "--pay",
            "wechat",
            "--reference",
            "WX42",
            "--key",
            "k1",
            "--json",
            env=OWNER_ENV,
        )
        code = json.loads(sold.stdout)["code"]
        balance = run("giftcard", "balance", code, env=OWNER_ENV)
        wrong = run("giftcard", "balance", code[:-1] + str((int(code[-1]) + 1) % 10), env=OWNER_ENV)
        listed = run("giftcard", "list", "--with-balance", env=OWNER_ENV)
        zero = run("giftcard", "sell", "0", env=OWNER_ENV)
    assert no_drawer.exit_code == 1 and "drawer is not open" in no_drawer.stderr
    assert json.loads(again.stdout)["code"] == code
    assert "¥500.00 left of" in balance.stdout
    assert wrong.exit_code == 1 and "check digit" in wrong.stderr
    assert code[-4:] in listed.stdout
    assert zero.exit_code == 1
    with reopen().read() as session:
        cards = session.exec(select(GiftCard)).all()
        assert [(c.value_cents, c.balance_cents, c.tender) for c in cards] == [
            (50_000, 50_000, "wechat")
        ]
        assert session.exec(select(DrawerMovement)).all() == []


def test_every_loyalty_command_has_help(run) -> None:
    for group in (["points"], ["coupon"], ["coupon", "template"], ["giftcard"]):
        result = run(*group, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout


def test_points_into_stored_value_and_a_reward_from_the_catalogue(
    run, shop_with_member, reopen
) -> None:
    from salon_tui.data.models import StockMovement, StoredValueEntry

    with time_machine.travel(FROZEN_NOW, tick=False):
        for args in (
            ("points", "adjust", "13800138000", "--points", "2000", "--reason", "开业礼"),
            ("product", "add", "OIL1", "护发精油", "--price", "98"),
            ("stock", "receive", "OIL1", "3"),
            ("points", "reward", "set", "--product", "OIL1", "--points", "800"),
        ):
            done = run(*args, env=OWNER_ENV)
            assert done.exit_code == 0, (args, done.output)
        listed = run("points", "reward", "list", "--json", env=OWNER_ENV)
        converted = run("points", "to-stored-value", "13800138000", "--points", "500",
                        "--key", "k1", env=OWNER_ENV)  # fmt: skip
        again = run("points", "to-stored-value", "13800138000", "--points", "500",
                    "--key", "k1", env=OWNER_ENV)  # fmt: skip
        redeemed = run("points", "redeem", "13800138000", "--product", "OIL1", env=OWNER_ENV)
        both = run("points", "redeem", "13800138000", "--product", "OIL1", "--coupon", "x",
                   env=OWNER_ENV)  # fmt: skip
        too_many = run("points", "redeem", "13800138000", "--product", "OIL1", env=OWNER_ENV)
    assert [(r["name"], r["points"]) for r in json.loads(listed.stdout)] == [("护发精油", 800)]
    assert converted.exit_code == 0
    assert (
        "500 points became CN¥5.00 of stored value (bonus); 1500 points left." in converted.stdout
    )
    assert again.stdout == converted.stdout
    assert redeemed.exit_code == 0 and "2 left in stock" in redeemed.stdout
    assert both.exit_code == 2 and "Name one reward" in both.stderr
    assert too_many.exit_code == 1 and "costs 800 points; the member holds 700" in too_many.stderr
    with reopen().read() as session:
        kinds = [e.kind for e in session.exec(select(PointsEntry)).all()]
        (entry,) = session.exec(
            select(StoredValueEntry).where(col(StoredValueEntry.kind) == "points")
        ).all()
        gifts = session.exec(select(StockMovement).where(col(StockMovement.reason) == "gift")).all()
    assert kinds == ["adjust", "to_stored_value", "reward"]
    assert (entry.principal_cents, entry.bonus_cents) == (0, 500)
    assert [g.quantity for g in gifts] == [-1]


def test_giftcard_refund_pays_back_what_is_left_once(run, initialised, reopen) -> None:
    with time_machine.travel(FROZEN_NOW, tick=False):
        sold = run("giftcard", "sell", "300", "--pay", "bank_card", "--json", env=OWNER_ENV)
        code = json.loads(sold.stdout)["code"]
        no_drawer = run("giftcard", "refund", code, "--reason", "bought twice", env=OWNER_ENV)
        no_reference = run(
            "giftcard", "refund", code, "--reason", "bought twice", "--method", "wechat",
            env=OWNER_ENV,
        )  # fmt: skip
        refunded = run(
            "giftcard", "refund", code, "--reason", "bought twice", "--method", "wechat",
            "--reference", "WX77", "--json", env=OWNER_ENV,
        )  # fmt: skip
        again = run(
            "giftcard", "refund", code, "--reason", "again", "--method", "wechat",
            "--reference", "WX78", env=OWNER_ENV,
        )  # fmt: skip
        balance = run("giftcard", "balance", code, env=OWNER_ENV)
    assert no_drawer.exit_code == 1 and "drawer is not open" in no_drawer.stderr
    assert no_reference.exit_code == 1 and "transaction reference" in no_reference.stderr
    assert refunded.exit_code == 0, refunded.output
    assert json.loads(refunded.stdout)["refunded_cents"] == 30_000
    assert again.exit_code == 1 and "refunded already" in again.stderr
    assert "Refunded at the desk" in balance.stdout
    with reopen().read() as session:
        (card,) = session.exec(select(GiftCard)).all()
        assert (card.balance_cents, card.refunded_cents, card.refund_method) == (
            0,
            30_000,
            "wechat",
        )
        kinds = [
            e.kind for e in session.exec(select(GiftCardEntry).order_by(col(GiftCardEntry.id)))
        ]
        assert kinds == ["sold", "paid_back"]
