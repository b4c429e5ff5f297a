"""Suppliers: who delivers, how to reach them, and how long they take."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from salon_tui.data.models import Supplier
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.catalog import (
    check_quantity,
    clean_text,
    text_key,
)
from salon_tui.errors import Conflict, NotFound
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.permissions import require

LEAD_TIME_LIMIT = 365


# --- suppliers --------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierView:
    id: int
    name: str
    contact: str
    phone: str
    lead_time_days: int
    note: str
    active: bool


def _supplier_view(row: Supplier) -> SupplierView:
    assert row.id is not None
    return SupplierView(
        row.id, row.name, row.contact, row.phone, row.lead_time_days, row.note, row.active
    )


def list_suppliers(uow: UnitOfWork, *, include_inactive: bool = False) -> list[SupplierView]:
    query = select(Supplier).order_by(col(Supplier.name_key))
    if not include_inactive:
        query = query.where(col(Supplier.active).is_(True))
    with uow.read() as session:
        return [_supplier_view(row) for row in session.exec(query)]


def find_supplier_row(session: Session, name: str) -> Supplier | None:
    return session.exec(select(Supplier).where(col(Supplier.name_key) == text_key(name))).first()


def find_supplier(uow: UnitOfWork, name: str) -> SupplierView:
    with uow.read() as session:
        row = find_supplier_row(session, name)
        if row is None:
            raise NotFound(_("There is no supplier called {name}.").format(name=name))
        return _supplier_view(row)


def create_supplier(
    session: Session,
    actor: Actor,
    name: str,
    *,
    contact: str = "",
    phone: str = "",
    lead_time_days: int = 7,
    note: str = "",
) -> Supplier:
    cleaned = clean_text(name, "name", N_("Supplier"), 80, required=True)
    if find_supplier_row(session, cleaned) is not None:
        raise Conflict(_("There is already a supplier called {name}.").format(name=cleaned))
    row = Supplier(
        name=cleaned,
        name_key=text_key(cleaned),
        contact=clean_text(contact, "contact", N_("Contact"), 60),
        phone=clean_text(phone, "phone", N_("Phone"), 40),
        lead_time_days=check_quantity(
            lead_time_days, "lead_time", N_("Lead time"), limit=LEAD_TIME_LIMIT
        ),
        note=clean_text(note, "note", N_("Note"), 200),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "inventory.supplier_add",
        "supplier",
        row.id,
        after={"name": row.name, "lead_time_days": row.lead_time_days},
    )
    return row


def add_supplier(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    *,
    contact: str = "",
    phone: str = "",
    lead_time_days: int = 7,
    note: str = "",
) -> SupplierView:
    """Add a supplier; names are unique ignoring case and width."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        return _supplier_view(
            create_supplier(
                session,
                actor,
                name,
                contact=contact,
                phone=phone,
                lead_time_days=lead_time_days,
                note=note,
            )
        )
