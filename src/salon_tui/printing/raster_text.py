"""Chinese on printers without a Chinese font: each such line printed as a picture.

Epson's international models (TM-T20, TM-T88 …) have no Hanzi in their ROM. Pinyin
(``HanziMode.PINYIN``) is always readable; a shop that wants the characters themselves
sets ``hanzi = "image"`` and every line with Chinese in it is drawn with a CJK font from
the computer (Debian: fonts-wqy-zenhei) and sent as a raster image (``GS v 0``). Lines in
plain ASCII still go out as text, so a receipt stays short to send.

The picture keeps the receipt's column grid: each character is drawn at its column, 12
dots per column (Font A at 203 dpi), two columns for a Hanzi, exactly as a GBK printer
counts them, so image lines and text lines line up. Pillow does the drawing (it comes
with python-escpos); we only place the characters.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from salon_tui.fonts import LINE_DOTS, NoChineseFont, find_font
from salon_tui.printing.text import columns

__all__ = ["NoChineseFont", "find_font", "line_image", "raster_bytes"]

DOTS_PER_COLUMN = 12  # Font A is 12 x 24 dots


@cache
def _font(path: str, size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def line_image(
    text: str,
    *,
    width_dots: int,
    font_path: str,
    align: str = "left",
    large: bool = False,
    bold: bool = False,
) -> Any:
    """A one-bit picture of ``text`` (already printable) as wide as the paper.

    ``align`` is "left", "center" or "right"; ``large`` doubles width and height like
    ``GS ! 0x11`` does for text.
    """
    from PIL import Image, ImageDraw

    scale = 2 if large else 1
    cell = DOTS_PER_COLUMN * scale
    height = LINE_DOTS * scale
    used = columns(text) * cell
    start = {"center": (width_dots - used) // 2, "right": width_dots - used}.get(align, 0)
    image = Image.new("1", (width_dots, height), 1)
    draw = ImageDraw.Draw(image)
    # A Hanzi's box reaches past the em square in most CJK fonts: draw at 7/8 of the line
    # and centre the Hanzi box on it, so neither Chinese nor Latin descenders are cut off.
    font = _font(font_path, height * 7 // 8)
    _left, han_top, _right, han_bottom = font.getbbox("汉")
    y = (height - (han_bottom - han_top)) // 2 - han_top
    x = max(0, start)
    for char in text:
        span = columns(char) * cell
        if not char.isspace():
            left, _top, right, _bottom = font.getbbox(char)
            # centre each glyph in its cells, so proportional Latin letters stay on the grid
            offset = (span - (right - left)) // 2 - left
            draw.text(
                (x + offset, y),
                char,
                font=font,
                fill=0,
                stroke_width=1 if bold else 0,
                stroke_fill=0,
            )
        x += span
    return image


def raster_bytes(image: Any) -> bytes:
    """``GS v 0`` bytes for a one-bit picture (python-escpos does the bit packing)."""
    import contextlib
    import io

    from escpos.printer import Dummy

    printer = Dummy()
    with contextlib.redirect_stdout(io.StringIO()):
        printer.image(image, impl="bitImageRaster", center=False)
    return bytes(printer.output)
