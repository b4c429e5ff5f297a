"""`salon prepaid …` and `salon package …` from the command line, checked in the database."""

from __future__ import annotations

import json

from sqlmodel import func, select

from salon_tui.data.models import MemberPackage, StoredValueEntry
from tests.cli.conftest import OWNER_ENV


def _member(run) -> None:
    added = run("member", "add", "陈静", "--phone", "13900139000", env=OWNER_ENV)
    assert added.exit_code == 0, added.output


def test_top_up_with_a_promotion_then_undo_and_close(run, initialised, reopen) -> None:
    _member(run)
    promo = run("prepaid", "promotion", "add", "充1000送200", "--min", "1000", "--bonus", "200",
                env=OWNER_ENV)  # fmt: skip
    assert promo.exit_code == 0, promo.output
    first = run("prepaid", "top-up", "13900139000", "--amount", "1,000", "--method", "wechat",
                "--reference", "WX123", "--key", "k-1", env=OWNER_ENV)  # fmt: skip
    assert first.exit_code == 0, first.output
    assert "充1000送200" in first.output
    again = run("prepaid", "top-up", "13900139000", "--amount", "1,000", "--method", "wechat",
                "--reference", "WX123", "--key", "k-1", env=OWNER_ENV)  # fmt: skip
    assert again.exit_code == 0 and again.output == first.output
    balance = json.loads(run("prepaid", "balance", "13900139000", "--json", env=OWNER_ENV).output)
    assert (balance["principal_cents"], balance["bonus_cents"]) == (100_000, 20_000)
    history = json.loads(run("prepaid", "history", "13900139000", "--json", env=OWNER_ENV).output)
    undo = run("prepaid", "undo", str(history[0]["id"]), "--reason", "输错会员", env=OWNER_ENV)
    assert undo.exit_code == 0, undo.output
    run("prepaid", "top-up", "13900139000", "--amount", "300", "--method", "alipay",
        "--reference", "AL9", env=OWNER_ENV)  # fmt: skip
    closed = run("prepaid", "close", "13900139000", "--reason", "搬家", "--method", "alipay",
                 "--reference", "AL10", env=OWNER_ENV)  # fmt: skip
    assert closed.exit_code == 0, closed.output
    with reopen().read() as session:
        kinds = session.exec(select(StoredValueEntry.kind).order_by(StoredValueEntry.id)).all()
        total = session.exec(select(func.sum(StoredValueEntry.principal_cents))).one()
    assert kinds == ["top_up", "reversal", "top_up", "close"] and total == 0


def test_bad_top_ups_are_refused_and_change_nothing(run, initialised, reopen) -> None:
    _member(run)
    for args in (
        ("--amount", "abc"),
        ("--amount", "0", "--method", "wechat", "--reference", "x"),
        ("--amount", "99999999", "--method", "wechat", "--reference", "x"),
        ("--amount", "100", "--method", "wechat"),
    ):
        result = run("prepaid", "top-up", "13900139000", *args, env=OWNER_ENV)
        assert result.exit_code in (1, 2), result.output
    with reopen().read() as session:
        assert session.exec(select(StoredValueEntry)).all() == []


def test_package_template_sell_use_and_list(run, initialised, reopen) -> None:
    _member(run)
    assert run("service", "add-category", "洗护", env=OWNER_ENV).exit_code == 0
    service = run("service", "add", "S001", "洗吹", "--category", "洗护", "--price",
                  "68", "--duration", "30", env=OWNER_ENV)  # fmt: skip
    assert service.exit_code == 0, service.output
    template = run("package", "template", "add", "洗吹10次卡", "--price", "580", "--days", "180",
                   "--service", "S001=10", env=OWNER_ENV)  # fmt: skip
    assert template.exit_code == 0, template.output
    sold = run("package", "sell", "13900139000", "洗吹10次卡", "--method", "wechat",
               "--reference", "WX7", env=OWNER_ENV)  # fmt: skip
    assert sold.exit_code == 0, sold.output
    listed = json.loads(run("package", "list", "13900139000", "--json", env=OWNER_ENV).output)
    used = run("package", "use", str(listed[0]["id"]), "--reason", "补录", env=OWNER_ENV)
    assert used.exit_code == 0 and "9" in used.output
    refused = run("package", "use", "999", "--reason", "x", env=OWNER_ENV)
    assert refused.exit_code == 1
    with reopen().read() as session:
        (package,) = session.exec(select(MemberPackage)).all()
    assert package.total_uses == 10
