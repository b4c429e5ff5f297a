"""The ``bookings`` export kind: one row per booking (or walk-in served) of the period,
with its services, stylists, deposit and how often it changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from salon_tui.data.models import Booking, BookingDeposit, BookingEvent, BookingLine, Service
from salon_tui.data.models.sales import Sale
from salon_tui.i18n import N_
from salon_tui.services.export_people import NO_MEMBER, ExportContext, chunks, in_period
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register


def _booking_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    with request.uow.read() as session:
        context = ExportContext.open(session, request)
        services = {
            int(service_id): (code, name)
            for service_id, code, name in session.execute(
                select(col(Service.id), col(Service.code), col(Service.name))
            )
        }
        booking_ids = [
            int(booking_id)
            for (booking_id,) in session.execute(
                select(col(Booking.id))
                .where(*in_period(Booking.business_day, request))
                .order_by(col(Booking.starts_at), col(Booking.id))
            )
        ]
        for part in chunks(booking_ids):
            bookings = (
                session.execute(
                    select(Booking)
                    .where(col(Booking.id).in_(part))
                    .order_by(col(Booking.starts_at), col(Booking.id))
                )
                .scalars()
                .all()
            )
            lines: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for booking_id, service_id, staff_id in session.execute(
                select(
                    col(BookingLine.booking_id),
                    col(BookingLine.service_id),
                    col(BookingLine.staff_id),
                )
                .where(col(BookingLine.booking_id).in_(part), col(BookingLine.active))
                .order_by(col(BookingLine.booking_id), col(BookingLine.position))
            ):
                lines[int(booking_id)].append((int(service_id), int(staff_id)))
            events = {
                int(booking_id): int(count)
                for booking_id, count in session.execute(
                    select(col(BookingEvent.booking_id), func.count())
                    .where(col(BookingEvent.booking_id).in_(part))
                    .group_by(col(BookingEvent.booking_id))
                )
            }
            taken = {
                int(booking_id): int(amount or 0)
                for booking_id, amount in session.execute(
                    select(
                        col(BookingDeposit.booking_id), func.sum(col(BookingDeposit.amount_cents))
                    )
                    .where(
                        col(BookingDeposit.booking_id).in_(part),
                        col(BookingDeposit.kind) == "taken",
                    )
                    .group_by(col(BookingDeposit.booking_id))
                )
            }
            sale_numbers = {
                int(sale_id): number or ""
                for sale_id, number in session.execute(
                    select(col(Sale.id), col(Sale.number)).where(
                        col(Sale.id).in_([b.sale_id for b in bookings if b.sale_id is not None])
                    )
                )
            }
            members = context.members(booking.member_id for booking in bookings)
            for booking in bookings:
                assert booking.id is not None
                member = (
                    members.get(booking.member_id, NO_MEMBER) if booking.member_id else NO_MEMBER
                )
                booked = lines.get(booking.id, [])
                stylists = list(dict.fromkeys(context.staff(staff_id) for _s, staff_id in booked))
                yield [
                    booking.id,
                    booking.business_day,
                    context.local(booking.starts_at),
                    context.local(booking.ends_at),
                    ", ".join(stylists),
                    booking.client_name,
                    context.phone(booking.client_phone),
                    booking.member_id,
                    member.card,
                    ", ".join(
                        services.get(service_id, ("", str(service_id)))[1]
                        for service_id, _ in booked
                    ),
                    ", ".join(services.get(service_id, ("", ""))[0] for service_id, _ in booked),
                    booking.status,
                    booking.source,
                    booking.late_cancel,
                    context.money(taken.get(booking.id, 0)),
                    context.money(booking.deposit_held_cents),
                    sale_numbers.get(booking.sale_id, "") if booking.sale_id else "",
                    booking.note,
                    events.get(booking.id, 0),
                    context.local(booking.created_at),
                    context.staff(booking.created_by),
                ]


BOOKINGS_EXPORT = register(
    ExportKind(
        name="bookings",
        title=N_("Bookings"),
        permission="reports.bookings",
        columns=(
            ExportColumn(N_("ID"), N_("The booking's number.")),
            ExportColumn(N_("Date"), N_("The shop day of the appointment.")),
            ExportColumn(N_("Start"), N_("Shop time it starts.")),
            ExportColumn(N_("End"), N_("Shop time it ends.")),
            ExportColumn(N_("Stylists"), N_("Who does its services.")),
            ExportColumn(N_("Client"), N_("The client's name as booked.")),
            ExportColumn(N_("Phone"), N_("Masked (138****8000) without the contact permission.")),
            ExportColumn(N_("Member ID"), N_("The member booked, empty for a guest.")),
            ExportColumn(
                N_("Card"), N_("The member's active card; ****1234 without the contact permission.")
            ),
            ExportColumn(N_("Services"), N_("The services in the order they are done.")),
            ExportColumn(N_("Service codes"), N_("Their codes on the menu.")),
            ExportColumn(
                N_("Status"),
                N_("booked, confirmed, arrived, in_service, done, cancelled or no_show."),
            ),
            ExportColumn(N_("Source"), N_("booking (made ahead) or walk_in.")),
            ExportColumn(N_("Late cancel"), N_("True when cancelled inside the notice period.")),
            ExportColumn(N_("Deposit taken"), N_("Deposit paid for the booking.")),
            ExportColumn(
                N_("Deposit held"), N_("Deposit still held (not applied, returned or forfeited).")
            ),
            ExportColumn(N_("Sale number"), N_("The sale it was checked out on.")),
            ExportColumn(N_("Note"), N_("The booking's note.")),
            ExportColumn(
                N_("History"), N_("How many times it was created, moved, edited or changed status.")
            ),
            ExportColumn(N_("Created"), N_("Shop time it was made.")),
            ExportColumn(N_("Created by"), N_("Who made it.")),
        ),
        rows=_booking_rows,
    )
)
