"""Export kinds of the foundation: staff and the audit log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from salon_tui.domain.clock import shop_time
from salon_tui.domain.permissions import ROLE_LABELS
from salon_tui.i18n import N_, _
from salon_tui.services import audit, settings, staff
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register


def _staff_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    for person in staff.list_staff(request.uow, include_inactive=True):
        yield [
            person.id,
            person.name,
            person.role.value,
            _(ROLE_LABELS[person.role]),
            person.active,
        ]


register(
    ExportKind(
        name="staff",
        title=N_("Staff"),
        permission="staff.view",
        columns=(
            ExportColumn(N_("ID"), N_("The staff member's number in this shop.")),
            ExportColumn(N_("Name"), N_("The name they log in with.")),
            ExportColumn(N_("Role code"), N_("owner, manager, front_desk or stylist.")),
            ExportColumn(N_("Role"), N_("The role, in the shop's language.")),
            ExportColumn(N_("Active"), N_("False once deactivated; their history stays.")),
        ),
        rows=_staff_rows,
    )
)


def _audit_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    shop = settings.get_shop_settings(request.uow)
    entries = audit.list_entries(
        request.uow, request.actor, since=request.period.start, timezone=shop.timezone
    )
    end = request.period.end
    for entry in entries:
        local = shop_time(entry.at, shop.timezone)
        if end is not None and local.date() > end:
            break
        yield [
            entry.seq,
            local.replace(tzinfo=None),
            entry.staff_name,
            entry.action,
            entry.entity,
            entry.entity_id,
            str(entry.before),
            str(entry.after),
        ]


register(
    ExportKind(
        name="audit",
        title=N_("Audit log"),
        permission="audit.view",
        columns=(
            ExportColumn(N_("Seq"), N_("Position in the hash chain.")),
            ExportColumn(N_("When"), N_("Shop time of the action.")),
            ExportColumn(N_("Staff"), N_("Who acted (system for automatic steps).")),
            ExportColumn(N_("Action"), N_("What was done, as area.verb.")),
            ExportColumn(N_("Entity"), N_("The kind of thing acted on.")),
            ExportColumn(N_("Entity ID"), N_("Which one.")),
            ExportColumn(N_("Before"), N_("Changed fields before the action.")),
            ExportColumn(N_("After"), N_("Changed fields after the action.")),
        ),
        rows=_audit_rows,
    )
)
