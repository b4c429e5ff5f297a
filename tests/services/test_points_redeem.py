"""Points spent outside a sale: into stored value (as bonus, at the shop's rate), and on
the points catalogue's rewards (a product from stock, a coupon for a free service)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, Coupon, StockMovement, StoredValueEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.services import (
    coupons,
    database,
    inventory,
    members,
    points,
    points_redeem,
    stored_value,
)
from salon_tui.services.liabilities import liabilities_at
from tests.services.catalog_helpers import make_product, make_service


@pytest.fixture
def desk(make_actor: Callable[..., Actor], clock: object) -> Actor:
    return make_actor(Role.FRONT_DESK, "Nina Desk")


@pytest.fixture
def member_id(uow: UnitOfWork, owner: Actor, clock: object) -> int:
    member = members.add_member(uow, owner, name="李莉").id
    points.adjust(uow, owner, member, 2_000, "welcome points")
    return member


def test_points_become_stored_value_bonus_at_the_shops_rate(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int
) -> None:
    points.set_rules(uow, owner, value_per_100_cents=150)  # 100 points are worth ¥1.50
    done = points_redeem.convert_to_stored_value(uow, desk, member_id, 1_000, key="k1")
    assert (done.points, done.bonus_cents, done.points_left) == (1_000, 1_500, 1_000)
    again = points_redeem.convert_to_stored_value(uow, desk, member_id, 1_000, key="k1")
    assert again == done  # the same key converts once
    balance = stored_value.get_balance(uow, desk, member_id)
    assert (balance.principal_cents, balance.bonus_cents) == (0, 1_500)
    assert points.get_balance(uow, desk, member_id).points == 1_000
    with uow.read() as session:
        (entry,) = session.exec(
            select(StoredValueEntry).where(col(StoredValueEntry.kind) == "points")
        ).all()
        assert session.exec(
            select(AuditEntry).where(col(AuditEntry.action) == "points.to_stored_value")
        ).one()
    assert (entry.principal_cents, entry.bonus_cents) == (0, 1_500)
    assert all(result.ok for result in database.check(uow))


def test_only_the_points_that_make_whole_fen_are_taken(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int
) -> None:
    points.set_rules(uow, owner, value_per_100_cents=30)  # 10 points are worth 3 fen
    done = points_redeem.convert_to_stored_value(uow, desk, member_id, 105)
    assert (done.points, done.bonus_cents) == (104, 31)  # 105 points: 31.5 fen → 31
    with pytest.raises(ValidationError, match="worth less than"):
        points_redeem.convert_to_stored_value(uow, desk, member_id, 3)


def test_converting_more_points_than_held_or_none_changes_nothing(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, make_actor
) -> None:
    with pytest.raises(Conflict, match="Not enough points: 2000 held"):
        points_redeem.convert_to_stored_value(uow, desk, member_id, 2_001)
    with pytest.raises(ValidationError, match="above zero"):
        points_redeem.convert_to_stored_value(uow, desk, member_id, 0)
    with pytest.raises(PermissionDenied):
        points_redeem.convert_to_stored_value(uow, make_actor(Role.STYLIST, "Tony"), member_id, 100)
    assert points.get_balance(uow, desk, member_id).points == 2_000
    assert stored_value.get_balance(uow, desk, member_id).total_cents == 0


def test_converted_points_leave_the_points_and_join_the_bonus_owed(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int
) -> None:
    points_redeem.convert_to_stored_value(uow, desk, member_id, 1_000)
    found = {line.key: line for line in liabilities_at(uow, owner, date(2026, 11, 22))}
    assert found["points"].outstanding_cents == 1_000  # 1,000 points left at ¥1 per 100
    assert found["points"].redeemed_cents == 1_000
    assert found["stored_value_bonus"].issued_cents == 1_000
    assert found["stored_value_bonus"].outstanding_cents == 1_000


@pytest.fixture
def catalogue(uow: UnitOfWork, owner: Actor) -> dict[str, int]:
    oil = make_product(uow, owner, "OIL1", barcode="", name="护发精油 50ml", price=9_800)
    inventory.receive(uow, owner, oil.id, 2)
    make_service(uow, owner, "W01", name="洗吹", price=5_800)
    wash = coupons.add_template(
        uow, owner, name="免费洗吹", kind="free_item", scope="services",
        scope_items=["W01"], valid_days=60,
    )  # fmt: skip
    points_redeem.set_reward(uow, owner, "product", "OIL1", 800)
    points_redeem.set_reward(uow, owner, "coupon", "免费洗吹", 500)
    return {"oil": oil.id, "wash": wash.id}


def test_the_catalogue_lists_rewards_cheapest_first(
    uow: UnitOfWork, owner: Actor, desk: Actor, catalogue
) -> None:
    listed = points_redeem.list_rewards(uow, desk)
    assert [(r.name, r.points, r.available) for r in listed] == [
        ("免费洗吹", 500, True),
        ("护发精油 50ml", 800, True),
    ]
    assert listed[1].detail == "2 in stock"
    points_redeem.set_reward(uow, owner, "product", "OIL1", 900)  # a new price, same reward
    assert [r.points for r in points_redeem.list_rewards(uow, desk)] == [500, 900]
    with pytest.raises(PermissionDenied):
        points_redeem.set_reward(uow, desk, "product", "OIL1", 100)
    with pytest.raises(NotFound):
        points_redeem.set_reward(uow, owner, "product", "NOPE", 100)
    points_redeem.remove_reward(uow, owner, "coupon", "免费洗吹")
    assert [r.name for r in points_redeem.list_rewards(uow, desk)] == ["护发精油 50ml"]


def test_a_product_reward_leaves_stock_for_the_member(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, catalogue
) -> None:
    done = points_redeem.redeem_reward(uow, desk, member_id, "product", "OIL1", key="r1")
    assert (done.points, done.points_left, done.on_hand_after) == (800, 1_200, 1)
    assert points_redeem.redeem_reward(uow, desk, member_id, "product", "OIL1", key="r1") == done
    with uow.read() as session:
        (movement,) = session.exec(
            select(StockMovement).where(
                col(StockMovement.product_id) == catalogue["oil"],
                col(StockMovement.kind) == "adjust",
            )
        ).all()
    assert (movement.quantity, movement.reason) == (-1, "gift")
    assert "李莉" in movement.note
    points_redeem.redeem_reward(uow, desk, member_id, "product", "OIL1")
    points.adjust(uow, owner, member_id, 1_000, "more")
    with pytest.raises(Conflict, match="Only 0 of 护发精油"):
        points_redeem.redeem_reward(uow, desk, member_id, "product", "OIL1")
    assert points.get_balance(uow, desk, member_id).points == 1_400  # nothing taken
    assert all(result.ok for result in database.check(uow))


def test_a_coupon_reward_gives_the_member_a_free_service_coupon(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, catalogue
) -> None:
    done = points_redeem.redeem_reward(uow, desk, member_id, "coupon", "免费洗吹")
    assert done.points_left == 1_500 and done.coupon_code
    with uow.read() as session:
        coupon = session.exec(select(Coupon).where(col(Coupon.code) == done.coupon_code)).one()
    assert (coupon.member_id, coupon.origin, coupon.state) == (member_id, "points", "available")


def test_a_reward_beyond_the_members_points_is_refused(
    uow: UnitOfWork, owner: Actor, desk: Actor, member_id: int, catalogue
) -> None:
    points.adjust(uow, owner, member_id, -1_600, "spent elsewhere")
    with pytest.raises(Conflict, match="costs 800 points; the member holds 400"):
        points_redeem.redeem_reward(uow, desk, member_id, "product", "OIL1")
    with pytest.raises(NotFound, match="not in the points catalogue"):
        points_redeem.redeem_reward(uow, desk, member_id, "product", "NOPE")
    assert points.get_balance(uow, desk, member_id).points == 400
