"""`salon store …`: the stores of a chain, and which one this computer sells for."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui.commands._common import acting_staff, new_app, open_database, print_json, print_table
from salon_tui.i18n import _

app = new_app(_("Stores of a chain: list, add, edit; choose the store this computer sells for."))


@app.command("list", help=_("List the stores with code, name and status."))
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui import config as machine
    from salon_tui.services import stores

    uow = open_database()
    rows = stores.list_stores(uow)
    here = machine.load_config().store.code
    if as_json:
        print_json(
            [
                {
                    "code": row.code,
                    "name": row.name,
                    "address": row.address,
                    "phone": row.phone,
                    "active": row.active,
                    "this_computer": row.code == here,
                }
                for row in rows
            ]
        )
        return
    print_table(
        [_("Code"), _("Name"), _("Address"), _("Phone"), _("Status"), _("This computer")],
        [
            (
                row.code,
                row.name,
                row.address,
                row.phone,
                _("store open") if row.active else _("store closed"),
                "✓" if row.code == here or (not here and len(rows) == 1) else "",
            )
            for row in rows
        ],
    )


@app.command("add", help=_("Add a store to the chain (owner)."))
def add_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("Its code: 1 to 5 letters or digits (XH)."))],
    name: Annotated[str, typer.Option("--name", help=_("Its name (徐汇店)."))],
    address: Annotated[str, typer.Option("--address", help=_("Its address."))] = "",
    phone: Annotated[str, typer.Option("--phone", help=_("Its phone number."))] = "",
) -> None:
    from salon_tui.services import stores

    uow = open_database()
    actor = acting_staff(ctx, uow)
    added = stores.add_store(uow, actor, code, name, address, phone)
    typer.echo(
        _("Added store {code} {name}. On its computers run `salon store use {code}`.").format(
            code=added.code, name=added.name
        )
    )


@app.command("edit", help=_("Change a store's code, name, address or phone; close or open it."))
def edit_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("The store's code."))],
    new_code: Annotated[
        str | None,
        typer.Option("--code", help=_("A new code (only while the shop has one store).")),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help=_("A new name."))] = None,
    address: Annotated[str | None, typer.Option("--address", help=_("A new address."))] = None,
    phone: Annotated[str | None, typer.Option("--phone", help=_("A new phone number."))] = None,
    active: Annotated[
        bool | None,
        typer.Option(
            "--open/--close", help=_("Open the store again, or close it (its history stays).")
        ),
    ] = None,
) -> None:
    from salon_tui.services import stores

    uow = open_database()
    actor = acting_staff(ctx, uow)
    changed = stores.edit_store(
        uow, actor, code, new_code=new_code, name=name, address=address, phone=phone, active=active
    )
    typer.echo(
        _("Store {code}: {name}, {status}.").format(
            code=changed.code,
            name=changed.name,
            status=_("store open") if changed.active else _("store closed"),
        )
    )


@app.command("use", help=_("Make this computer sell for the store CODE (saved in config.toml)."))
def use_command(
    code: Annotated[str, typer.Argument(help=_("The store's code."))],
) -> None:
    from salon_tui.services import stores

    uow = open_database()
    chosen = stores.use_store(uow, code)
    typer.echo(
        _("This computer now sells for store {code} {name}.").format(
            code=chosen.code, name=chosen.name
        )
    )
