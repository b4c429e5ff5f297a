"""`salon package …`: package templates (次卡 · 疗程卡), selling, using, transfer, refund."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from salon_tui.commands._catalog import money, parse_count, parse_money, parse_pairs, shop_currency
from salon_tui.commands._common import (
    ApprovedByOption,
    acting_staff,
    approval_of,
    new_app,
    open_database,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(_("Packages of services (次卡 · 疗程卡): templates, sell, use, transfer, refund."))
template_app = new_app(_("What the shop sells as packages."))
app.add_typer(template_app, name="template")

MemberArg = Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))]
PackageArg = Annotated[int, typer.Argument(help=_("The sold package's number (`list`)."))]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        help=_("An idempotency key: the same key again returns the first result, once."),
    ),
]


@template_app.command("add", help=_("Add a package: --service CODE=USES, once per service."))
def template_add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The package's name, e.g. 洗吹10次卡."))],
    price: Annotated[str, typer.Option("--price", help=_("What the member pays for it."))],
    days: Annotated[int, typer.Option("--days", help=_("Valid for this many days from sale."))],
    service: Annotated[
        list[str],
        typer.Option("--service", help=_("A service code (or name) and its uses: S001=10.")),
    ],
    no_refund: Annotated[
        bool, typer.Option("--no-refund", help=_("Unused uses are not refundable."))
    ] = False,
) -> None:
    from salon_tui.services import packages

    uow = open_database()
    currency, _locale = shop_currency(uow)
    price_cents = parse_money(price, currency, "--price")
    assert price_cents is not None
    items = [
        (code, parse_count(uses, "--service")) for code, uses in parse_pairs(service, "--service")
    ]
    actor = acting_staff(ctx, uow)
    added = packages.add_template(
        uow, actor, name, price_cents, days, items, refundable=not no_refund
    )
    typer.echo(
        _("Package #{id} {name}: {price}, {uses} uses, {days} days.").format(
            id=added.id,
            name=added.name,
            price=money(uow, added.price_cents),
            uses=added.total_uses,
            days=added.validity_days,
        )
    )


@template_app.command("list", help=_("The packages the shop sells (--all: retired ones too)."))
def template_list_command(
    ctx: typer.Context,
    include_retired: Annotated[
        bool, typer.Option("--all", help=_("Show retired ones too."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    found = packages.list_templates(uow, actor, include_retired=include_retired)
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "price_cents": t.price_cents,
                    "validity_days": t.validity_days,
                    "refundable": t.refundable,
                    "active": t.active,
                    "items": [{"service": s, "uses": n} for s, n in t.items],
                }
                for t in found
            ]
        )
        return
    print_table(
        [_("No."), _("Name"), _("Price"), _("Services"), _("Days"), _("Refundable")],
        [
            (
                str(t.id),
                t.name + ("" if t.active else " " + _("(retired)")),
                money(uow, t.price_cents),
                ", ".join(f"{s} × {n}" for s, n in t.items),
                str(t.validity_days),
                _("yes") if t.refundable else _("no"),
            )
            for t in found
        ],
    )


@template_app.command("retire", help=_("Stop selling a package; sold ones stay valid."))
def template_retire_command(
    ctx: typer.Context,
    template_id: Annotated[int, typer.Argument(help=_("The package number from `list`."))],
) -> None:
    from salon_tui.services import packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    retired = packages.retire_template(uow, actor, template_id)
    typer.echo(_("{name} is no longer sold.").format(name=retired.name))


@app.command("sell", help=_("Sell a package to a member."))
def sell_command(
    ctx: typer.Context,
    member: MemberArg,
    template: Annotated[str, typer.Argument(help=_("The package: its number or name."))],
    method: Annotated[
        str,
        typer.Option("--method", help=_("cash, bank_card, wechat, alipay, other or stored_value.")),
    ] = "cash",
    reference: Annotated[
        str, typer.Option("--reference", help=_("The transaction number (not for cash)."))
    ] = "",
    key: KeyOption = None,
) -> None:
    from salon_tui.services import members, packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    sold = packages.sell_package(
        uow,
        actor,
        members.resolve_member(uow, actor, member),
        template,
        method,
        reference,
        key=key or str(uuid.uuid4()),
    )
    typer.echo(
        _("Package #{id} {name} sold to {member}: {uses} uses until {day}.").format(
            id=sold.id,
            name=sold.name,
            member=sold.member_name,
            uses=sold.uses_left,
            day=sold.expires_on,
        )
    )


@app.command("use", help=_("Use one service of a package by hand, with a reason."))
def use_command(
    ctx: typer.Context,
    package_id: PackageArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is used outside checkout."))],
    service: Annotated[
        str | None,
        typer.Option("--service", help=_("Which service, when the package holds several.")),
    ] = None,
    key: KeyOption = None,
) -> None:
    from salon_tui.services import packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    used = packages.use_package(
        uow, actor, package_id, service, reason, key=key or str(uuid.uuid4())
    )
    typer.echo(
        _("Package #{id}: {left} of {total} uses left.").format(
            id=used.id, left=used.uses_left, total=used.total_uses
        )
    )


@app.command("transfer", help=_("Give a package to another member (manager)."))
def transfer_command(
    ctx: typer.Context,
    package_id: PackageArg,
    to_member: Annotated[str, typer.Argument(help=_("The member who receives it."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why it changes hands."))],
) -> None:
    from salon_tui.services import members, packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    moved = packages.transfer_package(
        uow, actor, package_id, members.resolve_member(uow, actor, to_member), reason
    )
    typer.echo(
        _("Package #{id} now belongs to {name}.").format(id=moved.id, name=moved.member_name)
    )


@app.command("refund", help=_("Refund the unused uses pro rata (manager), when allowed."))
def refund_command(
    ctx: typer.Context,
    package_id: PackageArg,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it is refunded."))],
    method: Annotated[
        str,
        typer.Option("--method", help=_("cash, bank_card, wechat, alipay, other or stored_value.")),
    ] = "cash",
    reference: Annotated[
        str,
        typer.Option("--reference", help=_("The transaction number (not for cash).")),
    ] = "",
    key: KeyOption = None,
    approved_by: ApprovedByOption = None,
) -> None:
    from salon_tui.services import packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    approval = approval_of(uow, approved_by, "package.refund")
    done = packages.refund_package(
        uow,
        actor,
        package_id,
        method,
        reason,
        reference,
        key=key or str(uuid.uuid4()),
        approval=approval,
    )
    typer.echo(
        _("Package #{id}: {uses} unused uses refunded, {amount}.").format(
            id=package_id, uses=done.uses_refunded, amount=money(uow, done.refunded_cents)
        )
    )


@app.command("list", help=_("A member's packages with uses left and expiry."))
def list_command(
    ctx: typer.Context,
    member: MemberArg,
    include_finished: Annotated[
        bool, typer.Option("--all", help=_("Used up, expired and refunded ones too."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import members, packages

    uow = open_database()
    actor = acting_staff(ctx, uow)
    found = packages.member_packages(
        uow, actor, members.resolve_member(uow, actor, member), include_finished=include_finished
    )
    if as_json:
        print_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "price_cents": p.price_cents,
                    "sold_on": p.sold_on.isoformat(),
                    "expires_on": p.expires_on.isoformat(),
                    "status": p.status,
                    "expired": p.expired,
                    "uses_left": p.uses_left,
                    "total_uses": p.total_uses,
                    "items": [
                        {"service": i.service_name, "left": i.uses_left, "total": i.total_uses}
                        for i in p.items
                    ],
                }
                for p in found
            ]
        )
        return
    print_table(
        [_("No."), _("Package"), _("Uses left"), _("Expires"), _("State")],
        [
            (
                str(p.id),
                p.name,
                ", ".join(f"{i.service_name} {i.uses_left}/{i.total_uses}" for i in p.items),
                p.expires_on.isoformat(),
                _("expired") if p.expired else _(p.status),
            )
            for p in found
        ],
    )
