"""Finding a font with Chinese characters on this computer (for printers without one).

Used by the printer settings (refuse "Chinese as pictures" when there is none) and by
``printing.raster_text`` (which draws with it). Kept outside ``printing`` so the machine
config can check it without the printing layer.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from salon_tui.errors import PrinterError
from salon_tui.i18n import _

LINE_DOTS = 24  # a printed line is 24 dots high (Font A)

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
    # A font without Hanzi draws its "missing" box for 汉, the same as for a character
    # no font has (a private-use one).
    if bytes(font.getmask("汉")) == bytes(font.getmask("\U000f0000")):
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
