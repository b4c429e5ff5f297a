"""Staff accounts: add, change role, reset PIN, deactivate — with the rules that keep
the shop reachable (someone always holds the owner role) and roles in their place
(a manager manages front desk and stylists, only an owner manages owners and managers).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.lockout import pin_problem
from salon_tui.domain.permissions import ROLE_LABELS, Role, may_assign_role
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.auth import find_staff_by_name, hash_pin, name_key
from salon_tui.services.permissions import require

NAME_MAX = 40


@dataclass(frozen=True)
class StaffView:
    id: int
    name: str
    role: Role
    active: bool
    hard_locked: bool
    wait_until: datetime | None
    failed_logins: int

    @property
    def role_label(self) -> str:
        return _(ROLE_LABELS[self.role])

    def is_waiting(self, now: datetime) -> bool:
        return self.wait_until is not None and now < self.wait_until


def staff_view(staff: Staff) -> StaffView:
    assert staff.id is not None
    return StaffView(
        id=staff.id,
        name=staff.name,
        role=Role(staff.role),
        active=staff.active,
        hard_locked=staff.hard_locked,
        wait_until=staff.wait_until,
        failed_logins=staff.failed_logins,
    )


def clean_name(name: str) -> str:
    """A staff name as stored: trimmed, NFC, no control characters, 1–40 characters."""
    cleaned = unicodedata.normalize("NFC", " ".join(name.split()))
    if not cleaned:
        raise ValidationError(_("A name is needed."), field="name")
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise ValidationError(_("The name contains invisible control characters."), field="name")
    if len(cleaned) > NAME_MAX:
        raise ValidationError(
            _("A name has at most {limit} characters.").format(limit=NAME_MAX), field="name"
        )
    return cleaned


def parse_role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        names = ", ".join(role.value for role in Role)
        raise ValidationError(
            _("Unknown role {value!r}; choose one of: {names}.").format(value=value, names=names),
            field="role",
        ) from None


def list_staff(uow: UnitOfWork, *, include_inactive: bool = False) -> list[StaffView]:
    """Staff in name order. Names and roles only: the login screen shows them."""
    query = select(Staff).order_by(col(Staff.name_key))
    if not include_inactive:
        query = query.where(col(Staff.active).is_(True))
    with uow.read() as session:
        return [staff_view(row) for row in session.exec(query)]


def get_staff(uow: UnitOfWork, staff_id: int) -> StaffView:
    with uow.read() as session:
        return staff_view(_load(session, staff_id))


def _load(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(_("There is no staff member #{id}.").format(id=staff_id))
    return staff


def _check_may_manage(actor: Actor, target_role: Role) -> None:
    require(actor, "staff.manage")
    assert actor.role is not None
    if not may_assign_role(actor.role, target_role):
        raise PermissionDenied(
            _("Only an owner can manage {role} accounts.").format(role=_(ROLE_LABELS[target_role]))
        )


def _active_owner_count(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(Staff)
        .where(col(Staff.role) == Role.OWNER.value, col(Staff.active).is_(True))
    ).one()


def create_staff(session: Session, actor: Actor, name: str, role: Role, pin: str) -> Staff:
    """Insert a staff account inside the caller's transaction (used by init and demo too)."""
    cleaned = clean_name(name)
    problem = pin_problem(pin)
    if problem:
        raise ValidationError(problem, field="pin")
    existing = find_staff_by_name(session, cleaned)
    if existing is not None:
        raise Conflict(
            _("There is already a staff member called {name}.").format(name=existing.name)
        )
    now = utc_now()
    staff = Staff(
        name=cleaned,
        name_key=name_key(cleaned),
        role=role.value,
        pin_hash=hash_pin(pin),
        created_at=now,
        updated_at=now,
    )
    session.add(staff)
    session.flush()
    audit.record(
        session, actor, "staff.add", "staff", staff.id, after={"name": cleaned, "role": role.value}
    )
    return staff


def add_staff(uow: UnitOfWork, actor: Actor, name: str, role: Role | str, pin: str) -> StaffView:
    """Add an account. Names are unique (ignoring case and width); PINs 4–8 digits."""
    target_role = parse_role(role)
    _check_may_manage(actor, target_role)
    with uow.transaction() as session:
        return staff_view(create_staff(session, actor, name, target_role, pin))


def set_role(uow: UnitOfWork, actor: Actor, staff_id: int, role: Role | str) -> StaffView:
    """Change someone's role. The last active owner keeps the owner role."""
    new_role = parse_role(role)
    with uow.transaction() as session:
        staff = _load(session, staff_id)
        old_role = Role(staff.role)
        _check_may_manage(actor, old_role)
        _check_may_manage(actor, new_role)
        if old_role == new_role:
            return staff_view(staff)
        if old_role is Role.OWNER and staff.active and _active_owner_count(session) <= 1:
            raise Conflict(
                _("{name} is the only owner; make someone else owner first.").format(
                    name=staff.name
                )
            )
        staff.role = new_role.value
        staff.updated_at = utc_now()
        session.add(staff)
        audit.record(
            session,
            actor,
            "staff.set_role",
            "staff",
            staff.id,
            before={"role": old_role.value},
            after={"role": new_role.value},
        )
        return staff_view(staff)


def reset_pin(uow: UnitOfWork, actor: Actor, staff_id: int, new_pin: str) -> StaffView:
    """Give someone a new PIN; clears any lockout. Anyone may change their own PIN."""
    problem = pin_problem(new_pin)
    if problem:
        raise ValidationError(problem, field="pin")
    with uow.transaction() as session:
        staff = _load(session, staff_id)
        if staff.id != actor.staff_id:
            _check_may_manage(actor, Role(staff.role))
        staff.pin_hash = hash_pin(new_pin)
        was_locked = staff.hard_locked or staff.wait_until is not None
        staff.failed_logins = 0
        staff.wait_until = None
        staff.hard_locked = False
        staff.updated_at = utc_now()
        session.add(staff)
        audit.record(
            session,
            actor,
            "staff.reset_pin",
            "staff",
            staff.id,
            before={"locked": was_locked},
            after={"locked": False},
        )
        return staff_view(staff)


def set_active(uow: UnitOfWork, actor: Actor, staff_id: int, active: bool) -> StaffView:
    """Deactivate (they can no longer log in; their history stays) or reactivate."""
    with uow.transaction() as session:
        staff = _load(session, staff_id)
        _check_may_manage(actor, Role(staff.role))
        if staff.active == active:
            return staff_view(staff)
        if not active:
            if staff.id == actor.staff_id:
                raise Conflict(_("You cannot deactivate your own account."))
            if staff.role == Role.OWNER.value and _active_owner_count(session) <= 1:
                raise Conflict(
                    _("{name} is the only owner and stays active.").format(name=staff.name)
                )
        staff.active = active
        staff.updated_at = utc_now()
        session.add(staff)
        audit.record(
            session,
            actor,
            "staff.activate" if active else "staff.deactivate",
            "staff",
            staff.id,
            before={"active": not active},
            after={"active": active},
        )
        return staff_view(staff)


def find_staff(uow: UnitOfWork, name: str) -> StaffView:
    """The account called ``name`` (ignoring case and width), active or not."""
    with uow.read() as session:
        staff = find_staff_by_name(session, name)
        if staff is None:
            raise NotFound(_("There is no staff member called {name}.").format(name=name))
        return staff_view(staff)
