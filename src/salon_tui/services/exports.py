"""Exporting everything to xlsx or csv: the no-lock-in promise.

Each area registers export kinds: the columns (with a description each, for the README
sheet of ``all``), the permission needed, and a row generator. Personal columns are
masked for roles without the permission to see them; every text cell that would run as
a formula is neutralised by the writer; amounts are numbers in the currency's unit and
dates are real dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from salon_tui.data.spreadsheets import Sheet, write_csv, write_xlsx
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.permissions import require


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None  # inclusive

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError(_("--to is before --from."), field="to")


@dataclass(frozen=True)
class ExportColumn:
    header: str  # msgid
    description: str  # msgid


@dataclass(frozen=True)
class ExportRequest:
    uow: UnitOfWork
    actor: Actor
    period: Period
    options: dict[str, Any]


@dataclass(frozen=True)
class ExportKind:
    name: str
    title: str  # msgid, also the sheet name
    permission: str
    columns: Sequence[ExportColumn]
    rows: Callable[[ExportRequest], Iterator[Sequence[Any]]]


class ExportRefused(SalonError):
    title = N_("Export refused")


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    KINDS[kind.name] = kind
    return kind


def _load_kinds() -> None:
    # Each area registers its kinds when its module is imported.
    from salon_tui.services import (  # noqa: F401
        export_bookings,
        export_catalog,
        export_core,
        export_ledgers,
        export_members,
        export_packages,
        export_sales,
    )


def known_kinds() -> list[str]:
    _load_kinds()
    return [*sorted(KINDS), "all"]


def _sheet(kind: ExportKind, request: ExportRequest) -> Sheet:
    return Sheet(_(kind.title), [_(column.header) for column in kind.columns], kind.rows(request))


def _readme(kinds: Sequence[ExportKind]) -> Sheet:
    rows: list[list[str]] = []
    for kind in kinds:
        for column in kind.columns:
            rows.append([_(kind.title), _(column.header), _(column.description)])
    return Sheet(_("README"), [_("Sheet"), _("Column"), _("What it holds")], rows)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kinds: list[str]


def export(
    uow: UnitOfWork,
    actor: Actor,
    kind_name: str,
    target: Path,
    *,
    period: Period | None = None,
    encoding: str = "utf-8-sig",
    options: dict[str, Any] | None = None,
) -> ExportResult:
    """Write ``kind_name`` (or ``all``) to ``target`` (.xlsx or .csv); audited."""
    _load_kinds()
    suffix = target.suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        raise ExportRefused(_("Export to a .xlsx or .csv file."))
    if kind_name == "all":
        if suffix != ".xlsx":
            raise ExportRefused(_("`all` holds one sheet per kind: export it to .xlsx."))
        kinds = [KINDS[name] for name in sorted(KINDS) if actor.can(KINDS[name].permission)]
    elif kind_name in KINDS:
        kinds = [KINDS[kind_name]]
        require(actor, kinds[0].permission)
    else:
        raise ValidationError(
            _("Unknown export kind {name!r}; known: {known}.").format(
                name=kind_name, known=", ".join(known_kinds())
            ),
            field="kind",
        )
    request = ExportRequest(uow, actor, period or Period(), options or {})
    if not target.parent.is_dir():
        raise ExportRefused(_("The folder {folder} does not exist.").format(folder=target.parent))
    if suffix == ".csv":
        try:
            write_csv(target, _sheet(kinds[0], request), encoding=encoding)
        except UnicodeEncodeError as error:
            raise ExportRefused(
                _(
                    "Some text cannot be written in {encoding} ({character!r}); export as UTF-8 instead."
                ).format(encoding=encoding, character=error.object[error.start : error.end])
            ) from error
    else:
        sheets = [_sheet(kind, request) for kind in kinds]
        if kind_name == "all":
            sheets.insert(0, _readme(kinds))
        write_xlsx(target, sheets)
    with uow.transaction() as session:
        audit.record(
            session,
            actor,
            "export.run",
            "export",
            kind_name,
            after={"file": target.name, "kinds": [k.name for k in kinds]},
        )
    return ExportResult(target, [kind.name for kind in kinds])
