"""`salon coupon …`: coupon templates, issuing (one member, a segment, birthdays),
checking a code, listing and cancelling coupons."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salon_tui.commands._catalog import parse_money, shop_currency
from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    parse_day,
    print_json,
    print_table,
)
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.services.coupons import CouponView

app = new_app(
    _("Coupons (优惠券): templates, issue to a member, a segment or on birthdays; check a code.")
)
template_app = new_app(_("Coupon templates: what a coupon gives, where and for how long."))
app.add_typer(template_app, name="template")

JsonOption = Annotated[bool, typer.Option("--json", help=_("Print JSON."))]
TemplateArg = Annotated[str, typer.Argument(help=_("The template: its name or number."))]


def _open(ctx: typer.Context) -> tuple[Any, Any]:
    uow = open_database()
    return uow, acting_staff(ctx, uow)


def _template_id(uow: Any, name: str) -> int:
    from salon_tui.services import coupons

    return coupons.find_template(uow, name).id


def _coupon_rows(views: list[CouponView]) -> list[tuple[Any, ...]]:
    return [
        (
            view.code,
            view.member_name,
            view.template_name,
            view.description,
            view.state_label
            + (" · " + _("expired") if view.expired and view.state == "available" else ""),
            view.valid_to.isoformat() if view.valid_to else "",
        )
        for view in views
    ]


def _coupon_json(view: CouponView) -> dict[str, Any]:
    return {
        **view.__dict__,
        "valid_from": view.valid_from.isoformat(),
        "valid_to": view.valid_to.isoformat() if view.valid_to else None,
    }


@template_app.command("add", help=_("Add a coupon template (manager)."))
def template_add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("Its name, e.g. 满300减50."))],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help=_("percent, amount_off (满减), voucher (代金券) or free_item.")
        ),
    ],
    percent: Annotated[
        str | None, typer.Option("--percent", help=_("Percent off, e.g. 20 for 20 % off."))
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help=_("Amount off, or a voucher's value."))
    ] = None,
    min_spend: Annotated[
        str | None,
        typer.Option("--min-spend", help=_("The spend on what it covers it needs, e.g. 300.")),
    ] = None,
    scope: Annotated[
        str, typer.Option("--scope", help=_("all, categories, services or products."))
    ] = "all",
    item: Annotated[
        list[str] | None,
        typer.Option(
            "--item",
            help=_("A category name or item code it covers (repeat); the free item's code."),
        ),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", help=_("Issued coupons last N days from issue."))
    ] = None,
    valid_from: Annotated[
        str | None, typer.Option("--from", help=_("First day coupons can be used."))
    ] = None,
    valid_to: Annotated[
        str | None, typer.Option("--until", help=_("Last day coupons can be used."))
    ] = None,
    stackable: Annotated[
        bool, typer.Option("--stackable", help=_("May be combined with other stackable coupons."))
    ] = False,
    usage_limit: Annotated[
        int | None,
        typer.Option("--usage-limit", help=_("At most this many of these coupons can be used.")),
    ] = None,
) -> None:
    from salon_tui.domain.money import parse_amount
    from salon_tui.services import coupons

    uow = open_database()
    currency, _locale = shop_currency(uow)
    percent_bp = 0
    if percent is not None:
        try:
            percent_bp = parse_amount(percent, "CNY")  # two decimals: 20 → 2000 bp
        except ValueError as error:
            raise UsageProblem(f"--percent: {error}") from None
    actor = acting_staff(ctx, uow)
    view = coupons.add_template(
        uow,
        actor,
        name=name,
        kind=kind,
        percent_bp=percent_bp,
        amount_cents=parse_money(amount, currency, "--amount") or 0,
        min_spend_cents=parse_money(min_spend, currency, "--min-spend") or 0,
        scope=scope,
        scope_items=item or (),
        valid_from=parse_day(valid_from, "--from"),
        valid_to=parse_day(valid_to, "--until"),
        valid_days=days,
        stackable=stackable,
        usage_limit=usage_limit,
    )
    typer.echo(
        _("Coupon template #{id} {name}: {description}.").format(
            id=view.id, name=view.name, description=view.description
        )
    )


@template_app.command("list", help=_("The coupon templates, with how many were issued and used."))
def template_list_command(
    ctx: typer.Context,
    retired: Annotated[bool, typer.Option("--retired", help=_("Include retired ones."))] = False,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import coupons

    uow, actor = _open(ctx)
    views = coupons.list_templates(uow, actor, include_retired=retired)
    if as_json:
        print_json(
            [
                {
                    **view.__dict__,
                    "valid_from": view.valid_from and view.valid_from.isoformat(),
                    "valid_to": view.valid_to and view.valid_to.isoformat(),
                }
                for view in views
            ]
        )
        return
    print_table(
        [_("No."), _("Name"), _("Gives"), _("Valid"), _("Issued"), _("Used")],
        [
            (
                view.id,
                view.name + ("" if view.active else " " + _("(retired)")),
                view.description,
                _("{days} days").format(days=view.valid_days)
                if view.valid_days
                else f"{view.valid_from or ''}..{view.valid_to or ''}",
                view.issued,
                f"{view.used_count}/{view.usage_limit}" if view.usage_limit else view.used_count,
            )
            for view in views
        ],
    )


@template_app.command("retire", help=_("Stop issuing a template; issued coupons stay good."))
def template_retire_command(ctx: typer.Context, template: TemplateArg) -> None:
    from salon_tui.services import coupons

    uow, actor = _open(ctx)
    view = coupons.retire_template(uow, actor, _template_id(uow, template))
    typer.echo(_("Coupon template {name} retired.").format(name=view.name))


@app.command("issue", help=_("Give one member a coupon."))
def issue_command(
    ctx: typer.Context,
    template: TemplateArg,
    member: Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))],
) -> None:
    from salon_tui.services import coupons, members

    uow, actor = _open(ctx)
    member_id = members.resolve_member(uow, actor, member)
    view = coupons.issue(uow, actor, _template_id(uow, template), member_id)
    typer.echo(
        _("Coupon {code} for {member}: {description}, until {day}.").format(
            code=view.code,
            member=view.member_name,
            description=view.description,
            day=view.valid_to.isoformat() if view.valid_to else "—",
        )
    )


@app.command("issue-segment", help=_("Give every member of a segment a coupon (manager)."))
def issue_segment_command(
    ctx: typer.Context,
    template: TemplateArg,
    segment: Annotated[
        str, typer.Argument(help=_("A segment rule or saved segment, e.g. tag:VIP, not-seen:90."))
    ],
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            help=_("Name the batch: running it again with the same key issues nothing twice."),
        ),
    ] = None,
) -> None:
    from salon_tui.services import coupons

    uow, actor = _open(ctx)
    run = coupons.issue_to_segment(
        uow, actor, _template_id(uow, template), segment, key=key or uuid.uuid4().hex
    )
    typer.echo(
        _("{issued} coupons {name} issued ({already} had one from this batch).").format(
            issued=run.issued, name=run.template, already=run.already
        )
    )


@app.command(
    "birthdays",
    help=_("Issue birthday coupons for the coming days; safe to run daily (once per birthday)."),
)
def birthdays_command(
    ctx: typer.Context,
    template: Annotated[
        str | None,
        typer.Option("--template", help=_("The coupon to give (default: from coupon settings).")),
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", help=_("Birthdays up to N days ahead (default 7)."))
    ] = None,
    day: Annotated[
        str | None, typer.Option("--date", help=_("Run as of this day (default: today)."))
    ] = None,
) -> None:
    from salon_tui.services import coupons

    when = parse_day(day, "--date")
    uow, actor = _open(ctx)
    run = coupons.issue_birthdays(
        uow,
        actor,
        template_id=_template_id(uow, template) if template else None,
        days_ahead=days,
        today=when,
    )
    typer.echo(
        _("{issued} birthday coupons {name} issued ({already} already had theirs).").format(
            issued=run.issued, name=run.template, already=run.already
        )
    )


@app.command("list", help=_("Coupons, newest first: one member's or everyone's."))
def list_command(
    ctx: typer.Context,
    member: Annotated[
        str | None, typer.Option("--member", help=_("Only this member's (id, card or phone)."))
    ] = None,
    state: Annotated[
        str | None, typer.Option("--state", help=_("available, used or void."))
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import coupons, members

    uow, actor = _open(ctx)
    member_id = members.resolve_member(uow, actor, member) if member else None
    views = coupons.list_coupons(uow, actor, member_id=member_id, state=state)
    if as_json:
        print_json([_coupon_json(view) for view in views])
        return
    print_table(
        [_("Code"), _("Member"), _("Coupon"), _("Gives"), _("State"), _("Until")],
        _coupon_rows(views),
    )


@app.command("check", help=_("Whether a coupon can be used today, and why not."))
def check_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("The coupon's code (scanned or typed)."))],
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import coupons

    uow, actor = _open(ctx)
    found = coupons.check_coupon(uow, actor, code)
    if as_json:
        print_json(
            {"coupon": _coupon_json(found.coupon), "usable": found.usable, "reason": found.reason}
        )
        return
    view = found.coupon
    typer.echo(f"{view.code} · {view.member_name} · {view.template_name}: {view.description}")
    if found.usable:
        typer.echo(
            _("Can be used until {day}.").format(
                day=view.valid_to.isoformat() if view.valid_to else "—"
            )
        )
    else:
        typer.echo(found.reason)
        raise typer.Exit(1)


@app.command("void", help=_("Cancel an unused coupon issued by mistake (manager)."))
def void_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_("The coupon's code."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is cancelled."))],
) -> None:
    from salon_tui.services import coupons

    uow, actor = _open(ctx)
    view = coupons.void_coupon(uow, actor, code, reason)
    typer.echo(_("Coupon {code} cancelled.").format(code=view.code))


@app.command("settings", help=_("Birthday and referral coupons, and coupons after a refund."))
def settings_command(
    ctx: typer.Context,
    birthday_template: Annotated[
        str | None, typer.Option("--birthday-template", help=_("The coupon birthdays get."))
    ] = None,
    birthday_days: Annotated[
        int | None, typer.Option("--birthday-days", help=_("How many days ahead they go out."))
    ] = None,
    referral_template: Annotated[
        str | None,
        typer.Option(
            "--referral-template",
            help=_("The coupon a referrer gets when the newcomer's first sale is paid."),
        ),
    ] = None,
    restore_on_refund: Annotated[
        bool | None,
        typer.Option(
            "--restore-on-refund/--keep-used-on-refund",
            help=_("Whether a full refund gives the sale's coupons back."),
        ),
    ] = None,
) -> None:
    from salon_tui.services import coupons

    uow = open_database()
    changes: dict[str, Any] = {}
    if birthday_template is not None:
        changes["birthday_template_id"] = _template_id(uow, birthday_template)
    if birthday_days is not None:
        changes["birthday_days_ahead"] = birthday_days
    if referral_template is not None:
        changes["referral_template_id"] = _template_id(uow, referral_template)
    if restore_on_refund is not None:
        changes["restore_on_refund"] = restore_on_refund
    settings = (
        coupons.set_settings(uow, acting_staff(ctx, uow), **changes)
        if changes
        else coupons.get_settings(uow)
    )
    names = coupons.template_names(uow)
    typer.echo(
        _("Birthday coupon: {name}, {days} days ahead.").format(
            name=names.get(settings.birthday_template_id or 0, "—"),
            days=settings.birthday_days_ahead,
        )
    )
    typer.echo(
        _("Referral coupon: {name}.").format(
            name=names.get(settings.referral_template_id or 0, "—")
        )
    )
    typer.echo(
        _("A full refund gives coupons back.")
        if settings.restore_on_refund
        else _("Coupons stay used after a refund.")
    )
