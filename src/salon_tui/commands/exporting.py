"""`salon export KIND --out FILE`: everything out again, as xlsx or csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salon_tui.commands._common import UsageProblem, acting_staff, open_database, parse_day
from salon_tui.i18n import _


def export_command(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help=_(
                "What to export: members, sales, payments, commissions, ledgers, bookings, "
                "packages, services, products, stock, staff, audit, or `all` (one workbook "
                "of everything)."
            )
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help=_("The .xlsx or .csv file to write."))],
    date_from: Annotated[
        str | None, typer.Option("--from", help=_("From this day (YYYY-MM-DD)."))
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help=_("Up to and including this day."))
    ] = None,
    segment: Annotated[
        str | None, typer.Option("--segment", help=_("Only members of this saved segment."))
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help=_("CSV encoding: utf-8 (with BOM, for Excel) or gbk."))
    ] = "utf-8",
) -> None:
    from salon_tui.services import exports

    if encoding.lower().replace("-", "") not in {"utf8", "gbk", "gb18030"}:
        raise UsageProblem(_("The encoding is utf-8 or gbk."))
    chosen = "utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding.lower()
    period = exports.Period(parse_day(date_from, "--from"), parse_day(date_to, "--to"))
    uow = open_database()
    actor = acting_staff(ctx, uow)
    options = {"segment": segment} if segment else {}
    result = exports.export(uow, actor, kind, out, period=period, encoding=chosen, options=options)
    typer.echo(_("Wrote {path} ({kinds}).").format(path=result.path, kinds=", ".join(result.kinds)))
