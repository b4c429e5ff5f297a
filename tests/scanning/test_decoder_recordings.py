"""The decoder fed with recorded scanners and people, through the reader's own code path
(``ScannerReader.handle_events``); every expectation written in a recording's header holds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from salon_tui.config import ScannerConfig
from salon_tui.scanning.decoder import KeyEvent, Scan, ScanDecoder
from salon_tui.scanning.reader import ScannerReader
from salon_tui.scanning.recording import Recording, read_recording

RECORDINGS = Path(__file__).parent.parent / "data" / "scanner"
TERMINATORS = {"keypad Enter": "kpenter", "Enter": "enter", "Tab": "tab"}
EXPECT_SCAN = re.compile(
    r"^scan (?P<code>'.*?')(?: \(.*?\))? terminated by (?P<terminator>keypad Enter|Enter|Tab)"
)
EXPECT_PARTIAL = re.compile(r"^partial (?P<code>'.*?') is discarded; no scan delivered")


def replay(
    recording: Recording, config: ScannerConfig | None = None
) -> tuple[list[Scan], ScannerReader]:
    delivered: list[Scan] = []
    reader = ScannerReader(config or ScannerConfig(), delivered.append, lambda status: None)
    returned = reader.handle_events(recording.events)
    assert returned == delivered
    return delivered, reader


def evdev_events(recording: Recording) -> list[object]:
    evdev = pytest.importorskip("evdev", reason="evdev is the optional extra `scanner`")
    return [evdev.InputEvent(e.sec, e.usec, e.type, e.code, e.value) for e in recording.events]


@pytest.mark.parametrize("name", sorted(path.name for path in RECORDINGS.glob("*.evtest")))
def test_every_expectation_in_a_recording_header_holds(name: str) -> None:
    recording = read_recording(RECORDINGS / name)
    assert recording.expectations, "each recording says what it should decode to"
    scans, reader = replay(recording)
    for expectation in recording.expectations:
        if match := EXPECT_SCAN.match(expectation):
            assert [(scan.code, scan.terminator) for scan in scans] == [
                (ast.literal_eval(match["code"]), TERMINATORS[match["terminator"]])
            ]
        elif expectation.startswith("NOT a scan"):
            assert scans == []
        elif match := EXPECT_PARTIAL.match(expectation):
            assert scans == []
            # What was typed before the unplug is held, never delivered; the reader
            # drops it when the device goes (see test_reader.py).
            assert reader.decoder.pending == ast.literal_eval(match["code"])
        else:
            pytest.fail(f"unknown expectation: {expectation}")


@pytest.mark.parametrize(
    "name", ["member_card_enter.evtest", "gs1_ctrl_char.evtest", "ean13_keypad.evtest"]
)
def test_real_evdev_input_events_decode_like_the_recording(name: str) -> None:
    recording = read_recording(RECORDINGS / name)
    delivered: list[Scan] = []
    reader = ScannerReader(ScannerConfig(), delivered.append, lambda status: None)
    reader.handle_events(evdev_events(recording))
    assert [scan.code for scan in delivered] == [scan.code for scan in replay(recording)[0]]


def test_a_scan_reports_its_timing() -> None:
    [scan], _ = replay(read_recording(RECORDINGS / "member_card_enter.evtest"))
    assert scan.longest_gap_ms < 8
    assert 10 < scan.duration_ms < 60


def test_a_scanner_set_to_tab_is_not_taken_when_only_enter_ends_a_scan() -> None:
    recording = read_recording(RECORDINGS / "giftcard_qr_tab.evtest")
    scans, reader = replay(recording, ScannerConfig(terminators=("enter",)))
    assert scans == []
    assert reader.decoder.pending == ""  # nothing left to leak into the next scan


def test_a_slower_bluetooth_threshold_still_refuses_a_person() -> None:
    scans, _ = replay(
        read_recording(RECORDINGS / "human_typing.evtest"), ScannerConfig(max_gap_ms=80)
    )
    assert scans == []


@pytest.mark.parametrize(
    "name", sorted(path.name for path in (RECORDINGS / "real").glob("human_*.txt"))
)
def test_real_people_typing_are_never_scans(name: str) -> None:
    recording = read_recording(RECORDINGS / "real" / name)
    assert recording.events
    scans, reader = replay(recording)
    assert scans == [] and reader.decoder.pending == ""


def test_the_datalogic_alt_keypad_codes_decode_to_characters() -> None:
    recording = read_recording(RECORDINGS / "real" / "datalogic_gfs4400_so43284404.txt")
    decoder = ScanDecoder()
    # Up to the gap where the post was cut: NumLock, Alt+052 → '4', Alt+056 → '8'.
    for event in recording.events[:18]:
        assert decoder.feed_raw(event.type, event.code, event.value, event.timestamp()) is None
    assert decoder.pending == "48"
    scans, _ = replay(recording)
    assert scans == []  # the capture stops mid-scan: nothing partial is delivered


def test_the_unnamed_2d_scanner_types_ctrl_combinations_as_control_characters() -> None:
    recording = read_recording(RECORDINGS / "real" / "unnamed_2d_scanner_so19732978.txt")
    decoder = ScanDecoder()
    for event in recording.events[:13]:
        decoder.feed_raw(event.type, event.code, event.value, event.timestamp())
    # 1, 2, Ctrl+Shift+J (LF), then Shift still held: D B
    assert decoder.pending == "12\nDB"
    assert replay(recording)[0] == []


def test_the_symbol_scanner_listing_names_its_vendor() -> None:
    text = (RECORDINGS / "real" / "symbol_ds6608_proc_bus_input_devices.txt").read_text()
    assert "Vendor=05e0 Product=1200" in text
    assert (
        read_recording(RECORDINGS / "real" / "symbol_ds6608_proc_bus_input_devices.txt").events
        == []
    )


def keys(text: str, start: float, gap: float) -> list[KeyEvent]:
    codes = {"1": 2, "2": 3, "3": 4, "4": 5, "a": 30, "b": 48}
    events = []
    for index, char in enumerate(text):
        events.append(KeyEvent(start + index * gap, codes[char], 1))
        events.append(KeyEvent(start + index * gap + gap / 2, codes[char], 0))
    events.append(KeyEvent(start + len(text) * gap, 28, 1))
    return events


def test_repeat_events_and_short_bursts_are_not_scans() -> None:
    decoder = ScanDecoder(min_length=4)
    assert [decoder.feed(event) for event in keys("123", 0.0, 0.002)][-1] is None
    decoder.feed(KeyEvent(1.0, 2, 2))  # auto-repeat typed nothing
    assert decoder.pending == ""


def test_a_scan_right_after_a_person_typed_still_counts_only_its_own_keys() -> None:
    decoder = ScanDecoder()
    for event in keys("ab", 0.0, 0.200):  # a person: 200 ms apart, ends with Enter
        assert decoder.feed(event) is None
    results = [decoder.feed(event) for event in keys("1234", 5.0, 0.003)]
    assert results[-1] is not None and results[-1].code == "1234"


def test_the_right_brace_key_types_a_closing_brace_with_shift() -> None:
    # Known bug in published keymaps: "]" shifted mapped to "{".
    decoder = ScanDecoder()
    events = [
        KeyEvent(0.0, 42, 1),
        KeyEvent(0.001, 27, 1),
        KeyEvent(0.002, 27, 0),
        KeyEvent(0.003, 42, 0),
    ]
    for event in events:
        decoder.feed(event)
    assert decoder.pending == "}"
