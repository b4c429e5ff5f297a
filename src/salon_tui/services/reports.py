"""One home for every report: a registry, a request, and a result that every face renders.

A report is a service returning a ``ReportResult``: sections of typed columns and
rows (money in minor units), each with an optional chart. The CLI renders it as a table,
CSV, JSON (stable, for scripts) or xlsx (one sheet per section, with charts); the TUI's
Reports screen shows the same sections. Each area registers its reports here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Bucket, Period
from salon_tui.errors import ValidationError
from salon_tui.i18n import _
from salon_tui.services.permissions import require


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"  # minor units; rendered in the shop's currency
    PERCENT = "percent"  # basis points (1 % = 100)
    DATE = "date"
    DECIMAL = "decimal"


@dataclass(frozen=True)
class ReportColumn:
    key: str
    header: str  # translated by the report when it builds the result
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Chart:
    """Plot ``values`` (column keys) against ``category`` (a column key)."""

    kind: str  # "bar" or "line"
    category: str
    values: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: Sequence[ReportColumn]
    rows: Sequence[dict[str, Any]]
    chart: Chart | None = None


@dataclass(frozen=True)
class ReportStore:
    """The one store a report covers (``--store``); a report without one covers the chain."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class ReportResult:
    name: str
    title: str
    period: Period | None
    currency: str
    sections: Sequence[Section]
    notes: Sequence[str] = ()
    store: ReportStore | None = None

    @property
    def heading(self) -> str:
        """The title, the store it covers (if one) and the period, in one line."""
        parts = [self.title]
        if self.store is not None:
            parts.append(f"{self.store.code} {self.store.name}".strip())
        if self.period is not None:
            parts.append(self.period.label())
        return "  ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape: money stays in minor units beside the currency code;
        ``store`` is the store covered ({"code", "name"}), or null for the whole chain."""
        return {
            "report": self.name,
            "title": self.title,
            "store": {"code": self.store.code, "name": self.store.name} if self.store else None,
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
            if self.period
            else None,
            "currency": self.currency,
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    "columns": [
                        {"key": c.key, "header": c.header, "kind": c.kind.value}
                        for c in section.columns
                    ],
                    "rows": [
                        {c.key: _json_value(row.get(c.key)) for c in section.columns}
                        for row in section.rows
                    ],
                }
                for section in self.sections
            ],
            "notes": list(self.notes),
        }


def display_value(column: ReportColumn, value: Any, currency: str, locale: str) -> str:
    """A cell as people read it (terminal table, Reports screen): money with its symbol
    in the shop's locale, basis points as a percent."""
    if value is None:
        return ""
    if column.kind is Kind.MONEY:
        from salon_tui.domain.money import format_money

        return format_money(int(value), currency, locale)
    if column.kind is Kind.PERCENT:
        return f"{int(value) / 100:.1f}%"
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    bucket: Bucket = Bucket.DAY
    today: date | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # One store of the chain, or None for the whole chain.
    store: ReportStore | None = None

    @property
    def store_id(self) -> int | None:
        return self.store.id if self.store is not None else None


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str  # msgid
    description: str  # msgid
    permission: str
    build: Callable[[UnitOfWork, Actor, ReportRequest], ReportResult]
    takes_period: bool = True
    # Whether the report can cover one store; when not, why it covers the whole chain
    # (a msgid, shown when someone asks for one store).
    by_store: bool = False
    chain_wide_because: str = ""


REPORTS: dict[str, ReportSpec] = {}


def register(spec: ReportSpec) -> ReportSpec:
    REPORTS[spec.name] = spec
    return spec


def _load_reports() -> None:
    # Each area imports its report module here so that its reports register.
    from salon_tui.services import (  # noqa: F401
        liabilities,
        report_activity,
        report_bookings,
        report_coupons,
        report_inventory,
        report_loyalty,
        report_members,
        report_pnl,
        report_sales,
        report_staff,
        sales_reports,
    )


def list_reports(actor: Actor | None = None) -> list[ReportSpec]:
    _load_reports()
    specs = sorted(REPORTS.values(), key=lambda spec: spec.name)
    return [spec for spec in specs if actor is None or actor.can(spec.permission)]


def has_reports(actor: Actor) -> bool:
    """Whether ``actor`` may run at least one report (the Reports screen shows only then)."""
    return bool(list_reports(actor))


def run_report(uow: UnitOfWork, actor: Actor, name: str, request: ReportRequest) -> ReportResult:
    """Build the report ``name`` for ``actor``; refuses unknown names and missing permission."""
    _load_reports()
    spec = REPORTS.get(name)
    if spec is None:
        known = ", ".join(sorted(REPORTS)) or "—"
        raise ValidationError(
            _("Unknown report {name!r}; the reports are: {known}.").format(name=name, known=known),
            field="name",
        )
    require(actor, spec.permission)
    if request.store is not None and not spec.by_store:
        raise ValidationError(
            _("The {report} report covers the whole chain ({why}); run it without --store.").format(
                report=spec.name,
                why=_(spec.chain_wide_because) if spec.chain_wide_because else _("not by store"),
            ),
            field="store",
        )
    result = spec.build(uow, actor, request)
    return replace(result, store=request.store) if request.store is not None else result


def chain_stores(uow: UnitOfWork) -> list[ReportStore]:
    """Every store of the chain, for a store picker (one entry for a single store)."""
    from salon_tui.services.stores import list_stores

    return [ReportStore(view.id, view.code, view.name) for view in list_stores(uow)]


def desk_store(uow: UnitOfWork) -> ReportStore | None:
    """The store a desk's day close covers: its own in a chain, None with one store."""
    from salon_tui.services.stores import check_terminal_store

    store = check_terminal_store(uow)
    return ReportStore(store.id, store.code, store.name) if store.coded_numbers else None


def report_store(uow: UnitOfWork, code: str | None) -> ReportStore | None:
    """The store ``code`` names for ``--store`` (None: the chain); ``NotFound`` lists the codes."""
    from salon_tui.services.stores import find_report_store

    found = find_report_store(uow, code)
    return ReportStore(found.id, found.code, found.name) if found is not None else None
