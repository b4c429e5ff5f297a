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

from salon_tui.data.models import AuditEntry
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
    for row in rows:
        known = ACTION_TEXT.get(row.action)
        if known is None:
            continue
        kind, template = known
        values = {**json.loads(row.before), **json.loads(row.after)}
        values["fields"] = ", ".join(_(name) for name in values.get("changed", []))
        try:
            text = _(template).format(**values)
        except (KeyError, IndexError):
            text = _(template)
        at = datetime.fromisoformat(row.at.replace("Z", "+00:00")).astimezone(UTC)
        yield TimelineEvent(at, kind, text, row.staff_name)


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


def _points_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.services.points import timeline_events

    return timeline_events(session, member_id)


def _coupon_events(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.services.coupons import timeline_events

    return timeline_events(session, member_id)


TIMELINE_SOURCES.extend(
    [_audit_events, _level_events, _booking_events, _points_events, _coupon_events]
)


def member_timeline(uow: UnitOfWork, actor: Actor, member_id: int) -> list[TimelineEvent]:
    """Everything known about a member, newest first."""
    require(actor, "member.view")
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    with uow.read() as session:
        load_member(session, member_id)
        events = [event for source in TIMELINE_SOURCES for event in source(session, member_id)]
    return sorted(events, key=lambda event: event.at, reverse=True)
