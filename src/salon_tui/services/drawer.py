"""The cash drawer: a session from the opening float to the count at close.

Every cash movement is a row in the session's ledger (float, sales, refunds, cash in
and out, expenses); what the drawer should hold is their sum. A drawer opened without
a sale needs a reason and is audited. Closing counts the cash by denomination and
records the difference; the session is then fixed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from salon_tui.data import direct
from salon_tui.data.bulk import insert_row
from salon_tui.data.models import DrawerMovement, DrawerSession
from salon_tui.data.moment import session_now
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.cash import counted_total, denominations_for
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.errors import Conflict, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.idempotency import run_once
from salon_tui.services.permissions import require
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.stores import terminal_store

MOVEMENT_LABELS = {
    "float": N_("Opening float"),
    "sale": N_("Cash sales"),
    "refund": N_("Cash refunds"),
    "cash_in": N_("Cash in"),
    "cash_out": N_("Cash out"),
    "expense": N_("Expense"),
    "no_sale": N_("Drawer opened, no sale"),
    "deposit": N_("Booking deposits"),
    "prepaid": N_("Stored value and packages"),
}
EXPENSE_CATEGORIES = {
    "supplies": N_("Supplies"),
    "food": N_("Food and drink"),
    "cleaning": N_("Cleaning"),
    "repairs": N_("Repairs"),
    "transport": N_("Transport"),
    "other": N_("Other"),
}
# What a movement's category is called: an expense's, or the card whose cash it is.
CATEGORY_LABELS = {**EXPENSE_CATEGORIES, "gift_card": N_("Gift card")}
AMOUNT_MAX_CENTS = 1_000_000_00


@dataclass(frozen=True)
class MovementView:
    id: int
    kind: str
    amount_cents: int
    category: str
    note: str
    at: datetime


@dataclass(frozen=True)
class DrawerView:
    id: int
    status: str
    business_day: date
    float_cents: int
    opened_at: datetime
    closed_at: datetime | None
    expected_cents: int
    counted_cents: int | None
    counts: dict[int, int]
    movements: tuple[MovementView, ...]

    @property
    def difference_cents(self) -> int | None:
        if self.counted_cents is None:
            return None
        return self.counted_cents - self.expected_cents

    def total_of(self, kind: str) -> int:
        return sum(m.amount_cents for m in self.movements if m.kind == kind)


def _expected(session: Session, session_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(DrawerMovement.amount_cents), 0)).where(
            col(DrawerMovement.session_id) == session_id
        )
    ).one()
    return int(total)


def _view(session: Session, drawer: DrawerSession) -> DrawerView:
    assert drawer.id is not None
    movements = session.exec(
        select(DrawerMovement)
        .where(col(DrawerMovement.session_id) == drawer.id)
        .order_by(col(DrawerMovement.id))
    ).all()
    return DrawerView(
        id=drawer.id,
        status=drawer.status,
        business_day=drawer.business_day,
        float_cents=drawer.float_cents,
        opened_at=drawer.opened_at,
        closed_at=drawer.closed_at,
        expected_cents=drawer.expected_cents
        if drawer.expected_cents is not None
        else sum(m.amount_cents for m in movements),
        counted_cents=drawer.counted_cents,
        counts={int(k): int(v) for k, v in json.loads(drawer.counts_json).items()},
        movements=tuple(
            MovementView(m.id or 0, m.kind, m.amount_cents, m.category, m.note, m.at)
            for m in movements
        ),
    )


# Each store has its own drawer: the open one is the terminal's store's.
_OPEN = (
    select(DrawerSession)
    .where(
        col(DrawerSession.status) == "open",
        col(DrawerSession.store_id) == bindparam("store_id"),
    )
    .order_by(col(DrawerSession.id).desc())
    .limit(1)
)
_OPEN_LOCKED = _OPEN.with_for_update()


def open_session(session: Session, *, lock: bool = False) -> DrawerSession | None:
    """The open drawer of this computer's store, if any."""
    statement = _OPEN_LOCKED if lock else _OPEN
    store_id = terminal_store(session).id
    return session.exec(statement, params={"store_id": store_id}).first()


def require_open(session: Session) -> DrawerSession:
    drawer = open_session(session, lock=True)
    if drawer is None:
        raise Conflict(_("The cash drawer is not open: open it with a float first."))
    return drawer


_OPEN_ID_LOCKED = (
    select(DrawerSession.id)
    .where(
        col(DrawerSession.status) == "open",
        col(DrawerSession.store_id) == bindparam("store_id"),
    )
    .order_by(col(DrawerSession.id).desc())
    .limit(1)
    .with_for_update()
)


def require_open_id(session: Session) -> int:
    """The open drawer's id (for a movement: no object needed), locked like ``require_open``."""
    params = {"store_id": terminal_store(session).id}
    drawer_id = direct.run(session, _OPEN_ID_LOCKED, params).scalar()
    if drawer_id is None:
        raise Conflict(_("The cash drawer is not open: open it with a float first."))
    return int(drawer_id)


def add_movement(
    session: Session,
    drawer_id: int,
    actor: Actor,
    kind: str,
    amount_cents: int,
    *,
    category: str = "",
    note: str = "",
    sale_id: int | None = None,
    refund_id: int | None = None,
) -> int:
    """Append one movement to the open drawer ``drawer_id`` inside the caller's
    transaction; its id."""
    assert actor.staff_id is not None
    if amount_cents < 0 and _expected(session, drawer_id) + amount_cents < 0:
        raise Conflict(_("The drawer does not hold that much cash."))
    values: dict[str, Any] = {
        "session_id": drawer_id,
        "kind": kind,
        "amount_cents": amount_cents,
        "category": category,
        "note": note,
        "sale_id": sale_id,
        "refund_id": refund_id,
        "staff_id": actor.staff_id,
        "at": session_now(session),
    }
    movement_id = insert_row(session, DrawerMovement, **values)
    assert movement_id is not None
    return movement_id


def _check_amount(amount_cents: int, *, zero_ok: bool = False) -> None:
    if amount_cents < 0 or (amount_cents == 0 and not zero_ok):
        raise ValidationError(_("The amount must be more than zero."), field="amount")
    if amount_cents > AMOUNT_MAX_CENTS:
        raise ValidationError(_("That amount is too large; check it."), field="amount")


def _clean(text: str, field: str, *, needed: bool) -> str:
    cleaned = " ".join(text.split())
    if needed and not cleaned:
        raise ValidationError(_("Please give a reason."), field=field)
    if len(cleaned) > 200:
        raise ValidationError(_("That is too long: at most 200 characters."), field=field)
    return cleaned


def current_drawer(uow: UnitOfWork, actor: Actor) -> DrawerView | None:
    require(actor, "drawer.operate")
    with uow.read() as session:
        drawer = open_session(session)
        return _view(session, drawer) if drawer else None


def get_drawer(uow: UnitOfWork, actor: Actor, session_id: int) -> DrawerView:
    require(actor, "drawer.operate")
    with uow.read() as session:
        drawer = session.get(DrawerSession, session_id)
        if drawer is None:
            raise ValidationError(_("There is no drawer session #{id}.").format(id=session_id))
        return _view(session, drawer)


def open_drawer(uow: UnitOfWork, actor: Actor, float_cents: int) -> DrawerView:
    """Open the drawer with the cash it starts with; one drawer is open at a time."""
    require(actor, "drawer.operate")
    _check_amount(float_cents, zero_ok=True)
    assert actor.staff_id is not None
    with uow.transaction() as session:
        if open_session(session, lock=True) is not None:
            raise Conflict(_("The cash drawer is already open; close it before opening again."))
        settings = load_shop_settings(session)
        now = utc_now()
        drawer = DrawerSession(
            status="open",
            store_id=terminal_store(session).id,
            business_day=business_date(now, settings.timezone),
            float_cents=float_cents,
            opened_by=actor.staff_id,
            opened_at=now,
        )
        session.add(drawer)
        session.flush()
        assert drawer.id is not None
        add_movement(session, drawer.id, actor, "float", float_cents)
        audit.record(
            session,
            actor,
            "drawer.open",
            "drawer_session",
            drawer.id,
            after={"float_cents": float_cents},
        )
        return _view(session, drawer)


def _movement_action(
    uow: UnitOfWork,
    actor: Actor,
    kind: str,
    amount_cents: int,
    *,
    category: str = "",
    note: str = "",
    key: str | None = None,
) -> DrawerView:
    def body(session: Session) -> DrawerView:
        drawer = require_open(session)
        assert drawer.id is not None
        movement_id = add_movement(
            session, drawer.id, actor, kind, amount_cents, category=category, note=note
        )
        audit.record(
            session,
            actor,
            f"drawer.{kind}",
            "drawer_session",
            drawer.id,
            after={
                "amount_cents": amount_cents,
                "category": category,
                "note": note,
                "movement_id": movement_id,
            },
        )
        return _view(session, drawer)

    if key is None:
        with uow.transaction() as session:
            return body(session)
    result = run_once(
        uow,
        key,
        f"drawer.{kind}",
        body,
        encode=lambda view: {"session_id": view.id},
        decode=lambda stored: get_drawer(uow, actor, int(stored["session_id"])),
    )
    return result


def cash_in(
    uow: UnitOfWork, actor: Actor, amount_cents: int, note: str, *, key: str | None = None
) -> DrawerView:
    """Cash put into the drawer that is not a sale (change from the bank, say)."""
    require(actor, "drawer.operate")
    _check_amount(amount_cents)
    return _movement_action(
        uow, actor, "cash_in", amount_cents, note=_clean(note, "note", needed=True), key=key
    )


def cash_out(
    uow: UnitOfWork, actor: Actor, amount_cents: int, note: str, *, key: str | None = None
) -> DrawerView:
    """Cash taken out that is not a refund or an expense (to the bank, say)."""
    require(actor, "drawer.operate")
    _check_amount(amount_cents)
    return _movement_action(
        uow, actor, "cash_out", -amount_cents, note=_clean(note, "note", needed=True), key=key
    )


def record_expense(
    uow: UnitOfWork,
    actor: Actor,
    category: str,
    amount_cents: int,
    note: str = "",
    *,
    key: str | None = None,
) -> DrawerView:
    """A shop expense paid from the drawer, with its category."""
    require(actor, "drawer.operate")
    _check_amount(amount_cents)
    if category not in EXPENSE_CATEGORIES:
        raise ValidationError(
            _("Unknown expense category {category!r}; choose one of: {names}.").format(
                category=category, names=", ".join(EXPENSE_CATEGORIES)
            ),
            field="category",
        )
    return _movement_action(
        uow,
        actor,
        "expense",
        -amount_cents,
        category=category,
        note=_clean(note, "note", needed=False),
        key=key,
    )


def open_without_sale(uow: UnitOfWork, actor: Actor, reason: str) -> DrawerView:
    """Open the drawer with no sale: needs a reason, is audited, moves no money."""
    require(actor, "drawer.operate")
    return _movement_action(uow, actor, "no_sale", 0, note=_clean(reason, "reason", needed=True))


@dataclass(frozen=True)
class DrawerClosed:
    drawer: DrawerView
    expected_cents: int
    counted_cents: int

    @property
    def difference_cents(self) -> int:
        return self.counted_cents - self.expected_cents


def close_drawer(
    uow: UnitOfWork,
    actor: Actor,
    counts: Mapping[int, int],
    *,
    note: str = "",
) -> DrawerClosed:
    """Close the open drawer with the cash counted by denomination (value in minor
    units → how many); records expected, counted and the difference. Audited."""
    require(actor, "drawer.operate")
    assert actor.staff_id is not None
    cleaned = _clean(note, "note", needed=False)
    with uow.transaction() as session:
        drawer = require_open(session)
        assert drawer.id is not None
        settings = load_shop_settings(session)
        try:
            counted = counted_total(counts, denominations_for(settings.currency))
        except ValueError as error:
            raise ValidationError(str(error), field="counts") from None
        expected = _expected(session, drawer.id)
        if counted != expected and not cleaned:
            raise ValidationError(
                _("The count differs from what the drawer should hold; say why in a note."),
                field="note",
            )
        drawer.status = "closed"
        drawer.closed_by = actor.staff_id
        drawer.closed_at = utc_now()
        drawer.expected_cents = expected
        drawer.counted_cents = counted
        drawer.counts_json = json.dumps({str(k): v for k, v in sorted(counts.items()) if v})
        drawer.close_note = cleaned
        session.add(drawer)
        session.flush()
        audit.record(
            session,
            actor,
            "drawer.close",
            "drawer_session",
            drawer.id,
            after={
                "expected_cents": expected,
                "counted_cents": counted,
                "difference_cents": counted - expected,
                "note": cleaned,
            },
        )
        return DrawerClosed(_view(session, drawer), expected, counted)


def sessions_on(uow: UnitOfWork, day: date, store_id: int | None = None) -> list[DrawerView]:
    """Every drawer session opened on the shop's ``day`` (for the Z report), in one store
    or (``store_id`` None) in every store."""
    statement = select(DrawerSession).where(col(DrawerSession.business_day) == day)
    if store_id is not None:
        statement = statement.where(col(DrawerSession.store_id) == store_id)
    with uow.read() as session:
        rows = session.exec(statement.order_by(col(DrawerSession.id))).all()
        return [_view(session, row) for row in rows]


def check_drawer_ledger(session: Session) -> list[str]:
    """Closed sessions: the expected cash recorded equals the sum of their movements."""
    problems = []
    rows = session.exec(select(DrawerSession).where(col(DrawerSession.status) == "closed")).all()
    for drawer in rows:
        assert drawer.id is not None
        total = _expected(session, drawer.id)
        if drawer.expected_cents != total:
            problems.append(
                _(
                    "drawer session {id}: expected {expected} but its movements add up to {total}"
                ).format(id=drawer.id, expected=drawer.expected_cents, total=total)
            )
    return problems
