"""Loyalty rules: coupon eligibility (every reason), coupon discounts, points earned,
points expiry (oldest first, repeatable), gift card codes and their check digit."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from salon_tui.domain import giftcards
from salon_tui.domain.coupons import (
    CartLine,
    CouponKind,
    CouponState,
    CouponTerms,
    Refusal,
    Scope,
    code_for_serial,
    explain_refusal,
    line_discounts,
    refusal,
    validity,
)
from salon_tui.domain.points import (
    Movement,
    PointsRules,
    expiry_date,
    lots_held,
    next_expiry,
    points_earned,
    points_expiring,
    points_for_cents,
    points_value_cents,
)

TODAY = date(2026, 11, 22)
CUT = CartLine(1, "service", "S01", "剪发", 1, 18_800)
COLOUR = CartLine(2, "service", "S20", "烫染", 1, 48_000)
SHAMPOO = CartLine(3, "product", "P01", "洗护", 2, 9_900)


def terms(**changes: object) -> CouponTerms:
    values: dict[str, object] = {
        "coupon_id": 7,
        "code": code_for_serial(7),
        "kind": CouponKind.AMOUNT_OFF,
        "member_id": 1,
        "state": CouponState.AVAILABLE,
        "valid_from": date(2026, 11, 1),
        "valid_to": date(2026, 12, 31),
        "amount_cents": 5_000,
        "min_spend_cents": 30_000,
    }
    values.update(changes)
    return CouponTerms(**values)  # type: ignore[arg-type]


def why(coupon: CouponTerms, lines=(CUT, COLOUR), member_id=1, today=TODAY, others=()):
    return refusal(
        coupon, member_id=member_id, lines=list(lines), today=today, others_on_sale=others
    )


class TestCouponRefusals:
    def test_a_good_coupon_on_a_qualifying_cart_is_accepted(self) -> None:
        assert why(terms()) is None

    def test_another_members_coupon_is_refused(self) -> None:
        assert why(terms(), member_id=2) is Refusal.NOT_THIS_MEMBERS

    def test_a_walk_in_sale_cannot_take_a_members_coupon(self) -> None:
        assert why(terms(), member_id=None) is Refusal.NOT_THIS_MEMBERS

    def test_a_used_coupon_is_refused(self) -> None:
        assert why(terms(state=CouponState.USED)) is Refusal.ALREADY_USED

    def test_a_cancelled_coupon_is_refused(self) -> None:
        assert why(terms(state=CouponState.VOID)) is Refusal.VOID

    def test_a_coupon_before_its_first_day_is_refused(self) -> None:
        assert why(terms(valid_from=date(2026, 12, 1))) is Refusal.NOT_YET_VALID

    def test_a_coupon_after_its_last_day_is_expired(self) -> None:
        assert why(terms(valid_to=date(2026, 11, 21))) is Refusal.EXPIRED

    def test_the_last_day_still_counts(self) -> None:
        assert why(terms(valid_to=TODAY)) is None

    def test_below_the_threshold_is_refused(self) -> None:
        assert why(terms(), lines=[CUT]) is Refusal.BELOW_THRESHOLD

    def test_the_threshold_counts_only_what_the_coupon_covers(self) -> None:
        products_only = terms(scope=Scope.PRODUCTS, min_spend_cents=20_000)
        assert why(products_only, lines=[CUT, COLOUR, SHAMPOO]) is Refusal.BELOW_THRESHOLD
        assert why(products_only, lines=[COLOUR, SHAMPOO, SHAMPOO]) is None

    def test_a_coupon_for_products_on_a_services_cart_is_out_of_scope(self) -> None:
        assert why(terms(scope=Scope.PRODUCTS)) is Refusal.OUT_OF_SCOPE

    def test_category_scope_matches_the_line_category(self) -> None:
        colour_only = terms(scope=Scope.CATEGORIES, scope_items=("烫染",), min_spend_cents=0)
        assert why(colour_only, lines=[CUT]) is Refusal.OUT_OF_SCOPE
        assert why(colour_only, lines=[CUT, COLOUR]) is None

    def test_service_codes_narrow_the_scope(self) -> None:
        cut_only = terms(scope=Scope.SERVICES, scope_items=("s01",), min_spend_cents=0)
        assert why(cut_only, lines=[COLOUR]) is Refusal.OUT_OF_SCOPE
        assert why(cut_only, lines=[CUT]) is None

    def test_a_second_coupon_is_refused_unless_both_stack(self) -> None:
        first = terms(coupon_id=8, code=code_for_serial(8))
        assert why(terms(), others=[first]) is Refusal.NOT_STACKABLE
        stacking = terms(coupon_id=8, code=code_for_serial(8), stackable=True)
        assert why(terms(stackable=True), others=[stacking]) is None
        assert why(terms(stackable=True), others=[first]) is Refusal.NOT_STACKABLE

    def test_the_same_coupon_twice_on_a_sale_is_refused(self) -> None:
        assert why(terms(stackable=True), others=[terms(stackable=True)]) is Refusal.ALREADY_ON_SALE

    def test_the_usage_limit_reached_refuses(self) -> None:
        assert why(terms(usage_limit=3, times_used=3)) is Refusal.USAGE_LIMIT
        assert why(terms(usage_limit=3, times_used=2)) is None

    def test_the_membership_is_checked_before_the_dates(self) -> None:
        expired_other = terms(valid_to=date(2026, 1, 1))
        assert why(expired_other, member_id=2) is Refusal.NOT_THIS_MEMBERS

    def test_without_a_cart_only_the_coupon_itself_is_checked(self) -> None:
        assert refusal(terms(), member_id=1, lines=None, today=TODAY) is None

    @pytest.mark.parametrize("reason", list(Refusal))
    def test_every_reason_has_its_own_sentence_naming_the_coupon(self, reason: Refusal) -> None:
        coupon = terms()
        text = explain_refusal(reason, coupon, "¥300.00")
        assert coupon.code in text
        others = {explain_refusal(other, coupon, "¥300.00") for other in Refusal if other != reason}
        assert text not in others

    def test_below_threshold_says_the_spend_needed(self) -> None:
        assert "¥300.00" in explain_refusal(Refusal.BELOW_THRESHOLD, terms(), "¥300.00")


class TestCouponDiscounts:
    def test_amount_off_is_spread_over_covered_lines_to_the_fen(self) -> None:
        found = line_discounts(terms(), [CUT, COLOUR])
        assert sum(found.values()) == 5_000  # type: ignore[arg-type]
        assert set(found) == {1, 2}

    def test_percent_off_applies_to_each_covered_line(self) -> None:
        found = line_discounts(
            terms(kind=CouponKind.PERCENT, percent_bp=2_000, scope=Scope.PRODUCTS), [CUT, SHAMPOO]
        )
        assert found == {3: (2_000,)}

    def test_free_item_takes_one_unit_of_the_cheapest_covered_line(self) -> None:
        free = terms(kind=CouponKind.FREE_ITEM, scope=Scope.PRODUCTS, scope_items=("P01",))
        assert line_discounts(free, [CUT, SHAMPOO]) == {3: 9_900}

    def test_a_voucher_never_takes_more_than_the_covered_lines(self) -> None:
        voucher = terms(kind=CouponKind.VOUCHER, amount_cents=50_000, min_spend_cents=0)
        assert sum(line_discounts(voucher, [CUT]).values()) == 18_800  # type: ignore[arg-type]

    def test_days_after_issue_count_the_issue_day(self) -> None:
        assert validity(TODAY, valid_from=None, valid_to=None, valid_days=30) == (
            TODAY,
            date(2026, 12, 21),
        )

    def test_coupon_codes_carry_a_luhn_check_digit(self) -> None:
        code = code_for_serial(42)
        assert code.startswith("66") and len(code) == 12 and luhn.is_valid(code)


RULES = PointsRules(spend_per_point_cents=100, value_per_100_cents=100, expiry_years=1)


class TestPoints:
    def test_one_point_per_yuan_times_the_level_multiplier(self) -> None:
        assert points_earned(12_850, 100, RULES) == 128
        assert points_earned(12_850, 150, RULES) == 192

    def test_nothing_is_earned_on_nothing(self) -> None:
        assert points_earned(0, 150, RULES) == 0
        assert points_earned(-500, 150, RULES) == 0

    def test_points_to_pay_an_amount_round_up(self) -> None:
        half = PointsRules(value_per_100_cents=50)
        assert points_for_cents(101, half) == 202
        assert points_value_cents(202, half) == 101
        assert points_for_cents(1, half) == 2

    def test_points_earned_in_a_year_expire_at_the_end_of_the_next(self) -> None:
        assert expiry_date(date(2025, 3, 1), RULES) == date(2026, 12, 31)
        assert expiry_date(date(2025, 3, 1), PointsRules(expiry_years=0)) is None

    def test_deductions_use_the_oldest_points_first(self) -> None:
        moves = [
            Movement(100, date(2025, 12, 31)),
            Movement(200, date(2026, 12, 31)),
            Movement(-150),
        ]
        assert [(lot.points, lot.expires_on) for lot in lots_held(moves)] == [
            (150, date(2026, 12, 31))
        ]

    def test_an_expiry_run_takes_what_expired_and_a_second_takes_nothing(self) -> None:
        moves = [Movement(100, date(2025, 12, 31)), Movement(50, date(2026, 12, 31)), Movement(-30)]
        due = points_expiring(moves, date(2026, 1, 1))
        assert due == 70
        assert points_expiring([*moves, Movement(-due)], date(2026, 1, 1)) == 0

    def test_points_that_never_expire_are_used_last(self) -> None:
        moves = [Movement(100, None), Movement(100, date(2026, 12, 31)), Movement(-120)]
        assert points_expiring(moves, date(2027, 1, 1)) == 0
        assert next_expiry(moves, TODAY) is None

    def test_the_next_expiry_is_the_soonest_lot(self) -> None:
        moves = [Movement(80, date(2026, 12, 31)), Movement(40, date(2027, 12, 31))]
        assert next_expiry(moves, TODAY) == (80, date(2026, 12, 31))

    @given(st.lists(st.integers(min_value=-500, max_value=500), max_size=40))
    def test_what_is_held_never_goes_negative_nor_above_what_came_in(
        self, changes: list[int]
    ) -> None:
        moves = [Movement(c, date(2026 + i % 3, 12, 31)) for i, c in enumerate(changes)]
        held = sum(lot.points for lot in lots_held(moves))
        assert 0 <= held <= sum(c for c in changes if c > 0)

    def test_bad_rules_are_named(self) -> None:
        assert PointsRules(spend_per_point_cents=0).check()
        assert PointsRules(expiry_years=11).check()
        assert not RULES.check()


class TestGiftCardCodes:
    def test_a_new_code_has_16_digits_and_a_valid_check_digit(self) -> None:
        code = giftcards.new_code()
        assert len(code) == 16 and code.startswith("79") and luhn.is_valid(code)
        assert giftcards.validate_code(giftcards.spaced(code)) == code

    def test_one_wrong_digit_is_caught_by_the_check_digit(self) -> None:
        code = giftcards.new_code(lambda _n: 1234567890123)
        wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
        with pytest.raises(ValueError, match="check digit"):
            giftcards.validate_code(wrong)

    def test_something_that_is_not_a_gift_card_code_says_so(self) -> None:
        with pytest.raises(ValueError, match="not a gift card code"):
            giftcards.validate_code("88000000012")
        with pytest.raises(ValueError, match="Scan or type"):
            giftcards.validate_code("  ")

    def test_expiry_counts_the_day_of_sale(self) -> None:
        assert giftcards.expires_on(TODAY, 365) == date(2027, 11, 21)
        assert giftcards.expires_on(TODAY, None) is None
        assert giftcards.is_expired(date(2026, 11, 21), TODAY)
        assert not giftcards.is_expired(TODAY, TODAY)
