"""`salon report coupons`: coupons issued, used, expired and cancelled per template and
per campaign (how they were issued), and the sales they came with.

Everything counts from the coupon ledger (``coupon_event``) in the period's shop days:
a use counts on the day of its sale, a refund that gave the coupon back counts as a
restore on its day. A coupon "expires" in the period when its last valid day falls in
it and it was never used. The sales a coupon came with are the paid sales of the period
that used one; their revenue is what those clients paid.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from salon_tui.data.models import Coupon, CouponEvent, CouponTemplate, Refund, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import day_bounds_utc
from salon_tui.i18n import N_, _
from salon_tui.services import settings
from salon_tui.services.coupons import ORIGIN_LABELS
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

FIGURES = ("issued", "used", "restored", "voided", "expired", "discount")


def _empty() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def build(uow: UnitOfWork, actor: Actor, request: ReportRequest) -> ReportResult:
    shop = settings.get_shop_settings(uow)
    period = request.period
    start, _end = day_bounds_utc(period.start, shop.timezone)
    _start, end = day_bounds_utc(period.end, shop.timezone)
    by_template: dict[int, dict[str, int]] = defaultdict(_empty)
    by_origin: dict[str, dict[str, int]] = defaultdict(_empty)
    event_figure = {"issue": "issued", "use": "used", "restore": "restored", "void": "voided"}
    store = request.store_id
    with uow.read() as session:
        for template_id, origin, kind, count, amount in session.execute(
            _in_store(
                select(
                    col(Coupon.template_id),
                    col(Coupon.origin),
                    col(CouponEvent.kind),
                    func.count(),
                    func.coalesce(func.sum(col(CouponEvent.amount_cents)), 0),
                )
                .join(Coupon, col(Coupon.id) == col(CouponEvent.coupon_id))
                .where(col(CouponEvent.at) >= start, col(CouponEvent.at) < end)
                .group_by(col(Coupon.template_id), col(Coupon.origin), col(CouponEvent.kind)),
                store,
            )
        ).all():
            figure = event_figure.get(kind)
            if figure is None:
                continue
            for bucket in (by_template[int(template_id)], by_origin[str(origin)]):
                bucket[figure] += int(count)
                if kind == "use":
                    bucket["discount"] += int(amount)
        # A restore gives back what the coupon's last use took off: net it out.
        use = aliased(CouponEvent)
        restored_amount = (
            select(col(use.amount_cents))
            .where(
                col(use.coupon_id) == col(CouponEvent.coupon_id),
                col(use.kind) == "use",
                col(use.id) < col(CouponEvent.id),
            )
            .order_by(col(use.id).desc())
            .limit(1)
            .scalar_subquery()
        )
        for template_id, origin, amount in session.execute(
            _in_store(
                select(
                    col(Coupon.template_id),
                    col(Coupon.origin),
                    func.coalesce(func.sum(restored_amount), 0),
                )
                .select_from(CouponEvent)
                .join(Coupon, col(Coupon.id) == col(CouponEvent.coupon_id))
                .where(
                    col(CouponEvent.kind) == "restore",
                    col(CouponEvent.at) >= start,
                    col(CouponEvent.at) < end,
                )
                .group_by(col(Coupon.template_id), col(Coupon.origin)),
                store,
            )
        ).all():
            by_template[int(template_id)]["discount"] -= int(amount)
            by_origin[str(origin)]["discount"] -= int(amount)
        expiring = (
            select(col(Coupon.template_id), col(Coupon.origin), func.count())
            .where(
                col(Coupon.valid_to) >= period.start,
                col(Coupon.valid_to) <= period.end,
                col(Coupon.state) == "available",
            )
            .group_by(col(Coupon.template_id), col(Coupon.origin))
        )
        # A coupon belongs to a member of the chain: it expires in no store.
        for template_id, origin, count in session.execute(expiring).all() if store is None else ():
            by_template[int(template_id)]["expired"] += int(count)
            by_origin[str(origin)]["expired"] += int(count)
        names = {
            int(template_id): name
            for template_id, name in session.execute(
                select(col(CouponTemplate.id), col(CouponTemplate.name))
            ).all()
        }
        # The paid sales of the period that used a coupon (a use restored by a full
        # refund still came with its sale: the sale counts as refunded in `sales`).
        with_coupon = (
            select(col(CouponEvent.sale_id))
            .where(col(CouponEvent.kind) == "use", col(CouponEvent.sale_id).is_not(None))
            .scalar_subquery()
        )
        sales_count, sales_cents = session.execute(
            select(func.count(), func.coalesce(func.sum(col(Sale.total_cents)), 0)).where(
                *paid_in(period, store), col(Sale.id).in_(with_coupon)
            )
        ).one()
        all_count, all_cents = session.execute(
            select(func.count(), func.coalesce(func.sum(col(Sale.total_cents)), 0)).where(
                *paid_in(period, store)
            )
        ).one()

    def row(label: str, figures: dict[str, int]) -> dict[str, Any]:
        return {
            "name": label,
            "issued": figures["issued"],
            "used": figures["used"] - figures["restored"],
            "expired": figures["expired"],
            "voided": figures["voided"],
            "discount": figures["discount"],
        }

    template_rows = sorted(
        (row(names.get(template_id, f"#{template_id}"), figures)
         for template_id, figures in by_template.items()),
        key=lambda r: (-int(r["used"]), -int(r["issued"]), str(r["name"])),
    )  # fmt: skip
    origin_rows = sorted(
        (row(_(ORIGIN_LABELS.get(origin, origin)), figures) for origin, figures in by_origin.items()),
        key=lambda r: (-int(r["issued"]), str(r["name"])),
    )  # fmt: skip
    columns = (
        ReportColumn("name", _("Coupon"), Kind.TEXT),
        ReportColumn("issued", _("Issued"), Kind.INT),
        ReportColumn("used", _("Used"), Kind.INT),
        ReportColumn("expired", _("Expired unused"), Kind.INT),
        ReportColumn("voided", _("Cancelled"), Kind.INT),
        ReportColumn("discount", _("Discount given"), Kind.MONEY),
    )
    share = (int(sales_count) * 10_000 // int(all_count)) if all_count else None
    notes = [
        _(
            "Used and the discount given are net of coupons given back by refunds; a coupon expires unused in the "
            "period when its last valid day falls in it. Campaigns are how coupons were "
            "issued: by hand, to a segment, on birthdays, with top-ups, for referrals."
        )
    ]
    if store is not None:
        notes.append(
            _(
                "For one store: uses on its sales and coupons given back by its refunds. "
                "Coupons belong to members of the whole chain, so issued, cancelled and "
                "expired are counted for the chain only."
            )
        )
    return ReportResult(
        name="coupons",
        title=_("Coupons"),
        period=period,
        currency=shop.currency,
        sections=(
            Section(
                "by_template",
                _("By coupon"),
                columns,
                template_rows,
                chart=Chart("bar", "name", ("issued", "used"), _("Issued and used per coupon")),
            ),
            Section(
                "by_campaign",
                _("By campaign"),
                (ReportColumn("name", _("Issued by"), Kind.TEXT), *columns[1:]),
                origin_rows,
            ),
            Section(
                "sales",
                _("Sales that came with a coupon"),
                (
                    ReportColumn("item", _("Item"), Kind.TEXT),
                    ReportColumn("sales", _("Sales"), Kind.INT),
                    ReportColumn("revenue", _("Paid"), Kind.MONEY),
                    ReportColumn("share", _("Share of sales"), Kind.PERCENT),
                ),
                [
                    {
                        "item": _("With a coupon"),
                        "sales": int(sales_count),
                        "revenue": int(sales_cents),
                        "share": share,
                    },
                    {
                        "item": _("All sales"),
                        "sales": int(all_count),
                        "revenue": int(all_cents),
                        "share": 10_000 if all_count else None,
                    },
                ],
            ),
        ),
        notes=tuple(notes),
    )


def _in_store(query: Any, store: int | None) -> Any:
    """Coupon events of one store: uses on its sales, restores by its refunds."""
    if store is None:
        return query
    return (
        query.outerjoin(Sale, col(Sale.id) == col(CouponEvent.sale_id))
        .outerjoin(Refund, col(Refund.id) == col(CouponEvent.refund_id))
        .where(func.coalesce(col(Refund.store_id), col(Sale.store_id)) == store)
    )


register(
    ReportSpec(
        name="coupons",
        title=N_("Coupons"),
        description=N_(
            "Coupons issued, used, expired and cancelled per coupon and campaign, and the "
            "sales they came with."
        ),
        permission="reports.loyalty",
        build=build,
        by_store=True,
    )
)
