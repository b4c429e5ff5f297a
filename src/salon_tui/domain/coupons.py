"""Coupons (优惠券): what a coupon takes off a sale, and exactly why one cannot be used.

Pure rules. A template says the kind (percent off, 满减 amount off above a threshold,
代金券 voucher of a fixed value, a free service or gift), the scope (all / categories /
services / products, optionally narrowed to item codes or category names), the
minimum spend, whether it stacks, and how long issued coupons are valid. The minimum
spend is measured on the lines in scope at the prices charged, before automatic
discounts, as the desk reads it on the cart ("满 300 减 50").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from salon_tui.domain.money import allocate
from salon_tui.i18n import N_, _

CODE_PREFIX = "66"
CODE_BODY_DIGITS = 9
CODE_LENGTH = len(CODE_PREFIX) + CODE_BODY_DIGITS + 1


class CouponKind(StrEnum):
    PERCENT = "percent"
    AMOUNT_OFF = "amount_off"  # 满减: an amount off when the spend reaches a threshold
    VOUCHER = "voucher"  # 代金券: a fixed value, like money towards the sale
    FREE_ITEM = "free_item"  # one unit of a service or gift for free


KIND_LABELS = {
    CouponKind.PERCENT: N_("Percent off"),
    CouponKind.AMOUNT_OFF: N_("Amount off above a spend (满减)"),
    CouponKind.VOUCHER: N_("Voucher (代金券)"),
    CouponKind.FREE_ITEM: N_("Free service or gift"),
}


class Scope(StrEnum):
    ALL = "all"
    CATEGORIES = "categories"
    SERVICES = "services"
    PRODUCTS = "products"


SCOPE_LABELS = {
    Scope.ALL: N_("Everything"),
    Scope.CATEGORIES: N_("Categories"),
    Scope.SERVICES: N_("Services"),
    Scope.PRODUCTS: N_("Products"),
}


class CouponState(StrEnum):
    AVAILABLE = "available"
    USED = "used"
    VOID = "void"


class Refusal(StrEnum):
    """Why a coupon cannot be used on a sale: each has one sentence for the desk."""

    NOT_THIS_MEMBERS = "not_this_members"
    ALREADY_USED = "already_used"
    VOID = "void"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    OUT_OF_SCOPE = "out_of_scope"
    BELOW_THRESHOLD = "below_threshold"
    NOT_STACKABLE = "not_stackable"
    ALREADY_ON_SALE = "already_on_sale"
    USAGE_LIMIT = "usage_limit"


@dataclass(frozen=True)
class CouponTerms:
    """What an issued coupon promises (from its template) and its own state."""

    coupon_id: int
    code: str
    kind: CouponKind
    member_id: int
    state: CouponState
    valid_from: date
    valid_to: date | None
    scope: Scope = Scope.ALL
    scope_items: tuple[str, ...] = ()  # item codes (services/products) or category names
    percent_bp: int = 0
    amount_cents: int = 0
    min_spend_cents: int = 0
    stackable: bool = False
    usage_limit: int | None = None
    times_used: int = 0  # coupons of the same template used so far


@dataclass(frozen=True)
class CartLine:
    key: int
    kind: str  # service, product, other …
    item_code: str
    category: str
    qty: int
    unit_cents: int

    @property
    def amount_cents(self) -> int:
        return self.qty * self.unit_cents


def in_scope(terms: CouponTerms, line: CartLine) -> bool:
    """Whether ``line`` is something the coupon covers."""
    items = {item.casefold() for item in terms.scope_items}
    if terms.scope is Scope.ALL:
        return True
    if terms.scope is Scope.CATEGORIES:
        return line.category.casefold() in items
    wanted_kind = "service" if terms.scope is Scope.SERVICES else "product"
    if line.kind != wanted_kind:
        return False
    return not items or line.item_code.casefold() in items


def scope_spend(terms: CouponTerms, lines: Sequence[CartLine]) -> int:
    return sum(line.amount_cents for line in lines if in_scope(terms, line))


def refusal(
    terms: CouponTerms,
    *,
    member_id: int | None,
    lines: Sequence[CartLine] | None,
    today: date,
    others_on_sale: Sequence[CouponTerms] = (),
) -> Refusal | None:
    """Why this coupon cannot be used on this sale now, or None when it can.

    Checked in the order a cashier would want to hear it: whose it is, whether it is
    still good, then whether this cart qualifies. ``lines=None`` checks the coupon
    alone (a balance enquiry at the desk), without a cart.
    """
    if member_id is None or terms.member_id != member_id:
        return Refusal.NOT_THIS_MEMBERS
    if terms.state is CouponState.USED:
        return Refusal.ALREADY_USED
    if terms.state is CouponState.VOID:
        return Refusal.VOID
    if today < terms.valid_from:
        return Refusal.NOT_YET_VALID
    if terms.valid_to is not None and today > terms.valid_to:
        return Refusal.EXPIRED
    if terms.usage_limit is not None and terms.times_used >= terms.usage_limit:
        return Refusal.USAGE_LIMIT
    if any(other.coupon_id == terms.coupon_id for other in others_on_sale):
        return Refusal.ALREADY_ON_SALE
    if others_on_sale and (not terms.stackable or not all(o.stackable for o in others_on_sale)):
        return Refusal.NOT_STACKABLE
    if lines is None:
        return None
    if not any(in_scope(terms, line) for line in lines):
        return Refusal.OUT_OF_SCOPE
    if scope_spend(terms, lines) < terms.min_spend_cents:
        return Refusal.BELOW_THRESHOLD
    return None


def explain_refusal(reason: Refusal, terms: CouponTerms, money: str = "") -> str:
    """The sentence for the desk. ``money`` is the formatted minimum spend."""
    if reason is Refusal.NOT_THIS_MEMBERS:
        return _("Coupon {code} belongs to another member: put its owner on the sale.").format(
            code=terms.code
        )
    if reason is Refusal.ALREADY_USED:
        return _("Coupon {code} was already used.").format(code=terms.code)
    if reason is Refusal.VOID:
        return _("Coupon {code} was cancelled.").format(code=terms.code)
    if reason is Refusal.NOT_YET_VALID:
        return _("Coupon {code} can be used from {day}.").format(
            code=terms.code, day=terms.valid_from.isoformat()
        )
    if reason is Refusal.EXPIRED:
        return _("Coupon {code} expired on {day}.").format(
            code=terms.code, day=terms.valid_to.isoformat() if terms.valid_to else ""
        )
    if reason is Refusal.USAGE_LIMIT:
        return _("Coupon {code}: this offer's usage limit is reached.").format(code=terms.code)
    if reason is Refusal.ALREADY_ON_SALE:
        return _("Coupon {code} is already on this sale.").format(code=terms.code)
    if reason is Refusal.NOT_STACKABLE:
        return _("Coupon {code} cannot be combined with another coupon on this sale.").format(
            code=terms.code
        )
    if reason is Refusal.OUT_OF_SCOPE:
        return _("Coupon {code} does not cover anything on this sale.").format(code=terms.code)
    return _("Coupon {code} needs a spend of at least {amount} on what it covers.").format(
        code=terms.code, amount=money
    )


def line_discounts(terms: CouponTerms, lines: Sequence[CartLine]) -> dict[int, int | tuple[int]]:
    """What the coupon takes off each line: an amount in minor units, or ``(bp,)`` for a
    percent of what is left on the line after earlier discounts."""
    covered = [line for line in lines if in_scope(terms, line)]
    if not covered:
        return {}
    if terms.kind is CouponKind.PERCENT:
        return {line.key: (terms.percent_bp,) for line in covered}
    if terms.kind is CouponKind.FREE_ITEM:
        cheapest = min(covered, key=lambda line: (line.unit_cents, line.key))
        return {cheapest.key: cheapest.unit_cents}
    amount = min(terms.amount_cents, sum(line.amount_cents for line in covered))
    if amount <= 0:
        return {}
    shares = allocate(amount, [line.amount_cents for line in covered])
    return {line.key: share for line, share in zip(covered, shares, strict=True) if share}


def validity(
    issued_on: date,
    *,
    valid_from: date | None,
    valid_to: date | None,
    valid_days: int | None,
) -> tuple[date, date | None]:
    """The days an issued coupon can be used: the template's dates, or N days from issue
    (the issue day counts as the first)."""
    if valid_days:
        return issued_on, issued_on + timedelta(days=valid_days - 1)
    start = max(valid_from, issued_on) if valid_from else issued_on
    return start, valid_to


def face_value_cents(terms: CouponTerms) -> int:
    """What an unused coupon is worth to its holder for the liabilities report: the
    value of a voucher; other kinds are discounts, not money owed."""
    return terms.amount_cents if terms.kind is CouponKind.VOUCHER else 0


def code_for_serial(serial: int) -> str:
    """``66`` + nine digits + a Luhn check digit, printed and scanned at the desk."""
    from stdnum import luhn

    if not 0 < serial < 10**CODE_BODY_DIGITS:
        raise ValueError("coupon serial out of range")
    body = f"{CODE_PREFIX}{serial:0{CODE_BODY_DIGITS}d}"
    return body + str(luhn.calc_check_digit(body))


def clean_code(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "").upper()


def looks_like_coupon(code: str) -> bool:
    return code.isdigit() and len(code) == CODE_LENGTH and code.startswith(CODE_PREFIX)
