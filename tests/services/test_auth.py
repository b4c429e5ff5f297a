"""PIN login: right and wrong PINs, the lockout schedule on a fake clock, auditing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import LoginRefused, PermissionDenied
from salon_tui.services import audit, auth, staff
from tests.conftest import OWNER_PIN, STAFF_PIN


def wrong(uow: UnitOfWork, staff_id: int, times: int) -> None:
    for _ in range(times):
        with pytest.raises(LoginRefused):
            auth.login(uow, "0000", staff_id=staff_id)


def test_the_right_pin_logs_in_as_that_person(uow: UnitOfWork, owner: Actor) -> None:
    assert auth.login(uow, OWNER_PIN, name="olivia owner") == owner


def test_full_width_digits_from_a_chinese_ime_are_the_same_pin(
    uow: UnitOfWork, owner: Actor
) -> None:
    assert auth.login(uow, "８８８８", name=owner.name) == owner


def test_unknown_staff_and_wrong_pin_get_the_same_message(uow: UnitOfWork, owner: Actor) -> None:
    with pytest.raises(LoginRefused) as unknown:
        auth.login(uow, OWNER_PIN, name="Nobody")
    with pytest.raises(LoginRefused) as wrong_pin:
        auth.login(uow, "1111", name=owner.name)
    assert unknown.value.message == wrong_pin.value.message


def test_every_attempt_is_audited(uow: UnitOfWork, owner: Actor) -> None:
    auth.login(uow, OWNER_PIN, staff_id=owner.staff_id)
    with pytest.raises(LoginRefused):
        auth.login(uow, "1111", staff_id=owner.staff_id)
    with pytest.raises(LoginRefused):
        auth.login(uow, "1111", name="Ghost")
    actions = [
        entry.action for entry in audit.list_entries(uow, owner) if entry.action.startswith("login")
    ]
    assert actions == ["login.succeeded", "login.failed", "login.failed"]


def test_five_wrong_pins_make_the_account_wait_a_minute(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    wrong(uow, owner.staff_id, 5)
    with pytest.raises(LoginRefused, match="Try again in 60 s"):
        auth.login(uow, OWNER_PIN, staff_id=owner.staff_id)
    clock.shift(timedelta(seconds=61))
    assert auth.login(uow, OWNER_PIN, staff_id=owner.staff_id) == owner


def test_the_wait_doubles_after_each_further_failure(uow: UnitOfWork, owner: Actor, clock) -> None:
    wrong(uow, owner.staff_id, 5)
    clock.shift(timedelta(seconds=61))
    wrong(uow, owner.staff_id, 1)
    with pytest.raises(LoginRefused, match="Try again in 120 s"):
        auth.login(uow, OWNER_PIN, staff_id=owner.staff_id)


def test_a_refused_attempt_during_the_wait_does_not_check_the_pin(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    wrong(uow, owner.staff_id, 5)
    with pytest.raises(LoginRefused, match="Try again"):
        auth.login(uow, "0000", staff_id=owner.staff_id)
    assert staff.get_staff(uow, owner.staff_id).failed_logins == 5


def test_a_success_clears_the_count(uow: UnitOfWork, owner: Actor, clock) -> None:
    wrong(uow, owner.staff_id, 4)
    auth.login(uow, OWNER_PIN, staff_id=owner.staff_id)
    wrong(uow, owner.staff_id, 4)
    assert auth.login(uow, OWNER_PIN, staff_id=owner.staff_id) == owner


def test_twenty_wrong_pins_lock_until_a_manager_resets_the_pin(
    uow: UnitOfWork, owner: Actor, make_actor, clock
) -> None:
    stylist = make_actor(Role.STYLIST)
    for _ in range(20):
        clock.shift(timedelta(days=30))
        wrong(uow, stylist.staff_id, 1)
    clock.shift(timedelta(days=365))
    with pytest.raises(LoginRefused, match="locked"):
        auth.login(uow, STAFF_PIN, staff_id=stylist.staff_id)
    manager = make_actor(Role.MANAGER)
    staff.reset_pin(uow, manager, stylist.staff_id, "5555")
    assert auth.login(uow, "5555", staff_id=stylist.staff_id) == stylist


def test_a_deactivated_account_cannot_log_in(uow: UnitOfWork, owner: Actor, make_actor) -> None:
    stylist = make_actor(Role.STYLIST)
    staff.set_active(uow, owner, stylist.staff_id, False)
    with pytest.raises(LoginRefused, match="Wrong name or PIN"):
        auth.login(uow, STAFF_PIN, staff_id=stylist.staff_id)


def test_confirm_with_pin_needs_the_permission(uow: UnitOfWork, owner: Actor, make_actor) -> None:
    desk = make_actor(Role.FRONT_DESK)
    with pytest.raises(PermissionDenied):
        auth.confirm_with_pin(uow, STAFF_PIN, staff_id=desk.staff_id, permission="staff.manage")
    assert (
        auth.confirm_with_pin(uow, OWNER_PIN, staff_id=owner.staff_id, permission="staff.manage")
        == owner
    )


def test_pins_are_stored_as_argon2id_hashes(uow: UnitOfWork, owner: Actor) -> None:
    from salon_tui.data.models import Staff

    with uow.read() as session:
        stored = session.get(Staff, owner.staff_id)
        assert stored is not None
        assert stored.pin_hash.startswith("$argon2id$")
        assert OWNER_PIN not in stored.pin_hash
