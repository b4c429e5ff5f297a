"""Linux key codes (``linux/input-event-codes.h``) as a US-layout scanner types them.

By number, never by ``evdev.ecodes`` names: some codes have several names (113 is
``('KEY_MIN_INTERESTING', 'KEY_MUTE')``), and the decoder must work without evdev.
Scanners type in the layout they were configured for (US by default), so member cards
and product codes carry ASCII only.
"""

from __future__ import annotations

EV_KEY = 1

KEY_TAB = 15
KEY_ENTER = 28
KEY_KPENTER = 96
TERMINATOR_KEYS = {KEY_ENTER: "enter", KEY_KPENTER: "kpenter", KEY_TAB: "tab"}

SHIFT_KEYS = frozenset({42, 54})  # left, right
CTRL_KEYS = frozenset({29, 97})
ALT_KEYS = frozenset({56, 100})
IGNORED_KEYS = frozenset({58, 69, 70})  # Caps Lock, Num Lock, Scroll Lock

_LETTERS = {
    16: "q", 17: "w", 18: "e", 19: "r", 20: "t", 21: "y", 22: "u", 23: "i", 24: "o", 25: "p",
    30: "a", 31: "s", 32: "d", 33: "f", 34: "g", 35: "h", 36: "j", 37: "k", 38: "l",
    44: "z", 45: "x", 46: "c", 47: "v", 48: "b", 49: "n", 50: "m",
}  # fmt: skip

# code → (plain, with Shift)
US_KEYS: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"),
    7: ("6", "^"), 8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"),
    12: ("-", "_"), 13: ("=", "+"),
    26: ("[", "{"), 27: ("]", "}"),
    39: (";", ":"), 40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"),
    51: (",", "<"), 52: (".", ">"), 53: ("/", "?"),
    57: (" ", " "),
    **{code: (letter, letter.upper()) for code, letter in _LETTERS.items()},
}  # fmt: skip

# Keypad keys type the same with or without Shift (Num Lock on, as scanners send them).
KEYPAD_KEYS: dict[int, str] = {
    71: "7", 72: "8", 73: "9", 74: "-", 75: "4", 76: "5", 77: "6", 78: "+",
    79: "1", 80: "2", 81: "3", 82: "0", 83: ".", 55: "*", 98: "/",
}  # fmt: skip
KEYPAD_DIGITS = {code: char for code, char in KEYPAD_KEYS.items() if char.isdigit()}

# Ctrl + key → the ASCII control character (GS1 codes carry Ctrl+] = GS, 0x1D).
CTRL_CHARS: dict[int, str] = {
    **{code: chr(ord(letter) - ord("a") + 1) for code, letter in _LETTERS.items()},
    26: "\x1b",  # Ctrl+[
    43: "\x1c",  # Ctrl+\
    27: "\x1d",  # Ctrl+]
    7: "\x1e",  # Ctrl+^ (Ctrl+Shift+6)
    12: "\x1f",  # Ctrl+_ (Ctrl+Shift+-)
}


def alt_code_char(digits: str) -> str:
    """Alt + keypad digits (Windows-style): a leading 0 means Windows-1252, else CP437."""
    value = int(digits) % 256
    if value < 128:
        return chr(value)
    return bytes([value]).decode("cp1252" if digits.startswith("0") else "cp437", errors="replace")
