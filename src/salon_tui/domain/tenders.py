"""Ways to pay (tenders) and the rule that a split payment settles a total exactly.

The registry is data: cash, bank card, WeChat Pay and Alipay are here; the card
economy adds stored value, gift cards and points with its own checks (see
``services.tenders``). Only cash gives change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from salon_tui.i18n import N_, _

TRANSACTION_REFERENCE = N_("Transaction reference")


@dataclass(frozen=True)
class Tender:
    code: str
    label: str  # msgid
    is_cash: bool = False
    needs_reference: bool = False
    # Whether a refund may go back by this tender at all (a stored-value refund may not
    # go to cash, say); amounts are checked against what was paid by it.
    refundable: bool = True
    # What the reference field asks for (a transaction number, a gift card's code …).
    reference_label: str = TRANSACTION_REFERENCE
    # Only offered when the sale has a member (stored value, points).
    needs_member: bool = False
    # Money the shop already holds for the client (stored value, a gift card, points):
    # it cannot buy more of the same (a top-up, a gift card).
    is_prepaid: bool = False


CASH = Tender("cash", N_("Cash"), is_cash=True)
BANK_CARD = Tender("bank_card", N_("Bank card"), needs_reference=False)
WECHAT = Tender("wechat", N_("WeChat Pay"), needs_reference=True)
ALIPAY = Tender("alipay", N_("Alipay"), needs_reference=True)

BASE_TENDERS: tuple[Tender, ...] = (CASH, BANK_CARD, WECHAT, ALIPAY)
# Money paid ahead for a booking; it pays the sale the booking turns into and is not
# given back by a refund (the refund goes out by another tender).
BOOKING_DEPOSIT = Tender("deposit", N_("Booking deposit"), refundable=False)

REFERENCE_MAX = 80


@dataclass(frozen=True)
class PaymentIn:
    """One part of a payment as the cashier gives it.

    ``amount_cents`` is what this tender pays of the total. For cash, ``tendered_cents``
    is what the client handed over (0 means exactly the amount).
    """

    tender: str
    amount_cents: int
    tendered_cents: int = 0
    reference: str = ""


@dataclass(frozen=True)
class SettledPayment:
    tender: str
    amount_cents: int
    tendered_cents: int
    change_cents: int
    reference: str


class PaymentProblem(ValueError):
    """A payment that cannot settle the total; the message says why."""

    def __init__(self, message: str, field: str = "payments") -> None:
        super().__init__(message)
        self.field = field


def settle(
    total_cents: int, payments: Sequence[PaymentIn], tenders: dict[str, Tender]
) -> list[SettledPayment]:
    """Check a split payment against the total and work out the change.

    Every part is positive; together they pay exactly ``total_cents``; cash tendered
    covers the cash part, and the difference is change. Raises ``PaymentProblem``.
    """
    if not payments and total_cents > 0:
        raise PaymentProblem(_("Choose how the client pays."))
    settled: list[SettledPayment] = []
    for payment in payments:
        tender = tenders.get(payment.tender)
        if tender is None:
            raise PaymentProblem(
                _("Unknown way to pay {code!r}.").format(code=payment.tender), "tender"
            )
        if payment.amount_cents <= 0:
            raise PaymentProblem(_("Each part of a payment must be more than zero."), "amount")
        reference = payment.reference.strip()
        if len(reference) > REFERENCE_MAX:
            raise PaymentProblem(
                _("A payment reference has at most {limit} characters.").format(
                    limit=REFERENCE_MAX
                ),
                "reference",
            )
        if tender.needs_reference and not reference:
            if tender.reference_label != TRANSACTION_REFERENCE:
                raise PaymentProblem(
                    _("{tender}: {what} is needed.").format(
                        tender=_(tender.label), what=_(tender.reference_label)
                    ),
                    "reference",
                )
            raise PaymentProblem(
                _("{tender} needs the transaction reference from the receipt.").format(
                    tender=_(tender.label)
                ),
                "reference",
            )
        tendered = payment.amount_cents
        change = 0
        if tender.is_cash:
            if payment.tendered_cents:
                if payment.tendered_cents < payment.amount_cents:
                    raise PaymentProblem(
                        _("Cash handed over is less than the cash part."),
                        "tendered",
                    )
                tendered = payment.tendered_cents
                change = tendered - payment.amount_cents
        elif payment.tendered_cents and payment.tendered_cents != payment.amount_cents:
            raise PaymentProblem(
                _("Only cash gives change; {tender} pays an exact amount.").format(
                    tender=_(tender.label)
                ),
                "tendered",
            )
        settled.append(
            SettledPayment(tender.code, payment.amount_cents, tendered, change, reference)
        )
    paid = sum(part.amount_cents for part in settled)
    if paid < total_cents:
        raise PaymentProblem(_("The payment is short of the total."), "amount")
    if paid > total_cents:
        raise PaymentProblem(
            _("The payment is more than the total; take the extra as cash handed over."),
            "amount",
        )
    return settled


def cash_part_for(total_cents: int, other_parts_cents: int) -> int:
    """What is left to pay in cash once the other tenders are counted."""
    return max(total_cents - other_parts_cents, 0)


def format_sale_number(day_text: str, sequence: int) -> str:
    """``20261122-0042``: the business day and the day's sequence (4 digits, more if needed)."""
    return f"{day_text}-{sequence:04d}"
