"""Merging two member records of the same person: everything of the second moves to the first.

Each area that keeps rows per member registers a step in ``MERGE_STEPS`` (prepaid moves
its balances, checkout its sales, bookings its appointments). The whole merge is one
transaction and one audit entry with what each step moved; the second member is kept,
archived, pointing at the first, so old references still find the right person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Allergy,
    Card,
    Formula,
    Member,
    MemberLevel,
    MemberLevelChange,
    PatchTest,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.errors import Conflict
from salon_tui.i18n import _
from salon_tui.services import audit, member_search
from salon_tui.services.members import load_member
from salon_tui.services.permissions import require

# (name, step): step(session, keep_id, drop_id) → how many rows it moved.
MergeStep = Callable[[Session, int, int], int]
MERGE_STEPS: list[tuple[str, MergeStep]] = []


def register_merge_step(name: str, step: MergeStep) -> None:
    MERGE_STEPS.append((name, step))


def _move(model: type, session: Session, keep_id: int, drop_id: int) -> int:
    result = session.execute(
        update(model).where(model.member_id == drop_id).values(member_id=keep_id)  # type: ignore[attr-defined]
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _move_cards(session: Session, keep_id: int, drop_id: int) -> int:
    keep_has_active = session.exec(
        select(Card.id).where(col(Card.member_id) == keep_id, col(Card.status) == "active")
    ).first()
    if keep_has_active is not None:
        for card in session.exec(
            select(Card).where(col(Card.member_id) == drop_id, col(Card.status) == "active")
        ):
            card.status = "merged"
            card.closed_at = utc_now()
            session.add(card)
        session.flush()
    return _move(Card, session, keep_id, drop_id)


def _move_referrals(session: Session, keep_id: int, drop_id: int) -> int:
    result = session.execute(
        update(Member)
        .where(col(Member.referrer_id) == drop_id, col(Member.id) != keep_id)
        .values(referrer_id=keep_id)
    )
    session.execute(
        update(Member)
        .where(col(Member.id) == keep_id, col(Member.referrer_id) == drop_id)
        .values(referrer_id=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


register_merge_step("cards", _move_cards)
register_merge_step("allergies", lambda s, k, d: _move(Allergy, s, k, d))
register_merge_step("patch_tests", lambda s, k, d: _move(PatchTest, s, k, d))
register_merge_step("formulas", lambda s, k, d: _move(Formula, s, k, d))
register_merge_step("level_history", lambda s, k, d: _move(MemberLevelChange, s, k, d))
register_merge_step("referrals", _move_referrals)


def _move_bookings(session: Session, keep_id: int, drop_id: int) -> int:
    from salon_tui.services.booking_links import move_member_bookings

    return move_member_bookings(session, keep_id, drop_id)


register_merge_step("bookings", _move_bookings)


def _move_points(session: Session, keep_id: int, drop_id: int) -> int:
    from salon_tui.services.points import merge_points

    return merge_points(session, keep_id, drop_id)


def _move_coupons(session: Session, keep_id: int, drop_id: int) -> int:
    from salon_tui.services.coupons import merge_coupons

    return merge_coupons(session, keep_id, drop_id)


register_merge_step("points", _move_points)
register_merge_step("coupons", _move_coupons)


@dataclass(frozen=True)
class MergeResult:
    kept_id: int
    kept_name: str
    merged_id: int
    moved: dict[str, int]


def _fill_profile(session: Session, actor: Actor, keep: Member, drop: Member) -> list[str]:
    """Fields the kept member lacked, taken from the merged one; the higher level wins."""
    filled: list[str] = []
    if not keep.phone and drop.phone:
        phone, tail = drop.phone, drop.phone_tail
        drop.phone, drop.phone_tail = None, None
        session.add(drop)
        session.flush()  # one phone per active member: free it before it moves
        keep.phone, keep.phone_tail = phone, tail
        filled.append("phone")
    if not keep.birth_month and drop.birth_month:
        keep.birth_year, keep.birth_month, keep.birth_day = (
            drop.birth_year,
            drop.birth_month,
            drop.birth_day,
        )
        filled.append("birthday")
    for field in ("gender", "email", "source"):
        if not getattr(keep, field) and getattr(drop, field):
            setattr(keep, field, getattr(drop, field))
            filled.append(field)
    tags = [tag for tag in keep.tags.split(",") if tag]
    tags += [tag for tag in drop.tags.split(",") if tag and tag not in tags]
    if ",".join(tags) != keep.tags:
        keep.tags = ",".join(tags)
        filled.append("tags")
    for field in ("notes", "preferences"):
        extra = getattr(drop, field)
        if extra and extra not in getattr(keep, field):
            setattr(keep, field, "\n".join(part for part in (getattr(keep, field), extra) if part))
            filled.append(field)
    keep.consent_sms = keep.consent_sms or drop.consent_sms
    keep.consent_email = keep.consent_email or drop.consent_email
    if drop.last_seen_at and (keep.last_seen_at is None or drop.last_seen_at > keep.last_seen_at):
        keep.last_seen_at = drop.last_seen_at
    if drop.level_id and drop.level_id != keep.level_id:
        ranks = {level.id: level.rank for level in session.exec(select(MemberLevel))}
        if keep.level_id is None or ranks.get(drop.level_id, -1) > ranks.get(keep.level_id, -1):
            from salon_tui.services.member_levels import record_level_change

            record_level_change(
                session,
                actor,
                keep,
                drop.level_id,
                _("merged with #{id}").format(id=drop.id),
            )
            filled.append("level")
    return filled


def merge_members(uow: UnitOfWork, actor: Actor, keep_id: int, drop_id: int) -> MergeResult:
    """Move everything of member ``drop_id`` to ``keep_id`` (see module)."""
    require(actor, "member.merge")
    if keep_id == drop_id:
        raise Conflict(_("A member cannot be merged into themselves."))
    with uow.transaction() as session:
        keep = load_member(session, keep_id)
        drop = load_member(session, drop_id)
        if keep.status != "active":
            raise Conflict(
                _("{name} is archived: restore the member to keep before merging.").format(
                    name=keep.name
                )
            )
        if drop.merged_into_id is not None:
            raise Conflict(
                _("{name} was already merged into member #{id}.").format(
                    name=drop.name, id=drop.merged_into_id
                )
            )
        from salon_tui.services.area_hooks import load_area_hooks

        load_area_hooks()
        moved = {name: step(session, keep_id, drop_id) for name, step in MERGE_STEPS}
        filled = _fill_profile(session, actor, keep, drop)
        now = utc_now()
        drop.status = "archived"
        drop.merged_into_id = keep_id
        drop.updated_at = now
        keep.updated_at = now
        session.add_all([keep, drop])
        session.flush()
        member_search.set_archived(session, drop_id, True)
        audit.record(
            session,
            actor,
            "member.merge",
            "member",
            keep_id,
            before={"merged_id": drop_id},
            after={"moved": moved, "filled": sorted(filled)},
        )
        audit.record(
            session, actor, "member.merged_into", "member", drop_id, after={"kept_id": keep_id}
        )
        return MergeResult(keep_id, keep.name, drop_id, moved)
