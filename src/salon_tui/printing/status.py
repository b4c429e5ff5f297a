"""What a printer says about itself when asked with ``DLE EOT`` (real-time status).

ESC/POS printers answer ``DLE EOT n`` with one byte even while they print, and even when
they are offline: n = 1 printer status (offline?), 2 why it is offline (cover open,
paper end, error), 4 the roll-paper sensor (near end, end). Every answer byte has bits
1 and 4 set and bits 0 and 7 clear, which tells a real answer from noise. Printers that
do not answer (a one-way cable, a file) are simply not asked again for that job.

python-escpos's ``query_status`` reads with the transport's own timeout (seconds on a
network printer that never answers) and only knows paper and online; the transports ask
through ``Exchange`` with a short timeout and this module reads the bits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from salon_tui.i18n import _

DLE_EOT = b"\x10\x04"
ASK_PRINTER = DLE_EOT + b"\x01"
ASK_OFFLINE_CAUSE = DLE_EOT + b"\x02"
ASK_PAPER = DLE_EOT + b"\x04"

# How long to wait for each answer: printers answer in a few milliseconds.
ANSWER_SECONDS = 0.4

# Send a query, return what came back within the timeout (b"" for nothing).
Exchange = Callable[[bytes], bytes]

_FIXED_MASK = 0b1001_0011
_FIXED_BITS = 0b0001_0010


def _answer(raw: bytes) -> int | None:
    """The last well-formed status byte in ``raw`` (stale bytes may come first)."""
    for byte in reversed(raw):
        if byte & _FIXED_MASK == _FIXED_BITS:
            return byte
    return None


@dataclass(frozen=True)
class Condition:
    """The printer's own account of itself."""

    offline: bool = False
    cover_open: bool = False
    paper_out: bool = False
    paper_low: bool = False
    error: bool = False

    def problem(self) -> str:
        """Why nothing should be sent now; empty when the printer can print."""
        if self.paper_out:
            return _("The printer is out of paper: load a new roll.")
        if self.cover_open:
            return _("The printer's cover is open: close it.")
        if self.error:
            return _("The printer reports an error (cutter jam or overheating): check it.")
        if self.offline:
            return _("The printer is offline: check its lights and the paper.")
        return ""

    def warning(self) -> str:
        """Worth telling the cashier although printing goes on."""
        if self.paper_low and not self.problem():
            return _("The paper roll is nearly finished.")
        return ""


def ask(exchange: Exchange) -> Condition | None:
    """The printer's condition, or None when it does not answer status queries."""
    printer = _answer(exchange(ASK_PRINTER))
    if printer is None:
        return None
    offline = bool(printer & 0b0000_1000)
    cover_open = paper_stop = error = False
    if offline:
        cause = _answer(exchange(ASK_OFFLINE_CAUSE))
        if cause is not None:
            cover_open = bool(cause & 0b0000_0100)
            paper_stop = bool(cause & 0b0010_0000)
            error = bool(cause & 0b0100_0000)
    paper = _answer(exchange(ASK_PAPER))
    paper_out = paper_stop or (paper is not None and paper & 0b0110_0000 == 0b0110_0000)
    paper_low = paper is not None and paper & 0b0000_1100 == 0b0000_1100
    return Condition(
        offline=offline,
        cover_open=cover_open,
        paper_out=paper_out,
        paper_low=paper_low,
        error=error,
    )
