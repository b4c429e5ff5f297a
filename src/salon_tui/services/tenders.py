"""The ways a shop takes money, and the hooks other areas add to them.

Cash, bank card, WeChat Pay and Alipay only record the payment. A tender that moves a
balance (stored value, gift card, points) registers ``take`` and ``give_back``
functions that run inside the sale's or refund's transaction and raise a
``SalonError`` to refuse (not enough balance, a limit reached).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import BASE_TENDERS, BOOKING_DEPOSIT, Tender
from salon_tui.services.sale_hooks import load_checkout_plugins


@dataclass(frozen=True)
class TenderUse:
    """What a balance-moving tender is told about its part of a sale or refund."""

    sale_id: int
    refund_id: int | None
    member_id: int | None
    amount_cents: int  # positive: taken for a sale, or given back by a refund
    reference: str


TenderHook = Callable[[Session, Actor, TenderUse], None]


@dataclass(frozen=True)
class RegisteredTender:
    tender: Tender
    take: TenderHook | None = None
    give_back: TenderHook | None = None
    # Offered on every payment screen; False: only where the sale calls for it (a
    # booking's deposit), though a payment by it is always understood.
    offered: bool = True


TENDERS: dict[str, RegisteredTender] = {
    tender.code: RegisteredTender(tender) for tender in BASE_TENDERS
}


def _use_booking_deposit(session: Session, actor: Actor, use: TenderUse) -> None:
    from salon_tui.services.booking_status import use_deposit_for_sale

    use_deposit_for_sale(session, actor, use.sale_id, use.amount_cents)


# A deposit held for the booking the sale came from (see services.booking_status).
TENDERS[BOOKING_DEPOSIT.code] = RegisteredTender(
    BOOKING_DEPOSIT, take=_use_booking_deposit, offered=False
)


def register_tender(
    tender: Tender, take: TenderHook | None = None, give_back: TenderHook | None = None
) -> None:
    TENDERS[tender.code] = RegisteredTender(tender, take, give_back)


def load_tenders() -> dict[str, RegisteredTender]:
    """Every tender, the ones other areas register included."""
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    return TENDERS


def tender_table() -> dict[str, Tender]:
    return {code: registered.tender for code, registered in load_tenders().items()}


def list_tenders(*, also: tuple[str, ...] = ()) -> list[Tender]:
    """The ways to pay offered on a payment screen, plus the unlisted ones in ``also``."""
    load_checkout_plugins()
    return [
        registered.tender
        for code, registered in load_tenders().items()
        if registered.offered or code in also
    ]
