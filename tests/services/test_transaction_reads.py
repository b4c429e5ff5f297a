"""What one transaction reads once and keeps: settings, and the day's sale numbers.

Paying a sale reads the shop's, checkout's, alert and schedule settings; they are read
in one query per transaction (``settings.stored_settings``). These tests pin down that
the copy is never stale: a write in the same transaction shows at once, and what another
terminal wrote shows in the next transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from salon_tui.data.sequences import next_number
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import settings


def _setting_queries(uow: UnitOfWork) -> list[str]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM setting" in statement:
            seen.append(statement)

    event.listen(uow.engine, "before_cursor_execute", count)
    return seen


def test_settings_are_read_once_per_transaction(uow: UnitOfWork, owner: Actor) -> None:
    seen = _setting_queries(uow)
    with uow.read() as session:
        shop = settings.load_shop_settings(session)
        assert settings.read_setting(session, "shop.name") == shop.name == "Test Salon"
        assert settings.read_setting(session, "no.such.key", 7) == 7
        assert settings.settings_under(session, "shop.")["currency"] == "CNY"
    assert len(seen) == 1
    with uow.read() as session:
        settings.load_shop_settings(session)
    assert len(seen) == 2  # a new transaction reads again
    with uow.transaction() as session:
        settings.load_shop_settings(session)
        settings.write_setting(session, "bench.key", 1)  # flushes: still one transaction
        assert settings.read_setting(session, "shop.currency") == "CNY"
    assert len(seen) == 4  # the shop settings, then the row the write changes


def test_a_write_shows_at_once_in_its_own_transaction(uow: UnitOfWork, owner: Actor) -> None:
    with uow.transaction() as session:
        assert settings.load_shop_settings(session).name == "Test Salon"
        settings.write_setting(session, "shop.name", "丝语美发")
        settings.write_setting(session, "bench.new_key", {"a": 1})
        assert settings.load_shop_settings(session).name == "丝语美发"
        assert settings.read_setting(session, "bench.new_key") == {"a": 1}
    assert settings.get_shop_settings(uow).name == "丝语美发"


def test_a_value_read_is_a_copy_the_caller_may_change(uow: UnitOfWork, owner: Actor) -> None:
    with uow.transaction() as session:
        settings.write_setting(session, "bench.list", [1, 2])
        settings.read_setting(session, "bench.list").append(3)
        assert settings.read_setting(session, "bench.list") == [1, 2]


def test_another_terminals_change_shows_in_the_next_transaction(
    uow: UnitOfWork, owner: Actor, database_url: str
) -> None:
    other = UnitOfWork(database_url)
    try:
        assert settings.get_shop_settings(uow).name == "Test Salon"
        with other.transaction() as session:
            settings.write_setting(session, "shop.name", "Other Till")
        assert settings.get_shop_settings(uow).name == "Other Till"
    finally:
        other.dispose()


def test_a_rolled_back_write_is_forgotten(uow: UnitOfWork, owner: Actor) -> None:
    class Stop(Exception):
        pass

    try:
        with uow.transaction() as session:
            settings.write_setting(session, "shop.name", "Never")
            raise Stop
    except Stop:
        pass
    assert settings.get_shop_settings(uow).name == "Test Salon"


def test_numbers_run_per_series_and_day_without_gaps(uow: UnitOfWork, owner: Actor) -> None:
    first, second = date(2026, 11, 22), date(2026, 11, 23)
    with uow.transaction() as session:
        assert [next_number(session, "sale", first) for _ in range(3)] == [1, 2, 3]
        assert next_number(session, "refund", first) == 1
        assert next_number(session, "sale", second) == 1

    class Stop(Exception):
        pass

    try:
        with uow.transaction() as session:
            assert next_number(session, "sale", first) == 4
            raise Stop
    except Stop:
        pass
    with uow.transaction() as session:
        assert next_number(session, "sale", first) == 4  # the rolled-back number comes back


def test_a_session_kept_across_commits_reads_afresh(
    uow: UnitOfWork, owner: Actor, database_url: str
) -> None:
    """A session used for several transactions (a long-lived screen's) is never stale."""
    from sqlmodel import Session

    other = UnitOfWork(database_url)
    try:
        with Session(uow.engine) as session:
            assert settings.load_shop_settings(session).name == "Test Salon"
            session.commit()
            with other.transaction() as writing:
                settings.write_setting(writing, "shop.name", "Other Till")
            assert settings.load_shop_settings(session).name == "Other Till"
    finally:
        other.dispose()


def test_a_new_sales_cart_is_what_reading_it_back_shows(uow: UnitOfWork, owner: Actor) -> None:
    """Opening a sale answers without pricing an empty cart; the answer must not differ."""
    from salon_tui.services import members, sales

    member = members.add_member(uow, owner, name="Li Wei", phone="13800138000")
    for member_id in (None, member.id):
        opened = sales.open_sale(uow, owner, member_id=member_id)
        assert opened == sales.get_cart(uow, owner, opened.sale_id)
        assert opened.is_empty and opened.total_cents == 0
