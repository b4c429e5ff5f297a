"""Commission on a top-up, package or gift card sold at the Cards desk (F7), outside a
sale: the same rules as the same card sold on a sale's line.

The seller earns by the most specific rule for the card's kind (never by a rule for
every kind: that one pays on goods), at their level, as a client's own choice would
be paid (not "requested"); the amount counts in the seller's month for tiered rules,
and a percent rule's tiers read the month as on a sale. Undoing the top-up or
refunding the package's unused uses takes back its part of the commission and of the
month's basis. Entries are written in the action's own transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.bulk import insert_dicts
from salon_tui.data.models import CommissionEntry, CommissionStaffLevel
from salon_tui.domain.clock import utc_now
from salon_tui.domain.commission import choose_rule, line_commission
from salon_tui.i18n import N_, _
from salon_tui.services.commission import (
    _ACTIVE_RULES,
    _month_basis,
    domain_rule,
    post_reversals,
)

CARD_LABELS = {
    "top_up": N_("Top-up at the Cards desk"),
    "package": N_("Package at the Cards desk"),
    "gift_card": N_("Gift card at the Cards desk"),
}


def card_description(kind: str) -> str:
    """What a desk card entry stands for on a statement or an export."""
    return _(CARD_LABELS.get(kind, kind))


def fix_for_card(
    session: Session,
    staff_id: int | None,
    kind: str,
    card_id: int,
    amount_cents: int,
    day: date,
    store_id: int | None,
) -> int:
    """Write the seller's commission on a card sold at the desk; what it pays."""
    if staff_id is None or amount_cents <= 0:
        return 0
    rules = [domain_rule(row) for row in session.exec(_ACTIVE_RULES)]
    if not rules:
        return 0
    level = session.get(CommissionStaffLevel, staff_id)
    rule = choose_rule(rules, level.level if level else "", kind, "", False)
    if rule is None:
        return 0
    earned = line_commission(rule, amount_cents, 1, _month_basis(session, staff_id, day))
    now = utc_now()
    base: dict[str, Any] = {
        "staff_id": staff_id,
        "sale_id": None,
        "sale_line_id": None,
        "card_kind": kind,
        "card_id": card_id,
        "store_id": store_id,
        "refund_id": None,
        "rule_id": rule.id,
        "business_day": day,
        "created_at": now,
    }
    entries = [
        {
            **base,
            "kind": "line",
            "basis_cents": amount_cents,
            "rate_bp": earned.rate_bp,
            "amount_cents": earned.amount_cents,
            "explanation": rule.name,
        }
    ]
    if earned.top_up_cents:
        entries.append(
            {
                **base,
                "kind": "tier_top_up",
                "basis_cents": 0,
                "rate_bp": earned.top_up_rate_bp,
                "amount_cents": earned.top_up_cents,
                "explanation": _("Tier reached: {rule}").format(rule=rule.name),
            }
        )
    insert_dicts(session, CommissionEntry, entries)
    session.flush()
    return earned.amount_cents + earned.top_up_cents


def reverse_for_card(
    session: Session,
    kind: str,
    card_id: int,
    returned_cents: int,
    sold_cents: int,
    day: date,
    store_id: int | None,
) -> int:
    """Take back the part ``returned_cents`` of ``sold_cents`` of a desk card's
    commission and basis (all of it for an undone top-up); the (negative) total."""
    earned = session.exec(
        select(CommissionEntry).where(
            col(CommissionEntry.card_kind) == kind,
            col(CommissionEntry.card_id) == card_id,
            col(CommissionEntry.kind) == "line",
        )
    ).all()
    if not earned or sold_cents <= 0 or returned_cents <= 0:
        return 0
    return post_reversals(
        session,
        earned,
        (returned_cents, sold_cents, 0),
        day,
        card_kind=kind,
        card_id=card_id,
        store_id=store_id,
    )
