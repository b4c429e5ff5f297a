"""What the shop owes its clients at a date: prepaid money not yet spent.

A registry of sources, each answering for the end of a business day: how much was issued,
redeemed, refunded or forfeited, expired, and what is outstanding, and how many clients
hold some. Prepaid registers stored value (principal and bonus apart) and packages (at
their sale price); loyalty appends points (at redemption value) and gift cards.
``salon report liabilities [--at DATE]`` and the Reports screen (F6) show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from salon_tui.data.models import MemberPackage, PackageUse, StoredValueEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import day_bounds_utc
from salon_tui.domain.prepaid import unused_value
from salon_tui.i18n import N_, _
from salon_tui.services.permissions import require
from salon_tui.services.reports import (
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)
from salon_tui.services.settings import load_shop_settings


@dataclass(frozen=True)
class Liability:
    key: str
    label: str  # translated
    issued_cents: int
    redeemed_cents: int
    refunded_cents: int  # refunded or forfeited
    expired_cents: int
    outstanding_cents: int
    holders: int


# (session, end of the day in UTC, the day) → its lines.
LiabilitySource = Callable[[Session, datetime, date], list[Liability]]
LIABILITY_SOURCES: list[LiabilitySource] = []

ISSUED = {"top_up", "reversal", "opening", "package_refund", "points"}
REDEEMED = {"spend", "give_back", "package"}
CLOSED = {"close"}


def stored_value_liabilities(session: Session, end: datetime, _day: date) -> list[Liability]:
    """Principal and bonus: top-ups (net of undos) and openings in; spends (net of
    refunds to balance) and package payments out; closings refunded or forfeited."""
    sums: dict[str, tuple[int, int]] = {}
    for kind, principal, bonus in session.exec(
        select(
            StoredValueEntry.kind,
            func.sum(StoredValueEntry.principal_cents),
            func.sum(StoredValueEntry.bonus_cents),
        )
        .where(col(StoredValueEntry.created_at) < end)
        .group_by(col(StoredValueEntry.kind))
    ):
        sums[kind] = (int(principal or 0), int(bonus or 0))
    holders = [
        int(
            session.exec(
                select(func.count()).select_from(
                    select(StoredValueEntry.member_id)
                    .where(col(StoredValueEntry.created_at) < end)
                    .group_by(col(StoredValueEntry.member_id))
                    .having(func.sum(getattr(StoredValueEntry, side)) > 0)
                    .subquery()
                )
            ).one()
        )
        for side in ("principal_cents", "bonus_cents")
    ]
    lines = []
    for index, (key, label) in enumerate(
        (("principal", _("Stored value: principal")), ("bonus", _("Stored value: bonus")))
    ):
        issued = sum(value[index] for kind, value in sums.items() if kind in ISSUED)
        redeemed = -sum(value[index] for kind, value in sums.items() if kind in REDEEMED)
        refunded = -sum(value[index] for kind, value in sums.items() if kind in CLOSED)
        outstanding = sum(value[index] for value in sums.values())
        lines.append(
            Liability(
                f"stored_value_{key}",
                label,
                issued,
                redeemed,
                refunded,
                0,
                outstanding,
                holders[index],
            )
        )
    return lines


def package_liabilities(session: Session, end: datetime, day: date) -> list[Liability]:
    """Packages at their sale price: uses left on packages still valid are owed; uses left
    past their last day have expired; refunded uses were paid back."""
    left: dict[int, int] = {}
    refunded_uses: dict[int, int] = {}
    for package_id, kind, uses in session.exec(
        select(PackageUse.package_id, PackageUse.kind, func.sum(PackageUse.uses))
        .where(col(PackageUse.created_at) < end)
        .group_by(col(PackageUse.package_id), col(PackageUse.kind))
    ):
        left[package_id] = left.get(package_id, 0) + int(uses or 0)
        if kind == "refund":
            refunded_uses[package_id] = -int(uses or 0)
    issued = redeemed = refunded = expired = outstanding = 0
    holders: set[int] = set()
    for package in session.exec(select(MemberPackage).where(col(MemberPackage.sold_at) < end)):
        assert package.id is not None
        uses_left = left.get(package.id, 0)
        issued += package.price_cents
        refund = package.refunded_cents if refunded_uses.get(package.id) else 0
        value_left = unused_value(package.price_cents, package.total_uses, uses_left)
        if package.expires_on < day:
            expired += value_left
            owed = 0
        else:
            outstanding += value_left
            owed = value_left
        if owed:
            holders.add(package.member_id)
        refunded += refund
        redeemed += package.price_cents - value_left - refund
    # What a refund paid back less than the uses' value (rounding down) counts as redeemed.
    return [
        Liability(
            "packages",
            _("Packages (at sale price)"),
            issued,
            redeemed,
            refunded,
            expired,
            outstanding,
            len(holders),
        )
    ]


LIABILITY_SOURCES.extend([stored_value_liabilities, package_liabilities])


def liabilities_at(uow: UnitOfWork, actor: Actor, at: date) -> list[Liability]:
    """Every source's lines at the end of business day ``at``."""
    require(actor, "reports.liabilities")
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    with uow.read() as session:
        _start, end = day_bounds_utc(at, load_shop_settings(session).timezone)
        return [line for source in LIABILITY_SOURCES for line in source(session, end, at)]


def _build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    at = request.options.get("at") or request.period.end
    lines = liabilities_at(uow, actor, at)
    money = Kind.MONEY
    columns = [
        ReportColumn("what", _("Owed for")),
        ReportColumn("issued", _("Sold or given"), money),
        ReportColumn("redeemed", _("Redeemed"), money),
        ReportColumn("refunded", _("Refunded or forfeited"), money),
        ReportColumn("expired", _("Expired"), money),
        ReportColumn("outstanding", _("Outstanding"), money),
        ReportColumn("holders", _("Clients holding"), Kind.INT),
    ]
    rows = [
        {
            "what": line.label,
            "issued": line.issued_cents,
            "redeemed": line.redeemed_cents,
            "refunded": line.refunded_cents,
            "expired": line.expired_cents,
            "outstanding": line.outstanding_cents,
            "holders": line.holders,
        }
        for line in lines
    ]
    rows.append(
        {
            "what": _("Total"),
            "issued": sum(line.issued_cents for line in lines),
            "redeemed": sum(line.redeemed_cents for line in lines),
            "refunded": sum(line.refunded_cents for line in lines),
            "expired": sum(line.expired_cents for line in lines),
            "outstanding": sum(line.outstanding_cents for line in lines),
            "holders": None,
        }
    )
    with uow.read() as session:
        currency = load_shop_settings(session).currency
    return ReportResult(
        name="liabilities",
        title=_("Prepaid liabilities at {day}").format(day=at.isoformat()),
        period=None,
        currency=currency,
        sections=[Section("liabilities", _("What the shop owes its clients"), columns, rows)],
        notes=[
            _(
                "At the end of {day}. Packages are valued at their sale price, pro rata to "
                "the uses left."
            ).format(day=at.isoformat())
        ],
    )


LIABILITIES_REPORT = register(
    ReportSpec(
        name="liabilities",
        title=N_("Prepaid liabilities"),
        description=N_("What the shop owes at a date: stored value, packages (and loyalty)"),
        permission="reports.liabilities",
        build=_build,
        chain_wide_because=N_(
            "stored value, packages and gift cards are owed to members of the whole chain"
        ),
        takes_period=False,
    )
)
