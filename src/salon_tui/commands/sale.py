"""`salon sale …`: look up paid sales and refund them from the command line."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer

from salon_tui.commands._common import (
    ApprovedByOption,
    UsageProblem,
    acting_staff,
    approval_of,
    new_app,
    open_database,
    parse_day,
    parse_on_off,
    parse_percent_bp,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(_("Sales: list and show paid sales, refund them, ratings, checkout rules."))


def _money(uow: Any) -> Any:
    from salon_tui.domain.money import format_money
    from salon_tui.services.settings import get_shop_settings

    shop = get_shop_settings(uow)
    return lambda cents: format_money(cents, shop.currency, shop.locale)


@app.command("list", help=_("Paid sales, newest first, by day, range or search text."))
def list_command(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help=_("One day (YYYY-MM-DD)."))] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help=_("First day of a range."))
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help=_("Last day of a range."))] = None,
    search: Annotated[
        str, typer.Option("--search", help=_("Part of a sale number or member name."))
    ] = "",
    limit: Annotated[int, typer.Option("--limit", help=_("At most this many sales."))] = 200,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import sales_history

    start = parse_day(day or date_from, "--date" if day else "--from")
    end = parse_day(day or date_to, "--date" if day else "--to")
    if limit < 1:
        raise UsageProblem(_("--limit is at least 1."))
    uow = open_database()
    actor = acting_staff(ctx, uow)
    rows = sales_history.list_sales(uow, actor, start=start, end=end, search=search, limit=limit)
    if as_json:
        print_json(
            [
                {
                    "number": r.number,
                    "business_day": r.business_day.isoformat(),
                    "paid_at": r.paid_at.isoformat(),
                    "status": r.status,
                    "member": r.member_label,
                    "total_cents": r.total_cents,
                    "refunded_cents": r.refunded_cents,
                    "cashier": r.cashier,
                }
                for r in rows
            ]
        )
        return
    money = _money(uow)
    print_table(
        [_("Sale"), _("Status"), _("Member"), _("Total"), _("Refunded"), _("Cashier")],
        [
            (
                r.number,
                _(r.status.capitalize()),
                r.member_label or _("Walk-in"),
                money(r.total_cents),
                money(r.refunded_cents) if r.refunded_cents else "",
                r.cashier,
            )
            for r in rows
        ],
    )


@app.command(
    "show", help=_("One sale in full: lines, discounts and why, stylists, payments, refunds.")
)
def show_command(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("The sale number, e.g. 20261122-0042."))],
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import sales_history

    uow = open_database()
    actor = acting_staff(ctx, uow)
    detail = sales_history.get_sale(uow, actor, sales_history.find_sale_id(uow, actor, number))
    if as_json:
        print_json(_detail_json(detail))
        return
    money = _money(uow)
    row = detail.row
    typer.echo(
        _("Sale {number} · {status} · {member} · cashier {cashier}").format(
            number=row.number,
            status=_(row.status.capitalize()),
            member=row.member_label or _("Walk-in"),
            cashier=row.cashier,
        )
    )
    print_table(
        [_("Line"), _("Item"), _("Qty"), _("Price"), _("Charged"), _("Stylists"), _("Refunded")],
        [
            (
                line.id,
                line.description,
                line.qty,
                money(line.unit_cents),
                money(line.net_cents),
                ", ".join(
                    f"{s.name} {s.share_bp / 100:g}%" + (" ★" if s.requested else "")
                    for s in line.staff
                ),
                f"{line.refunded_qty} · {money(line.refunded_cents)}" if line.refunded_qty else "",
            )
            for line in detail.lines
        ],
    )
    for line in detail.lines:
        for adjustment in line.adjustments:
            why = " · ".join(part for part in (adjustment.explanation, adjustment.reason) if part)
            typer.echo(
                f"  {line.description}: {adjustment.label} −{money(adjustment.amount_cents)}"
                + (f" ({why})" if why else "")
            )
    typer.echo(
        _(
            "Subtotal {subtotal} · discounts {discount} · rounding {rounding} · tips {tips} · total {total}"
        ).format(
            subtotal=money(detail.subtotal_cents),
            discount=money(detail.discount_cents),
            rounding=money(detail.rounding_cents),
            tips=money(detail.tips_cents),
            total=money(row.total_cents),
        )
    )
    from salon_tui.services.tenders import tender_table

    tenders = tender_table()
    for payment in detail.payments:
        label = _(tenders[payment.tender].label) if payment.tender in tenders else payment.tender
        typer.echo(
            f"  {label}: {money(payment.amount_cents)}"
            + (f" ({payment.reference})" if payment.reference else "")
            + (f" · {_('change')} {money(payment.change_cents)}" if payment.change_cents else "")
            + (f" · {payment.refund_number}" if payment.refund_number else "")
        )
    for refund in detail.refunds:
        typer.echo(
            _("Refund {number} on {day}: {amount} by {by} — {reason}").format(
                number=refund.number,
                day=refund.business_day.isoformat(),
                amount=money(refund.amount_cents + refund.tips_cents),
                by=refund.by,
                reason=refund.reason,
            )
        )


def _detail_json(detail: Any) -> dict[str, Any]:
    row = detail.row
    return {
        "number": row.number,
        "business_day": row.business_day.isoformat(),
        "status": row.status,
        "member": row.member_label,
        "cashier": row.cashier,
        "subtotal_cents": detail.subtotal_cents,
        "discount_cents": detail.discount_cents,
        "rounding_cents": detail.rounding_cents,
        "tips_cents": detail.tips_cents,
        "total_cents": row.total_cents,
        "refunded_cents": row.refunded_cents,
        "lines": [
            {
                "id": line.id,
                "kind": line.kind,
                "description": line.description,
                "qty": line.qty,
                "unit_cents": line.unit_cents,
                "net_cents": line.net_cents,
                "refunded_qty": line.refunded_qty,
                "refunded_cents": line.refunded_cents,
                "staff": [
                    {"name": s.name, "share_bp": s.share_bp, "requested": s.requested}
                    for s in line.staff
                ],
                "adjustments": [
                    {
                        "source": a.source,
                        "amount_cents": a.amount_cents,
                        "explanation": a.explanation,
                        "reason": a.reason,
                    }
                    for a in line.adjustments
                ],
            }
            for line in detail.lines
        ],
        "payments": [
            {
                "tender": p.tender,
                "amount_cents": p.amount_cents,
                "change_cents": p.change_cents,
                "reference": p.reference,
                "refund": p.refund_number,
            }
            for p in detail.payments
        ],
        "refunds": [
            {
                "number": r.number,
                "business_day": r.business_day.isoformat(),
                "amount_cents": r.amount_cents + r.tips_cents,
                "reason": r.reason,
            }
            for r in detail.refunds
        ],
    }


def _parse_lines(values: list[str]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for value in values:
        line_text, _sep, qty_text = value.partition(":")
        try:
            wanted[int(line_text)] = int(qty_text) if qty_text else 1
        except ValueError:
            raise UsageProblem(
                _(
                    "--line takes LINE or LINE:QTY (line numbers from `salon sale show`), not {value!r}."
                ).format(value=value)
            ) from None
    return wanted


@app.command(
    "refund", help=_("Refund a sale, whole or by line; money goes back by the method chosen.")
)
def refund_command(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("The sale number, e.g. 20261122-0042."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why the client gets money back."))],
    line: Annotated[
        list[str] | None,
        typer.Option(
            "--line", help=_("LINE or LINE:QTY to refund; repeat it. Default: everything left.")
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--to",
            help=_(
                "Pay it all back by this method (cash, bank_card, wechat, alipay); default: as the client paid."
            ),
        ),
    ] = None,
    reference: Annotated[
        str, typer.Option("--reference", help=_("Transaction reference of the refund, if any."))
    ] = "",
    key: Annotated[
        str | None,
        typer.Option(
            "--key", help=_("Idempotency key: running the same command again with it refunds once.")
        ),
    ] = None,
    approved_by: ApprovedByOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import refunds, sales_history

    wanted = _parse_lines(line) if line else None
    uow = open_database()
    actor = acting_staff(ctx, uow)
    approval = approval_of(uow, approved_by, "sales.refund")
    done = refunds.refund_sale(
        uow,
        actor,
        sales_history.find_sale_id(uow, actor, number),
        key=key or uuid.uuid4().hex,
        reason=reason,
        lines=wanted,
        to_tender=method,
        reference=reference,
        approval=approval,
    )
    if as_json:
        print_json(
            {
                "refund": done.number,
                "sale": done.sale_number,
                "business_day": done.business_day.isoformat(),
                "total_cents": done.total_cents,
                "payments": [p.__dict__ for p in done.payments],
                "sale_fully_refunded": done.sale_fully_refunded,
                "counted_on_another_day": done.counted_on_another_day,
            }
        )
        return
    money = _money(uow)
    typer.echo(
        _("Refund {number} for sale {sale}: {amount} back ({parts}).").format(
            number=done.number,
            sale=done.sale_number,
            amount=money(done.total_cents),
            parts=", ".join(f"{p.tender} {money(p.amount_cents)}" for p in done.payments),
        )
    )
    if done.counted_on_another_day:
        typer.echo(
            _(
                "The sale was on an earlier day; this refund counts on today's report ({day})."
            ).format(day=done.business_day.isoformat())
        )


@app.command("rate", help=_("Record a client's 1–5 stars (and comment) for a stylist of a sale."))
def rate_command(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help=_("The sale number, e.g. 20261122-0042."))],
    stylist: Annotated[str, typer.Option("--stylist", help=_("Who is rated (their name)."))],
    stars: Annotated[int, typer.Option("--stars", help=_("1 (poor) to 5 (excellent)."))],
    comment: Annotated[str, typer.Option("--comment", help=_("What the client said."))] = "",
) -> None:
    from salon_tui.services import ratings, sales_history, staff

    uow = open_database()
    actor = acting_staff(ctx, uow)
    person = staff.find_staff(uow, stylist)
    view = ratings.rate(
        uow, actor, sales_history.find_sale_id(uow, actor, number), person.id, stars, comment
    )
    typer.echo(
        _("Rating #{id}: {name} {stars} on sale {number}.").format(
            id=view.id, name=view.staff_name, stars=view.star_text, number=view.sale_number
        )
    )


@app.command("ratings", help=_("Clients' ratings, newest first (a stylist sees their own)."))
def ratings_command(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option("--month", help=_("A whole month (YYYY-MM)."))
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help=_("First day of a range."))
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help=_("Last day of a range (default: today)."))
    ] = None,
    stylist: Annotated[
        str | None, typer.Option("--stylist", help=_("Only this person's ratings."))
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help=_("Withdrawn ratings too, with the reason."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.domain.periods import resolve_period
    from salon_tui.services import ratings, settings, staff

    uow = open_database()
    period = None
    if month or date_from or date_to:
        today = business_date(utc_now(), settings.get_shop_settings(uow).timezone)
        try:
            period = resolve_period(start=date_from, end=date_to, month=month, today=today)
        except ValueError as error:
            raise UsageProblem(str(error)) from None
    actor = acting_staff(ctx, uow)
    staff_id = staff.find_staff(uow, stylist).id if stylist else None
    found = ratings.list_ratings(
        uow, actor, period=period, staff_id=staff_id, include_withdrawn=show_all
    )
    if as_json:
        print_json(
            [
                {
                    "id": r.id,
                    "sale": r.sale_number,
                    "date": r.business_day.isoformat(),
                    "stylist": r.staff_name,
                    "stars": r.stars,
                    "comment": r.comment,
                    "withdrawn": r.withdrawn,
                    "withdraw_reason": r.withdraw_reason,
                }
                for r in found
            ]
        )
        return
    if not found:
        typer.echo(_("No ratings."))
        return
    print_table(
        [_("No."), _("Date"), _("Sale"), _("Stylist"), _("Stars"), _("Comment")],
        [
            (
                str(r.id),
                r.business_day.isoformat(),
                r.sale_number,
                r.staff_name,
                r.star_text,
                _("withdrawn: {reason}").format(reason=r.withdraw_reason)
                if r.withdrawn
                else r.comment,
            )
            for r in found
        ],
    )


@app.command("unrate", help=_("Withdraw a mistaken rating, with a reason (managers)."))
def unrate_command(
    ctx: typer.Context,
    rating_id: Annotated[int, typer.Argument(help=_("The number from `salon sale ratings`."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why (kept in the audit)."))],
) -> None:
    from salon_tui.services import ratings

    uow = open_database()
    view = ratings.withdraw(uow, acting_staff(ctx, uow), rating_id, reason)
    typer.echo(_("Rating #{id} withdrawn.").format(id=view.id))


@app.command(
    "settings",
    help=_("Show the checkout rules, or change them: discount limit, ratings, birthday discount."),
)
def settings_command(
    ctx: typer.Context,
    discount_limit: Annotated[
        str | None,
        typer.Option(
            "--discount-limit",
            help=_("The largest manual discount (percent) given without a manager's PIN."),
        ),
    ] = None,
    ask_rating: Annotated[
        str | None,
        typer.Option("--ask-rating", help=_("on/off: ask the client to rate after paying.")),
    ] = None,
    birthday_discount: Annotated[
        str | None,
        typer.Option(
            "--birthday-discount", help=_("Members' birthday discount in percent (0 = none).")
        ),
    ] = None,
    birthday_window: Annotated[
        str | None,
        typer.Option(
            "--birthday-window",
            help=_("day, week (three days either side) or month: when the discount applies."),
        ),
    ] = None,
    birthday_on: Annotated[
        str | None,
        typer.Option("--birthday-on", help=_("services, or all (services and products).")),
    ] = None,
    birthday_once: Annotated[
        str | None,
        typer.Option("--birthday-once", help=_("on/off: once per birthday, or every visit.")),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import checkout_settings

    changes: dict[str, Any] = {}
    if birthday_discount is not None:
        changes["birthday_discount_bp"] = parse_percent_bp(birthday_discount, "--birthday-discount")
    if birthday_window is not None:
        changes["birthday_window"] = birthday_window.strip().lower()
    if birthday_on is not None:
        changes["birthday_scope"] = birthday_on.strip().lower()
    if birthday_once is not None:
        changes["birthday_once"] = parse_on_off(birthday_once, "--birthday-once")
    if discount_limit is not None:
        changes["discount_limit_bp"] = parse_percent_bp(discount_limit, "--discount-limit")
    if ask_rating is not None:
        changes["ask_rating"] = parse_on_off(ask_rating, "--ask-rating")
    uow = open_database()
    if changes:
        current = checkout_settings.update_checkout_settings(uow, acting_staff(ctx, uow), **changes)
    else:
        current = checkout_settings.get_checkout_settings(uow)
    if as_json:
        print_json(current.__dict__)
        return
    typer.echo(
        _("Manual discounts above {limit}% need a manager's PIN.").format(
            limit=f"{current.discount_limit_bp / 100:g}"
        )
    )
    typer.echo(
        _("After paying, the client is asked to rate their stylist.")
        if current.ask_rating
        else _("Checkout does not ask for ratings.")
    )
    if current.birthday_discount_bp:
        window = {
            "day": _("on their birthday"),
            "week": _("in the week of their birthday"),
            "month": _("in their birth month"),
        }[current.birthday_window]
        typer.echo(
            _("Members get {percent}% off {lines} {window}{once}.").format(
                percent=f"{current.birthday_discount_bp / 100:g}",
                lines=_("services") if current.birthday_scope == "services" else _("everything"),
                window=window,
                once=_(", once") if current.birthday_once else "",
            )
        )
    else:
        typer.echo(_("No birthday discount."))
