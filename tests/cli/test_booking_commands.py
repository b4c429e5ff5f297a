"""`salon booking …` and `salon schedule …` on a real shop, checked in the reopened database."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import time_machine
from sqlmodel import col, select

from salon_tui.data.models import Booking, ReminderOutbox, StaffShift
from salon_tui.data.uow import UnitOfWork
from tests.cli.conftest import OWNER_ENV
from tests.conftest import FROZEN_NOW


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(initialised: None, run: Callable[..., object], frozen: object) -> None:
    """Tony works every day 10:00–19:00 with lunch 13:00–14:00; one chair; a cut."""
    for args in (
        ("staff", "add", "Tony", "--role", "stylist", "--pin", "1111"),
        ("service", "add-category", "剪发", "--name-en", "Cuts"),
        (
            "service",
            "add",
            "C01",
            "精剪",
            "--name-en",
            "Precision cut",
            "--category",
            "剪发",
            "--price",
            "128",
            "--duration",
            "45",
            "--resource",
            "chair",
        ),
        ("schedule", "shifts", "Tony", "--days", "1-7", "--set", "10:00-19:00/13:00-14:00"),
        ("schedule", "resources", "--add", "Chair 1", "--kind", "chair"),
    ):
        result = run(*args, env=OWNER_ENV)
        assert result.exit_code == 0, (args, result.output)  # type: ignore[attr-defined]


def test_schedule_shifts_are_stored_and_shown(run, shop, reopen: Callable[[], UnitOfWork]):
    result = run("schedule", "shifts", env=OWNER_ENV)
    assert "10:00-19:00/13:00-14:00" in result.output
    with reopen().read() as session:
        assert len(session.exec(select(StaffShift)).all()) == 7


def test_book_then_a_clash_is_refused_with_the_booking_in_the_way(run, shop, reopen):
    result = run(
        "booking",
        "add",
        "--at",
        "2026-11-23 15:00",
        "--service",
        "C01",
        "--stylist",
        "Tony",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        env=OWNER_ENV,
    )
    assert result.exit_code == 0, result.output
    assert "Booked #1 2026-11-23 15:00–15:45 张三" in result.output
    result = run(
        "booking",
        "add",
        "--at",
        "2026-11-23 15:30",
        "--service",
        "C01",
        "--stylist",
        "Tony",
        "--name",
        "李四",
        env=OWNER_ENV,
    )
    assert result.exit_code == 1
    assert "#1 张三 15:00–15:45" in result.output and "Nearest free" in result.output
    with reopen().read() as session:
        assert [b.client_name for b in session.exec(select(Booking))] == ["张三"]


def test_find_slots_lists_free_times_as_json(run, shop):
    result = run(
        "booking",
        "find-slots",
        "--service",
        "C01",
        "--after",
        "2026-11-23 12:30",
        "--limit",
        "2",
        "--json",
        env=OWNER_ENV,
    )
    assert result.exit_code == 0, result.output
    starts = [slot["start"] for slot in json.loads(result.output)]
    assert starts == ["2026-11-23T14:00:00+08:00", "2026-11-23T14:15:00+08:00"]


def test_status_move_cancel_and_the_history(run, shop, reopen):
    run(
        "booking",
        "add",
        "--at",
        "2026-11-24 11:00",
        "--service",
        "C01",
        "--name",
        "张三",
        env=OWNER_ENV,
    )
    assert (
        run("booking", "status", "1", "confirmed", "--reason", "phoned", env=OWNER_ENV).exit_code
        == 0
    )
    result = run("booking", "move", "1", "--at", "2026-11-24 16:00", env=OWNER_ENV)
    assert "2026-11-24 16:00" in result.output
    result = run("booking", "status", "1", "done", env=OWNER_ENV)
    assert result.exit_code == 1 and "finish" in result.output
    assert run("booking", "cancel", "1", "--reason", "ill", env=OWNER_ENV).exit_code == 0
    shown = run("booking", "show", "1", env=OWNER_ENV).output
    assert "confirmed (phoned)" in shown and "cancelled (ill)" in shown and "→" in shown
    with reopen().read() as session:
        assert session.exec(select(Booking.status)).one() == "cancelled"


def test_a_series_lists_blocked_days_and_books_only_with_yes(run, shop, reopen):
    run(
        "booking",
        "add",
        "--at",
        "2026-11-30 11:00",
        "--service",
        "C01",
        "--name",
        "李四",
        env=OWNER_ENV,
    )
    args = (
        "booking",
        "add",
        "--at",
        "2026-11-23 11:00",
        "--service",
        "C01",
        "--name",
        "张三",
        "--every",
        "1",
        "--times",
        "3",
    )
    result = run(*args, env=OWNER_ENV)
    assert result.exit_code == 1
    assert "Blocked: 2026-11-30 11:00" in result.output and "nothing was booked" in result.output
    result = run(*args, "--yes", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    with reopen().read() as session:
        names = session.exec(select(Booking.client_name).order_by(col(Booking.starts_at))).all()
    assert names == ["张三", "李四", "张三"]


def test_walk_in_queue_serves_by_rotation(run, shop):
    result = run("booking", "queue", "add", "--service", "C01", "--name", "路人", env=OWNER_ENV)
    assert "Walk-in #1" in result.output
    assert "Next: Tony" in run("booking", "queue", "list", env=OWNER_ENV).output
    result = run("booking", "queue", "serve", "1", env=OWNER_ENV)
    assert result.exit_code == 0, result.output and "Tony" in result.output
    assert "Tony\t1" in run("booking", "queue", "list", env=OWNER_ENV).output


def test_reminders_queue_outbox_rows(run, shop, reopen):
    run(
        "booking",
        "add",
        "--at",
        "2026-11-23 11:00",
        "--service",
        "C01",
        "--name",
        "张三",
        "--phone",
        "13800138000",
        env=OWNER_ENV,
    )
    result = run("booking", "reminders", "--queue", env=OWNER_ENV)
    assert "1 reminders placed" in result.output or "1" in result.output
    assert "13800138000" in result.output
    with reopen().read() as session:
        (row,) = session.exec(select(ReminderOutbox)).all()
    assert row.phone == "+8613800138000" and row.status == "pending"


def test_holidays_can_be_closed(run, shop):
    result = run("schedule", "holidays", "--year", "2027", "--close", "2027-01-01", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    assert "2027-01-01" in result.output


def test_bad_input_is_refused_without_a_traceback(run, shop):
    result = run(
        "booking", "add", "--at", "tomorrow", "--service", "C01", "--name", "x", env=OWNER_ENV
    )
    assert result.exit_code == 2
    result = run("schedule", "shifts", "Tony", "--days", "0-9", "--set", "off", env=OWNER_ENV)
    assert result.exit_code == 2
    result = run("schedule", "hours", "--days", "1", "--set", "21:00-10:00", env=OWNER_ENV)
    assert result.exit_code == 1 and "end comes after the start" in result.output


def test_schedule_rules_set_the_unpaid_deposit_warning(run, shop, reopen):
    from salon_tui.services import schedule

    result = run("schedule", "rules", env=OWNER_ENV)
    assert result.exit_code == 0 and "Deposit expected from" in result.output
    assert "no deposit warning" in result.output
    result = run("schedule", "rules", "--deposit-from", "300", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    assert "¥300.00" in result.output
    assert schedule.get_rules(reopen()).deposit_from_cents == 30_000
    for bad, said in (("abc", "not an amount"), ("-5", "between 0 (never) and 100000")):
        result = run("schedule", "rules", "--deposit-from", bad, env=OWNER_ENV)
        assert result.exit_code != 0 and said in result.output, result.output
    assert schedule.get_rules(reopen()).deposit_from_cents == 30_000
    result = run("schedule", "rules", "--deposit-from", "0", env=OWNER_ENV)
    assert result.exit_code == 0 and schedule.get_rules(reopen()).deposit_from_cents == 0


def test_the_waitlist_is_offered_a_cancelled_time_and_books_it(run, shop, reopen):
    from salon_tui.data.models import WaitlistEntry

    result = run(
        "booking", "add", "--at", "2026-11-23 15:00", "--service", "C01",
        "--stylist", "Tony", "--name", "张三", env=OWNER_ENV,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = run(
        "booking", "waitlist", "add", "--day", "2026-11-23", "--service", "C01",
        "--stylist", "Tony", "--name", "李四", "--phone", "13700137000",
        "--from", "14:00", "--to", "17:00", env=OWNER_ENV,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "#1 李四 waits for Precision cut on 2026-11-23 (14:00–17:00, Tony)" in result.output
    result = run("booking", "waitlist", "add", "--day", "2026-11-23", "--service", "C01",
                 "--name", "王五", "--from", "16:00", "--to", "15:00", env=OWNER_ENV)  # fmt: skip
    assert result.exit_code == 1 and "end comes after its start" in result.output
    result = run("booking", "waitlist", "book", "1", env=OWNER_ENV)
    assert result.exit_code == 1 and "Nothing was freed for #1 yet" in result.output
    assert run("booking", "cancel", "1", "--reason", "改期", env=OWNER_ENV).exit_code == 0
    result = run("booking", "waitlist", "list", "--day", "2026-11-23", "--json", env=OWNER_ENV)
    (entry,) = json.loads(result.output)
    assert (entry["status"], entry["freed_booking_id"], entry["freed_start"]) == (
        "offered",
        1,
        "2026-11-23 15:00",
    )
    result = run("booking", "waitlist", "book", "1", env=OWNER_ENV)
    assert result.exit_code == 0, result.output
    assert "Booked: #2 2026-11-23 15:00–15:45 李四" in result.output
    result = run("booking", "waitlist", "remove", "1", env=OWNER_ENV)
    assert result.exit_code == 1 and "closed" in result.output
    with reopen().read() as session:
        (row,) = session.exec(select(WaitlistEntry)).all()
        booked = session.get(Booking, 2)
    assert (row.status, row.booking_id) == ("booked", 2)
    assert booked is not None and booked.client_phone == "+8613700137000"
    result = run("booking", "waitlist", "list", "--day", "2026-11-23", env=OWNER_ENV)
    assert "李四" not in result.output
