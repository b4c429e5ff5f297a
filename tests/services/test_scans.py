"""What a scanned code names: a member card, a product barcode, or nothing."""

from __future__ import annotations

from collections.abc import Callable

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import cards, members, products, scans


def test_a_member_card_scan_names_the_member(uow: UnitOfWork, owner: Actor) -> None:
    member = members.add_member(uow, owner, name="张小姐")
    card = cards.issue_card(uow, owner, member.id)
    match = scans.identify(uow, owner, card.number)
    assert match is not None
    assert (match.kind, match.entity_id, match.title) == ("member", member.id, "张小姐")
    assert card.number in match.detail


def test_a_product_barcode_scan_names_the_product_with_price_and_stock(
    uow: UnitOfWork, owner: Actor
) -> None:
    product = products.add_product(
        uow,
        owner,
        products.ProductDraft(
            sku="CD250", name="护发素 250ml", retail_price_cents=6_800, barcode="6901234567892"
        ),
    )
    match = scans.identify(uow, owner, "6901234567892\n")
    assert match is not None
    assert (match.kind, match.entity_id, match.title) == ("product", product.id, "护发素 250ml")
    assert "68.00" in match.detail and "0 in stock" in match.detail


def test_an_unknown_code_names_nothing(
    uow: UnitOfWork, owner: Actor, make_actor: Callable[..., Actor]
) -> None:
    assert scans.identify(uow, owner, "GC-2026:Xq7}Lp{9") is None
    assert scans.identify(uow, owner, "   ") is None
    assert scans.identify(uow, make_actor(Role.STYLIST), "01\x1d06901234567892") is None
