"""The shop's prepaid rules: spending order, limits, the largest top-up, low-balance hints.

Stored under the ``prepaid.`` key prefix in the settings table, so they travel with
backups. Zero means "no limit" for the per-sale and per-day limits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlmodel import Session

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.prepaid import SpendOrder
from salon_tui.errors import ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting, write_setting

PREFIX = "prepaid."
# The ceiling no setting may pass: ¥1,000,000 in fen, far above any real top-up.
HARD_MAX_CENTS = 100_000_000


@dataclass(frozen=True)
class PrepaidSettings:
    spend_order: str = SpendOrder.BONUS_FIRST.value
    limit_per_sale_cents: int = 0
    limit_per_day_cents: int = 0
    # The largest top-up, package price or refund the shop accepts (absurd amounts).
    max_amount_cents: int = 5_000_000
    # Level id (as text, JSON keys) → balance under which the desk sees a hint.
    low_balance_by_level: dict[str, int] = field(default_factory=dict)
    # For members without a level.
    low_balance_cents: int = 10_000

    def low_balance_for(self, level_id: int | None) -> int:
        if level_id is None:
            return self.low_balance_cents
        return self.low_balance_by_level.get(str(level_id), self.low_balance_cents)


FIELDS = tuple(PrepaidSettings.__dataclass_fields__)


def load_prepaid_settings(session: Session) -> PrepaidSettings:
    stored = {name: read_setting(session, PREFIX + name) for name in FIELDS}
    return replace(PrepaidSettings(), **{k: v for k, v in stored.items() if v is not None})


def get_prepaid_settings(uow: UnitOfWork) -> PrepaidSettings:
    with uow.read() as session:
        return load_prepaid_settings(session)


def _validate(settings: PrepaidSettings) -> None:
    if settings.spend_order not in {order.value for order in SpendOrder}:
        raise ValidationError(
            _("The spending order is one of: {names}.").format(
                names=", ".join(order.value for order in SpendOrder)
            ),
            field="spend_order",
        )
    for name in ("limit_per_sale_cents", "limit_per_day_cents", "low_balance_cents"):
        value = getattr(settings, name)
        if not isinstance(value, int) or not 0 <= value <= HARD_MAX_CENTS:
            raise ValidationError(_("A limit is zero (none) or a positive amount."), field=name)
    if not 0 < settings.max_amount_cents <= HARD_MAX_CENTS:
        raise ValidationError(
            _("The largest amount must be more than zero and at most 1,000,000."),
            field="max_amount_cents",
        )
    for value in settings.low_balance_by_level.values():
        if not isinstance(value, int) or not 0 <= value <= HARD_MAX_CENTS:
            raise ValidationError(
                _("A low-balance threshold is zero or a positive amount."), field="low_balance"
            )


def update_prepaid_settings(uow: UnitOfWork, actor: Actor, **changes: Any) -> PrepaidSettings:
    """Change some of the prepaid rules (manager); audited with before and after."""
    require(actor, "prepaid.settings")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(_("Unknown setting {name!r}.").format(name=sorted(unknown)[0]))
    with uow.transaction() as session:
        before = load_prepaid_settings(session)
        after = replace(before, **changes)
        _validate(after)
        changed = {name for name in FIELDS if getattr(before, name) != getattr(after, name)}
        for name in sorted(changed):
            write_setting(session, PREFIX + name, getattr(after, name))
        if changed:
            old, new = asdict(before), asdict(after)
            audit.record(
                session,
                actor,
                "prepaid.settings",
                "setting",
                "prepaid",
                before={name: old[name] for name in changed},
                after={name: new[name] for name in changed},
            )
        return after
