"""Printers without a Chinese font, set to print Chinese as pictures (hanzi = "image").

Every line with Chinese in it becomes a ``GS v 0`` raster as wide as the paper, drawn on
the same column grid a GBK printer uses (12 dots per column, a Hanzi two columns);
ASCII lines stay text. The font is Debian's fonts-wqy-zenhei (installed by .ci/run).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from salon_tui.config import MachineConfig, PrinterConfig, load_config, save_config
from salon_tui.errors import ValidationError
from salon_tui.printing.escpos import PrinterProfile
from salon_tui.printing.layout import ReceiptLayout, TextLine
from salon_tui.printing.raster_text import NoChineseFont, find_font, line_image
from salon_tui.printing.text import HanziMode
from tests import peers
from tests.printing import samples
from tests.printing.escpos_reader import Command, read
from tests.printing.test_receipt_bytes import receipt_bytes


@pytest.fixture(autouse=True)
def _font_installed() -> None:
    peers.chinese_font()


def black_columns(image: object) -> set[int]:
    """The x positions that have at least one black dot."""
    width, height = image.size  # type: ignore[attr-defined]
    pixels = image.load()  # type: ignore[attr-defined]
    return {x for x in range(width) for y in range(height) if pixels[x, y] == 0}


def raster_size(command: Command) -> tuple[int, int]:
    return 8 * (command.args[0] + 256 * command.args[1]), command.args[2] + 256 * command.args[3]


@pytest.mark.parametrize("width", [32, 48])
@pytest.mark.parametrize("kind", ["sale", "top_up", "refund", "day_close"])
def test_chinese_lines_go_as_pictures_the_width_of_the_paper_and_ascii_lines_as_text(
    kind: str, width: int
) -> None:
    profile = PrinterProfile(columns=width, hanzi=HanziMode.IMAGE, cutter=True)
    receipt = samples.RECEIPTS[kind]("zh_CN")
    elements = ReceiptLayout(width, HanziMode.IMAGE).lay_out(receipt)
    chinese_lines = [
        line for line in elements if isinstance(line, TextLine) and not line.text.isascii()
    ]
    assert chinese_lines, "a Chinese receipt has Chinese lines"
    page = read(receipt_bytes(receipt, profile), encoding="ascii")
    assert page.commands[0].name == "ESC @"
    assert page.named("FS &") == []  # the printer has no Chinese mode to switch on
    pictures = [
        command
        for command in page.named("GS v 0")
        if raster_size(command)[1] in (24, 48)  # lines; QR codes and barcodes are taller
    ]
    assert len(pictures) == len(chinese_lines)
    for picture, line in zip(pictures, chinese_lines, strict=True):
        assert raster_size(picture) == (width * 12, 48 if line.large else 24)
        assert any(picture.data), f"{line.text!r} drew nothing"
    assert all(text.isascii() for text in page.text_lines)
    assert page.named("GS V") != []  # the cut still comes last


def test_a_picture_keeps_the_column_grid() -> None:
    image = line_image("价 A  价", width_dots=384, font_path=find_font())
    black = black_columns(image)
    assert any(x < 24 for x in black)  # 价 in columns 0-1
    assert not any(24 <= x < 36 for x in black)  # column 2 is a space
    assert any(36 <= x < 48 for x in black)  # A in column 3
    assert not any(48 <= x < 72 for x in black)  # two spaces
    assert any(72 <= x < 96 for x in black) and max(black) < 96  # 价, then nothing


def test_a_large_centred_title_is_double_size_and_centred() -> None:
    image = line_image(
        "丝语美发", width_dots=384, font_path=find_font(), align="center", large=True, bold=True
    )
    assert image.size == (384, 48)
    black = black_columns(image)
    # four Hanzi, 48 dots each, centred on 384: from 96 to 288
    assert 96 <= min(black) < 110 and 274 < max(black) < 288


def test_a_font_that_is_not_there_or_has_no_hanzi_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NoChineseFont, match="not a font with Chinese"):
        find_font(str(tmp_path / "missing.ttf"))
    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_text("hello")
    with pytest.raises(NoChineseFont):
        find_font(str(not_a_font))
    latin_only = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin_only.exists():  # a real font, but its 汉 is the "missing" box
        with pytest.raises(NoChineseFont, match="not a font with Chinese"):
            find_font(str(latin_only))


def test_choosing_pictures_without_a_usable_font_saves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    good = MachineConfig(printer=PrinterConfig(connection="folder", folder=str(tmp_path)))
    save_config(good, path)
    before = path.read_text()
    bad = replace(good, printer=replace(good.printer, hanzi="image", font="/nowhere/font.ttc"))
    with pytest.raises(ValidationError, match="not a font with Chinese") as refused:
        save_config(bad, path)
    assert refused.value.field == "hanzi"
    assert path.read_text() == before
    found = replace(good, printer=replace(good.printer, hanzi="image"))
    save_config(found, path)
    assert load_config(path).printer.hanzi == "image"
