"""ESC/POS bytes for a laid-out receipt.

Text goes out raw, already encoded by us (GBK on Chinese printers after ``FS &``), never
through python-escpos's code-page guesswork. QR codes and barcodes go through
python-escpos (``Dummy``): native (``GS ( k``, ``GS k``) when the printer draws them,
raster images (``GS v 0``) when it does not. The drawer kick is sent before the cut, so
the drawer opens while the receipt prints; the cut only when the printer has a cutter.
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from typing import Any

from salon_tui.printing import raster_text
from salon_tui.printing.layout import Align, Barcode, Element, Feed, QRCode, TextLine
from salon_tui.printing.text import HanziMode, to_bytes

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_MODE_ON = FS + b"&"
CHINESE_MODE_OFF = FS + b"."
ALIGN_COMMANDS = {
    Align.LEFT: ESC + b"a\x00",
    Align.CENTER: ESC + b"a\x01",
    Align.RIGHT: ESC + b"a\x02",
}
SIZE_NORMAL = GS + b"!\x00"
# GS ! 0x11: double width and height. ESC ! does not enlarge Hanzi on many clones.
SIZE_LARGE = GS + b"!\x11"
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
# ESC p m t1 t2: pin 2, on 25×2 = 50 ms, off 250×2 = 500 ms (gentle on the solenoid).
DRAWER_KICK = ESC + b"p\x00\x19\xfa"
FEED_BEFORE_CUT = 4
# GS V 66 0: feed to the cutter and cut (partial cut where the printer has one).
CUT = GS + b"V\x42\x00"

QR_MODULE_DOTS = 6
BARCODE_HEIGHT_DOTS = 64
DOTS_PER_COLUMN = 12  # Font A at 203 dpi: 384 dots = 32 columns, 576 = 48

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrinterProfile:
    """What the printer can do; from the machine's config.toml."""

    columns: int = 48
    hanzi: HanziMode = HanziMode.GBK
    cutter: bool = True
    native_codes: bool = True  # the firmware draws QR codes and barcodes
    font: str = ""  # HanziMode.IMAGE: the font file Chinese is drawn with

    @property
    def width_dots(self) -> int:
        return self.columns * DOTS_PER_COLUMN


def _dummy() -> Any:
    from escpos.printer import Dummy

    return Dummy()


def qr_bytes(data: str, profile: PrinterProfile) -> bytes:
    printer = _dummy()
    with contextlib.redirect_stdout(io.StringIO()):
        if profile.native_codes:
            printer.qr(data, native=True, size=QR_MODULE_DOTS)
        else:
            printer.qr(
                data,
                native=False,
                size=QR_MODULE_DOTS,
                image_arguments={"impl": "bitImageRaster", "center": False},
            )
    return bytes(printer.output)


def _raster_width_dots(output: bytes) -> int:
    start = output.find(GS + b"v0")
    return 8 * (output[start + 4] + 256 * output[start + 5]) if start >= 0 else 0


def barcode_bytes(data: str, profile: PrinterProfile) -> bytes:
    """CODE128: native function B ("{B" + data), or a raster image that fits the paper."""
    if profile.native_codes:
        printer = _dummy()
        with contextlib.redirect_stdout(io.StringIO()):
            printer.barcode(
                "{B" + data,
                "CODE128",
                function_type="B",
                height=BARCODE_HEIGHT_DOTS,
                width=2,
                pos="BELOW",
                align_ct=True,
            )
        return bytes(printer.output)
    # Raster bars scan best 3 dots wide; narrower when that would not fit the paper.
    output = b""
    for module_dots in (3, 2, 1):
        printer = _dummy()
        with contextlib.redirect_stdout(io.StringIO()):
            printer.barcode(
                data,
                "CODE128",
                height=BARCODE_HEIGHT_DOTS,
                width=module_dots,
                align_ct=True,
                force_software="bitImageRaster",
            )
        output = bytes(printer.output)
        if _raster_width_dots(output) <= profile.width_dots:
            break
    return output


def render(
    elements: list[Element],
    profile: PrinterProfile,
    *,
    open_drawer: bool = False,
    cut: bool = True,
) -> bytes:
    """The whole job: init, Chinese mode, lines, codes, drawer kick, feed, cut."""
    out = bytearray(INIT)
    if profile.hanzi is HanziMode.GBK:
        out += CHINESE_MODE_ON
    align = Align.LEFT
    font = raster_text.find_font(profile.font) if profile.hanzi is HanziMode.IMAGE else ""
    for element in elements:
        if isinstance(element, TextLine) and font and not element.text.isascii():
            if align is not Align.LEFT:
                align = Align.LEFT
                out += ALIGN_COMMANDS[align]
            picture = raster_text.line_image(
                element.text,
                width_dots=profile.width_dots,
                align=element.align.value,
                large=element.large,
                bold=element.bold,
                font_path=font,
            )
            out += raster_text.raster_bytes(picture)
        elif isinstance(element, TextLine):
            if element.align is not align:
                align = element.align
                out += ALIGN_COMMANDS[align]
            if element.large:
                out += SIZE_LARGE
            if element.bold:
                out += BOLD_ON
            out += to_bytes(element.text, profile.hanzi) + LF
            if element.bold:
                out += BOLD_OFF
            if element.large:
                out += SIZE_NORMAL
        elif isinstance(element, QRCode | Barcode):
            out += ALIGN_COMMANDS[Align.CENTER]
            if isinstance(element, QRCode):
                out += qr_bytes(element.data, profile) + LF
            else:
                out += barcode_bytes(element.data, profile) + LF
            out += ALIGN_COMMANDS[Align.LEFT]
            align = Align.LEFT
        elif isinstance(element, Feed):
            out += LF * element.lines
    if align is not Align.LEFT:
        out += ALIGN_COMMANDS[Align.LEFT]
    if open_drawer:
        out += DRAWER_KICK
    if cut:
        out += LF * FEED_BEFORE_CUT
        if profile.cutter:
            out += CUT
    return bytes(out)


def drawer_only() -> bytes:
    """A "no sale" drawer opening: nothing printed."""
    return INIT + DRAWER_KICK
