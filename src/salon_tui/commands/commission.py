"""`salon commission …`: the commission rules and each person's level."""

from __future__ import annotations

from typing import Annotated

import typer

from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    print_json,
    print_table,
)
from salon_tui.i18n import _

app = new_app(_("Commission rules (by level, kind, category, requested or rotation, tiers)."))


def _percent_to_bp(text: str, option: str) -> int:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise UsageProblem(
            _("{option}: {text!r} is not a percent.").format(option=option, text=text)
        ) from None
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise UsageProblem(_("{option}: at most two decimals of a percent.").format(option=option))
    return int(scaled)


def _parse_tiers(values: list[str], currency: str) -> list[tuple[int, int]]:
    from salon_tui.domain.money import parse_amount

    tiers = []
    for value in values:
        threshold, sep, rate = value.partition(":")
        if not sep:
            raise UsageProblem(_("--tier takes AMOUNT:PERCENT, e.g. 30000:15."))
        try:
            threshold_cents = parse_amount(threshold, currency)
        except ValueError as error:
            raise UsageProblem(f"--tier: {error}") from None
        tiers.append((threshold_cents, _percent_to_bp(rate, "--tier")))
    return tiers


@app.command("list", help=_("The commission rules in force (with --all, retired ones too)."))
def list_command(
    ctx: typer.Context,
    include_retired: Annotated[
        bool, typer.Option("--all", help=_("Include retired rules."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.services import commission

    uow = open_database()
    actor = acting_staff(ctx, uow)
    rules = commission.list_rules(uow, actor, include_inactive=include_retired)
    if as_json:
        print_json([rule.__dict__ for rule in rules])
        return
    any_text = _("any")
    print_table(
        [
            _("Rule"),
            _("Name"),
            _("Level"),
            _("Kind"),
            _("Category"),
            _("Requested"),
            _("Pays"),
            _("Tiers"),
        ],
        [
            (
                rule.id,
                rule.name + ("" if rule.active else f" ({_('retired')})"),
                rule.staff_level or any_text,
                rule.line_kind or any_text,
                rule.category or any_text,
                any_text if rule.requested is None else (_("yes") if rule.requested else _("no")),
                f"{rule.rate_bp / 100:g}%"
                if rule.method == "percent"
                else f"{rule.fixed_cents / 100:.2f}",
                ", ".join(f"≥{t / 100:g}: {r / 100:g}%" for t, r in rule.tiers)
                + (f" ({rule.tier_mode})" if rule.tiers else ""),
            )
            for rule in rules
        ],
    )


@app.command("add", help=_("Add a rule: a percent of the line or a fixed amount per unit."))
def add_command(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help=_("A name people recognise, e.g. 'Directors, requested'."))
    ],
    percent: Annotated[
        str | None,
        typer.Option("--percent", help=_("Percent of the line's charged amount, e.g. 12.5.")),
    ] = None,
    fixed: Annotated[
        str | None, typer.Option("--fixed", help=_("A fixed amount per unit sold, e.g. 5.00."))
    ] = None,
    level: Annotated[str, typer.Option("--level", help=_("Only staff at this level."))] = "",
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help=_(
                "Only service, product, other, top_up, package or gift_card lines (a "
                "top-up, package or gift card earns only by a rule for its kind)."
            ),
        ),
    ] = "",
    category: Annotated[str, typer.Option("--category", help=_("Only this category."))] = "",
    requested: Annotated[
        bool | None,
        typer.Option(
            "--requested/--rotation",
            help=_("Only when the client asked for the person, or only rotation."),
        ),
    ] = None,
    tier: Annotated[
        list[str] | None,
        typer.Option("--tier", help=_("A monthly bracket AMOUNT:PERCENT; repeat for more.")),
    ] = None,
    whole: Annotated[
        bool,
        typer.Option(
            "--whole-month", help=_("A reached bracket pays on the whole month, not only above it.")
        ),
    ] = False,
) -> None:
    from salon_tui.services import commission
    from salon_tui.services.settings import get_shop_settings

    if (percent is None) == (fixed is None):
        raise UsageProblem(_("Give --percent or --fixed (one of them)."))
    uow = open_database()
    actor = acting_staff(ctx, uow)
    currency = get_shop_settings(uow).currency
    fixed_cents = 0
    if fixed is not None:
        from salon_tui.domain.money import parse_amount

        try:
            fixed_cents = parse_amount(fixed, currency)
        except ValueError as error:
            raise UsageProblem(f"--fixed: {error}") from None
    rule = commission.add_rule(
        uow,
        actor,
        name=name,
        method="percent" if percent is not None else "fixed",
        rate_bp=_percent_to_bp(percent, "--percent") if percent is not None else 0,
        fixed_cents=fixed_cents,
        staff_level=level,
        line_kind=kind,
        category=category,
        requested=requested,
        tier_mode="whole" if whole else "above",
        tiers=_parse_tiers(tier or [], currency),
    )
    typer.echo(_("Added commission rule {id}: {name}.").format(id=rule.id, name=rule.name))


@app.command("retire", help=_("Stop a rule applying to new sales (what it paid stays)."))
def retire_command(
    ctx: typer.Context,
    rule_id: Annotated[
        int, typer.Argument(help=_("The rule number from `salon commission list`."))
    ],
) -> None:
    from salon_tui.services import commission

    uow = open_database()
    actor = acting_staff(ctx, uow)
    rule = commission.retire_rule(uow, actor, rule_id)
    typer.echo(_("Retired commission rule {id}: {name}.").format(id=rule.id, name=rule.name))


@app.command("level", help=_("Set the level a staff member is paid at (empty to clear)."))
def level_command(
    ctx: typer.Context,
    staff_name: Annotated[str, typer.Argument(help=_("Their name."))],
    level: Annotated[str, typer.Argument(help=_("The level, e.g. 总监 or director."))],
) -> None:
    from salon_tui.services import commission
    from salon_tui.services import staff as staff_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    person = staff_service.find_staff(uow, staff_name)
    stored = commission.set_staff_level(uow, actor, person.id, level)
    typer.echo(_("{name} is paid at level {level}.").format(name=person.name, level=stored or "—"))
