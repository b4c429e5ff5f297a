"""Managing staff accounts: who may do what to whom, and what always stays true."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import audit, staff


def test_adding_staff_stores_them_and_audits_it(uow: UnitOfWork, owner: Actor) -> None:
    added = staff.add_staff(uow, owner, "  李娜   Nina ", "front_desk", "1234")
    assert added.name == "李娜 Nina"
    names = {person.name for person in staff.list_staff(uow)}
    assert names == {"Olivia Owner", "李娜 Nina"}
    last = audit.list_entries(uow, owner)[-1]
    assert (last.action, last.staff_name, last.after) == (
        "staff.add",
        "Olivia Owner",
        {"name": "李娜 Nina", "role": "front_desk"},
    )


@pytest.mark.parametrize("duplicate", ["olivia owner", "OLIVIA  OWNER", "Ｏｌｉｖｉａ Owner"])
def test_duplicate_names_are_refused_ignoring_case_width_and_spaces(
    uow: UnitOfWork, owner: Actor, duplicate: str
) -> None:
    with pytest.raises(Conflict, match="already a staff member called Olivia Owner"):
        staff.add_staff(uow, owner, duplicate, Role.STYLIST, "1234")


@pytest.mark.parametrize(
    ("name", "pin", "field"),
    [
        ("", "1234", "name"),
        ("A" * 41, "1234", "name"),
        ("Bad\x07", "1234", "name"),
        ("Ok", "12", "pin"),
        ("Ok", "12ab", "pin"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_added(
    uow: UnitOfWork, owner: Actor, name: str, pin: str, field: str
) -> None:
    before = staff.list_staff(uow, include_inactive=True)
    with pytest.raises(ValidationError) as refused:
        staff.add_staff(uow, owner, name, Role.STYLIST, pin)
    assert refused.value.field == field
    assert staff.list_staff(uow, include_inactive=True) == before


def test_an_unknown_role_is_refused(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(ValidationError, match="Unknown role"):
        staff.add_staff(uow, owner, "X", "janitor", "1234")


def test_front_desk_and_stylists_cannot_manage_staff(uow: UnitOfWork, make_actor) -> None:
    for role in (Role.FRONT_DESK, Role.STYLIST):
        actor = make_actor(role)
        with pytest.raises(PermissionDenied):
            staff.add_staff(uow, actor, f"new {role}", Role.STYLIST, "1234")


def test_a_manager_cannot_create_or_promote_to_manager_or_owner(
    uow: UnitOfWork, make_actor
) -> None:
    manager = make_actor(Role.MANAGER)
    stylist = make_actor(Role.STYLIST)
    with pytest.raises(PermissionDenied):
        staff.add_staff(uow, manager, "Boss", Role.OWNER, "1234")
    with pytest.raises(PermissionDenied):
        staff.set_role(uow, manager, stylist.staff_id, Role.MANAGER)
    assert staff.set_role(uow, manager, stylist.staff_id, Role.FRONT_DESK).role is Role.FRONT_DESK


def test_a_manager_cannot_touch_the_owner(uow: UnitOfWork, owner: Actor, make_actor) -> None:
    manager = make_actor(Role.MANAGER)
    with pytest.raises(PermissionDenied):
        staff.reset_pin(uow, manager, owner.staff_id, "0000")
    with pytest.raises(PermissionDenied):
        staff.set_active(uow, manager, owner.staff_id, False)


def test_the_only_owner_keeps_the_role_and_stays_active(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(Conflict, match="only owner"):
        staff.set_role(uow, owner, owner.staff_id, Role.MANAGER)
    second = staff.add_staff(uow, owner, "Second Owner", Role.OWNER, "1234")
    with pytest.raises(Conflict, match="own account"):
        staff.set_active(uow, owner, owner.staff_id, False)
    assert staff.set_role(uow, owner, owner.staff_id, Role.MANAGER).role is Role.MANAGER
    second_actor = Actor(second.id, second.name, Role.OWNER)
    with pytest.raises(Conflict, match="only owner"):
        staff.set_role(uow, second_actor, second.id, Role.STYLIST)


def test_deactivated_staff_stay_in_the_list_on_request(
    uow: UnitOfWork, owner: Actor, make_actor
) -> None:
    stylist = make_actor(Role.STYLIST)
    staff.set_active(uow, owner, stylist.staff_id, False)
    assert stylist.staff_id not in {p.id for p in staff.list_staff(uow)}
    assert stylist.staff_id in {p.id for p in staff.list_staff(uow, include_inactive=True)}
    assert staff.set_active(uow, owner, stylist.staff_id, True).active


def test_anyone_may_change_their_own_pin(uow: UnitOfWork, make_actor) -> None:
    from salon_tui.services import auth

    stylist = make_actor(Role.STYLIST)
    staff.reset_pin(uow, stylist, stylist.staff_id, "97531")
    assert auth.login(uow, "97531", staff_id=stylist.staff_id) == stylist
