"""`salon alert …`: unusual activity flagged by the shop's rules; review and the rules."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salon_tui.commands._catalog import money, parse_money, shop_clock, shop_currency
from salon_tui.commands._common import (
    acting_staff,
    new_app,
    open_database,
    parse_on_off,
    parse_percent_bp,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(
    _("Alerts on unusual activity: list the flags, dismiss them with a note, set the rules.")
)

JsonOption = Annotated[bool, typer.Option("--json", help=_("Print JSON."))]


@app.command("list", help=_("The open flags, newest first (managers)."))
def list_command(
    ctx: typer.Context,
    show_all: Annotated[
        bool, typer.Option("--all", help=_("Dismissed flags too, with who reviewed them."))
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help=_("At most this many flags."))] = 200,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import alerts

    uow = open_database()
    actor = acting_staff(ctx, uow)
    found = alerts.list_alerts(uow, actor, include_dismissed=show_all, limit=limit)
    if as_json:
        print_json(
            [
                {
                    "id": view.id,
                    "kind": view.kind,
                    "summary": view.summary,
                    "raised_at": view.raised_at.isoformat(),
                    "staff": view.staff_name,
                    "action": view.action,
                    "audit_seq": view.audit_seq,
                    "status": view.status,
                    "reviewed_by": view.reviewed_by_name,
                    "reviewed_at": view.reviewed_at.isoformat() if view.reviewed_at else None,
                    "review_note": view.review_note,
                }
                for view in found
            ]
        )
        return
    if not found:
        typer.echo(_("No open alerts.") if not show_all else _("No alerts yet."))
        return
    headers = [_("No."), _("When"), _("Alert"), _("By"), _("What happened")]
    if show_all:
        headers.append(_("Review"))
    rows = []
    for view in found:
        row = [
            str(view.id),
            shop_clock(uow, view.raised_at),
            view.label,
            view.staff_name,
            view.summary,
        ]
        if show_all:
            row.append(
                _("{name}: {note}").format(name=view.reviewed_by_name, note=view.review_note)
                if not view.is_open
                else _("not reviewed")
            )
        rows.append(tuple(row))
    print_table(headers, rows)


@app.command("dismiss", help=_("Mark a flag reviewed, with a note saying what you found."))
def dismiss_command(
    ctx: typer.Context,
    alert_id: Annotated[int, typer.Argument(help=_("The number from `salon alert list`."))],
    note: Annotated[str, typer.Option("--note", help=_("What you found (kept in the audit)."))],
) -> None:
    from salon_tui.services import alerts

    uow = open_database()
    done = alerts.dismiss(uow, acting_staff(ctx, uow), alert_id, note)
    typer.echo(_("Alert #{id} dismissed: {note}").format(id=done.id, note=done.review_note))


@app.command(
    "rules", help=_("Show the alert rules, or change them with the options (owner; 0 = off).")
)
def rules_command(
    ctx: typer.Context,
    sale_above: Annotated[
        str | None, typer.Option("--sale-above", help=_("Flag a sale above this amount."))
    ] = None,
    top_up_above: Annotated[
        str | None, typer.Option("--top-up-above", help=_("Flag a top-up above this amount."))
    ] = None,
    refund_above: Annotated[
        str | None, typer.Option("--refund-above", help=_("Flag a refund above this amount."))
    ] = None,
    discount_above: Annotated[
        str | None,
        typer.Option(
            "--discount-above",
            help=_("Flag manual discounts above this percent of a sale's list price."),
        ),
    ] = None,
    card_uses: Annotated[
        int | None,
        typer.Option("--card-uses", help=_("Flag one card paying this many sales in the window.")),
    ] = None,
    card_window: Annotated[
        int | None,
        typer.Option("--card-window", help=_("The window for --card-uses, in minutes.")),
    ] = None,
    outside_hours: Annotated[
        str | None,
        typer.Option("--outside-hours", help=_("on/off: flag money moved outside opening hours.")),
    ] = None,
    manual_balance: Annotated[
        str | None,
        typer.Option(
            "--manual-balance", help=_("on/off: flag points, packages and cards changed by hand.")
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import alerts

    uow = open_database()
    currency, _locale = shop_currency(uow)
    changes: dict[str, Any] = {}
    for option, name, text in (
        ("--sale-above", "sale_above_cents", sale_above),
        ("--top-up-above", "top_up_above_cents", top_up_above),
        ("--refund-above", "refund_above_cents", refund_above),
    ):
        if text is not None:
            changes[name] = parse_money(text, currency, option)
    if discount_above is not None:
        changes["manual_discount_above_bp"] = parse_percent_bp(discount_above, "--discount-above")
    if card_uses is not None:
        changes["card_uses"] = card_uses
    if card_window is not None:
        changes["card_window_minutes"] = card_window
    if outside_hours is not None:
        changes["outside_hours"] = parse_on_off(outside_hours, "--outside-hours")
    if manual_balance is not None:
        changes["manual_balance_changes"] = parse_on_off(manual_balance, "--manual-balance")
    actor = acting_staff(ctx, uow)
    rules = alerts.update_rules(uow, actor, **changes) if changes else alerts.get_rules(uow, actor)
    if as_json:
        print_json(rules.__dict__)
        return
    off = _("off")

    def amount(cents: int) -> str:
        return money(uow, cents) if cents else off

    print_table(
        [_("Rule"), _("Setting")],
        [
            (_("Sale above"), amount(rules.sale_above_cents)),
            (_("Top-up above"), amount(rules.top_up_above_cents)),
            (_("Refund above"), amount(rules.refund_above_cents)),
            (
                _("Manual discount above"),
                f"{rules.manual_discount_above_bp / 100:g}%"
                if rules.manual_discount_above_bp
                else off,
            ),
            (
                _("One card, many sales"),
                _("{uses} sales within {minutes} minutes").format(
                    uses=rules.card_uses, minutes=rules.card_window_minutes
                )
                if rules.card_uses
                else off,
            ),
            (_("Outside opening hours"), _("on") if rules.outside_hours else off),
            (_("Balances changed by hand"), _("on") if rules.manual_balance_changes else off),
        ],
    )
