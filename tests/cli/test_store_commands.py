"""`salon store add|list|edit|use` from the command line."""

from __future__ import annotations

import json

from sqlmodel import col, select

from salon_tui import config as machine
from salon_tui.data.models import AuditEntry, Store
from tests.cli.conftest import OWNER_ENV


def test_a_chain_is_set_up_from_the_command_line(run, initialised, reopen) -> None:
    listed = run("store", "list", "--json")
    assert json.loads(listed.output) == [
        {"code": "MAIN", "name": "丝语美发", "address": "", "phone": "", "active": True,
         "this_computer": False},
    ]  # fmt: skip
    renamed = run("store", "edit", "MAIN", "--code", "JA", "--name", "静安店", env=OWNER_ENV)
    assert renamed.exit_code == 0, renamed.output
    added = run("store", "add", "xh", "--name", "徐汇店", "--address", "天钥桥路 1 号",
                env=OWNER_ENV)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "salon store use XH" in added.output
    used = run("store", "use", "XH")
    assert used.exit_code == 0, used.output
    assert machine.load_config().store.code == "XH"
    table = run("store", "list")
    assert "徐汇店" in table.output and "静安店" in table.output
    with reopen().read() as session:
        assert session.exec(select(Store.code).order_by(col(Store.id))).all() == ["JA", "XH"]
        assert session.exec(
            select(AuditEntry.action).where(col(AuditEntry.action).startswith("stores."))
        ).all() == ["stores.edit", "stores.add"]


def test_bad_store_input_is_refused_and_changes_nothing(run, initialised, reopen) -> None:
    run("store", "add", "XH", "--name", "徐汇店", env=OWNER_ENV)
    for args, message in (
        (("store", "add", "TOOLONG", "--name", "x"), "1 to 5"),
        (("store", "add", "XH", "--name", "again"), "XH"),
        (("store", "edit", "XH", "--code", "XY"), "cannot change"),
        (("store", "edit", "PD", "--name", "x"), "MAIN, XH"),
        (("store", "use", "PD"), "MAIN, XH"),
    ):
        result = run(*args, env=OWNER_ENV)
        assert result.exit_code == 1, result.output
        assert message in result.output
    without_owner = run("store", "add", "PD", "--name", "浦东店")
    assert without_owner.exit_code != 0
    assert machine.load_config().store.code == ""
    with reopen().read() as session:
        assert session.exec(select(Store.code).order_by(col(Store.id))).all() == ["MAIN", "XH"]


def test_selling_without_a_chosen_store_says_what_to_set(run, initialised) -> None:
    run("store", "add", "XH", "--name", "徐汇店", env=OWNER_ENV)
    refused = run("expense", "add", "--category", "rent", "--amount", "100", env=OWNER_ENV)
    assert refused.exit_code == 1
    assert "salon store use CODE" in refused.output
    run("store", "use", "XH")
    accepted = run("expense", "add", "--category", "rent", "--amount", "100", env=OWNER_ENV)
    assert accepted.exit_code == 0, accepted.output
