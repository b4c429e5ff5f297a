"""The database as a whole: open it for a face, describe it, check it, upgrade it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from salon_tui import paths
from salon_tui.data import schema
from salon_tui.data.app_lock import AppPresence
from salon_tui.data.engine import sqlite_path
from salon_tui.data.inspection import row_counts
from salon_tui.data.uow import UnitOfWork
from salon_tui.errors import ShopNotInitialised
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.drawer import check_drawer_ledger
from salon_tui.services.sales_checks import check_sales


def open_shop_database(url: str | None = None) -> UnitOfWork:
    """Open (creating or upgrading) the shop's database; the faces' one way in."""
    return schema.open_database(url or paths.database_url(), paths.backup_dir())


def require_existing_database(url: str | None = None) -> str:
    """The URL, after checking a SQLite file exists (so nothing is created by accident)."""
    resolved = url or paths.database_url()
    path = sqlite_path(resolved)
    if path is not None and not path.exists():
        raise ShopNotInitialised(
            _(
                "No shop here yet ({path}). Run `salon init` to set one up, "
                "or `salon demo` to try a demo shop."
            ).format(path=path)
        )
    return resolved


@dataclass(frozen=True)
class DatabaseInfo:
    location: str
    path: Path | None
    size_bytes: int | None
    revision: str | None
    row_counts: dict[str, int]


def describe(uow: UnitOfWork) -> DatabaseInfo:
    path = sqlite_path(uow.url)
    size = None
    if path is not None and path.exists():
        size = path.stat().st_size
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            size += wal.stat().st_size
    from sqlalchemy.engine import make_url

    with uow.engine.connect() as connection:
        revision = schema.current_revision(connection)
        counts = row_counts(connection)
    return DatabaseInfo(
        location=make_url(uow.url).render_as_string(hide_password=True),
        path=path,
        size_bytes=size,
        revision=revision,
        row_counts=counts,
    )


# Each area with a ledger adds a check here: it returns the problems it finds
# (cached balance ≠ sum of ledger, say), one sentence each.
LedgerCheck = Callable[[Session], list[str]]


def _audit_chain_check(uow: UnitOfWork) -> list[str]:
    report = audit.verify_chain(uow)
    return [] if report.ok else [report.describe()]


def _stock_ledger_check(session: Session) -> list[str]:
    from salon_tui.services.stock_levels import check_stock_ledger

    return check_stock_ledger(session)


def _booking_deposit_check(session: Session) -> list[str]:
    from salon_tui.services.booking_status import check_deposit_ledger

    return check_deposit_ledger(session)


def _points_ledger_check(session: Session) -> list[str]:
    from salon_tui.services.points import check_points_ledger

    return check_points_ledger(session)


def _coupon_ledger_check(session: Session) -> list[str]:
    from salon_tui.services.coupons import check_coupon_ledger

    return check_coupon_ledger(session)


def _gift_card_ledger_check(session: Session) -> list[str]:
    from salon_tui.services.gift_cards import check_gift_card_ledger

    return check_gift_card_ledger(session)


def _stored_value_check(session: Session) -> list[str]:
    from salon_tui.services.stored_value import check_stored_value_ledger

    return check_stored_value_ledger(session)


def _package_check(session: Session) -> list[str]:
    from salon_tui.services.packages import check_package_ledger

    return check_package_ledger(session)


LEDGER_CHECKS: list[tuple[str, LedgerCheck]] = [
    (N_("Sales: totals, payments and refunds"), check_sales),
    (N_("Cash drawer: expected cash = movements"), check_drawer_ledger),
    (N_("Stock ledger"), _stock_ledger_check),
    (N_("Booking deposits: held = ledger"), _booking_deposit_check),
    (N_("Points: balance = entries"), _points_ledger_check),
    (N_("Coupons: state = events"), _coupon_ledger_check),
    (N_("Gift cards: balance = entries"), _gift_card_ledger_check),
    (N_("Stored value: balances = ledger"), _stored_value_check),
    (N_("Packages: uses left = ledger"), _package_check),
]


@dataclass(frozen=True)
class CheckResult:
    name: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(uow: UnitOfWork) -> list[CheckResult]:
    """Integrity, the audit chain, and every ledger check; each with its problems."""
    results = [
        CheckResult(_("Database integrity"), schema.quick_check(uow)),
        CheckResult(_("Audit chain"), _audit_chain_check(uow)),
    ]
    with uow.read() as session:
        for name, ledger_check in LEDGER_CHECKS:
            results.append(CheckResult(_(name), ledger_check(session)))
    return results


def upgrade_database(url: str) -> schema.UpgradeResult | None:
    """Apply the shipped migrations to ``url``; None when it was already current."""
    schema.check_file_before_opening(url)
    uow = UnitOfWork(url)
    try:
        return schema.upgrade(uow, paths.backup_dir())
    finally:
        uow.dispose()


HEAD_REVISION = schema.HEAD_REVISION


def hold_app_presence(url: str) -> AppPresence | None:
    """Held by the running app so that a restore refuses while it is open (SQLite only)."""
    path = sqlite_path(url)
    return AppPresence(path) if path is not None else None
