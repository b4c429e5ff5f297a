"""`staff`: credit by shares, requested share, tips and commission, worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.periods import Period
from salon_tui.domain.permissions import Role
from salon_tui.domain.tenders import PaymentIn
from salon_tui.errors import PermissionDenied
from salon_tui.services import commission, refunds, reports, sales, staff
from salon_tui.services.sale_payment import pay_sale
from salon_tui.services.sales import StaffShare

D22 = date(2026, 11, 22)


def run(uow: UnitOfWork, actor: Actor, start: date, end: date):
    request = reports.ReportRequest(period=Period(start, end))
    return reports.run_report(uow, actor, "staff", request)


@pytest.fixture
def team(clock, uow: UnitOfWork, owner: Actor, make_actor) -> dict[str, Actor]:
    """Services pay 10 % commission. Tony (requested) and Amy share a 400 colour 60/40;
    Tony cuts 100 (rotation) and sells 2 × 50 shampoo; Amy gets a 20 tip. Next day the
    cut is refunded."""
    desk = make_actor(Role.FRONT_DESK, "Nina")
    tony = make_actor(Role.STYLIST, "Tony")
    amy = make_actor(Role.STYLIST, "Amy")
    commission.add_rule(uow, owner, name="services", method="percent", rate_bp=1_000,
                        line_kind="service")  # fmt: skip
    sale_id = sales.open_sale(uow, desk).sale_id
    shares = [StaffShare(tony.staff_id or 0, 6_000, True), StaffShare(amy.staff_id or 0, 4_000)]
    sales.add_line(uow, desk, sale_id, kind="service", description="Colour", unit_cents=40_000,
                   category="colour", staff=shares)  # fmt: skip
    sales.set_tip(uow, desk, sale_id, amy.staff_id or 0, 2_000)
    pay_sale(uow, desk, sale_id, [PaymentIn("bank_card", 42_000)])
    sale_id = sales.open_sale(uow, desk).sale_id
    cart = sales.add_line(uow, desk, sale_id, kind="service", description="Cut",
                          unit_cents=10_000, category="hair",
                          staff=[StaffShare(tony.staff_id or 0)])  # fmt: skip
    cut = cart.lines[0].id
    sales.add_line(uow, desk, sale_id, kind="product", description="Shampoo", unit_cents=5_000,
                   qty=2, category="retail", staff=[StaffShare(tony.staff_id or 0)])  # fmt: skip
    pay_sale(uow, desk, sale_id, [PaymentIn("wechat", 20_000, reference="42")])
    clock.shift(timedelta(days=1))
    refunds.refund_sale(uow, owner, sale_id, key="r", reason="unhappy", lines={cut: 1})
    return {"owner": owner, "tony": tony, "amy": amy, "desk": desk}


def test_each_persons_credit_tips_and_commission(uow: UnitOfWork, team) -> None:
    section, _cards = run(uow, team["owner"], D22, D22 + timedelta(days=1)).sections
    by_name = {row["name"]: row for row in section.rows}
    assert by_name["Tony"] == {
        "name": "Tony",
        "role": "Stylist",
        "services": 2,
        "service_revenue": 24_000 + 10_000,
        "products": 2,
        "product_revenue": 10_000,
        "requested": 24_000 * 10_000 // 44_000,
        "tips": 0,
        "commission": 2_400 + 1_000 - 1_000,  # the refund reversed the cut's commission
        "rating": None,  # nobody rated Tony
        "ratings": 0,
    }
    assert by_name["Amy"] == {
        "name": "Amy",
        "role": "Stylist",
        "services": 1,
        "service_revenue": 16_000,
        "products": 0,
        "product_revenue": 0,
        "requested": 0,
        "tips": 2_000,
        "commission": 1_600,
        "rating": None,
        "ratings": 0,
    }
    assert [row["name"] for row in section.rows] == ["Tony", "Amy"]


def test_the_refund_day_alone_shows_the_reversal(uow: UnitOfWork, team) -> None:
    section, _cards = run(
        uow, team["owner"], D22 + timedelta(days=1), D22 + timedelta(days=1)
    ).sections
    assert [(row["name"], row["services"], row["commission"]) for row in section.rows] == [
        ("Tony", 0, -1_000)
    ]


def test_someone_who_left_keeps_their_row(uow: UnitOfWork, team) -> None:
    staff.set_active(uow, team["owner"], team["amy"].staff_id or 0, False)
    section, _cards = run(uow, team["owner"], D22, D22).sections
    assert "Amy (left)" in [row["name"] for row in section.rows]


def test_stylists_cannot_read_everyones_figures(uow: UnitOfWork, team) -> None:
    with pytest.raises(PermissionDenied):
        run(uow, team["tony"], D22, D22)


def test_cards_sold_and_time_booked_per_person(clock, uow: UnitOfWork, owner: Actor) -> None:
    """Nina tops up 1,000 and 500 (the 500 is undone by the manager: taken back from Nina,
    not the manager) and sells a 680 package; Tony works 10:00-19:00 with an hour's lunch
    (480 minutes) and has a 45-minute cut booked, Kevin a cancelled one."""
    from salon_tui.services import bookings, members, packages, stored_value
    from salon_tui.services.bookings import LineRequest
    from tests.services.booking_helpers import at, make_shop

    shop = make_shop(uow, owner)
    manager_pin = staff.add_staff(uow, owner, "Jing", Role.MANAGER, "2468")
    manager = Actor(manager_pin.id, manager_pin.name, manager_pin.role)
    member = members.add_member(uow, owner, name="Li Wei", phone="13800138000")
    stored_value.top_up(uow, shop.desk, member.id, 100_000, "wechat", reference="wx1")
    mistake = stored_value.top_up(uow, shop.desk, member.id, 50_000, "wechat", reference="wx2")
    stored_value.undo_top_up(uow, manager, mistake.entry_id, "typed twice")
    packages.add_template(uow, owner, "剪发5次", 68_000, 180, [("C01", 5)])
    packages.sell_package(uow, shop.desk, member.id, "剪发5次", "wechat", reference="wx3")
    bookings.book(uow, owner, [LineRequest(shop.cut, shop.tony.staff_id)],
                  at("2026-11-22", "15:00"), client_name="张三")  # fmt: skip
    kept = bookings.book(uow, owner, [LineRequest(shop.cut, shop.kevin.staff_id)],
                         at("2026-11-22", "16:00"), client_name="李四")  # fmt: skip
    from salon_tui.services import booking_status

    booking_status.cancel(uow, owner, kept.id, reason="ill")

    result = run(uow, owner, D22, D22)
    cards = {row["name"]: row for row in result.sections[1].rows}
    assert cards["Nina"] == {
        "name": "Nina",
        "role": "Front desk",
        "top_ups": 1,
        "top_up_amount": 100_000,
        "packages": 1,
        "package_amount": 68_000,
        "booked_minutes": 0,
        "shift_minutes": 0,
        "utilisation": None,
    }
    assert (cards["Tony"]["booked_minutes"], cards["Tony"]["shift_minutes"]) == (45, 480)
    assert cards["Tony"]["utilisation"] == 45 * 10_000 // 480 + 1  # 9.375 % rounds to 9.38 %
    assert (cards["Kevin"]["booked_minutes"], cards["Kevin"]["utilisation"]) == (0, 0)
    assert "Jing" not in cards  # undoing a top-up is no sale
    assert result.sections[1].rows[0]["name"] == "Nina"  # the most sold first
