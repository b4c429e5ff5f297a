"""Commission rules as data: which rule applies to a line, and what it pays.

A rule matches a person's level, the line's kind and category, and whether the client
asked for that person (requested) or took the next in rotation. Selling a top-up, a
package or a gift card earns only by a rule for that kind. The most specific
matching rule wins. Percent rules may have monthly tiers on the person's basis: in
``above`` mode each bracket pays its rate only on the part of the month above its
threshold; in ``whole`` mode reaching a bracket pays its rate on the whole month, so
the line that crosses a threshold also tops up what the month paid before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from salon_tui.domain.money import percent_of
from salon_tui.domain.sales import is_card_sale
from salon_tui.i18n import N_


class CommissionMethod(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class TierMode(StrEnum):
    ABOVE = "above"
    WHOLE = "whole"


TIER_MODE_LABELS = {
    TierMode.ABOVE: N_("only above the threshold"),
    TierMode.WHOLE: N_("on the whole month"),
}


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    method: CommissionMethod
    rate_bp: int = 0
    fixed_cents: int = 0
    staff_level: str = ""
    line_kind: str = ""
    category: str = ""
    requested: bool | None = None
    tier_mode: TierMode = TierMode.ABOVE
    # (threshold_cents, rate_bp) brackets above the base rate, thresholds increasing.
    tiers: tuple[tuple[int, int], ...] = ()

    def matches(self, staff_level: str, line_kind: str, category: str, requested: bool) -> bool:
        """Whether the rule pays on such a line. A top-up, a package or a gift card is
        paid only by a rule naming its kind (a rule for every kind means goods)."""
        if self.line_kind:
            kind_matches = self.line_kind == line_kind
        else:
            kind_matches = not is_card_sale(line_kind)
        return (
            (not self.staff_level or self.staff_level == staff_level)
            and kind_matches
            and (not self.category or self.category == category)
            and (self.requested is None or self.requested == requested)
        )

    @property
    def specificity(self) -> int:
        return sum(
            (
                bool(self.staff_level),
                bool(self.line_kind),
                bool(self.category) * 2,
                self.requested is not None,
            )
        )

    def rate_at(self, month_basis_cents: int) -> int:
        """The rate of the bracket a month's basis has reached."""
        rate = self.rate_bp
        for threshold, tier_rate in self.tiers:
            if month_basis_cents >= threshold:
                rate = tier_rate
        return rate


def choose_rule(
    rules: Sequence[Rule], staff_level: str, line_kind: str, category: str, requested: bool
) -> Rule | None:
    """The most specific matching rule (the oldest among equals), or None."""
    matching = [rule for rule in rules if rule.matches(staff_level, line_kind, category, requested)]
    if not matching:
        return None
    return min(matching, key=lambda rule: (-rule.specificity, rule.id))


@dataclass(frozen=True)
class LineCommission:
    amount_cents: int  # what this line pays
    rate_bp: int  # the rate used (0 for fixed)
    top_up_cents: int = 0  # whole-mode: raise on the month's earlier basis
    top_up_rate_bp: int = 0


def validate_tiers(tiers: Sequence[tuple[int, int]]) -> str | None:
    """A problem with the brackets, or None: thresholds rise, rates are 0–100 %."""
    previous = 0
    for threshold, rate in tiers:
        if threshold <= previous:
            return N_("Tier thresholds must be above zero and rise from one tier to the next.")
        if not 0 <= rate <= 10_000:
            return N_("A commission rate is between 0 % and 100 %.")
        previous = threshold
    return None


def line_commission(
    rule: Rule, basis_cents: int, qty_share_units: int, month_basis_before_cents: int
) -> LineCommission:
    """What a person earns on their part of one line.

    ``basis_cents`` is their share of the line's net amount; ``qty_share_units`` the
    units of a fixed rule they are paid for (already split by share by the caller);
    ``month_basis_before_cents`` their basis earlier in the same month.
    """
    if rule.method is CommissionMethod.FIXED:
        return LineCommission(rule.fixed_cents * qty_share_units, 0)
    if not rule.tiers or basis_cents <= 0:
        rate = rule.rate_at(month_basis_before_cents)
        return LineCommission(percent_of(basis_cents, rate), rate)
    before = month_basis_before_cents
    after = before + basis_cents
    if rule.tier_mode is TierMode.WHOLE:
        old_rate = rule.rate_at(before)
        new_rate = rule.rate_at(after)
        top_up = percent_of(before, new_rate - old_rate) if new_rate > old_rate else 0
        return LineCommission(
            percent_of(basis_cents, new_rate), new_rate, top_up, new_rate - old_rate
        )
    # ABOVE: walk the brackets the line spans, paying each part at its own rate.
    edges = [(0, rule.rate_bp), *rule.tiers]
    exact_total = 0
    for index, (start, rate) in enumerate(edges):
        end = edges[index + 1][0] if index + 1 < len(edges) else None
        low = max(before, start)
        high = after if end is None else min(after, end)
        if high > low:
            exact_total += (high - low) * rate
    amount = percent_of(exact_total, 1) if exact_total else 0
    effective_rate = exact_total // basis_cents
    return LineCommission(amount, effective_rate)
