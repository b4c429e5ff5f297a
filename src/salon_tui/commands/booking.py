"""`salon booking …`: book, list the day, move, change status, cancel, no-show, find free
slots, the walk-in queue and reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

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
    from salon_tui.services.bookings import BookingView, LineRequest

app = new_app(_("Bookings: book, list a day, move, statuses, free slots, walk-ins, reminders."))
queue_app = new_app(_("The walk-in queue and the stylist rotation (轮牌)."))
app.add_typer(queue_app, name="queue")


def _zone(uow: UnitOfWork) -> str:
    from salon_tui.services.settings import get_shop_settings

    return get_shop_settings(uow).timezone


def parse_moment(text: str, timezone: str, option: str = "--at") -> datetime:
    """``2026-11-23 15:00`` in the shop's timezone; a usage error names the option."""
    from salon_tui.errors import ValidationError
    from salon_tui.services.schedule import parse_moment as parse

    try:
        return parse(text, timezone)
    except ValidationError as error:
        raise UsageProblem(f"{option}: {error.message}") from None


def _staff_id(uow: UnitOfWork, name: str | None) -> int | None:
    if name is None or name.strip().lower() in {"", "any", "任意"}:
        return None
    from salon_tui.services.staff import find_staff

    return find_staff(uow, name).id


def _requests(
    uow: UnitOfWork,
    services: list[str] | None,
    stylists: list[str] | None,
    minutes: list[int] | None,
) -> list[LineRequest]:
    from salon_tui.services.bookings import LineRequest
    from salon_tui.services.catalog import find_service

    services, stylists, minutes = services or [], stylists or [], minutes or []
    if not services:
        raise UsageProblem(_("Give at least one --service."))
    if len(stylists) > len(services) or len(minutes) > len(services):
        raise UsageProblem(_("Give at most one --stylist and one --minutes per --service."))
    requests = []
    for index, code in enumerate(services):
        stylist = (
            stylists[index]
            if index < len(stylists)
            else (stylists[0] if len(stylists) == 1 else None)
        )
        requests.append(
            LineRequest(
                find_service(uow, code).id,
                _staff_id(uow, stylist),
                minutes[index] if index < len(minutes) else None,
            )
        )
    return requests


def _money(uow: UnitOfWork, cents: int) -> str:
    from salon_tui.domain.money import format_money
    from salon_tui.services.settings import get_shop_settings

    shop = get_shop_settings(uow)
    return format_money(cents, shop.currency, shop.locale)


def _describe(view: BookingView, timezone: str) -> str:
    from salon_tui.domain.clock import shop_time

    start = shop_time(view.starts_at, timezone)
    end = shop_time(view.ends_at, timezone)
    stylists = ", ".join(dict.fromkeys(line.staff_name for line in view.lines))
    return (
        f"#{view.id} {start:%Y-%m-%d %H:%M}–{end:%H:%M} {view.client_name} · "
        f"{view.services_text} · {stylists} · {view.status_label}"
    )


def _booking_json(view: BookingView, timezone: str) -> dict[str, Any]:
    from salon_tui.domain.clock import shop_time

    return {
        "id": view.id,
        "client": view.client_name,
        "member_id": view.member_id,
        "phone": view.phone,
        "status": view.status,
        "source": view.source,
        "start": shop_time(view.starts_at, timezone).isoformat(),
        "end": shop_time(view.ends_at, timezone).isoformat(),
        "deposit_held_cents": view.deposit_held_cents,
        "note": view.note,
        "warnings": list(view.warnings),
        "lines": [
            {
                "service": line.service_code,
                "stylist": line.staff_name,
                "requested": line.requested,
                "start": shop_time(line.starts_at, timezone).isoformat(),
                "end": shop_time(line.ends_at, timezone).isoformat(),
                "resources": list(line.resources),
            }
            for line in view.lines
        ],
    }


ServiceOpt = Annotated[
    list[str] | None,
    typer.Option("--service", help=_("A service code (repeat for several, in order).")),
]
StylistOpt = Annotated[
    list[str] | None,
    typer.Option("--stylist", help=_("Stylist for each --service, or 'any' (default: any).")),
]
MinutesOpt = Annotated[
    list[int] | None,
    typer.Option("--minutes", help=_("Minutes for each --service (default: menu).")),
]


@app.command("add", help=_("Book a client: member or name and phone, services, stylist, time."))
def add_command(
    ctx: typer.Context,
    at: Annotated[str, typer.Option("--at", help=_("Start: YYYY-MM-DD HH:MM (shop time)."))],
    services: ServiceOpt = None,
    stylists: StylistOpt = None,
    minutes: MinutesOpt = None,
    member: Annotated[
        str | None, typer.Option("--member", help=_("Member id, card number or phone."))
    ] = None,
    name: Annotated[str, typer.Option("--name", help=_("A new client's name."))] = "",
    phone: Annotated[str, typer.Option("--phone", help=_("A new client's phone."))] = "",
    note: Annotated[str, typer.Option("--note", help=_("A note for the booking."))] = "",
    deposit: Annotated[
        str | None, typer.Option("--deposit", help=_("Deposit paid now (e.g. 100)."))
    ] = None,
    tender: Annotated[
        str,
        typer.Option(
            "--tender", help=_("How the deposit is paid: cash, bank_card, wechat, alipay.")
        ),
    ] = "cash",
    reference: Annotated[
        str, typer.Option("--reference", help=_("Transaction reference of the deposit."))
    ] = "",
    language: Annotated[
        str | None, typer.Option("--lang", help=_("The client's language for reminders."))
    ] = None,
    every: Annotated[int | None, typer.Option("--every", help=_("Repeat every N weeks."))] = None,
    times: Annotated[
        int | None, typer.Option("--times", help=_("With --every: how many bookings."))
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help=_("With --every: the last day (YYYY-MM-DD)."))
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help=_("Book the free occurrences even if some are blocked."))
    ] = False,
) -> None:
    from salon_tui.domain.money import parse_amount
    from salon_tui.services import bookings, members

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    start = parse_moment(at, zone)
    requests = _requests(uow, services, stylists, minutes)
    member_id = members.resolve_member(uow, actor, member) if member else None
    if every is not None:
        if deposit:
            raise UsageProblem(_("A recurring series takes no deposit; add it to one booking."))
        last_day = parse_day(until, "--until")
        plan = bookings.book_series(
            uow,
            actor,
            requests,
            start,
            every,
            until=last_day,
            times=times,
            member_id=member_id,
            client_name=name,
            phone=phone,
            note=note,
            language=language,
            book_the_rest=yes,
        )
        for moment, reason in plan.blocked:
            typer.echo(
                _("Blocked: {start} — {reason}").format(
                    start=f"{moment.astimezone(start.tzinfo):%Y-%m-%d %H:%M}", reason=reason
                )
            )
        if plan.booked:
            for view in plan.booked:
                typer.echo(_("Booked {booking}").format(booking=_describe(view, zone)))
            return
        typer.echo(
            _(
                "{free} of {total} occurrences are free; nothing was booked. Run again "
                "with --yes to book the free ones."
            ).format(free=len(plan.free), total=len(plan.free) + len(plan.blocked))
        )
        raise typer.Exit(1)
    view = bookings.book(
        uow,
        actor,
        requests,
        start,
        member_id=member_id,
        client_name=name,
        phone=phone,
        note=note,
        language=language,
        deposit_cents=parse_amount(deposit) if deposit else 0,
        deposit_tender=tender,
        deposit_reference=reference,
    )
    typer.echo(_("Booked {booking}").format(booking=_describe(view, zone)))
    for warning in view.warnings:
        typer.echo(f"  ! {warning}")


@app.command("list", help=_("The bookings of a day, in time order."))
def list_command(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--day", help=_("The day (YYYY-MM-DD); default today."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import business_date, shop_time, utc_now
    from salon_tui.services import bookings

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    chosen = parse_day(day, "--day") or business_date(utc_now(), zone)
    view = bookings.day_view(uow, actor, chosen)
    if as_json:
        print_json([_booking_json(b, zone) for b in view.bookings])
        return
    print_table(
        [_("#"), _("Time"), _("Client"), _("Services"), _("Stylist"), _("Status"), _("Warnings")],
        [
            (
                b.id,
                f"{shop_time(b.starts_at, zone):%H:%M}–{shop_time(b.ends_at, zone):%H:%M}",
                b.client_name,
                b.services_text,
                ", ".join(dict.fromkeys(line.staff_name for line in b.lines)),
                b.status_label,
                "; ".join(b.warnings),
            )
            for b in view.bookings
        ],
        title=_("Bookings on {day}").format(day=chosen.isoformat()),
    )


@app.command("show", help=_("One booking with its history (who, when, why)."))
def show_command(
    ctx: typer.Context, booking_id: Annotated[int, typer.Argument(help=_("Booking number."))]
) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import bookings

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    view = bookings.get_booking(uow, actor, booking_id)
    typer.echo(_describe(view, zone))
    if view.phone:
        typer.echo(_("Phone: {phone}").format(phone=view.phone))
    if view.deposit_held_cents:
        typer.echo(_("Deposit held: {amount}").format(amount=_money(uow, view.deposit_held_cents)))
    if view.note:
        typer.echo(_("Note: {note}").format(note=view.note))
    for warning in view.warnings:
        typer.echo(f"! {warning}")
    for event in bookings.booking_history(uow, actor, booking_id):
        what = event.to_status or event.detail
        if event.kind in {"moved", "edited", "deposit"}:
            what = event.detail
        typer.echo(
            f"  {shop_time(event.at, zone):%Y-%m-%d %H:%M} {event.staff_name}: "
            f"{event.kind} {what}" + (f" ({event.reason})" if event.reason else "")
        )


@app.command("move", help=_("Move a booking to another time (and stylist)."))
def move_command(
    ctx: typer.Context,
    booking_id: Annotated[int, typer.Argument(help=_("Booking number."))],
    at: Annotated[str, typer.Option("--at", help=_("New start: YYYY-MM-DD HH:MM."))],
    stylist: Annotated[
        str | None, typer.Option("--stylist", help=_("Give every service to this stylist."))
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help=_("Why it moves."))] = "",
) -> None:
    from salon_tui.services import booking_status

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    view = booking_status.move(
        uow,
        actor,
        booking_id,
        parse_moment(at, zone),
        staff_id=_staff_id(uow, stylist),
        reason=reason,
    )
    typer.echo(_("Moved {booking}").format(booking=_describe(view, zone)))


@app.command("status", help=_("Set a status: confirmed, arrived, in_service, cancelled, no_show."))
def status_command(
    ctx: typer.Context,
    booking_id: Annotated[int, typer.Argument(help=_("Booking number."))],
    status: Annotated[str, typer.Argument(help=_("The new status."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why (kept in the history)."))] = "",
) -> None:
    from salon_tui.services import booking_status

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = booking_status.set_status(uow, actor, booking_id, status, reason)
    typer.echo(_describe(view, _zone(uow)))


@app.command("cancel", help=_("Cancel a booking (late cancels follow the deposit rule)."))
def cancel_command(
    ctx: typer.Context,
    booking_id: Annotated[int, typer.Argument(help=_("Booking number."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why (kept in the history)."))] = "",
) -> None:
    from salon_tui.services import booking_status

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = booking_status.cancel(uow, actor, booking_id, reason)
    typer.echo(_describe(view, _zone(uow)))
    if view.late_cancel:
        typer.echo(_("This was a late cancel (inside the shop's cut-off)."))


@app.command("no-show", help=_("The client did not come (after the booking's time)."))
def no_show_command(
    ctx: typer.Context,
    booking_id: Annotated[int, typer.Argument(help=_("Booking number."))],
    reason: Annotated[str, typer.Option("--reason", help=_("Why (kept in the history)."))] = "",
) -> None:
    from salon_tui.services import booking_status

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = booking_status.mark_no_show(uow, actor, booking_id, reason)
    typer.echo(_describe(view, _zone(uow)))


@app.command("finish", help=_("The service is done: open the checkout cart for it."))
def finish_command(
    ctx: typer.Context, booking_id: Annotated[int, typer.Argument(help=_("Booking number."))]
) -> None:
    from salon_tui.services import booking_status

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view, sale_id = booking_status.finish(uow, actor, booking_id)
    typer.echo(
        _("Booking #{id} is done; its cart is sale #{sale}.").format(id=view.id, sale=sale_id)
    )
    if view.deposit_held_cents:
        typer.echo(
            _("Deposit to use at checkout: {amount} (pay with the 'deposit' tender).").format(
                amount=_money(uow, view.deposit_held_cents)
            )
        )


@app.command("deposit", help=_("Take a deposit for a booking."))
def deposit_command(
    ctx: typer.Context,
    booking_id: Annotated[int, typer.Argument(help=_("Booking number."))],
    amount: Annotated[str, typer.Argument(help=_("The amount, e.g. 100."))],
    tender: Annotated[
        str, typer.Option("--tender", help=_("cash, bank_card, wechat or alipay."))
    ] = "cash",
    reference: Annotated[str, typer.Option("--reference", help=_("Transaction reference."))] = "",
) -> None:
    from salon_tui.domain.money import parse_amount
    from salon_tui.services import booking_status

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = booking_status.add_deposit(
        uow, actor, booking_id, parse_amount(amount), tender, reference
    )
    typer.echo(_("Deposit held: {amount}").format(amount=_money(uow, view.deposit_held_cents)))


@app.command("find-slots", help=_("The next free times that fit the services."))
def find_slots_command(
    ctx: typer.Context,
    services: ServiceOpt = None,
    stylists: StylistOpt = None,
    minutes: MinutesOpt = None,
    after: Annotated[
        str | None, typer.Option("--after", help=_("Search from YYYY-MM-DD HH:MM (default now)."))
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help=_("How many slots."))] = 5,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import bookings

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    if not 1 <= limit <= 50:
        raise UsageProblem(_("--limit is 1 to 50."))
    slots = bookings.find_slots(
        uow,
        actor,
        _requests(uow, services, stylists, minutes),
        after=parse_moment(after, zone, "--after") if after else None,
        limit=limit,
    )
    if as_json:
        print_json(
            [
                {
                    "start": shop_time(s.starts_at, zone).isoformat(),
                    "end": shop_time(s.ends_at, zone).isoformat(),
                    "stylists": [line.staff_name for line in s.lines],
                }
                for s in slots
            ]
        )
        return
    if not slots:
        typer.echo(_("No free time in the next two weeks."))
        return
    print_table(
        [_("Start"), _("End"), _("Services and stylists")],
        [
            (
                f"{shop_time(s.starts_at, zone):%Y-%m-%d %a %H:%M}",
                f"{shop_time(s.ends_at, zone):%H:%M}",
                " → ".join(f"{line.service_name} ({line.staff_name})" for line in s.lines),
            )
            for s in slots
        ],
    )


@app.command(
    "reminders", help=_("Bookings to confirm (today or tomorrow); --queue fills the outbox.")
)
def reminders_command(
    ctx: typer.Context,
    day: Annotated[
        str, typer.Option("--day", help=_("today, tomorrow or YYYY-MM-DD."))
    ] = "tomorrow",
    queue_them: Annotated[
        bool, typer.Option("--queue", help=_("Put reminder messages in the outbox (not sent)."))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print JSON."))] = False,
) -> None:
    from salon_tui.domain.clock import business_date, shop_time, utc_now
    from salon_tui.services import booking_reminders

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    today = business_date(utc_now(), zone)
    chosen: date | None
    if day == "today":
        chosen = today
    elif day == "tomorrow":
        chosen = today + timedelta(days=1)
    else:
        chosen = parse_day(day, "--day")
    assert chosen is not None
    if queue_them:
        added = booking_reminders.queue_reminders(uow, actor, chosen)
        typer.echo(_("{count} reminders placed in the outbox.").format(count=added))
    rows = booking_reminders.reminders(uow, actor, chosen)
    if as_json:
        print_json(
            [
                {**row.__dict__, "starts_at": shop_time(row.starts_at, zone).isoformat()}
                for row in rows
            ]
        )
        return
    print_table(
        [_("#"), _("Time"), _("Client"), _("Phone"), _("Services"), _("Status"), _("Reminder")],
        [
            (
                r.booking_id,
                f"{shop_time(r.starts_at, zone):%H:%M}",
                r.client_name,
                r.phone,
                r.services,
                r.status_label,
                _("queued") if r.queued else "",
            )
            for r in rows
        ],
        title=_("To confirm on {day}").format(day=chosen.isoformat()),
    )


# --- the walk-in queue -------------------------------------------------------------------


@queue_app.command("list", help=_("Who is waiting, the rotation board and the next stylist."))
def queue_list_command(ctx: typer.Context) -> None:
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import booking_queue

    uow = open_database()
    actor = acting_staff(ctx, uow)
    zone = _zone(uow)
    view = booking_queue.queue(uow, actor)
    print_table(
        [_("#"), _("Since"), _("Client"), _("Service"), _("Asked for")],
        [
            (
                w.id,
                f"{shop_time(w.joined_at, zone):%H:%M}",
                w.client_name,
                w.service_name,
                w.requested_staff_name,
            )
            for w in view.waiting
        ],
        title=_("Waiting"),
    )
    print_table(
        [_("Stylist"), _("Turns today"), _("Free now")],
        [(seat.name, seat.turns, _("yes") if seat.free_now else _("no")) for seat in view.board],
        title=_("Rotation (轮牌)"),
    )
    if view.next_stylist is not None:
        typer.echo(_("Next: {name}").format(name=view.next_stylist[1]))


@queue_app.command("add", help=_("A walk-in joins the queue with the service they want."))
def queue_add_command(
    ctx: typer.Context,
    service: Annotated[str, typer.Option("--service", help=_("The service code."))],
    name: Annotated[str, typer.Option("--name", help=_("The client's name."))] = "",
    member: Annotated[
        str | None, typer.Option("--member", help=_("Member id, card number or phone."))
    ] = None,
    stylist: Annotated[
        str | None, typer.Option("--stylist", help=_("The stylist the client asks for."))
    ] = None,
) -> None:
    from salon_tui.services import booking_queue, members
    from salon_tui.services.catalog import find_service

    uow = open_database()
    actor = acting_staff(ctx, uow)
    member_id = members.resolve_member(uow, actor, member) if member else None
    view = booking_queue.add_walk_in(
        uow,
        actor,
        find_service(uow, service).id,
        client_name=name,
        member_id=member_id,
        requested_staff_id=_staff_id(uow, stylist),
    )
    typer.echo(
        _("Walk-in #{id} {client} waits for {service}.").format(
            id=view.id, client=view.client_name, service=view.service_name
        )
    )


@queue_app.command("serve", help=_("Take a walk-in now (the rotation picks unless told)."))
def queue_serve_command(
    ctx: typer.Context,
    walk_in_id: Annotated[int, typer.Argument(help=_("Walk-in number."))],
    stylist: Annotated[
        str | None, typer.Option("--stylist", help=_("Give the client to this stylist."))
    ] = None,
) -> None:
    from salon_tui.services import booking_queue

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = booking_queue.serve(uow, actor, walk_in_id, staff_id=_staff_id(uow, stylist))
    typer.echo(_("In service: {booking}").format(booking=_describe(view, _zone(uow))))


@queue_app.command("leave", help=_("The walk-in left without being served."))
def queue_leave_command(
    ctx: typer.Context, walk_in_id: Annotated[int, typer.Argument(help=_("Walk-in number."))]
) -> None:
    from salon_tui.services import booking_queue

    uow = open_database()
    actor = acting_staff(ctx, uow)
    view = booking_queue.leave(uow, actor, walk_in_id)
    typer.echo(_("{client} left the queue.").format(client=view.client_name))


def _add_waitlist() -> None:
    from salon_tui.commands.booking_waitlist import waitlist_app

    app.add_typer(waitlist_app, name="waitlist")


_add_waitlist()
