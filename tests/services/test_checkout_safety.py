"""A service that needs a valid patch test warns at checkout when the client has none
(walk-ins have none on file), and the sale is paid only after the cashier confirms
going ahead, which is audited."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, Sale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict
from salon_tui.services import catalog, categories, checkout_safety, member_safety, members, sales
from salon_tui.services.checkout_safety import (
    EXPIRED,
    FAILED,
    NONE_ON_FILE,
    WALK_IN,
    cart_warnings,
    confirm_patch_tests,
)
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

COLOUR = 38_800
CUT = 12_800


def add_service(uow: UnitOfWork, owner: Actor, code: str, name: str, english: str,
                price: int, *, patch: bool) -> int:  # fmt: skip
    if "烫染" not in {c.name for c in categories.list_categories(uow, include_inactive=True)}:
        categories.add_category(uow, owner, "烫染", "Colour")
    return catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code=code,
            name=name,
            name_en=english,
            category="烫染",
            price_cents=price,
            duration_min=60,
            needs_patch_test=patch,
        ),
    ).id


@pytest.fixture
def shop(uow: UnitOfWork, owner: Actor, clock: object) -> dict[str, int]:
    return {
        "colour": add_service(uow, owner, "D01", "染发", "Colour", COLOUR, patch=True),
        "lash": add_service(uow, owner, "L01", "嫁接睫毛", "Lash extensions", 29_800, patch=True),
        "cut": add_service(uow, owner, "C01", "精剪", "Cut", CUT, patch=False),
        "member": members.add_member(uow, owner, name="周洁").id,
    }


def cart(uow: UnitOfWork, owner: Actor, shop: dict[str, int], member_id: int | None,
         *services: str) -> int:  # fmt: skip
    sale_id = sales.open_sale(uow, owner, member_id=member_id).sale_id
    names = {"colour": ("染发", COLOUR), "lash": ("嫁接睫毛", 29_800), "cut": ("精剪", CUT)}
    for service in services:
        description, price = names[service]
        sales.add_line(uow, owner, sale_id, kind="service", description=description,
                       unit_cents=price, item_id=shop[service],
                       staff=[StaffShare(owner.staff_id or 0)])  # fmt: skip
    return sale_id


def pay(uow: UnitOfWork, owner: Actor, sale_id: int) -> None:
    total = sales.get_cart(uow, owner, sale_id).total_cents
    pay_sale(uow, owner, sale_id, [PaymentIn("bank_card", total)], print_receipt=False)


def overrides(uow: UnitOfWork, sale_id: int) -> list[dict[str, object]]:
    with uow.read() as session:
        return [
            json.loads(after)
            for after in session.exec(
                select(AuditEntry.after).where(
                    col(AuditEntry.action) == "sale.patch_test_override",
                    col(AuditEntry.entity_id) == str(sale_id),
                )
            )
        ]


def test_a_member_without_a_patch_test_is_warned_and_pay_waits_for_a_confirmation(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sale_id = cart(uow, owner, shop, shop["member"], "colour", "cut")
    (warning,) = cart_warnings(uow, owner, sale_id)
    assert (warning.service, warning.category, warning.reason, warning.confirmed) == (
        "染发", "colour", NONE_ON_FILE, False)  # fmt: skip
    assert warning.text() == "染发 needs a valid patch test: no colour patch test on file"
    with pytest.raises(Conflict, match="needs a valid patch test"):
        pay(uow, owner, sale_id)
    with uow.read() as session:
        assert session.get(Sale, sale_id).status == "open"  # nothing was charged
    (confirmed,) = confirm_patch_tests(uow, owner, sale_id, "client signed the waiver")
    assert confirmed.confirmed
    pay(uow, owner, sale_id)
    with uow.read() as session:
        assert session.get(Sale, sale_id).status == "paid"
    (audited,) = overrides(uow, sale_id)
    assert audited["member_id"] == shop["member"]
    assert audited["services"] == ["染发"]
    assert audited["reasons"] == ["colour:none"]
    assert audited["note"] == "client signed the waiver"


def test_a_valid_patch_test_means_no_warning_and_a_failed_or_old_one_warns(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    member = shop["member"]
    member_safety.add_patch_test(uow, owner, member, "2026-11-01", "欧莱雅", "pass")
    sale_id = cart(uow, owner, shop, member, "colour", "lash")
    (lash,) = cart_warnings(uow, owner, sale_id)  # the colour test covers colour only
    assert (lash.service, lash.category, lash.reason) == ("嫁接睫毛", "lash", NONE_ON_FILE)
    member_safety.add_patch_test(uow, owner, member, "2026-05-01", "睫毛胶", "pass", "lash")
    (lash,) = cart_warnings(uow, owner, sale_id)  # 180 days: valid until 2026-10-28
    assert (lash.reason, str(lash.valid_until)) == (EXPIRED, "2026-10-28")
    assert lash.text().endswith("the lash patch test expired on 2026-10-28")
    member_safety.add_patch_test(uow, owner, member, "2026-11-20", "睫毛胶", "fail", "lash")
    (lash,) = cart_warnings(uow, owner, sale_id)
    assert (lash.reason, str(lash.last_tested_on)) == (FAILED, "2026-11-20")
    member_safety.add_patch_test(uow, owner, member, "2026-11-21", "睫毛胶", "pass", "lash")
    assert cart_warnings(uow, owner, sale_id) == ()
    pay(uow, owner, sale_id)
    assert overrides(uow, sale_id) == []


def test_a_walk_in_is_warned_that_no_patch_test_is_on_file(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sale_id = cart(uow, owner, shop, None, "colour")
    (warning,) = cart_warnings(uow, owner, sale_id)
    assert warning.reason == WALK_IN
    assert warning.text() == "染发 needs a valid patch test: walk-in: no patch test on file"
    confirm_patch_tests(uow, owner, sale_id)
    pay(uow, owner, sale_id)


def test_a_line_or_a_member_changed_after_the_confirmation_warns_again(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sale_id = cart(uow, owner, shop, None, "colour")
    confirm_patch_tests(uow, owner, sale_id)
    sales.add_line(uow, owner, sale_id, kind="service", description="嫁接睫毛",
                   unit_cents=29_800, item_id=shop["lash"],
                   staff=[StaffShare(owner.staff_id or 0)])  # fmt: skip
    waiting = [w.service for w in cart_warnings(uow, owner, sale_id) if not w.confirmed]
    assert waiting == ["嫁接睫毛"]
    confirm_patch_tests(uow, owner, sale_id)
    sales.set_member(uow, owner, sale_id, shop["member"])  # the walk-in turns out a member
    assert [w.confirmed for w in cart_warnings(uow, owner, sale_id)] == [False, False]
    with pytest.raises(Conflict, match="patch test"):
        pay(uow, owner, sale_id)
    confirm_patch_tests(uow, owner, sale_id)
    pay(uow, owner, sale_id)
    assert len(overrides(uow, sale_id)) == 3


def test_a_sale_without_such_services_pays_as_before(
    uow: UnitOfWork, owner: Actor, shop: dict[str, int]
) -> None:
    sale_id = cart(uow, owner, shop, None, "cut")
    assert cart_warnings(uow, owner, sale_id) == ()
    assert confirm_patch_tests(uow, owner, sale_id) == ()
    pay(uow, owner, sale_id)
    assert overrides(uow, sale_id) == []
    assert checkout_safety.OVERRIDE_ACTION == "sale.patch_test_override"
