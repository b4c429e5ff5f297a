"""Receipts of top-ups, their undoing and gift cards: queued in the action's transaction,
built from what is stored, printed again by number, within the paper in both languages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import col, select

from salon_tui.config import PrinterConfig
from salon_tui.data.models import PrintJob
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import NotFound, ValidationError
from salon_tui.printing.receipt import ReceiptKind, receipt_from_json
from salon_tui.services import (
    coupons,
    drawer,
    gift_cards,
    members,
    printing,
    receipts,
    settings,
    stored_value,
    top_up_promotions,
)
from tests.printing.escpos_reader import read


@pytest.fixture
def desk(uow: UnitOfWork, make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.FRONT_DESK, "李娜 Nina")


@pytest.fixture
def member_id(uow: UnitOfWork, owner: Actor, clock: object) -> int:
    member = members.add_member(uow, owner, name="张小姐", phone="13812345678")
    return member.id


@pytest.fixture
def promotion(uow: UnitOfWork, owner: Actor) -> None:
    coupons.add_template(
        uow,
        owner,
        name="满300减50",
        kind="amount_off",
        amount_cents=5_000,
        min_spend_cents=30_000,
        valid_days=30,
    )
    top_up_promotions.add_promotion(
        uow,
        owner,
        "充2000送500升金卡",
        200_000,
        bonus_cents=50_000,
        points=200,
        coupon_template="满300减50",
        upgrade_level="金卡会员",
    )


def jobs(uow: UnitOfWork) -> list[PrintJob]:
    with uow.read() as session:
        return list(session.exec(select(PrintJob).order_by(col(PrintJob.id))))


def printed_lines(uow: UnitOfWork, tmp_path: Path, columns: int) -> list[str]:
    config = PrinterConfig(connection="folder", folder=str(tmp_path), columns=columns)
    sent = printing.send_pending(uow, config)
    assert sent and sent[-1].status == "printed"
    page = read((tmp_path / f"job-{sent[-1].id:06d}.bin").read_bytes())
    assert all(len(line.encode("gbk")) * size <= columns for line, size in page.lines_with_size())
    return page.text_lines


@pytest.mark.usefixtures("promotion")
def test_a_top_up_queues_its_receipt_with_bonus_points_coupon_level_and_balances(
    uow: UnitOfWork, desk: Actor, member_id: int, tmp_path: Path
) -> None:
    first = stored_value.top_up(uow, desk, member_id, 30_000, "wechat", "WX-1")
    done = stored_value.top_up(
        uow, desk, member_id, 200_000, "alipay", "2026112222001", key="card-topup-1"
    )
    assert done.receipt_number == f"T{done.entry_id:06d}"
    queued = jobs(uow)
    assert [job.kind for job in queued] == ["top_up", "top_up"]
    assert not queued[-1].open_drawer  # paid by Alipay
    receipt = receipt_from_json(queued[-1].document_json)
    assert (receipt.kind, receipt.number, receipt.cashier) == (
        ReceiptKind.TOP_UP,
        done.receipt_number,
        "李娜 Nina",
    )
    assert [(p.method, p.amount_cents, p.detail) for p in receipt.payments] == [
        ("alipay", 200_000, "2026112222001")
    ]
    move = receipt.stored_value
    assert move is not None
    assert (move.paid_cents, move.bonus_cents, move.promotion) == (
        200_000,
        50_000,
        "充2000送500升金卡",
    )
    assert (move.points, move.level) == (200, "金卡会员")
    assert len(move.coupons) == 1 and move.coupons[0].startswith("满300减50 (")
    assert (move.principal_before_cents, move.principal_after_cents) == (30_000, 230_000)
    assert (move.bonus_before_cents, move.bonus_after_cents) == (0, 50_000)
    member = receipt.member
    assert member is not None
    assert (member.phone_masked, member.level, member.points_balance) == (
        "138****5678",
        "金卡会员",
        200,
    )
    assert (member.stored_value_before_cents, member.stored_value_after_cents) == (
        30_000,
        280_000,
    )
    assert member.card_masked == ""  # no card issued
    assert first.receipt_number != done.receipt_number

    lines = printed_lines(uow, tmp_path, 32)
    assert "充值小票" in " ".join(lines)
    assert f"单号: {done.receipt_number}" in lines
    assert "充值金额                2,000.00" in lines
    assert "赠送金额                  500.00" in lines
    assert "  充2000送500升金卡" in lines
    assert "赠送积分                    +200" in lines
    assert "升级为                  金卡会员" in lines
    assert "支付宝 2026112222001    2,000.00" in lines
    assert "赠送优惠券" in lines and f"        {move.coupons[0]}" in lines
    assert "合计                  ￥2,000.00" in lines
    assert "储值余额      300.00 → 2,800.00" in lines
    assert "  本金        300.00 → 2,300.00" in lines
    assert "  赠送            0.00 → 500.00" in lines
    assert "手机                 138****5678" in lines
    assert not any(line.startswith("卡号") for line in lines)  # no card issued


@pytest.mark.usefixtures("promotion")
def test_a_top_up_receipt_in_english_on_80_mm_paper(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, tmp_path: Path
) -> None:
    settings.update_shop_settings(uow, owner, locale="en")
    drawer.open_drawer(uow, desk, 20_000)
    stored_value.top_up(uow, desk, member_id, 200_000, "cash", "")
    lines = printed_lines(uow, tmp_path, 48)
    text = "\n".join(lines)
    assert "TOP-UP RECEIPT" in text
    assert "Top-up" + " " * 34 + "2,000.00" in lines
    assert "Bonus" + " " * 37 + "500.00" in lines
    assert "Level now" in text and "Points given" in text and "Coupon given" in text
    assert "  Principal" in text and "  Bonus" in text


def test_the_same_key_twice_queues_one_receipt_and_a_refused_top_up_none(
    uow: UnitOfWork, desk: Actor, member_id: int
) -> None:
    stored_value.top_up(uow, desk, member_id, 10_000, "wechat", "WX-9", key="k1")
    stored_value.top_up(uow, desk, member_id, 10_000, "wechat", "WX-9", key="k1")
    with pytest.raises(ValidationError):
        stored_value.top_up(uow, desk, member_id, 10_000, "wechat", "", key="k2")
    assert len(jobs(uow)) == 1


def test_a_cash_top_up_receipt_opens_the_drawer(
    uow: UnitOfWork, desk: Actor, member_id: int
) -> None:
    drawer.open_drawer(uow, desk, 20_000)
    stored_value.top_up(uow, desk, member_id, 50_000, "cash")
    assert jobs(uow)[-1].open_drawer


@pytest.mark.usefixtures("promotion")
def test_undoing_a_top_up_prints_what_it_takes_back_and_the_level_put_back(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, tmp_path: Path
) -> None:
    done = stored_value.top_up(uow, desk, member_id, 200_000, "wechat", "WX-2")
    undone = stored_value.undo_top_up(uow, owner, done.entry_id, "输错金额")
    assert undone.receipt_number == f"T{undone.entry_id:06d}"
    receipt = receipt_from_json(jobs(uow)[-1].document_json)
    assert receipt.kind is ReceiptKind.TOP_UP_UNDO
    move = receipt.stored_value
    assert move is not None
    assert (move.paid_cents, move.bonus_cents, move.points) == (-200_000, -50_000, -200)
    assert (move.reverses, move.reason, move.level) == (done.receipt_number, "输错金额", "普通会员")
    assert receipt.total_cents == -200_000
    assert [(p.method, p.amount_cents) for p in receipt.payments] == [("wechat", -200_000)]
    lines = printed_lines(uow, tmp_path, 32)
    assert "充值撤销" in " ".join(lines)
    assert f"撤销单号                 {done.receipt_number}" in lines
    assert "退回充值               -2,000.00" in lines
    assert "扣回积分                    -200" in lines
    assert "原因: 输错金额" in lines
    assert "退款合计             -￥2,000.00" in lines
    assert "微信支付 WX-2          -2,000.00" in lines
    assert "  本金          2,000.00 → 0.00" in lines


@pytest.mark.usefixtures("promotion")
def test_a_top_up_receipt_is_printed_again_by_its_number_as_first_queued(
    uow: UnitOfWork, desk: Actor, member_id: int
) -> None:
    done = stored_value.top_up(uow, desk, member_id, 200_000, "wechat", "WX-3")
    queued = receipt_from_json(jobs(uow)[-1].document_json)
    for spelling in (done.receipt_number, done.receipt_number.lower(), f"T{done.entry_id}"):
        assert receipts.receipt_by_number(uow, desk, spelling) == queued
    with pytest.raises(NotFound, match="top-up #999999"):
        receipts.receipt_by_number(uow, desk, "T999999")


def test_a_gift_card_sale_queues_a_receipt_with_its_code_as_a_barcode(
    uow: UnitOfWork, owner: Actor, desk: Actor, tmp_path: Path
) -> None:
    gift_cards.set_settings(uow, owner, valid_days=365)
    card = gift_cards.sell(uow, desk, 50_000, "wechat", key="g1", reference="42000123")
    gift_cards.sell(uow, desk, 50_000, "wechat", key="g1", reference="42000123")
    queued = jobs(uow)
    assert [job.kind for job in queued] == ["gift_card"]
    receipt = receipt_from_json(queued[0].document_json)
    assert (receipt.number, receipt.total_cents, receipt.barcode_data) == (
        f"G{card.id:06d}",
        50_000,
        card.code,
    )
    assert receipts.receipt_by_number(uow, desk, f"g{card.id}") == receipt
    config = PrinterConfig(connection="folder", folder=str(tmp_path), columns=32)
    sent = printing.send_pending(uow, config)
    page = read((tmp_path / f"job-{sent[0].id:06d}.bin").read_bytes())
    lines = page.text_lines
    assert "礼品卡销售" in " ".join(lines)
    assert any(line.startswith("卡号: ") and line.endswith(card.code[-4:]) for line in lines)
    assert any(line.startswith("有效期至 ") for line in lines)
    assert "微信支付 42000123         500.00" in lines
    assert [c.data[-len(card.code) :] for c in page.named("GS k")] == [card.code.encode()]
