"""A member's personal data: exported whole for them, erased for good while the books hold."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import Allergy, AuditEntry, Card, Member, MemberGram, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import audit, cards, drawer, member_privacy, sales
from salon_tui.services.member_safety import add_allergy
from salon_tui.services.member_search import search_members
from salon_tui.services.members import add_member, find_member_id
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


@pytest.fixture
def member_with_history(
    uow: UnitOfWork, owner: Actor, clock: object, make_actor: Callable[..., Actor]
) -> int:
    """张丽: a card, an allergy and one paid sale of ¥188."""
    stylist = make_actor(Role.STYLIST, "Tony 张伟")
    assert stylist.staff_id is not None
    member = add_member(uow, owner, name="张丽", phone="13812345678", notes="喜欢安静")
    cards.issue_card(uow, owner, member.id)
    add_allergy(uow, owner, member.id, "PPD 染发剂", "头皮红肿")
    drawer.open_drawer(uow, owner, 10_000)
    cart = sales.open_sale(uow, owner, member_id=member.id)
    sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="洗剪吹",
        unit_cents=18_800,
        staff=[StaffShare(stylist.staff_id)],
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("wechat", 18_800, reference="42000001")])
    return member.id


def test_the_export_holds_profile_cards_safety_sales_and_timeline(
    uow: UnitOfWork, owner: Actor, member_with_history: int, tmp_path: Path
) -> None:
    target = member_privacy.export_personal_data(
        uow, owner, member_with_history, tmp_path / "zhangli.json"
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    sheets = {sheet["title"]: sheet["rows"] for sheet in data["sheets"]}
    profile = {row["Field"]: row["Value"] for row in sheets["Profile"]}
    assert profile["Name"] == "张丽"
    assert profile["Phone"] == "+8613812345678"
    assert profile["Notes"] == "喜欢安静"
    assert len(sheets["Cards"]) == 1
    assert sheets["Allergies"][0]["Substance"] == "PPD 染发剂"
    assert [row["Total"] for row in sheets["Sales"]] == ["188.00"]
    assert any("Became a member" in row["What"] for row in sheets["Timeline"])
    book = openpyxl.load_workbook(
        member_privacy.export_personal_data(
            uow, owner, member_with_history, tmp_path / "zhangli.xlsx"
        )
    )
    assert {"Profile", "Cards", "Allergies", "Sales", "Timeline"} <= set(book.sheetnames)
    with uow.read() as session:
        exports = session.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(col(AuditEntry.action) == "member.personal_data_export")
        ).one()
    assert exports == 2


def test_erasing_removes_personal_data_and_keeps_the_books(
    uow: UnitOfWork, owner: Actor, member_with_history: int
) -> None:
    member_id = member_with_history
    with uow.read() as session:
        number = session.exec(select(Card.number).where(col(Card.member_id) == member_id)).one()
        paid_before = session.exec(
            select(func.sum(Sale.total_cents)).where(col(Sale.member_id) == member_id)
        ).one()
    erased = member_privacy.erase_member(uow, owner, member_id)
    assert erased.cleared["allergies"] == 1 and erased.cleared["cards_closed"] == 1
    with uow.read() as session:
        member = session.get(Member, member_id)
        assert member is not None
        assert (member.name, member.phone, member.notes) == (
            f"Erased member #{member_id}",
            None,
            "",
        )
        assert member.erased and member.status == "archived"
        assert member.birth_month is None
        for table in (Allergy, MemberGram):
            count = session.exec(
                select(func.count()).select_from(table).where(col(table.member_id) == member_id)
            ).one()
            assert count == 0
        sale = session.exec(select(Sale).where(col(Sale.member_id) == member_id)).one()
        assert sale.member_label == ""
        assert sale.total_cents == paid_before  # the books still add up
        card = session.exec(select(Card).where(col(Card.number) == number)).one()
        assert card.status == "closed"
    assert not search_members(uow, owner, "张丽").hits
    assert not search_members(uow, owner, "13812345678").hits
    assert audit.verify_chain(uow).ok
    with uow.read() as session:
        entry = session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "member.erase")
        ).one()
        assert "张丽" not in entry.after and "138" not in entry.after
        # The old phone is free again for someone new.
        with pytest.raises(NotFound):
            find_member_id(session, "13812345678")


def test_erasing_is_the_owners_and_happens_once(
    uow: UnitOfWork,
    owner: Actor,
    member_with_history: int,
    make_actor: Callable[..., Actor],
) -> None:
    manager = make_actor(Role.MANAGER)
    with pytest.raises(PermissionDenied):
        member_privacy.erase_member(uow, manager, member_with_history)
    with pytest.raises(PermissionDenied):
        member_privacy.personal_data(uow, manager, member_with_history)
    with uow.read() as session:
        member = session.get(Member, member_with_history)
        assert member is not None and member.name == "张丽"
    member_privacy.erase_member(uow, owner, member_with_history)
    with pytest.raises(Conflict, match="already erased"):
        member_privacy.erase_member(uow, owner, member_with_history)


def test_an_area_can_refuse_the_erasure_and_nothing_changes(
    uow: UnitOfWork,
    owner: Actor,
    member_with_history: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        member_privacy,
        "ERASE_CHECKS",
        [lambda session, member_id: "¥50.00 is still on the card: refund it first."],
    )
    with pytest.raises(Conflict, match="refund it first"):
        member_privacy.erase_member(uow, owner, member_with_history)
    with uow.read() as session:
        member = session.get(Member, member_with_history)
        assert member is not None and not member.erased and member.phone is not None


def test_the_export_refuses_other_file_kinds(
    uow: UnitOfWork, owner: Actor, member_with_history: int, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError):
        member_privacy.export_personal_data(
            uow, owner, member_with_history, tmp_path / "zhangli.txt"
        )
    assert not (tmp_path / "zhangli.txt").exists()


def test_a_member_holding_stored_value_is_not_erased(
    uow: UnitOfWork, owner: Actor, member_with_history: int
) -> None:
    from salon_tui.services import stored_value

    stored_value.top_up(uow, owner, member_with_history, 50_000, "wechat", "WX-PRIV-1")
    with pytest.raises(Conflict, match="stored value"):
        member_privacy.erase_member(uow, owner, member_with_history)
    with uow.read() as session:
        member = session.get(Member, member_with_history)
        assert member is not None and not member.erased and member.name == "张丽"
