"""Menu categories (剪发 cuts, 烫染 perm & colour …) in the shop's own words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Service,
    ServiceCategory,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.catalog import (
    clean_text,
    text_key,
)
from salon_tui.errors import Conflict, NotFound
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.permissions import require


@dataclass(frozen=True)
class CategoryView:
    id: int
    name: str
    name_en: str
    sort_order: int
    active: bool

    def label(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name


# --- categories -------------------------------------------------------------------------


def _category_view(row: ServiceCategory) -> CategoryView:
    assert row.id is not None
    return CategoryView(row.id, row.name, row.name_en, row.sort_order, row.active)


def list_categories(uow: UnitOfWork, *, include_inactive: bool = False) -> list[CategoryView]:
    query = select(ServiceCategory).order_by(
        col(ServiceCategory.sort_order), col(ServiceCategory.id)
    )
    if not include_inactive:
        query = query.where(col(ServiceCategory.active).is_(True))
    with uow.read() as session:
        return [_category_view(row) for row in session.exec(query)]


def find_category_row(session: Session, name: str) -> ServiceCategory | None:
    key = text_key(name)
    found = session.exec(
        select(ServiceCategory).where(col(ServiceCategory.name_key) == key)
    ).first()
    if found is None and key:
        # The English name, as people type it (a menu has a few dozen categories).
        found = next(
            (row for row in session.exec(select(ServiceCategory)) if text_key(row.name_en) == key),
            None,
        )
    return found


def create_category(
    session: Session, actor: Actor, name: str, name_en: str = "", sort_order: int | None = None
) -> ServiceCategory:
    """Insert a category inside the caller's transaction (imports and the demo use it)."""
    cleaned = clean_text(name, "name", N_("Item name"), 40, required=True)
    english = clean_text(name_en, "name_en", N_("English name"), 60)
    if find_category_row(session, cleaned) is not None:
        raise Conflict(_("There is already a category called {name}.").format(name=cleaned))
    if sort_order is None:
        last = session.exec(
            select(ServiceCategory.sort_order).order_by(col(ServiceCategory.sort_order).desc())
        ).first()
        sort_order = (last or 0) + 10
    row = ServiceCategory(
        name=cleaned, name_key=text_key(cleaned), name_en=english, sort_order=sort_order
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "catalog.category_add",
        "service_category",
        row.id,
        after={"name": cleaned, "name_en": english},
    )
    return row


def add_category(
    uow: UnitOfWork, actor: Actor, name: str, name_en: str = "", sort_order: int | None = None
) -> CategoryView:
    """Add a menu category; names are unique ignoring case and width."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        return _category_view(create_category(session, actor, name, name_en, sort_order))


def update_category(
    uow: UnitOfWork,
    actor: Actor,
    category_id: int,
    *,
    name: str | None = None,
    name_en: str | None = None,
    sort_order: int | None = None,
    active: bool | None = None,
) -> CategoryView:
    """Rename, reorder, retire or bring back a category. A category with active
    services cannot be retired."""
    require(actor, "catalog.manage")
    with uow.transaction() as session:
        row = session.get(ServiceCategory, category_id)
        if row is None:
            raise NotFound(_("There is no category #{id}.").format(id=category_id))
        before = {"name": row.name, "name_en": row.name_en, "active": row.active}
        if name is not None:
            cleaned = clean_text(name, "name", N_("Item name"), 40, required=True)
            other = find_category_row(session, cleaned)
            if other is not None and other.id != row.id:
                raise Conflict(_("There is already a category called {name}.").format(name=cleaned))
            row.name, row.name_key = cleaned, text_key(cleaned)
        if name_en is not None:
            row.name_en = clean_text(name_en, "name_en", N_("English name"), 60)
        if sort_order is not None:
            row.sort_order = sort_order
        if active is False and row.active:
            in_use = session.exec(
                select(Service.code).where(
                    col(Service.category_id) == row.id, col(Service.active).is_(True)
                )
            ).all()
            if in_use:
                raise Conflict(
                    _(
                        "{name} still has active services: {codes}. Retire or move them first."
                    ).format(name=row.name, codes=", ".join(in_use[:10]))
                )
        if active is not None:
            row.active = active
        session.add(row)
        audit.record(
            session,
            actor,
            "catalog.category_edit",
            "service_category",
            row.id,
            before=before,
            after={"name": row.name, "name_en": row.name_en, "active": row.active},
        )
        return _category_view(row)
