"""Setting up a shop and changing Settings → Shop."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import PermissionDenied, ShopAlreadyInitialised, ValidationError
from salon_tui.services import audit, settings, shop, staff


def test_a_new_shop_has_settings_and_an_owner(uow: UnitOfWork) -> None:
    result = shop.init_shop(
        uow,
        shop_name="丝语美发",
        owner_name="王芳",
        owner_pin="1234",
        currency="cny",
        locale="zh-CN",
    )
    assert result.settings.currency == "CNY"
    assert result.settings.locale == "zh_CN"
    assert result.owner.role is Role.OWNER
    assert shop.shop_exists(uow)
    assert settings.get_shop_settings(uow).name == "丝语美发"


def test_a_second_init_is_refused_and_changes_nothing(uow: UnitOfWork, owner: Actor) -> None:
    before = (
        settings.get_shop_settings(uow),
        staff.list_staff(uow),
        audit.verify_chain(uow).entries_checked,
    )
    with pytest.raises(ShopAlreadyInitialised, match="Test Salon"):
        shop.init_shop(uow, shop_name="Other", owner_name="Other Owner", owner_pin="1234")
    after = (
        settings.get_shop_settings(uow),
        staff.list_staff(uow),
        audit.verify_chain(uow).entries_checked,
    )
    assert after == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"locale": "fr"}, "locale"),
        ({"name": "  "}, "name"),
        ({"idle_lock_minutes": 0}, "idle_lock_minutes"),
        ({"rounding_unit_minor": 5}, "rounding"),
        ({"country": "China"}, "country"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    uow: UnitOfWork, owner: Actor, changes: dict[str, object], field: str
) -> None:
    before = settings.get_shop_settings(uow)
    with pytest.raises(ValidationError) as refused:
        settings.update_shop_settings(uow, owner, **changes)
    assert refused.value.field == field
    assert settings.get_shop_settings(uow) == before


def test_changes_are_stored_and_audited_with_before_and_after(
    uow: UnitOfWork, owner: Actor
) -> None:
    updated = settings.update_shop_settings(
        uow,
        owner,
        address="上海市静安区",
        rounding_unit_minor=10,
        rounding_mode="down",
        idle_lock_minutes=3,
    )
    assert settings.get_shop_settings(uow) == updated
    entry = audit.list_entries(uow, owner)[-1]
    assert entry.action == "settings.update"
    assert entry.before == {"address": "", "rounding_unit_minor": 1, "idle_lock_minutes": 5}
    assert entry.after == {
        "address": "上海市静安区",
        "rounding_unit_minor": 10,
        "idle_lock_minutes": 3,
    }


def test_front_desk_cannot_change_shop_settings(uow: UnitOfWork, make_actor) -> None:
    with pytest.raises(PermissionDenied):
        settings.update_shop_settings(uow, make_actor(Role.FRONT_DESK), name="Mine")
