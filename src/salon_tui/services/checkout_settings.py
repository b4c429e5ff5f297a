"""The shop's checkout rules: how much discount the desk gives without a manager's PIN,
whether checkout asks the client to rate their stylist after paying, and the members'
birthday discount.

Stored under the ``checkout.`` key prefix in the settings table (the discount limit's
key is the one checkout has always read: ``sales.DISCOUNT_LIMIT_KEY``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import Session

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.members import BIRTHDAY_WINDOWS
from salon_tui.errors import ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require
from salon_tui.services.sales import DISCOUNT_LIMIT_DEFAULT_BP, DISCOUNT_LIMIT_KEY
from salon_tui.services.settings import read_setting, write_setting

PREFIX = "checkout."
BIRTHDAY_SCOPES = ("services", "all")
assert DISCOUNT_LIMIT_KEY == PREFIX + "discount_limit_bp"


@dataclass(frozen=True)
class CheckoutSettings:
    # A manual discount above this share of a line or sale needs a manager's PIN.
    discount_limit_bp: int = DISCOUNT_LIMIT_DEFAULT_BP
    # After a sale with stylists is paid, ask the client for 1–5 stars per stylist.
    ask_rating: bool = False
    # A member's birthday discount (0 = none): on the day, the week around it (±3 days)
    # or the birth month; on services, or on services and products; once per birthday.
    birthday_discount_bp: int = 0
    birthday_window: str = "month"
    birthday_scope: str = "services"
    birthday_once: bool = True


FIELDS = tuple(CheckoutSettings.__dataclass_fields__)


def load_checkout_settings(session: Session) -> CheckoutSettings:
    stored = {name: read_setting(session, PREFIX + name) for name in FIELDS}
    return replace(CheckoutSettings(), **{k: v for k, v in stored.items() if v is not None})


def get_checkout_settings(uow: UnitOfWork) -> CheckoutSettings:
    with uow.read() as session:
        return load_checkout_settings(session)


def _validate(settings: CheckoutSettings) -> None:
    limit = settings.discount_limit_bp
    if not isinstance(limit, int) or not 0 <= limit <= 10_000:
        raise ValidationError(
            _("The discount limit is a percent from 0 to 100."), field="discount_limit_bp"
        )
    for name in ("ask_rating", "birthday_once"):
        if not isinstance(getattr(settings, name), bool):
            raise ValidationError(_("Say yes or no."), field=name)
    bp = settings.birthday_discount_bp
    if not isinstance(bp, int) or not 0 <= bp <= 10_000:
        raise ValidationError(
            _("The birthday discount is a percent from 0 (none) to 100."),
            field="birthday_discount_bp",
        )
    if settings.birthday_window not in BIRTHDAY_WINDOWS:
        raise ValidationError(
            _("The birthday window is day, week or month."), field="birthday_window"
        )
    if settings.birthday_scope not in BIRTHDAY_SCOPES:
        raise ValidationError(
            _("The birthday discount is on services, or on all (services and products)."),
            field="birthday_scope",
        )


def update_checkout_settings(uow: UnitOfWork, actor: Actor, **changes: Any) -> CheckoutSettings:
    """Change some checkout rules (managers); audited with before and after."""
    require(actor, "settings.shop")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(_("Unknown setting {name!r}.").format(name=sorted(unknown)[0]))
    with uow.transaction() as session:
        before = load_checkout_settings(session)
        after = replace(before, **changes)
        _validate(after)
        changed = sorted(name for name in FIELDS if getattr(before, name) != getattr(after, name))
        for name in changed:
            write_setting(session, PREFIX + name, getattr(after, name))
        if changed:
            old, new = asdict(before), asdict(after)
            audit.record(
                session,
                actor,
                "checkout.settings",
                "setting",
                "checkout",
                before={name: old[name] for name in changed},
                after={name: new[name] for name in changed},
            )
        return after
