"""Stores of a chain: add, list, edit; which store this computer sells for.

Members, levels, the catalogue and stock are shared by the chain. Sales, refunds,
payments, drawers, expenses and bookings carry the store they happen in: the
*terminal's store*, named by ``[store] code`` in this computer's config.toml (``salon
store use CODE``). A shop with one store needs no setting. The terminal's store is
resolved once per database handle and kept (``terminal_store``), so paying a sale
costs no extra query; adding or editing a store here forgets it.

Sale and refund numbers run without gaps per store and business day. While the shop
has one store they read as they always did (20261122-0042); with several, the store's
code leads (XH-20261122-0042), so two stores never hand out the same number. A code
is fixed once the shop has several stores, because numbers already given carry it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import Store
from salon_tui.data.uow import UOW_INFO, UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.tenders import format_sale_number
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require
from salon_tui.services.settings import ShopSettings

CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,5}$")
NAME_MAX = 80
ADDRESS_MAX = 200
PHONE_MAX = 40
_TERMINAL = "salon.terminal_store"


class StoreNotChosen(ValidationError):
    """This computer has not said which of several stores it sells for."""


@dataclass(frozen=True)
class StoreView:
    id: int
    code: str
    name: str
    address: str
    phone: str
    active: bool

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass(frozen=True)
class TerminalStore:
    """The store this computer sells for, and how its numbers read."""

    id: int
    code: str
    name: str
    # True when the shop has several stores: numbers then carry the store's code.
    coded_numbers: bool
    address: str = ""
    phone: str = ""

    def number(self, day: date, sequence: int, prefix: str = "") -> str:
        """The sale (or, with prefix R, refund) number of ``sequence`` on ``day``."""
        plain = prefix + format_sale_number(day.strftime("%Y%m%d"), sequence)
        return f"{self.code}-{plain}" if self.coded_numbers else plain

    def series(self, name: str) -> str:
        """The number series of ``name`` (sale, refund) in this store."""
        return f"{name}/{self.id}"


def _view(row: Store) -> StoreView:
    assert row.id is not None
    return StoreView(row.id, row.code, row.name, row.address, row.phone, row.active)


def _all_rows(session: Session) -> list[Store]:
    return list(session.exec(select(Store).order_by(col(Store.id))).all())


def list_stores(uow: UnitOfWork, *, active_only: bool = False) -> list[StoreView]:
    """Every store of the chain in the order they were added."""
    with uow.read() as session:
        rows = _all_rows(session)
    return [_view(row) for row in rows if row.active or not active_only]


def clean_code(code: str) -> str:
    cleaned = code.strip().upper()
    if not CODE_PATTERN.match(cleaned):
        raise ValidationError(
            _("A store code is 1 to 5 letters or digits, for example XH or JA2."), field="code"
        )
    return cleaned


def _clean_text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    cleaned = " ".join(value.split())
    if required and not cleaned:
        raise ValidationError(_("Give the store a name."), field=field)
    if len(cleaned) > limit:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=limit), field=field
        )
    return cleaned


def _codes(rows: Sequence[Store]) -> str:
    return ", ".join(row.code for row in rows) or "-"


def _find(session: Session, code: str) -> Store:
    wanted = code.strip().upper()
    rows = _all_rows(session)
    for row in rows:
        if row.code == wanted:
            return row
    raise NotFound(
        _("No store has the code {code!r}. The stores are: {codes}.").format(
            code=code, codes=_codes(rows)
        )
    )


def get_store(uow: UnitOfWork, code: str) -> StoreView:
    """The store with ``code``; ``NotFound`` listing the codes when there is none."""
    with uow.read() as session:
        return _view(_find(session, code))


def name_first_store(session: Session, name: str, address: str = "", phone: str = "") -> None:
    """A new shop's one store takes the shop's name, address and phone (the migration
    made it before the shop had any)."""
    rows = _all_rows(session)
    if len(rows) == 1 and not rows[0].name:
        rows[0].name = name[:NAME_MAX]
        rows[0].address = address[:ADDRESS_MAX]
        rows[0].phone = phone[:PHONE_MAX]
        session.add(rows[0])
        session.flush()


def forget_terminal_store(uow: UnitOfWork) -> None:
    """Resolve the terminal's store again on next use (after a store or config change)."""
    uow.info.pop(_TERMINAL, None)


def add_store(
    uow: UnitOfWork, actor: Actor, code: str, name: str, address: str = "", phone: str = ""
) -> StoreView:
    """Open a new store of the chain. Its code leads its sale numbers from now on."""
    require(actor, "stores.manage")
    code = clean_code(code)
    name = _clean_text(name, NAME_MAX, "name", required=True)
    address = _clean_text(address, ADDRESS_MAX, "address")
    phone = _clean_text(phone, PHONE_MAX, "phone")
    with uow.transaction() as session:
        rows = _all_rows(session)
        if any(row.code == code for row in rows):
            raise Conflict(_("A store with the code {code} already exists.").format(code=code))
        store = Store(
            code=code, name=name, address=address, phone=phone, active=True, created_at=utc_now()
        )
        session.add(store)
        session.flush()
        view = _view(store)
        audit.record(session, actor, "stores.add", "store", view.id, after=_audited(view))
    forget_terminal_store(uow)
    return view


def _audited(view: StoreView) -> dict[str, Any]:
    return {
        "code": view.code,
        "name": view.name,
        "address": view.address,
        "phone": view.phone,
        "active": view.active,
    }


def edit_store(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    *,
    new_code: str | None = None,
    name: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    active: bool | None = None,
) -> StoreView:
    """Change a store's details, close it (``active=False``) or open it again.

    The code can change only while the shop has one store. The last open store stays
    open: a shop always has somewhere to sell.
    """
    require(actor, "stores.manage")
    with uow.transaction() as session:
        row = _find(session, code)
        before = _view(row)
        after = before
        rows = _all_rows(session)
        if new_code is not None and clean_code(new_code) != row.code:
            cleaned = clean_code(new_code)
            if len(rows) > 1:
                raise Conflict(
                    _(
                        "A store code cannot change once the shop has several stores: "
                        "the sale numbers already given carry it."
                    )
                )
            after = replace(after, code=cleaned)
        if name is not None:
            after = replace(after, name=_clean_text(name, NAME_MAX, "name", required=True))
        if address is not None:
            after = replace(after, address=_clean_text(address, ADDRESS_MAX, "address"))
        if phone is not None:
            after = replace(after, phone=_clean_text(phone, PHONE_MAX, "phone"))
        if active is not None:
            if not active and not any(other.active for other in rows if other.id != row.id):
                raise Conflict(
                    _("{code} is the only open store; open another before closing it.").format(
                        code=row.code
                    )
                )
            after = replace(after, active=active)
        if after == before:
            return before
        row.code, row.name, row.address, row.phone, row.active = (
            after.code,
            after.name,
            after.address,
            after.phone,
            after.active,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "stores.edit",
            "store",
            after.id,
            before=_audited(before),
            after=_audited(after),
        )
    forget_terminal_store(uow)
    return after


def _configured_code() -> str:
    from salon_tui import config as machine

    return machine.load_config().store.code


def use_store(uow: UnitOfWork, code: str) -> StoreView:
    """Make this computer sell for the open store ``code`` (written to config.toml)."""
    from salon_tui import config as machine

    with uow.read() as session:
        view = _view(_find(session, code))
    if not view.active:
        raise Conflict(
            _("{code} is closed; open it again with `salon store edit {code} --open`.").format(
                code=view.code
            )
        )
    current = machine.load_config()
    machine.save_config(replace(current, store=replace(current.store, code=view.code)))
    forget_terminal_store(uow)
    return view


def resolve_terminal_store(session: Session, configured: str) -> TerminalStore:
    """The store ``configured`` names, or the only open store when it names none."""
    rows = _all_rows(session)
    coded = len(rows) > 1
    if configured:
        for row in rows:
            if row.code == configured and row.active:
                assert row.id is not None
                return TerminalStore(row.id, row.code, row.name, coded, row.address, row.phone)
        raise StoreNotChosen(
            _(
                "This computer is set to sell for store {code}, which is not an open store. "
                "Open stores: {codes}. Choose one with `salon store use CODE`."
            ).format(code=configured, codes=_codes([row for row in rows if row.active]))
        )
    open_rows = [row for row in rows if row.active]
    if len(open_rows) == 1:
        row = open_rows[0]
        assert row.id is not None
        return TerminalStore(row.id, row.code, row.name, coded, row.address, row.phone)
    raise StoreNotChosen(
        _(
            "This shop has several stores ({codes}); say which one this computer sells for "
            "with `salon store use CODE`."
        ).format(codes=_codes(open_rows))
    )


def headed_by_store(settings: ShopSettings, store: TerminalStore) -> ShopSettings:
    """The shop settings a receipt prints with: in a chain, the store's own name,
    address and phone head it (the shop's where the store has none)."""
    if not store.coded_numbers:
        return settings
    return replace(
        settings,
        name=store.name or settings.name,
        address=store.address or settings.address,
        phone=store.phone or settings.phone,
    )


def receipt_settings(
    session: Session, settings: ShopSettings, store_id: int | None
) -> ShopSettings:
    """``headed_by_store`` for a document stored with its store: the terminal's own store
    comes from what is kept (no query while paying); another store is read."""
    if store_id is None:
        return settings
    try:
        here = terminal_store(session)
    except StoreNotChosen:
        here = None
    if here is not None and here.id == store_id:
        return headed_by_store(settings, here)
    rows = _all_rows(session)
    for row in rows:
        if row.id == store_id:
            store = TerminalStore(
                store_id, row.code, row.name, len(rows) > 1, row.address, row.phone
            )
            return headed_by_store(settings, store)
    return settings


def terminal_store(session: Session) -> TerminalStore:
    """The store this computer sells for, resolved once per database handle."""
    kept: dict[str, Any] | None = session.info.get(UOW_INFO)
    if kept is not None:
        known: TerminalStore | None = kept.get(_TERMINAL)
        if known is not None:
            return known
    store = resolve_terminal_store(session, _configured_code())
    if kept is not None:
        kept[_TERMINAL] = store
    return store


def check_terminal_store(uow: UnitOfWork) -> TerminalStore:
    """The terminal's store, or ``StoreNotChosen`` saying what to set (start, login)."""
    with uow.read() as session:
        return terminal_store(session)


def find_report_store(uow: UnitOfWork, code: str | None) -> StoreView | None:
    """The store a report covers: None for the whole chain, else the store ``code``."""
    if code is None or not code.strip():
        return None
    with uow.read() as session:
        return _view(_find(session, code))
