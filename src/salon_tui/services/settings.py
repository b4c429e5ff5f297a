"""Shop settings: stored in the database so they travel with backups.

``ShopSettings`` is the read model of Settings → Shop. Other areas keep their own
settings under their own key prefix with ``read_setting``/``write_setting``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, TypeVar

from sqlalchemy import Text, cast, event, func
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from salon_tui.data import direct
from salon_tui.data.models import Setting
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import is_known_timezone
from salon_tui.domain.money import ROUNDING_UNITS_MINOR, RoundingMode, is_known_currency
from salon_tui.errors import ValidationError
from salon_tui.i18n import _, normalise_locale
from salon_tui.services import audit
from salon_tui.services.permissions import require

Derived = TypeVar("Derived")

SHOP_PREFIX = "shop."
IDLE_LOCK_RANGE = (1, 240)
TEXT_LIMITS = {"name": 60, "address": 200, "phone": 40, "receipt_footer": 400}


@dataclass(frozen=True)
class ShopSettings:
    name: str = ""
    address: str = ""
    phone: str = ""
    currency: str = "CNY"
    locale: str = "zh_CN"
    timezone: str = "Asia/Shanghai"
    # ISO 3166 region: default for phone numbers and public holidays.
    country: str = "CN"
    rounding_unit_minor: int = 1
    rounding_mode: str = RoundingMode.DOWN.value
    receipt_footer: str = ""
    idle_lock_minutes: int = 5


SHOP_FIELDS = tuple(field.name for field in fields(ShopSettings))


# Settings are a few dozen small rows that many steps of one action read: paying a sale
# reads the shop's, checkout's, the alert rules' and the opening hours' settings. They are
# read in one query per transaction and kept (as stored JSON text) in the session until the
# transaction ends; ``write_setting`` keeps the copy current.
#
# The query gives them as ONE text value, a JSON object of the stored texts by key: the
# database builds it, and a transaction that finds the same text as an earlier one
# (nearly every one: settings rarely change) takes that one's dict of them without
# building anything. Reading twenty rows and making a dict of them cost ~45 µs of each
# transaction on SQLite, 7 % of adding a line to a sale; this costs a fifth of that.
# (Rows read in another order give another text: then the dict is made again, alike.)
_SNAPSHOT = "salon.settings"
_DERIVED = "salon.settings_derived"  # what ``derived`` worked out from the snapshot
_ALL_SETTINGS_SQLITE = select(func.json_group_object(col(Setting.key), col(Setting.value_json)))
_ALL_SETTINGS_POSTGRES = select(
    cast(func.json_object_agg(col(Setting.key), col(Setting.value_json)), Text)
)
# What was read, by the text it came from: the settings as a dict (never changed once
# made: a write gives its transaction a changed copy) and what was worked out from them.
_BY_TEXT: dict[str, tuple[dict[str, str], dict[str, Any]]] = {}
_BY_TEXT_MAX = 8


def stored_settings(session: Session) -> dict[str, str]:
    """Every setting's stored JSON text by key, as this transaction sees it."""
    snapshot: dict[str, str] | None = session.info.get(_SNAPSHOT)
    if snapshot is None:
        postgres = session.get_bind().dialect.name == "postgresql"
        statement = _ALL_SETTINGS_POSTGRES if postgres else _ALL_SETTINGS_SQLITE
        text = direct.run(session, statement).scalar() or ""
        kept = _BY_TEXT.get(text)
        if kept is None:
            if len(_BY_TEXT) >= _BY_TEXT_MAX:
                _BY_TEXT.clear()
            stored: dict[str, str] = json.loads(text) if text else {}
            kept = _BY_TEXT[text] = (stored, {})
        snapshot = kept[0]
        session.info[_SNAPSHOT] = snapshot
        session.info[_DERIVED] = kept[1]
    return snapshot


def derived(session: Session, name: str, work_out: Callable[[Session], Derived]) -> Derived:
    """``work_out(session)``, kept for settings equal to this transaction's.

    ``work_out`` must read nothing but settings and return a value nobody changes (a
    frozen dataclass, a tuple): it is shared with every later transaction that reads the
    same settings, until one of them changes."""
    stored_settings(session)
    kept: dict[str, Any] = session.info[_DERIVED]
    if name not in kept:
        kept[name] = work_out(session)
    value: Derived = kept[name]
    return value


@event.listens_for(Session, "after_transaction_end")
def _forget_snapshot(session: Session, transaction: SessionTransaction) -> None:
    # Flushes run in inner transactions of their own; only the outermost one ends ours.
    if transaction.parent is None:
        session.info.pop(_SNAPSHOT, None)
        session.info.pop(_DERIVED, None)


def read_setting(session: Session, key: str, default: Any = None) -> Any:
    text = stored_settings(session).get(key)
    return json.loads(text) if text is not None else default


def settings_under(session: Session, prefix: str) -> dict[str, Any]:
    """The settings whose key starts with ``prefix``, by the rest of their key."""
    return {
        key.removeprefix(prefix): json.loads(text)
        for key, text in stored_settings(session).items()
        if key.startswith(prefix)
    }


def write_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(Setting(key=key, value_json=text))
    else:
        row.value_json = text
        session.add(row)
    session.flush()
    snapshot: dict[str, str] | None = session.info.get(_SNAPSHOT)
    if snapshot is not None:
        # A changed copy (the dict read is shared with other transactions), and what is
        # worked out from it afresh.
        session.info[_SNAPSHOT] = {**snapshot, key: text}
        session.info[_DERIVED] = {}


def load_shop_settings(session: Session) -> ShopSettings:
    """The shop's settings as this transaction sees them (read once per transaction)."""
    return derived(session, "shop", _work_out_shop_settings)


def _work_out_shop_settings(session: Session) -> ShopSettings:
    stored = settings_under(session, SHOP_PREFIX)
    known = {name: value for name, value in stored.items() if name in SHOP_FIELDS}
    return replace(ShopSettings(), **known)


def get_shop_settings(uow: UnitOfWork) -> ShopSettings:
    with uow.read() as session:
        return load_shop_settings(session)


def validate_shop_settings(settings: ShopSettings) -> ShopSettings:
    """The settings cleaned up, or ``ValidationError`` naming the first bad field."""
    cleaned = replace(
        settings,
        name=settings.name.strip(),
        address=settings.address.strip(),
        phone=settings.phone.strip(),
        receipt_footer=settings.receipt_footer.strip(),
        currency=settings.currency.strip().upper(),
        country=settings.country.strip().upper(),
        timezone=settings.timezone.strip(),
    )
    if not cleaned.name:
        raise ValidationError(_("The shop needs a name."), field="name")
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(cleaned, name)) > limit:
            raise ValidationError(
                _("That is too long: at most {limit} characters.").format(limit=limit), field=name
            )
    if not is_known_currency(cleaned.currency):
        raise ValidationError(
            _("{code!r} is not a currency code (for example CNY, HKD, USD).").format(
                code=cleaned.currency
            ),
            field="currency",
        )
    try:
        locale = normalise_locale(cleaned.locale)
    except ValidationError as error:
        raise ValidationError(error.message, field="locale") from error
    if not is_known_timezone(cleaned.timezone):
        raise ValidationError(
            _("{zone!r} is not a timezone (for example Asia/Shanghai).").format(
                zone=cleaned.timezone
            ),
            field="timezone",
        )
    if len(cleaned.country) != 2 or not cleaned.country.isalpha():
        raise ValidationError(
            _("The country is a two-letter code such as CN or HK."), field="country"
        )
    if cleaned.rounding_unit_minor not in ROUNDING_UNITS_MINOR:
        raise ValidationError(_("Rounding is to 1, 10 or 100 minor units."), field="rounding")
    if cleaned.rounding_mode not in {mode.value for mode in RoundingMode}:
        raise ValidationError(_("Unknown rounding mode."), field="rounding")
    low, high = IDLE_LOCK_RANGE
    if not low <= cleaned.idle_lock_minutes <= high:
        raise ValidationError(
            _("The idle lock is between {low} and {high} minutes.").format(low=low, high=high),
            field="idle_lock_minutes",
        )
    return replace(cleaned, locale=locale)


def store_shop_settings(session: Session, settings: ShopSettings) -> None:
    for name, value in asdict(settings).items():
        write_setting(session, SHOP_PREFIX + name, value)


def update_shop_settings(uow: UnitOfWork, actor: Actor, **changes: Any) -> ShopSettings:
    """Change Settings → Shop; audited with the fields before and after."""
    require(actor, "settings.shop")
    unknown = set(changes) - set(SHOP_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown setting: {names}").format(names=", ".join(sorted(unknown)))
        )
    with uow.transaction() as session:
        current = load_shop_settings(session)
        updated = validate_shop_settings(replace(current, **changes))
        before = {k: v for k, v in asdict(current).items() if getattr(updated, k) != v}
        after = {k: getattr(updated, k) for k in before}
        if before:
            store_shop_settings(session, updated)
            audit.record(
                session, actor, "settings.update", "shop", "shop", before=before, after=after
            )
    return updated
