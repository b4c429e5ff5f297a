"""Finding what to put on a sale: the areas that own items register their finders.

The catalogue finds services and products by code, barcode, name or pinyin; the card
economy finds packages and gift cards. Checkout asks every finder in turn and shows
what they found. A typed "description amount" (洗吹 58) is an "other" line, so the
desk can always sell something the catalogue does not hold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.money import parse_amount
from salon_tui.domain.sales import DESCRIPTION_MAX, LineKind


@dataclass(frozen=True)
class ItemChoice:
    kind: LineKind
    item_id: int | None
    code: str
    description: str
    category: str
    unit_cents: int
    # Services: who usually does it for this member, if an area knows (and their name,
    # when it was found in the member's history).
    usual_staff_id: int | None = None
    usual_staff_name: str = ""


ItemFinder = Callable[[UnitOfWork, Actor, str, int | None], list[ItemChoice]]


def _catalogue(uow: UnitOfWork, actor: Actor, text: str, member_id: int | None) -> list[ItemChoice]:
    from salon_tui.services.sales_catalog_link import find_catalogue_items

    return find_catalogue_items(uow, actor, text, member_id)


# Called with (uow, actor, typed or scanned text, member id); best matches first.
ITEM_FINDERS: list[ItemFinder] = [_catalogue]

_MISC = re.compile(r"^(?P<description>.+?)\s+(?P<amount>[¥￥]?\d[\d,]*(?:\.\d{1,2})?)$")


def find_items(
    uow: UnitOfWork, actor: Actor, text: str, member_id: int | None = None, *, limit: int = 8
) -> list[ItemChoice]:
    """What the registered finders offer for ``text``, best first."""
    found: list[ItemChoice] = []
    for finder in ITEM_FINDERS:
        found.extend(finder(uow, actor, text, member_id))
        if len(found) >= limit:
            break
    return found[:limit]


def misc_item(text: str, currency: str) -> ItemChoice | None:
    """``洗吹 58`` or ``Hair clip 12.50`` as an "other" line, or None."""
    match = _MISC.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    try:
        amount = parse_amount(match["amount"], currency)
    except ValueError:
        return None
    description = match["description"].strip()[:DESCRIPTION_MAX]
    return ItemChoice(LineKind.OTHER, None, "", description, "", amount)
