"""PIN rules and login lockout, as pure functions.

PINs are 4–8 digits. After five wrong PINs in a row an account waits 60 s, doubling
after each further failure; twenty lock it until a manager or owner resets the PIN.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from salon_tui.i18n import _

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8
FAILURES_BEFORE_WAIT = 5
FIRST_WAIT = timedelta(seconds=60)
FAILURES_BEFORE_HARD_LOCK = 20


def normalise_pin(pin: str) -> str:
    """Full-width digits from a Chinese IME count as digits."""
    return unicodedata.normalize("NFKC", pin).strip()


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN, or None when it can."""
    normalised = normalise_pin(pin)
    if not normalised.isascii() or not normalised.isdigit():
        return _("A PIN is made of digits only.")
    if not PIN_MIN_DIGITS <= len(normalised) <= PIN_MAX_DIGITS:
        return _("A PIN has {low} to {high} digits.").format(
            low=PIN_MIN_DIGITS, high=PIN_MAX_DIGITS
        )
    return None


@dataclass(frozen=True)
class LockState:
    """What the stored counters say about an account right now."""

    hard_locked: bool
    wait_until: datetime | None

    def is_waiting(self, now: datetime) -> bool:
        return self.wait_until is not None and now < self.wait_until


def wait_after_failures(failures: int) -> timedelta | None:
    """How long an account waits after ``failures`` wrong PINs in a row (None: no wait)."""
    if failures < FAILURES_BEFORE_WAIT:
        return None
    return FIRST_WAIT * int(2 ** (failures - FAILURES_BEFORE_WAIT))


def state_after_failure(failures: int, now: datetime) -> LockState:
    """The lock state once the ``failures``-th consecutive wrong PIN has been typed."""
    if failures >= FAILURES_BEFORE_HARD_LOCK:
        return LockState(hard_locked=True, wait_until=None)
    wait = wait_after_failures(failures)
    return LockState(hard_locked=False, wait_until=now + wait if wait else None)
