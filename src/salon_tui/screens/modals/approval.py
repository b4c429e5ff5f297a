"""A manager's PIN on the spot in a form: when the person at the desk may not do an
action alone (a refund), the form adds who approves it (the staff who may) and their
PIN; the action runs with that approval (``services.approvals``), or is refused with the
reason (a wrong PIN counts towards that manager's lockout, as at login)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon_tui.errors import ValidationError
from salon_tui.i18n import _
from salon_tui.screens.modals.prepaid_forms import FormField

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.services.sales import Approval

APPROVER = "approver"
APPROVER_PIN = "approver_pin"


def may_start(actor: Actor, permission: str, desk_permission: str) -> bool:
    """Whether ``actor`` may open the action: they hold ``permission``, or they work the
    desk (``desk_permission``) and a manager can approve it on the spot."""
    return actor.can(permission) or actor.can(desk_permission)


def approval_fields(uow: UnitOfWork, actor: Actor, permission: str) -> list[FormField]:
    """The approver and PIN fields, when ``actor`` may not do ``permission`` alone."""
    if actor.can(permission):
        return []
    from salon_tui.services import approvals

    people = approvals.approvers(uow, permission)
    return [
        FormField(
            APPROVER,
            _("Manager who approves (you may not do this alone)"),
            choices=[(person.name, str(person.staff_id)) for person in people],
        ),
        FormField(APPROVER_PIN, _("Their PIN"), max_length=8, password=True),
    ]


def approval_from(uow: UnitOfWork, values: dict[str, str], permission: str) -> Approval | None:
    """Check the approver's PIN (in a worker); None when the form asked for none."""
    if APPROVER not in values:
        return None
    if not values[APPROVER]:
        raise ValidationError(_("Nobody here may approve this."), field=APPROVER)
    if not values.get(APPROVER_PIN):
        raise ValidationError(
            _("The manager enters their PIN to approve this."), field=APPROVER_PIN
        )
    from salon_tui.services import approvals

    return approvals.approve(uow, int(values[APPROVER]), values[APPROVER_PIN], permission)


def approved_note(approval: Approval | None) -> str:
    """The sentence saying who approved, for the notification ("" when nobody had to)."""
    if approval is None:
        return ""
    return " " + _("Approved by {name}.").format(name=approval.name)
