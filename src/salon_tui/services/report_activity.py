"""`salon report activity`: who did what in the shop, from the audit log.

Logins, wrong PINs and changes by day (or week, month), by person and by action. The
log's timestamps are UTC text; the database groups them by UTC hour (``substr`` works
the same on SQLite and PostgreSQL) and the hours are placed on the shop's calendar
here, so a year reads a few thousand grouped rows, never every entry.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import col, select

from salon_tui.data.models.audit import AuditEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, day_bounds_utc
from salon_tui.domain.periods import bucket_start, buckets
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.audit import timestamp_text
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

LOGIN = "login.succeeded"
WRONG_PIN = "login.failed"
REFUSED = "login.refused"
TOP_ACTIONS = 15


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    start, _unused = day_bounds_utc(period.start, shop.timezone)
    _unused, end = day_bounds_utc(period.end, shop.timezone)
    hour = func.substr(col(AuditEntry.at), 1, 13)
    with uow.read() as session:
        grouped = session.exec(
            select(hour, col(AuditEntry.staff_name), col(AuditEntry.action), func.count())
            .where(
                col(AuditEntry.at) >= timestamp_text(start),
                col(AuditEntry.at) < timestamp_text(end),
            )
            .group_by(hour, col(AuditEntry.staff_name), col(AuditEntry.action))
        ).all()

    by_bucket: dict[date, Counter[str]] = defaultdict(Counter)
    by_person: dict[str, Counter[str]] = defaultdict(Counter)
    by_action: Counter[str] = Counter()
    for utc_hour, staff_name, action, count in grouped:
        moment = datetime.strptime(utc_hour, "%Y-%m-%dT%H").replace(tzinfo=UTC)
        first = bucket_start(business_date(moment, shop.timezone), request.bucket)
        kind = _kind(action)
        for counter in (by_bucket[first], by_person[staff_name]):
            counter[kind] += count
            counter["all"] += count
        by_action[action] += count

    counted = (
        ReportColumn("actions", _("All entries"), Kind.INT),
        ReportColumn("changes", _("Changes"), Kind.INT),
        ReportColumn("logins", _("Logins"), Kind.INT),
        ReportColumn("wrong_pins", _("Wrong PINs"), Kind.INT),
    )

    def figures(counter: Counter[str]) -> dict[str, int]:
        return {
            "actions": counter["all"],
            "changes": counter["change"],
            "logins": counter["login"],
            "wrong_pins": counter["wrong_pin"],
        }

    over_time = Section(
        "over_time",
        _("Over time"),
        (ReportColumn("from", _("From"), Kind.DATE), *counted),
        [{"from": first, **figures(by_bucket[first])} for first in buckets(period, request.bucket)],
        chart=Chart("bar", "from", ("changes", "wrong_pins"), _("Changes and wrong PINs")),
    )
    people = Section(
        "by_person",
        _("By person"),
        (ReportColumn("staff", _("Person"), Kind.TEXT), *counted),
        [
            {"staff": name, **figures(counter)}
            for name, counter in sorted(by_person.items(), key=lambda item: -item[1]["all"])
        ],
    )
    actions = Section(
        "by_action",
        _("Most frequent actions"),
        (
            ReportColumn("action", _("Action"), Kind.TEXT),
            ReportColumn("count", _("Entries"), Kind.INT),
        ),
        [{"action": name, "count": count} for name, count in by_action.most_common(TOP_ACTIONS)],
    )
    return ReportResult(
        name="activity",
        title=_("Staff activity"),
        period=period,
        currency=shop.currency,
        sections=(over_time, people, actions),
    )


def _kind(action: str) -> str:
    if action == LOGIN:
        return "login"
    if action == WRONG_PIN:
        return "wrong_pin"
    if action == REFUSED or action.startswith("login.") or action.startswith("session."):
        return "other"
    return "change"


register(
    ReportSpec(
        name="activity",
        title=N_("Staff activity"),
        description=N_("Logins, wrong PINs and changes by day, person and action (audit log)."),
        permission="audit.view",
        build=build,
        chain_wide_because=N_("the audit log is kept for the whole chain"),
    )
)
