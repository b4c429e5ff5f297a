"""The shop's checkout rules: how much discount the desk gives without a manager's PIN,
and whether checkout asks the client to rate their stylist after paying.

Stored under the ``checkout.`` key prefix in the settings table (the discount limit's
key is the one checkout has always read: ``sales.DISCOUNT_LIMIT_KEY``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import Session

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.errors import ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require
from salon_tui.services.sales import DISCOUNT_LIMIT_DEFAULT_BP, DISCOUNT_LIMIT_KEY
from salon_tui.services.settings import read_setting, write_setting

PREFIX = "checkout."
assert DISCOUNT_LIMIT_KEY == PREFIX + "discount_limit_bp"


@dataclass(frozen=True)
class CheckoutSettings:
    # A manual discount above this share of a line or sale needs a manager's PIN.
    discount_limit_bp: int = DISCOUNT_LIMIT_DEFAULT_BP
    # After a sale with stylists is paid, ask the client for 1–5 stars per stylist.
    ask_rating: bool = False


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
    if not isinstance(settings.ask_rating, bool):
        raise ValidationError(_("Say yes or no."), field="ask_rating")


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
