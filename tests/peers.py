"""Real programs as peers in tests: LibreOffice (xlsx/csv), zbar (barcodes), a CJK font.

A missing peer skips the test with the reason, except under SALON_REQUIRE_PEERS=1
(CI), where it fails: CI must exercise every peer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REQUIRE_PEERS = os.environ.get("SALON_REQUIRE_PEERS") == "1"
CSV_FILTER_OPTIONS = "44,34,76,1"  # comma, double quote, UTF-8, first line


def need(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        message = f"{program} is not installed"
        if REQUIRE_PEERS:
            pytest.fail(f"SALON_REQUIRE_PEERS=1 but {message}")
        pytest.skip(message)
    return found


def chinese_font() -> str:
    """A CJK font file for printing Chinese as pictures (Debian: fonts-wqy-zenhei)."""
    from salon_tui.fonts import NoChineseFont, find_font

    try:
        return find_font()
    except NoChineseFont as missing:
        message = f"no Chinese font: {missing.message}"
        if REQUIRE_PEERS:
            pytest.fail(f"SALON_REQUIRE_PEERS=1 but {message}")
        pytest.skip(message)


def libreoffice_convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert with LibreOffice in its own profile; fails when no file comes out.

    ``target_format`` is ``xlsx`` or ``csv`` (UTF-8, so Chinese survives).
    """
    soffice = need("soffice")
    convert_to = (
        "xlsx"
        if target_format == "xlsx"
        else f"csv:Text - txt - csv (StarCalc):{CSV_FILTER_OPTIONS}"
    )
    arguments = [
        soffice,
        "--headless",
        "--norestore",
        "--convert-to",
        convert_to,
        "--outdir",
        str(out_dir),
    ]
    if source.suffix.lower() == ".csv":
        arguments.insert(2, f"--infilter=CSV:{CSV_FILTER_OPTIONS},1/2/2/2/3/2")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        arguments.insert(1, f"-env:UserInstallation=file://{profile}")
        subprocess.run([*arguments, str(source)], check=True, capture_output=True, timeout=180)
    produced = out_dir / f"{source.stem}.{target_format}"
    if not produced.exists():  # LibreOffice exits 0 even when it converts nothing
        pytest.fail(f"LibreOffice did not convert {source.name} to {target_format}")
    return produced
