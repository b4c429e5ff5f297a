"""PIN login with lockout, PIN hashing (argon2id), and PIN re-entry for sensitive steps.

Every attempt is audited, including refused ones. An unknown name and a wrong PIN
get the same message, so the login screen does not tell who works here.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from salon_tui.data.models import Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.lockout import normalise_pin, pin_problem, state_after_failure
from salon_tui.domain.permissions import Role
from salon_tui.errors import LoginRefused, PermissionDenied, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit

if TYPE_CHECKING:
    from argon2 import PasswordHasher

WRONG_LOGIN = N_("Wrong name or PIN.")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    # OWASP's argon2id minimum (19 MiB, 2 passes): quick enough on a Raspberry Pi.
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1, type=Type.ID)


def hash_pin(pin: str) -> str:
    problem = pin_problem(pin)
    if problem:
        raise ValidationError(problem, field="pin")
    return _hasher().hash(normalise_pin(pin))


def pin_matches(pin_hash: str, pin: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(pin_hash, normalise_pin(pin)))
    except (VerificationError, InvalidHashError):
        return False


def name_key(name: str) -> str:
    """The form two names are compared in: width- and case-insensitive, spaces squeezed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def find_staff_by_name(session: Session, name: str) -> Staff | None:
    return session.exec(select(Staff).where(col(Staff.name_key) == name_key(name))).first()


@dataclass(frozen=True)
class _Outcome:
    actor: Actor | None
    refusal: str | None


def login(
    uow: UnitOfWork, pin: str, *, staff_id: int | None = None, name: str | None = None
) -> Actor:
    """Check a PIN for a staff member picked by id (login screen) or name (CLI).

    Five wrong PINs in a row make the account wait 60 s, doubling after each further
    failure; twenty lock it until a manager or owner resets the PIN.
    """
    with uow.transaction() as session:
        outcome = _attempt(session, pin, staff_id=staff_id, name=name)
    if outcome.refusal is not None:
        raise LoginRefused(outcome.refusal)
    assert outcome.actor is not None
    return outcome.actor


def _attempt(session: Session, pin: str, *, staff_id: int | None, name: str | None) -> _Outcome:
    now = utc_now()
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    if staff is None and name is not None:
        staff = find_staff_by_name(session, name)
    attempted = str(staff_id if staff_id is not None else name)
    if staff is None or not staff.active:
        audit.record(
            session,
            _anonymous(),
            "login.failed",
            "staff",
            attempted if staff is None else staff.id,
            after={"reason": "unknown" if staff is None else "inactive"},
        )
        return _Outcome(None, _(WRONG_LOGIN))
    who = _actor(staff)
    if staff.hard_locked:
        audit.record(session, who, "login.refused", "staff", staff.id, after={"reason": "locked"})
        return _Outcome(
            None,
            _(
                "This account is locked after too many wrong PINs. A manager or owner can reset the PIN."
            ),
        )
    if staff.wait_until is not None and now < staff.wait_until:
        seconds = math.ceil((staff.wait_until - now).total_seconds())
        audit.record(session, who, "login.refused", "staff", staff.id, after={"reason": "waiting"})
        return _Outcome(
            None, _("Too many wrong PINs. Try again in {seconds} s.").format(seconds=seconds)
        )
    if not pin_matches(staff.pin_hash, pin):
        staff.failed_logins += 1
        state = state_after_failure(staff.failed_logins, now)
        staff.hard_locked = state.hard_locked
        staff.wait_until = state.wait_until
        staff.updated_at = now
        session.add(staff)
        audit.record(
            session,
            who,
            "login.failed",
            "staff",
            staff.id,
            after={"reason": "wrong_pin", "failed_logins": staff.failed_logins},
        )
        return _Outcome(None, _(WRONG_LOGIN))
    if staff.failed_logins or staff.wait_until is not None:
        staff.failed_logins = 0
        staff.wait_until = None
        staff.updated_at = now
        session.add(staff)
    audit.record(session, who, "login.succeeded", "staff", staff.id)
    return _Outcome(who, None)


def confirm_with_pin(uow: UnitOfWork, pin: str, *, staff_id: int, permission: str) -> Actor:
    """Re-check a PIN on the spot (a manager approving a large discount, say).

    Counts towards the same lockout as the login screen; the approver must hold
    ``permission``.
    """
    approver = login(uow, pin, staff_id=staff_id)
    if not approver.can(permission):
        raise PermissionDenied(_("{name} may not approve this.").format(name=approver.name))
    return approver


def _actor(staff: Staff) -> Actor:
    assert staff.id is not None
    return Actor(staff_id=staff.id, name=staff.name, role=Role(staff.role))


def _anonymous() -> Actor:
    return Actor(staff_id=None, name="?", role=None)


def is_waiting(staff: Staff, now: datetime) -> bool:
    return staff.wait_until is not None and now < staff.wait_until
