"""`salon points …`: members' points: balance, history, adjust, expire, rules."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salon_tui.commands._catalog import money, parse_money, shop_clock, shop_currency
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

app = new_app(_("Members' points (积分): balance, history, adjust by hand, expire, rules."))

MemberArg = Annotated[str, typer.Argument(help=_("The member: id (#12), card number or phone."))]
JsonOption = Annotated[bool, typer.Option("--json", help=_("Print JSON."))]


def _open(ctx: typer.Context) -> tuple[Any, Any]:
    uow = open_database()
    return uow, acting_staff(ctx, uow)


def _member_id(uow: Any, actor: Any, reference: str) -> int:
    from salon_tui.services import members

    return members.resolve_member(uow, actor, reference)


@app.command("balance", help=_("A member's points, what they are worth and what expires next."))
def balance_command(ctx: typer.Context, member: MemberArg, as_json: JsonOption = False) -> None:
    from salon_tui.services import points

    uow, actor = _open(ctx)
    view = points.get_balance(uow, actor, _member_id(uow, actor, member))
    if as_json:
        print_json(view.__dict__)
        return
    typer.echo(
        _("{points} points, worth {value}.").format(
            points=view.points, value=money(uow, view.value_cents)
        )
    )
    if view.next_expiry_day is not None:
        typer.echo(
            _("{points} of them expire after {day}.").format(
                points=view.next_expiring, day=view.next_expiry_day.isoformat()
            )
        )


@app.command("history", help=_("A member's points entries, newest first."))
def history_command(
    ctx: typer.Context,
    member: MemberArg,
    limit: Annotated[int, typer.Option("--limit", help=_("At most this many entries."))] = 50,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import points

    uow, actor = _open(ctx)
    entries = points.history(uow, actor, _member_id(uow, actor, member), limit)
    if as_json:
        print_json([entry.__dict__ for entry in entries])
        return
    print_table(
        [_("When"), _("What"), _("Points"), _("Expires"), _("Reason")],
        [
            (
                shop_clock(uow, entry.at),
                entry.label,
                f"{entry.points:+d}",
                entry.expires_on.isoformat() if entry.expires_on else "",
                entry.reason,
            )
            for entry in entries
        ],
    )


@app.command("adjust", help=_("Add or take off points by hand, with a reason (manager)."))
def adjust_command(
    ctx: typer.Context,
    member: MemberArg,
    change: Annotated[
        str, typer.Option("--points", help=_("Points to add (200) or take off (-200)."))
    ],
    reason: Annotated[str, typer.Option("--reason", help=_("Why (kept in the audit)."))],
    key: Annotated[
        str | None,
        typer.Option(
            "--key", help=_("A unique key: the same key adjusts once, however often run.")
        ),
    ] = None,
) -> None:
    from salon_tui.services import points

    try:
        amount = int(change.replace("+", "", 1))
    except ValueError:
        raise UsageProblem(
            _("{value!r} is not a whole number of points.").format(value=change)
        ) from None
    uow, actor = _open(ctx)
    view = points.adjust(uow, actor, _member_id(uow, actor, member), amount, reason, key=key)
    typer.echo(_("Done: {points} points now.").format(points=view.points))


@app.command(
    "expire",
    help=_("Take off points past their last day; safe to run again (e.g. daily from cron)."),
)
def expire_command(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help=_("Run as of this day (default: today)."))
    ] = None,
) -> None:
    from salon_tui.services import points

    when = parse_day(day, "--date")
    uow, actor = _open(ctx)
    run = points.expire_points(uow, actor, when)
    typer.echo(
        _("{points} points of {members} members expired (as of {day}).").format(
            points=run.points, members=run.members, day=run.day.isoformat()
        )
    )


@app.command("rules", help=_("Show the points rules, or change them with the options (manager)."))
def rules_command(
    ctx: typer.Context,
    spend_per_point: Annotated[
        str | None,
        typer.Option(
            "--spend-per-point", help=_("Spend that earns one point at 1×, e.g. 1 or 10.")
        ),
    ] = None,
    value_of_100: Annotated[
        str | None,
        typer.Option("--value-of-100", help=_("What 100 points are worth when redeemed, e.g. 1.")),
    ] = None,
    expiry_years: Annotated[
        int | None,
        typer.Option(
            "--expiry-years",
            help=_("Points earned in year Y expire at the end of Y+N; 0 = never."),
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help=_("A category that earns no points (repeat the option).")),
    ] = None,
    clear_excluded: Annotated[
        bool, typer.Option("--clear-excluded", help=_("Every category earns points again."))
    ] = False,
    as_json: JsonOption = False,
) -> None:
    from salon_tui.services import points

    uow = open_database()
    currency, _locale = shop_currency(uow)
    changes: dict[str, Any] = {}
    if spend_per_point is not None:
        changes["spend_per_point_cents"] = parse_money(
            spend_per_point, currency, "--spend-per-point"
        )
    if value_of_100 is not None:
        changes["value_per_100_cents"] = parse_money(value_of_100, currency, "--value-of-100")
    if expiry_years is not None:
        changes["expiry_years"] = expiry_years
    if clear_excluded:
        changes["excluded_categories"] = ()
    if exclude:
        changes["excluded_categories"] = tuple(exclude)
    if changes:
        rules = points.set_rules(uow, acting_staff(ctx, uow), **changes)
    else:
        rules = points.get_rules(uow)
    if as_json:
        print_json({**rules.__dict__, "excluded_categories": list(rules.excluded_categories)})
        return
    typer.echo(
        _("1 point per {spend} spent (× the level's multiplier).").format(
            spend=money(uow, rules.spend_per_point_cents)
        )
    )
    typer.echo(
        _("100 points are worth {value}.").format(value=money(uow, rules.value_per_100_cents))
    )
    typer.echo(
        _("Points earned in a year expire at the end of year +{years}.").format(
            years=rules.expiry_years
        )
        if rules.expiry_years
        else _("Points never expire.")
    )
    typer.echo(
        _("No points on: {categories}.").format(categories=", ".join(rules.excluded_categories))
        if rules.excluded_categories
        else _("Every category earns points.")
    )
