"""`salon report members`: who comes, who came back, who is slipping away.

Visits are paid sales with the member on them, on the shop day they were paid. The
segments and churn risk look at the twelve months up to the period's last day:
recency (days since the last visit), frequency (visits) and money (revenue, tips apart).
Names only: phone numbers never go into a report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from salon_tui.data.models.members import Member, MemberLevel
from salon_tui.data.models.sales import Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import day_bounds_utc
from salon_tui.domain.periods import Period
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.report_sales import COUNTED, paid_in
from salon_tui.services.reports import (
    Chart,
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)

WINDOW_DAYS = 365
DORMANT_DAYS = 90
RECENT_DAYS = 45
LOYAL_VISITS = 6
TOP = 20

# (key, label): checked in this order, the first that fits names the segment.
SEGMENTS: tuple[tuple[str, str], ...] = (
    ("champions", N_("Champions: recent and frequent")),
    ("loyal", N_("Loyal: frequent, away 6 to 13 weeks")),
    ("new", N_("New or occasional, recent")),
    ("regular", N_("Regular")),
    ("at_risk", N_("At risk: were frequent, 90+ days away")),
    ("hibernating", N_("Hibernating: few visits, 90+ days away")),
)


@dataclass(frozen=True)
class Visits:
    count: int
    revenue_cents: int
    first: date
    last: date

    def recency(self, end: date) -> int:
        return (end - self.last).days

    @property
    def usual_interval_days(self) -> int | None:
        if self.count < 2:
            return None
        return max(1, (self.last - self.first).days // (self.count - 1))


def segment_of(visits: Visits, end: date) -> str:
    """The RFM segment of a member who visited in the twelve months up to ``end``."""
    recency = visits.recency(end)
    if recency <= RECENT_DAYS and visits.count >= LOYAL_VISITS:
        return "champions"
    if recency <= DORMANT_DAYS and visits.count >= LOYAL_VISITS:
        return "loyal"
    if recency <= RECENT_DAYS and visits.count <= 2:
        return "new"
    if recency <= DORMANT_DAYS:
        return "regular"
    if visits.count >= 3:
        return "at_risk"
    return "hibernating"


def churn_risk(visits: Visits, end: date) -> bool:
    """Away much longer than usual: twice their usual gap and at least a month more."""
    interval = visits.usual_interval_days
    if interval is None or visits.count < 3:
        return False
    recency = visits.recency(end)
    return recency > max(2 * interval, interval + 30)


def _visits(session: Session, start: date, end: date) -> dict[int, Visits]:
    found = session.execute(
        select(
            col(Sale.member_id),
            func.count(),
            func.sum(col(Sale.total_cents) - col(Sale.tips_cents)),
            func.min(col(Sale.business_day)),
            func.max(col(Sale.business_day)),
        )
        .where(col(Sale.member_id).is_not(None), *paid_in(Period(start, end)))
        .group_by(col(Sale.member_id))
    ).all()
    return {
        int(member_id): Visits(int(count), int(revenue or 0), first, last)
        for member_id, count, revenue, first, last in found
    }


def _names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    names: dict[int, tuple[str, str]] = {}
    id_list = sorted(ids)
    for index in range(0, len(id_list), 500):
        for member_id, name, level in session.execute(
            select(col(Member.id), col(Member.name), col(MemberLevel.name))
            .join(MemberLevel, col(MemberLevel.id) == col(Member.level_id), isouter=True)
            .where(col(Member.id).in_(id_list[index : index + 500]))
        ).all():
            names[int(member_id)] = (name, level or "")
    return names


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    end = period.end
    with uow.read() as session:
        in_period = _visits(session, period.start, period.end)
        year = _visits(session, end - timedelta(days=WINDOW_DAYS - 1), end)
        came_before = _came_before(session, set(in_period), period.start)
        start_utc, _unused = day_bounds_utc(period.start, shop.timezone)
        _unused, end_utc = day_bounds_utc(period.end, shop.timezone)
        joined = session.execute(
            select(col(Member.id), col(Member.referrer_id)).where(
                col(Member.created_at) >= start_utc,
                col(Member.created_at) < end_utc,
                col(Member.merged_into_id).is_(None),
            )
        ).all()
        members = session.execute(
            select(func.count())
            .select_from(Member)
            .where(col(Member.status) == "active", col(Member.merged_into_id).is_(None))
        ).scalar_one()
        birthdays = _birthdays(session, period)
        at_risk = sorted(
            (member_id for member_id, visits in year.items() if churn_risk(visits, end)),
            key=lambda member_id: -year[member_id].revenue_cents,
        )[:TOP]
        top = sorted(in_period, key=lambda member_id: -in_period[member_id].revenue_cents)[:TOP]
        referrers: dict[int, list[int]] = defaultdict(list)
        for member_id, referrer_id in joined:
            if referrer_id is not None:
                referrers[int(referrer_id)].append(int(member_id))
        names = _names(session, set(at_risk) | set(top) | set(referrers))

    returning = sum(1 for member_id in in_period if member_id in came_before)
    dormant = sum(1 for visits in year.values() if visits.recency(end) > DORMANT_DAYS)
    summary = Section(
        "summary",
        _("Members"),
        (
            ReportColumn("members", _("Active members"), Kind.INT),
            ReportColumn("new", _("Joined"), Kind.INT),
            ReportColumn("visiting", _("Visited"), Kind.INT),
            ReportColumn("first_visit", _("First visit"), Kind.INT),
            ReportColumn("returning", _("Came back"), Kind.INT),
            ReportColumn("dormant", _("Dormant 90+ days"), Kind.INT),
            ReportColumn("revenue", _("Members' revenue"), Kind.MONEY),
        ),
        [
            {
                "members": int(members),
                "new": len(joined),
                "visiting": len(in_period),
                "first_visit": len(in_period) - returning,
                "returning": returning,
                "dormant": dormant,
                "revenue": sum(visits.revenue_cents for visits in in_period.values()),
            }
        ],
    )
    segments: dict[str, list[int]] = {key: [0, 0] for key, _label in SEGMENTS}
    for visits in year.values():
        figures = segments[segment_of(visits, end)]
        figures[0] += 1
        figures[1] += visits.revenue_cents
    rfm = Section(
        "segments",
        _("Segments (the last 12 months)"),
        (
            ReportColumn("segment", _("Segment"), Kind.TEXT),
            ReportColumn("members", _("Members"), Kind.INT),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
            ReportColumn("average", _("Per member"), Kind.MONEY),
        ),
        [
            {
                "segment": _(label),
                "members": segments[key][0],
                "revenue": segments[key][1],
                "average": segments[key][1] // segments[key][0] if segments[key][0] else 0,
            }
            for key, label in SEGMENTS
        ],
        chart=Chart("bar", "segment", ("members",), _("Members by segment")),
    )
    risk = Section(
        "churn_risk",
        _("Churn risk: away much longer than usual"),
        (
            ReportColumn("name", _("Member"), Kind.TEXT),
            ReportColumn("level", _("Level"), Kind.TEXT),
            ReportColumn("last_visit", _("Last visit"), Kind.DATE),
            ReportColumn("usual_days", _("Usually every (days)"), Kind.INT),
            ReportColumn("days_away", _("Days away"), Kind.INT),
            ReportColumn("revenue", _("Revenue, 12 months"), Kind.MONEY),
        ),
        [
            {
                "name": names.get(member_id, ("", ""))[0],
                "level": names.get(member_id, ("", ""))[1],
                "last_visit": year[member_id].last,
                "usual_days": year[member_id].usual_interval_days,
                "days_away": year[member_id].recency(end),
                "revenue": year[member_id].revenue_cents,
            }
            for member_id in at_risk
        ],
    )
    spenders = Section(
        "top_spenders",
        _("Top spenders"),
        (
            ReportColumn("name", _("Member"), Kind.TEXT),
            ReportColumn("level", _("Level"), Kind.TEXT),
            ReportColumn("visits", _("Visits"), Kind.INT),
            ReportColumn("revenue", _("Revenue"), Kind.MONEY),
        ),
        [
            {
                "name": names.get(member_id, ("", ""))[0],
                "level": names.get(member_id, ("", ""))[1],
                "visits": in_period[member_id].count,
                "revenue": in_period[member_id].revenue_cents,
            }
            for member_id in top
        ],
    )
    referrals = Section(
        "referrals",
        _("Referrals: who brought new members"),
        (
            ReportColumn("name", _("Member"), Kind.TEXT),
            ReportColumn("brought", _("New members"), Kind.INT),
            ReportColumn("revenue", _("Their revenue"), Kind.MONEY),
        ),
        sorted(
            (
                {
                    "name": names.get(referrer, ("", ""))[0],
                    "brought": len(brought),
                    "revenue": sum(in_period[m].revenue_cents for m in brought if m in in_period),
                }
                for referrer, brought in referrers.items()
            ),
            key=lambda row: (-int(row["brought"]), -int(row["revenue"]), str(row["name"])),
        ),
    )
    return ReportResult(
        name="members",
        title=_("Members"),
        period=period,
        currency=shop.currency,
        sections=(summary, rfm, risk, spenders, birthdays, referrals),
    )


def _came_before(session: Session, ids: set[int], start: date) -> set[int]:
    found: set[int] = set()
    id_list = sorted(ids)
    for index in range(0, len(id_list), 500):
        found.update(
            int(member_id)
            for (member_id,) in session.execute(
                select(col(Sale.member_id))
                .where(
                    col(Sale.member_id).in_(id_list[index : index + 500]),
                    col(Sale.status).in_(COUNTED),
                    col(Sale.business_day) < start,
                )
                .distinct()
            ).all()
        )
    return found


def _birthdays(session: Session, period: Period) -> Section:
    days: list[date] = []
    day = period.start
    while day <= period.end and len(days) <= 366:
        days.append(day)
        day += timedelta(days=1)
    wanted = {(day.month, day.day): day for day in days}
    months = sorted({month for month, _day in wanted})
    rows: list[dict[str, Any]] = []
    if months:
        for name, month, day_of_month, year_of_birth, level in session.execute(
            select(
                col(Member.name),
                col(Member.birth_month),
                col(Member.birth_day),
                col(Member.birth_year),
                col(MemberLevel.name),
            )
            .join(MemberLevel, col(MemberLevel.id) == col(Member.level_id), isouter=True)
            .where(
                col(Member.birth_month).in_(months),
                col(Member.status) == "active",
                col(Member.merged_into_id).is_(None),
            )
        ).all():
            on = wanted.get((month, day_of_month))
            if on is None:
                continue
            rows.append(
                {
                    "date": on,
                    "name": name,
                    "age": on.year - year_of_birth if year_of_birth else None,
                    "level": level or "",
                }
            )
    rows.sort(key=lambda row: (row["date"], str(row["name"])))
    return Section(
        "birthdays",
        _("Birthdays in the period"),
        (
            ReportColumn("date", _("Date"), Kind.DATE),
            ReportColumn("name", _("Member"), Kind.TEXT),
            ReportColumn("age", _("Turns"), Kind.INT),
            ReportColumn("level", _("Level"), Kind.TEXT),
        ),
        rows,
    )


register(
    ReportSpec(
        name="members",
        title=N_("Members"),
        description=N_(
            "New, visiting, returning and dormant members; segments, churn risk, "
            "top spenders, birthdays and referrals."
        ),
        permission="reports.members",
        build=build,
        chain_wide_because=N_("members are shared by every store"),
    )
)
