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


# --- spending points outside a sale ------------------------------------------------------

reward_app = new_app(
    _("The points catalogue (积分兑换): products and coupons members redeem points for.")
)
app.add_typer(reward_app, name="reward")

KeyOption = Annotated[
    str | None,
    typer.Option("--key", help=_("A unique key: the same key redeems once, however often run.")),
]
ProductOption = Annotated[
    str | None,
    typer.Option("--product", help=_("A product's code or barcode (handed over from stock).")),
]
CouponOption = Annotated[
    str | None,
    typer.Option("--coupon", help=_("A coupon template's name (the coupon goes to the member).")),
]


def _reward_ref(product: str | None, coupon: str | None) -> tuple[str, str]:
    if (product is None) == (coupon is None):
        raise UsageProblem(_("Name one reward: --product CODE or --coupon TEMPLATE."))
    return ("product", product) if product is not None else ("coupon", coupon or "")


@app.command(
    "to-stored-value",
    help=_("Turn a member's points into stored value (as bonus) at the shop's points rate."),
)
def to_stored_value_command(
    ctx: typer.Context,
    member: MemberArg,
    count: Annotated[int, typer.Option("--points", help=_("How many points to turn."))],
    key: KeyOption = None,
) -> None:
    from salon_tui.services import points_redeem

    uow, actor = _open(ctx)
    done = points_redeem.convert_to_stored_value(
        uow, actor, _member_id(uow, actor, member), count, key=key
    )
    typer.echo(
        _("{points} points became {amount} of stored value (bonus); {left} points left.").format(
            points=done.points, amount=money(uow, done.bonus_cents), left=done.points_left
        )
    )


@app.command("redeem", help=_("Spend a member's points on a reward from the points catalogue."))
def redeem_command(
    ctx: typer.Context,
    member: MemberArg,
    product: ProductOption = None,
    coupon: CouponOption = None,
    key: KeyOption = None,
) -> None:
    from salon_tui.services import points_redeem

    kind, ref = _reward_ref(product, coupon)
    uow, actor = _open(ctx)
    done = points_redeem.redeem_reward(
        uow, actor, _member_id(uow, actor, member), kind, ref, key=key
    )
    if done.coupon_code:
        typer.echo(
            _("{name} for {points} points: coupon {code}; {left} points left.").format(
                name=done.name, points=done.points, code=done.coupon_code, left=done.points_left
            )
        )
    else:
        typer.echo(
            _(
                "{name} for {points} points: hand it over ({stock} left in stock); "
                "{left} points left."
            ).format(
                name=done.name, points=done.points, stock=done.on_hand_after, left=done.points_left
            )
        )


@reward_app.command("list", help=_("The rewards, cheapest first, and whether each can be had now."))
def reward_list_command(ctx: typer.Context, as_json: JsonOption = False) -> None:
    from salon_tui.services import points_redeem

    uow, actor = _open(ctx)
    rewards = points_redeem.list_rewards(uow, actor)
    if as_json:
        print_json([{**reward.__dict__} for reward in rewards])
        return
    print_table(
        [_("Reward"), _("Kind"), _("Code"), _("Points"), _("Now")],
        [
            (
                reward.name,
                _(points_redeem.REWARD_KIND_LABELS[points_redeem.RewardKind(reward.kind)]),
                reward.ref,
                str(reward.points),
                reward.detail if reward.available else _("not available") + f" ({reward.detail})",
            )
            for reward in rewards
        ],
    )


@reward_app.command(
    "set", help=_("Put a product or a coupon in the catalogue, or change its price (manager).")
)
def reward_set_command(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--points", help=_("What it costs in points."))],
    product: ProductOption = None,
    coupon: CouponOption = None,
) -> None:
    from salon_tui.services import points_redeem

    kind, ref = _reward_ref(product, coupon)
    uow, actor = _open(ctx)
    view = points_redeem.set_reward(uow, actor, kind, ref, count)
    typer.echo(_("{name}: {points} points.").format(name=view.name, points=view.points))


@reward_app.command("remove", help=_("Take a reward out of the catalogue (manager)."))
def reward_remove_command(
    ctx: typer.Context, product: ProductOption = None, coupon: CouponOption = None
) -> None:
    from salon_tui.services import points_redeem

    kind, ref = _reward_ref(product, coupon)
    uow, actor = _open(ctx)
    points_redeem.remove_reward(uow, actor, kind, ref)
    typer.echo(_("Removed from the points catalogue."))
