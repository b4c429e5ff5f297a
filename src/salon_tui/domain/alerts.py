"""Alerts: the rules that flag unusual activity for a manager to review.

The shop sets each rule (zero turns an amount rule off). The rules are pure: given what
happened and the shop's rules, they say which flags to raise and why; the service
(services/alerts.py) gathers the facts inside the action's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from salon_tui.domain.bookings import DayHours
from salon_tui.i18n import N_


class AlertKind(StrEnum):
    LARGE_SALE = "large_sale"
    LARGE_TOP_UP = "large_top_up"
    CARD_BURST = "card_burst"
    LARGE_REFUND = "large_refund"
    BIG_DISCOUNT = "big_discount"
    OUTSIDE_HOURS = "outside_hours"
    MANUAL_BALANCE = "manual_balance"


ALERT_KIND_LABELS: dict[AlertKind, str] = {
    AlertKind.LARGE_SALE: N_("Large sale"),
    AlertKind.LARGE_TOP_UP: N_("Large top-up"),
    AlertKind.CARD_BURST: N_("Card used again and again"),
    AlertKind.LARGE_REFUND: N_("Large refund"),
    AlertKind.BIG_DISCOUNT: N_("Large manual discount"),
    AlertKind.OUTSIDE_HOURS: N_("Outside opening hours"),
    AlertKind.MANUAL_BALANCE: N_("Balance changed by hand"),
}

# Ceiling for amount rules: ¥1,000,000 in fen.
MAX_LIMIT_CENTS = 100_000_000


@dataclass(frozen=True)
class AlertRules:
    """The shop's alert rules. Amounts in minor units; 0 turns that rule off."""

    sale_above_cents: int = 300_000
    top_up_above_cents: int = 1_000_000
    refund_above_cents: int = 50_000
    # A manual discount (line, sale, or a lowered price) above this share of the
    # sale's list price, in basis points (3000 = 30 %); 0 is off.
    manual_discount_above_bp: int = 3_000
    # One member's card paying this many sales within the window; 0 is off.
    card_uses: int = 3
    card_window_minutes: int = 30
    outside_hours: bool = True
    manual_balance_changes: bool = True


def over_limit(amount_cents: int, limit_cents: int) -> bool:
    """An amount rule fires when it is on and the amount is above it."""
    return limit_cents > 0 and amount_cents > limit_cents


def share_bp(part_cents: int, whole_cents: int) -> int:
    """``part`` as basis points of ``whole`` (rounded down); 0 for an empty whole."""
    if whole_cents <= 0:
        return 0
    return part_cents * 10_000 // whole_cents


def discount_too_big(manual_cents: int, list_cents: int, rules: AlertRules) -> bool:
    if rules.manual_discount_above_bp <= 0 or manual_cents <= 0:
        return False
    return share_bp(manual_cents, list_cents) > rules.manual_discount_above_bp


def is_outside_hours(moment: time, hours: DayHours | None) -> bool:
    """Whether a wall-clock moment falls outside the day's opening hours (closed = outside).

    A break inside the day is not "outside": the shop is open, the desk just quieter.
    """
    if hours is None:
        return True
    return not hours.start <= moment < hours.end


def is_burst(paid_at: Iterable[datetime], now: datetime, rules: AlertRules) -> bool:
    """Whether a card paid ``card_uses`` sales or more within the window ending ``now``."""
    if rules.card_uses <= 0 or rules.card_window_minutes <= 0:
        return False
    since = now - timedelta(minutes=rules.card_window_minutes)
    return sum(1 for moment in paid_at if since <= moment <= now) >= rules.card_uses
