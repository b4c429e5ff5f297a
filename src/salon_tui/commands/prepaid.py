"""`salon prepaid …`: stored value top-ups, undo, closing, balance and history; promotions."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from salon_tui.commands._catalog import money, parse_money, shop_currency
from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    parse_day,
    print_json,
    print_table,
)
from salon_tui.domain.prepaid import METHOD_LABELS
from salon_tui.i18n import _

app = new_app(_("Stored value (储值): top up, undo, close, balance, history, promotions."))
promotion_app = new_app(_("Top-up promotions: tiers such as 充1000送200."))
app.add_typer(promotion_app, name="promotion")

MemberArg = Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))]
MethodOption = Annotated[
    str,
    typer.Option("--method", help=_("cash, bank_card, wechat, alipay or other.")),
]
ReferenceOption = Annotated[
    str,
    typer.Option("--reference", help=_("The transaction number (every method but cash).")),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        help=_("An idempotency key: the same key again returns the first result, once."),
    ),
]


@app.command("top-up", help=_("Add money to a member's stored value; promotions apply."))
def top_up_command(
    ctx: typer.Context,
    member: MemberArg,
    amount: Annotated[str, typer.Option("--amount", help=_("How much, e.g. 1000 or 1,000.00."))],
    method: MethodOption = "cash",
    reference: ReferenceOption = "",
    note: Annotated[str, typer.Option("--note", help=_("A note kept with the top-up."))] = "",
    key: KeyOption = None,
) -> None:
    from salon_tui.services import members, stored_value

    uow = open_database()
    currency, _locale = shop_currency(uow)
    amount_cents = parse_money(amount, currency, "--amount")
    assert amount_cents is not None
    actor = acting_staff(ctx, uow)
    done = stored_value.top_up(
        uow,
        actor,
        members.resolve_member(uow, actor, member),
        amount_cents,
        method,
        reference,
        note,
        key=key or str(uuid.uuid4()),
    )
    typer.echo(
        _("Top-up #{id}: {amount} for {name}.").format(
            id=done.entry_id, amount=money(uow, done.amount_cents), name=done.member_name
        )
    )
    if done.promotion:
        typer.echo(
            _("Promotion {name}: bonus {bonus}.").format(
                name=done.promotion, bonus=money(uow, done.bonus_cents)
            )
        )
    for reward in done.rewards:
        typer.echo(f"  + {reward}")
    if done.new_level:
        typer.echo(_("Level now {level}.").format(level=done.new_level))
    typer.echo(
        _("Balance: principal {principal}, bonus {bonus}.").format(
            principal=money(uow, done.principal_after_cents),
            bonus=money(uow, done.bonus_after_cents),
        )
    )
    _say_receipt(done.receipt_number)


def _say_receipt(number: str) -> None:
    if number:
        typer.echo(
            _("Receipt {number} is in the print queue (salon printer jobs).").format(number=number)
        )


@app.command("undo", help=_("Undo a mistaken top-up of today (manager), with a reason."))
def undo_command(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help=_("The top-up number from `history`."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is undone."))],
    key: KeyOption = None,
) -> None:
    from salon_tui.services import stored_value

    uow = open_database()
    actor = acting_staff(ctx, uow)
    done = stored_value.undo_top_up(uow, actor, entry_id, reason, key=key or str(uuid.uuid4()))
    typer.echo(
        _("Top-up #{id} undone by #{undo}: {amount} back to the client.").format(
            id=entry_id, undo=done.entry_id, amount=money(uow, done.principal_cents)
        )
    )
    _say_receipt(done.receipt_number)


@app.command(
    "close", help=_("Close a member's stored value: refund the principal, forfeit the bonus.")
)
def close_command(
    ctx: typer.Context,
    member: MemberArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is closed."))],
    method: MethodOption = "cash",
    reference: ReferenceOption = "",
    key: KeyOption = None,
) -> None:
    from salon_tui.services import members, stored_value

    uow = open_database()
    actor = acting_staff(ctx, uow)
    done = stored_value.close_stored_value(
        uow,
        actor,
        members.resolve_member(uow, actor, member),
        method,
        reason,
        reference,
        key=key or str(uuid.uuid4()),
    )
    typer.echo(
        _("Stored value closed: {refund} refunded, bonus {bonus} forfeited.").format(
            refund=money(uow, done.refunded_cents), bonus=money(uow, done.forfeited_bonus_cents)
        )
    )


@app.command("balance", help=_("A member's principal and bonus."))
def balance_command(
    ctx: typer.Context,
    member: MemberArg,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import members, stored_value

    uow = open_database()
    actor = acting_staff(ctx, uow)
    balance = stored_value.get_balance(uow, actor, members.resolve_member(uow, actor, member))
    if as_json:
        print_json(
            {
                "member_id": balance.member_id,
                "name": balance.member_name,
                "principal_cents": balance.principal_cents,
                "bonus_cents": balance.bonus_cents,
                "status": balance.status,
                "low": balance.is_low,
            }
        )
        return
    typer.echo(
        _("{name}: principal {principal}, bonus {bonus}, total {total}.").format(
            name=balance.member_name,
            principal=money(uow, balance.principal_cents),
            bonus=money(uow, balance.bonus_cents),
            total=money(uow, balance.total_cents),
        )
    )
    if balance.is_low:
        typer.echo(_("Low balance: suggest a top-up."))


@app.command("history", help=_("A member's stored value ledger, newest first."))
def history_command(
    ctx: typer.Context,
    member: MemberArg,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import members, stored_value

    uow = open_database()
    actor = acting_staff(ctx, uow)
    entries = stored_value.history(uow, actor, members.resolve_member(uow, actor, member))
    if as_json:
        print_json(
            [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "principal_cents": e.principal_cents,
                    "bonus_cents": e.bonus_cents,
                    "method": e.method,
                    "reference": e.reference,
                    "note": e.note,
                    "date": e.business_day.isoformat(),
                    "sale_id": e.sale_id,
                    "reverses": e.reverses_id,
                    "reversed": e.reversed,
                }
                for e in entries
            ]
        )
        return
    print_table(
        [_("No."), _("Date"), _("What"), _("Principal"), _("Bonus"), _("Method"), _("Note")],
        [
            (
                str(e.id),
                e.business_day.isoformat(),
                e.kind_label + (" " + _("(undone)") if e.reversed else ""),
                money(uow, e.principal_cents),
                money(uow, e.bonus_cents),
                _(METHOD_LABELS[e.method]) if e.method in METHOD_LABELS else e.method,
                e.note,
            )
            for e in entries
        ],
    )


@app.command("settings", help=_("Show or change the spending order, limits and largest amount."))
def settings_command(
    ctx: typer.Context,
    spend_order: Annotated[
        str | None,
        typer.Option("--spend-order", help=_("bonus_first, principal_first or proportional.")),
    ] = None,
    per_sale: Annotated[
        str | None, typer.Option("--per-sale", help=_("Most a sale may take (0: no limit)."))
    ] = None,
    per_day: Annotated[
        str | None, typer.Option("--per-day", help=_("Most a day may take (0: no limit)."))
    ] = None,
    max_amount: Annotated[
        str | None, typer.Option("--max-amount", help=_("The largest top-up the shop accepts."))
    ] = None,
    low_balance: Annotated[
        str | None,
        typer.Option("--low-balance", help=_("Hint at the desk under this balance.")),
    ] = None,
) -> None:
    from salon_tui.services import prepaid_settings

    uow = open_database()
    currency, _locale = shop_currency(uow)
    actor = acting_staff(ctx, uow)
    changes: dict[str, object] = {}
    if spend_order is not None:
        changes["spend_order"] = spend_order
    for name, text in (
        ("limit_per_sale_cents", per_sale),
        ("limit_per_day_cents", per_day),
        ("max_amount_cents", max_amount),
        ("low_balance_cents", low_balance),
    ):
        if text is not None:
            changes[name] = parse_money(text, currency, "--" + name)
    if changes:
        current = prepaid_settings.update_prepaid_settings(uow, actor, **changes)
    else:
        current = prepaid_settings.get_prepaid_settings(uow)
    typer.echo(_("Spending order: {order}").format(order=current.spend_order))
    typer.echo(
        _("Per sale: {sale} · per day: {day} · largest amount: {most}").format(
            sale=money(uow, current.limit_per_sale_cents) if current.limit_per_sale_cents else "—",
            day=money(uow, current.limit_per_day_cents) if current.limit_per_day_cents else "—",
            most=money(uow, current.max_amount_cents),
        )
    )
    typer.echo(
        _("Low balance under: {amount}").format(amount=money(uow, current.low_balance_cents))
    )


@promotion_app.command("add", help=_("Add a tier: top up at least --min to receive its rewards."))
def promotion_add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The promotion's name, e.g. 充1000送200."))],
    minimum: Annotated[str, typer.Option("--min", help=_("The top-up that reaches the tier."))],
    bonus: Annotated[str, typer.Option("--bonus", help=_("Bonus added to stored value."))] = "0",
    points: Annotated[int, typer.Option("--points", help=_("Points given (loyalty)."))] = 0,
    coupon: Annotated[
        str,
        typer.Option("--coupon", help=_("Coupon template code given (loyalty).")),
    ] = "",
    level: Annotated[str, typer.Option("--level", help=_("Level the member is upgraded to."))] = "",
    starts: Annotated[
        str | None, typer.Option("--from", help=_("First day it runs (default: now)."))
    ] = None,
    ends: Annotated[str | None, typer.Option("--to", help=_("Last day it runs."))] = None,
) -> None:
    from salon_tui.services import top_up_promotions

    uow = open_database()
    currency, _locale = shop_currency(uow)
    minimum_cents = parse_money(minimum, currency, "--min")
    bonus_cents = parse_money(bonus, currency, "--bonus")
    assert minimum_cents is not None and bonus_cents is not None
    if points < 0:
        raise UsageProblem(_("--points cannot be negative."))
    actor = acting_staff(ctx, uow)
    added = top_up_promotions.add_promotion(
        uow,
        actor,
        name,
        minimum_cents,
        bonus_cents=bonus_cents,
        points=points,
        coupon_template=coupon,
        upgrade_level=level,
        starts_on=parse_day(starts, "--from"),
        ends_on=parse_day(ends, "--to"),
    )
    typer.echo(_("Promotion #{id} {name} added.").format(id=added.id, name=added.name))


@promotion_app.command("list", help=_("The running promotions (--all: ended ones too)."))
def promotion_list_command(
    ctx: typer.Context,
    include_ended: Annotated[bool, typer.Option("--all", help=_("Show ended ones too."))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import top_up_promotions

    uow = open_database()
    actor = acting_staff(ctx, uow)
    found = top_up_promotions.list_promotions(uow, actor, include_ended=include_ended)
    if as_json:
        print_json([p.__dict__ for p in found])
        return
    print_table(
        [_("No."), _("Name"), _("From"), _("Bonus"), _("Points"), _("Coupon"), _("Level")],
        [
            (
                str(p.id),
                p.name + ("" if p.active else " " + _("(ended)")),
                money(uow, p.min_amount_cents),
                money(uow, p.bonus_cents),
                str(p.points or ""),
                p.coupon_template,
                p.upgrade_level,
            )
            for p in found
        ],
    )


@promotion_app.command("end", help=_("Stop a promotion."))
def promotion_end_command(
    ctx: typer.Context,
    promotion_id: Annotated[int, typer.Argument(help=_("The promotion number from `list`."))],
) -> None:
    from salon_tui.services import top_up_promotions

    uow = open_database()
    actor = acting_staff(ctx, uow)
    ended = top_up_promotions.end_promotion(uow, actor, promotion_id)
    typer.echo(_("Promotion {name} ended.").format(name=ended.name))
