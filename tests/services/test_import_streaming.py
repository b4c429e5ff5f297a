"""A file of any length is imported in bounded memory: the check keeps no row, the write
reads the checked rows back a slice at a time; and the slicing changes nothing in what
is written (members, cards, grams, referrers, opening ledgers), nor in what is reported."""

from __future__ import annotations

import csv
import gc
import json
import shutil
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from salon_tui.data.models import (
    Allergy,
    AuditEntry,
    Card,
    ImportBatch,
    Member,
    MemberGram,
    MemberLevel,
    MemberPackage,
    MemberPackageItem,
    PackageUse,
    PointsAccount,
    PointsEntry,
    StoredValueAccount,
    StoredValueEntry,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import exports, import_members, imports, member_search, packages, points
from salon_tui.services import shop as shops

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def tiny_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every limit of a streamed import so small that a few rows cross each of them."""
    monkeypatch.setattr(imports, "SLICE_ROWS", 2)
    monkeypatch.setattr(imports, "SEEN_IN_MEMORY", 1)
    monkeypatch.setattr(imports, "KEPT_PROBLEMS", 1)
    monkeypatch.setattr(member_search, "_NAMES_REMEMBERED", 1)
    monkeypatch.setattr(import_members, "REMEMBERED_ANSWERS", 1)


def _dump(uow: UnitOfWork) -> dict[str, Any]:
    """Everything a members import writes, with members named by name and phone (ids
    differ from one database to another)."""
    with uow.read() as session:
        members = session.exec(select(Member).order_by(col(Member.id))).all()
        who = {m.id: (m.name, m.phone) for m in members}
        levels = {lv.id: (lv.name, lv.rank) for lv in session.exec(select(MemberLevel))}
        skip = {"id", "referrer_id", "level_id", "import_batch_id", "merged_into_id"}
        return {
            "members": [
                (
                    {k: v for k, v in m.model_dump().items() if k not in skip},
                    who.get(m.referrer_id),
                    levels.get(m.level_id),
                )
                for m in members
            ],
            "levels": sorted(levels.values()),
            "cards": sorted(
                (c.number, who[c.member_id], c.status, c.issued_at)
                for c in session.exec(select(Card))
            ),
            "grams": sorted(
                (g.archived, g.gram, who[g.member_id]) for g in session.exec(select(MemberGram))
            ),
            "allergies": sorted(
                (who[a.member_id], a.substance, a.severity) for a in session.exec(select(Allergy))
            ),
            "stored_value": sorted(
                (who[a.member_id], a.principal_cents, a.bonus_cents)
                for a in session.exec(select(StoredValueAccount))
            )
            + sorted(
                (who[e.member_id], e.kind, e.principal_cents, e.bonus_cents, e.note)
                for e in session.exec(select(StoredValueEntry))
            ),
            "points": sorted(
                (who[a.member_id], a.balance) for a in session.exec(select(PointsAccount))
            )
            + sorted(
                (who[e.member_id], e.kind, e.points, e.expires_on, e.reason)
                for e in session.exec(select(PointsEntry))
            ),
            "packages": sorted(
                (who[p.member_id], p.name, p.price_cents, p.total_uses, p.refundable, p.method)
                for p in session.exec(select(MemberPackage))
            )
            + sorted(
                (i.service_name, i.total_uses, i.uses_left)
                for i in session.exec(select(MemberPackageItem))
            )
            + sorted((who[u.member_id], u.kind, u.uses) for u in session.exec(select(PackageUse))),
            "batches": [
                (b.kind, b.file_name, b.sha256, b.rows, b.skipped)
                for b in session.exec(select(ImportBatch).order_by(col(ImportBatch.id)))
            ],
            "audit": [
                {k: v for k, v in json.loads(e.after).items() if k != "batch"}
                for e in session.exec(
                    select(AuditEntry)
                    .where(col(AuditEntry.action) == "import.run")
                    .order_by(col(AuditEntry.seq))
                )
            ],
        }


def _referrals_file(folder: Path) -> Path:
    """Referrers before and after the member they referred, one already in the shop, one
    nobody has; duplicates; archived members; new levels; allergies; opening balances."""
    rows = [
        [
            "会员卡号",
            "姓名",
            "手机号",
            "会员等级",
            "推荐人手机",
            "状态",
            "过敏史",
            "储值余额",
            "积分",
        ],
        ["A001", "王芳", "13800000001", "钻石会员", "13800000003", "", "染发剂", "100", "5"],
        ["A002", "李娜", "13800000002", "铂金会员", "13800000001", "", "", "", ""],
        ["A003", "张伟", "13800000003", "钻石会员", "", "已归档", "", "20.5", ""],
        ["A004", "赵敏", "13800000001", "", "", "", "", "", ""],  # same phone as row 2
        ["A002", "孙丽", "13800000005", "", "", "", "", "", ""],  # same card as row 3
        ["A006", "周杰", "13800000006", "白银会员", "13900000009", "", "", "", "12"],
        ["A007", "吴倩", "13800000007", "", "13800000099", "", "", "", ""],
        ["A008", "郑爽", "13800000008", "", "13800000008", "", "", "", ""],  # herself
        ["", "钱多", "13800000009", "", "13800000002", "", "花粉", "", ""],
    ]
    path = folder / "referrals.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _import_all(uow: UnitOfWork, owner: Actor, files: list[Path]) -> list[Any]:
    """The shop's menu, one member already here, then every file (again with --update)."""
    from salon_tui.services.members import add_member

    imports.run_import(uow, owner, "services", DATA / "services.csv", imports.ImportOptions())
    add_member(uow, owner, name="老会员", phone="13900000009")
    reports = []
    for file in files:
        for options in (
            imports.ImportOptions(skip_invalid=True, create_levels=True),
            imports.ImportOptions(skip_invalid=True, create_levels=True, update=True),
        ):
            report = imports.run_import(uow, owner, "members", file, options)
            reports.append(
                (
                    report.rows,
                    report.importable,
                    report.rows_with_problems,
                    [(p.row, p.column, p.value, p.kind, p.message) for p in report.all_problems()],
                    report.written,
                    report.opening,
                )
            )
    return reports


def _fresh_shop(template: Path, folder: Path) -> tuple[UnitOfWork, Actor]:
    copy = folder / "reference.db"
    shutil.copy(template, copy)
    other = UnitOfWork(f"sqlite:///{copy}")
    made = shops.init_shop(
        other, shop_name="Test Salon", owner_name="Olivia Owner", owner_pin="8888"
    )
    return other, Actor(made.owner.id, made.owner.name, Role.OWNER)


def test_the_slices_write_exactly_what_one_slice_writes(
    uow: UnitOfWork,
    owner: Actor,
    clock,
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sample files, a members export (opening ledgers) and a file of referrers,
    imported with every limit at its default (one slice) into one shop and with
    two-row slices into another: the same rows, ledgers, report and audit entry."""
    folder = tmp_path / "files"
    folder.mkdir()
    files = [
        DATA / "members_legacy.xlsx",
        DATA / "members_legacy_gbk.csv",
        _referrals_file(folder),
    ]
    reference, boss = _fresh_shop(sqlite_template, tmp_path)
    try:
        wanted_reports = _import_all(reference, boss, files)
        wanted = _dump(reference)
    finally:
        reference.dispose()
    monkeypatch.setattr(imports, "SLICE_ROWS", 2)
    monkeypatch.setattr(imports, "SEEN_IN_MEMORY", 1)
    monkeypatch.setattr(imports, "KEPT_PROBLEMS", 1)
    monkeypatch.setattr(member_search, "_NAMES_REMEMBERED", 1)
    monkeypatch.setattr(import_members, "REMEMBERED_ANSWERS", 1)
    assert _import_all(uow, owner, files) == wanted_reports
    got = _dump(uow)
    assert got == wanted
    # What the referrals file says, checked by hand.
    by_name = {member["name"]: referrer for member, referrer, _level in got["members"]}
    assert by_name["王芳"] == ("张伟", "+8613800000003")  # referred by a later row
    assert by_name["李娜"] == ("王芳", "+8613800000001")
    assert by_name["周杰"] == ("老会员", "+8613900000009")  # a member already here
    assert by_name["钱多"] == ("李娜", "+8613800000002")
    assert by_name["吴倩"] is None and by_name["郑爽"] is None
    assert "赵敏" not in by_name and "孙丽" not in by_name
    with uow.read() as session:
        assert points.check_points_ledger(session) == []
        assert packages.check_package_ledger(session) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_round_trips_the_same_in_slices(
    uow: UnitOfWork,
    owner: Actor,
    clock,
    tmp_path: Path,
    sqlite_template: Path,
    suffix: str,
    tiny_slices: None,
) -> None:
    from tests.services.test_import_opening import _balances, _shop_with_everything

    imports.run_import(uow, owner, "services", DATA / "services.csv", imports.ImportOptions())
    _shop_with_everything(uow, owner)
    menu_file, members_file = tmp_path / f"services{suffix}", tmp_path / f"members{suffix}"
    exports.export(uow, owner, "services", menu_file)
    exports.export(uow, owner, "members", members_file)
    other, boss = _fresh_shop(sqlite_template, tmp_path)
    try:
        imports.run_import(other, boss, "services", menu_file, imports.ImportOptions())
        report = imports.run_import(other, boss, "members", members_file, imports.ImportOptions())
        assert report.problems == [] and report.written["added"] == 3
        assert _balances(other) == _balances(uow)
    finally:
        other.dispose()


def test_the_first_problems_are_kept_and_the_report_file_has_them_all(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "KEPT_PROBLEMS", 3)
    monkeypatch.setattr(imports, "SLICE_ROWS", 2)
    file = tmp_path / "bad.csv"
    file.write_text(
        "姓名,手机号\n" + "".join(f"会员{n},12{n}\n" for n in range(7)) + "王芳,13800001111\n",
        encoding="utf-8",
    )
    checked = imports.check_import(uow, owner, "members", file, imports.ImportOptions())
    report = checked.report
    assert [p.row for p in report.problems] == [2, 3, 4]
    assert (report.total_problems, report.rows_with_problems, report.importable) == (7, 7, 1)
    assert [p.row for p in report.all_problems()] == list(range(2, 9))
    assert any("first 3 of 7 problems" in line for line in report.summary_lines())
    target = tmp_path / "problems.csv"
    imports.write_report(report, target)
    with target.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert [row[0] for row in written[1:]] == [str(n) for n in range(2, 9)]
    done = imports.write_import(uow, owner, checked, skip_invalid=True)
    assert done.written["added"] == 1 and done.rows_with_problems == 7


def _members_file(path: Path, rows: int) -> Path:
    """``rows`` members, every tenth with a problem, some with balances and points."""
    family, given = "王李张刘陈杨黄赵吴周", "伟芳娜秀英敏静丽强磊"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["会员卡号", "姓名", "手机号", "生日", "会员等级", "储值余额", "积分"])
        for n in range(rows):
            out.writerow(
                [
                    f"M{n:07d}",
                    family[n % 10] + given[n // 10 % 10],
                    f"139{n:08d}" if n % 10 else f"12{n}",  # every tenth: a bad phone
                    f"19{60 + n % 40}-{n % 12 + 1}-{n % 28 + 1}",
                    ("普通会员", "银卡会员")[n % 2],
                    str(n % 500) if n % 3 == 0 else "",
                    str(n % 70) if n % 4 == 0 else "",
                ]
            )
    return path


def _peak_bytes(uow: UnitOfWork, owner: Actor, path: Path) -> tuple[int, Any]:
    """Peak Python memory of checking and importing ``path`` (past what was held before)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        options = imports.ImportOptions(skip_invalid=True, create_levels=True)
        report = imports.run_import(uow, owner, "members", path, options)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return peak, report


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The limits scaled down with the files, so a few thousand rows cross them all."""
    monkeypatch.setattr(imports, "SLICE_ROWS", 200)
    monkeypatch.setattr(imports, "SEEN_IN_MEMORY", 200)
    monkeypatch.setattr(imports, "KEPT_PROBLEMS", 20)
    monkeypatch.setattr(member_search, "_NAMES_REMEMBERED", 200)
    monkeypatch.setattr(import_members, "REMEMBERED_ANSWERS", 200)
    yield


def test_memory_does_not_grow_with_the_file(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path, small_limits: None
) -> None:
    """Four times the rows, the same peak: nothing is held per row (tracemalloc, this
    process only, so it is the same under xdist)."""
    small = _members_file(tmp_path / "small.csv", 1000)
    large = _members_file(tmp_path / "large.csv", 4000)
    # Warm up: modules, caches and the session's first queries are not the file's.
    _peak_bytes(uow, owner, _members_file(tmp_path / "warm.csv", 200))
    small_peak, small_report = _peak_bytes(uow, owner, small)
    large_peak, large_report = _peak_bytes(uow, owner, large)
    assert (small_report.importable, large_report.importable) == (900, 3600)
    assert large_report.total_problems == 400 and len(large_report.problems) == 20
    assert large_report.written["added"] == 3600 - 900  # the small file's were here
    # Held in memory, the large file's rows alone would take ~3 MB more than the small
    # one's (and a million rows some 4 GB).
    assert large_peak < small_peak * 1.25 + 512 * 1024, (small_peak, large_peak)


# --- run_import writes while it reads ------------------------------------------------


def _levels_file(folder: Path) -> Path:
    """New levels first met in later slices (one the same level as an earlier one but
    for its case), rows without a level, a referrer further down, an archived member."""
    rows = [
        ["会员卡号", "姓名", "手机号", "会员等级", "推荐人手机", "状态"],
        ["L001", "王芳", "13800000001", "vip", "13800000006", ""],
        ["L002", "李娜", "13800000002", "", "", ""],
        ["L003", "张伟", "13800000003", "白银会员", "", "已归档"],
        ["L004", "赵敏", "13800000004", "", "13800000003", ""],
        ["L005", "孙丽", "13800000005", "VIP", "", ""],
        ["L006", "周杰", "13800000006", "黄金会员", "13800000002", ""],
        ["L007", "吴倩", "13800000007", "Vip", "", ""],
    ]
    path = folder / "levels.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _checked_then_written(
    uow: UnitOfWork, owner: Actor, path: Path, options: imports.ImportOptions
) -> imports.ImportReport:
    """The Import screen's way: the whole file checked, then its good rows written."""
    checked = imports.check_import(uow, owner, "members", path, options)
    return imports.write_import(uow, owner, checked)


def _level_audit(uow: UnitOfWork) -> list[str]:
    with uow.read() as session:
        return [
            json.loads(entry.after)["name"]
            for entry in session.exec(
                select(AuditEntry)
                .where(col(AuditEntry.action) == "member_level.add")
                .order_by(col(AuditEntry.seq))
            )
        ]


@pytest.mark.parametrize("levels_here", [True, False])
def test_writing_while_reading_writes_what_checking_first_writes(
    uow: UnitOfWork,
    owner: Actor,
    clock,
    tmp_path: Path,
    sqlite_template: Path,
    tiny_slices: None,
    levels_here: bool,
) -> None:
    """``run_import`` writes each slice as soon as it is checked; the levels and
    referrers it meets a slice at a time end as when the whole file is checked first:
    levels named and ranked in their names' order and audited once each, members
    without a level at the lowest one (the file's, when the shop had none), referrers
    found up and down the file."""
    folder = tmp_path / "files"
    folder.mkdir()
    path = _levels_file(folder)
    options = imports.ImportOptions(create_levels=True)

    def prepare(unit: UnitOfWork) -> None:
        if not levels_here:
            with unit.transaction() as session:
                for level in session.exec(select(MemberLevel)):
                    level.active = False

    reference, boss = _fresh_shop(sqlite_template, tmp_path)
    try:
        prepare(reference)
        wanted_report = _checked_then_written(reference, boss, path, options)
        wanted, wanted_audit = _dump(reference), _level_audit(reference)
    finally:
        reference.dispose()
    prepare(uow)
    report = imports.run_import(uow, owner, "members", path, options)
    wanted_written = {"added": 7, "updated": 0, "unchanged": 0, "cards": 7}
    assert report.written == wanted_report.written == wanted_written
    assert report.rows == 7 and report.problems == []
    got = _dump(uow)
    assert got == wanted
    assert _level_audit(uow) == wanted_audit == ["VIP", "白银会员", "黄金会员"]
    by_name = {member["name"]: (referrer, level) for member, referrer, level in got["members"]}
    assert by_name["王芳"] == (("周杰", "+8613800000006"), ("VIP", by_name["孙丽"][1][1]))
    assert by_name["赵敏"][0] == ("张伟", "+8613800000003")  # archived, from the file
    assert by_name["周杰"][0] == ("李娜", "+8613800000002")
    if not levels_here:  # the lowest of the file's levels
        assert by_name["李娜"][1] == by_name["王芳"][1]


def _late_problem_file(path: Path, rows: int, bad_row: int | None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["会员卡号", "姓名", "手机号", "储值余额"])
        for n in range(rows):
            phone = "12345" if n == bad_row else f"139{n:08d}"
            out.writerow([f"T{n:05d}", f"会员{n}", phone, "10" if n % 2 else ""])
    return path


def _counts(uow: UnitOfWork) -> tuple[int, int, int, int]:
    with uow.read() as session:
        return (
            len(session.exec(select(Member.id)).all()),
            len(session.exec(select(Card.id)).all()),
            len(session.exec(select(ImportBatch.id)).all()),
            len(session.exec(select(StoredValueEntry.id)).all()),
        )


def test_a_problem_late_in_a_long_file_writes_nothing(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slices already written when the last rows turn out wrong are rolled back; the
    rest of the file is still checked for the report; the write lock is free after."""
    monkeypatch.setattr(imports, "SLICE_ROWS", 10)
    before = _counts(uow)
    path = _late_problem_file(tmp_path / "late.csv", 95, bad_row=90)
    report = imports.run_import(uow, owner, "members", path, imports.ImportOptions())
    assert not report.imported and report.written == {}
    assert [(p.row, p.kind) for p in report.problems] == [(92, "short_phone")]
    assert (report.rows, report.importable, report.rows_with_problems) == (95, 94, 1)
    assert _counts(uow) == before
    with uow.read() as session:
        assert not session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "import.run")
        ).all()
    # The same file with the good rows allowed: every good row, the batch's counts.
    done = imports.run_import(uow, owner, "members", path, imports.ImportOptions(skip_invalid=True))
    assert done.written["added"] == 94 and done.rows_with_problems == 1
    with uow.read() as session:
        batch = session.exec(select(ImportBatch)).one()
        assert (batch.rows, batch.skipped) == (95, 1)


def test_imported_ids_follow_the_members_here_and_the_next_member_gets_a_new_one(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids given by the import (largest id + 1 on SQLite, the sequence on PostgreSQL)
    sit after the members already here, and a member added afterwards the usual way
    gets the next id (the sequence moved on)."""
    from salon_tui.services.members import add_member

    monkeypatch.setattr(imports, "SLICE_ROWS", 7)
    first = add_member(uow, owner, name="老会员", phone="13700000001")
    path = _late_problem_file(tmp_path / "ids.csv", 20, bad_row=None)
    report = imports.run_import(uow, owner, "members", path, imports.ImportOptions())
    assert report.written["added"] == 20
    after = add_member(uow, owner, name="新会员", phone="13700000002")
    with uow.read() as session:
        imported = session.exec(
            select(Member.id).where(col(Member.import_batch_id).is_not(None))
        ).all()
        cards = {c.member_id for c in session.exec(select(Card))}
    assert sorted(imported) == list(range(first.id + 1, first.id + 21))
    assert after.id > max(imported)
    assert set(imported) <= cards
