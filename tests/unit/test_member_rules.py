"""Pure member rules: phones, birthdays, masks, card numbers, level upgrades."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon_tui.domain import cards
from salon_tui.domain.members import (
    LevelRule,
    MemberStanding,
    level_after_refund,
    level_for,
    mask_phone,
    normalise_phone,
    parse_birthday,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "typed", ["13800138000", "+86 138 0013 8000", "138-0013-8000", "１３８００１３８０００"]
)
def test_chinese_mobiles_in_any_common_form_become_e164(typed: str) -> None:
    assert normalise_phone(typed, "CN") == "+8613800138000"


@pytest.mark.parametrize("typed", ["1516814538", "12345", "phone"])
def test_impossible_phones_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        normalise_phone(typed, "CN")


def test_masks_keep_the_first_three_and_last_four_digits() -> None:
    assert mask_phone("13800138000") == "138****8000"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1990-03-05", (3, 5, 1990)),
        ("1990/3/5", (3, 5, 1990)),
        ("19900305", (3, 5, 1990)),
        ("1990年3月5日", (3, 5, 1990)),
        ("3月5日", (3, 5, None)),
        ("--02-29", (2, 29, None)),
    ],
)
def test_birthdays_are_read_with_or_without_a_year(typed: str, expected: tuple) -> None:
    birthday = parse_birthday(typed, TODAY)
    assert (birthday.month, birthday.day, birthday.year) == expected


@pytest.mark.parametrize("typed", ["1990-02-30", "1890-01-01", "2027-01-01", "2月30日", "soon"])
def test_impossible_birthdays_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_birthday(typed, TODAY)


@given(st.integers(min_value=1, max_value=10**9 - 1))
def test_every_issued_number_passes_its_check_and_one_wrong_digit_fails(serial: int) -> None:
    number = cards.number_for_serial(serial)
    assert cards.validate_card_number(number, allow_legacy=False) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValueError):
        cards.validate_card_number(wrong, allow_legacy=True)


def test_legacy_numbers_need_to_be_allowed() -> None:
    assert cards.validate_card_number("v100000", allow_legacy=True) == "V100000"
    with pytest.raises(ValueError):
        cards.validate_card_number("V100000", allow_legacy=False)


REGULAR = LevelRule(1, 0, None, None, None, can_drop=False)
SILVER = LevelRule(2, 1, 300_000, 200_000, None, can_drop=False)
GOLD = LevelRule(3, 2, 1_000_000, None, 5000, can_drop=True)
LEVELS = [REGULAR, SILVER, GOLD]


def test_the_highest_level_whose_any_rule_is_met_wins() -> None:
    assert level_for(LEVELS, REGULAR, MemberStanding(largest_top_up_cents=200_000)) == SILVER
    assert level_for(LEVELS, REGULAR, MemberStanding(points=6000)) == GOLD
    assert level_for(LEVELS, REGULAR, MemberStanding()) == REGULAR


def test_levels_drop_only_when_allowed() -> None:
    assert level_for(LEVELS, SILVER, MemberStanding()) == SILVER
    assert level_for(LEVELS, GOLD, MemberStanding(spend_cents=400_000)) == SILVER


def test_a_refund_drops_only_a_droppable_level_the_refund_took_the_member_below() -> None:
    reached = MemberStanding(spend_cents=1_200_000)
    after = MemberStanding(spend_cents=400_000)
    assert level_after_refund(LEVELS, GOLD, reached, after) == SILVER
    assert level_after_refund(LEVELS, GOLD, reached, MemberStanding()) == REGULAR
    # Still reached by another rule (points), not droppable, or never reached by a rule.
    assert level_after_refund(LEVELS, GOLD, reached, MemberStanding(points=5000)) is None
    assert (
        level_after_refund(LEVELS, SILVER, MemberStanding(spend_cents=300_000), MemberStanding())
        is None
    )
    assert level_after_refund(LEVELS, GOLD, MemberStanding(spend_cents=900_000), after) is None
    assert level_after_refund(LEVELS, None, reached, after) is None
