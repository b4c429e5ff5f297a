"""The member timeline gathers visits and refunds, level changes with their reasons, and
the joining and cards of members written in bulk (no audit entry each)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import time_machine
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, Card
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.services import cards, drawer, refunds, sales
from salon_tui.services.member_timeline import member_timeline
from salon_tui.services.members import add_member
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare


def texts(uow: UnitOfWork, actor: Actor, member_id: int) -> list[tuple[str, str]]:
    return [(event.text, event.staff) for event in member_timeline(uow, actor, member_id)]


def test_visits_and_refunds_appear_newest_first_with_who_did_them(
    uow: UnitOfWork,
    owner: Actor,
    make_actor: Callable[..., Actor],
    clock: time_machine.Coordinates,
) -> None:
    stylist = make_actor(Role.STYLIST, "Tony 张伟")
    assert stylist.staff_id is not None
    member = add_member(uow, owner, name="王芳 Fang", phone="13800138000")
    drawer.open_drawer(uow, owner, 10_000)
    cart = sales.open_sale(uow, owner, member_id=member.id)
    priced = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="烫染 Perm and colour",
        unit_cents=58_800,
        staff=[StaffShare(stylist.staff_id)],
    )
    paid = pay_sale(
        uow, owner, cart.sale_id, [PaymentIn("wechat", priced.total_cents, reference="WX1")]
    )
    clock.shift(timedelta(hours=2))
    done = refunds.refund_sale(uow, owner, cart.sale_id, key="r1", reason="颜色不满意")
    events = texts(uow, owner, member.id)
    visit = next(event for event in events if event[0].startswith("Visit"))
    assert paid.number in visit[0] and "588.00" in visit[0] and "烫染 Perm and colour" in visit[0]
    assert visit[1] == "Tony 张伟"
    refund = next(event for event in events if event[0].startswith("Refund"))
    assert done.number in refund[0] and "颜色不满意" in refund[0]
    assert events.index(refund) < events.index(visit)  # newest first


def test_members_and_cards_without_audit_entries_still_show_joining_and_replacement(
    uow: UnitOfWork, owner: Actor
) -> None:
    member = add_member(uow, owner, name="吴磊梅", phone="13900139000")
    cards.issue_card(uow, owner, member.id, "V100000")
    cards.replace_card(uow, owner, member.id, "V100001")
    with uow.transaction() as session:  # as the demo and older imports write them
        for entry in session.exec(
            select(AuditEntry).where(col(AuditEntry.entity_id) == str(member.id))
        ):
            session.delete(entry)
    events = [text for text, _staff in texts(uow, owner, member.id)]
    assert "Became a member" in events
    assert "Card V100000 issued" in events
    assert "Card V100000 replaced by V100001" in events
    with uow.read() as session:
        assert len(session.exec(select(Card)).all()) == 2


def test_a_stylist_sees_no_money_in_the_timeline(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor], clock: object
) -> None:
    stylist = make_actor(Role.STYLIST, "Kevin 刘洋")
    assert stylist.staff_id is not None
    member = add_member(uow, owner, name="王芳 Fang", phone="13800138000")
    drawer.open_drawer(uow, owner, 10_000)
    cart = sales.open_sale(uow, owner, member_id=member.id)
    priced = sales.add_line(
        uow,
        owner,
        cart.sale_id,
        kind="service",
        description="剪发 Cut",
        unit_cents=12_800,
        staff=[StaffShare(stylist.staff_id)],
    )
    pay_sale(uow, owner, cart.sale_id, [PaymentIn("cash", priced.total_cents)])
    kinds = {event.kind for event in member_timeline(uow, owner, member.id)}
    assert {"sale", "points"} <= kinds
    seen = member_timeline(uow, stylist, member.id)
    assert {event.kind for event in seen} == {"profile"}
    assert not any("128.00" in event.text for event in seen)
