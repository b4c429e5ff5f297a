"""`salon schedule …`: opening hours, stylists' shifts and days off, skills, resources,
public holidays and the booking rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salon_tui.commands._common import (
    UsageProblem,
    acting_staff,
    new_app,
    open_database,
    parse_day,
    print_table,
)
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.services.schedule import BookingSummary

app = new_app(_("The schedule: opening hours, shifts, skills, resources, holidays, rules."))

DaysOpt = Annotated[
    str | None,
    typer.Option("--days", help=_("Weekdays: 1-5, 6,7 or 1-7 (1 = Monday).")),
]
SetOpt = Annotated[
    str | None,
    typer.Option("--set", help=_("Hours HH:MM-HH:MM, a break /HH:MM-HH:MM, or 'off'.")),
]


def parse_weekdays(text: str) -> list[int]:
    from salon_tui.errors import ValidationError
    from salon_tui.services.schedule import parse_weekdays as parse

    try:
        return parse(text)
    except ValidationError as error:
        raise UsageProblem(f"--days: {error.message}") from None


def _print_stranded(stranded: list[BookingSummary]) -> None:
    if not stranded:
        return
    typer.echo(_("These bookings no longer fit; move or cancel them:"))
    for summary in stranded:
        typer.echo(f"  {summary.text}")


def _weekday_names() -> list[str]:
    from salon_tui.services.schedule import WEEKDAY_NAMES

    return [_(name) for name in WEEKDAY_NAMES]


@app.command("hours", help=_("Show the opening hours, or set them for some weekdays."))
def hours_command(ctx: typer.Context, days: DaysOpt = None, hours: SetOpt = None) -> None:
    from salon_tui.services import schedule

    uow = open_database()
    if (days is None) != (hours is None):
        raise UsageProblem(_("Give both --days and --set, or neither to show the hours."))
    if days is not None and hours is not None:
        actor = acting_staff(ctx, uow)
        _print_stranded(schedule.set_shop_hours(uow, actor, parse_weekdays(days), hours))
    week = schedule.get_shop_hours(uow)
    print_table(
        [_("Day"), _("Hours")],
        [
            (name, schedule.hours_text(day))
            for name, day in zip(_weekday_names(), week, strict=True)
        ],
    )


@app.command("shifts", help=_("Show every stylist's week, or set one stylist's hours."))
def shifts_command(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help=_("The stylist to change (omit to show all)."))
    ] = None,
    days: DaysOpt = None,
    hours: SetOpt = None,
) -> None:
    from salon_tui.services import schedule
    from salon_tui.services.staff import find_staff

    uow = open_database()
    if name is not None:
        if days is None or hours is None:
            raise UsageProblem(_("Give --days and --set to change a stylist's shifts."))
        actor = acting_staff(ctx, uow)
        staff = find_staff(uow, name)
        _print_stranded(schedule.set_shift(uow, actor, staff.id, parse_weekdays(days), hours))
    print_table(
        [_("Stylist"), *(day[:3] for day in _weekday_names())],
        [
            (shift.staff_name, *(schedule.hours_text(day) for day in shift.week))
            for shift in schedule.list_shifts(uow)
        ],
    )


@app.command("day", help=_("One day unlike the week: other hours, 'off', or 'pattern' to undo."))
def day_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=_("The stylist."))],
    day: Annotated[str, typer.Argument(help=_("The day (YYYY-MM-DD)."))],
    hours: Annotated[
        str, typer.Argument(help=_("HH:MM-HH:MM (with /HH:MM-HH:MM break), off or pattern."))
    ],
    note: Annotated[str, typer.Option("--note", help=_("Why (holiday, training …)."))] = "",
) -> None:
    from salon_tui.services import schedule
    from salon_tui.services.staff import find_staff

    uow = open_database()
    actor = acting_staff(ctx, uow)
    chosen = parse_day(day, "DAY")
    assert chosen is not None
    _print_stranded(schedule.set_day(uow, actor, find_staff(uow, name).id, chosen, hours, note))
    typer.echo(_("{name} on {day}: {hours}").format(name=name, day=chosen.isoformat(), hours=hours))


@app.command("skills", help=_("Show who does which services, or change one stylist's."))
def skills_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help=_("The stylist to change."))] = None,
    add: Annotated[
        list[str] | None, typer.Option("--add", help=_("A service code they do."))
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help=_("A service code they stop doing."))
    ] = None,
) -> None:
    from salon_tui.services import schedule
    from salon_tui.services.catalog import find_service
    from salon_tui.services.staff import find_staff

    uow = open_database()
    if name is not None:
        if not add and not remove:
            raise UsageProblem(_("Give --add or --remove with a service code."))
        actor = acting_staff(ctx, uow)
        staff = find_staff(uow, name)
        for code in add or []:
            schedule.set_skill(uow, actor, staff.id, find_service(uow, code).id, True)
        for code in remove or []:
            schedule.set_skill(uow, actor, staff.id, find_service(uow, code).id, False)
    rows = schedule.list_skills(uow)
    if not rows:
        typer.echo(_("No skills are set: anyone may do any service."))
        return
    print_table(
        [_("Stylist"), _("Services")], [(row.staff_name, " ".join(row.services)) for row in rows]
    )


@app.command("resources", help=_("Show the chairs, basins, rooms …; add or retire one."))
def resources_command(
    ctx: typer.Context,
    add: Annotated[str | None, typer.Option("--add", help=_("Name of a new resource."))] = None,
    kind: Annotated[
        str, typer.Option("--kind", help=_("chair, basin, room, bed or station."))
    ] = "chair",
    retire: Annotated[
        str | None, typer.Option("--retire", help=_("Name of a resource to stop using."))
    ] = None,
) -> None:
    from salon_tui.services import schedule

    uow = open_database()
    if add is not None or retire is not None:
        actor = acting_staff(ctx, uow)
        if add is not None:
            schedule.add_resource(uow, actor, add, kind)
        if retire is not None:
            schedule.retire_resource(uow, actor, retire)
    print_table(
        [_("Name"), _("Kind")], [(row.name, row.kind_label) for row in schedule.list_resources(uow)]
    )


@app.command("holidays", help=_("Public holidays of the shop's country; open or close on one."))
def holidays_command(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option("--year", help=_("The year (default: this)."))] = None,
    open_day: Annotated[
        str | None, typer.Option("--open", help=_("Open on this holiday (YYYY-MM-DD)."))
    ] = None,
    close_day: Annotated[
        str | None, typer.Option("--close", help=_("Close on this holiday (YYYY-MM-DD)."))
    ] = None,
) -> None:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.services import schedule
    from salon_tui.services.settings import get_shop_settings

    uow = open_database()
    for value, is_open in ((open_day, True), (close_day, False)):
        if value is None:
            continue
        actor = acting_staff(ctx, uow)
        day = parse_day(value, "--open" if is_open else "--close")
        assert day is not None
        _print_stranded(schedule.decide_holiday(uow, actor, day, is_open))
        year = year or day.year
    shown = year or business_date(utc_now(), get_shop_settings(uow).timezone).year
    print_table(
        [_("Day"), _("Holiday"), _("Shop")],
        [
            (h.day.isoformat(), h.name, _("open") if h.open else _("closed"))
            for h in schedule.list_holidays(uow, shown)
        ],
    )


@app.command("rules", help=_("Show or change the slot size, cut-off and deposit rules."))
def rules_command(
    ctx: typer.Context,
    slot: Annotated[int | None, typer.Option("--slot", help=_("Slot size in minutes."))] = None,
    cutoff: Annotated[
        int | None,
        typer.Option("--cutoff", help=_("Hours before a booking when a cancel is late.")),
    ] = None,
    forfeit_late: Annotated[
        bool | None,
        typer.Option("--forfeit-late/--return-late", help=_("A late cancel forfeits the deposit.")),
    ] = None,
    forfeit_no_show: Annotated[
        bool | None,
        typer.Option(
            "--forfeit-no-show/--return-no-show", help=_("A no-show forfeits the deposit.")
        ),
    ] = None,
    requested_turn: Annotated[
        bool | None,
        typer.Option(
            "--requested-costs-turn/--requested-free",
            help=_("A requested stylist uses up a rotation turn."),
        ),
    ] = None,
    soon: Annotated[
        int | None,
        typer.Option("--soon", help=_("Rotation skips stylists booked within these minutes.")),
    ] = None,
    holidays_open: Annotated[
        bool | None,
        typer.Option(
            "--holidays-open/--holidays-closed",
            help=_("Whether the shop opens on public holidays by default."),
        ),
    ] = None,
    deposit_from: Annotated[
        str | None,
        typer.Option(
            "--deposit-from",
            help=_("Bookings worth this amount or more warn until a deposit is paid (0: never)."),
        ),
    ] = None,
) -> None:
    from salon_tui.domain.money import format_money, parse_amount
    from salon_tui.services import schedule
    from salon_tui.services.settings import get_shop_settings

    uow = open_database()
    shop = get_shop_settings(uow)
    deposit_from_cents = None
    if deposit_from is not None:
        try:
            deposit_from_cents = parse_amount(deposit_from, shop.currency)
        except ValueError as error:
            raise UsageProblem(f"--deposit-from: {error}") from None
    changes = {
        key: value
        for key, value in {
            "slot_minutes": slot,
            "cutoff_hours": cutoff,
            "forfeit_late_cancel": forfeit_late,
            "forfeit_no_show": forfeit_no_show,
            "requested_costs_turn": requested_turn,
            "soon_minutes": soon,
            "holidays_open": holidays_open,
            "deposit_from_cents": deposit_from_cents,
        }.items()
        if value is not None
    }
    if changes:
        rules = schedule.set_rules(uow, acting_staff(ctx, uow), **changes)
    else:
        rules = schedule.get_rules(uow)
    yes, no = _("yes"), _("no")
    print_table(
        [_("Rule"), _("Value")],
        [
            (_("Slot size (minutes)"), rules.slot_minutes),
            (_("Late cancel cut-off (hours)"), rules.cutoff_hours),
            (_("Late cancel forfeits the deposit"), yes if rules.forfeit_late_cancel else no),
            (_("No-show forfeits the deposit"), yes if rules.forfeit_no_show else no),
            (
                _("Requested stylist costs a rotation turn"),
                yes if rules.requested_costs_turn else no,
            ),
            (_("Rotation skips stylists booked within (minutes)"), rules.soon_minutes),
            (_("Open on public holidays"), yes if rules.holidays_open else no),
            (
                _("Deposit expected from"),
                format_money(rules.deposit_from_cents, shop.currency, shop.locale)
                if rules.deposit_from_cents
                else _("no deposit warning"),
            ),
        ],
    )
