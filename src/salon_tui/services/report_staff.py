"""`salon report staff`: what each person did in the period, side by side.

Credit follows the stylist shares fixed on each line when the sale was paid
(``sale_line_staff.basis_cents``): a service split 60/40 credits 60 % and 40 %. Tips go
to whom they were given. Commission is the sum of the commission ledger's entries dated
in the period, refund reversals included, so it equals the commission statement. People
who have left the shop keep their rows for the periods they worked.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salon_tui.data.models.prepaid import MemberPackage, StoredValueEntry
from salon_tui.data.models.sales import CommissionEntry, Sale, SaleLine, SaleLineStaff, SaleTip
from salon_tui.data.models.staff import Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import ROLE_LABELS, Role
from salon_tui.domain.sales import LineKind, is_card_sale
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.report_bookings import booked_and_shift_minutes
from salon_tui.services.report_pnl import commission_in_store
from salon_tui.services.report_sales import paid_in
from salon_tui.services.reports import (
    Chart,
    Kind,
    ReportColumn,
    ReportRequest,
    ReportResult,
    ReportSpec,
    Section,
    register,
)


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    store = request.store_id
    in_period = paid_in(period, store)
    figure_names = ("services", "service_cents", "products", "product_cents",
                    "requested_cents", "credited_cents", "tips", "commission")  # fmt: skip
    people: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(figure_names, 0))
    with uow.read() as session:
        for staff_id, kind, requested, lines, qty, basis in session.execute(
            select(
                col(SaleLineStaff.staff_id),
                col(SaleLine.kind),
                col(SaleLineStaff.requested),
                func.count(),
                func.sum(col(SaleLine.qty)),
                func.sum(col(SaleLineStaff.basis_cents)),
            )
            .join(SaleLine, col(SaleLine.id) == col(SaleLineStaff.line_id))
            .join(Sale, col(Sale.id) == col(SaleLine.sale_id))
            .where(*in_period)
            .group_by(col(SaleLineStaff.staff_id), col(SaleLine.kind), col(SaleLineStaff.requested))
        ).all():
            figures = people[int(staff_id)]
            amount = int(basis or 0)
            if is_card_sale(kind):
                continue  # counted below with the cards each person sold
            figures["credited_cents"] += amount
            if requested:
                figures["requested_cents"] += amount
            if kind == LineKind.SERVICE.value:
                figures["services"] += int(lines)
                figures["service_cents"] += amount
            elif kind == LineKind.PRODUCT.value:
                figures["products"] += int(qty or 0)
                figures["product_cents"] += amount
        for staff_id, amount in session.execute(
            select(col(SaleTip.staff_id), func.sum(col(SaleTip.amount_cents)))
            .join(Sale, col(Sale.id) == col(SaleTip.sale_id))
            .where(*in_period)
            .group_by(col(SaleTip.staff_id))
        ).all():
            people[int(staff_id)]["tips"] += int(amount or 0)
        commission_query = (
            select(col(CommissionEntry.staff_id), func.sum(col(CommissionEntry.amount_cents)))
            .where(
                col(CommissionEntry.business_day) >= period.start,
                col(CommissionEntry.business_day) <= period.end,
            )
            .group_by(col(CommissionEntry.staff_id))
        )
        for staff_id, amount in session.execute(commission_in_store(commission_query, store)).all():
            people[int(staff_id)]["commission"] += int(amount or 0)
        from salon_tui.services.ratings import averages

        rated = averages(session, period, store)
        for staff_id in rated:  # rated in the period: a row too
            people.setdefault(staff_id, dict.fromkeys(figure_names, 0))
        cards = _cards_sold(session, period, store)
        time = booked_and_shift_minutes(session, period, shop.timezone, store)
        staff = {
            int(person_id): (name, role, active)
            for person_id, name, role, active in session.execute(
                select(col(Staff.id), col(Staff.name), col(Staff.role), col(Staff.active))
            ).all()
        }

    def who(staff_id: int) -> tuple[str, str]:
        name, role, active = staff.get(staff_id, (f"#{staff_id}", "", False))
        label = _(ROLE_LABELS[Role(role)]) if role in set(Role) else role
        return (name if active else _("{name} (left)").format(name=name)), label

    rows: list[dict[str, Any]] = []
    for staff_id, figures in people.items():
        name, label = who(staff_id)
        rows.append(
            {
                "name": name,
                "role": label,
                "services": figures["services"],
                "service_revenue": figures["service_cents"],
                "products": figures["products"],
                "product_revenue": figures["product_cents"],
                "requested": (figures["requested_cents"] * 10_000 // figures["credited_cents"])
                if figures["credited_cents"]
                else None,
                "tips": figures["tips"],
                "commission": figures["commission"],
                "rating": round(rated[staff_id][1] / rated[staff_id][0], 2)
                if staff_id in rated
                else None,
                "ratings": rated.get(staff_id, (0, 0))[0],
            }
        )
    rows.sort(key=lambda row: (-int(row["service_revenue"]) - int(row["product_revenue"]),
                               str(row["name"])))  # fmt: skip
    section = Section(
        "by_person",
        _("By person"),
        (
            ReportColumn("name", _("Person"), Kind.TEXT),
            ReportColumn("role", _("Role"), Kind.TEXT),
            ReportColumn("services", _("Services"), Kind.INT),
            ReportColumn("service_revenue", _("Service revenue"), Kind.MONEY),
            ReportColumn("products", _("Products sold"), Kind.INT),
            ReportColumn("product_revenue", _("Product revenue"), Kind.MONEY),
            ReportColumn("requested", _("Requested"), Kind.PERCENT),
            ReportColumn("tips", _("Tips"), Kind.MONEY),
            ReportColumn("commission", _("Commission"), Kind.MONEY),
            ReportColumn("rating", _("Rating"), Kind.DECIMAL),
            ReportColumn("ratings", _("Ratings"), Kind.INT),
        ),
        rows,
        chart=Chart("bar", "name", ("service_revenue", "product_revenue"), _("Revenue per person")),
    )
    card_rows: list[dict[str, Any]] = []
    for staff_id in set(cards) | set(time.shift) | set(time.booked):
        name, label = who(staff_id)
        sold = cards.get(staff_id, {})
        card_rows.append(
            {
                "name": name,
                "role": label,
                "top_ups": sold.get("top_ups", 0),
                "top_up_amount": sold.get("top_up_cents", 0),
                "packages": sold.get("packages", 0),
                "package_amount": sold.get("package_cents", 0),
                "booked_minutes": time.booked[staff_id],
                "shift_minutes": time.shift[staff_id],
                "utilisation": time.utilisation_bp(staff_id),
            }
        )
    card_rows.sort(key=lambda row: (-int(row["top_up_amount"]) - int(row["package_amount"]),
                                    -int(row["booked_minutes"]), str(row["name"])))  # fmt: skip
    cards_section = Section(
        "cards_and_time",
        _("Cards sold and time booked"),
        (
            ReportColumn("name", _("Person"), Kind.TEXT),
            ReportColumn("role", _("Role"), Kind.TEXT),
            ReportColumn("top_ups", _("Top-ups"), Kind.INT),
            ReportColumn("top_up_amount", _("Topped up"), Kind.MONEY),
            ReportColumn("packages", _("Packages sold"), Kind.INT),
            ReportColumn("package_amount", _("Package sales"), Kind.MONEY),
            ReportColumn("booked_minutes", _("Booked minutes"), Kind.INT),
            ReportColumn("shift_minutes", _("Shift minutes"), Kind.INT),
            ReportColumn("utilisation", _("Utilisation"), Kind.PERCENT),
        ),
        card_rows,
    )
    notes = [
        _(
            "Revenue is credited by each line's stylist shares; commission is the "
            "commission ledger for the period, refunds reversed (see `salon report "
            "commission` for every line)."
        ),
        _(
            "Top-ups (money paid in, without bonus; an undone top-up taken back) and "
            "packages are credited to whoever sold them. Utilisation is booked minutes over "
            "shift minutes."
        ),
    ]
    if time.note:
        notes.append(time.note)
    return ReportResult(
        name="staff",
        title=_("Staff"),
        period=period,
        currency=shop.currency,
        sections=(section, cards_section),
        notes=tuple(notes),
    )


def _cards_sold(session: Session, period: Period, store: int | None) -> dict[int, dict[str, int]]:
    """Top-ups and packages each person sold in the period.

    An undone top-up is taken back from whoever took it, not from the manager who undid it.
    """
    sold: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    original = aliased(StoredValueEntry)
    seller = func.coalesce(col(original.staff_id), col(StoredValueEntry.staff_id))
    top_ups = (
        select(seller, col(StoredValueEntry.kind), func.count(), func.sum(
            col(StoredValueEntry.principal_cents)))
        .outerjoin(original, col(original.id) == col(StoredValueEntry.reverses_id))
        .where(
            col(StoredValueEntry.kind).in_(["top_up", "reversal"]),
            col(StoredValueEntry.business_day) >= period.start,
            col(StoredValueEntry.business_day) <= period.end,
        )
        .group_by(seller, col(StoredValueEntry.kind))
    )  # fmt: skip
    packages = (
        select(col(MemberPackage.staff_id), func.count(), func.sum(col(MemberPackage.price_cents)))
        .where(col(MemberPackage.sold_on) >= period.start, col(MemberPackage.sold_on) <= period.end)
        .group_by(col(MemberPackage.staff_id))
    )
    if store is not None:
        top_ups = top_ups.where(col(StoredValueEntry.store_id) == store)
        packages = packages.where(col(MemberPackage.store_id) == store)
    for staff_id, kind, entries, principal in session.execute(top_ups).all():
        if staff_id is None:
            continue
        figures = sold[int(staff_id)]
        figures["top_ups"] += int(entries) if kind == "top_up" else -int(entries)
        figures["top_up_cents"] += int(principal or 0)
    for staff_id, count, amount in session.execute(packages).all():
        if staff_id is None:
            continue
        sold[int(staff_id)]["packages"] += int(count)
        sold[int(staff_id)]["package_cents"] += int(amount or 0)
    return {staff_id: dict(figures) for staff_id, figures in sold.items()}


register(
    ReportSpec(
        name="staff",
        title=N_("Staff"),
        description=N_(
            "Per person: services, products, revenue credited, requested share, tips, "
            "commission, clients' average rating, top-ups and packages sold, utilisation."
        ),
        permission="reports.staff",
        build=build,
        by_store=True,
    )
)
