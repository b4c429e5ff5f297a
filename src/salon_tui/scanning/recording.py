"""Reading key-event recordings: ``evtest`` output and python-evdev ``categorize()`` text.

``salon scanner replay FILE`` runs a recording through the same decoder as the live
reader, so a shop can capture its scanner with ``evtest`` and check what salon_tui makes
of it. Lines starting with ``#`` are comments; ``# expect: …`` lines say what the
recording should decode to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from salon_tui.scanning.keys import EV_KEY

EVTEST_LINE = re.compile(
    r"^Event: time (?P<time>[\d.]+), type (?P<type>\d+) \([^)]*\), code (?P<code>\d+) \([^)]*\), value (?P<value>-?[0-9a-fA-F]+)"
)
CATEGORIZE_LINE = re.compile(
    r"^key event at (?P<time>[\d.]+), (?P<code>\d+) \([^)]*\), (?P<state>down|up|hold)"
)
DEVICE_ID = re.compile(r"vendor 0x(?P<vendor>[0-9a-fA-F]+) product 0x(?P<product>[0-9a-fA-F]+)")
DEVICE_NAME = re.compile(r'^Input device name: "(?P<name>.*)"')
STATES = {"up": 0, "down": 1, "hold": 2}


@dataclass(frozen=True)
class RecordedEvent:
    """Attributes named like ``evdev.InputEvent``'s, so both feed the same code."""

    sec: int
    usec: int
    type: int
    code: int
    value: int

    def timestamp(self) -> float:
        return self.sec + self.usec / 1_000_000


@dataclass
class Recording:
    events: list[RecordedEvent] = field(default_factory=list)
    expectations: list[str] = field(default_factory=list)
    device_name: str = ""
    vendor_product: str = ""


def _split_time(text: str) -> tuple[int, int]:
    whole, _, fraction = text.partition(".")
    return int(whole), int((fraction + "000000")[:6])


def parse_recording(text: str) -> Recording:
    recording = Recording()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("# expect:"):
            recording.expectations.append(line.removeprefix("# expect:").strip())
            continue
        if match := DEVICE_NAME.match(line):
            recording.device_name = match["name"]
            continue
        if line.startswith("Input device ID:") and (match := DEVICE_ID.search(line)):
            recording.vendor_product = (
                f"{int(match['vendor'], 16):04x}:{int(match['product'], 16):04x}"
            )
            continue
        if match := EVTEST_LINE.match(line):
            event_type = int(match["type"])
            # EV_KEY values are decimal; EV_MSC scan codes are hex (we ignore them).
            value = int(match["value"]) if event_type == EV_KEY else 0
            sec, usec = _split_time(match["time"])
            recording.events.append(RecordedEvent(sec, usec, event_type, int(match["code"]), value))
            continue
        if match := CATEGORIZE_LINE.match(line):
            sec, usec = _split_time(match["time"])
            recording.events.append(
                RecordedEvent(sec, usec, EV_KEY, int(match["code"]), STATES[match["state"]])
            )
    return recording


def read_recording(path: Path) -> Recording:
    return parse_recording(path.read_text(encoding="utf-8", errors="replace"))
