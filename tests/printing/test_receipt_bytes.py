"""Receipt bytes: golden files for every kind, language and width, plus the structural
rules a Chinese ESC/POS printer needs (init, FS &, widths in GBK bytes, one drawer kick
per cash sale, kick before cut, cut only with a cutter)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from salon_tui.printing import escpos
from salon_tui.printing.escpos import PrinterProfile, render
from salon_tui.printing.layout import REPRINT_MARK, ReceiptLayout, wrap
from salon_tui.printing.receipt import (
    Receipt,
    ReceiptKind,
    ReceiptLine,
    receipt_from_json,
)
from salon_tui.printing.text import HanziMode, columns, encode, printable
from tests.printing import samples
from tests.printing.escpos_reader import read

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SALON_UPDATE_GOLDEN") == "1"
CASES = [
    (kind, language, width)
    for kind in samples.RECEIPTS
    for language in ("zh_CN", "en")
    for width in (32, 48)
]


def receipt_bytes(receipt: Receipt, profile: PrinterProfile, *, reprint: bool = False) -> bytes:
    elements = ReceiptLayout(profile.columns, profile.hanzi).lay_out(receipt, reprint=reprint)
    return render(elements, profile, open_drawer=receipt.opens_drawer)


@pytest.mark.parametrize(("kind", "language", "width"), CASES)
def test_receipt_bytes_match_the_golden_file(kind: str, language: str, width: int) -> None:
    payload = receipt_bytes(samples.RECEIPTS[kind](language), PrinterProfile(columns=width))
    golden = GOLDEN / f"{kind}-{language}-{width}.bin"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(payload)
    assert payload == golden.read_bytes()


@pytest.mark.parametrize(("kind", "language", "width"), CASES)
def test_every_line_fits_the_paper_counted_in_gbk_bytes(
    kind: str, language: str, width: int
) -> None:
    page = read(receipt_bytes(samples.RECEIPTS[kind](language), PrinterProfile(columns=width)))
    lines = page.lines_with_size()
    assert lines
    for line, multiplier in lines:
        assert len(line.encode("gbk")) * multiplier <= width, line


@pytest.mark.parametrize("kind", samples.RECEIPTS)
def test_a_receipt_starts_with_init_then_chinese_mode(kind: str) -> None:
    page = read(receipt_bytes(samples.RECEIPTS[kind]("zh_CN"), PrinterProfile(columns=32)))
    assert [command.name for command in page.commands[:2]] == ["ESC @", "FS &"]


def test_a_cash_sale_kicks_the_drawer_once_before_the_cut() -> None:
    page = read(receipt_bytes(samples.sale(), PrinterProfile(columns=48)))
    names = [command.name for command in page.commands]
    kicks = page.named("ESC p")
    assert len(kicks) == 1
    # pin 2, 50 ms on, 500 ms off
    assert kicks[0].args == bytes([0, 25, 250])
    assert names.index("ESC p") < names.index("GS V")
    assert names[-1] == "GS V"


def test_a_cash_refund_opens_the_drawer_but_a_wechat_top_up_and_a_z_report_do_not() -> None:
    assert len(read(receipt_bytes(samples.refund(), PrinterProfile())).named("ESC p")) == 1
    assert read(receipt_bytes(samples.top_up(), PrinterProfile())).named("ESC p") == []
    assert read(receipt_bytes(samples.day_close(), PrinterProfile())).named("ESC p") == []


def test_a_printer_without_a_cutter_gets_no_cut_command() -> None:
    page = read(receipt_bytes(samples.sale(), PrinterProfile(columns=32, cutter=False)))
    assert page.named("GS V") == []
    assert page.text_lines[-4:] == ["", "", "", ""]


def test_the_shop_name_is_large_through_gs_bang_not_esc_bang() -> None:
    page = read(receipt_bytes(samples.sale(), PrinterProfile(columns=48)))
    assert page.named("ESC !") == []
    sizes = [command.args for command in page.named("GS !")]
    assert sizes[0] == b"\x11" and sizes[1] == b"\x00"
    assert page.lines_with_size()[0] == ("丝语美发 Silk Hair", 2)


def test_the_member_statement_shows_balances_uses_and_points() -> None:
    lines = read(receipt_bytes(samples.sale(), PrinterProfile(columns=48))).text_lines
    assert "储值余额                      1,000.00 → 831.00" in lines
    assert any(
        line.startswith("洗吹10次卡") and line.endswith("本次1次，剩余7次") for line in lines
    )
    assert any(line.startswith("本次积分") and line.endswith("+169") for line in lines)
    assert any(line.startswith("积分余额") and line.endswith("2,340") for line in lines)
    assert "卡号                                    ****2345" in lines


def test_money_symbols_are_fullwidth_yen_in_gbk_never_the_latin_yen() -> None:
    payload = receipt_bytes(samples.sale(), PrinterProfile(columns=48))
    assert "￥305.00".encode("gbk") in payload
    assert "¥".encode() not in payload
    lines = read(payload).text_lines
    assert any(line.startswith("合计") and line.endswith("￥305.00") for line in lines)


def test_english_totals_carry_the_currency_code() -> None:
    lines = read(receipt_bytes(samples.sale("en"), PrinterProfile(columns=32))).text_lines
    assert "TOTAL                 CNY 305.00" in lines


def test_a_reprint_is_marked_at_the_top_and_the_bottom() -> None:
    lines = read(receipt_bytes(samples.sale(), PrinterProfile(), reprint=True)).text_lines
    assert lines.count(REPRINT_MARK) == 2


def test_native_qr_carries_the_receipt_number() -> None:
    page = read(receipt_bytes(samples.sale(), PrinterProfile()))
    stored = [command for command in page.named("GS (k") if command.args[1:2] == b"P"]
    assert [command.data for command in stored] == [b"S20261122-0001"]


def test_characters_gbk_lacks_are_mapped_or_shown_as_a_question_mark() -> None:
    assert printable("¥100 €5 – 💇 ok") == "￥100 EUR5 - ? ok"
    assert encode("é·×") == "é·×".encode("gbk")
    assert columns("é·×—") == 8  # two columns each on a GBK printer


def test_control_characters_in_names_never_reach_the_printer_as_commands() -> None:
    assert encode("Amy\x1b@\x1dV\x00") == b"Amy@V"


def test_an_unbreakable_name_wraps_within_58mm() -> None:
    receipt = samples.sale()
    long_line = ReceiptLine("超长的项目名称" * 6 + "X" * 40, 1, 100, 100)
    receipt = Receipt(**{**receipt.__dict__, "lines": (long_line,)})
    page = read(receipt_bytes(receipt, PrinterProfile(columns=32)))
    assert all(len(line.encode("gbk")) * size <= 32 for line, size in page.lines_with_size())


def test_a_job_stored_for_80mm_reprints_on_58mm_rewrapped() -> None:
    stored = samples.sale().to_json()  # the queue keeps the receipt, not the layout
    again = receipt_from_json(stored)
    assert again == samples.sale()
    page = read(receipt_bytes(again, PrinterProfile(columns=32)))
    assert all(len(line.encode("gbk")) * size <= 32 for line, size in page.lines_with_size())


def test_wrapping_prefers_spaces_and_never_splits_a_hanzi() -> None:
    assert wrap("Wash cut and blow-dry", 10) == ["Wash cut", "and", "blow-dry"]
    assert wrap("洗剪吹造型护理", 5) == ["洗剪", "吹造", "型护", "理"]


def test_a_printer_without_hanzi_gets_pinyin_and_no_chinese_mode() -> None:
    profile = PrinterProfile(columns=32, hanzi=HanziMode.PINYIN)
    payload = receipt_bytes(samples.sale(), profile)
    page = read(payload, encoding="ascii")
    assert page.named("FS &") == []
    assert "Xiao Ji                   324.00" in page.text_lines
    assert all(len(line) * size <= 32 for line, size in page.lines_with_size())


def test_the_drawer_alone_is_init_and_one_kick() -> None:
    page = read(escpos.drawer_only())
    assert [command.name for command in page.commands] == ["ESC @", "ESC p"]


def test_a_day_close_lists_takings_per_method() -> None:
    lines = read(receipt_bytes(samples.day_close("en"), PrinterProfile(columns=48))).text_lines
    assert any(line.startswith("WeChat Pay") and line.endswith("31 ×  3,566.00") for line in lines)
    assert ReceiptKind.DAY_CLOSE.value == "day_close"


def test_a_top_up_receipt_keeps_its_stored_value_block_through_the_queue() -> None:
    for build in (samples.top_up_promotion, samples.top_up_undo):
        receipt = build("zh_CN")
        assert receipt_from_json(receipt.to_json()) == receipt


@pytest.mark.parametrize(
    "build",
    [
        samples.sale,
        samples.top_up,
        samples.top_up_promotion,
        samples.top_up_undo,
        samples.gift_card,
        samples.refund,
        samples.day_close,
    ],
)
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_queued_receipt_is_the_json_of_its_fields_as_before(
    build: Callable[[str], Receipt], language: str
) -> None:
    """The queue's text is what ``dataclasses.asdict`` and ``json.dumps`` gave (jobs
    queued before and after read back alike)."""
    receipt = build(language)
    data = dataclasses.asdict(receipt)
    data["issued_at"] = receipt.issued_at.isoformat()
    assert receipt.to_json() == json.dumps(data, ensure_ascii=False, sort_keys=True)
    assert receipt_from_json(receipt.to_json()) == receipt


def test_a_cash_top_up_undo_opens_the_drawer_and_prints_what_it_takes_back() -> None:
    page = read(receipt_bytes(samples.top_up_undo("en"), PrinterProfile(columns=32)))
    assert len(page.named("ESC p")) == 1
    lines = page.text_lines
    assert "Undoes                   T000123" in lines
    assert "Top-up taken back      -2,000.00" in lines
    assert "Points taken back           -200" in lines
    assert "REFUNDED           CNY -2,000.00" in lines
    assert "  Principal   2,631.00 → 631.00" in lines
