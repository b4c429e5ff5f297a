"""`salon audit …`: read the audit log and prove it has not been tampered with."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui.commands._common import (
    acting_staff,
    new_app,
    open_database,
    parse_day,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(_("The audit log: who did what, when; and its tamper check."))


@app.command("show", help=_("List audit entries, oldest first."))
def show_command(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", help=_("From this day (YYYY-MM-DD)."))
    ] = None,
    staff: Annotated[str | None, typer.Option("--staff", help=_("Only this staff member."))] = None,
    limit: Annotated[
        int | None, typer.Option("--last", help=_("Only the last N entries."), min=1)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import audit, settings

    since_day = parse_day(since, "--since")
    uow = open_database()
    actor = acting_staff(ctx, uow)
    shop = settings.get_shop_settings(uow)
    entries = audit.list_entries(
        uow, actor, since=since_day, staff_name=staff, timezone=shop.timezone, limit=limit
    )
    if as_json:
        print_json(
            [
                {
                    "seq": entry.seq,
                    "at": entry.at.isoformat(),
                    "staff_id": entry.staff_id,
                    "staff": entry.staff_name,
                    "action": entry.action,
                    "entity": entry.entity,
                    "entity_id": entry.entity_id,
                    "before": entry.before,
                    "after": entry.after,
                }
                for entry in entries
            ]
        )
        return
    print_table(
        ["#", _("When"), _("Staff"), _("Action"), _("What"), _("Change")],
        [
            (
                entry.seq,
                shop_time(entry.at, shop.timezone).strftime("%Y-%m-%d %H:%M:%S"),
                entry.staff_name,
                entry.action,
                f"{entry.entity} {entry.entity_id}",
                _describe_change(entry.before, entry.after),
            )
            for entry in entries
        ],
    )


def _describe_change(before: dict[str, object], after: dict[str, object]) -> str:
    keys = sorted(set(before) | set(after))
    parts = []
    for key in keys:
        if key in before and key in after:
            parts.append(f"{key}: {before[key]} → {after[key]}")
        elif key in after:
            parts.append(f"{key}={after[key]}")
        else:
            parts.append(f"{key}: {before[key]} → ∅")
    return "; ".join(parts)


@app.command("verify", help=_("Check the hash chain; exit 1 naming the first bad entry."))
def verify_command() -> None:
    from salon_tui.services import audit

    uow = open_database()
    report = audit.verify_chain(uow)
    typer.echo(report.describe(), err=not report.ok)
    if not report.ok:
        raise typer.Exit(1)
