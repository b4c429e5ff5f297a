"""PIN format and the lockout schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from salon_tui.domain.lockout import pin_problem, state_after_failure, wait_after_failures

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("pin", ["1234", "12345678", "０９８７"])
def test_four_to_eight_digits_make_a_pin(pin: str) -> None:
    assert pin_problem(pin) is None


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "12 34", "١٢٣٤"])
def test_other_pins_are_refused_with_a_reason(pin: str) -> None:
    assert pin_problem(pin)


def test_four_failures_cost_nothing_the_fifth_costs_a_minute() -> None:
    assert wait_after_failures(4) is None
    assert wait_after_failures(5) == timedelta(seconds=60)


def test_each_further_failure_doubles_the_wait() -> None:
    assert wait_after_failures(6) == timedelta(seconds=120)
    assert wait_after_failures(7) == timedelta(seconds=240)


def test_twenty_failures_lock_the_account() -> None:
    assert state_after_failure(19, NOW).hard_locked is False
    locked = state_after_failure(20, NOW)
    assert locked.hard_locked is True
    assert locked.wait_until is None
