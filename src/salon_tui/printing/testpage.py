"""The printer test page: both languages, a width ruler, a QR code and a barcode."""

from __future__ import annotations

from datetime import datetime

from salon_tui.domain.clock import shop_time
from salon_tui.printing.layout import Align, Barcode, Element, Feed, LineBuilder, QRCode
from salon_tui.printing.text import HanziMode

TEST_QR_DATA = "https://salon-tui.example/test"
TEST_BARCODE_DATA = "SALON-TEST-0001"


def lay_out_test_page(
    shop_name: str,
    width: int,
    mode: HanziMode,
    *,
    when: datetime,
    timezone: str,
    settings: list[str],
) -> list[Element]:
    """A page that proves width, Chinese, codes and cut: every line says what it tests."""
    out = LineBuilder(width, mode)
    out.text(shop_name or "salon_tui", Align.CENTER, large=True)
    out.text("打印测试页 · Printer test page", Align.CENTER, bold=True)
    out.text(shop_time(when, timezone).strftime("%Y-%m-%d %H:%M"), Align.CENTER)
    out.rule("=")
    ruler = "".join(str(column % 10) for column in range(1, width + 1))
    out.text(ruler)
    out.text(f"{width} columns / {width}列 (1 Hanzi = 2)")
    hanzi_row = ("汉字" * width)[: width // 2]
    out.text(hanzi_row)
    out.rule()
    out.text("中文：洗剪吹 ￥88.00 会员储值 积分")
    out.text("English: Wash, cut & blow-dry 88.00")
    out.pair("左 Left", "右 Right")
    out.text("Large 大字", Align.CENTER, large=True)
    out.rule()
    for line in settings:
        out.text(line)
    out.rule()
    out.text("QR:", Align.CENTER)
    out.add(QRCode(TEST_QR_DATA))
    out.text("CODE128:", Align.CENTER)
    out.add(Barcode(TEST_BARCODE_DATA))
    out.add(Feed())
    out.text("打印正常 · If you can read this, printing works.", Align.CENTER)
    return out.elements
