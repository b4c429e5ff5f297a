"""One member's history in time order, gathered from every area that registers a source.

A source is ``(session, member_id) → events``. Members provides profile changes, cards,
level changes and safety records (from the audit log and the level history); checkout,
bookings and prepaid add visits, sales, appointments and ledger entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from salon_tui.data.models import AuditEntry, Card, ImportBatch, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.i18n import N_, _
from salon_tui.services.member_levels import level_history
from salon_tui.services.members import load_member
from salon_tui.services.permissions import require


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # profile, card, level, safety … (areas add theirs)
    text: str
    staff: str = ""


TimelineSource = Callable[[Session, int], Iterable[TimelineEvent]]
TIMELINE_SOURCES: list[TimelineSource] = []

# Kinds of entry only some roles may see (a stylist sees no money); an area adding a kind
# that shows money or other people's work adds it here.
KIND_PERMISSIONS: dict[str, str] = {
    "sale": "sales.view",
    "prepaid": "prepaid.view",
    "points": "points.view",
    "coupon": "coupon.view",
    "rating": "ratings.view_all",
}

ACTION_TEXT = {
    "member.add": ("profile", N_("Became a member")),
    "member.edit": ("profile", N_("Profile changed: {fields}")),
    "member.archive": ("profile", N_("Archived")),
    "member.restore": ("profile", N_("Restored")),
    "member.merge": ("profile", N_("Merged with member #{merged_id}")),
    "member.merged_into": ("profile", N_("Merged into member #{kept_id}")),
    "member.erase": ("profile", N_("Personal data erased")),
    "card.issue": ("card", N_("Card {card} issued")),
    "card.lost": ("card", N_("Card {card} reported lost")),
    "card.replace": ("card", N_("Card replaced by {card}")),
    "card.close": ("card", N_("Card {card} closed")),
    "member.allergy_add": ("safety", N_("Allergy recorded")),
    "member.allergy_remove": ("safety", N_("Allergy removed")),
    "member.patch_test": ("safety", N_("Patch test: {result}")),
    "member.formula": ("safety", N_("Formula recorded")),
}


def _audit_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    rows = session.exec(
        select(AuditEntry).where(
            col(AuditEntry.entity) == "member", col(AuditEntry.entity_id) == str(member_id)
        )
    )
    seen: set[str] = set()
    for row in rows:
        known = ACTION_TEXT.get(row.action)
        if known is None:
            continue
        seen.add(row.action.partition(".")[0] if row.action.startswith("card.") else row.action)
        kind, template = known
        values = {**json.loads(row.before), **json.loads(row.after)}
        values["fields"] = ", ".join(_(name) for name in values.get("changed", []))
        try:
            text = _(template).format(**values)
        except (KeyError, IndexError):
            text = _(template)
        at = datetime.fromisoformat(row.at.replace("Z", "+00:00")).astimezone(UTC)
        yield TimelineEvent(at, kind, text, row.staff_name)
    # Members and cards written in bulk (the demo, an older import) have no entry each:
    # their joining and cards come from the rows themselves.
    if "member.add" not in seen:
        member = load_member(session, member_id)
        if member.import_batch_id is None:  # an import's members: see _import_events
            yield TimelineEvent(member.created_at, "profile", _("Became a member"))
    if "card" not in seen:
        yield from _card_rows(session, member_id)


def _card_rows(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.data.models import Card

    cards = list(session.exec(select(Card).where(col(Card.member_id) == member_id)))
    replaced = {card.replaced_by_id: card for card in cards if card.replaced_by_id is not None}
    for card in cards:
        old = replaced.get(card.id) if card.id is not None else None
        if old is not None:
            text = _("Card {old} replaced by {new}").format(old=old.number, new=card.number)
        elif card.import_batch_id is not None:
            text = ""  # issued by an import: see _import_events
        else:
            text = _("Card {card} issued").format(card=card.number)
        if text:
            yield TimelineEvent(card.issued_at, "card", text)
        if card.status == "lost" and card.closed_at is not None:
            yield TimelineEvent(
                card.closed_at, "card", _("Card {card} reported lost").format(card=card.number)
            )


def _import_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    """A member an import added, and the card it issued: what the audit log says of a
    member added in the shop, from the import's batch (the import is audited once)."""
    joined = session.exec(
        select(ImportBatch.at, ImportBatch.staff_name)
        .join(Member, col(Member.import_batch_id) == col(ImportBatch.id))
        .where(col(Member.id) == member_id)
    ).first()
    if joined is not None:
        yield TimelineEvent(joined[0], "profile", _("Became a member"), joined[1])
    cards = session.exec(
        select(Card.number, ImportBatch.at, ImportBatch.staff_name)
        .join(ImportBatch, col(Card.import_batch_id) == col(ImportBatch.id))
        .where(col(Card.member_id) == member_id)
    )
    for number, at, staff in cards:
        yield TimelineEvent(at, "card", _("Card {card} issued").format(card=number), staff)


def _level_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    for change in level_history(session, member_id):
        text = _("Level {old} → {new} ({reason})").format(
            old=change.from_level or "—", new=change.to_level or "—", reason=change.reason
        )
        yield TimelineEvent(change.at, "level", text)


def _booking_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.services.booking_links import member_booking_events

    for at, text, staff in member_booking_events(session, member_id):
        yield TimelineEvent(at, "booking", text, staff)


def _sale_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    """Each paid visit (its number, total, what was done and by whom) and each refund."""
    from salon_tui.data.models import Refund, Sale, SaleLine, SaleLineStaff, Staff
    from salon_tui.domain.sales import COUNTED_STATUSES
    from salon_tui.services.stored_value import shop_money

    sales = list(
        session.exec(
            select(Sale).where(
                col(Sale.member_id) == member_id, col(Sale.status).in_(COUNTED_STATUSES)
            )
        )
    )
    if not sales:
        return
    sale_ids = [sale.id for sale in sales]
    items: dict[int, list[str]] = {}
    line_sale: dict[int, int] = {}
    for line in session.exec(
        select(SaleLine)
        .where(col(SaleLine.sale_id).in_(sale_ids))
        .order_by(col(SaleLine.sale_id), col(SaleLine.position))
    ):
        items.setdefault(line.sale_id, []).append(line.description)
        line_sale[line.id or 0] = line.sale_id
    names = {staff.id: staff.name for staff in session.exec(select(Staff))}
    by: dict[int, list[str]] = {}
    for share in session.exec(
        select(SaleLineStaff).where(col(SaleLineStaff.line_id).in_(list(line_sale)))
    ):
        people = by.setdefault(line_sale[share.line_id], [])
        name = names.get(share.staff_id, "")
        if name and name not in people:
            people.append(name)
    for sale in sales:
        if sale.paid_at is None or sale.id is None:
            continue
        text = _("Visit {number} {amount}: {items}").format(
            number=sale.number or "",
            amount=shop_money(session, sale.total_cents),
            items=", ".join(items.get(sale.id, [])),
        )
        yield TimelineEvent(sale.paid_at, "sale", text, ", ".join(by.get(sale.id, [])))
    numbers = {sale.id: sale.number or "" for sale in sales}
    for refund in session.exec(select(Refund).where(col(Refund.sale_id).in_(sale_ids))):
        text = _("Refund {number} of {sale} {amount}: {reason}").format(
            number=refund.number,
            sale=numbers.get(refund.sale_id, ""),
            amount=shop_money(session, refund.amount_cents),
            reason=refund.reason,
        )
        yield TimelineEvent(
            refund.refunded_at, "sale", text, names.get(refund.refunded_by, "") or ""
        )


def _points_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.services.points import timeline_events

    return timeline_events(session, member_id)


def _coupon_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.services.coupons import timeline_events

    return timeline_events(session, member_id)


TIMELINE_SOURCES.extend(
    [
        _audit_events,
        _import_events,
        _level_events,
        _sale_events,
        _booking_events,
        _points_events,
        _coupon_events,
    ]
)


def member_timeline(uow: UnitOfWork, actor: Actor, member_id: int) -> list[TimelineEvent]:
    """Everything known about a member that ``actor`` may see, newest first."""
    require(actor, "member.view")
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    with uow.read() as session:
        load_member(session, member_id)
        events = [
            event
            for source in TIMELINE_SOURCES
            for event in source(session, member_id)
            if event.kind not in KIND_PERMISSIONS or actor.can(KIND_PERMISSIONS[event.kind])
        ]
    return sorted(events, key=lambda event: event.at, reverse=True)
