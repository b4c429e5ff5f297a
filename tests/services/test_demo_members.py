"""The demo's members: believable, searchable, consistent with the rules."""

from __future__ import annotations

from sqlmodel import col, func, select

from salon_tui.data.models import Card, Member, MemberGram
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain import cards as card_rules
from salon_tui.services import demo, members
from salon_tui.services.member_search import search_members


def test_the_demo_members_are_searchable_and_follow_the_rules(uow: UnitOfWork, clock) -> None:
    summary = demo.build_demo(uow, demo.DemoOptions(members=200, months=6, seed=7))
    assert summary.counts["members"] == 200 and summary.counts["cards"] > 100
    with uow.read() as session:
        stored = session.exec(select(Member)).all()
        numbers = session.exec(select(Card.number)).all()
        active_per_member = session.exec(
            select(Card.member_id, func.count())
            .where(col(Card.status) == "active")
            .group_by(col(Card.member_id))
        ).all()
        assert session.exec(select(func.count()).select_from(MemberGram)).one() > 200
    active_phones = [m.phone for m in stored if m.status == "active"]
    assert len(active_phones) == len(set(active_phones))
    assert all(card_rules.check_digit_ok(number) for number in numbers)
    assert all(count == 1 for _member, count in active_per_member)
    owner = demo_owner(uow)
    someone = next(m for m in stored if m.status == "active")
    assert someone.phone is not None
    found = search_members(uow, owner, someone.phone[-4:])
    assert someone.id in [hit.id for hit in found.hits]
    assert members.get_member(uow, owner, someone.id).level


def test_a_new_member_after_the_demo_gets_the_next_id(uow: UnitOfWork, clock) -> None:
    demo.build_demo(uow, demo.DemoOptions(members=20, months=1, seed=1))
    added = members.add_member(uow, demo_owner(uow), name="新客")
    assert added.id == 21


def demo_owner(uow: UnitOfWork):
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import staff

    owner = staff.find_staff(uow, demo.DEMO_STAFF[0].name)
    return Actor(owner.id, owner.name, Role.OWNER)
