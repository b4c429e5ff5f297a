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
