"""Ratings: 1–5 stars per stylist of a paid sale, withdrawn (never edited) by a manager."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import time_machine

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import (
    checkout_settings,
    drawer,
    member_timeline,
    members,
    ratings,
    reports,
    sales,
)
from salon_tui.services.reports import ReportRequest
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

TODAY = Period(date(2026, 11, 22), date(2026, 11, 22))


@pytest.fixture
def desk(make_actor: Callable[..., Actor], clock: time_machine.Coordinates) -> Actor:
    return make_actor(Role.FRONT_DESK, "Nina")


@pytest.fixture
def tony(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.STYLIST, "Tony")


@pytest.fixture
def amy(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.STYLIST, "Amy")


@pytest.fixture
def manager(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor(Role.MANAGER, "Lily")


@pytest.fixture
def paid(uow: UnitOfWork, owner: Actor, desk: Actor, tony: Actor, amy: Actor) -> tuple[int, int]:
    """A member's paid sale: a cut by Tony, nails by Amy. (sale id, member id)"""
    drawer.open_drawer(uow, owner, 50_000)
    member = members.add_member(uow, desk, name="张三", phone="13800138000")
    cart = sales.open_sale(uow, desk, member_id=member.id)
    for who, what in ((tony, "Cut 剪发"), (amy, "Gel nails 美甲")):
        cart = sales.add_line(
            uow, desk, cart.sale_id, kind="service", description=what, unit_cents=12_800,
            category="hair", staff=[StaffShare(who.staff_id or 0)],
        )  # fmt: skip
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", cart.total_cents)])
    return cart.sale_id, member.id


def test_each_stylist_of_the_sale_is_rated_once_and_shows_in_the_staff_report(
    uow: UnitOfWork, desk: Actor, tony: Actor, amy: Actor, manager: Actor, paid: tuple[int, int]
) -> None:
    sale_id, member_id = paid
    targets = ratings.rating_targets(uow, desk, sale_id)
    assert [(t.staff_name, t.stars) for t in targets] == [("Tony", None), ("Amy", None)]
    view = ratings.rate(uow, desk, sale_id, tony.staff_id or 0, 5, "  剪得很好 ")
    assert (view.stars, view.comment, view.star_text) == (5, "剪得很好", "★★★★★")
    ratings.rate(uow, desk, sale_id, amy.staff_id or 0, 3)
    assert [t.stars for t in ratings.rating_targets(uow, desk, sale_id)] == [5, 3]
    with pytest.raises(Conflict, match="already rated ★★★★★"):
        ratings.rate(uow, desk, sale_id, tony.staff_id or 0, 1)
    report = reports.run_report(uow, manager, "staff", ReportRequest(period=TODAY))
    rows = {row["name"]: row for row in report.sections[0].rows}
    assert (rows["Tony"]["rating"], rows["Tony"]["ratings"]) == (5.0, 1)
    assert (rows["Amy"]["rating"], rows["Amy"]["ratings"]) == (3.0, 1)
    events = member_timeline.member_timeline(uow, manager, member_id)
    assert any(e.kind == "rating" and e.text == "Rated Tony ★★★★★ · 剪得很好" for e in events)


def test_bad_ratings_are_refused_and_change_nothing(
    uow: UnitOfWork, desk: Actor, manager: Actor, paid: tuple[int, int]
) -> None:
    sale_id, _member = paid
    tony_id = ratings.rating_targets(uow, desk, sale_id)[0].staff_id
    for stars in (0, 6, True):
        with pytest.raises(ValidationError, match="1 to 5 stars"):
            ratings.rate(uow, desk, sale_id, tony_id, stars)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="too long"):
        ratings.rate(uow, desk, sale_id, tony_id, 4, "好" * 201)
    with pytest.raises(ValidationError, match="worked on this sale"):
        ratings.rate(uow, desk, sale_id, manager.staff_id or 0, 4)
    open_cart = sales.open_sale(uow, desk)
    with pytest.raises(Conflict, match="Only a paid sale"):
        ratings.rate(uow, desk, open_cart.sale_id, tony_id, 4)
    assert ratings.list_ratings(uow, manager, include_withdrawn=True) == []


def test_a_manager_withdraws_a_mistaken_rating_and_the_client_rates_again(
    uow: UnitOfWork, desk: Actor, tony: Actor, manager: Actor, paid: tuple[int, int]
) -> None:
    sale_id, _member = paid
    wrong = ratings.rate(uow, desk, sale_id, tony.staff_id or 0, 1)
    with pytest.raises(PermissionDenied):
        ratings.withdraw(uow, desk, wrong.id, "pressed 1 for 5")
    with pytest.raises(ValidationError):
        ratings.withdraw(uow, manager, wrong.id, " ")
    done = ratings.withdraw(uow, manager, wrong.id, "pressed 1 for 5")
    assert (done.withdrawn, done.withdraw_reason) == (True, "pressed 1 for 5")
    with pytest.raises(Conflict, match="already withdrawn"):
        ratings.withdraw(uow, manager, wrong.id, "again")
    ratings.rate(uow, desk, sale_id, tony.staff_id or 0, 5)
    standing = ratings.list_ratings(uow, manager)
    assert [r.stars for r in standing] == [5]
    assert len(ratings.list_ratings(uow, manager, include_withdrawn=True)) == 2


def test_a_stylist_sees_only_their_own_ratings(
    uow: UnitOfWork, desk: Actor, tony: Actor, amy: Actor, paid: tuple[int, int]
) -> None:
    sale_id, _member = paid
    ratings.rate(uow, desk, sale_id, tony.staff_id or 0, 4)
    ratings.rate(uow, desk, sale_id, amy.staff_id or 0, 5)
    assert [r.staff_name for r in ratings.list_ratings(uow, amy)] == ["Amy"]
    assert [r.staff_name for r in ratings.list_ratings(uow, amy, staff_id=tony.staff_id)] == ["Amy"]


def test_checkout_settings_hold_the_discount_limit_and_the_rating_question(
    uow: UnitOfWork, owner: Actor, desk: Actor, manager: Actor
) -> None:
    assert checkout_settings.get_checkout_settings(uow) == checkout_settings.CheckoutSettings()
    with pytest.raises(PermissionDenied):
        checkout_settings.update_checkout_settings(uow, desk, ask_rating=True)
    with pytest.raises(ValidationError):
        checkout_settings.update_checkout_settings(uow, manager, discount_limit_bp=10_001)
    changed = checkout_settings.update_checkout_settings(
        uow, manager, discount_limit_bp=1_500, ask_rating=True
    )
    assert (changed.discount_limit_bp, changed.ask_rating) == (1_500, True)
    with uow.read() as session:
        assert sales.discount_limit_bp(session) == 1_500


def _birthday_sale(uow: UnitOfWork, desk: Actor, tony: Actor, member_id: int) -> sales.CartView:
    cart = sales.open_sale(uow, desk, member_id=member_id)
    sales.add_line(uow, desk, cart.sale_id, kind="service", description="Cut 剪发",
                   unit_cents=20_000, category="hair",
                   staff=[StaffShare(tony.staff_id or 0)])  # fmt: skip
    return sales.add_line(uow, desk, cart.sale_id, kind="product", description="Hair oil",
                          unit_cents=10_000)  # fmt: skip


def test_a_birthday_discount_applies_in_the_window_once_and_on_the_chosen_lines(
    uow: UnitOfWork, owner: Actor, desk: Actor, tony: Actor, manager: Actor
) -> None:
    drawer.open_drawer(uow, owner, 50_000)
    # The frozen clock says 22 November 2026.
    born = members.add_member(uow, desk, name="生日客", birthday="1990-11-25").id
    other = members.add_member(uow, desk, name="普通客", birthday="1990-06-01").id
    assert _birthday_sale(uow, desk, tony, born).total_cents == 30_000  # off by default
    checkout_settings.update_checkout_settings(
        uow, manager, birthday_discount_bp=2_000, birthday_window="week"
    )
    cart = _birthday_sale(uow, desk, tony, born)
    assert cart.total_cents == 16_000 + 10_000  # services only: 20 % off the cut
    (adjustment,) = cart.lines[0].adjustments
    assert (adjustment.source, adjustment.explanation) == ("birthday", "Birthday: 20 % off")
    assert _birthday_sale(uow, desk, tony, other).total_cents == 30_000
    pay_sale(uow, desk, cart.sale_id, [PaymentIn("cash", cart.total_cents)])
    assert _birthday_sale(uow, desk, tony, born).total_cents == 30_000  # once per birthday
    checkout_settings.update_checkout_settings(
        uow, manager, birthday_once=False, birthday_scope="all"
    )
    assert _birthday_sale(uow, desk, tony, born).total_cents == 16_000 + 8_000
    for bad in (
        {"birthday_discount_bp": 10_001},
        {"birthday_window": "year"},
        {"birthday_scope": "products"},
    ):
        with pytest.raises(ValidationError):
            checkout_settings.update_checkout_settings(uow, manager, **bad)
