"""`salon giftcard …`: sell gift cards, look up a balance by code, list, expire."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer

from salon_tui.commands._catalog import money, parse_money, shop_clock, shop_currency
from salon_tui.commands._common import (
    ApprovedByOption,
    acting_staff,
    approval_of,
    new_app,
    open_database,
    parse_day,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(_("Gift cards (礼品卡): sell, balance by code, list, refund, expire unspent value."))

JsonOption = Annotated[bool, typer.Option("--json", help=_("Print JSON."))]


def _open(ctx: typer.Context) -> tuple[Any, Any]:
    uow = open_database()
    return uow, acting_staff(ctx, uow)


def _card_json(view: Any) -> dict[str, Any]:
    return {
        **view.__dict__,
        "expires_on": view.expires_on.isoformat() if view.expires_on else None,
        "sold_at": view.sold_at.isoformat(),
        "business_day": view.business_day.isoformat(),
    }


@app.command("sell", help=_("Sell a gift card: prints its new code (cash goes into the drawer)."))
def sell_command(
    ctx: typer.Context,
    amount: Annotated[str, typer.Argument(help=_("Its value, e.g. 500."))],
    pay: Annotated[
        str, typer.Option("--pay", help=_("How it is paid: cash, bank_card, wechat or alipay."))
    ] = "cash",
    reference: Annotated[
        str, typer.Option("--reference", help=_("The WeChat Pay / Alipay transaction number."))
    ] = "",
    note: Annotated[str, typer.Option("--note", help=_("Who bought it, for whom."))] = "",
    key: Annotated[
        str | None,
        typer.Option("--key", help=_("A unique key: the same key sells once, however often run.")),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.domain.giftcards import spaced
    from salon_tui.services import gift_cards

    uow = open_database()
    currency, _locale = shop_currency(uow)
    value = parse_money(amount, currency, "AMOUNT")
    assert value is not None
    actor = acting_staff(ctx, uow)
    view = gift_cards.sell(
        uow, actor, value, pay, key=key or uuid.uuid4().hex, reference=reference, note=note
    )
    if as_json:
        print_json(_card_json(view))
        return
    typer.echo(
        _("Gift card {code} worth {value}.").format(
            code=spaced(view.code), value=money(uow, view.value_cents)
        )
    )
    if view.expires_on:
        typer.echo(_("It can be spent until {day}.").format(day=view.expires_on.isoformat()))
    if actor.can("printer.print"):
        from salon_tui.services.prepaid_receipts import gift_card_number

        typer.echo(
            _("Receipt {number} is in the print queue (salon printer jobs).").format(
                number=gift_card_number(view.id)
            )
        )


@app.command(
    "refund",
    help=_("Pay back what is left on a gift card sold outside a sale (manager); closes it."),
)
def refund_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("The code on the card (scanned or typed)."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is refunded."))],
    method: Annotated[
        str, typer.Option("--method", help=_("cash, bank_card, wechat, alipay or other."))
    ] = "cash",
    reference: Annotated[
        str, typer.Option("--reference", help=_("The transaction number (not for cash)."))
    ] = "",
    key: Annotated[
        str | None,
        typer.Option(
            "--key", help=_("A unique key: the same key refunds once, however often run.")
        ),
    ] = None,
    as_json: JsonOption = False,
    approved_by: ApprovedByOption = None,
) -> None:
    from salon_tui.domain.giftcards import spaced
    from salon_tui.services import gift_cards

    uow, actor = _open(ctx)
    approval = approval_of(uow, approved_by, "giftcard.refund")
    done = gift_cards.refund_card(
        uow, actor, code, method, reason, reference, key=key or uuid.uuid4().hex, approval=approval
    )
    if as_json:
        print_json(done.__dict__)
        return
    typer.echo(
        _("Gift card {code} refunded: {amount} back; the card is closed.").format(
            code=spaced(done.code), amount=money(uow, done.refunded_cents)
        )
    )


@app.command("balance", help=_("A gift card's balance and history, by its code."))
def balance_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("The code on the card (scanned or typed)."))],
    as_json: JsonOption = False,
) -> None:
    from salon_tui.domain.giftcards import spaced
    from salon_tui.services import gift_cards

    uow, actor = _open(ctx)
    view, entries = gift_cards.balance(uow, actor, code)
    if as_json:
        print_json(
            {
                **_card_json(view),
                "entries": [{**entry.__dict__, "at": entry.at.isoformat()} for entry in entries],
            }
        )
        return
    typer.echo(
        _("Gift card {code}: {balance} left of {value}.").format(
            code=spaced(view.code),
            balance=money(uow, view.balance_cents),
            value=money(uow, view.value_cents),
        )
    )
    if view.expired:
        typer.echo(_("It expired on {day}.").format(day=view.expires_on))
    elif view.expires_on:
        typer.echo(_("It can be spent until {day}.").format(day=view.expires_on.isoformat()))
    print_table(
        [_("When"), _("What"), _("Amount")],
        [
            (shop_clock(uow, entry.at), entry.label, money(uow, entry.amount_cents))
            for entry in entries
        ],
    )


@app.command("list", help=_("Gift cards sold, newest first."))
def list_command(
    ctx: typer.Context,
    with_balance: Annotated[
        bool, typer.Option("--with-balance", help=_("Only cards with something left."))
    ] = False,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import gift_cards

    uow, actor = _open(ctx)
    views = gift_cards.list_cards(uow, actor, with_balance_only=with_balance)
    if as_json:
        print_json([_card_json(view) for view in views])
        return
    print_table(
        [_("Code"), _("Sold"), _("Value"), _("Balance left"), _("Expires")],
        [
            (
                "…" + view.code[-4:],
                view.business_day.isoformat(),
                money(uow, view.value_cents),
                money(uow, view.balance_cents)
                + (" " + _("(refunded)") if view.refund_method else ""),
                (view.expires_on.isoformat() if view.expires_on else "")
                + (" " + _("(expired)") if view.expired else ""),
            )
            for view in views
        ],
    )


@app.command("expire", help=_("Write off what is left on expired cards; safe to run again (cron)."))
def expire_command(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help=_("Run as of this day (default: today)."))
    ] = None,
) -> None:
    from salon_tui.services import gift_cards

    when = parse_day(day, "--date")
    uow, actor = _open(ctx)
    run = gift_cards.expire_cards(uow, actor, when)
    typer.echo(
        _("{cards} expired gift cards, {amount} written off.").format(
            cards=run.cards, amount=money(uow, run.amount_cents)
        )
    )


@app.command("settings", help=_("How long new gift cards last and the preset values (manager)."))
def settings_command(
    ctx: typer.Context,
    valid_days: Annotated[
        int | None,
        typer.Option("--valid-days", help=_("Days a new card can be spent; 0 = never expires.")),
    ] = None,
    preset: Annotated[
        list[str] | None,
        typer.Option("--preset", help=_("A preset value offered at the desk (repeat).")),
    ] = None,
) -> None:
    from salon_tui.services import gift_cards

    uow = open_database()
    currency, _locale = shop_currency(uow)
    changes: dict[str, Any] = {}
    if valid_days is not None:
        changes["valid_days"] = valid_days or None
    if preset:
        changes["preset_values_cents"] = tuple(
            parse_money(value, currency, "--preset") or 0 for value in preset
        )
    settings = (
        gift_cards.set_settings(uow, acting_staff(ctx, uow), **changes)
        if changes
        else gift_cards.get_settings(uow)
    )
    typer.echo(
        _("New gift cards last {days} days.").format(days=settings.valid_days)
        if settings.valid_days
        else _("Gift cards never expire.")
    )
    typer.echo(
        _("Preset values: {values}.").format(
            values=", ".join(money(uow, value) for value in settings.preset_values_cents)
        )
    )
