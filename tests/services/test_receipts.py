"""A paid sale's receipt, built from what is stored, printed on a 58 mm GBK printer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from salon_tui.config import PrinterConfig
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, NotFound
from salon_tui.services import drawer, printing, receipts, sales
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare
from tests.printing.escpos_reader import read


@pytest.fixture
def desk(uow: UnitOfWork, make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.FRONT_DESK, "李娜 Nina")


def paid_sale(uow: UnitOfWork, desk: Actor, stylist: Actor) -> str:
    assert stylist.staff_id is not None
    drawer.open_drawer(uow, desk, 50_000)
    cart = sales.open_sale(uow, desk)
    sales.add_line(
        uow,
        desk,
        cart.sale_id,
        kind="service",
        description="洗剪吹 Wash, cut & blow-dry",
        unit_cents=18_800,
        category="hair",
        staff=[StaffShare(stylist.staff_id)],
    )
    paid = pay_sale(
        uow,
        desk,
        cart.sale_id,
        [
            PaymentIn("wechat", 8_800, reference="4200001234"),
            PaymentIn("cash", 10_000, tendered_cents=20_000),
        ],
    )
    return paid.number


def test_a_paid_sale_prints_with_its_lines_stylist_payments_and_change(
    uow: UnitOfWork, desk: Actor, make_actor: Callable[..., Actor], tmp_path: Path
) -> None:
    stylist = make_actor(Role.STYLIST, "Tony 张伟")
    number = paid_sale(uow, desk, stylist)
    receipt = receipts.sale_receipt(uow, desk, number)
    assert (receipt.number, receipt.cashier, receipt.total_cents, receipt.qr_data) == (
        number,
        "李娜 Nina",
        18_800,
        number,
    )
    assert receipt.opens_drawer
    job = printing.enqueue_receipt(uow, desk, receipt)
    config = PrinterConfig(connection="folder", folder=str(tmp_path), columns=32)
    printing.send_pending(uow, config)
    page = read((tmp_path / f"job-{job.id:06d}.bin").read_bytes())
    lines = page.text_lines
    assert "洗剪吹 Wash, cut & blow-dry" in lines
    assert "  Tony 张伟  1 × 188.00  188.00" in lines
    assert "微信支付 4200001234        88.00" in lines
    assert "实收                      200.00" in lines
    assert "找零                      100.00" in lines
    assert len(page.named("ESC p")) == 1
    assert [c.data for c in page.named("GS (k") if c.args[1:2] == b"P"] == [number.encode()]
    assert all(len(line.encode("gbk")) * size <= 32 for line, size in page.lines_with_size())


def test_an_unpaid_or_unknown_sale_has_no_receipt(uow: UnitOfWork, desk: Actor) -> None:
    cart = sales.open_sale(uow, desk)
    with pytest.raises(Conflict, match="not paid"):
        receipts.sale_receipt(uow, desk, str(cart.sale_id))
    with pytest.raises(NotFound, match="20991231-0001"):
        receipts.sale_receipt(uow, desk, "20991231-0001")
