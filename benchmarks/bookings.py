"""Bookings: the free-slot finder and the day grid on a busy day.

A fresh shop with 10 stylists on shift 10:00–21:00 (lunch breaks) and 80 bookings on one
day. Figures: the finder as the desk calls it (``bookings.find_slots``: reads the day,
places a two-service sequence with any stylist, the next 5 free starts), loading the day
(``bookings.day_view``) and drawing the grid at 120×36 (``render_grid``). The floor is a
raw sqlite3 query of the same day's bookings and their lines. Targets: finder ≤ 20 ms,
grid ≤ 50 ms.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

from benchmarks.harness import Figure

RUNS = 50
DAY = date(2026, 12, 1)
ZONE = ZoneInfo("Asia/Shanghai")


def _shop(folder: Path) -> tuple[object, object, list[int], list[int]]:
    import os

    os.environ["SALON_HOME"] = str(folder)
    from salon_tui.data import schema
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services import bookings, catalog, categories, schedule, shop, staff

    uow = UnitOfWork(f"sqlite:///{folder / 'salon.db'}")
    schema.upgrade(uow, folder)
    made = shop.init_shop(uow, shop_name="Bench", owner_name="Owner", owner_pin="8888")
    owner = Actor(made.owner.id, made.owner.name, Role.OWNER)
    categories.add_category(uow, owner, "剪发", "Cuts")
    cut = catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="C01", name="精剪", category="剪发", price_cents=12_800, duration_min=45
        ),
    )
    colour = catalog.add_service(
        uow,
        owner,
        catalog.ServiceDraft(
            code="D01", name="染发", category="剪发", price_cents=38_800, duration_min=90
        ),
    )
    stylists = []
    for index in range(10):
        person = staff.add_staff(uow, owner, f"Stylist {index}", Role.STYLIST, "2468")
        schedule.set_shift(uow, owner, person.id, range(7), "10:00-21:00/13:00-14:00")
        stylists.append(person.id)
    booked = 0
    for slot in range(40):
        for stylist in stylists:
            if booked >= 80:
                break
            start = datetime.combine(DAY, datetime.min.time(), tzinfo=ZONE) + timedelta(
                hours=10, minutes=30 * ((slot * 7 + stylist) % 20)
            )
            try:
                bookings.book(
                    uow,
                    owner,
                    [bookings.LineRequest(cut.id, stylist)],
                    start,
                    client_name=f"客人 {booked}",
                )
                booked += 1
            except Exception:
                continue
    assert booked == 80, booked
    return uow, owner, [cut.id, colour.id], stylists


def figures() -> list[Figure]:
    from salon_tui.services import bookings
    from salon_tui.widgets.booking_grid import day_model, render_grid

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        uow, owner, service_ids, _stylists = _shop(folder)
        after = datetime.combine(DAY, datetime.min.time(), tzinfo=ZONE) + timedelta(hours=9)
        requests = [bookings.LineRequest(service_ids[1]), bookings.LineRequest(service_ids[0])]
        finder, loading, drawing, floor = [], [], [], []
        view = bookings.day_view(uow, owner, DAY)
        now = after + timedelta(hours=5)
        for _ in range(RUNS):
            started = time.perf_counter()
            slots = bookings.find_slots(uow, owner, requests, after=after, limit=5)
            finder.append(time.perf_counter() - started)
            started = time.perf_counter()
            view = bookings.day_view(uow, owner, DAY)
            loading.append(time.perf_counter() - started)
            started = time.perf_counter()
            render_grid(day_model(view), width=120, height=30, cursor=(3, 12), top=0, now=now)
            drawing.append(time.perf_counter() - started)
        assert slots, "the finder found nothing"
        connection = sqlite3.connect(folder / "salon.db")
        for _ in range(RUNS):
            started = time.perf_counter()
            connection.execute(
                "SELECT b.*, l.* FROM booking b JOIN booking_line l ON l.booking_id = b.id "
                "WHERE b.business_day = ? ORDER BY b.starts_at",
                (DAY.isoformat(),),
            ).fetchall()
            floor.append(time.perf_counter() - started)
        connection.close()
        uow.dispose()  # type: ignore[attr-defined]
    ms = 1000
    note = f"10 stylists, {len(view.bookings)} bookings"
    return [
        Figure(
            "bookings: find 5 free slots, 2 services, any stylist (median)",
            median(finder) * ms,
            median(floor) * ms,
            "ms",
            max_value=20,
            note=note,
        ),
        Figure(
            "bookings: load the day (day_view, median)",
            median(loading) * ms,
            median(floor) * ms,
            "ms",
        ),
        Figure(
            "bookings: draw the day grid 120×36 (median)",
            median(drawing) * ms,
            median(floor) * ms,
            "ms",
        ),
        Figure(
            "bookings: load + draw the day grid (median)",
            median(a + b for a, b in zip(loading, drawing, strict=True)) * ms,
            median(floor) * ms,
            "ms",
            max_value=50,
        ),
    ]
