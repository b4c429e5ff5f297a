"""Appending many audit entries at once (imports) writes the same chain as one by one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from salon_tui.data.bulk import insert_rows
from salon_tui.data.models import Allergy
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.audit_chain import canonical_json
from salon_tui.services import audit


def test_entries_appended_together_verify_and_read_back_as_given(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    with uow.transaction() as session:
        audit.record(session, owner, "shop.open", "shop", 1)
        audit.record_many(
            session,
            owner,
            [
                audit.Entry("member.add", "member", 7, after={"changed": ["name", "phone"]}),
                audit.Entry("card.issue", "member", 7, after={"card": "V100000", "card_id": 3}),
                audit.Entry("member.edit", "member", 8, before={"名字": "王芳"}),
            ],
        )
        audit.record(session, owner, "shop.close", "shop", 1)
    assert audit.verify_chain(uow).ok
    entries = audit.list_entries(uow, owner)[-5:]
    assert [(e.action, e.entity_id) for e in entries] == [
        ("shop.open", "1"),
        ("member.add", "7"),
        ("card.issue", "7"),
        ("member.edit", "8"),
        ("shop.close", "1"),
    ]
    assert entries[1].after == {"changed": ["name", "phone"]} and entries[1].before == {}
    assert entries[3].before == {"名字": "王芳"} and entries[3].after == {}
    with uow.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT after FROM audit_entry WHERE action = 'card.issue'")
        ).scalar_one()
    assert stored == canonical_json({"card": "V100000", "card_id": 3})


def test_bulk_rows_are_converted_by_their_column_types(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    """Timestamps given aware read back as the same instants; repeated values stay right."""
    from salon_tui.services.members import add_member

    member_id = add_member(uow, owner, name="王芳").id
    moments = [
        datetime(2024, 3, 5, 4, 0, tzinfo=UTC),
        datetime(2024, 3, 5, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")),  # the same instant
        datetime(2024, 3, 5, 4, 0, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 1, 250000, tzinfo=UTC),
    ]
    columns = ("member_id", "substance", "reaction", "severity", "recorded_by", "recorded_at")
    with uow.transaction() as session:
        insert_rows(
            session,
            Allergy.__table__,  # type: ignore[attr-defined]
            columns,
            [(member_id, f"染发剂 {n}", "", "moderate", None, at) for n, at in enumerate(moments)],
        )
    with uow.read() as session:
        from sqlmodel import col, select

        rows = session.exec(
            select(Allergy).where(col(Allergy.member_id) == member_id).order_by(col(Allergy.id))
        ).all()
        assert [(row.substance, row.recorded_at) for row in rows] == [
            (f"染发剂 {n}", at) for n, at in enumerate(moments)
        ]
