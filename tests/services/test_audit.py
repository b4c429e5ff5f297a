"""The audit chain on a real database: tampering with stored rows is detected."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import PermissionDenied
from salon_tui.services import audit, staff


@pytest.fixture
def busy_log(uow: UnitOfWork, owner: Actor) -> int:
    """A log with a handful of entries; returns how many."""
    for index in range(4):
        staff.add_staff(uow, owner, f"Stylist {index}", Role.STYLIST, "1234")
    return audit.verify_chain(uow).entries_checked


def tamper(uow: UnitOfWork, sql: str) -> None:
    with uow.engine.begin() as connection:
        connection.execute(text(sql))


def test_an_untouched_log_verifies(uow: UnitOfWork, busy_log: int) -> None:
    report = audit.verify_chain(uow)
    assert report.ok and report.entries_checked == busy_log == 6


def test_an_edited_entry_is_named(uow: UnitOfWork, busy_log: int) -> None:
    tamper(uow, 'UPDATE audit_entry SET after = \'{"name":"Someone else"}\' WHERE seq = 4')
    report = audit.verify_chain(uow)
    assert (report.first_bad_seq, report.reason) == (4, "altered")
    assert "entry 4 was altered" in report.describe()


def test_a_deleted_entry_is_named(uow: UnitOfWork, busy_log: int) -> None:
    tamper(uow, "DELETE FROM audit_entry WHERE seq = 3")
    report = audit.verify_chain(uow)
    assert (report.first_bad_seq, report.reason) == (3, "missing")


def test_reordered_entries_are_found(uow: UnitOfWork, busy_log: int) -> None:
    tamper(uow, "UPDATE audit_entry SET seq = -seq WHERE seq IN (3, 4)")
    tamper(uow, "UPDATE audit_entry SET seq = 3 WHERE seq = -4")
    tamper(uow, "UPDATE audit_entry SET seq = 4 WHERE seq = -3")
    report = audit.verify_chain(uow)
    assert report.first_bad_seq == 3 and not report.ok


def test_a_truncated_log_is_found(uow: UnitOfWork, busy_log: int) -> None:
    tamper(uow, f"DELETE FROM audit_entry WHERE seq >= {busy_log - 1}")
    report = audit.verify_chain(uow)
    assert (report.first_bad_seq, report.reason) == (busy_log - 1, "truncated")


def test_a_failed_action_leaves_no_audit_entry(
    uow: UnitOfWork, owner: Actor, busy_log: int
) -> None:
    from salon_tui.errors import Conflict

    with pytest.raises(Conflict):
        staff.add_staff(uow, owner, "Stylist 1", Role.STYLIST, "1234")
    assert audit.verify_chain(uow).entries_checked == busy_log


def test_listing_needs_the_permission(uow: UnitOfWork, make_actor) -> None:
    with pytest.raises(PermissionDenied):
        audit.list_entries(uow, make_actor(Role.FRONT_DESK))


def test_listing_filters_by_day_and_staff(clock, uow: UnitOfWork, owner: Actor) -> None:
    staff.add_staff(uow, owner, "Today Hire", Role.STYLIST, "1234")
    clock.shift(timedelta(days=1))
    staff.add_staff(uow, owner, "Tomorrow Hire", Role.STYLIST, "1234")
    tomorrow = audit.list_entries(uow, owner, since=date(2026, 11, 23), timezone="Asia/Shanghai")
    assert [entry.after.get("name") for entry in tomorrow] == ["Tomorrow Hire"]
    by_system = audit.list_entries(uow, owner, staff_name="system")
    assert {entry.action for entry in by_system} == {"shop.init", "staff.add"}


def test_day_summary_counts_actions_and_wrong_pins(uow: UnitOfWork, owner: Actor, clock) -> None:
    from salon_tui.errors import LoginRefused
    from salon_tui.services import auth

    with pytest.raises(LoginRefused):
        auth.login(uow, "0000", staff_id=owner.staff_id)
    summary = audit.day_summary(uow, owner, date(2026, 11, 22), "Asia/Shanghai")
    assert summary.failed_logins == 1
    assert summary.actions >= 1
