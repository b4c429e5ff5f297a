"""`salon import KIND FILE`: bring members, services, products, staff … in from xlsx or csv."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salon_tui.commands._common import UsageProblem, acting_staff, open_database, print_table
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.services.imports import ImportOptions, ImportReport


def import_command(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help=_("What the file holds: members, services, products, packages, staff.")
        ),
    ],
    file: Annotated[Path, typer.Argument(help=_("The .xlsx or .csv file."))],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check every row and report; write nothing."))
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help=_("Sheet name in an xlsx (default: the first)."))
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help=_("CSV encoding (default: detected: UTF-8 or GBK).")),
    ] = None,
    create_levels: Annotated[
        bool,
        typer.Option(
            "--create-levels", help=_("Create member levels the file names that do not exist.")
        ),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help=_("Import the good rows even when others have problems.")
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help=_("Refresh records that already exist (matched by card number, phone or code)."),
        ),
    ] = False,
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", help=_("Rename a header: THEIR_HEADER=our_column (repeatable).")),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help=_("Write the problems to this .xlsx or .csv file.")),
    ] = None,
) -> None:
    from salon_tui.data import spreadsheets
    from salon_tui.domain.tabular import parse_column_map

    try:
        mapping = parse_column_map(column_map or [])
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    # A large xlsx starts being parsed (by its reading process) while this one loads the
    # app, opens the shop and logs in; the import takes it over, or it is ended.
    spreadsheets.start_reading(file, sheet)
    try:
        from salon_tui.services import imports

        options = imports.ImportOptions(
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            update=update,
            create_levels=create_levels,
            sheet=sheet,
            encoding=encoding,
            column_map=mapping,
        )
        result = _run(ctx, kind, file, options)
    finally:
        spreadsheets.stop_started()
    if report is not None:
        imports.write_report(result, report)
    _print_report(result)
    if result.problems and not result.imported:
        raise typer.Exit(1)


def _run(ctx: typer.Context, kind: str, file: Path, options: ImportOptions) -> ImportReport:
    """Log in and import, with a progress line on a terminal (none under cron)."""
    from salon_tui.services import imports

    imports.kind_named(kind)
    uow = open_database()
    actor = acting_staff(ctx, uow)
    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as bar:
            task = bar.add_task(_("Checking rows…"), total=None)
            return imports.run_import(
                uow,
                actor,
                kind,
                file,
                options,
                progress=lambda rows: bar.update(
                    task, description=_("Checked {rows} rows…").format(rows=rows)
                ),
                write_progress=lambda rows: bar.update(
                    task, description=_("Writing: {rows} rows done…").format(rows=rows)
                ),
            )
    return imports.run_import(uow, actor, kind, file, options)


def _print_report(result: object) -> None:
    from salon_tui.services.imports import ImportReport

    assert isinstance(result, ImportReport)
    if result.problems:
        print_table(
            [_("Row"), _("Column"), _("Value"), _("Problem"), _("Message")],
            [(p.row, p.column, p.value, p.kind, p.message) for p in result.problems],
        )
    for line in result.summary_lines():
        typer.echo(line)
    if not result.dry_run and not result.imported and result.problems:
        typer.echo(_("Nothing was imported: fix the rows above, or use --skip-invalid."), err=True)
