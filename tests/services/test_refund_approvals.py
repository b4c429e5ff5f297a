"""A front-desk cashier starts a refund (of a sale, a package or a gift card) that a
manager approves on the spot with their PIN: the refund runs as the cashier, the audit
names both. A wrong PIN, or the PIN of someone who may not refund, is refused with a
clear message and nothing changes; wrong PINs count towards the approver's lockout as at
login."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, GiftCard, MemberPackage, Refund, Sale, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import LoginRefused, PermissionDenied
from salon_tui.services import (
    approvals,
    drawer,
    gift_cards,
    members,
    packages,
    refunds,
    sales,
    staff,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import Approval
from tests.conftest import OWNER_PIN, STAFF_PIN


@pytest.fixture
def people(uow: UnitOfWork, owner: Actor, make_actor, clock: object) -> dict[str, Actor]:
    drawer.open_drawer(uow, owner, 50_000)
    return {
        "owner": owner,
        "jing": make_actor(Role.MANAGER, "陈静 Jing"),
        "nina": make_actor(Role.FRONT_DESK, "李娜 Nina"),
        "tony": make_actor(Role.STYLIST, "Tony"),
    }


def paid_sale(uow: UnitOfWork, owner: Actor) -> int:
    sale_id = sales.open_sale(uow, owner).sale_id
    sales.add_line(uow, owner, sale_id, kind="product", description="Oil", unit_cents=9_900)
    pay_sale(uow, owner, sale_id, [PaymentIn("cash", 9_900)], print_receipt=False)
    return sale_id


def audit_after(uow: UnitOfWork, action: str) -> list[tuple[int | None, dict[str, object]]]:
    with uow.read() as session:
        return [
            (entry.staff_id, json.loads(entry.after or "{}"))
            for entry in session.exec(select(AuditEntry).where(col(AuditEntry.action) == action))
        ]


def failed_logins(uow: UnitOfWork, staff_id: int | None) -> int:
    with uow.read() as session:
        person = session.get(Staff, staff_id)
        assert person is not None
        return person.failed_logins


def test_only_those_who_may_refund_are_offered_as_approvers(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    names = {person.name for person in approvals.approvers(uow, "sales.refund")}
    assert names == {"Olivia Owner", "陈静 Jing"}


def test_a_cashier_refunds_a_sale_with_a_managers_pin_and_the_audit_names_both(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    nina, jing = people["nina"], people["jing"]
    sale_id = paid_sale(uow, people["owner"])
    approval = approvals.approve(uow, jing.staff_id or 0, STAFF_PIN, "sales.refund")
    assert approval == Approval(jing.staff_id or 0, "陈静 Jing")
    done = refunds.refund_sale(uow, nina, sale_id, key="r", reason="allergy", approval=approval)
    assert done.total_cents == 9_900
    with uow.read() as session:
        (refund,) = session.exec(select(Refund)).all()
        assert refund.refunded_by == nina.staff_id
    ((who, after),) = audit_after(uow, "sales.refund")
    assert who == nina.staff_id
    assert (after["approved_by"], after["approved_by_id"]) == ("陈静 Jing", jing.staff_id)


def test_a_manager_refunding_alone_needs_no_approval_and_names_none(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    sale_id = paid_sale(uow, people["owner"])
    refunds.refund_sale(uow, people["jing"], sale_id, key="r", reason="allergy")
    ((_who, after),) = audit_after(uow, "sales.refund")
    assert "approved_by" not in after


def test_a_cashier_alone_is_refused_and_nothing_changes(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    sale_id = paid_sale(uow, people["owner"])
    with pytest.raises(PermissionDenied, match="not allowed to do this"):
        refunds.refund_sale(uow, people["nina"], sale_id, key="r", reason="allergy")
    with uow.read() as session:
        assert session.exec(select(Refund)).all() == []
        assert session.get(Sale, sale_id).status == "paid"  # type: ignore[union-attr]


def test_a_wrong_pin_is_refused_and_counts_towards_the_approvers_lockout(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    jing = people["jing"]
    for attempt in range(1, 6):
        with pytest.raises(LoginRefused, match="Wrong name or PIN"):
            approvals.approve(uow, jing.staff_id or 0, "0000", "sales.refund")
        assert failed_logins(uow, jing.staff_id) == attempt
    # Five wrong PINs: the account waits, even for the right PIN, as at login.
    with pytest.raises(LoginRefused, match="Too many wrong PINs"):
        approvals.approve(uow, jing.staff_id or 0, STAFF_PIN, "sales.refund")


def test_the_pin_of_someone_who_may_not_refund_approves_nothing(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    nina, tony = people["nina"], people["tony"]
    sale_id = paid_sale(uow, people["owner"])
    for person in (nina, tony):
        with pytest.raises(PermissionDenied, match="may not approve this"):
            approvals.approve(uow, person.staff_id or 0, STAFF_PIN, "sales.refund")
    # An approval in someone else's name who may not refund is refused by the refund too.
    forged = Approval(tony.staff_id or 0, tony.name)
    with pytest.raises(PermissionDenied, match="Tony may not approve this"):
        refunds.refund_sale(uow, nina, sale_id, key="r", reason="x", approval=forged)
    with uow.read() as session:
        assert session.exec(select(Refund)).all() == []


def test_an_approver_deactivated_since_approves_nothing(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    jing = people["jing"]
    sale_id = paid_sale(uow, people["owner"])
    approval = approvals.approve(uow, jing.staff_id or 0, STAFF_PIN, "sales.refund")
    staff.set_active(uow, people["owner"], jing.staff_id or 0, False)
    with pytest.raises(PermissionDenied, match="may not approve this"):
        refunds.refund_sale(uow, people["nina"], sale_id, key="r", reason="x", approval=approval)


def test_a_cashier_refunds_a_package_and_a_gift_card_with_the_owners_pin(
    uow: UnitOfWork, people: dict[str, Actor]
) -> None:
    from tests.services.catalog_helpers import make_service

    owner, nina = people["owner"], people["nina"]
    make_service(uow, owner, "S001", name="洗吹", price=6_000)
    packages.add_template(uow, owner, "洗吹10次", 58_000, 180, [("S001", 10)])
    member = members.add_member(uow, owner, name="周洁").id
    sold = packages.sell_package(uow, nina, member, "洗吹10次", "cash")
    card = gift_cards.sell(uow, nina, 20_000, "cash", key="g", print_receipt=False)
    with pytest.raises(PermissionDenied):
        packages.refund_package(uow, nina, sold.id, "cash", "moving")
    with pytest.raises(PermissionDenied):
        gift_cards.refund_card(uow, nina, card.code, "cash", "moving")
    by_owner = approvals.approve(uow, owner.staff_id or 0, OWNER_PIN, "package.refund")
    package_back = packages.refund_package(uow, nina, sold.id, "cash", "moving", approval=by_owner)
    by_owner = approvals.approve(uow, owner.staff_id or 0, OWNER_PIN, "giftcard.refund")
    card_back = gift_cards.refund_card(uow, nina, card.code, "cash", "moving", approval=by_owner)
    assert (package_back.approved_by, card_back.approved_by) == ("Olivia Owner", "Olivia Owner")
    with uow.read() as session:
        assert session.get(MemberPackage, sold.id).status == "refunded"  # type: ignore[union-attr]
        assert session.exec(select(GiftCard.refund_method)).one() == "cash"
    for action in ("package.refund", "giftcard.refund"):
        ((who, after),) = audit_after(uow, action)
        assert (who, after["approved_by"]) == (nina.staff_id, "Olivia Owner")
