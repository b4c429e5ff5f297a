"""The demo shop: believable data for trying the program and for benchmarks.

``build_demo`` runs each area's seeder in order inside the same database; the same
options (members, months, seed) and the same day give the same shop. Each area that
lands adds its seeder to ``SEEDERS`` and reads what earlier seeders left in the
``DemoContext``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import SYSTEM, Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.domain.permissions import Role
from salon_tui.services import audit
from salon_tui.services.demo_members import seed_members
from salon_tui.services.settings import ShopSettings, store_shop_settings, validate_shop_settings
from salon_tui.services.staff import create_staff
from salon_tui.services.stores import name_first_store


@dataclass(frozen=True)
class DemoStaff:
    key: str
    name: str
    role: Role
    pin: str
    note: str


# Shown in the README; `make demo` opens the login screen with these people.
DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("owner", "王芳", Role.OWNER, "8888", "owner 店主"),
    DemoStaff("manager", "陈静 Jing", Role.MANAGER, "6666", "manager 店长"),
    DemoStaff("desk", "李娜 Nina", Role.FRONT_DESK, "1234", "front desk 前台"),
    DemoStaff("tony", "Tony 张伟", Role.STYLIST, "1111", "director stylist 总监"),
    DemoStaff("kevin", "Kevin 刘洋", Role.STYLIST, "2222", "stylist 发型师"),
    DemoStaff("amy", "Amy 赵敏", Role.STYLIST, "3333", "nails and lashes 美甲美睫师"),
)

DEMO_SHOP = ShopSettings(
    name="丝语美发 Silk Hair Studio",
    address="上海市静安区南京西路1266号 · 1266 West Nanjing Rd, Shanghai",
    phone="021-6288 1234",
    currency="CNY",
    locale="zh_CN",
    timezone="Asia/Shanghai",
    country="CN",
    rounding_unit_minor=10,
    rounding_mode="down",
    receipt_footer="谢谢光临，欢迎再来！Thank you, see you soon!\n非正式发票 / Not an official invoice",
    idle_lock_minutes=5,
)


@dataclass(frozen=True)
class DemoOptions:
    members: int = 300
    months: int = 6
    seed: int = 2026


@dataclass
class DemoContext:
    """What the seeders share: options, one random stream, and what earlier ones made."""

    options: DemoOptions
    rng: random.Random
    today: date
    owner: Actor = SYSTEM
    staff_ids: dict[str, int] = field(default_factory=dict)
    made: dict[str, Any] = field(default_factory=dict)


Progress = Callable[[str], None]
Seeder = Callable[[UnitOfWork, DemoContext], dict[str, int]]


def seed_shop_and_staff(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    settings = validate_shop_settings(DEMO_SHOP)
    with uow.transaction() as session:
        store_shop_settings(session, settings)
        name_first_store(session, settings.name, settings.address, settings.phone)
        audit.record(session, SYSTEM, "shop.init", "shop", "shop", after={"demo": True})
        for person in DEMO_STAFF:
            staff = create_staff(session, SYSTEM, person.name, person.role, person.pin)
            assert staff.id is not None
            context.staff_ids[person.key] = staff.id
    owner = DEMO_STAFF[0]
    context.owner = Actor(context.staff_ids[owner.key], owner.name, owner.role)
    # The demo's "today" happens when it is built, often at night: the opening-hours
    # rule waits until the shop is set up (the alerts seeder turns it on), so a build at
    # 1 am does not flag the day's desk money as done outside opening hours.
    from salon_tui.services import alerts

    alerts.update_rules(uow, context.owner, outside_hours=False)
    return {"staff": len(DEMO_STAFF)}


def seed_printer(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    """The demo till prints to the file printer in SALON_HOME/printer-out (a machine that
    already has a printer keeps it), and prints its bilingual test page there."""
    from dataclasses import replace

    from salon_tui import config as machine
    from salon_tui import paths
    from salon_tui.services import printing

    current = machine.load_config()
    if not current.printer.enabled:
        folder = paths.data_dir() / "printer-out"
        printer = replace(current.printer, connection="folder", folder=str(folder), columns=48)
        machine.save_config(replace(current, printer=printer))
    printer = machine.load_config().printer
    printing.enqueue_test_page(uow, context.owner, DEMO_SHOP.name, DEMO_SHOP.timezone)
    sent = printing.send_pending(uow, printer)
    return {"print jobs": len(sent)}


# (what it makes, seeder) in the order they run.
def seed_catalogue(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_catalog import seed_catalogue as seed

    return seed(uow, context)


def _seed_prepaid(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_prepaid import seed_prepaid

    return seed_prepaid(uow, context)


def _seed_ratings(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_ratings import seed_ratings

    return seed_ratings(uow, context)


def _seed_alerts(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_alerts import seed_alerts

    return seed_alerts(uow, context)


def _seed_sales(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_sales import seed_sales

    return seed_sales(uow, context)


def _seed_loyalty(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_loyalty import seed_loyalty

    return seed_loyalty(uow, context)


def _seed_bookings(uow: UnitOfWork, context: DemoContext) -> dict[str, int]:
    from salon_tui.services.demo_bookings import seed_bookings

    return seed_bookings(uow, context)


SEEDERS: list[tuple[str, Seeder]] = [
    ("shop and staff", seed_shop_and_staff),
    ("menu, products and stock", seed_catalogue),
    ("members", seed_members),
    ("printer", seed_printer),
    ("sales", _seed_sales),
    ("points, coupons and gift cards", _seed_loyalty),
    ("bookings, shifts and walk-ins", _seed_bookings),
    ("stored value and packages", _seed_prepaid),
    ("ratings", _seed_ratings),
    ("alerts", _seed_alerts),
]


@dataclass(frozen=True)
class DemoSummary:
    counts: dict[str, int]


def build_demo(
    uow: UnitOfWork, options: DemoOptions, progress: Progress | None = None
) -> DemoSummary:
    """Fill an empty database with the demo shop; the caller checks it is empty."""
    context = DemoContext(
        options=options,
        rng=random.Random(options.seed),
        today=business_date(utc_now(), DEMO_SHOP.timezone),
    )
    counts: dict[str, int] = {}
    for label, seeder in SEEDERS:
        if progress is not None:
            progress(label)
        counts.update(seeder(uow, context))
    return DemoSummary(counts)
