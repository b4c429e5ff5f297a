"""Export kinds of the till: sale lines (with refunds as negative lines), payments,
and commission entries, for a bookkeeper.

The figures tie out with the reports of the same period: the line totals add up to the
sales report's net revenue (revenue less refunds), the payments to what every way of
paying took net of money paid back (tips included), and the commission entries to the
staff report's commission.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import col

from salon_tui.data.models import CommissionStaffLevel
from salon_tui.data.models.sales import (
    CommissionEntry,
    CommissionRule,
    Payment,
    Refund,
    RefundLine,
    Sale,
    SaleAdjustment,
    SaleLine,
    SaleLineStaff,
)
from salon_tui.domain.pricing import ADJUSTMENT_LABELS, AdjustmentSource
from salon_tui.domain.sales import COUNTED_STATUSES
from salon_tui.i18n import N_, _
from salon_tui.services.export_people import NO_MEMBER, ExportContext, chunks, in_period
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register


def _adjustment_label(source: str) -> str:
    try:
        return _(ADJUSTMENT_LABELS[AdjustmentSource(source)])
    except ValueError:
        return source


def _share_text(context: ExportContext, shares: list[tuple[int, int]]) -> str:
    if len(shares) == 1 and shares[0][1] == 10_000:
        return context.staff(shares[0][0])
    return ", ".join(f"{context.staff(staff_id)} {share / 100:g}%" for staff_id, share in shares)


def _line_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    with request.uow.read() as session:
        context = ExportContext.open(session, request)
        sale_ids = [
            int(sale_id)
            for (sale_id,) in session.execute(
                select(col(Sale.id))
                .where(
                    col(Sale.status).in_(COUNTED_STATUSES), *in_period(Sale.business_day, request)
                )
                .order_by(col(Sale.business_day), col(Sale.day_seq))
            )
        ]
        for part in chunks(sale_ids):
            yield from _sale_lines(context, part)
        refund_ids = [
            int(refund_id)
            for (refund_id,) in session.execute(
                select(col(Refund.id))
                .where(*in_period(Refund.business_day, request))
                .order_by(col(Refund.business_day), col(Refund.day_seq))
            )
        ]
        for part in chunks(refund_ids):
            yield from _refund_lines(context, part)


def _sale_lines(context: ExportContext, sale_ids: Sequence[int]) -> Iterator[Sequence[Any]]:
    session = context.session
    sales = {
        int(row.id): row
        for row in session.execute(
            select(
                col(Sale.id),
                col(Sale.number),
                col(Sale.paid_at),
                col(Sale.business_day),
                col(Sale.status),
                col(Sale.member_id),
                col(Sale.paid_by),
            ).where(col(Sale.id).in_(sale_ids))
        )
    }
    members = context.members(row.member_id for row in sales.values())
    lines = session.execute(select(SaleLine).where(col(SaleLine.sale_id).in_(sale_ids))).scalars()
    lines_by_sale: dict[int, list[SaleLine]] = defaultdict(list)
    for line in lines:
        lines_by_sale[line.sale_id].append(line)
    line_ids = [line.id for group in lines_by_sale.values() for line in group if line.id]
    adjustments: dict[int, list[str]] = defaultdict(list)
    shares: dict[int, list[tuple[int, int]]] = defaultdict(list)
    commission: dict[int, int] = defaultdict(int)
    for ids in chunks(line_ids):
        for line_id, source, amount in session.execute(
            select(
                col(SaleAdjustment.line_id),
                col(SaleAdjustment.source),
                col(SaleAdjustment.amount_cents),
            )
            .where(col(SaleAdjustment.line_id).in_(ids))
            .order_by(col(SaleAdjustment.id))
        ):
            adjustments[int(line_id)].append(
                f"{_adjustment_label(source)} {context.money(int(amount))}"
            )
        for line_id, staff_id, share in session.execute(
            select(
                col(SaleLineStaff.line_id), col(SaleLineStaff.staff_id), col(SaleLineStaff.share_bp)
            )
            .where(col(SaleLineStaff.line_id).in_(ids))
            .order_by(col(SaleLineStaff.id))
        ):
            shares[int(line_id)].append((int(staff_id), int(share)))
        for line_id, amount in session.execute(
            select(col(CommissionEntry.sale_line_id), func.sum(col(CommissionEntry.amount_cents)))
            .where(
                col(CommissionEntry.sale_line_id).in_(ids), col(CommissionEntry.refund_id).is_(None)
            )
            .group_by(col(CommissionEntry.sale_line_id))
        ):
            commission[int(line_id)] = int(amount or 0)
    for sale_id in sale_ids:
        sale = sales[sale_id]
        member = members.get(sale.member_id, NO_MEMBER) if sale.member_id else NO_MEMBER
        for line in sorted(lines_by_sale.get(sale_id, []), key=lambda item: item.position):
            assert line.id is not None
            yield [
                sale.number,
                "",
                context.local(sale.paid_at),
                sale.business_day,
                sale.status,
                sale.member_id,
                member.card,
                member.name,
                context.staff(sale.paid_by),
                line.position,
                line.kind,
                line.item_code,
                line.description,
                line.category,
                _share_text(context, shares.get(line.id, [])),
                line.qty,
                context.money(line.list_unit_cents),
                context.money(line.unit_cents),
                context.money(line.gross_cents),
                context.money(line.discount_cents),
                "; ".join(adjustments.get(line.id, [])),
                context.money(line.net_cents),
                context.money(commission.get(line.id, 0)),
            ]


def _refund_lines(context: ExportContext, refund_ids: Sequence[int]) -> Iterator[Sequence[Any]]:
    session = context.session
    rows = session.execute(
        select(
            col(Refund.id),
            col(Refund.number),
            col(Refund.refunded_at),
            col(Refund.business_day),
            col(Refund.refunded_by),
            col(Refund.reason),
            col(Sale.number),
            col(Sale.member_id),
            col(SaleLine.id),
            col(SaleLine.position),
            col(SaleLine.kind),
            col(SaleLine.item_code),
            col(SaleLine.description),
            col(SaleLine.category),
            col(SaleLine.list_unit_cents),
            col(SaleLine.unit_cents),
            col(RefundLine.qty),
            col(RefundLine.amount_cents),
        )
        .join(Refund, col(Refund.id) == col(RefundLine.refund_id))
        .join(Sale, col(Sale.id) == col(Refund.sale_id))
        .join(SaleLine, col(SaleLine.id) == col(RefundLine.sale_line_id))
        .where(col(RefundLine.refund_id).in_(refund_ids))
        .order_by(col(Refund.business_day), col(Refund.day_seq), col(RefundLine.id))
    ).all()
    members = context.members(row[7] for row in rows)
    reversed_commission: dict[tuple[int, int], int] = defaultdict(int)
    shares: dict[int, list[tuple[int, int]]] = defaultdict(list)
    line_ids = sorted({int(row[8]) for row in rows})
    for refund_id, line_id, amount in session.execute(
        select(
            col(CommissionEntry.refund_id),
            col(CommissionEntry.sale_line_id),
            func.sum(col(CommissionEntry.amount_cents)),
        )
        .where(col(CommissionEntry.refund_id).in_(refund_ids))
        .group_by(col(CommissionEntry.refund_id), col(CommissionEntry.sale_line_id))
    ):
        reversed_commission[(int(refund_id), int(line_id))] = int(amount or 0)
    for ids in chunks(line_ids):
        for line_id, staff_id, share in session.execute(
            select(
                col(SaleLineStaff.line_id), col(SaleLineStaff.staff_id), col(SaleLineStaff.share_bp)
            )
            .where(col(SaleLineStaff.line_id).in_(ids))
            .order_by(col(SaleLineStaff.id))
        ):
            shares[int(line_id)].append((int(staff_id), int(share)))
    for (
        refund_id,
        refund_number,
        refunded_at,
        business_day,
        refunded_by,
        reason,
        sale_number,
        member_id,
        line_id,
        position,
        kind,
        item_code,
        description,
        category,
        list_unit,
        unit,
        qty,
        amount,
    ) in rows:
        member = members.get(member_id, NO_MEMBER) if member_id else NO_MEMBER
        yield [
            sale_number,
            refund_number,
            context.local(refunded_at),
            business_day,
            "refund",
            member_id,
            member.card,
            member.name,
            context.staff(refunded_by),
            position,
            kind,
            item_code,
            description,
            category,
            _share_text(context, shares.get(int(line_id), [])),
            -int(qty),
            context.money(list_unit),
            context.money(unit),
            context.money(-int(amount)),
            None,
            reason,
            context.money(-int(amount)),
            context.money(reversed_commission.get((int(refund_id), int(line_id)), 0)),
        ]


SALES_EXPORT = register(
    ExportKind(
        name="sales",
        title=N_("Sales lines"),
        permission="reports.sales",
        columns=(
            ExportColumn(N_("Sale number"), N_("The paid sale's number (day-sequence).")),
            ExportColumn(N_("Refund number"), N_("Set on a refund row: the refund's number.")),
            ExportColumn(N_("When"), N_("Shop time the sale was paid or the refund made.")),
            ExportColumn(N_("Business day"), N_("The shop day it counts on in the reports.")),
            ExportColumn(
                N_("Status"),
                N_("paid, refunded (given back in full later) or refund (a refund row)."),
            ),
            ExportColumn(N_("Member ID"), N_("The member's number, empty for a walk-in.")),
            ExportColumn(
                N_("Card"), N_("The member's active card; ****1234 without the contact permission.")
            ),
            ExportColumn(N_("Member"), N_("The member's name.")),
            ExportColumn(N_("Cashier"), N_("Who took the payment or made the refund.")),
            ExportColumn(N_("Line"), N_("The line's position on the sale.")),
            ExportColumn(N_("Line kind"), N_("service, product or other.")),
            ExportColumn(N_("Item code"), N_("The service's code or the product's SKU.")),
            ExportColumn(N_("Description"), N_("What was sold, as on the receipt.")),
            ExportColumn(N_("Category"), N_("The menu or product category.")),
            ExportColumn(N_("Stylists"), N_("Who did the line, with their share when shared.")),
            ExportColumn(N_("Qty"), N_("Quantity; negative on a refund row.")),
            ExportColumn(N_("List price"), N_("The menu price of one unit.")),
            ExportColumn(N_("Unit price"), N_("The price charged for one unit, before discounts.")),
            ExportColumn(N_("Gross"), N_("Quantity × unit price.")),
            ExportColumn(N_("Discount"), N_("Every discount on the line, rounding included.")),
            ExportColumn(
                N_("Discounts by source"),
                N_("Each discount with where it came from; a refund row gives the reason."),
            ),
            ExportColumn(
                N_("Line total"),
                N_("What the line brought in; the column adds up to the period's net revenue."),
            ),
            ExportColumn(
                N_("Commission"), N_("Commission the line earned, or reversed on a refund row.")
            ),
        ),
        rows=_line_rows,
    )
)


def _payment_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    from salon_tui.services.tenders import tender_table

    labels = {code: _(tender.label) for code, tender in tender_table().items()}
    with request.uow.read() as session:
        context = ExportContext.open(session, request)
        payment_ids = [
            int(payment_id)
            for (payment_id,) in session.execute(
                select(col(Payment.id))
                .where(*in_period(Payment.business_day, request))
                .order_by(col(Payment.business_day), col(Payment.id))
            )
        ]
        for part in chunks(payment_ids):
            rows = session.execute(
                select(
                    col(Payment.id),
                    col(Sale.number),
                    col(Refund.number),
                    col(Payment.paid_at),
                    col(Payment.business_day),
                    col(Payment.tender),
                    col(Payment.amount_cents),
                    col(Payment.tendered_cents),
                    col(Payment.change_cents),
                    col(Payment.reference),
                    col(Sale.paid_by),
                    col(Refund.refunded_by),
                    col(Sale.member_id),
                )
                .join(Sale, col(Sale.id) == col(Payment.sale_id))
                .outerjoin(Refund, col(Refund.id) == col(Payment.refund_id))
                .where(col(Payment.id).in_(part))
                .order_by(col(Payment.business_day), col(Payment.id))
            ).all()
            members = context.members(row[12] for row in rows)
            for (
                payment_id,
                sale_number,
                refund_number,
                paid_at,
                business_day,
                tender,
                amount,
                tendered,
                change,
                reference,
                paid_by,
                refunded_by,
                member_id,
            ) in rows:
                member = members.get(member_id, NO_MEMBER) if member_id else NO_MEMBER
                yield [
                    payment_id,
                    sale_number,
                    refund_number or "",
                    context.local(paid_at),
                    business_day,
                    tender,
                    labels.get(tender, tender),
                    context.money(amount),
                    context.money(tendered) if tendered else None,
                    context.money(change) if change else None,
                    reference,
                    context.staff(refunded_by if refund_number else paid_by),
                    member_id,
                    member.card,
                    member.name,
                ]


PAYMENTS_EXPORT = register(
    ExportKind(
        name="payments",
        title=N_("Payments"),
        permission="reports.sales",
        columns=(
            ExportColumn(N_("ID"), N_("The payment's number; payments are never edited.")),
            ExportColumn(N_("Sale number"), N_("The sale it paid (or the refunded sale).")),
            ExportColumn(N_("Refund number"), N_("Set when money was paid back.")),
            ExportColumn(N_("When"), N_("Shop time of the payment.")),
            ExportColumn(N_("Business day"), N_("The shop day it counts on in the reports.")),
            ExportColumn(N_("Method code"), N_("cash, wechat, alipay, bank_card, stored_value …")),
            ExportColumn(N_("Method"), N_("The way of paying, in the shop's language.")),
            ExportColumn(
                N_("Amount"),
                N_(
                    "Money in (negative when paid back); tips included, so it agrees with the till."
                ),
            ),
            ExportColumn(N_("Tendered"), N_("Cash handed over, when change was given.")),
            ExportColumn(N_("Change"), N_("Change given back.")),
            ExportColumn(N_("Reference"), N_("The terminal's or wallet's transaction reference.")),
            ExportColumn(N_("Cashier"), N_("Who took the payment or made the refund.")),
            ExportColumn(N_("Member ID"), N_("The member's number, empty for a walk-in.")),
            ExportColumn(
                N_("Card"), N_("The member's active card; ****1234 without the contact permission.")
            ),
            ExportColumn(N_("Member"), N_("The member's name.")),
        ),
        rows=_payment_rows,
    )
)


def _commission_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    with request.uow.read() as session:
        context = ExportContext.open(session, request)
        levels = {
            int(staff_id): level
            for staff_id, level in session.execute(
                select(col(CommissionStaffLevel.staff_id), col(CommissionStaffLevel.level))
            )
        }
        rules = {
            int(rule_id): name
            for rule_id, name in session.execute(
                select(col(CommissionRule.id), col(CommissionRule.name))
            )
        }
        entry_ids = [
            int(entry_id)
            for (entry_id,) in session.execute(
                select(col(CommissionEntry.id))
                .where(*in_period(CommissionEntry.business_day, request))
                .order_by(col(CommissionEntry.business_day), col(CommissionEntry.id))
            )
        ]
        for part in chunks(entry_ids):
            for entry, sale_number, refund_number, description, kind in session.execute(
                select(
                    CommissionEntry,
                    col(Sale.number),
                    col(Refund.number),
                    col(SaleLine.description),
                    col(SaleLine.kind),
                )
                .outerjoin(Sale, col(Sale.id) == col(CommissionEntry.sale_id))
                .outerjoin(SaleLine, col(SaleLine.id) == col(CommissionEntry.sale_line_id))
                .outerjoin(Refund, and_(col(Refund.id) == col(CommissionEntry.refund_id)))
                .where(col(CommissionEntry.id).in_(part))
                .order_by(col(CommissionEntry.business_day), col(CommissionEntry.id))
            ):
                if entry.sale_line_id is None:  # a card sold at the Cards desk
                    from salon_tui.services.card_commission import card_description

                    kind, description = entry.card_kind, card_description(entry.card_kind)
                yield [
                    entry.id,
                    entry.business_day,
                    context.local(entry.created_at),
                    context.staff(entry.staff_id),
                    levels.get(entry.staff_id, ""),
                    sale_number or "",
                    refund_number or "",
                    kind,
                    description,
                    entry.kind,
                    rules.get(entry.rule_id, "") if entry.rule_id is not None else "",
                    context.money(entry.basis_cents),
                    entry.rate_bp / 100,
                    context.money(entry.amount_cents),
                    entry.explanation,
                ]


COMMISSIONS_EXPORT = register(
    ExportKind(
        name="commissions",
        title=N_("Commissions"),
        permission="commission.view_all",
        columns=(
            ExportColumn(N_("ID"), N_("The entry's number; entries are never edited.")),
            ExportColumn(
                N_("Business day"), N_("The shop day it counts on (the sale's or refund's).")
            ),
            ExportColumn(N_("When"), N_("Shop time it was written.")),
            ExportColumn(N_("Staff"), N_("Who earned it.")),
            ExportColumn(N_("Staff level"), N_("The level they are paid at (总监, 发型师 …).")),
            ExportColumn(N_("Sale number"), N_("The sale the line belongs to.")),
            ExportColumn(N_("Refund number"), N_("Set on a reversal: the refund that undid it.")),
            ExportColumn(N_("Line kind"), N_("service, product or other.")),
            ExportColumn(N_("Description"), N_("What was sold, as on the receipt.")),
            ExportColumn(
                N_("Entry kind"),
                N_("line (earned), tier_top_up (a higher monthly bracket) or reversal (refund)."),
            ),
            ExportColumn(N_("Rule"), N_("The commission rule that applied.")),
            ExportColumn(N_("Basis"), N_("Their part of the line's net amount.")),
            ExportColumn(N_("Rate %"), N_("The rule's rate in percent (0 for a fixed amount).")),
            ExportColumn(
                N_("Commission"),
                N_("The amount; a person's column adds up to the staff report's commission."),
            ),
            ExportColumn(N_("Explanation"), N_("How it was worked out.")),
        ),
        rows=_commission_rows,
    )
)
