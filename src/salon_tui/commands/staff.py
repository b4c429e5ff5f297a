"""`salon staff …`: list and manage staff accounts from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui.commands._common import acting_staff, new_app, open_database, print_json, print_table
from salon_tui.i18n import _

app = new_app(_("Staff accounts: list, add, change role, reset PIN, deactivate."))


@app.command("list", help=_("List staff with role and status."))
def list_command(
    include_inactive: Annotated[
        bool, typer.Option("--all", help=_("Include deactivated staff."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import staff as staff_service

    uow = open_database()
    members = staff_service.list_staff(uow, include_inactive=include_inactive)
    if as_json:
        print_json(
            [
                {
                    "id": m.id,
                    "name": m.name,
                    "role": m.role.value,
                    "active": m.active,
                    "locked": m.hard_locked,
                }
                for m in members
            ]
        )
        return
    print_table(
        [_("Name"), _("Role"), _("Status")],
        [
            (
                m.name,
                m.role_label,
                _("locked") if m.hard_locked else (_("active") if m.active else _("inactive")),
            )
            for m in members
        ],
    )


@app.command("add", help=_("Add a staff member with a role and a PIN."))
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Their name."))],
    role: Annotated[str, typer.Option("--role", help=_("owner, manager, front_desk or stylist."))],
    pin: Annotated[str, typer.Option("--pin", help=_("Their first PIN (4–8 digits)."))],
) -> None:
    from salon_tui.services import staff as staff_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    added = staff_service.add_staff(uow, actor, name, role, pin)
    typer.echo(_("Added {name} ({role}).").format(name=added.name, role=added.role_label))


@app.command("set-role", help=_("Change a staff member's role."))
def set_role_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Their name."))],
    role: Annotated[str, typer.Argument(help=_("owner, manager, front_desk or stylist."))],
) -> None:
    from salon_tui.services import staff as staff_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    target = staff_service.find_staff(uow, name)
    changed = staff_service.set_role(uow, actor, target.id, role)
    typer.echo(_("{name} is now {role}.").format(name=changed.name, role=changed.role_label))


@app.command("reset-pin", help=_("Give a staff member a new PIN (also unlocks the account)."))
def reset_pin_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Their name."))],
    pin: Annotated[
        str | None, typer.Option("--pin", help=_("The new PIN; asked when omitted."))
    ] = None,
) -> None:
    from salon_tui.services import staff as staff_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    target = staff_service.find_staff(uow, name)
    new_pin = pin or typer.prompt(_("New PIN"), hide_input=True, confirmation_prompt=True)
    changed = staff_service.reset_pin(uow, actor, target.id, new_pin)
    typer.echo(_("New PIN set for {name}.").format(name=changed.name))


@app.command("deactivate", help=_("Stop a staff member from logging in; their history stays."))
def deactivate_command(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=_("Their name."))]
) -> None:
    from salon_tui.services import staff as staff_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = staff_service.set_active(uow, actor, staff_service.find_staff(uow, name).id, False)
    typer.echo(_("{name} can no longer log in.").format(name=changed.name))


@app.command("activate", help=_("Let a deactivated staff member log in again."))
def activate_command(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help=_("Their name."))]
) -> None:
    from salon_tui.services import staff as staff_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = staff_service.set_active(uow, actor, staff_service.find_staff(uow, name).id, True)
    typer.echo(_("{name} can log in again.").format(name=changed.name))
