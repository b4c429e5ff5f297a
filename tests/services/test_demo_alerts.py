"""The demo's alerts are the ones it means to show, whatever the hour it is built at."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import alerts, staff
from salon_tui.services.demo import DemoOptions, build_demo


def test_a_demo_built_at_one_in_the_morning_flags_no_desk_money_as_after_hours(
    uow: UnitOfWork,
) -> None:
    # 01:09 in Shanghai: the demo's gift card refund and desk top-up happen "now".
    with time_machine.travel(datetime(2026, 11, 30, 17, 9, tzinfo=UTC), tick=False):
        build_demo(uow, DemoOptions(members=60, months=2, seed=3))
        person = next(p for p in staff.list_staff(uow) if p.role == Role.OWNER)
        owner = Actor(person.id, person.name, Role.OWNER)
        found = alerts.list_alerts(uow, owner)
        rules = alerts.get_rules(uow, owner)
    assert [view.kind for view in found] == ["large_top_up"]
    assert rules.outside_hours and rules.sale_above_cents == 300_000
