"""What the money exports share: who a member or staff member is, masked as the actor
may see it, shop times as plain wall-clock datetimes, and a period as business days.

Rows are read in chunks of sales (or entries), so an export of years of history stays
in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session, col

from salon_tui.data.models import Card, Member, Staff
from salon_tui.domain.clock import shop_time
from salon_tui.domain.members import calling_code, local_phone, mask_phone
from salon_tui.domain.money import to_decimal
from salon_tui.services.exports import ExportRequest
from salon_tui.services.settings import load_shop_settings

CHUNK = 1000


def mask_card(number: str) -> str:
    """``88001234`` → ``****1234``: a card number for staff without the contact permission."""
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


def chunks(values: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def in_period(column: Any, request: ExportRequest) -> list[Any]:
    """Conditions keeping a business-day column inside the export's period."""
    conditions = []
    if request.period.start is not None:
        conditions.append(col(column) >= request.period.start)
    if request.period.end is not None:
        conditions.append(col(column) <= request.period.end)
    return conditions


@dataclass(frozen=True)
class MemberLabel:
    card: str
    name: str
    phone: str


@dataclass
class ExportContext:
    """The shop's currency and timezone, staff names, and members as the actor may see them."""

    session: Session
    currency: str
    timezone: str
    own_calling_code: str
    show_personal: bool
    staff_names: dict[int, str]

    @classmethod
    def open(cls, session: Session, request: ExportRequest) -> ExportContext:
        shop = load_shop_settings(session)
        return cls(
            session=session,
            currency=shop.currency,
            timezone=shop.timezone,
            own_calling_code=calling_code(shop.country),
            show_personal=request.actor.can("member.contact"),
            staff_names={
                int(staff_id): name
                for staff_id, name in session.execute(select(col(Staff.id), col(Staff.name)))
            },
        )

    def money(self, amount_cents: int | None) -> Decimal | None:
        return None if amount_cents is None else to_decimal(amount_cents, self.currency)

    def local(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else shop_time(moment, self.timezone).replace(tzinfo=None)

    def staff(self, staff_id: int | None) -> str:
        return self.staff_names.get(staff_id, "") if staff_id is not None else ""

    def phone(self, e164: str | None) -> str:
        phone = local_phone(e164, self.own_calling_code) if e164 else ""
        return phone if self.show_personal or not phone else mask_phone(phone)

    def members(self, member_ids: Iterable[int | None]) -> dict[int, MemberLabel]:
        """Card (masked without the contact permission), name and phone of each member."""
        wanted = sorted({member_id for member_id in member_ids if member_id is not None})
        labels: dict[int, MemberLabel] = {}
        for part in chunks(wanted):
            for member_id, name, phone, card in self.session.execute(
                select(col(Member.id), col(Member.name), col(Member.phone), col(Card.number))
                .outerjoin(
                    Card,
                    and_(col(Card.member_id) == col(Member.id), col(Card.status) == "active"),
                )
                .where(col(Member.id).in_(part))
            ):
                card_text = card or ""
                labels[int(member_id)] = MemberLabel(
                    card_text if self.show_personal or not card_text else mask_card(card_text),
                    name,
                    self.phone(phone),
                )
        return labels


NO_MEMBER = MemberLabel("", "", "")
