"""`salon report NAME`: every report in one shape — table, csv, json or xlsx."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    open_database,
    parse_day,
    print_table,
)
from salon_tui.i18n import _


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


def report_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The report; `salon report list` names them all."))],
    day: Annotated[str | None, typer.Option("--date", help=_("One day (YYYY-MM-DD)."))] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help=_("First day of a range."))
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help=_("Last day of a range (default: today)."))
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help=_("A whole month (YYYY-MM)."))
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help=_("Group over time by day, week or month."))
    ] = "day",
    output_format: Annotated[
        Format, typer.Option("--format", help=_("table, csv, json or xlsx."))
    ] = Format.TABLE,
    out: Annotated[
        Path | None, typer.Option("--out", help=_("Write to this file (needed for xlsx)."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Same as --format json."))] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help=_("Balances at the end of this day (liabilities; default today).")
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store", help=_("One store of the chain by its code (default: every store).")
        ),
    ] = None,
) -> None:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.domain.periods import Bucket, resolve_period
    from salon_tui.services import reports, settings

    uow = open_database()
    if name == "list":
        for spec in reports.list_reports():
            typer.echo(f"{spec.name:<14} {_(spec.description)}")
        return
    if as_json:
        output_format = Format.JSON
    try:
        bucket = Bucket(by)
    except ValueError:
        raise UsageProblem(_("--by is day, week or month.")) from None
    shop = settings.get_shop_settings(uow)
    today = business_date(utc_now(), shop.timezone)
    try:
        period = resolve_period(day=day, start=date_from, end=date_to, month=month, today=today)
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    if output_format is Format.XLSX and out is None:
        raise UsageProblem(_("xlsx needs --out FILE.xlsx."))
    at_day = parse_day(at, "--at")
    covered = reports.report_store(uow, store)
    actor = acting_staff(ctx, uow)
    result = reports.run_report(
        uow,
        actor,
        name,
        reports.ReportRequest(
            period=period,
            bucket=bucket,
            today=today,
            options={"at": at_day} if at_day else {},
            store=covered,
        ),
    )
    _emit(result, output_format, out, shop.locale)


def _emit(result: Any, output_format: Format, out: Path | None, locale: str) -> None:
    from salon_tui.services import report_files

    if output_format is Format.XLSX:
        assert out is not None
        report_files.write_xlsx(result, out)
        typer.echo(_("Wrote {path}.").format(path=out))
    elif output_format is Format.CSV:
        if out is not None:
            report_files.write_csv(result, out)
            typer.echo(_("Wrote {path}.").format(path=out))
        else:
            sys.stdout.write(report_files.to_csv_text(result))
    elif output_format is Format.JSON:
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
        if out is not None:
            out.write_text(text + "\n", encoding="utf-8")
            typer.echo(_("Wrote {path}.").format(path=out))
        else:
            typer.echo(text)
    else:
        _print_tables(result, locale)


def _print_tables(result: Any, locale: str) -> None:
    from salon_tui.services.reports import display_value

    typer.echo(result.heading)
    for section in result.sections:
        rows = [
            [display_value(c, row.get(c.key), result.currency, locale) for c in section.columns]
            for row in section.rows
        ]
        if not rows:
            typer.echo(f"\n{section.title}: " + _("nothing in this period."))
            continue
        typer.echo("")
        print_table([c.header for c in section.columns], rows, title=section.title)
    for note in result.notes:
        typer.echo(note)
