"""A small shop for booking tests: two stylists on shift every day 10:00–19:00 with a
lunch break, a cut (45 min, chair) and a colour (90 min, chair + basin), two chairs and
one basin. The clock fixture stands at Sunday 2026-11-22 10:00 Shanghai."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import catalog, categories, schedule, staff

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, clock: str) -> datetime:
    hours, minutes = clock.split(":")
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=SHANGHAI).replace(
        hour=int(hours), minute=int(minutes)
    )


@dataclass(frozen=True)
class Shop:
    tony: Actor
    kevin: Actor
    desk: Actor
    cut: int
    colour: int


def make_shop(uow: UnitOfWork, owner: Actor) -> Shop:
    people = {}
    for name, role in (("Tony", Role.STYLIST), ("Kevin", Role.STYLIST), ("Nina", Role.FRONT_DESK)):
        added = staff.add_staff(uow, owner, name, role, "2468")
        people[name] = Actor(added.id, added.name, added.role)
    categories.add_category(uow, owner, "剪发", "Cuts")
    cut = catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="C01",
            name="精剪",
            name_en="Precision cut",
            category="剪发",
            price_cents=12800,
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
            price_cents=38800,
            duration_min=90,
            resources=["chair", "basin"],
            needs_patch_test=True,
        ),
    )
    for name in ("Tony", "Kevin"):
        schedule.set_shift(
            uow, owner, people[name].staff_id or 0, range(7), "10:00-19:00/13:00-14:00"
        )
    schedule.add_resource(uow, owner, "Chair 1", "chair")
    schedule.add_resource(uow, owner, "Chair 2", "chair")
    schedule.add_resource(uow, owner, "Basin", "basin")
    return Shop(people["Tony"], people["Kevin"], people["Nina"], cut.id, colour.id)
