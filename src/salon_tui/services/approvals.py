"""A manager's PIN on the spot: someone at the desk starts an action they may not do
alone (a refund), and a manager or owner standing beside them enters their PIN to
authorise that one action.

The PIN is checked like a login (``auth.confirm_with_pin``: the same wrong-PIN count and
lockout, audited), and the approver must hold the action's permission. The action then
runs as the person at the desk, and its audit entry names the approver too
(``approved_by``). Large manual discounts use the same check (``sales.approve``).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import is_allowed
from salon_tui.errors import PermissionDenied
from salon_tui.i18n import _
from salon_tui.services.permissions import require
from salon_tui.services.sales import Approval


def approvers(uow: UnitOfWork, permission: str) -> list[Approval]:
    """The active staff who may approve ``permission`` on the spot, by name."""
    with uow.read() as session:
        people = session.exec(
            select(Staff).where(col(Staff.active).is_(True)).order_by(col(Staff.name))
        ).all()
        return [
            Approval(person.id, person.name)
            for person in people
            if person.id is not None and is_allowed(person.role, permission)
        ]


def approve(uow: UnitOfWork, staff_id: int, pin: str, permission: str) -> Approval:
    """``staff_id`` approves one ``permission`` action with their PIN, checked (and
    audited, and counted towards lockout) like a login; refused for a wrong PIN or
    someone who may not do it themselves."""
    from salon_tui.services.auth import confirm_with_pin

    approver = confirm_with_pin(uow, pin, staff_id=staff_id, permission=permission)
    assert approver.staff_id is not None
    return Approval(approver.staff_id, approver.name)


def check_allowed(actor: Actor, permission: str, approval: Approval | None) -> None:
    """Before any work: ``actor`` holds ``permission`` or brings an approval."""
    if approval is None:
        require(actor, permission)


def approved_by(
    session: Session, actor: Actor, permission: str, approval: Approval | None
) -> dict[str, Any]:
    """Inside the action's transaction: what its audit keeps of who allowed it. Nothing
    when ``actor`` holds ``permission``; the approver when their PIN approved it (read
    again: still active and still allowed); refused otherwise."""
    if actor.can(permission):
        return {}
    if approval is None:
        require(actor, permission)
    assert approval is not None
    person = session.get(Staff, approval.staff_id)
    if person is None or not person.active or not is_allowed(person.role, permission):
        raise PermissionDenied(_("{name} may not approve this.").format(name=approval.name))
    return {"approved_by": person.name, "approved_by_id": person.id}
