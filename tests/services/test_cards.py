"""Cards: the shop's numbers with a check digit, legacy numbers, lost and replaced cards."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain import cards as card_rules
from salon_tui.domain.actor import Actor
from salon_tui.errors import Conflict, ValidationError
from salon_tui.services import cards, members
from salon_tui.services.member_search import search_members


def test_issued_numbers_follow_the_scheme_and_pass_the_check_digit(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    one = members.add_member(uow, owner, name="甲")
    two = members.add_member(uow, owner, name="乙")
    first = cards.issue_card(uow, owner, one.id)
    second = cards.issue_card(uow, owner, two.id)
    assert first.number.startswith("88") and len(first.number) == 12
    assert card_rules.check_digit_ok(first.number) and second.number != first.number


def test_a_legacy_number_is_accepted_when_given(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="李莉")
    assert cards.issue_card(uow, owner, added.id, "v100000").number == "V100000"


def test_a_wrong_check_digit_is_refused(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="甲")
    good = card_rules.number_for_serial(42)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="check digit"):
        cards.issue_card(uow, owner, added.id, bad)
    assert members.get_member(uow, owner, added.id).cards == ()


def test_a_member_holds_one_active_card(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="甲")
    cards.issue_card(uow, owner, added.id)
    with pytest.raises(Conflict, match="replace"):
        cards.issue_card(uow, owner, added.id)


def test_a_card_number_belongs_to_one_member(uow: UnitOfWork, owner: Actor, clock) -> None:
    one = members.add_member(uow, owner, name="甲")
    two = members.add_member(uow, owner, name="乙")
    cards.issue_card(uow, owner, one.id, "V100001")
    with pytest.raises(Conflict, match="甲"):
        cards.issue_card(uow, owner, two.id, "V100001")


def test_a_lost_card_stops_working_and_search_says_whose_it_was(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    added = members.add_member(uow, owner, name="王芳")
    card = cards.issue_card(uow, owner, added.id)
    cards.report_lost(uow, owner, card.number)
    found = search_members(uow, owner, card.number)
    assert "lost" in found.notice and "王芳" in found.notice
    assert [hit.name for hit in found.hits] == ["王芳"]
    replacement = cards.replace_card(uow, owner, added.id)
    assert replacement.replaced_number == card.number
    view = members.get_member(uow, owner, added.id)
    assert view.active_card is not None and view.active_card.number == replacement.number
    assert "replaced" in search_members(uow, owner, card.number).notice
    with pytest.raises(Conflict):
        cards.report_lost(uow, owner, card.number)


def test_replacing_moves_what_hangs_on_the_card(uow: UnitOfWork, owner: Actor, clock) -> None:
    moved: list[tuple[int, int]] = []
    cards.CARD_MOVES.append(lambda session, old, new: moved.append((old, new)))
    try:
        added = members.add_member(uow, owner, name="王芳")
        old = cards.issue_card(uow, owner, added.id)
        new = cards.replace_card(uow, owner, added.id)
    finally:
        cards.CARD_MOVES.pop()
    assert moved == [(old.id, new.id)]


def test_closing_is_refused_while_another_area_says_the_card_carries_value(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    added = members.add_member(uow, owner, name="王芳")
    card = cards.issue_card(uow, owner, added.id)

    def still_holds_value(session, card_id):  # type: ignore[no-untyped-def]
        return "Refund ¥100 first."

    cards.CLOSE_CHECKS.append(still_holds_value)
    try:
        with pytest.raises(Conflict, match="Refund"):
            cards.close_card(uow, owner, card.number)
    finally:
        cards.CLOSE_CHECKS.remove(still_holds_value)
    assert cards.close_card(uow, owner, card.number).status == "closed"
