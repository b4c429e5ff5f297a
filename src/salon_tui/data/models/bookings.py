"""Bookings (预约): resources, shifts, bookings with their service lines and history,
deposits (a small ledger), the walk-in queue with its rotation, and the reminder outbox.

Opening hours, slot size, cancellation rules and holiday decisions are shop settings
under ``bookings.`` (they travel with backups like every setting).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from salon_tui.data.types import UTCDateTime


class Resource(SQLModel, table=True):
    """One chair, wash basin, room, bed or nail station; services occupy one of a kind."""

    __tablename__ = "resource"
    __table_args__ = (Index("ux_resource_name", "name", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    kind: str = Field(max_length=20)
    active: bool = Field(default=True)


class StaffShift(SQLModel, table=True):
    """A stylist's weekly pattern: the hours they work on one weekday (0 = Monday)."""

    __tablename__ = "staff_shift"
    __table_args__ = (UniqueConstraint("staff_id", "weekday", name="ux_staff_shift_day"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    weekday: int
    start: time
    end: time
    break_start: time | None = Field(default=None)
    break_end: time | None = Field(default=None)


class ShiftException(SQLModel, table=True):
    """One day that differs from the pattern: a day off, or other hours."""

    __tablename__ = "shift_exception"
    __table_args__ = (UniqueConstraint("staff_id", "day", name="ux_shift_exception_day"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    day: date
    off: bool = Field(default=False)
    start: time | None = Field(default=None)
    end: time | None = Field(default=None)
    break_start: time | None = Field(default=None)
    break_end: time | None = Field(default=None)
    note: str = Field(default="", max_length=200)


class Booking(SQLModel, table=True):
    """An appointment for one client: one or several services in sequence."""

    __tablename__ = "booking"
    __table_args__ = (
        Index("ix_booking_day", "business_day", "status"),
        Index("ix_booking_member", "member_id", "starts_at"),
        Index("ix_booking_starts", "starts_at"),
        Index("ix_booking_series", "series_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member.id"), nullable=True)
    )
    client_name: str = Field(max_length=200)
    client_phone: str = Field(default="", max_length=20)  # E.164, or empty
    language: str = Field(default="zh_CN", max_length=10)
    status: str = Field(max_length=12)
    store_id: int = Field(sa_column=Column(Integer, ForeignKey("store.id"), nullable=False))
    source: str = Field(default="booking", max_length=10)  # booking, walk_in
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    business_day: date
    note: str = Field(default="", max_length=200)
    series_id: int | None = Field(default=None)
    late_cancel: bool = Field(default=False)
    deposit_held_cents: int = Field(default=0)
    sale_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale.id"), nullable=True)
    )
    created_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BookingLine(SQLModel, table=True):
    """One service of a booking, with its stylist and its own time."""

    __tablename__ = "booking_line"
    __table_args__ = (
        Index("ix_booking_line_booking", "booking_id", "position"),
        Index("ix_booking_line_staff", "staff_id", "starts_at"),
        Index("ix_booking_line_service", "service_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(sa_column=Column(Integer, ForeignKey("booking.id"), nullable=False))
    position: int = Field(default=0)
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    staff_id: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    # The client asked for this stylist (commission may pay more for it).
    requested: bool = Field(default=False)
    duration_min: int
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Copied from the booking so the clash query needs no join.
    active: bool = Field(default=True)


class BookingResource(SQLModel, table=True):
    """A resource a booking line occupies for the line's time."""

    __tablename__ = "booking_resource"
    __table_args__ = (
        Index("ix_booking_resource_resource", "resource_id", "starts_at"),
        Index("ix_booking_resource_line", "line_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(sa_column=Column(Integer, ForeignKey("booking_line.id"), nullable=False))
    booking_id: int = Field(sa_column=Column(Integer, ForeignKey("booking.id"), nullable=False))
    resource_id: int = Field(sa_column=Column(Integer, ForeignKey("resource.id"), nullable=False))
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    active: bool = Field(default=True)


class BookingEvent(SQLModel, table=True):
    """The booking's history: made, status changes, moves, edits, deposits — who, when, why."""

    __tablename__ = "booking_event"
    __table_args__ = (Index("ix_booking_event_booking", "booking_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(sa_column=Column(Integer, ForeignKey("booking.id"), nullable=False))
    kind: str = Field(max_length=12)  # created, status, moved, edited, deposit
    from_status: str = Field(default="", max_length=12)
    to_status: str = Field(default="", max_length=12)
    detail: str = Field(default="", max_length=400)
    reason: str = Field(default="", max_length=200)
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    staff_name: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BookingDeposit(SQLModel, table=True):
    """The deposit ledger of a booking (append-only): taken (+), and applied to the sale,
    given back or forfeited (−). ``booking.deposit_held_cents`` is its sum."""

    __tablename__ = "booking_deposit"
    __table_args__ = (Index("ix_booking_deposit_booking", "booking_id"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(sa_column=Column(Integer, ForeignKey("booking.id"), nullable=False))
    kind: str = Field(max_length=10)  # taken, applied, returned, forfeited
    amount_cents: int
    tender: str = Field(default="", max_length=20)
    reference: str = Field(default="", max_length=80)
    sale_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("sale.id"), nullable=True)
    )
    drawer_session_id: int | None = Field(default=None)
    business_day: date
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class WalkIn(SQLModel, table=True):
    """A client waiting without a booking, with the service they want."""

    __tablename__ = "walk_in"
    __table_args__ = (Index("ix_walk_in_day", "business_day", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    business_day: date
    client_name: str = Field(max_length=200)
    member_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member.id"), nullable=True)
    )
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    requested_staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    status: str = Field(default="waiting", max_length=10)  # waiting, served, left
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    by_rotation: bool = Field(default=False)
    booking_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("booking.id"), nullable=True)
    )
    joined_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    served_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class RotationTurn(SQLModel, table=True):
    """The rotation board (轮牌) of one day: turns each stylist has taken."""

    __tablename__ = "rotation_turn"

    business_day: date = Field(primary_key=True)
    staff_id: int = Field(
        sa_column=Column(Integer, ForeignKey("staff.id"), primary_key=True, nullable=False)
    )
    turns: int = Field(default=0)
    last_turn_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class ReminderOutbox(SQLModel, table=True):
    """A message waiting for a sender (SMS, WeChat): nothing here sends it."""

    __tablename__ = "reminder_outbox"
    __table_args__ = (UniqueConstraint("booking_id", "kind", name="ux_reminder_outbox_booking"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(sa_column=Column(Integer, ForeignKey("booking.id"), nullable=False))
    kind: str = Field(default="reminder", max_length=20)
    channel: str = Field(default="sms", max_length=10)
    phone: str = Field(max_length=20)
    language: str = Field(max_length=10)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class WaitlistEntry(SQLModel, table=True):
    """A client who wants a day (and a stylist, a service) that is full: offered at the
    desk when a booking in their window is cancelled."""

    __tablename__ = "booking_waitlist"
    __table_args__ = (Index("ix_booking_waitlist_day", "business_day", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    business_day: date
    service_id: int = Field(sa_column=Column(Integer, ForeignKey("service.id"), nullable=False))
    staff_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("staff.id"), nullable=True)
    )
    member_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("member.id"), nullable=True)
    )
    client_name: str = Field(max_length=200)
    client_phone: str = Field(default="", max_length=20)  # E.164, or empty
    window_start: time | None = Field(default=None)  # shop time; None: any time that day
    window_end: time | None = Field(default=None)
    note: str = Field(default="", max_length=200)
    status: str = Field(default="waiting", max_length=10)  # waiting, offered, booked, removed
    # The cancelled booking whose time was offered, and the booking made from the entry.
    freed_booking_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("booking.id"), nullable=True)
    )
    booking_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("booking.id"), nullable=True)
    )
    created_by: int = Field(sa_column=Column(Integer, ForeignKey("staff.id"), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    offered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
