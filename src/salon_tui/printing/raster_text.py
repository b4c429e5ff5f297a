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

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from salon_tui.errors import PrinterError
from salon_tui.i18n import _
from salon_tui.printing.text import columns

DOTS_PER_COLUMN = 12
LINE_DOTS = 24  # Font A is 12 x 24 dots

# Where Debian, Raspberry Pi OS and Fedora put the common CJK fonts (first found wins).
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


class NoChineseFont(PrinterError):
    """Chinese as pictures was chosen but this computer has no font with Hanzi."""


def _fontconfig_match() -> str:
    """What fontconfig picks for Chinese, when fontconfig is there."""
    if shutil.which("fc-match") is None:
        return ""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return found.stdout.strip()


def _has_hanzi(path: str) -> bool:
    try:
        from PIL import ImageFont

        font = ImageFont.truetype(path, LINE_DOTS)
    except OSError:
        return False
    left, top, right, bottom = font.getbbox("汉")
    return right - left > LINE_DOTS // 2 and bottom > top


def find_font(configured: str = "") -> str:
    """The font file to draw Chinese with: the configured one, else one found here.

    Raises ``NoChineseFont`` saying what to install when there is none.
    """
    if configured:
        path = str(Path(configured).expanduser())
        if Path(path).is_file() and _has_hanzi(path):
            return path
        raise NoChineseFont(
            _("{path} is not a font with Chinese characters.").format(path=configured)
        )
    for candidate in (*KNOWN_FONTS, _fontconfig_match()):
        if candidate and Path(candidate).is_file() and _has_hanzi(candidate):
            return candidate
    raise NoChineseFont(
        _(
            "No Chinese font on this computer to print Chinese as pictures: install one "
            "(sudo apt install fonts-wqy-zenhei), give its file, or print pinyin instead."
        )
    )


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
