"""Key events → scans: the pure decoder both the evdev reader and the tests use.

Acts on key-down (value 1), tracks Shift, Ctrl and Alt per device (one decoder per
device), types keypad digits, turns Ctrl+letter into control characters and Alt+keypad
codes into characters. A burst is a scan when every gap between key events is at most
``max_gap_ms``, it has at least ``min_length`` characters and it ends with a configured
terminator (Enter, keypad Enter, Tab). People type 80 ms apart or slower; scanners 1–8
ms. A slow gap throws away what came before it: a partial scan never leaks into the
next one.
"""

from __future__ import annotations

from dataclasses import dataclass

from salon_tui.scanning.keys import (
    ALT_KEYS,
    CTRL_CHARS,
    CTRL_KEYS,
    EV_KEY,
    IGNORED_KEYS,
    KEYPAD_DIGITS,
    KEYPAD_KEYS,
    SHIFT_KEYS,
    TERMINATOR_KEYS,
    US_KEYS,
    alt_code_char,
)

KEY_UP, KEY_DOWN, KEY_REPEAT = 0, 1, 2


@dataclass(frozen=True)
class KeyEvent:
    """One EV_KEY event: seconds (float), the key code, and 0 up / 1 down / 2 repeat."""

    time: float
    code: int
    value: int


@dataclass(frozen=True)
class Scan:
    code: str
    terminator: str  # "enter", "kpenter" or "tab"
    started: float
    finished: float
    longest_gap_ms: float

    @property
    def duration_ms(self) -> float:
        return (self.finished - self.started) * 1000


class ScanDecoder:
    def __init__(
        self,
        *,
        max_gap_ms: float = 30,
        min_length: int = 4,
        terminators: tuple[str, ...] = ("enter", "kpenter", "tab"),
    ) -> None:
        self.max_gap = max_gap_ms / 1000
        self.min_length = min_length
        self.terminators = frozenset(terminators)
        self._shift: set[int] = set()
        self._ctrl: set[int] = set()
        self._alt: set[int] = set()
        self._alt_digits = ""
        self._chars: list[str] = []
        self._started = 0.0
        self._last = 0.0
        self._longest_gap = 0.0

    @property
    def pending(self) -> str:
        """What the current burst has typed so far (not yet a scan)."""
        return "".join(self._chars)

    def reset(self) -> None:
        """Forget everything: the device went away mid-scan."""
        self._shift.clear()
        self._ctrl.clear()
        self._alt.clear()
        self._alt_digits = ""
        self._chars.clear()

    def _discard_burst(self) -> None:
        self._chars.clear()
        self._alt_digits = ""
        self._longest_gap = 0.0

    def feed_raw(self, event_type: int, code: int, value: int, time: float) -> Scan | None:
        """An evdev event as it comes (any type); only EV_KEY events count."""
        if event_type != EV_KEY:
            return None
        return self.feed(KeyEvent(time, code, value))

    def feed(self, event: KeyEvent) -> Scan | None:
        if event.value == KEY_REPEAT:
            return None
        gap = event.time - self._last
        if self._chars or self._alt_digits:
            if gap > self.max_gap:
                self._discard_burst()  # a person, or the tail of something else
            else:
                self._longest_gap = max(self._longest_gap, gap)
        self._last = event.time
        code, down = event.code, event.value == KEY_DOWN
        for keys, held in (
            (SHIFT_KEYS, self._shift),
            (CTRL_KEYS, self._ctrl),
            (ALT_KEYS, self._alt),
        ):
            if code in keys:
                if down:
                    held.add(code)
                else:
                    held.discard(code)
                    if keys is ALT_KEYS and not held and self._alt_digits:
                        self._type(alt_code_char(self._alt_digits), event.time)
                        self._alt_digits = ""
                return None
        if not down or code in IGNORED_KEYS:
            return None
        if self._alt and code in KEYPAD_DIGITS:
            if not self._chars and not self._alt_digits:
                self._started = event.time
            self._alt_digits += KEYPAD_DIGITS[code]
            return None
        if code in TERMINATOR_KEYS:
            return self._finish(TERMINATOR_KEYS[code], event.time)
        char = self._char_for(code)
        if char is not None:
            self._type(char, event.time)
        return None

    def _char_for(self, code: int) -> str | None:
        if self._ctrl:
            return CTRL_CHARS.get(code)
        if code in KEYPAD_KEYS:
            return KEYPAD_KEYS[code]
        pair = US_KEYS.get(code)
        if pair is None:
            return None
        return pair[1] if self._shift else pair[0]

    def _type(self, char: str, time: float) -> None:
        if not self._chars:
            self._started = time
            self._longest_gap = 0.0
        self._chars.append(char)

    def _finish(self, terminator: str, time: float) -> Scan | None:
        code = "".join(self._chars)
        longest = self._longest_gap
        self._discard_burst()
        if terminator not in self.terminators:
            return None
        if len(code) < self.min_length:
            return None
        return Scan(code, terminator, self._started, time, round(longest * 1000, 3))
