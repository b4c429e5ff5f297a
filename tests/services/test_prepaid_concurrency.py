"""Two processes spend one member's balance at once: together they take exactly what was
there, never a fen more, and the ledger still proves the balance."""

from __future__ import annotations

import os
import subprocess
import sys

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import members, stored_value

CHILD = """
import sys
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict
from salon_tui.services.stored_value import spend_in

uow = UnitOfWork(sys.argv[1])
owner = Actor(int(sys.argv[2]), "owner", Role.OWNER)
member_id = int(sys.argv[3])
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # both start together
spent = 0
while True:
    try:
        with uow.transaction() as session:
            spend_in(session, owner, member_id, 700)
        spent += 700
    except Conflict:
        break
print(spent, flush=True)
"""


def test_two_terminals_spending_one_balance_never_go_below_zero(
    uow: UnitOfWork, owner: Actor, database_url: str
) -> None:
    member = members.add_member(uow, owner, name="并发").id
    stored_value.top_up(uow, owner, member, 100_000, "wechat", "WX")  # 1000 yuan
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, database_url, str(owner.staff_id), str(member)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    spent = [int(child.communicate(timeout=120)[0].strip()) for child in children]
    # 142 spends of 7 yuan fit in 1000 yuan; 6 yuan are left, less than one more spend.
    assert sum(spent) == 142 * 700
    balance = stored_value.get_balance(uow, owner, member)
    assert balance.total_cents == 100_000 - 142 * 700 == 600
    with uow.read() as session:
        assert stored_value.check_stored_value_ledger(session) == []
