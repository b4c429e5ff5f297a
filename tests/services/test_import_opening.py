"""Points and packages a member list brings (积分, 次卡) as opening ledger entries, and a
members export importing into another shop as the same members with the same balances."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import (
    Card,
    Member,
    MemberPackage,
    MemberPackageItem,
    PackageUse,
    PointsAccount,
    PointsEntry,
    StoredValueAccount,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import exports, imports, packages, points

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
# The rows of the legacy file with problems (members_legacy.expected.json).
BAD_ROWS = {5, 9, 13, 16, 20, 31}


@pytest.fixture
def menu(uow: UnitOfWork, owner: Actor) -> None:
    imports.run_import(uow, owner, "services", DATA / "services.csv", imports.ImportOptions())


def _legacy_rows() -> list[dict[str, str]]:
    """The good rows of the GBK file, read with nothing but the csv module."""
    with (DATA / "members_legacy_gbk.csv").open(encoding="gbk", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row for number, row in enumerate(rows, start=2) if number not in BAD_ROWS]


def _held(uow: UnitOfWork) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Points and package uses left per service, by card number."""
    with uow.read() as session:
        card_of = dict(session.exec(select(Card.member_id, Card.number)).all())
        held_points = {
            card_of[member_id]: balance
            for member_id, balance in session.exec(
                select(PointsAccount.member_id, PointsAccount.balance)
            )
        }
        uses: dict[str, dict[str, int]] = {}
        for member_id, service, left in session.exec(
            select(
                MemberPackage.member_id, MemberPackageItem.service_name, MemberPackageItem.uses_left
            ).join(MemberPackageItem, col(MemberPackageItem.package_id) == col(MemberPackage.id))
        ):
            uses.setdefault(card_of[member_id], {})[service] = left
    return held_points, uses


@pytest.mark.parametrize("name", ["members_legacy.xlsx", "members_legacy_gbk.csv"])
def test_points_and_packages_of_the_legacy_file_come_in_as_opening_entries(
    uow: UnitOfWork, owner: Actor, clock, menu: None, name: str
) -> None:
    from salon_tui.services.member_timeline import member_timeline

    options = imports.ImportOptions(skip_invalid=True)
    report = imports.run_import(uow, owner, "members", DATA / name, options)
    good = _legacy_rows()
    wanted_points = {row["会员卡号"]: int(row["积分"]) for row in good if int(row["积分"] or 0)}
    wanted_uses = {
        row["会员卡号"]: {
            pair.split(":")[0]: int(pair.split(":")[1]) for pair in row["次卡"].split(";")
        }
        for row in good
        if row["次卡"]
    }
    held_points, uses = _held(uow)
    assert held_points == wanted_points
    assert uses == wanted_uses
    assert report.opening["opening_points"] == sum(wanted_points.values())
    assert report.opening["opening_package_uses"] == sum(
        sum(held.values()) for held in wanted_uses.values()
    )
    with uow.read() as session:
        assert points.check_points_ledger(session) == []
        assert packages.check_package_ledger(session) == []
        entries = session.exec(select(func.count()).select_from(PointsEntry)).one()
        uses_rows = session.exec(select(func.count()).select_from(PackageUse)).one()
        member_id = session.exec(
            select(Card.member_id).where(col(Card.number) == next(iter(wanted_uses)))
        ).one()
        # Uses of a service alone have no known price: never refunded as money.
        assert {
            (p.price_cents, p.refundable, p.method) for p in session.exec(select(MemberPackage))
        } == {(0, False, "import")}
    texts = [event.text for event in member_timeline(uow, owner, member_id)]
    assert any("Brought from the previous system" in text for text in texts)
    # The same file again adds no points and no packages.
    again = imports.run_import(uow, owner, "members", DATA / name, options)
    assert again.opening == {}
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(PointsEntry)).one() == entries
        assert session.exec(select(func.count()).select_from(PackageUse)).one() == uses_rows


def test_a_package_template_of_one_service_carries_its_price_pro_rata(
    uow: UnitOfWork, owner: Actor, clock, menu: None, tmp_path: Path
) -> None:
    packages.add_template(uow, owner, "洗吹10次卡", 50000, 180, [("S002", 10)])
    packages.add_template(uow, owner, "护理套餐", 80000, 365, [("S002", 2), ("S003", 2)])
    file = tmp_path / "members.csv"
    file.write_text(
        "姓名,手机号,次卡\n"
        "王芳,13800001111,洗吹10次卡:4\n"
        "李娜,13800002222,护理套餐:2\n"
        "张伟,13800003333,接发:2\n"
        "赵敏,13800004444,洗吹:0\n"
        "孙丽,13800005555,洗吹五次\n"
        "周杰,13800006666,精剪：3；美甲×2\n",
        encoding="utf-8",
    )
    checked = imports.run_import(uow, owner, "members", file, imports.ImportOptions(dry_run=True))
    assert [(p.row, p.column, p.kind) for p in checked.problems] == [
        (3, "packages", "ambiguous_package"),
        (4, "packages", "unknown_package"),
        (5, "packages", "bad_package"),
        (6, "packages", "bad_package"),
    ]
    done = imports.run_import(uow, owner, "members", file, imports.ImportOptions(skip_invalid=True))
    assert done.written["added"] == 2
    with uow.read() as session:
        rows = {
            (p.name, p.price_cents, p.total_uses, p.refundable, (p.expires_on - p.sold_on).days)
            for p in session.exec(select(MemberPackage))
        }
    assert rows == {
        ("洗吹10次卡", 20000, 4, True, 179),  # ¥500 for 10 uses: 4 left are worth ¥200
        ("精剪", 0, 3, False, 364),
        ("美甲", 0, 2, False, 364),
    }


def test_points_for_a_member_who_already_has_points_go_through_the_ledger(
    uow: UnitOfWork, owner: Actor, clock, tmp_path: Path
) -> None:
    from salon_tui.services.members import add_member

    member = add_member(uow, owner, name="王芳", phone="13800001111")
    points.adjust(uow, owner, member.id, 100, "welcome gift")
    file = tmp_path / "members.csv"
    file.write_text("姓名,手机号,积分\n王芳,13800001111,250\n", encoding="utf-8")
    report = imports.run_import(uow, owner, "members", file, imports.ImportOptions())
    assert report.written["unchanged"] == 1
    assert report.opening == {"opening_points_members": 1, "opening_points": 250}
    with uow.read() as session:
        assert points.balance_in(session, member.id) == 350
        assert points.check_points_ledger(session) == []


def _shop_with_everything(uow: UnitOfWork, owner: Actor) -> None:
    """Members with what a real shop holds: stored value, points, packages, a referrer,
    a birthday without a year, a name that looks like a formula, an archived member."""
    from salon_tui.services import stored_value
    from salon_tui.services.members import add_member, archive_member

    packages.add_template(uow, owner, "洗吹10次卡", 50000, 180, [("S002", 10)])
    wang = add_member(
        uow,
        owner,
        name="王芳",
        phone="13800001111",
        gender="female",
        birthday="1990-03-05",
        tags=["VIP", "学生"],
        source="朋友推荐",
        notes="喜欢短发",
        consent_sms=True,
        email="wang@example.com",
    )
    li = add_member(
        uow, owner, name="=1+2 李娜", phone="13800002222", birthday="--07-09", referrer=wang.id
    )
    gone = add_member(uow, owner, name="赵敏", phone="13800003333")
    archive_member(uow, owner, gone.id)
    stored_value.top_up(uow, owner, wang.id, 100000, "wechat", "WX-1", print_receipt=False)
    points.adjust(uow, owner, wang.id, 1234, "opening gift")
    points.adjust(uow, owner, li.id, 56, "opening gift")
    packages.sell_package(uow, owner, li.id, "洗吹10次卡", "wechat", "WX-2")


def _balances(uow: UnitOfWork) -> dict[str, tuple[object, ...]]:
    """Each member's profile and balances, by name: what must survive the round trip."""
    with uow.read() as session:
        members = session.exec(select(Member).order_by(col(Member.id))).all()
        names = {m.id: m.name for m in members}
        found: dict[str, tuple[object, ...]] = {}
        for m in members:
            account = session.exec(
                select(StoredValueAccount).where(col(StoredValueAccount.member_id) == m.id)
            ).first()
            uses = sorted(
                session.exec(
                    select(MemberPackageItem.service_name, MemberPackageItem.uses_left)
                    .join(MemberPackage, col(MemberPackage.id) == col(MemberPackageItem.package_id))
                    .where(col(MemberPackage.member_id) == m.id)
                ).all()
            )
            found[m.name] = (
                m.phone,
                m.gender,
                (m.birth_year, m.birth_month, m.birth_day),
                m.level_id,
                m.tags,
                m.source,
                names.get(m.referrer_id) if m.referrer_id else None,
                m.notes,
                m.consent_sms,
                m.consent_email,
                m.email,
                m.status,
                (account.principal_cents, account.bonus_cents) if account else (0, 0),
                points.balance_in(session, m.id or 0),
                uses,
            )
    return found


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_members_export_imports_into_an_empty_shop_as_the_same_members_and_balances(
    uow: UnitOfWork,
    owner: Actor,
    clock,
    menu: None,
    tmp_path: Path,
    sqlite_template: Path,
    suffix: str,
) -> None:
    from salon_tui.services import shop

    _shop_with_everything(uow, owner)
    menu_file = tmp_path / f"services{suffix}"
    members_file = tmp_path / f"members{suffix}"
    exports.export(uow, owner, "services", menu_file)
    exports.export(uow, owner, "members", members_file)
    copy = tmp_path / "new-shop.db"
    shutil.copy(sqlite_template, copy)
    other = UnitOfWork(f"sqlite:///{copy}")
    try:
        made = shop.init_shop(other, shop_name="新店", owner_name="王老板", owner_pin="8888")
        boss = Actor(made.owner.id, made.owner.name, owner.role)
        imports.run_import(other, boss, "services", menu_file, imports.ImportOptions())
        report = imports.run_import(other, boss, "members", members_file, imports.ImportOptions())
        assert report.problems == []
        assert report.written["added"] == 3
        assert _balances(other) == _balances(uow)
        with other.read() as session:
            assert points.check_points_ledger(session) == []
            assert packages.check_package_ledger(session) == []
    finally:
        other.dispose()
