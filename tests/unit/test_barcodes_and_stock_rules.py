"""Barcodes checked by their check digit; the moving average cost and reorder rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon_tui.domain.barcodes import gtin_check_digit, lookup_forms, normalise_barcode
from salon_tui.domain.inventory import moving_average_cost, reorder_quantity


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("6920202888883", "6920202888883"),
        (" 4006381333931 ", "4006381333931"),
        ("６９２０２０２８８８８８３", "6920202888883"),
        ("036000291452", "0036000291452"),
        ("96385074", "96385074"),
        ("shop-01", "SHOP-01"),
    ],
)
def test_good_barcodes_are_stored_in_one_form(typed: str, stored: str) -> None:
    assert normalise_barcode(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6920202888884", "check digit should be 3"),
        ("12345678901", "has 11 digits"),
        ("", "empty"),
        ("x", "not a barcode"),
    ],
)
def test_bad_barcodes_are_refused_with_the_reason(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_barcode(typed)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_twelve_digits_complete_to_a_valid_ean13(body: str) -> None:
    code = body + gtin_check_digit(body)
    assert normalise_barcode(code) == code


def test_a_upc_scan_is_looked_up_in_both_forms() -> None:
    assert lookup_forms("036000291452") == ["036000291452", "0036000291452"]


@given(
    on_hand=st.integers(min_value=-50, max_value=10_000),
    average=st.integers(min_value=0, max_value=10**7),
    received=st.integers(min_value=1, max_value=10_000),
    cost=st.integers(min_value=0, max_value=10**7),
)
def test_the_average_cost_stays_between_old_and_new_cost(
    on_hand: int, average: int, received: int, cost: int
) -> None:
    new = moving_average_cost(on_hand, average, received, cost)
    assert new >= 0
    if on_hand <= 0:
        assert new == cost
    else:
        assert min(average, cost) <= new <= max(average, cost)


def test_reorder_fills_up_to_the_maximum_or_covers_recent_use() -> None:
    assert reorder_quantity(on_hand=2, min_stock=3, max_stock=12, recent_out=0) == 10
    assert reorder_quantity(on_hand=1, min_stock=3, max_stock=0, recent_out=7) == 9
    assert reorder_quantity(on_hand=5, min_stock=3, max_stock=12, recent_out=7) == 0
    assert reorder_quantity(on_hand=-2, min_stock=2, max_stock=0, recent_out=0) == 5
