"""Lists of members by rule: birthdays this week or month, joined in a period, level, tag,
not seen for N days — and segments saved under a name.

A rule is registered in ``SEGMENT_RULES`` with a function that narrows a query on
``member``; later areas add theirs (spent over, has a package left …). A segment spec is
``rule`` or ``rule:parameter`` (``tag:VIP``, ``not-seen:90``, ``joined:2026-01-01..2026-03-31``);
a saved segment is a name for a spec, kept in the shop's settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlmodel import col

from salon_tui.data.models import Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import day_bounds_utc, utc_now
from salon_tui.domain.dates import parse_date
from salon_tui.errors import NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.member_levels import level_named
from salon_tui.services.member_search import MemberHit, hits_for
from salon_tui.services.members import shop_region, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.settings import SHOP_PREFIX, read_setting, write_setting

SAVED_KEY = "members.segments"
LIST_LIMIT = 500


@dataclass(frozen=True)
class RuleContext:
    session: Any
    today: date
    timezone: str


Narrow = Callable[[Select[Any], str, RuleContext], Select[Any]]


@dataclass(frozen=True)
class SegmentRule:
    name: str
    title: str  # msgid
    parameter: str  # msgid: what the parameter is, "" when none
    narrow: Narrow


SEGMENT_RULES: dict[str, SegmentRule] = {}


def register_rule(rule: SegmentRule) -> None:
    SEGMENT_RULES[rule.name] = rule


def _birthday_days(start: date, days: int) -> list[tuple[int, int]]:
    return [
        ((start + timedelta(days=n)).month, (start + timedelta(days=n)).day) for n in range(days)
    ]


def _birthdays_week(query: Select[Any], parameter: str, context: RuleContext) -> Select[Any]:
    pairs = _birthday_days(context.today, 7)
    if (2, 28) in pairs and (3, 1) in pairs and (2, 29) not in pairs:
        pairs.append((2, 29))
    return query.where(
        or_(*(and_(col(Member.birth_month) == m, col(Member.birth_day) == d) for m, d in pairs))
    )


def _birthdays_month(query: Select[Any], parameter: str, context: RuleContext) -> Select[Any]:
    month = context.today.month
    if parameter:
        if not parameter.isdigit() or not 1 <= int(parameter) <= 12:
            raise ValidationError(_("The month is a number from 1 to 12."), field="segment")
        month = int(parameter)
    return query.where(col(Member.birth_month) == month)


def _joined(query: Select[Any], parameter: str, context: RuleContext) -> Select[Any]:
    try:
        first_text, _sep, last_text = parameter.partition("..")
        first = parse_date(first_text)
        last = parse_date(last_text) if last_text else context.today
    except ValueError:
        raise ValidationError(
            _("Say the period as FROM..TO, for example 2026-01-01..2026-03-31."), field="segment"
        ) from None
    start, _end = day_bounds_utc(first, context.timezone)
    _start, end = day_bounds_utc(last, context.timezone)
    return query.where(col(Member.created_at) >= start, col(Member.created_at) < end)


def _level(query: Select[Any], parameter: str, context: RuleContext) -> Select[Any]:
    level = level_named(context.session, parameter)
    return query.where(col(Member.level_id) == level.id)


def _tag(query: Select[Any], parameter: str, context: RuleContext) -> Select[Any]:
    tag = parameter.strip().lower()
    if not tag:
        raise ValidationError(_("Say which tag, for example tag:VIP."), field="segment")
    wrapped = func.lower(literal(",") + col(Member.tags) + literal(","))
    return query.where(wrapped.contains(f",{tag},", autoescape=True))


def _not_seen(query: Select[Any], parameter: str, context: RuleContext) -> Select[Any]:
    if not parameter.isdigit() or int(parameter) < 1:
        raise ValidationError(
            _("Say the number of days, for example not-seen:90."), field="segment"
        )
    cutoff: datetime = utc_now() - timedelta(days=int(parameter))
    return query.where(
        or_(
            col(Member.last_seen_at) < cutoff,
            and_(col(Member.last_seen_at).is_(None), col(Member.created_at) < cutoff),
        )
    )


for _rule in (
    SegmentRule("birthdays-week", N_("Birthdays in the next 7 days"), "", _birthdays_week),
    SegmentRule("birthdays-month", N_("Birthdays this month"), N_("month 1–12"), _birthdays_month),
    SegmentRule("joined", N_("Joined in a period"), N_("FROM..TO"), _joined),
    SegmentRule("level", N_("Members of a level"), N_("level name"), _level),
    SegmentRule("tag", N_("Members with a tag"), N_("tag"), _tag),
    SegmentRule("not-seen", N_("Not seen for N days"), N_("days"), _not_seen),
):
    register_rule(_rule)


def saved_segments(uow: UnitOfWork) -> dict[str, str]:
    with uow.read() as session:
        return dict(read_setting(session, SAVED_KEY, {}))


def _resolve(session: Any, spec: str) -> tuple[SegmentRule, str]:
    saved = dict(read_setting(session, SAVED_KEY, {}))
    text = saved.get(spec.strip(), spec.strip())
    name, _sep, parameter = text.partition(":")
    rule = SEGMENT_RULES.get(name.strip())
    if rule is None:
        known = ", ".join([*SEGMENT_RULES, *saved])
        raise NotFound(
            _("There is no segment {name!r}; known: {known}.").format(name=spec, known=known)
        )
    return rule, parameter.strip()


def save_segment(uow: UnitOfWork, actor: Actor, name: str, spec: str) -> None:
    """Keep ``spec`` under ``name`` so the desk can pick it from a list."""
    require(actor, "member.edit")
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 40 or cleaned in SEGMENT_RULES:
        raise ValidationError(
            _("A segment name has 1–40 characters and is not a rule's name."), field="name"
        )
    with uow.transaction() as session:
        rule, parameter = _resolve(session, spec)
        _check(session, rule, parameter)
        saved = dict(read_setting(session, SAVED_KEY, {}))
        saved[cleaned] = f"{rule.name}:{parameter}" if parameter else rule.name
        write_setting(session, SAVED_KEY, saved)
        audit.record(
            session,
            actor,
            "member.segment_save",
            "segment",
            cleaned,
            after={"spec": saved[cleaned]},
        )


def _context(session: Any) -> RuleContext:
    zone = str(read_setting(session, SHOP_PREFIX + "timezone", "Asia/Shanghai"))
    return RuleContext(session, shop_today(session), zone)


def _check(session: Any, rule: SegmentRule, parameter: str) -> None:
    rule.narrow(select(col(Member.id)), parameter, _context(session))


def segment_member_ids(session: Any, spec: str) -> list[int]:
    """Every active member in a segment (a spec or a saved segment's name), by id; for
    areas that act on a whole segment at once (coupons issued in a batch)."""
    rule, parameter = _resolve(session, spec)
    query = rule.narrow(
        select(col(Member.id)).where(col(Member.status) == "active"), parameter, _context(session)
    )
    return [
        int(member_id) for member_id in session.execute(query.order_by(col(Member.id))).scalars()
    ]


def list_members(
    uow: UnitOfWork,
    actor: Actor,
    *,
    segment: str | None = None,
    include_archived: bool = False,
    limit: int = LIST_LIMIT,
) -> list[MemberHit]:
    """Members in name order, narrowed by a segment spec or a saved segment's name."""
    require(actor, "member.view")
    with uow.read() as session:
        query = select(col(Member.id))
        if not include_archived:
            query = query.where(col(Member.status) == "active")
        if segment:
            rule, parameter = _resolve(session, segment)
            query = rule.narrow(query, parameter, _context(session))
        query = query.order_by(col(Member.name_key), col(Member.id)).limit(limit)
        ids = list(session.execute(query).scalars())
        ranked = {member_id: (position, "list") for position, member_id in enumerate(ids)}
        return list(hits_for(session.connection(), ranked, actor, shop_region(session)))


@dataclass(frozen=True)
class MembersAtAGlance:
    active: int
    joined_today: int
    birthdays_this_week: int
    birthday_names: tuple[str, ...]  # the first few, for the home panel


def members_at_a_glance(uow: UnitOfWork, actor: Actor) -> MembersAtAGlance:
    """The home panel's figures: members, new today, birthdays in the next 7 days."""
    require(actor, "member.view")
    with uow.read() as session:
        context = _context(session)
        active = select(func.count()).select_from(Member).where(col(Member.status) == "active")
        start, end = day_bounds_utc(context.today, context.timezone)
        joined = active.where(col(Member.created_at) >= start, col(Member.created_at) < end)
        birthdays = _birthdays_week(
            select(col(Member.name)).where(col(Member.status) == "active"), "", context
        )
        names = list(session.execute(birthdays.order_by(col(Member.name_key)).limit(5)).scalars())
        birthday_count = session.execute(
            select(func.count()).select_from(birthdays.subquery())
        ).scalar_one()
        return MembersAtAGlance(
            session.execute(active).scalar_one(),
            session.execute(joined).scalar_one(),
            birthday_count,
            tuple(names),
        )
