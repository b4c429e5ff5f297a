"""`salon alert rules|list|dismiss`: the owner sets the rules, managers review the flags."""

from __future__ import annotations

import json

from sqlmodel import select

from salon_tui.data.models import AlertFlag, Setting
from tests.cli.conftest import OWNER_ENV

MANAGER_ENV = {"SALON_STAFF": "陈静", "SALON_PIN": "6666"}


def test_the_owner_sets_the_rules_and_bad_values_change_nothing(run, initialised, reopen) -> None:
    changed = run("alert", "rules", "--sale-above", "2,000", "--discount-above", "25%",
                  "--card-uses", "4", "--outside-hours", "off", "--json", env=OWNER_ENV)  # fmt: skip
    assert changed.exit_code == 0, changed.output
    rules = json.loads(changed.output)
    assert (rules["sale_above_cents"], rules["manual_discount_above_bp"]) == (200_000, 2_500)
    assert (rules["card_uses"], rules["outside_hours"]) == (4, False)
    for args, code in (
        (("--discount-above", "lots"), 2),
        (("--sale-above", "-5"), 1),
        (("--card-uses", "1"), 1),
        (("--outside-hours", "maybe"), 2),
    ):
        refused = run("alert", "rules", *args, env=OWNER_ENV)
        assert refused.exit_code == code, (args, refused.output)
    with reopen().read() as session:
        stored = {row.key: row.value_json for row in session.exec(select(Setting))}
    assert stored["alerts.sale_above_cents"] == "200000"
    assert stored["alerts.card_uses"] == "4"
    shown = json.loads(run("alert", "rules", "--json", env=OWNER_ENV).output)
    assert shown == rules


def test_a_hand_made_points_change_is_listed_and_dismissed_with_a_note(
    run, initialised, reopen
) -> None:
    added = run("member", "add", "李莉", "--phone", "13800138000", env=OWNER_ENV)
    assert added.exit_code == 0, added.output
    hired = run("staff", "add", "陈静", "--role", "manager", "--pin", "6666", env=OWNER_ENV)
    assert hired.exit_code == 0, hired.output
    adjusted = run("points", "adjust", "13800138000", "--points", "300", "--reason", "补录",
                   env=MANAGER_ENV)  # fmt: skip
    assert adjusted.exit_code == 0, adjusted.output
    (flag,) = json.loads(run("alert", "list", "--json", env=OWNER_ENV).output)
    assert (flag["kind"], flag["action"], flag["status"]) == (
        "manual_balance",
        "points.adjust",
        "open",
    )
    assert "李莉" in flag["summary"] and "补录" in flag["summary"]
    refused = run("alert", "dismiss", str(flag["id"]), "--note", " ", env=OWNER_ENV)
    assert refused.exit_code == 1
    own = run("alert", "dismiss", str(flag["id"]), "--note", "ok", env=MANAGER_ENV)
    assert own.exit_code == 1 and "your own action" in own.stderr
    done = run("alert", "dismiss", str(flag["id"]), "--note", "会员卡丢失补录", env=OWNER_ENV)
    assert done.exit_code == 0, done.output
    assert json.loads(run("alert", "list", "--json", env=OWNER_ENV).output) == []
    (reviewed,) = json.loads(run("alert", "list", "--all", "--json", env=OWNER_ENV).output)
    assert (reviewed["status"], reviewed["review_note"]) == ("dismissed", "会员卡丢失补录")
    with reopen().read() as session:
        (row,) = session.exec(select(AlertFlag)).all()
    assert (row.status, row.review_note) == ("dismissed", "会员卡丢失补录")
