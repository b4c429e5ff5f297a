"""`salon booking waitlist …`: clients waiting for a full day, offered a cancelled time."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

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
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.services.booking_waitlist import WaitlistView

waitlist_app = new_app(_("The waitlist (候补): clients waiting for a cancellation on a full day."))

DayOpt = Annotated[str, typer.Option("--day", help=_("today, tomorrow or YYYY-MM-DD."))]


def _day(uow: UnitOfWork, text: str) -> date:
    from salon_tui.domain.clock import business_date, utc_now
    from salon_tui.services.settings import get_shop_settings

    today = business_date(utc_now(), get_shop_settings(uow).timezone)
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    chosen = parse_day(text, "--day")
    assert chosen is not None
    return chosen


def _clock(text: str | None, option: str) -> time | None:
    if text is None:
        return None
    from salon_tui.errors import ValidationError
    from salon_tui.services.schedule import parse_clock

    try:
        return parse_clock(text, option)
    except ValidationError as error:
        raise UsageProblem(f"{option}: {error.message}") from None


def _row(entry: WaitlistView, zone: str) -> tuple[object, ...]:
    from salon_tui.domain.clock import shop_time

    freed = ""
    if entry.freed_start is not None:
        freed = _("#{id} at {time}").format(
            id=entry.freed_booking_id, time=f"{shop_time(entry.freed_start, zone):%H:%M}"
        )
    return (
        entry.id,
        entry.client_name,
        entry.phone,
        f"{entry.service_code} {entry.service_name}",
        entry.staff_name or _("any stylist"),
        entry.window_text,
        entry.status_label,
        freed,
    )


@waitlist_app.command("list", help=_("A day's waitlist: those offered a freed time first."))
def list_command(
    ctx: typer.Context,
    day: DayOpt = "today",
    include_closed: Annotated[
        bool, typer.Option("--all", help=_("Also those booked or taken off."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import booking_waitlist
    from salon_tui.services.settings import get_shop_settings

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = get_shop_settings(uow).timezone
    chosen = _day(uow, day)
    entries = booking_waitlist.waitlist(uow, actor, chosen, include_closed=include_closed)
    if as_json:
        print_json(
            [
                {
                    "id": e.id,
                    "day": e.business_day.isoformat(),
                    "client": e.client_name,
                    "phone": e.phone,
                    "member_id": e.member_id,
                    "service": e.service_code,
                    "stylist": e.staff_name or None,
                    "window": [
                        f"{e.window_start:%H:%M}" if e.window_start else None,
                        f"{e.window_end:%H:%M}" if e.window_end else None,
                    ],
                    "status": e.status,
                    "freed_booking_id": e.freed_booking_id,
                    "freed_start": (
                        f"{shop_time(e.freed_start, zone):%Y-%m-%d %H:%M}"
                        if e.freed_start
                        else None
                    ),
                    "booking_id": e.booking_id,
                    "note": e.note,
                }
                for e in entries
            ]
        )
        return
    print_table(
        [
            _("#"),
            _("Client"),
            _("Phone"),
            _("Service"),
            _("Stylist"),
            _("When"),
            _("Status"),
            _("Freed"),
        ],
        [_row(entry, zone) for entry in entries],
        title=_("Waitlist for {day}").format(day=chosen.isoformat()),
    )


@waitlist_app.command("add", help=_("Put a client on the waitlist for a day."))
def add_command(
    ctx: typer.Context,
    day: Annotated[str, typer.Option("--day", help=_("today, tomorrow or YYYY-MM-DD."))],
    service: Annotated[str, typer.Option("--service", help=_("The service code."))],
    stylist: Annotated[
        str | None, typer.Option("--stylist", help=_("The stylist wanted (default: any)."))
    ] = None,
    member: Annotated[
        str | None, typer.Option("--member", help=_("Member id, card number or phone."))
    ] = None,
    name: Annotated[str, typer.Option("--name", help=_("A new client's name."))] = "",
    phone: Annotated[str, typer.Option("--phone", help=_("A new client's phone."))] = "",
    after: Annotated[
        str | None,
        typer.Option("--from", help=_("Not before this time (HH:MM).")),
    ] = None,
    before: Annotated[
        str | None,
        typer.Option("--to", help=_("Done by this time (HH:MM).")),
    ] = None,
    note: Annotated[str, typer.Option("--note", help=_("A note for the desk."))] = "",
) -> None:
    from salon_tui.commands.booking import _staff_id
    from salon_tui.services import booking_waitlist, members
    from salon_tui.services.catalog import find_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    chosen = _day(uow, day)
    window_start, window_end = _clock(after, "--from"), _clock(before, "--to")
    member_id = members.resolve_member(uow, actor, member) if member else None
    entry = booking_waitlist.join(
        uow,
        actor,
        chosen,
        find_service(uow, service).id,
        staff_id=_staff_id(uow, stylist),
        member_id=member_id,
        client_name=name,
        phone=phone,
        window_start=window_start,
        window_end=window_end,
        note=note,
    )
    typer.echo(
        _("#{id} {client} waits for {service} on {day} ({window}, {stylist}).").format(
            id=entry.id,
            client=entry.client_name,
            service=entry.service_name,
            day=entry.business_day.isoformat(),
            window=entry.window_text,
            stylist=entry.staff_name or _("any stylist"),
        )
    )


@waitlist_app.command("book", help=_("Book a waitlisted client (closes the entry)."))
def book_command(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help=_("Waitlist number."))],
    at: Annotated[
        str | None,
        typer.Option("--at", help=_("Start (YYYY-MM-DD HH:MM); default: the freed time.")),
    ] = None,
    stylist: Annotated[
        str | None,
        typer.Option("--stylist", help=_("The stylist (default: the entry's, or the freed one).")),
    ] = None,
) -> None:
    from salon_tui.commands.booking import _describe, _staff_id, parse_moment
    from salon_tui.services import booking_waitlist
    from salon_tui.services.settings import get_shop_settings

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = get_shop_settings(uow).timezone
    view = booking_waitlist.book_entry(
        uow,
        actor,
        entry_id,
        start=parse_moment(at, zone) if at else None,
        staff_id=_staff_id(uow, stylist),
    )
    typer.echo(_("Booked: {booking}").format(booking=_describe(view, zone)))


@waitlist_app.command("remove", help=_("Take a client off the waitlist."))
def remove_command(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help=_("Waitlist number."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why (kept in the audit)."))] = "",
) -> None:
    from salon_tui.services import booking_waitlist

    uow = open_database()
    actor = acting_staff(ctx, uow)
    entry = booking_waitlist.remove(uow, actor, entry_id, reason)
    typer.echo(_("{client} is off the waitlist.").format(client=entry.client_name))
