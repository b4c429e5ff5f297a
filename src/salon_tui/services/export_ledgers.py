"""The ``ledgers`` export kind: every entry of the prepaid and loyalty ledgers in one
sheet, with a ledger column, so an accountant reconciles them with
``salon report liabilities``.

The Liability change column is the change an entry makes to what the shop owes, in the currency's
unit, so the sum of a ledger's values up to a day (export without ``--from``) is that
ledger's outstanding line in the liabilities report at the end of that day:

- stored value: principal + bonus (the Principal and Bonus columns add up to the two
  stored value lines);
- packages: the change in the unused uses' value at the package's sale price, and an
  ``expired`` row (no ledger entry: computed) the day after a package's last day;
- points: points at their redemption value, exact (the report rounds its total down
  to the fen);
- coupons: vouchers at face value while they can be used, an ``expired`` row after
  their last day; discount coupons are worth nothing until used;
- gift cards: the entry's amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from salon_tui.data.models import (
    Coupon,
    CouponEvent,
    CouponTemplate,
    GiftCard,
    GiftCardEntry,
    MemberPackage,
    PackageUse,
    PointsEntry,
    StoredValueEntry,
)
from salon_tui.data.models.sales import Sale
from salon_tui.domain.clock import business_date, day_bounds_utc, utc_now
from salon_tui.domain.coupons import CouponKind
from salon_tui.domain.prepaid import unused_value
from salon_tui.i18n import N_, _
from salon_tui.services import points
from salon_tui.services.export_people import NO_MEMBER, ExportContext, chunks
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register

LEDGER_LABELS = {
    "stored_value": N_("Stored value"),
    "package": N_("Packages"),
    "points": N_("Points"),
    "coupon": N_("Coupons"),
    "gift_card": N_("Gift cards"),
}


class _Window:
    """The export's period as UTC instants, and the last shop day it reaches."""

    def __init__(self, context: ExportContext, request: ExportRequest) -> None:
        self.start = (
            day_bounds_utc(request.period.start, context.timezone)[0]
            if request.period.start
            else None
        )
        self.last_day = request.period.end or business_date(utc_now(), context.timezone)
        self.end = day_bounds_utc(self.last_day, context.timezone)[1]
        self.timezone = context.timezone

    def conditions(self, column: Any) -> list[Any]:
        conditions = [col(column) < self.end]
        if self.start is not None:
            conditions.append(col(column) >= self.start)
        return conditions

    def holds(self, moment: datetime) -> bool:
        return moment < self.end and (self.start is None or moment >= self.start)

    def day_start(self, day: date) -> datetime:
        return day_bounds_utc(day, self.timezone)[0]


def _row(
    context: ExportContext,
    ledger: str,
    entry_id: int | None,
    at: datetime,
    member_id: int | None,
    members: dict[int, Any],
    account: str,
    kind: str,
    *,
    principal: int | None = None,
    bonus: int | None = None,
    count: int | None = None,
    value: Decimal | None,
    method: str = "",
    reference: str = "",
    sale_number: str | None = None,
    note: str = "",
    staff_id: int | None = None,
) -> list[Any]:
    member = members.get(member_id, NO_MEMBER) if member_id else NO_MEMBER
    return [
        ledger,
        _(LEDGER_LABELS[ledger]),
        entry_id,
        context.local(at),
        business_date(at, context.timezone),
        member_id,
        member.card,
        member.name,
        account,
        kind,
        context.money(principal),
        context.money(bonus),
        count,
        value,
        method,
        reference,
        sale_number or "",
        note,
        context.staff(staff_id),
    ]


def _sale_numbers(context: ExportContext, sale_ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({sale_id for sale_id in sale_ids if sale_id is not None})
    numbers: dict[int, str] = {}
    for part in chunks(wanted):
        for sale_id, number in context.session.execute(
            select(col(Sale.id), col(Sale.number)).where(col(Sale.id).in_(part))
        ):
            numbers[int(sale_id)] = number or ""
    return numbers


def _stored_value(context: ExportContext, window: _Window) -> Iterator[list[Any]]:
    ids = [
        int(entry_id)
        for (entry_id,) in context.session.execute(
            select(col(StoredValueEntry.id))
            .where(*window.conditions(StoredValueEntry.created_at))
            .order_by(col(StoredValueEntry.created_at), col(StoredValueEntry.id))
        )
    ]
    for part in chunks(ids):
        entries = (
            context.session.execute(
                select(StoredValueEntry)
                .where(col(StoredValueEntry.id).in_(part))
                .order_by(col(StoredValueEntry.created_at), col(StoredValueEntry.id))
            )
            .scalars()
            .all()
        )
        members = context.members(entry.member_id for entry in entries)
        sales = _sale_numbers(context, [entry.sale_id for entry in entries])
        for entry in entries:
            yield _row(
                context,
                "stored_value",
                entry.id,
                entry.created_at,
                entry.member_id,
                members,
                "",
                entry.kind,
                principal=entry.principal_cents,
                bonus=entry.bonus_cents,
                value=context.money(entry.principal_cents + entry.bonus_cents),
                method=entry.method,
                reference=entry.reference,
                sale_number=sales.get(entry.sale_id) if entry.sale_id else None,
                note=entry.note,
                staff_id=entry.staff_id,
            )


def _packages(context: ExportContext, window: _Window) -> Iterator[list[Any]]:
    session = context.session
    packages = {
        package.id: package
        for package in session.execute(
            select(MemberPackage).where(col(MemberPackage.sold_at) < window.end)
        ).scalars()
    }
    uses: dict[int, list[PackageUse]] = defaultdict(list)
    for use in session.execute(
        select(PackageUse)
        .where(col(PackageUse.created_at) < window.end)
        .order_by(col(PackageUse.created_at), col(PackageUse.id))
    ).scalars():
        uses[use.package_id].append(use)
    members = context.members(package.member_id for package in packages.values())
    sales = _sale_numbers(context, [use.sale_id for group in uses.values() for use in group])
    rows: list[tuple[datetime, int, list[Any]]] = []
    for package_id, package in packages.items():
        assert package_id is not None
        expires_at = window.day_start(package.expires_on + timedelta(days=1))
        left = 0
        owed = 0
        expired = False
        events: list[tuple[datetime, PackageUse | None]] = [
            (use.created_at, use) for use in uses.get(package_id, [])
        ]
        if package.expires_on + timedelta(days=1) <= window.last_day:
            events.append((expires_at, None))
        events.sort(key=lambda event: (event[0], event[1] is None))
        for at, use in events:
            if use is None:
                expired = True
                now_owed = 0
                if window.holds(at):
                    rows.append(
                        (
                            at,
                            0,
                            _row(
                                context,
                                "package",
                                None,
                                at,
                                package.member_id,
                                members,
                                package.name,
                                "expired",
                                count=-left if left > 0 else 0,
                                value=context.money(now_owed - owed),
                                note=_("Last day {day}; no ledger entry.").format(
                                    day=package.expires_on.isoformat()
                                ),
                            ),
                        )
                    )
                owed = now_owed
                continue
            left += use.uses
            now_owed = 0 if expired else unused_value(package.price_cents, package.total_uses, left)
            if window.holds(at):
                rows.append(
                    (
                        at,
                        use.id or 0,
                        _row(
                            context,
                            "package",
                            use.id,
                            at,
                            use.member_id,
                            members,
                            package.name,
                            use.kind,
                            count=use.uses,
                            value=context.money(now_owed - owed),
                            method=_package_method(package, use.kind),
                            reference=package.reference,
                            sale_number=sales.get(use.sale_id) if use.sale_id else None,
                            note=use.reason,
                            staff_id=use.staff_id,
                        ),
                    )
                )
            owed = now_owed
    rows.sort(key=lambda item: (item[0], item[1]))
    for _at, _id, row in rows:
        yield row


def _package_method(package: MemberPackage, kind: str) -> str:
    """How the money of a package's sale or refund moved ("sale": with a sale's lines)."""
    if kind == "sold":
        return package.method
    if kind == "refund":
        return package.refund_method
    return ""


def _points(context: ExportContext, window: _Window) -> Iterator[list[Any]]:
    rules = points.load_rules(context.session)
    ids = [
        int(entry_id)
        for (entry_id,) in context.session.execute(
            select(col(PointsEntry.id))
            .where(*window.conditions(PointsEntry.at))
            .order_by(col(PointsEntry.at), col(PointsEntry.id))
        )
    ]
    unit = context.money(1) or Decimal(1)  # one minor unit in the currency's unit
    for part in chunks(ids):
        entries = (
            context.session.execute(
                select(PointsEntry)
                .where(col(PointsEntry.id).in_(part))
                .order_by(col(PointsEntry.at), col(PointsEntry.id))
            )
            .scalars()
            .all()
        )
        members = context.members(entry.member_id for entry in entries)
        sales = _sale_numbers(context, [entry.sale_id for entry in entries])
        for entry in entries:
            yield _row(
                context,
                "points",
                entry.id,
                entry.at,
                entry.member_id,
                members,
                "",
                entry.kind,
                count=entry.points,
                value=Decimal(entry.points * rules.value_per_100_cents) / 100 * unit,
                sale_number=sales.get(entry.sale_id) if entry.sale_id else None,
                note=entry.reason,
                staff_id=entry.staff_id,
            )


def _coupons(context: ExportContext, window: _Window) -> Iterator[list[Any]]:
    session = context.session
    coupons = {
        int(coupon_id): (code, member_id, valid_to, kind, face, name)
        for coupon_id, code, member_id, valid_to, kind, face, name in session.execute(
            select(
                col(Coupon.id),
                col(Coupon.code),
                col(Coupon.member_id),
                col(Coupon.valid_to),
                col(CouponTemplate.kind),
                col(CouponTemplate.amount_cents),
                col(CouponTemplate.name),
            )
            .join(CouponTemplate, col(CouponTemplate.id) == col(Coupon.template_id))
            .where(col(Coupon.issued_at) < window.end)
        )
    }
    events: dict[int, list[CouponEvent]] = defaultdict(list)
    for event in session.execute(
        select(CouponEvent)
        .where(col(CouponEvent.at) < window.end)
        .order_by(col(CouponEvent.at), col(CouponEvent.id))
    ).scalars():
        events[event.coupon_id].append(event)
    members = context.members(coupon[1] for coupon in coupons.values())
    sales = _sale_numbers(context, [e.sale_id for group in events.values() for e in group])
    rows: list[tuple[datetime, int, list[Any]]] = []
    for coupon_id, (code, member_id, valid_to, kind, face, name) in coupons.items():
        is_voucher = kind == CouponKind.VOUCHER.value
        account = f"{code} {name}"
        timeline: list[tuple[datetime, CouponEvent | None]] = [
            (event.at, event) for event in events.get(coupon_id, [])
        ]
        if is_voucher and valid_to is not None and valid_to + timedelta(days=1) <= window.last_day:
            timeline.append((window.day_start(valid_to + timedelta(days=1)), None))
        timeline.sort(key=lambda item: (item[0], item[1] is None))
        owed = 0
        state = "issue"
        expired = False
        for at, event in timeline:
            if event is None:
                expired = True
                now_owed = 0
                entry_kind, entry_id, note, staff_id, sale_number = (
                    "expired",
                    None,
                    _("Last day {day}; no ledger entry.").format(day=valid_to.isoformat()),
                    None,
                    None,
                )
            else:
                state = event.kind
                usable = state not in {"use", "void"}
                now_owed = int(face or 0) if is_voucher and usable and not expired else 0
                entry_kind, entry_id, staff_id = event.kind, event.id, event.staff_id
                note = event.reason
                if event.amount_cents:
                    note = _("Took {amount} off the sale.").format(
                        amount=context.money(event.amount_cents)
                    )
                sale_number = sales.get(event.sale_id) if event.sale_id else None
            if window.holds(at) and (event is not None or owed):
                rows.append(
                    (
                        at,
                        entry_id or 0,
                        _row(
                            context,
                            "coupon",
                            entry_id,
                            at,
                            member_id,
                            members,
                            account,
                            entry_kind,
                            value=context.money(now_owed - owed),
                            sale_number=sale_number,
                            note=note,
                            staff_id=staff_id,
                        ),
                    )
                )
            owed = now_owed
    rows.sort(key=lambda item: (item[0], item[1]))
    for _at, _id, row in rows:
        yield row


def _gift_cards(context: ExportContext, window: _Window) -> Iterator[list[Any]]:
    entries = context.session.execute(
        select(
            GiftCardEntry,
            col(GiftCard.code),
            col(GiftCard.tender),
            col(GiftCard.reference),
            col(GiftCard.refund_method),
        )
        .join(GiftCard, col(GiftCard.id) == col(GiftCardEntry.gift_card_id))
        .where(*window.conditions(GiftCardEntry.at))
        .order_by(col(GiftCardEntry.at), col(GiftCardEntry.id))
    ).all()
    sales = _sale_numbers(context, [entry.sale_id for entry, *_card in entries])
    for entry, code, tender, reference, refund_method in entries:
        sold = entry.kind == "sold"
        # What the desk paid back went by the card's refund method.
        method = tender if sold else refund_method if entry.kind == "paid_back" else ""
        yield _row(
            context,
            "gift_card",
            entry.id,
            entry.at,
            None,
            {},
            code,
            entry.kind,
            value=context.money(entry.amount_cents),
            method=method,
            reference=reference if sold else "",
            sale_number=sales.get(entry.sale_id) if entry.sale_id else None,
            staff_id=entry.staff_id,
        )


def _ledger_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    with request.uow.read() as session:
        context = ExportContext.open(session, request)
        window = _Window(context, request)
        for source in (_stored_value, _packages, _points, _coupons, _gift_cards):
            yield from source(context, window)


LEDGERS_EXPORT = register(
    ExportKind(
        name="ledgers",
        title=N_("Ledgers"),
        permission="reports.liabilities",
        columns=(
            ExportColumn(
                N_("Ledger code"), N_("stored_value, package, points, coupon or gift_card.")
            ),
            ExportColumn(N_("Ledger"), N_("The ledger, in the shop's language.")),
            ExportColumn(
                N_("Entry ID"),
                N_("The entry's number in its ledger; empty on a computed expiry row."),
            ),
            ExportColumn(N_("When"), N_("Shop time of the entry.")),
            ExportColumn(N_("Business day"), N_("The shop day of the entry.")),
            ExportColumn(
                N_("Member ID"), N_("The member whose balance it is (none for gift cards).")
            ),
            ExportColumn(
                N_("Card"), N_("The member's active card; ****1234 without the contact permission.")
            ),
            ExportColumn(N_("Member"), N_("The member's name.")),
            ExportColumn(N_("Account"), N_("The package's name, the coupon or gift card's code.")),
            ExportColumn(
                N_("Entry kind"),
                N_("What happened: top_up, spend, use, earn, redeem, issue, sold, expired …"),
            ),
            ExportColumn(N_("Principal"), N_("Stored value paid in by the member (+) or out (-).")),
            ExportColumn(N_("Bonus"), N_("Stored value given by promotions (+) or used (-).")),
            ExportColumn(N_("Uses / points"), N_("Package uses or points, signed.")),
            ExportColumn(
                N_("Liability change"),
                N_(
                    "The change to what the shop owes; a ledger's sum up to a day is its "
                    "outstanding line in `salon report liabilities` at that day."
                ),
            ),
            ExportColumn(
                N_("Method"), N_("How money came in or went out (top-up, sale of a card).")
            ),
            ExportColumn(
                N_("Reference"),
                N_("The payment's reference (top-up, package or gift card sold)."),
            ),
            ExportColumn(N_("Sale number"), N_("The sale the entry belongs to.")),
            ExportColumn(N_("Note"), N_("Reason or note kept with the entry.")),
            ExportColumn(N_("Staff"), N_("Who made the entry.")),
        ),
        rows=_ledger_rows,
    )
)
