"""A shop with a booked day for the Bookings screen's tests and snapshots (Sunday
2026-11-22, the TUI clock's day): Tony and Jing on shift, a cut and a colour on the
menu, chairs and a basin, three bookings and a walk-in waiting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import (
    booking_queue,
    bookings,
    catalog,
    categories,
    database,
    member_safety,
    members,
    schedule,
    staff,
)
from tests.tui.conftest import PEOPLE

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(clock: str) -> datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return datetime(2026, 11, 22, hours, minutes, tzinfo=SHANGHAI)


@pytest.fixture
def booked_shop(shop_on_disk: Path) -> dict[str, Any]:
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    tony = staff.find_staff(uow, PEOPLE["stylist"][0]).id
    jing = staff.find_staff(uow, PEOPLE["manager"][0]).id
    categories.add_category(uow, owner, "剪发", "Cuts")
    cut = catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="C01",
            name="精剪",
            name_en="Precision cut",
            category="剪发",
            price_cents=12_800,
            duration_min=45,
            resources=["chair"],
        ),
    )
    colour = catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="D01",
            name="染发",
            name_en="Colour",
            category="剪发",
            price_cents=38_800,
            duration_min=90,
            resources=["chair", "basin"],
            needs_patch_test=True,
        ),
    )
    schedule.set_shift(uow, owner, tony, range(7), "10:00-20:00")
    schedule.set_shift(uow, owner, jing, range(7), "10:00-19:00/13:00-14:00")
    for name, kind in (("椅位 1", "chair"), ("椅位 2", "chair"), ("洗头床", "basin")):
        schedule.add_resource(uow, owner, name, kind)
    regular = members.add_member(uow, owner, name="王小美", phone="13900139000")
    member_safety.add_allergy(uow, owner, regular.id, "PPD", "rash", "moderate")
    bookings.book(
        uow,
        owner,
        [bookings.LineRequest(cut.id, tony)],
        at("10:30"),
        client_name="张三",
        phone="13800138000",
        note="剪短一点",
    )
    bookings.book(
        uow,
        owner,
        [bookings.LineRequest(colour.id, jing)],
        at("11:00"),
        client_name="Anna Smith",
        phone="13700137000",
        language="en",
    )
    bookings.book(
        uow,
        owner,
        [bookings.LineRequest(cut.id, tony)],
        at("13:00"),
        member_id=regular.id,
        deposit_cents=5_000,
        deposit_tender="wechat",
        deposit_reference="WX0001",
    )
    booking_queue.add_walk_in(uow, owner, cut.id, client_name="路人 刘先生")
    uow.dispose()
    return {"tony": tony, "jing": jing, "cut": cut.id, "colour": colour.id, "member": regular.id}
