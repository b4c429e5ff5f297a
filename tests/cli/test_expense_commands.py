"""`salon expense add|list|reverse` and `salon report pnl` from the command line."""

from __future__ import annotations

import json

from sqlmodel import select

from salon_tui.data.models import Expense
from tests.cli.conftest import OWNER_ENV


def test_add_list_reverse_and_the_pnl(run, initialised, reopen) -> None:
    added = run("expense", "add", "--category", "rent", "--amount", "8,000.00", "--note",
                "11月房租", "--date", "2026-11-01", env=OWNER_ENV)  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = run("expense", "list", "--month", "2026-11", "--json", env=OWNER_ENV)
    (row,) = json.loads(listed.output)
    assert (row["category"], row["amount_cents"], row["note"]) == ("rent", 800_000, "11月房租")
    pnl = run("report", "pnl", "--month", "2026-11", "--json", env=OWNER_ENV)
    rows = json.loads(pnl.output)["sections"][0]["rows"]
    # the last two rows: all expenses, then the profit (labels are in the shop's language)
    assert [r["amount"] for r in rows[-2:]] == [800_000, -800_000]
    reversed_ = run("expense", "reverse", str(row["id"]), "--reason", "重复", env=OWNER_ENV)
    assert reversed_.exit_code == 0, reversed_.output
    with reopen().read() as session:
        assert sorted(e.amount_cents for e in session.exec(select(Expense)).all()) == [
            -800_000,
            800_000,
        ]


def test_bad_input_changes_nothing(run, initialised, reopen) -> None:
    for args in (
        ("--category", "rent", "--amount", "abc"),
        ("--category", "nope", "--amount", "10"),
        ("--category", "rent", "--amount", "10", "--date", "2026-02-30"),
    ):
        result = run("expense", "add", *args, env=OWNER_ENV)
        assert result.exit_code in (1, 2), result.output
    with reopen().read() as session:
        assert session.exec(select(Expense)).all() == []
