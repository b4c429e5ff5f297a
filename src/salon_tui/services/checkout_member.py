"""The member panel at checkout: what the cashier should see the moment a card is scanned.

Level, stored value (principal and bonus, and whether it is low for the level), the
packages with uses left, points, the coupons that can still be used, allergies and patch
tests, the next booking, and the services they usually have (with who last did each).
One read, for the member on the sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from salon_tui.data.models import (
    Allergy,
    Booking,
    BookingLine,
    Card,
    Coupon,
    CouponTemplate,
    MemberLevel,
    MemberPackage,
    MemberPackageItem,
    PatchTest,
    Service,
    Staff,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.bookings import BookingStatus
from salon_tui.domain.clock import utc_now
from salon_tui.domain.coupons import CouponState
from salon_tui.i18n import current_locale
from salon_tui.services import points, stored_value
from salon_tui.services.member_safety import patch_valid_until
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.sale_catalog import ItemChoice
from salon_tui.services.sales_catalog_link import usual_services_in

UPCOMING = (BookingStatus.BOOKED.value, BookingStatus.CONFIRMED.value)


@dataclass(frozen=True)
class PanelPackage:
    name: str
    service: str
    uses_left: int
    expires_on: date


@dataclass(frozen=True)
class PanelPatchTest:
    category: str
    result: str  # pass, fail
    valid_until: date
    valid: bool  # passed and still valid today


@dataclass(frozen=True)
class PanelBooking:
    starts_at: datetime
    services: str  # "精剪 · Tony 张伟, 染发 · Kevin 刘洋"


@dataclass(frozen=True)
class MemberPanel:
    member_id: int
    name: str
    level: str
    card_number: str
    principal_cents: int
    bonus_cents: int
    low_balance: bool
    packages: tuple[PanelPackage, ...]
    points: int
    coupons: tuple[str, ...]  # templates of the unused coupons valid today
    allergies: tuple[str, ...]
    patch_tests: tuple[PanelPatchTest, ...]  # the latest per category
    next_booking: PanelBooking | None
    # The services the member has most often, with who last did each (Enter on the empty
    # entry offers them).
    usual: tuple[ItemChoice, ...] = ()

    @property
    def stored_value_cents(self) -> int:
        return self.principal_cents + self.bonus_cents


def member_panel(uow: UnitOfWork, actor: Actor, member_id: int) -> MemberPanel:
    """Everything the desk needs about the member on a sale, read at once."""
    require(actor, "sales.sell")
    with uow.read() as session:
        return _panel(session, member_id)


def _panel(session: Session, member_id: int) -> MemberPanel:
    member = load_member(session, member_id)
    today = shop_today(session)
    level = session.get(MemberLevel, member.level_id) if member.level_id else None
    card = session.exec(
        select(Card.number).where(col(Card.member_id) == member_id, col(Card.status) == "active")
    ).first()
    balance = stored_value.balance_in(session, member)
    return MemberPanel(
        member_id=member_id,
        name=member.name,
        level=level.name if level is not None else "",
        card_number=card or "",
        principal_cents=balance.principal_cents,
        bonus_cents=balance.bonus_cents,
        low_balance=balance.is_low,
        packages=_packages(session, member_id, today),
        points=points.balance_in(session, member_id),
        coupons=_coupons(session, member_id, today),
        allergies=tuple(
            session.exec(
                select(Allergy.substance)
                .where(col(Allergy.member_id) == member_id, col(Allergy.removed_at).is_(None))
                .order_by(col(Allergy.recorded_at))
            ).all()
        ),
        patch_tests=_patch_tests(session, member_id, today),
        next_booking=next_booking(session, member_id),
        usual=tuple(usual_services_in(session, member_id, current_locale())),
    )


def _packages(session: Session, member_id: int, today: date) -> tuple[PanelPackage, ...]:
    rows = session.exec(
        select(
            col(MemberPackage.name),
            col(MemberPackageItem.service_name),
            col(MemberPackageItem.uses_left),
            col(MemberPackage.expires_on),
        )
        .join(MemberPackage, col(MemberPackage.id) == col(MemberPackageItem.package_id))
        .where(
            col(MemberPackage.member_id) == member_id,
            col(MemberPackage.status) == "active",
            col(MemberPackage.expires_on) >= today,
            col(MemberPackageItem.uses_left) > 0,
        )
        .order_by(col(MemberPackage.expires_on), col(MemberPackageItem.id))
    ).all()
    return tuple(PanelPackage(name, service, left, until) for name, service, left, until in rows)


def _coupons(session: Session, member_id: int, today: date) -> tuple[str, ...]:
    rows = session.exec(
        select(CouponTemplate.name)
        .join(Coupon, col(Coupon.template_id) == col(CouponTemplate.id))
        .where(
            col(Coupon.member_id) == member_id,
            col(Coupon.state) == CouponState.AVAILABLE.value,
            or_(col(Coupon.valid_from).is_(None), col(Coupon.valid_from) <= today),
            or_(col(Coupon.valid_to).is_(None), col(Coupon.valid_to) >= today),
        )
        .order_by(col(Coupon.valid_to), col(Coupon.id))
    ).all()
    return tuple(rows)


def _patch_tests(session: Session, member_id: int, today: date) -> tuple[PanelPatchTest, ...]:
    latest: dict[str, PatchTest] = {}
    for row in session.exec(
        select(PatchTest)
        .where(col(PatchTest.member_id) == member_id)
        .order_by(col(PatchTest.tested_on), col(PatchTest.id))
    ):
        latest[row.category] = row
    found = []
    for category, row in sorted(latest.items()):
        until = patch_valid_until(session, row)
        found.append(
            PanelPatchTest(category, row.result, until, row.result == "pass" and today <= until)
        )
    return tuple(found)


def next_booking(
    session: Session, member_id: int, after: datetime | None = None
) -> PanelBooking | None:
    """The member's next booked visit from ``after`` (default now), with what and who."""
    booking = session.exec(
        select(Booking)
        .where(
            col(Booking.member_id) == member_id,
            col(Booking.status).in_(UPCOMING),
            col(Booking.starts_at) >= (after or utc_now()),
        )
        .order_by(col(Booking.starts_at))
    ).first()
    if booking is None:
        return None
    lines = session.exec(
        select(Service.name, Staff.name)
        .select_from(BookingLine)
        .join(Service, col(Service.id) == col(BookingLine.service_id))
        .join(Staff, col(Staff.id) == col(BookingLine.staff_id))
        .where(col(BookingLine.booking_id) == booking.id)
        .order_by(col(BookingLine.position), col(BookingLine.id))
    ).all()
    return PanelBooking(
        booking.starts_at, ", ".join(f"{service} · {stylist}" for service, stylist in lines)
    )
