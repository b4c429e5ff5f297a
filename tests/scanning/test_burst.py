"""Keyboard-wedge bursts without evdev: fast bursts ending in Enter/Tab are scans,
a person typing (even fast) is let through as typed."""

from __future__ import annotations

from salon_tui.scanning.burst import KeyBurst


def type_keys(burst: KeyBurst[str], text: str, start: float, gap: float) -> float:
    now = start
    for char in text:
        assert burst.continues(now)
        burst.hold(char, now, char)
        now += gap
    return now


def test_a_fast_burst_ending_in_enter_is_a_scan_and_nothing_is_released() -> None:
    burst: KeyBurst[str] = KeyBurst(max_gap_ms=30)
    end = type_keys(burst, "M00012345", 10.0, 0.004)
    assert burst.finish("enter", end) == "M00012345"
    assert burst.release() == []


def test_a_person_typing_80ms_apart_is_released_as_typed() -> None:
    burst: KeyBurst[str] = KeyBurst(max_gap_ms=30)
    burst.hold("8", 0.0, "8")
    assert burst.due(0.031)
    assert not burst.continues(0.080)
    assert burst.release() == ["8"]


def test_a_short_pin_typed_fast_is_not_a_scan() -> None:
    burst: KeyBurst[str] = KeyBurst(max_gap_ms=30, min_length=5)
    end = type_keys(burst, "8888", 0.0, 0.010)
    assert burst.finish("enter", end) is None
    assert burst.release() == ["8", "8", "8", "8"]


def test_enter_after_a_pause_is_typing_not_a_scan() -> None:
    burst: KeyBurst[str] = KeyBurst(max_gap_ms=30)
    end = type_keys(burst, "123456", 0.0, 0.005)
    assert burst.finish("enter", end + 0.5) is None


def test_a_terminator_not_configured_does_not_end_a_scan() -> None:
    burst: KeyBurst[str] = KeyBurst(max_gap_ms=30, terminators=("enter",))
    end = type_keys(burst, "GC-2026", 0.0, 0.003)
    assert burst.finish("tab", end) is None


def test_a_key_let_through_first_counts_in_the_scan_but_is_never_released_again() -> None:
    burst: KeyBurst[str] = KeyBurst(max_gap_ms=30)
    burst.hold("V", 0.0, "V", delivered=True)
    end = type_keys(burst, "100000", 0.004, 0.004)
    assert burst.finish("enter", end) == "V100000"
    burst.hold("w", 5.0, "w", delivered=True)
    burst.hold("a", 5.01, "a")
    assert burst.release() == ["a"]
