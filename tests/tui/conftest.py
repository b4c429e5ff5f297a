"""Driving the Textual app: a shop on disk, a settle helper, a login helper."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from textual.pilot import Pilot
from textual.widgets import Input, OptionList
from textual.worker import WorkerCancelled

from salon_tui.app import SalonApp
from salon_tui.domain.permissions import Role
from salon_tui.services import database, shop, staff

SIZE = (120, 36)
# Textual's timers run on the monotonic clock, which time-machine leaves alone; the
# wall clock starts at 10:00 in Shanghai and ticks, so screens show a known time.
TUI_NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)

PEOPLE = {
    "owner": ("王芳", Role.OWNER, "8888"),
    "manager": ("陈静 Jing", Role.MANAGER, "6666"),
    "desk": ("李娜 Nina", Role.FRONT_DESK, "1234"),
    "stylist": ("Tony 张伟", Role.STYLIST, "1111"),
}


@pytest.fixture
def wall_clock() -> Iterator[None]:
    with time_machine.travel(TUI_NOW, tick=True):
        yield


@pytest.fixture
def shop_on_disk(salon_home: Path, wall_clock: None) -> Path:
    """A shop in SALON_HOME with one person of each role (see PEOPLE)."""
    uow = database.open_shop_database()
    result = shop.init_shop(
        uow,
        shop_name="丝语美发 Silk Hair",
        owner_name=PEOPLE["owner"][0],
        owner_pin=PEOPLE["owner"][2],
        locale="en",
    )
    from salon_tui.domain.actor import Actor

    owner = Actor(result.owner.id, result.owner.name, Role.OWNER)
    for key in ("manager", "desk", "stylist"):
        name, role, pin = PEOPLE[key]
        staff.add_staff(uow, owner, name, role, pin)
    uow.dispose()
    return salon_home / "salon.db"


async def settle(pilot: Pilot[int]) -> None:
    """Wait until every worker is done and the screen has caught up."""
    app = pilot.app
    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            # An exclusive worker replaced by a newer one while we waited (a key pressed
            # twice quickly): the next round waits for the newer one.
            pass
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.pause()


async def log_in(pilot: Pilot[int], who: str, pin: str | None = None) -> None:
    """Pick ``who`` (a key of PEOPLE) on the login screen and type the PIN."""
    await settle(pilot)
    name, _role, right_pin = PEOPLE[who]
    options = pilot.app.screen.query_one("#login-staff", OptionList)
    index = next(
        i
        for i in range(options.option_count)
        if str(options.get_option_at_index(i).prompt).startswith(name)
    )
    options.highlighted = index
    options.focus()
    await pilot.press("enter")
    await pilot.press(*(pin or right_pin))
    await pilot.press("enter")
    await settle(pilot)


def steady_cursor(app: SalonApp) -> None:
    """Stop the cursor blinking so screenshots do not depend on timing."""
    for field in app.screen.query(Input):
        field.cursor_blink = False
