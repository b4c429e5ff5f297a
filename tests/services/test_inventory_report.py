"""`salon report inventory`: on hand and value, reorder list, movements, slow movers, variance."""

from __future__ import annotations

from datetime import date

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.errors import PermissionDenied
from salon_tui.services import inventory, reports, stocktake
from tests.services.catalog_helpers import make_product

TODAY = Period(date(2026, 11, 22), date(2026, 11, 22))


def test_the_inventory_report_adds_up_the_ledger(uow: UnitOfWork, owner: Actor, clock) -> None:
    shampoo = make_product(uow, owner, price=16800, cost=7000, min_stock=3, max_stock=10)
    idle = make_product(uow, owner, "SH02", barcode="", name="护发素", price=9800)
    inventory.receive(uow, owner, shampoo.id, 5, unit_cost_cents=7000)
    inventory.receive(uow, owner, idle.id, 2, unit_cost_cents=4000)
    with uow.transaction() as session:
        inventory.record_sale(session, owner, [(shampoo.id, 3)], "sale:1")
    count = stocktake.start_count(uow, owner)
    stocktake.record_count(uow, owner, count.id, "SH02", 1)
    stocktake.post_count(uow, owner, count.id)

    result = reports.run_report(uow, owner, "inventory", reports.ReportRequest(period=TODAY))
    sections = {section.key: section for section in result.sections}
    on_hand = {row["sku"]: row for row in sections["on_hand"].rows}
    assert (on_hand["SH01"]["on_hand"], on_hand["SH01"]["value_cost"]) == (2, 14000)
    assert on_hand["SH02"]["value_retail"] == 9800
    assert [(r["sku"], r["suggested"]) for r in sections["reorder"].rows] == [("SH01", 8)]
    kinds = {row["kind"]: row["units"] for row in sections["movements"].rows}
    assert kinds == {"received": 7, "sold": -3, "stocktake": -1}
    assert [r["sku"] for r in sections["slow_movers"].rows] == ["SH02"]
    (variance,) = sections["variance"].rows
    assert (variance["units"], variance["value"]) == (-1, -4000)
    json_rows = result.to_json()["sections"][0]["rows"]
    assert {row["sku"] for row in json_rows} == {"SH01", "SH02"}


def test_front_desk_cannot_see_stock_values(uow: UnitOfWork, make_actor) -> None:
    desk: Actor = make_actor(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        reports.run_report(uow, desk, "inventory", reports.ReportRequest(period=TODAY))
