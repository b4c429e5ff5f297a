"""Setting up a shop: the first settings and the owner's account, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import SYSTEM
from salon_tui.domain.permissions import Role
from salon_tui.errors import ShopAlreadyInitialised, ShopNotInitialised
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.member_levels import seed_default_levels
from salon_tui.services.settings import (
    SHOP_PREFIX,
    ShopSettings,
    load_shop_settings,
    read_setting,
    store_shop_settings,
    validate_shop_settings,
)
from salon_tui.services.staff import StaffView, create_staff, staff_view
from salon_tui.services.stores import name_first_store


@dataclass(frozen=True)
class ShopSetUp:
    settings: ShopSettings
    owner: StaffView


def shop_exists(uow: UnitOfWork) -> bool:
    with uow.read() as session:
        return read_setting(session, SHOP_PREFIX + "name") is not None


def require_shop(uow: UnitOfWork) -> ShopSettings:
    with uow.read() as session:
        if read_setting(session, SHOP_PREFIX + "name") is None:
            raise ShopNotInitialised(
                _("This database has no shop yet. Run `salon init` to set one up.")
            )
        return load_shop_settings(session)


def init_shop(
    uow: UnitOfWork,
    *,
    shop_name: str,
    owner_name: str,
    owner_pin: str,
    currency: str = "CNY",
    locale: str = "zh_CN",
    timezone: str = "Asia/Shanghai",
    country: str = "CN",
) -> ShopSetUp:
    """Create the shop's settings and its owner. Refuses, changing nothing, if a shop exists."""
    settings = validate_shop_settings(
        ShopSettings(
            name=shop_name, currency=currency, locale=locale, timezone=timezone, country=country
        )
    )
    with uow.transaction() as session:
        if read_setting(session, SHOP_PREFIX + "name") is not None:
            raise ShopAlreadyInitialised(
                _("A shop is already set up here ({name}); nothing was changed.").format(
                    name=read_setting(session, SHOP_PREFIX + "name")
                )
            )
        store_shop_settings(session, settings)
        name_first_store(session, settings.name, settings.address, settings.phone)
        audit.record(session, SYSTEM, "shop.init", "shop", "shop", after=settings.__dict__)
        owner = create_staff(session, SYSTEM, owner_name, Role.OWNER, owner_pin)
        seed_default_levels(session, settings.locale)
        return ShopSetUp(settings=settings, owner=staff_view(owner))
