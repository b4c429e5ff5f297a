"""An import is audited once and its members link to its batch; checking takes no write
lock; what was checked is what gets written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import AuditEntry, Card, ImportBatch, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import audit, imports
from salon_tui.services.member_search import search_members
from salon_tui.services.member_timeline import member_timeline
from salon_tui.services.members import add_member

HEADER = "会员卡号,姓名,手机号,性别,开卡日期\n"


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_an_import_is_one_audit_entry_and_its_members_link_to_the_batch(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "old.csv",
        ["V900001,王芳,13800001111,女,2020-03-05", ",李娜,13800002222,女,", "bad,,x,?,"],
    )
    options = imports.ImportOptions(skip_invalid=True)
    report = imports.run_import(uow, owner, "members", file, options)
    assert report.written == {"added": 2, "updated": 0, "unchanged": 0, "cards": 1}
    with uow.read() as session:
        entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
        assert [entry.action for entry in entries].count("import.run") == 1
        assert not {"member.add", "card.issue"} & {entry.action for entry in entries}
        logged = json.loads(entries[-1].after)
        batch = session.exec(select(ImportBatch)).one()
        assert logged == {
            "file": "old.csv",
            "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
            "rows": 3,
            "written": report.written,
            "skipped": 1,
            "batch": batch.id,
        }
        assert (batch.kind, batch.file_name, batch.rows, batch.skipped) == (
            "members",
            "old.csv",
            3,
            1,
        )
        assert (batch.staff_id, batch.staff_name) == (owner.staff_id, owner.name)
        assert batch.sha256 == logged["sha256"]
        members = session.exec(select(Member)).all()
        assert {member.import_batch_id for member in members} == {batch.id}
        card = session.exec(select(Card)).one()
        assert (card.number, card.import_batch_id) == ("V900001", batch.id)
    assert audit.verify_chain(uow).ok


def test_the_timeline_of_an_imported_member_reads_as_before(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "old.csv", ["V900001,王芳,13800001111,女,2020-03-05"])
    imports.run_import(uow, owner, "members", file, imports.ImportOptions())
    with uow.read() as session:
        batch = session.exec(select(ImportBatch)).one()
    member_id = search_members(uow, owner, "王芳").hits[0].id
    events = member_timeline(uow, owner, member_id)
    imported = [(e.at, e.kind, e.text, e.staff) for e in events if e.kind in {"profile", "card"}]
    assert sorted(imported) == sorted(
        [
            (batch.at, "profile", "Became a member", owner.name),
            (batch.at, "card", "Card V900001 issued", owner.name),
        ]
    )
    # A member added at the desk still has their story from the audit log, once.
    added = add_member(uow, owner, name="新客 Amy", phone="13900001111")
    texts = [event.text for event in member_timeline(uow, owner, added.id)]
    assert texts.count("Became a member") == 1


def test_checking_reads_without_the_write_lock_and_writing_matches_again(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    file = write_csv(
        tmp_path / "old.csv", ["V900001,王芳,13800001111,女,", "V900002,李娜,13800002222,女,"]
    )
    checked = imports.check_import(uow, owner, "members", file, imports.ImportOptions())
    assert checked.report.importable == 2 and not checked.report.imported
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Member)).one() == 0
    # Someone adds one of the file's people at the desk between the check and the import.
    add_member(uow, owner, name="李娜", phone="13800002222")
    report = imports.write_import(uow, owner, checked)
    assert report.written == {"added": 1, "updated": 0, "unchanged": 1, "cards": 1}
    with uow.read() as session:
        phones = session.exec(select(Member.phone)).all()
    assert sorted(phones) == ["+8613800001111", "+8613800002222"]


def test_a_file_changed_after_its_check_is_refused(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "old.csv", ["V900001,王芳,13800001111,女,"])
    checked = imports.check_import(uow, owner, "members", file, imports.ImportOptions())
    write_csv(file, ["V900009,张伟,13800009999,男,"])
    os.utime(file, ns=(checked.stamp[1] + 10**9, checked.stamp[1] + 10**9))
    with pytest.raises(imports.ImportRefused, match="changed after it was checked"):
        imports.write_import(uow, owner, checked)
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Member)).one() == 0
        assert session.exec(select(func.count()).select_from(ImportBatch)).one() == 0


def test_a_file_with_problems_is_written_only_when_told_to_skip_them(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    file = write_csv(tmp_path / "old.csv", ["V900001,王芳,13800001111,女,", ",,123,,"])
    checked = imports.check_import(uow, owner, "members", file, imports.ImportOptions())
    with pytest.raises(imports.ImportRefused):
        imports.write_import(uow, owner, checked)
    report = imports.write_import(uow, owner, checked, skip_invalid=True)
    assert report.written["added"] == 1 and not report.dry_run


def test_opening_balances_go_in_together_as_ledger_entries_and_in_the_one_audit_entry(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    from salon_tui.data.models import StoredValueAccount, StoredValueEntry
    from salon_tui.services import database
    from salon_tui.services.stored_value import open_account

    desk = add_member(uow, owner, name="李娜", phone="13800002222")
    with_account = add_member(uow, owner, name="张伟", phone="13800003333")
    with uow.transaction() as session:
        open_account(session, with_account.id)
    file = tmp_path / "old.csv"
    file.write_text(
        "姓名,手机号,储值余额,赠送余额\n"
        '王芳,13800001111,"1,280.00",50\n'
        "李娜,13800002222,100,\n"
        "张伟,13800003333,0,20\n"
        "赵敏,13800004444,,\n",
        encoding="utf-8",
    )
    report = imports.run_import(uow, owner, "members", file, imports.ImportOptions())
    assert report.written == {"added": 2, "updated": 0, "unchanged": 2, "cards": 0}
    with uow.read() as session:
        entries = session.exec(
            select(StoredValueEntry).where(col(StoredValueEntry.kind) == "opening")
        ).all()
        by_member = {e.member_id: (e.principal_cents, e.bonus_cents) for e in entries}
        wang = session.exec(select(Member.id).where(col(Member.name) == "王芳")).one()
        assert by_member == {wang: (128000, 5000), desk.id: (10000, 0), with_account.id: (0, 2000)}
        accounts = {
            a.member_id: (a.principal_cents, a.bonus_cents)
            for a in session.exec(select(StoredValueAccount))
        }
        assert accounts == by_member
        assert {e.note for e in entries} == {"imported balance"}
        assert {e.staff_id for e in entries} == {owner.staff_id}
        logged = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "import.run")
        ).one()
        assert not session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "prepaid.opening")
        ).all()
    after = json.loads(logged.after)
    assert (after["opening_balances"], after["opening_principal_cents"]) == (3, 138000)
    assert after["opening_bonus_cents"] == 7000
    assert all(result.ok for result in database.check(uow))
    # The same file again adds no second opening balance.
    imports.run_import(uow, owner, "members", file, imports.ImportOptions())
    with uow.read() as session:
        count = session.exec(
            select(func.count())
            .select_from(StoredValueEntry)
            .where(col(StoredValueEntry.kind) == "opening")
        ).one()
    assert count == 3


NAMES = [
    "王芳",
    "王小芳",
    "李娜",
    "张伟",
    "欧阳娜娜",
    "Amy Wong",
    "amy",
    "陈 静 Jing",
    "刘德华",
    "Zoë Ŝmith",
    "吕布",
    "重庆妹",
]
QUERIES = [
    "王",
    "芳",
    "小芳",
    "wang",
    "wangfang",
    "wf",
    "xf",
    "na",
    "nana",
    "oy",
    "amy",
    "Amy Wong",
    "wong",
    "jing",
    "cj",
    "德华",
    "liudehua",
    "zoë",
    "ŝmith",
    "lv",
    "lb",
    "zhongqing",
    "妹",
]


def test_members_imported_in_bulk_are_found_exactly_like_members_added_one_by_one(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    from sqlalchemy import inspect

    from salon_tui.data.models import MemberGram

    rows = [f"{name},1380000{index:04d}" for index, name in enumerate(NAMES)]
    file = tmp_path / "old.csv"
    file.write_text("姓名,手机号\n" + "\n".join(rows) + "\n", encoding="utf-8")
    # The first import fills empty tables (their plain indexes are built at the end).
    imports.run_import(uow, owner, "members", file, imports.ImportOptions())
    with uow.read() as session:
        imported = set(session.exec(select(Member.id)).all())
        indexes = {
            index["name"]
            for table in ("member", "card", "member_gram")
            for index in inspect(session.connection()).get_indexes(table)
        }
    assert {
        "ix_member_gram_member",
        "ix_member_phone",
        "ix_member_phone_tail",
        "ix_card_member",
    } <= indexes
    for index, name in enumerate(NAMES):
        add_member(uow, owner, name=name, phone=f"1390000{index:04d}")
    with uow.read() as session:
        grams: dict[tuple[bool, str], set[str]] = {}
        for member_id, name, gram in session.exec(
            select(Member.id, Member.name, MemberGram.gram).join(
                MemberGram, col(MemberGram.member_id) == col(Member.id)
            )
        ):
            grams.setdefault((member_id in imported, name), set()).add(gram)
    for name in NAMES:
        assert grams[(True, name)] == grams[(False, name)], name
    for query in QUERIES:
        hits = search_members(uow, owner, query).hits
        found = {
            origin: sorted((hit.name, hit.match) for hit in hits if (hit.id in imported) == origin)
            for origin in (True, False)
        }
        assert found[True] == found[False], query
        assert found[True], query  # every query finds someone
