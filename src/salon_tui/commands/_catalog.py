"""What the catalogue and stock commands share: money in the shop's currency, NAME=VALUE
pairs, and finding a product or service from what was typed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from salon_tui.commands._common import UsageProblem
from salon_tui.i18n import _

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork


def shop_currency(uow: UnitOfWork) -> tuple[str, str]:
    from salon_tui.i18n import current_locale
    from salon_tui.services import settings

    return settings.get_shop_settings(uow).currency, current_locale()


def parse_money(text: str | None, currency: str, option: str) -> int | None:
    if text is None:
        return None
    from salon_tui.domain.money import parse_amount

    try:
        return parse_amount(text, currency)
    except ValueError as error:
        raise UsageProblem(f"{option}: {error}") from None


def money(uow: UnitOfWork, amount_minor: int) -> str:
    from salon_tui.domain.money import format_money

    currency, locale = shop_currency(uow)
    return format_money(amount_minor, currency, locale)


def parse_pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    """``["总监=688", "SH01=2"]`` → ``[("总监", "688"), ("SH01", "2")]``."""
    pairs = []
    for value in values:
        name, equals, rest = value.partition("=")
        if not equals or not name.strip() or not rest.strip():
            raise UsageProblem(
                _("{option} takes NAME=VALUE, got {value!r}.").format(option=option, value=value)
            )
        pairs.append((name.strip(), rest.strip()))
    return pairs


def parse_count(text: str, option: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageProblem(
            _("{option}: {value!r} is not a whole number.").format(option=option, value=text)
        ) from None


def product_id(uow: UnitOfWork, code: str) -> int:
    from salon_tui.services import products

    return products.find_product(uow, code).id


def order_id(text: str) -> int:
    cleaned = text.strip().upper().removeprefix("PO")
    if not cleaned.isdigit():
        raise UsageProblem(
            _("{value!r} is not an order number (PO00012 or 12).").format(value=text)
        )
    return int(cleaned)


def shop_clock(uow: Any, moment: Any) -> str:
    """A stored UTC moment as the shop's local date and time."""
    from salon_tui.domain.clock import shop_time
    from salon_tui.services import settings

    return shop_time(moment, settings.get_shop_settings(uow).timezone).strftime("%Y-%m-%d %H:%M")
