"""What other areas do when a sale is paid or refunded, inside that transaction.

Checkout knows nothing of points, coupons, packages or referrals: the areas that do
register a function here (points earned, coupons and package uses used, a referrer
rewarded; points taken back, coupons and package uses restored by a refund; packages
pinned when a sale is parked) and their tenders and price rules. Each runs inside
the paying or refunding transaction and raises a ``SalonError`` to refuse it.
``load_checkout_plugins`` imports those areas once, before a cart is priced or paid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from salon_tui.data.models import Refund, Sale, SaleLine
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.domain.actor import Actor


@dataclass(frozen=True)
class SalePaid:
    sale: StoredSale  # status paid, number and totals fixed
    lines: Sequence[StoredLine]  # net amounts fixed
    business_day: date


@dataclass(frozen=True)
class SaleRefunded:
    sale: Sale
    refund: Refund
    # (line, units returned, amount given back for them)
    lines: Sequence[tuple[SaleLine, int, int]]
    sale_fully_refunded: bool


# A sale set aside (parked): what its lines were priced with can be pinned, so that a
# change meanwhile is caught at pay.
SALE_PARKED: list[Callable[[Session, Actor, Sale, Sequence[SaleLine]], None]] = []
SALE_PAID: list[Callable[[Session, Actor, SalePaid], None]] = []
SALE_REFUNDED: list[Callable[[Session, Actor, SaleRefunded], None]] = []

# Modules that register tenders, price rules and the hooks above when imported.
PLUGIN_MODULES: list[str] = [
    "salon_tui.services.loyalty_checkout",
    "salon_tui.services.member_upgrades",
    "salon_tui.services.package_checkout",
    "salon_tui.services.checkout_safety",
]
_loaded = False


def load_checkout_plugins() -> None:
    """Import every area that plugs into checkout (once per process)."""
    global _loaded
    if _loaded:
        return
    import importlib

    for name in PLUGIN_MODULES:
        importlib.import_module(name)
    _loaded = True
