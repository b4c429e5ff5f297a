"""`salon init`: set up a new shop, asking for whatever was not given."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from salon_tui.commands._common import UsageProblem
from salon_tui.i18n import SUPPORTED_LOCALES, _

# The usual country for a currency: the default region for phone numbers and holidays.
CURRENCY_COUNTRIES = {
    "CNY": "CN",
    "HKD": "HK",
    "MOP": "MO",
    "TWD": "TW",
    "SGD": "SG",
    "MYR": "MY",
    "USD": "US",
    "CAD": "CA",
    "GBP": "GB",
    "AUD": "AU",
    "JPY": "JP",
    "EUR": "DE",
}


def _ask(
    value: str | None, question: str, default: str | None = None, *, hide: bool = False
) -> str:
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageProblem(_("Missing {what}: give it as an option.").format(what=question))
    answer: str = typer.prompt(question, default=default, hide_input=hide)
    return answer


def init_command(
    shop: Annotated[str | None, typer.Option("--shop", help=_("The shop's name."))] = None,
    owner: Annotated[str | None, typer.Option("--owner", help=_("The owner's name."))] = None,
    pin: Annotated[
        str | None, typer.Option("--pin", help=_("The owner's PIN (4–8 digits)."))
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help=_("Currency code, e.g. CNY."))
    ] = None,
    locale: Annotated[
        str | None, typer.Option("--locale", help=_("Shop language: zh_CN or en."))
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help=_("Timezone, e.g. Asia/Shanghai."))
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help=_("Two-letter country code for phones and holidays.")),
    ] = None,
) -> None:
    """Set up a new shop. Refuses, changing nothing, when one exists here."""
    from salon_tui import paths
    from salon_tui.services import database
    from salon_tui.services import shop as shop_service

    interactive = sys.stdin.isatty()
    shop_name = _ask(shop, _("Shop name"))
    chosen_currency = currency or (_ask(None, _("Currency"), "CNY") if interactive else "CNY")
    languages = "/".join(SUPPORTED_LOCALES)
    chosen_locale = locale or (
        _ask(None, _("Language ({choices})").format(choices=languages), "zh_CN")
        if interactive
        else "zh_CN"
    )
    chosen_zone = timezone or (
        _ask(None, _("Timezone"), "Asia/Shanghai") if interactive else "Asia/Shanghai"
    )
    owner_name = _ask(owner, _("Owner's name"))
    owner_pin = pin
    if owner_pin is None:
        if not interactive:
            raise UsageProblem(_("Missing the owner's PIN: give it with --pin."))
        owner_pin = typer.prompt(
            _("Owner's PIN (4–8 digits)"), hide_input=True, confirmation_prompt=True
        )
    uow = database.open_shop_database()
    try:
        result = shop_service.init_shop(
            uow,
            shop_name=shop_name,
            owner_name=owner_name,
            owner_pin=owner_pin,
            currency=chosen_currency,
            locale=chosen_locale,
            timezone=chosen_zone,
            country=country or CURRENCY_COUNTRIES.get(chosen_currency.strip().upper(), "CN"),
        )
    finally:
        uow.dispose()
    typer.echo(
        _("Shop {shop} is ready at {where}. Owner: {owner}. Run `salon` to open it.").format(
            shop=result.settings.name, where=paths.data_dir(), owner=result.owner.name
        )
    )
