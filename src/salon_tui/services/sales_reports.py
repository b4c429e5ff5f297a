"""The day close (Z report) and commission statements, as figures and as reports.

``day_summary`` gathers one business day (or a range): sales, refunds, the money taken
outside sales (top-ups, packages and gift cards sold at the Cards desk, booking
deposits, see ``services.desk_money``), takings by method (the sales' payments and that
money), top-ups wherever sold, discounts by source, tips, commission by person and every
cash drawer session with expected and counted cash. The totals add up: net takings =
sales − refunds + money outside sales; a drawer's expected cash = its float + the cash
takings it held + cash in − cash out − expenses. The ``daily`` and ``commission`` reports in the
reports framework render it (``salon report daily --date D --json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, func, select

from salon_tui.data.models import (
    CommissionEntry,
    DrawerMovement,
    DrawerSession,
    Payment,
    Refund,
    Sale,
    SaleAdjustment,
    SaleLine,
    SaleTip,
    Staff,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.pricing import ADJUSTMENT_LABELS, AdjustmentSource
from salon_tui.domain.sales import LineKind, SaleStatus
from salon_tui.i18n import N_, _
from salon_tui.services import reports
from salon_tui.services.commission import may_see_statement
from salon_tui.services.desk_money import (
    OUTSIDE_KINDS,
    OutsideMoney,
    TopUpFigures,
    desk_money_by_method,
    method_labels,
    outside_sales,
    top_up_figures,
)
from salon_tui.services.drawer import MOVEMENT_LABELS
from salon_tui.services.permissions import require
from salon_tui.services.report_pnl import commission_in_store
from salon_tui.services.reports import Kind, ReportColumn, ReportRequest, ReportResult, Section
from salon_tui.services.settings import load_shop_settings

PAID_STATES = (SaleStatus.PAID.value, SaleStatus.REFUNDED.value)
CARD_LINE_KINDS = (LineKind.TOP_UP.value, LineKind.PACKAGE.value, LineKind.GIFT_CARD.value)


@dataclass(frozen=True)
class TenderTakings:
    tender: str
    label: str
    taken_cents: int
    refunded_cents: int  # positive: what went back

    @property
    def net_cents(self) -> int:
        return self.taken_cents - self.refunded_cents


@dataclass(frozen=True)
class DrawerFigures:
    session_id: int
    status: str
    float_cents: int
    cash_sales_cents: int
    cash_refunds_cents: int
    cash_in_cents: int
    cash_out_cents: int
    expenses_cents: int
    no_sale_openings: int
    expected_cents: int
    counted_cents: int | None
    # Top-ups, packages, gift cards and stored value paid back outside a sale.
    prepaid_cents: int = 0
    deposits_cents: int = 0  # booking deposits taken in cash

    @property
    def difference_cents(self) -> int | None:
        return None if self.counted_cents is None else self.counted_cents - self.expected_cents


@dataclass(frozen=True)
class StaffFigures:
    staff_id: int
    name: str
    basis_cents: int
    commission_cents: int
    tips_cents: int


@dataclass(frozen=True)
class DaySummary:
    start: date
    end: date
    currency: str
    sales_count: int
    subtotal_cents: int
    discount_cents: int
    rounding_cents: int
    tips_cents: int
    total_cents: int
    refunds_count: int
    refunds_cents: int
    late_refunds_count: int  # refunds today of sales from an earlier day
    voided_count: int
    tenders: tuple[TenderTakings, ...]
    discounts: tuple[tuple[str, str, int], ...]  # source, label, amount
    drawers: tuple[DrawerFigures, ...]
    staff: tuple[StaffFigures, ...]
    top_ups: TopUpFigures
    outside: tuple[OutsideMoney, ...] = ()  # money taken outside sales, by kind
    card_lines_count: int = 0  # top-ups, packages and gift cards sold on the sales
    card_lines_cents: int = 0  # … their lines' amount, part of ``total_cents``

    @property
    def net_takings_cents(self) -> int:
        return sum(t.net_cents for t in self.tenders)

    @property
    def outside_net_cents(self) -> int:
        return sum(money.net_cents for money in self.outside)


def day_summary(
    uow: UnitOfWork,
    actor: Actor,
    start: date,
    end: date | None = None,
    store_id: int | None = None,
) -> DaySummary:
    """Everything the day close shows, for the shop's business days ``start``–``end``, in
    the store ``store_id`` (every store when None)."""
    require(actor, "reports.daily")
    end = end or start

    def in_store(model: Any) -> tuple[Any, ...]:
        return (col(model.store_id) == store_id,) if store_id is not None else ()

    with uow.read() as session:
        currency = load_shop_settings(session).currency
        in_days = (col(Sale.business_day) >= start, col(Sale.business_day) <= end, *in_store(Sale))
        count, subtotal, discount, rounding, tips, total = session.execute(
            sa_select(
                func.count(),
                func.coalesce(func.sum(Sale.subtotal_cents), 0),
                func.coalesce(func.sum(Sale.discount_cents), 0),
                func.coalesce(func.sum(Sale.rounding_cents), 0),
                func.coalesce(func.sum(Sale.tips_cents), 0),
                func.coalesce(func.sum(Sale.total_cents), 0),
            ).where(*in_days, col(Sale.status).in_(PAID_STATES))
        ).one()
        refunds_count, refunds_lines, refunds_tips = session.exec(
            select(
                func.count(),
                func.coalesce(func.sum(Refund.amount_cents), 0),
                func.coalesce(func.sum(Refund.tips_cents), 0),
            ).where(
                col(Refund.business_day) >= start,
                col(Refund.business_day) <= end,
                *in_store(Refund),
            )
        ).one()
        late_refunds = session.exec(
            select(func.count())
            .select_from(Refund)
            .join(Sale, col(Sale.id) == col(Refund.sale_id))
            .where(
                col(Refund.business_day) >= start,
                col(Refund.business_day) <= end,
                col(Sale.business_day) < start,
                *in_store(Refund),
            )
        ).one()
        voided = session.exec(
            select(func.count())
            .select_from(Sale)
            .where(
                col(Sale.status) == SaleStatus.VOIDED.value,
                col(Sale.closed_at).is_not(None),
                col(Sale.opened_at) >= _utc_start(session, start),
                col(Sale.opened_at) < _utc_start(session, end, next_day=True),
                *in_store(Sale),
            )
        ).one()
        tender_labels = {code: _(label) for code, label in method_labels().items()}
        takings: dict[str, list[int]] = {}
        for tender, refund_id, amount in session.exec(
            select(
                Payment.tender,
                col(Payment.refund_id).is_not(None),
                func.sum(Payment.amount_cents),
            )
            .where(
                col(Payment.business_day) >= start,
                col(Payment.business_day) <= end,
                *in_store(Payment),
            )
            .group_by(col(Payment.tender), col(Payment.refund_id).is_not(None))
        ):
            pair = takings.setdefault(tender, [0, 0])
            if refund_id:
                pair[1] -= int(amount)
            else:
                pair[0] += int(amount)
        for desk in desk_money_by_method(session, start, end, store_id):
            pair = takings.setdefault(desk.method, [0, 0])
            pair[0] += desk.taken_cents
            pair[1] += desk.refunded_cents
        top_ups = top_up_figures(session, start, end, store_id)
        outside = tuple(outside_sales(session, start, end, store_id))
        card_lines_count, card_lines_cents = session.execute(
            sa_select(func.count(), func.coalesce(func.sum(SaleLine.net_cents), 0))
            .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
            .where(
                *in_days,
                col(Sale.status).in_(PAID_STATES),
                col(SaleLine.kind).in_(CARD_LINE_KINDS),
            )
        ).one()
        tenders = tuple(
            TenderTakings(code, tender_labels.get(code, code), pair[0], pair[1])
            for code, pair in sorted(takings.items(), key=lambda item: -item[1][0])
        )
        discounts = tuple(
            (source, _(ADJUSTMENT_LABELS[AdjustmentSource(source)]), int(amount))
            for source, amount in session.exec(
                select(SaleAdjustment.source, func.sum(SaleAdjustment.amount_cents))
                .join(SaleLine, col(SaleLine.id) == col(SaleAdjustment.line_id))
                .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
                .where(*in_days, col(Sale.status).in_(PAID_STATES))
                .group_by(col(SaleAdjustment.source))
                .order_by(col(SaleAdjustment.source))
            )
        )
        drawers = []
        for drawer in session.exec(
            select(DrawerSession)
            .where(
                col(DrawerSession.business_day) >= start,
                col(DrawerSession.business_day) <= end,
                *in_store(DrawerSession),
            )
            .order_by(col(DrawerSession.id))
        ):
            sums: dict[str, int] = {}
            no_sales = 0
            for kind, category, amount, how_many in session.exec(
                select(
                    DrawerMovement.kind,
                    DrawerMovement.category,
                    func.sum(DrawerMovement.amount_cents),
                    func.count(),
                )
                .where(col(DrawerMovement.session_id) == drawer.id)
                .group_by(col(DrawerMovement.kind), col(DrawerMovement.category))
            ):
                # A gift card's cash is a "cash in" marked gift_card: money outside sales.
                if kind == "cash_in" and category == "gift_card":
                    kind = "prepaid"
                sums[kind] = sums.get(kind, 0) + int(amount)
                if kind == "no_sale":
                    no_sales += int(how_many)
            expected = (
                drawer.expected_cents if drawer.expected_cents is not None else sum(sums.values())
            )
            drawers.append(
                DrawerFigures(
                    session_id=drawer.id or 0,
                    status=drawer.status,
                    float_cents=sums.get("float", 0),
                    cash_sales_cents=sums.get("sale", 0),
                    cash_refunds_cents=-sums.get("refund", 0),
                    cash_in_cents=sums.get("cash_in", 0),
                    cash_out_cents=-sums.get("cash_out", 0),
                    expenses_cents=-sums.get("expense", 0),
                    no_sale_openings=no_sales,
                    expected_cents=expected,
                    counted_cents=drawer.counted_cents,
                    prepaid_cents=sums.get("prepaid", 0),
                    deposits_cents=sums.get("deposit", 0),
                )
            )
        commission_rows = session.execute(
            commission_in_store(
                sa_select(
                    col(CommissionEntry.staff_id),
                    func.sum(CommissionEntry.basis_cents),
                    func.sum(CommissionEntry.amount_cents),
                )
                .where(
                    col(CommissionEntry.business_day) >= start,
                    col(CommissionEntry.business_day) <= end,
                )
                .group_by(col(CommissionEntry.staff_id)),
                store_id,
            )
        ).all()
        tip_rows = session.exec(
            select(SaleTip.staff_id, func.sum(SaleTip.amount_cents))
            .join(Sale, col(Sale.id) == col(SaleTip.sale_id))
            .where(*in_days, col(Sale.status).in_(PAID_STATES))
            .group_by(col(SaleTip.staff_id))
        ).all()
        people: dict[int, list[int]] = {}
        for staff_id, basis, amount in commission_rows:
            people.setdefault(int(staff_id), [0, 0, 0])[0:2] = [int(basis), int(amount)]
        for staff_id, amount in tip_rows:
            people.setdefault(int(staff_id), [0, 0, 0])[2] = int(amount)
        names = (
            dict(
                session.exec(
                    select(Staff.id, Staff.name).where(col(Staff.id).in_(list(people)))
                ).all()
            )
            if people
            else {}
        )
        staff = tuple(
            StaffFigures(staff_id, names.get(staff_id, "?"), *figures)
            for staff_id, figures in sorted(people.items(), key=lambda item: -item[1][0])
        )
    return DaySummary(
        start=start,
        end=end,
        currency=currency,
        sales_count=int(count),
        subtotal_cents=int(subtotal),
        discount_cents=int(discount),
        rounding_cents=int(rounding),
        tips_cents=int(tips),
        total_cents=int(total),
        refunds_count=int(refunds_count),
        refunds_cents=int(refunds_lines) + int(refunds_tips),
        late_refunds_count=int(late_refunds),
        voided_count=int(voided),
        tenders=tenders,
        discounts=discounts,
        drawers=tuple(drawers),
        staff=staff,
        top_ups=top_ups,
        outside=outside,
        card_lines_count=int(card_lines_count),
        card_lines_cents=int(card_lines_cents),
    )


def desk_day_summary(uow: UnitOfWork, actor: Actor, day: date) -> DaySummary:
    """The day so far at this desk: its own store in a chain (the whole chain while this
    computer has not chosen its store), the whole shop with one store."""
    from salon_tui.services.stores import StoreNotChosen

    try:
        store = reports.desk_store(uow)
    except StoreNotChosen:
        store = None
    return day_summary(uow, actor, day, store_id=store.id if store is not None else None)


def _utc_start(session: Any, day: date, *, next_day: bool = False) -> Any:
    from datetime import timedelta

    from salon_tui.domain.clock import day_bounds_utc

    timezone = load_shop_settings(session).timezone
    start, _end = day_bounds_utc(day + timedelta(days=1) if next_day else day, timezone)
    return start


# --- the reports ------------------------------------------------------------------------

MONEY = Kind.MONEY


def build_daily(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    figures = day_summary(uow, actor, request.period.start, request.period.end, request.store_id)
    outside_count = sum(money.count for money in figures.outside)
    summary_rows = [
        (N_("Sales"), figures.total_cents, figures.sales_count),
        (
            N_("of which top-ups, packages and gift cards"),
            figures.card_lines_cents,
            figures.card_lines_count,
        ),
        (N_("Before discounts"), figures.subtotal_cents, None),
        (N_("Discounts"), figures.discount_cents, None),
        (N_("Rounding"), figures.rounding_cents, None),
        (N_("Tips"), figures.tips_cents, None),
        (N_("Refunds"), figures.refunds_cents, figures.refunds_count),
        (N_("Money taken outside sales"), figures.outside_net_cents, outside_count),
        (N_("Net takings"), figures.net_takings_cents, None),
        (N_("Voided sales"), None, figures.voided_count),
    ]
    top_ups = figures.top_ups
    top_up_rows = [
        (N_("Top-ups (stored value)"), top_ups.paid_cents, top_ups.count),
        (N_("of which sold on sales (in Sales)"), top_ups.on_sales_cents, top_ups.on_sales_count),
        (
            N_("of which at the Cards desk (in money taken outside sales)"),
            top_ups.paid_cents - top_ups.on_sales_cents,
            top_ups.count - top_ups.on_sales_count,
        ),
        (N_("Top-up bonus given"), top_ups.bonus_cents, None),
        (N_("Top-ups undone"), top_ups.undone_cents, top_ups.undone_count),
    ]
    item_amount_count = [
        ReportColumn("item", _("Item")),
        ReportColumn("amount", _("Amount"), MONEY),
        ReportColumn("count", _("Count"), Kind.INT),
    ]
    sections = [
        Section(
            "summary",
            _("Day close"),
            item_amount_count,
            [{"item": _(label), "amount": amount, "count": n} for label, amount, n in summary_rows],
        ),
        Section(
            "outside",
            _("Money taken outside sales"),
            [
                ReportColumn("item", _("Item")),
                ReportColumn("taken", _("Taken"), MONEY),
                ReportColumn("paid_back", _("Paid back"), MONEY),
                ReportColumn("net", _("Net"), MONEY),
                ReportColumn("count", _("Count"), Kind.INT),
            ],
            [
                {
                    "item": _(OUTSIDE_KINDS[money.kind]),
                    "taken": money.taken_cents,
                    "paid_back": money.paid_back_cents,
                    "net": money.net_cents,
                    "count": money.count,
                }
                for money in figures.outside
            ],
        ),
        Section(
            "top_ups",
            _("Top-ups, for information (counted above)"),
            item_amount_count,
            [{"item": _(label), "amount": amount, "count": n} for label, amount, n in top_up_rows],
        ),
        Section(
            "tenders",
            _("Takings by payment method"),
            [
                ReportColumn("method", _("Payment method")),
                ReportColumn("taken", _("Taken"), MONEY),
                ReportColumn("refunded", _("Refunded"), MONEY),
                ReportColumn("net", _("Net"), MONEY),
            ],
            [
                {
                    "method": t.label,
                    "taken": t.taken_cents,
                    "refunded": t.refunded_cents,
                    "net": t.net_cents,
                }
                for t in figures.tenders
            ],
            chart=reports.Chart("bar", "method", ("net",), _("Takings by payment method")),
        ),
        Section(
            "discounts",
            _("Discounts by source"),
            [ReportColumn("source", _("Source")), ReportColumn("amount", _("Amount"), MONEY)],
            [{"source": label, "amount": amount} for _source, label, amount in figures.discounts],
        ),
        Section(
            "drawer",
            _("Cash drawer"),
            [
                ReportColumn("session", _("Drawer"), Kind.INT),
                ReportColumn("float", _(MOVEMENT_LABELS["float"]), MONEY),
                ReportColumn("sales", _(MOVEMENT_LABELS["sale"]), MONEY),
                ReportColumn("refunds", _(MOVEMENT_LABELS["refund"]), MONEY),
                ReportColumn("cash_in", _(MOVEMENT_LABELS["cash_in"]), MONEY),
                ReportColumn("cash_out", _(MOVEMENT_LABELS["cash_out"]), MONEY),
                ReportColumn("expenses", _("Expenses"), MONEY),
                ReportColumn("prepaid", _("Stored value, packages, gift cards"), MONEY),
                ReportColumn("deposits", _(MOVEMENT_LABELS["deposit"]), MONEY),
                ReportColumn("no_sale", _("No-sale openings"), Kind.INT),
                ReportColumn("expected", _("Expected"), MONEY),
                ReportColumn("counted", _("Counted"), MONEY),
                ReportColumn("difference", _("Difference"), MONEY),
            ],
            [
                {
                    "session": d.session_id,
                    "float": d.float_cents,
                    "sales": d.cash_sales_cents,
                    "refunds": d.cash_refunds_cents,
                    "cash_in": d.cash_in_cents,
                    "cash_out": d.cash_out_cents,
                    "expenses": d.expenses_cents,
                    "prepaid": d.prepaid_cents,
                    "deposits": d.deposits_cents,
                    "no_sale": d.no_sale_openings,
                    "expected": d.expected_cents,
                    "counted": d.counted_cents,
                    "difference": d.difference_cents,
                }
                for d in figures.drawers
            ],
        ),
        Section(
            "staff",
            _("Staff"),
            [
                ReportColumn("name", _("Name")),
                ReportColumn("basis", _("Sales credited"), MONEY),
                ReportColumn("commission", _("Commission"), MONEY),
                ReportColumn("tips", _("Tips"), MONEY),
            ],
            [
                {
                    "name": s.name,
                    "basis": s.basis_cents,
                    "commission": s.commission_cents,
                    "tips": s.tips_cents,
                }
                for s in figures.staff
            ],
        ),
    ]
    notes = []
    if figures.late_refunds_count:
        notes.append(
            _("{count} refund(s) of sales from earlier days are counted here.").format(
                count=figures.late_refunds_count
            )
        )
    notes.append(_("Net takings = Sales − Refunds + Money taken outside sales."))
    if figures.card_lines_count:
        notes.append(
            _(
                "{count} top-up(s), package(s) or gift card(s) were sold on sales: they are "
                "in Sales, not in money taken outside sales."
            ).format(count=figures.card_lines_count)
        )
    if any(d.status == "open" for d in figures.drawers):
        notes.append(_("A cash drawer is still open: its cash is not counted yet."))
    return ReportResult(
        name="daily",
        title=_("Day close (Z report)"),
        period=request.period,
        currency=figures.currency,
        sections=sections,
        notes=notes,
    )


def z_report_print_rows(result: ReportResult) -> list[tuple[str, int | None, int | None]]:
    """The lines of a printed Z report (label, amount, count) from the ``daily`` report:
    the summary, then under their headings the money taken outside sales, the top-ups for
    information and the net takings by method, and each drawer's expected, counted and
    difference. A heading is a line with neither amount nor count."""
    by_key = {section.key: section for section in result.sections}
    printed: list[tuple[str, int | None, int | None]] = [
        (row["item"], row["amount"], row["count"]) for row in by_key["summary"].rows
    ]
    printed.append((by_key["outside"].title, None, None))
    printed += [(row["item"], row["net"], row["count"] or None) for row in by_key["outside"].rows]
    printed.append((by_key["top_ups"].title, None, None))
    printed += [(row["item"], row["amount"], row["count"]) for row in by_key["top_ups"].rows]
    printed.append((by_key["tenders"].title, None, None))
    printed += [(row["method"], row["net"], None) for row in by_key["tenders"].rows]
    for row in by_key["drawer"].rows:
        printed += [
            (by_key["drawer"].title, None, None),
            (_("Expected"), row["expected"], None),
            (_("Counted"), row["counted"], None),
            (_("Difference"), row["difference"], None),
        ]
    return printed


def z_report_net_takings(result: ReportResult) -> int:
    """The total a printed Z report ends with: the net takings of every method."""
    tenders = next(section for section in result.sections if section.key == "tenders")
    return sum(int(row["net"]) for row in tenders.rows)


def build_commission(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    """Each person's commission over the period; a stylist sees only their own."""
    from salon_tui.services import commission

    start, end = request.period.start, request.period.end
    with uow.read() as session:
        currency = load_shop_settings(session).currency
        people = [
            (staff_id, name)
            for staff_id, name in session.exec(
                select(Staff.id, Staff.name)
                .join(CommissionEntry, col(CommissionEntry.staff_id) == col(Staff.id))
                .where(
                    col(CommissionEntry.business_day) >= start,
                    col(CommissionEntry.business_day) <= end,
                )
                .group_by(col(Staff.id), col(Staff.name))
                .order_by(col(Staff.name))
            )
            if staff_id is not None and may_see_statement(actor, staff_id)
        ]
    summary_rows = []
    detail_rows: list[dict[str, Any]] = []
    for staff_id, name in people:
        found = commission.statement(uow, actor, staff_id, start, end)
        summary_rows.append(
            {"name": name, "basis": found.basis_cents, "commission": found.amount_cents}
        )
        detail_rows += [
            {
                "name": name,
                "day": line.business_day,
                "sale": line.sale_number,
                "item": line.description,
                "basis": line.basis_cents,
                "rate": line.rate_bp,
                "commission": line.amount_cents,
                "rule": line.explanation,
            }
            for line in found.lines
        ]
    return ReportResult(
        name="commission",
        title=_("Commission statement"),
        period=request.period,
        currency=currency,
        sections=[
            Section(
                "by_person",
                _("By person"),
                [
                    ReportColumn("name", _("Name")),
                    ReportColumn("basis", _("Sales credited"), MONEY),
                    ReportColumn("commission", _("Commission"), MONEY),
                ],
                summary_rows,
                chart=reports.Chart("bar", "name", ("commission",), _("Commission")),
            ),
            Section(
                "lines",
                _("Lines"),
                [
                    ReportColumn("name", _("Name")),
                    ReportColumn("day", _("Day"), Kind.DATE),
                    ReportColumn("sale", _("Sale")),
                    ReportColumn("item", _("Item")),
                    ReportColumn("basis", _("Sales credited"), MONEY),
                    ReportColumn("rate", _("Rate"), Kind.PERCENT),
                    ReportColumn("commission", _("Commission"), MONEY),
                    ReportColumn("rule", _("Rule")),
                ],
                detail_rows,
            ),
        ],
    )


reports.register(
    reports.ReportSpec(
        name="daily",
        title=N_("Day close (Z report)"),
        description=N_("Sales, refunds, takings by method, discounts, tips and cash drawers."),
        permission="reports.daily",
        build=build_daily,
        by_store=True,
    )
)
reports.register(
    reports.ReportSpec(
        name="commission",
        title=N_("Commission statement"),
        description=N_("Commission and sales credited per person; stylists see their own."),
        permission="commission.view_own",
        build=build_commission,
        chain_wide_because=N_(
            "commission tiers count each person's month in every store they work in"
        ),
    )
)
