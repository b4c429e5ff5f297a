"""The permission matrix: data in one place, deny by default."""

from __future__ import annotations

import pytest

from salon_tui.domain.actor import SYSTEM, Actor
from salon_tui.domain.permissions import PERMISSION_MATRIX, Role, is_allowed, may_assign_role


def test_unknown_permissions_are_refused_to_everyone_even_the_owner() -> None:
    assert not is_allowed(Role.OWNER, "no.such.permission")


def test_unknown_roles_hold_no_permission() -> None:
    assert not is_allowed("janitor", "home.view")


def test_the_system_actor_holds_no_permission() -> None:
    assert not any(SYSTEM.can(permission) for permission in PERMISSION_MATRIX)


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.OWNER, "db.admin", True),
        (Role.MANAGER, "db.admin", False),
        (Role.MANAGER, "staff.manage", True),
        (Role.FRONT_DESK, "staff.manage", False),
        (Role.STYLIST, "audit.view", False),
        (Role.STYLIST, "home.view", True),
        (Role.FRONT_DESK, "settings.shop", False),
    ],
)
def test_matrix_rows(role: Role, permission: str, allowed: bool) -> None:
    assert Actor(1, "x", role).can(permission) is allowed


def test_every_permission_is_held_by_the_owner() -> None:
    # The owner is the shop's last resort: nothing in the matrix may lock them out.
    assert all(Role.OWNER in roles for roles in PERMISSION_MATRIX.values())


def test_a_manager_assigns_only_front_desk_and_stylist_roles() -> None:
    assert may_assign_role(Role.MANAGER, Role.STYLIST)
    assert may_assign_role(Role.MANAGER, Role.FRONT_DESK)
    assert not may_assign_role(Role.MANAGER, Role.MANAGER)
    assert not may_assign_role(Role.MANAGER, Role.OWNER)
    assert not may_assign_role(Role.FRONT_DESK, Role.STYLIST)
    assert all(may_assign_role(Role.OWNER, role) for role in Role)
