"""kill -9 in the middle of paying: no half sale, every committed sale intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from salon_tui.data import schema
from salon_tui.data.models import Payment, Sale, SaleAdjustment
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import database, drawer, shop

CHILD = """
import sys
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

uow = UnitOfWork(sys.argv[1])
owner = Actor(int(sys.argv[2]), "owner", Role.OWNER)
while True:
    cart = sales.open_sale(uow, owner)
    for index in range(4):
        cart = sales.add_line(uow, owner, cart.sale_id, kind="service", description=f"cut {index}",
                              unit_cents=10_001 + index, staff=[StaffShare(owner.staff_id)])
    paid = pay_sale(uow, owner, cart.sale_id,
                    [PaymentIn("bank_card", 20_000), PaymentIn("cash", cart.total_cents - 20_000)])
    print(paid.number, paid.total_cents, flush=True)
"""


@pytest.mark.slow
def test_killing_the_process_while_paying_leaves_no_half_sale(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    uow = schema.open_database(url, tmp_path)
    setup = shop.init_shop(uow, shop_name="Crash", owner_name="Owner", owner_pin="8888")
    owner = Actor(setup.owner.id, setup.owner.name, Role.OWNER)
    drawer.open_drawer(uow, owner, 0)
    uow.dispose()
    printed: list[str] = []
    for kill_after in (0.05, 0.13, 0.31):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, url, str(owner.staff_id)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert child.stdout is not None
        printed.append(child.stdout.readline())  # the first sale is in: now kill mid-stream
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate()
        printed += out.split("\n")
    confirmed = {line.split()[0]: int(line.split()[1]) for line in printed if line.strip()}
    assert confirmed, "the child committed nothing before being killed"
    uow = UnitOfWork(url)
    with uow.read() as session:
        paid = {
            sale.number: sale
            for sale in session.exec(select(Sale).where(col(Sale.status) == "paid"))
        }
        for number, total in confirmed.items():
            assert paid[number].total_cents == total
        for sale in paid.values():
            taken = session.exec(
                select(func.sum(Payment.amount_cents)).where(col(Payment.sale_id) == sale.id)
            ).one()
            assert taken == sale.total_cents
        unpaid_with_money = session.exec(
            select(func.count())
            .select_from(Payment)
            .join(Sale, col(Sale.id) == col(Payment.sale_id))
            .where(col(Sale.status) != "paid")
        ).one()
        assert unpaid_with_money == 0
        half_adjusted = session.exec(select(func.count()).select_from(SaleAdjustment)).one()
        assert half_adjusted == 0  # no discounts here, so any adjustment is a leftover
        by_day: dict[str, list[int]] = {}
        for number in paid:
            day, sequence = number.split("-")
            by_day.setdefault(day, []).append(int(sequence))
        for sequences in by_day.values():
            assert sorted(sequences) == list(range(1, len(sequences) + 1))
    assert all(result.ok for result in database.check(uow)), [
        (r.name, r.problems) for r in database.check(uow) if not r.ok
    ]
    uow.dispose()
