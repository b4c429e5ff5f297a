"""The demo's sales history is as exact as live sales: ledgers check, numbers have no gaps."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import col, select

from salon_tui.data.models import CommissionEntry, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.services import database
from salon_tui.services.demo import DemoOptions, build_demo


def test_demo_sales_add_up_and_number_without_gaps(uow: UnitOfWork) -> None:
    summary = build_demo(uow, DemoOptions(members=0, months=2, seed=7))
    assert summary.counts["sales"] > 60 * 20
    problems = {result.name: result.problems for result in database.check(uow)}
    assert all(not found for found in problems.values()), problems
    with uow.read() as session:
        by_day: dict[str, list[int]] = defaultdict(list)
        for number in session.exec(select(Sale.number).where(col(Sale.number).is_not(None))):
            assert number is not None
            day, sequence = number.split("-")
            by_day[day].append(int(sequence))
        assert all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in by_day.values())
        earned = session.exec(select(CommissionEntry.amount_cents)).all()
    assert sum(earned) > 0


def test_the_same_seed_gives_the_same_history(uow: UnitOfWork, tmp_path) -> None:
    from salon_tui.data import schema
    from salon_tui.services.sales_reports import day_summary

    build_demo(uow, DemoOptions(members=0, months=1, seed=11))
    other = UnitOfWork(f"sqlite:///{tmp_path / 'again.db'}")
    schema.upgrade(other, tmp_path)
    build_demo(other, DemoOptions(members=0, months=1, seed=11))
    with uow.read() as session:
        first_day = session.exec(select(Sale.business_day).order_by(col(Sale.id))).first()
    from salon_tui.domain.actor import (
        SYSTEM,  # noqa: F401
        Actor,
    )
    from salon_tui.domain.permissions import Role
    from salon_tui.services import staff as staff_service

    def owner_of(unit: UnitOfWork) -> Actor:
        person = staff_service.find_staff(unit, "王芳")
        return Actor(person.id, person.name, Role.OWNER)

    assert first_day is not None
    mine = day_summary(uow, owner_of(uow), first_day)
    theirs = day_summary(other, owner_of(other), first_day)
    other.dispose()
    assert (mine.total_cents, mine.sales_count) == (theirs.total_cents, theirs.sales_count)
