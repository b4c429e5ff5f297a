"""The loyalty report: what points, vouchers and gift cards the shop owes at the end of
a period, and how each moved during it.

Points are owed at their redemption value; unused, unexpired vouchers (代金券) at face
value (other coupons are discounts, not money owed); gift cards at what is left on
them. Every figure is a sum over an append-only ledger up to the end of the period's
last day, so a past date gives what was owed then.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from salon_tui.data.models import GiftCardEntry, PointsEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, day_bounds_utc
from salon_tui.domain.points import ENTRY_LABELS, points_value_cents
from salon_tui.i18n import N_, _
from salon_tui.services import coupons, gift_cards, points, settings
from salon_tui.services.reports import (
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)


def _points_moves(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    rows = session.exec(
        select(PointsEntry.kind, func.sum(PointsEntry.points))
        .where(col(PointsEntry.at) >= start, col(PointsEntry.at) < end)
        .group_by(col(PointsEntry.kind))
    ).all()
    return {kind: int(total or 0) for kind, total in rows}


def _gift_moves(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    rows = session.exec(
        select(GiftCardEntry.kind, func.sum(GiftCardEntry.amount_cents))
        .where(col(GiftCardEntry.at) >= start, col(GiftCardEntry.at) < end)
        .group_by(col(GiftCardEntry.kind))
    ).all()
    return {kind: int(total or 0) for kind, total in rows}


def owed_at(session: Session, at: datetime) -> list[dict[str, Any]]:
    """The loyalty lines of what the shop owes at ``at``: item, count, amount."""
    zone = settings.load_shop_settings(session).timezone
    day = business_date(at - timedelta(microseconds=1), zone)
    held, value = points.points_outstanding(session, at)
    vouchers, face = coupons.vouchers_outstanding(session, day, at)
    cards = gift_cards.totals(session, at)
    return [
        {"item": _("Points (at redemption value)"), "count": held, "amount": value},
        {"item": _("Vouchers unused (face value)"), "count": vouchers, "amount": face},
        {
            "item": _("Gift cards outstanding"),
            "count": cards.cards_outstanding,
            "amount": cards.outstanding_cents,
        },
    ]


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    start, _end = day_bounds_utc(period.start, shop.timezone)
    _start, end = day_bounds_utc(period.end, shop.timezone)
    with uow.read() as session:
        owed = owed_at(session, end)
        moves = _points_moves(session, start, end)
        gifts = _gift_moves(session, start, end)
        rules = points.load_rules(session)
        cards_before = gift_cards.totals(session, start)
        cards_after = gift_cards.totals(session, end)
    point_rows = [
        {
            "kind": _(ENTRY_LABELS.get(kind, kind)),
            "points": total,
            "amount": points_value_cents(abs(total), rules) * (1 if total >= 0 else -1),
        }
        for kind, total in sorted(moves.items())
        if total
    ]
    gift_rows = [
        {"item": _("Outstanding at the start"), "amount": cards_before.outstanding_cents},
        {"item": _("Sold"), "amount": gifts.get("sold", 0)},
        {"item": _("Spent"), "amount": gifts.get("spent", 0)},
        {"item": _("Given back by refunds"), "amount": gifts.get("returned", 0)},
        {"item": _("Refunded with its sale"), "amount": gifts.get("refunded", 0)},
        {"item": _("Refunded at the desk"), "amount": gifts.get("paid_back", 0)},
        {"item": _("Expired"), "amount": gifts.get("expired", 0)},
        {"item": _("Outstanding at the end"), "amount": cards_after.outstanding_cents},
    ]
    return ReportResult(
        name="loyalty",
        title=_("Loyalty: points, vouchers and gift cards owed"),
        period=period,
        currency=shop.currency,
        sections=(
            Section(
                "owed",
                _("Owed at the end of {day}").format(day=period.end.isoformat()),
                (
                    ReportColumn("item", _("Item"), Kind.TEXT),
                    ReportColumn("count", _("Count"), Kind.INT),
                    ReportColumn("amount", _("Amount"), Kind.MONEY),
                ),
                owed,
            ),
            Section(
                "points",
                _("Points moved in the period"),
                (
                    ReportColumn("kind", _("What"), Kind.TEXT),
                    ReportColumn("points", _("Points"), Kind.INT),
                    ReportColumn("amount", _("Money value"), Kind.MONEY),
                ),
                point_rows,
            ),
            Section(
                "gift_cards",
                _("Gift cards in the period"),
                (
                    ReportColumn("item", _("Item"), Kind.TEXT),
                    ReportColumn("amount", _("Amount"), Kind.MONEY),
                ),
                gift_rows,
            ),
        ),
        notes=(
            _(
                "Points count at what they are worth when redeemed today; vouchers at face "
                "value while unused and unexpired; other coupons are discounts, not money owed. "
                "Gift card sales are not revenue: they are owed to the card's holder until spent."
            ),
        ),
    )


register(
    ReportSpec(
        name="loyalty",
        title=N_("Loyalty: points, vouchers and gift cards owed"),
        description=N_(
            "What the shop owes in points, vouchers and gift cards at a date, and how they moved."
        ),
        permission="reports.loyalty",
        build=build,
        chain_wide_because=N_("points belong to members of the whole chain"),
    )
)
