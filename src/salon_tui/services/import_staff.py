"""The staff import kind: name, role and first PIN, in Chinese or English headers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlmodel import Session

from salon_tui.domain.actor import Actor
from salon_tui.domain.lockout import pin_problem
from salon_tui.domain.permissions import ROLE_LABELS, Role, may_assign_role
from salon_tui.domain.tabular import Column, cell_text, header_key
from salon_tui.errors import PermissionDenied, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services.auth import find_staff_by_name, name_key
from salon_tui.services.imports import (
    ImportKind,
    ImportOptions,
    RowContext,
    RowProblems,
    problem,
    register,
)
from salon_tui.services.staff import clean_name, create_staff

COLUMNS = (
    Column("name", ("姓名", "员工姓名", "员工", "staff", "staff name"), required=True),
    Column("role", ("角色", "职位", "岗位", "position")),
    Column("pin", ("密码", "初始密码", "pin code")),
)

# Role names people write, in both languages, beside the stored values.
ROLE_WORDS = {
    **{header_key(role.value): role for role in Role},
    **{header_key(label): role for role, label in ROLE_LABELS.items()},
    header_key("店主"): Role.OWNER,
    header_key("老板"): Role.OWNER,
    header_key("店长"): Role.MANAGER,
    header_key("经理"): Role.MANAGER,
    header_key("前台"): Role.FRONT_DESK,
    header_key("收银"): Role.FRONT_DESK,
    header_key("收银员"): Role.FRONT_DESK,
    header_key("发型师"): Role.STYLIST,
    header_key("技师"): Role.STYLIST,
    header_key("美甲师"): Role.STYLIST,
    header_key("美容师"): Role.STYLIST,
}


@dataclass(frozen=True)
class StaffRow:
    row: int
    name: str
    role: Role
    pin: str


def read_row(context: RowContext, row: int, values: dict[str, Any]) -> StaffRow:
    found = []
    name = ""
    raw_name = cell_text(values.get("name"))
    try:
        name = clean_name(raw_name)
    except ValidationError as error:
        kind = "missing_name" if not raw_name else "bad_name"
        found.append(problem(row, "name", raw_name, kind, error.message))
    role_text = cell_text(values.get("role")) or Role.STYLIST.value
    role = ROLE_WORDS.get(header_key(role_text))
    if role is None:
        found.append(
            problem(
                row,
                "role",
                role_text,
                "unknown_role",
                _("Unknown role {value!r}.").format(value=role_text),
            )
        )
    pin = cell_text(values.get("pin"))
    pin_issue = pin_problem(pin) if pin else _("A first PIN is needed.")
    if pin_issue:
        found.append(problem(row, "pin", "****" if pin else "", "bad_pin", pin_issue))
    if name:
        earlier = context.first_row_with("name", name_key(name), row)
        if earlier is not None:
            found.append(
                problem(
                    row, "name", name, "dup_name", _("Same name as row {row}.").format(row=earlier)
                )
            )
    if found:
        raise RowProblems(found)
    assert role is not None
    return StaffRow(row, name, role, pin)


def write(
    session: Session, actor: Actor, slices: Iterable[list[StaffRow]], options: ImportOptions
) -> dict[str, int]:
    """Add the new names; names already here stay as they are (a re-import adds nothing)."""
    added = unchanged = 0
    assert actor.role is not None
    for record in chain.from_iterable(slices):
        if find_staff_by_name(session, record.name) is not None:
            unchanged += 1
            continue
        if not may_assign_role(actor.role, record.role):
            raise PermissionDenied(
                _("Only an owner can add {role} accounts (row {row}).").format(
                    role=_(ROLE_LABELS[record.role]), row=record.row
                )
            )
        create_staff(session, actor, record.name, record.role, record.pin)
        added += 1
    return {"added": added, "unchanged": unchanged}


STAFF_IMPORT = register(
    ImportKind(
        name="staff",
        title=N_("Staff"),
        permission="staff.manage",
        columns=COLUMNS,
        read_row=read_row,
        write=write,
    )
)
