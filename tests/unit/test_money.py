"""Money: integer minor units, allocation that never loses a fen, rounding, parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon_tui.domain.money import (
    RoundingMode,
    allocate,
    format_money,
    parse_amount,
    percent_of,
    round_amount,
)


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40),
)
def test_allocation_never_loses_or_invents_a_fen(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    assert sum(shares) == total
    assert len(shares) == len(weights)


@given(
    total=st.integers(min_value=0, max_value=10**10),
    weights=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=20),
)
def test_each_share_is_within_one_fen_of_its_exact_part(total: int, weights: list[int]) -> None:
    shares = allocate(total, weights)
    weight_sum = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = total * weight / weight_sum
        assert abs(share - exact) < 1


def test_allocation_gives_left_over_fen_to_the_largest_remainders() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(1000, [3333, 3333, 3334]) == [333, 333, 334]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]


def test_allocation_with_all_zero_weights_splits_evenly() -> None:
    assert allocate(10, [0, 0]) == [5, 5]


def test_rounding_down_is_mo_ling_and_never_charges_more() -> None:
    assert round_amount(12345, 10, RoundingMode.DOWN) == 12340
    assert round_amount(12399, 100, RoundingMode.DOWN) == 12300
    assert round_amount(12345, 1, RoundingMode.DOWN) == 12345


def test_rounding_half_up_goes_to_the_nearest_unit() -> None:
    assert round_amount(12345, 10, RoundingMode.HALF_UP) == 12350
    assert round_amount(12344, 10, RoundingMode.HALF_UP) == 12340
    assert round_amount(12350, 100, RoundingMode.HALF_UP) == 12400


@given(
    amount=st.integers(min_value=-(10**9), max_value=10**9),
    unit=st.sampled_from([1, 10, 100]),
    mode=st.sampled_from(list(RoundingMode)),
)
def test_rounding_a_refund_mirrors_rounding_the_sale(
    amount: int, unit: int, mode: RoundingMode
) -> None:
    assert round_amount(-amount, unit, mode) == -round_amount(amount, unit, mode)
    assert round_amount(amount, unit, mode) % unit == 0


def test_percent_of_uses_basis_points_exactly() -> None:
    assert percent_of(9900, 8500) == 8415  # 8.5 折 of ¥99.00
    assert percent_of(1, 5000) == 1  # half a fen rounds up
    assert percent_of(1, 5000, RoundingMode.DOWN) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1280", 128000),
        ("1,280.00", 128000),
        ("￥1,280.00", 128000),
        ("¥35.5", 3550),
        ("35.5元", 3550),
        ("１２８", 12800),
        ("-20", -2000),
        ("+0.01", 1),
    ],
)
def test_parse_amount_accepts_what_people_type(text: str, expected: int) -> None:
    assert parse_amount(text, "CNY") == expected


@pytest.mark.parametrize("text", ["", "abc", "1.234", "12..5", "NaN", "inf", "1e3x"])
def test_parse_amount_refuses_what_is_not_money(text: str) -> None:
    with pytest.raises(ValueError, match="amount|decimal"):
        parse_amount(text, "CNY")


def test_parse_amount_follows_the_currency_digits() -> None:
    assert parse_amount("1500", "JPY") == 1500
    with pytest.raises(ValueError):
        parse_amount("15.5", "JPY")


@given(
    amount=st.integers(min_value=-(10**12), max_value=10**12),
    locale=st.sampled_from(["zh_CN", "en"]),
    currency=st.sampled_from(["CNY", "HKD", "USD", "JPY"]),
)
def test_formatting_then_parsing_gives_the_same_amount(
    amount: int, locale: str, currency: str
) -> None:
    assert parse_amount(format_money(amount, currency, locale), currency) == amount


def test_format_money_uses_the_shop_locale() -> None:
    assert format_money(128000, "CNY", "zh_CN") == "¥1,280.00"
    assert format_money(-550, "CNY", "en") == "-CN¥5.50"
    assert format_money(128000, "CNY", "en", symbol=False) == "1,280.00"
