"""`salon store add|list|edit|use` from the command line."""

from __future__ import annotations

import json

import pytest
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


@pytest.fixture
def two_store_day(run, initialised, reopen, clock) -> None:
    """静安店 JA sells a 100.00 cut, 徐汇店 XH a 300.00 cut, on 22 Nov."""
    from salon_tui.data.models import Staff
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import staff
    from tests.services.store_helpers import make_two_stores, sell_at

    uow = reopen()
    with uow.read() as session:
        owner_row = session.exec(select(Staff)).one()
    owner = Actor(owner_row.id, owner_row.name, Role.OWNER)
    added = staff.add_staff(uow, owner, "Tony", Role.STYLIST, "2468")
    tony = Actor(added.id, added.name, added.role)
    make_two_stores(uow, owner)
    sell_at(uow, owner, "JA", tony, 10_000)
    sell_at(uow, owner, "XH", tony, 30_000)


def _report(run, *args: str):
    return run("report", "sales", "--date", "2026-11-22", *args, env=OWNER_ENV)


def test_report_store_in_json_table_csv_and_xlsx(run, two_store_day, tmp_path) -> None:
    import openpyxl

    ja = json.loads(_report(run, "--store", "JA", "--json").stdout)
    chain = json.loads(_report(run, "--json").stdout)
    assert ja["store"] == {"code": "JA", "name": "静安店"} and chain["store"] is None
    assert ja["sections"][0]["rows"][0]["revenue"] == 10_000
    assert chain["sections"][0]["rows"][0]["revenue"] == 40_000
    table = _report(run, "--store", "xh")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].startswith("Sales  XH 徐汇店  2026-11-22")
    assert "300.00" in table.stdout
    csv_text = _report(run, "--store", "XH", "--format", "csv").stdout
    assert "30000" in csv_text.replace(".", "").replace(",", "")
    target = tmp_path / "xh.xlsx"
    written = _report(run, "--store", "XH", "--format", "xlsx", "--out", str(target))
    assert written.exit_code == 0, written.output
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert 300 in [cell.value for cell in sheet[2]]


def test_report_store_refusals(run, two_store_day) -> None:
    unknown = _report(run, "--store", "PD", "--json")
    assert unknown.exit_code == 1
    assert "JA, XH" in unknown.output
    members = run("report", "members", "--month", "2026-11", "--store", "JA", env=OWNER_ENV)
    assert members.exit_code == 1
    assert "--store" in members.output
