"""Points (积分): earn on sales, redeem as money off a sale, adjust by hand, expire.

Every change is a ``points_entry`` row and a conditional update of the member's cached
balance in the same transaction (``… WHERE balance + :delta >= 0``), so two terminals
cannot both spend the last points. Earning and its reversal run inside checkout's
transaction (``services.loyalty_checkout``); everything else is one action each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from salon_tui.data.models import Member, MemberLevel, PointsAccount, PointsEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.points import (
    ENTRY_LABELS,
    POINTS_MAX,
    EntryKind,
    Movement,
    PointsRules,
    next_expiry,
    points_expiring,
    points_value_cents,
)
from salon_tui.errors import Conflict, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.idempotency import run_once
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting, write_setting

RULES_KEY = "loyalty.points_rules"


@dataclass(frozen=True)
class PointsEntryView:
    id: int
    kind: str
    label: str
    points: int
    expires_on: date | None
    amount_cents: int
    sale_id: int | None
    reason: str
    at: datetime


@dataclass(frozen=True)
class PointsBalance:
    member_id: int
    points: int
    value_cents: int
    next_expiring: int
    next_expiry_day: date | None


@dataclass(frozen=True)
class ExpiryRun:
    day: date
    members: int
    points: int


# --- rules ---------------------------------------------------------------------------


def load_rules(session: Session) -> PointsRules:
    stored = dict(read_setting(session, RULES_KEY, {}))
    if "excluded_categories" in stored:
        stored["excluded_categories"] = tuple(stored["excluded_categories"])
    known = {
        name: value for name, value in stored.items() if name in PointsRules.__dataclass_fields__
    }
    return replace(PointsRules(), **known)


def get_rules(uow: UnitOfWork) -> PointsRules:
    with uow.read() as session:
        return load_rules(session)


def set_rules(uow: UnitOfWork, actor: Actor, **changes: Any) -> PointsRules:
    """Change the points rules (spend per point, value of 100 points, expiry, excluded
    categories); refused as a whole when any value is out of range. Audited."""
    require(actor, "points.rules")
    unknown = set(changes) - set(PointsRules.__dataclass_fields__)
    if unknown:
        raise ValidationError(_("Unknown points rule: {names}.").format(names=", ".join(unknown)))
    if "excluded_categories" in changes:
        changes["excluded_categories"] = tuple(
            dict.fromkeys(
                " ".join(str(name).split())
                for name in changes["excluded_categories"]
                if str(name).strip()
            )
        )
    with uow.transaction() as session:
        before = load_rules(session)
        rules = replace(before, **changes)
        problems = rules.check()
        if problems:
            raise ValidationError(_(problems[0]))
        stored = asdict(rules)
        stored["excluded_categories"] = list(rules.excluded_categories)
        write_setting(session, RULES_KEY, stored)
        audit.record(
            session,
            actor,
            "points.rules",
            "setting",
            RULES_KEY,
            before={**asdict(before), "excluded_categories": list(before.excluded_categories)},
            after=stored,
        )
        return rules


# --- the ledger ----------------------------------------------------------------------


def _ensure_account(session: Session, member_id: int) -> None:
    dialect = session.get_bind().dialect.name
    values = {"member_id": member_id, "balance": 0, "updated_at": utc_now()}
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(PointsAccount).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(PointsAccount).values(**values).on_conflict_do_nothing())


def add_entry(
    session: Session,
    actor: Actor,
    member_id: int,
    kind: str,
    points: int,
    *,
    expires_on: date | None = None,
    amount_cents: int = 0,
    sale_id: int | None = None,
    refund_id: int | None = None,
    reason: str = "",
) -> PointsEntry:
    """Append one entry and move the cached balance with it, inside the caller's
    transaction; refuses (``Conflict``) when the balance would go below zero."""
    _ensure_account(session, member_id)
    result = session.execute(
        update(PointsAccount)
        .where(
            col(PointsAccount.member_id) == member_id,
            col(PointsAccount.balance) + points >= 0,
        )
        .values(balance=col(PointsAccount.balance) + points, updated_at=utc_now())
    )
    if int(result.rowcount or 0) != 1:  # type: ignore[attr-defined]
        held = balance_in(session, member_id)
        raise Conflict(
            _("Not enough points: {held} held, {needed} needed.").format(held=held, needed=-points)
        )
    entry = PointsEntry(
        member_id=member_id,
        kind=kind,
        points=points,
        expires_on=expires_on,
        amount_cents=amount_cents,
        sale_id=sale_id,
        refund_id=refund_id,
        reason=reason[:200],
        staff_id=actor.staff_id,
        at=utc_now(),
    )
    session.add(entry)
    session.flush()
    return entry


def balance_in(session: Session, member_id: int) -> int:
    held = session.exec(
        select(PointsAccount.balance).where(col(PointsAccount.member_id) == member_id)
    ).first()
    return int(held or 0)


def _movements(session: Session, member_id: int) -> list[Movement]:
    rows = session.exec(
        select(col(PointsEntry.points), col(PointsEntry.expires_on))
        .where(col(PointsEntry.member_id) == member_id)
        .order_by(col(PointsEntry.id))
    ).all()
    return [Movement(int(points), expires) for points, expires in rows]


def multiplier_pct(session: Session, member_id: int) -> int:
    member = session.get(Member, member_id)
    if member is None or member.level_id is None:
        return 100
    level = session.get(MemberLevel, member.level_id)
    return level.points_multiplier_pct if level is not None and level.active else 100


# --- reading -------------------------------------------------------------------------


def balance_view(session: Session, member_id: int) -> PointsBalance:
    held = balance_in(session, member_id)
    rules = load_rules(session)
    upcoming = next_expiry(_movements(session, member_id), shop_today(session)) if held else None
    return PointsBalance(
        member_id=member_id,
        points=held,
        value_cents=points_value_cents(held, rules),
        next_expiring=upcoming[0] if upcoming else 0,
        next_expiry_day=upcoming[1] if upcoming else None,
    )


def get_balance(uow: UnitOfWork, actor: Actor, member_id: int) -> PointsBalance:
    """A member's points, what they are worth, and the next points to expire."""
    require(actor, "points.view")
    with uow.read() as session:
        load_member(session, member_id)
        return balance_view(session, member_id)


def entry_view(entry: PointsEntry) -> PointsEntryView:
    return PointsEntryView(
        id=entry.id or 0,
        kind=entry.kind,
        label=_(ENTRY_LABELS.get(entry.kind, entry.kind)),
        points=entry.points,
        expires_on=entry.expires_on,
        amount_cents=entry.amount_cents,
        sale_id=entry.sale_id,
        reason=entry.reason,
        at=entry.at,
    )


def history(
    uow: UnitOfWork, actor: Actor, member_id: int, limit: int = 200
) -> list[PointsEntryView]:
    """A member's points entries, newest first."""
    require(actor, "points.view")
    with uow.read() as session:
        load_member(session, member_id)
        rows = session.exec(
            select(PointsEntry)
            .where(col(PointsEntry.member_id) == member_id)
            .order_by(col(PointsEntry.id).desc())
            .limit(limit)
        ).all()
        return [entry_view(row) for row in rows]


# --- actions -------------------------------------------------------------------------


def adjust(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    points: int,
    reason: str,
    *,
    key: str | None = None,
) -> PointsBalance:
    """Add (positive) or take off (negative) points by hand, with a reason; never below
    zero. Added points expire like earned ones. Audited; ``key`` makes a retry act once."""
    require(actor, "points.adjust")
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")
    if len(cleaned) > 200:
        raise ValidationError(_("That is too long: at most 200 characters."), field="reason")
    if points == 0:
        raise ValidationError(_("Give a number of points other than zero."), field="points")
    if abs(points) > POINTS_MAX:
        raise ValidationError(_("That many points is surely a typing slip."), field="points")

    def body(session: Session) -> PointsBalance:
        load_member(session, member_id)
        from salon_tui.domain.points import expiry_date

        expires = expiry_date(shop_today(session), load_rules(session)) if points > 0 else None
        before = balance_in(session, member_id)
        add_entry(
            session, actor, member_id, EntryKind.ADJUST, points, expires_on=expires, reason=cleaned
        )
        audit.record(
            session,
            actor,
            "points.adjust",
            "member",
            member_id,
            before={"points": before},
            after={"points": before + points, "change": points, "reason": cleaned},
        )
        return balance_view(session, member_id)

    if key is None:
        with uow.transaction() as session:
            return body(session)
    return run_once(
        uow,
        key,
        "points.adjust",
        body,
        lambda view: {
            **asdict(view),
            "next_expiry_day": view.next_expiry_day and view.next_expiry_day.isoformat(),
        },
        lambda stored: PointsBalance(
            **{
                **stored,
                "next_expiry_day": date.fromisoformat(stored["next_expiry_day"])
                if stored["next_expiry_day"]
                else None,
            }
        ),
    )


def expire_points(uow: UnitOfWork, actor: Actor, today: date | None = None) -> ExpiryRun:
    """Take off every point whose last day is before ``today`` (default: the shop's
    today). Running it again takes nothing more: expiry uses the oldest points first."""
    require(actor, "points.expire")
    with uow.transaction() as session:
        day = today or shop_today(session)
        holders = [
            int(member_id)
            for member_id in session.exec(
                select(PointsAccount.member_id).where(col(PointsAccount.balance) > 0)
            ).all()
        ]
        by_member: dict[int, list[Movement]] = defaultdict(list)
        for chunk_start in range(0, len(holders), 500):
            chunk = holders[chunk_start : chunk_start + 500]
            rows = session.exec(
                select(
                    col(PointsEntry.member_id), col(PointsEntry.points), col(PointsEntry.expires_on)
                )
                .where(col(PointsEntry.member_id).in_(chunk))
                .order_by(col(PointsEntry.member_id), col(PointsEntry.id))
            ).all()
            for member_id, points, expires in rows:
                by_member[int(member_id)].append(Movement(int(points), expires))
        members = 0
        total = 0
        for member_id in holders:
            due = points_expiring(by_member[member_id], day)
            if due <= 0:
                continue
            due = min(due, balance_in(session, member_id))
            add_entry(
                session,
                actor,
                member_id,
                EntryKind.EXPIRE,
                -due,
                reason=_("Expired before {day}").format(day=day.isoformat()),
            )
            members += 1
            total += due
        audit.record(
            session,
            actor,
            "points.expire",
            "points",
            day.isoformat(),
            after={"members": members, "points": total},
        )
        return ExpiryRun(day, members, total)


# --- checks, merge, timeline, liabilities ----------------------------------------------


def check_points_ledger(session: Session) -> list[str]:
    """Each member's cached balance equals the sum of their entries, and none is negative."""
    sums = dict(
        session.exec(
            select(PointsEntry.member_id, func.sum(PointsEntry.points)).group_by(
                col(PointsEntry.member_id)
            )
        ).all()
    )
    problems = []
    for member_id, held in session.exec(select(PointsAccount.member_id, PointsAccount.balance)):
        ledger = int(sums.pop(member_id, 0) or 0)
        if held != ledger:
            problems.append(
                _("Member #{id}: points balance {held} but the entries add up to {ledger}.").format(
                    id=member_id, held=held, ledger=ledger
                )
            )
        if held < 0:
            problems.append(_("Member #{id} has negative points.").format(id=member_id))
    for member_id, ledger in sums.items():
        if ledger:
            problems.append(
                _("Member #{id}: points entries add up to {ledger} without a balance.").format(
                    id=member_id, ledger=ledger
                )
            )
    return problems


def merge_points(session: Session, keep_id: int, drop_id: int) -> int:
    """Move the second member's points entries and balance to the first."""
    moved = session.execute(
        update(PointsEntry).where(col(PointsEntry.member_id) == drop_id).values(member_id=keep_id)
    )
    dropped = balance_in(session, drop_id)
    if dropped:
        _ensure_account(session, keep_id)
        session.execute(
            update(PointsAccount)
            .where(col(PointsAccount.member_id) == keep_id)
            .values(balance=col(PointsAccount.balance) + dropped)
        )
        session.execute(
            update(PointsAccount).where(col(PointsAccount.member_id) == drop_id).values(balance=0)
        )
    return int(moved.rowcount or 0)  # type: ignore[attr-defined]


def timeline_events(session: Session, member_id: int) -> Iterable[Any]:
    from salon_tui.services.member_timeline import TimelineEvent

    rows = session.exec(
        select(PointsEntry)
        .where(col(PointsEntry.member_id) == member_id)
        .order_by(col(PointsEntry.id))
    ).all()
    for row in rows:
        text = _("Points {change:+d}: {label}").format(
            change=row.points, label=_(ENTRY_LABELS.get(row.kind, row.kind))
        )
        if row.reason:
            text += f" ({row.reason})"
        yield TimelineEvent(row.at, "points", text)


def points_outstanding(session: Session, at: datetime | None = None) -> tuple[int, int]:
    """Points held by everyone (at ``at``, default now) and their redemption value."""
    query = select(func.coalesce(func.sum(PointsEntry.points), 0))
    if at is not None:
        query = query.where(col(PointsEntry.at) < at)
    held = int(session.exec(query).one())
    return held, points_value_cents(held, load_rules(session))


def entries_for_sale(session: Session, sale_id: int, kinds: Sequence[str]) -> list[PointsEntry]:
    return list(
        session.exec(
            select(PointsEntry)
            .where(col(PointsEntry.sale_id) == sale_id, col(PointsEntry.kind).in_(list(kinds)))
            .order_by(col(PointsEntry.id))
        ).all()
    )
