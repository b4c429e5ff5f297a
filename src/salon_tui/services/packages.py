"""Packages of services (次卡 · 疗程卡): templates, sale to a member, uses, transfer, refund.

A template names one or several services with a count each, a price, a validity in
days and whether unused uses may be refunded pro rata. Selling copies it to the member
(``member_package`` and its items); every change of uses is a row of the append-only
``package_use`` ledger, and the item's ``uses_left`` cache moves with a conditional
UPDATE (``… WHERE uses_left >= 1``), so two terminals cannot use the last one twice.
A package can be used up to the end of its last valid day (``expires_on``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from salon_tui.data.models import (
    MemberPackage,
    MemberPackageItem,
    PackageTemplate,
    PackageTemplateItem,
    PackageUse,
    Service,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.prepaid import (
    PACKAGE_METHODS,
    is_expired,
    package_expiry,
    unused_value,
)
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.prepaid_settings import load_prepaid_settings
from salon_tui.services.stored_value import (
    check_amount,
    check_method,
    clean_text,
    run_action,
)
from salon_tui.services.stores import terminal_store

if TYPE_CHECKING:
    from salon_tui.services.sales import Approval

PACKAGE_STATUS_LABELS = {
    "active": N_("in use"),
    "refunded": N_("refunded"),
    "closed": N_("closed"),
}
USE_KIND_LABELS = {
    "sold": N_("Sold"),
    "use": N_("Used"),
    "refund": N_("Refunded"),
    "transfer": N_("Transferred"),
    "reversal": N_("Given back by a refund"),
    "opening": N_("Brought from the previous system"),
}
VALIDITY_MAX_DAYS = 3660
USES_MAX = 999


@dataclass(frozen=True)
class TemplateView:
    id: int
    name: str
    price_cents: int
    validity_days: int
    refundable: bool
    active: bool
    items: tuple[tuple[str, int], ...]  # (service name, uses)

    @property
    def total_uses(self) -> int:
        return sum(uses for _name, uses in self.items)


@dataclass(frozen=True)
class PackageItemView:
    id: int
    service_id: int
    service_name: str
    total_uses: int
    uses_left: int


@dataclass(frozen=True)
class PackageView:
    id: int
    member_id: int
    member_name: str
    name: str
    price_cents: int
    sold_on: date
    expires_on: date
    status: str
    expired: bool
    refundable: bool
    refunded_cents: int
    items: tuple[PackageItemView, ...]

    @property
    def total_uses(self) -> int:
        return sum(item.total_uses for item in self.items)

    @property
    def uses_left(self) -> int:
        return sum(item.uses_left for item in self.items)

    @property
    def value_left_cents(self) -> int:
        return unused_value(self.price_cents, self.total_uses, self.uses_left)

    @property
    def usable(self) -> bool:
        return self.status == "active" and not self.expired and self.uses_left > 0


@dataclass(frozen=True)
class PackageRefund:
    package_id: int
    member_id: int
    uses_refunded: int
    refunded_cents: int
    method: str
    approved_by: str = ""  # the manager whose PIN approved it at the desk


@dataclass(frozen=True)
class _PackageResult:
    """What an action under an idempotency key keeps: the package, read again after."""

    package_id: int


@dataclass(frozen=True)
class UseView:
    id: int
    kind: str
    service_name: str
    uses: int
    reason: str
    business_day: date
    staff_name: str
    sale_id: int | None

    @property
    def kind_label(self) -> str:
        return _(USE_KIND_LABELS.get(self.kind, self.kind))


# --- templates ------------------------------------------------------------------------


def _template_view(session: Session, row: PackageTemplate) -> TemplateView:
    assert row.id is not None
    items = session.exec(
        select(Service.name, PackageTemplateItem.uses)
        .join(Service, col(Service.id) == col(PackageTemplateItem.service_id))
        .where(col(PackageTemplateItem.template_id) == row.id)
        .order_by(col(PackageTemplateItem.id))
    ).all()
    return TemplateView(
        row.id,
        row.name,
        row.price_cents,
        row.validity_days,
        row.refundable,
        row.active,
        tuple((name, uses) for name, uses in items),
    )


def add_template(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    price_cents: int,
    validity_days: int,
    items: Sequence[tuple[str, int]],
    *,
    refundable: bool = True,
) -> TemplateView:
    """A package the shop sells: ``items`` are (service code or name, uses)."""
    require(actor, "package.templates")
    with uow.transaction() as session:
        row = create_template(
            session, actor, name, price_cents, validity_days, items, refundable=refundable
        )
        return _template_view(session, row)


def create_template(
    session: Session,
    actor: Actor,
    name: str,
    price_cents: int,
    validity_days: int,
    items: Sequence[tuple[str, int]],
    *,
    refundable: bool = True,
) -> PackageTemplate:
    """``add_template`` inside a transaction already open (an import writes many)."""
    from salon_tui.services.catalog import find_service_row

    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 60:
        raise ValidationError(_("A package needs a name of at most 60 characters."), "name")
    if not 0 < validity_days <= VALIDITY_MAX_DAYS:
        raise ValidationError(
            _("Validity is between 1 and {days} days.").format(days=VALIDITY_MAX_DAYS),
            field="validity",
        )
    if not items:
        raise ValidationError(_("A package holds at least one service."), field="items")
    check_amount(session, price_cents, load_prepaid_settings(session))
    if session.exec(select(PackageTemplate.id).where(col(PackageTemplate.name) == cleaned)).first():
        raise Conflict(_("There is already a package called {name}.").format(name=cleaned))
    resolved: dict[int, int] = {}
    for reference, uses in items:
        service = find_service_row(session, reference)
        if service is None or service.id is None:
            raise NotFound(_("There is no service {code}.").format(code=reference))
        if not 0 < uses <= USES_MAX:
            raise ValidationError(
                _("A service is in a package 1 to {most} times.").format(most=USES_MAX),
                field="items",
            )
        resolved[service.id] = resolved.get(service.id, 0) + uses
    row = PackageTemplate(
        name=cleaned,
        price_cents=price_cents,
        validity_days=validity_days,
        refundable=refundable,
        created_at=utc_now(),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    for service_id, uses in resolved.items():
        session.add(PackageTemplateItem(template_id=row.id, service_id=service_id, uses=uses))
    session.flush()
    view = _template_view(session, row)
    audit.record(
        session,
        actor,
        "package.template_add",
        "package_template",
        row.id,
        after={
            "name": cleaned,
            "price_cents": price_cents,
            "validity_days": validity_days,
            "refundable": refundable,
            "items": [list(item) for item in view.items],
        },
    )
    return row


def retire_template(uow: UnitOfWork, actor: Actor, template_id: int) -> TemplateView:
    """Stop selling a package; those already sold stay valid."""
    require(actor, "package.templates")
    with uow.transaction() as session:
        row = session.get(PackageTemplate, template_id)
        if row is None:
            raise NotFound(_("There is no package #{id}.").format(id=template_id))
        if row.active:
            row.active = False
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor,
                "package.template_retire",
                "package_template",
                template_id,
                before={"active": True},
                after={"active": False},
            )
        return _template_view(session, row)


def list_templates(
    uow: UnitOfWork, actor: Actor, *, include_retired: bool = False
) -> list[TemplateView]:
    require(actor, "prepaid.view")
    with uow.read() as session:
        query = select(PackageTemplate).order_by(col(PackageTemplate.name))
        if not include_retired:
            query = query.where(col(PackageTemplate.active))
        return [_template_view(session, row) for row in session.exec(query)]


def find_template(session: Session, reference: str | int) -> PackageTemplate:
    """A template by id (``12`` or ``#12``) or exact name."""
    text = str(reference).strip().lstrip("#")
    row = session.get(PackageTemplate, int(text)) if text.isdigit() else None
    if row is None:
        row = session.exec(
            select(PackageTemplate).where(col(PackageTemplate.name) == str(reference).strip())
        ).first()
    if row is None:
        raise NotFound(_("There is no package {name}.").format(name=reference))
    return row


# --- sold packages --------------------------------------------------------------------


def package_views(
    session: Session, packages: Sequence[MemberPackage], today: date
) -> list[PackageView]:
    from salon_tui.data.models import Member

    ids = [p.id for p in packages]
    items: dict[int, list[PackageItemView]] = {}
    for item in session.exec(
        select(MemberPackageItem)
        .where(col(MemberPackageItem.package_id).in_(ids))
        .order_by(col(MemberPackageItem.id))
    ):
        items.setdefault(item.package_id, []).append(
            PackageItemView(
                item.id or 0, item.service_id, item.service_name, item.total_uses, item.uses_left
            )
        )
    names = {
        member.id: member.name
        for member in session.exec(
            select(Member).where(col(Member.id).in_({p.member_id for p in packages}))
        )
    }
    return [
        PackageView(
            id=p.id or 0,
            member_id=p.member_id,
            member_name=names.get(p.member_id, ""),
            name=p.name,
            price_cents=p.price_cents,
            sold_on=p.sold_on,
            expires_on=p.expires_on,
            status=p.status,
            expired=is_expired(p.expires_on, today),
            refundable=p.refundable,
            refunded_cents=p.refunded_cents,
            items=tuple(items.get(p.id or 0, ())),
        )
        for p in packages
    ]


def _load_package(session: Session, package_id: int, *, lock: bool = False) -> MemberPackage:
    query = select(MemberPackage).where(col(MemberPackage.id) == package_id)
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        raise NotFound(_("There is no sold package #{id}.").format(id=package_id))
    return row


def _view_one(session: Session, row: MemberPackage) -> PackageView:
    return package_views(session, [row], shop_today(session))[0]


def post_use(
    session: Session,
    actor: Actor,
    package: MemberPackage,
    item: MemberPackageItem,
    kind: str,
    uses: int,
    *,
    day: date,
    reason: str = "",
    sale_id: int | None = None,
    sale_line_id: int | None = None,
    refuse: str = "",
) -> PackageUse:
    """Append a ledger row and move the item's cache by ``uses`` (signed), never below 0."""
    assert item.id is not None and package.id is not None
    table = MemberPackageItem.__table__  # type: ignore[attr-defined]
    moved = session.execute(
        update(table)
        .where(table.c.id == item.id, table.c.uses_left + uses >= 0)
        .values(uses_left=table.c.uses_left + uses)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            refuse or _("No uses of {service} are left.").format(service=item.service_name)
        )
    session.refresh(item)
    row = PackageUse(
        package_id=package.id,
        item_id=item.id,
        member_id=package.member_id,
        kind=kind,
        uses=uses,
        reason=reason,
        sale_id=sale_id,
        sale_line_id=sale_line_id,
        business_day=day,
        staff_id=actor.staff_id,
        created_at=utc_now(),
    )
    session.add(row)
    session.flush()
    return row


def sell_package(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    template: str | int,
    method: str,
    reference: str = "",
    *,
    key: str | None = None,
) -> PackageView:
    """Sell a package to a member, paid by ``method`` (cash into the drawer, or the
    member's stored value). Valid from today for the template's days."""
    require(actor, "package.sell")
    cleaned_reference = check_method(method, reference, PACKAGE_METHODS)

    def body(session: Session) -> _PackageResult:
        return _PackageResult(
            sell_package_in(session, actor, member_id, template, method, cleaned_reference)
        )

    done = run_action(uow, key, "package.sell", body, _PackageResult)
    return get_package(uow, actor, done.package_id)


def sell_package_in(
    session: Session,
    actor: Actor,
    member_id: int,
    template: str | int,
    method: str,
    reference: str = "",
    *,
    sale_id: int | None = None,
    sale_line_id: int | None = None,
    seller_id: int | None = None,
) -> int:
    """Sell a package inside the caller's transaction; the new package's id. Sold on a
    sale (``sale_id``, ``sale_line_id``), the sale's payments take the money and the
    package and its first ledger rows are linked to the sale and its line, and
    ``seller_id`` (the person on the line) is who sold it."""
    member = load_member(session, member_id)
    if member.status != "active":
        raise Conflict(_("{name} is archived: restore the member first.").format(name=member.name))
    found = find_template(session, template)
    if not found.active:
        raise Conflict(_("{name} is no longer sold.").format(name=found.name))
    assert found.id is not None
    day = shop_today(session)
    items = session.exec(
        select(PackageTemplateItem, Service)
        .join(Service, col(Service.id) == col(PackageTemplateItem.service_id))
        .where(col(PackageTemplateItem.template_id) == found.id)
        .order_by(col(PackageTemplateItem.id))
    ).all()
    package = MemberPackage(
        member_id=member_id,
        template_id=found.id,
        name=found.name,
        price_cents=found.price_cents,
        total_uses=sum(item.uses for item, _service in items),
        refundable=found.refundable,
        method=method,
        reference=reference,
        sold_on=day,
        expires_on=package_expiry(day, found.validity_days),
        sale_id=sale_id,
        staff_id=seller_id or actor.staff_id,
        store_id=terminal_store(session).id,
        sold_at=utc_now(),
    )
    session.add(package)
    session.flush()
    assert package.id is not None
    for item, service in items:
        assert service.id is not None
        sold = MemberPackageItem(
            package_id=package.id,
            service_id=service.id,
            service_name=service.name,
            total_uses=item.uses,
            uses_left=0,
        )
        session.add(sold)
        session.flush()
        post_use(
            session,
            actor,
            package,
            sold,
            "sold",
            item.uses,
            day=day,
            sale_id=sale_id,
            sale_line_id=sale_line_id,
        )
    if sale_id is None:
        from salon_tui.services.card_commission import fix_for_card

        fix_for_card(
            session, package.staff_id, "package", package.id, found.price_cents, day,
            package.store_id,
        )  # fmt: skip
    # Sold on a sale, the sale's payments took the money; otherwise the method does.
    if sale_id is None and method == "stored_value":
        from salon_tui.services.stored_value import spend_in

        spend_in(
            session,
            actor,
            member_id,
            found.price_cents,
            kind="package",
            note=found.name,
        )
    elif sale_id is None and method == "cash":
        from salon_tui.services import drawer

        drawer.add_movement(
            session,
            drawer.require_open_id(session),
            actor,
            "prepaid",
            found.price_cents,
            note=found.name,
        )
    audit.record(
        session,
        actor,
        "package.sell",
        "member",
        member_id,
        after={
            "package_id": package.id,
            "name": found.name,
            "price_cents": found.price_cents,
            "method": method,
            "reference": reference,
            "sale_id": sale_id,
            "expires_on": package.expires_on.isoformat(),
        },
    )
    return package.id


def refund_unused_in(
    session: Session,
    actor: Actor,
    package_id: int,
    amount_cents: int,
    reason: str,
    *,
    refund_id: int | None = None,
) -> None:
    """Give back a package none of whose uses were taken, inside the refund of the sale
    that sold it (the refund pays ``amount_cents`` out by its own tenders): every use
    leaves the ledger and the package ends as refunded. Refused once a use was taken,
    or for a package sold as not refundable."""
    package = _load_package(session, package_id, lock=True)
    if package.status != "active":
        raise Conflict(_("Package #{id} has ended already.").format(id=package_id))
    if not package.refundable:
        raise Conflict(_("{name} cannot be refunded.").format(name=package.name))
    items = list(
        session.exec(
            select(MemberPackageItem).where(col(MemberPackageItem.package_id) == package_id)
        )
    )
    if sum(item.uses_left for item in items) != package.total_uses:
        raise Conflict(
            _(
                "{name} has been used already: refund its unused uses from the Cards "
                "screen instead."
            ).format(name=package.name)
        )
    _end_refunded(
        session,
        actor,
        package,
        items,
        amount_cents,
        reason,
        shop_today(session),
        sale_id=package.sale_id,
        method="sale",
        refund_id=refund_id,
    )


def _end_refunded(
    session: Session,
    actor: Actor,
    package: MemberPackage,
    items: Sequence[MemberPackageItem],
    amount_cents: int,
    reason: str,
    day: date,
    *,
    method: str,
    sale_id: int | None = None,
    **audited: object,
) -> None:
    """Take every unused use out of the ledger and end the package as refunded by
    ``method`` on ``day`` in this desk's store (the day close counts that money), audited
    with what the caller adds."""
    left = sum(item.uses_left for item in items)
    for item in items:
        if item.uses_left:
            post_use(
                session,
                actor,
                package,
                item,
                "refund",
                -item.uses_left,
                day=day,
                reason=reason,
                sale_id=sale_id,
            )
    package.status = "refunded"
    package.refunded_cents = amount_cents
    package.refund_method = method
    package.refunded_on = day
    package.refund_store_id = terminal_store(session).id
    session.add(package)
    session.flush()
    audit.record(
        session,
        actor,
        "package.refund",
        "member",
        package.member_id,
        after={
            "package_id": package.id,
            "uses": left,
            "refunded_cents": amount_cents,
            "method": method,
            **audited,
            "reason": reason,
        },
    )


def _check_usable(session: Session, package: MemberPackage, member_id: int | None) -> None:
    if member_id is not None and package.member_id != member_id:
        raise Conflict(_("Package #{id} belongs to another member.").format(id=package.id))
    if package.status != "active":
        raise Conflict(
            _("Package #{id} is {status}.").format(
                id=package.id, status=_(PACKAGE_STATUS_LABELS.get(package.status, package.status))
            )
        )
    if is_expired(package.expires_on, shop_today(session)):
        raise Conflict(
            _("Package #{id} expired on {day}.").format(id=package.id, day=package.expires_on)
        )


def _item_for(
    session: Session, package: MemberPackage, service: str | int | None
) -> MemberPackageItem:
    items = list(
        session.exec(
            select(MemberPackageItem)
            .where(col(MemberPackageItem.package_id) == package.id)
            .order_by(col(MemberPackageItem.id))
        )
    )
    if service is None or service == "":
        if len(items) == 1:
            return items[0]
        raise ValidationError(
            _("Package #{id} holds several services; say which one: {names}.").format(
                id=package.id, names=", ".join(item.service_name for item in items)
            ),
            field="service",
        )
    for item in items:
        if isinstance(service, int) and item.service_id == service:
            return item
        if isinstance(service, str) and service.strip() in (
            item.service_name,
            str(item.service_id),
        ):
            return item
    if isinstance(service, str):
        from salon_tui.services.catalog import find_service_row

        row = find_service_row(session, service)
        for item in items:
            if row is not None and item.service_id == row.id:
                return item
    raise ValidationError(
        _("Package #{id} does not hold {service}.").format(id=package.id, service=service),
        field="service",
    )


def use_in(
    session: Session,
    actor: Actor,
    package_id: int,
    service: str | int | None,
    *,
    member_id: int | None = None,
    reason: str = "",
    sale_id: int | None = None,
) -> PackageView:
    """Take one use inside the caller's transaction (checkout's, or a manual use)."""
    package = _load_package(session, package_id, lock=True)
    _check_usable(session, package, member_id)
    item = _item_for(session, package, service)
    post_use(
        session,
        actor,
        package,
        item,
        "use",
        -1,
        day=shop_today(session),
        reason=reason,
        sale_id=sale_id,
    )
    audit.record(
        session,
        actor,
        "package.use",
        "member",
        package.member_id,
        after={
            "package_id": package_id,
            "service": item.service_name,
            "reason": reason,
            "sale_id": sale_id,
            "uses_left": item.uses_left,
        },
    )
    return _view_one(session, package)


def use_package(
    uow: UnitOfWork,
    actor: Actor,
    package_id: int,
    service: str | int | None,
    reason: str,
    *,
    member_id: int | None = None,
    key: str | None = None,
) -> PackageView:
    """Use one service of a package by hand, with a reason (a visit recorded outside
    checkout). Refused when expired, used up, refunded or another member's."""
    require(actor, "package.use")
    cleaned = clean_text(reason, 200, "reason")
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")

    def body(session: Session) -> _PackageResult:
        view = use_in(session, actor, package_id, service, member_id=member_id, reason=cleaned)
        return _PackageResult(view.id)

    done = run_action(uow, key, "package.use", body, _PackageResult)
    return get_package(uow, actor, done.package_id)


def transfer_package(
    uow: UnitOfWork, actor: Actor, package_id: int, to_member_id: int, reason: str
) -> PackageView:
    """Give what is left of a package to another member (manager), with a reason."""
    require(actor, "package.transfer")
    cleaned = clean_text(reason, 200, "reason")
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")
    with uow.transaction() as session:
        package = _load_package(session, package_id, lock=True)
        _check_usable(session, package, None)
        if package.member_id == to_member_id:
            raise Conflict(_("The package already belongs to that member."))
        receiver = load_member(session, to_member_id)
        if receiver.status != "active":
            raise Conflict(
                _("{name} is archived: restore the member first.").format(name=receiver.name)
            )
        from_member = package.member_id
        package.member_id = to_member_id
        session.add(package)
        session.flush()
        first_item = session.exec(
            select(MemberPackageItem).where(col(MemberPackageItem.package_id) == package_id)
        ).first()
        assert first_item is not None
        post_use(
            session,
            actor,
            package,
            first_item,
            "transfer",
            0,
            day=shop_today(session),
            reason=_("from member #{old} to #{new}: {reason}").format(
                old=from_member, new=to_member_id, reason=cleaned
            )[:200],
        )
        for member in (from_member, to_member_id):
            audit.record(
                session,
                actor,
                "package.transfer",
                "member",
                member,
                before={"package_id": package_id, "member_id": from_member},
                after={"package_id": package_id, "member_id": to_member_id, "reason": cleaned},
            )
        return _view_one(session, package)


def refund_package(
    uow: UnitOfWork,
    actor: Actor,
    package_id: int,
    method: str,
    reason: str,
    reference: str = "",
    *,
    key: str | None = None,
    approval: Approval | None = None,
) -> PackageRefund:
    """Refund the unused uses of a refundable package at its price pro rata (a manager,
    or the desk with a manager's ``approval`` on the spot); the package ends. Paid by
    ``method`` (back to stored value when it was paid so). Audited with the approver."""
    from salon_tui.services import approvals

    approvals.check_allowed(actor, "package.refund", approval)
    cleaned_reference = check_method(method, reference, PACKAGE_METHODS)
    cleaned = clean_text(reason, 200, "reason")
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")

    def body(session: Session) -> PackageRefund:
        approved = approvals.approved_by(session, actor, "package.refund", approval)
        package = _load_package(session, package_id, lock=True)
        _check_usable(session, package, None)
        if not package.refundable:
            raise Conflict(_("{name} cannot be refunded.").format(name=package.name))
        day = shop_today(session)
        items = list(
            session.exec(
                select(MemberPackageItem).where(col(MemberPackageItem.package_id) == package_id)
            )
        )
        left = sum(item.uses_left for item in items)
        amount = unused_value(package.price_cents, package.total_uses, left)
        from salon_tui.services.card_commission import reverse_for_card

        reverse_for_card(
            session, "package", package_id, amount, package.price_cents, day,
            terminal_store(session).id,
        )  # fmt: skip
        if method == "cash" and amount:
            from salon_tui.services import drawer

            drawer.add_movement(
                session, drawer.require_open_id(session), actor, "prepaid", -amount, note=cleaned
            )
        elif method == "stored_value" and amount:
            from salon_tui.domain.prepaid import Split
            from salon_tui.services.stored_value import open_account, post_entry

            post_entry(
                session,
                actor,
                open_account(session, package.member_id),
                "package_refund",
                Split(amount, 0),
                day=day,
                note=package.name,
            )
        _end_refunded(
            session,
            actor,
            package,
            items,
            amount,
            cleaned,
            day,
            method=method,
            reference=cleaned_reference,
            **approved,
        )
        return PackageRefund(
            package_id,
            package.member_id,
            left,
            amount,
            method,
            str(approved.get("approved_by", "")),
        )

    return run_action(uow, key, "package.refund", body, PackageRefund)


# --- reading ------------------------------------------------------------------------


def get_package(uow: UnitOfWork, actor: Actor, package_id: int) -> PackageView:
    require(actor, "prepaid.view")
    with uow.read() as session:
        return _view_one(session, _load_package(session, package_id))


def member_packages(
    uow: UnitOfWork, actor: Actor, member_id: int, *, include_finished: bool = False
) -> list[PackageView]:
    """A member's packages, newest first; finished ones (used up, expired, refunded) only
    when asked."""
    require(actor, "prepaid.view")
    with uow.read() as session:
        load_member(session, member_id)
        rows = list(
            session.exec(
                select(MemberPackage)
                .where(col(MemberPackage.member_id) == member_id)
                .order_by(col(MemberPackage.id).desc())
            )
        )
        views = package_views(session, rows, shop_today(session))
    return views if include_finished else [view for view in views if view.usable]


def package_history(uow: UnitOfWork, actor: Actor, package_id: int) -> list[UseView]:
    """A package's ledger, oldest first."""
    require(actor, "prepaid.view")
    from salon_tui.data.models import Staff

    with uow.read() as session:
        _load_package(session, package_id)
        names = {staff.id: staff.name for staff in session.exec(select(Staff))}
        rows = session.exec(
            select(PackageUse, MemberPackageItem.service_name)
            .join(MemberPackageItem, col(MemberPackageItem.id) == col(PackageUse.item_id))
            .where(col(PackageUse.package_id) == package_id)
            .order_by(col(PackageUse.id))
        ).all()
        return [
            UseView(
                row.id or 0,
                row.kind,
                service,
                row.uses,
                row.reason,
                row.business_day,
                names.get(row.staff_id, "") if row.staff_id else "",
                row.sale_id,
            )
            for row, service in rows
        ]


def check_package_ledger(session: Session) -> list[str]:
    """Every package item's uses left equal the sum of its ledger, within 0 … total."""
    sums = dict(
        session.exec(
            select(PackageUse.item_id, func.sum(PackageUse.uses)).group_by(col(PackageUse.item_id))
        ).all()
    )
    problems = []
    for item in session.exec(select(MemberPackageItem)):
        ledger = int(sums.get(item.id or 0, 0) or 0)
        if ledger != item.uses_left or not 0 <= item.uses_left <= item.total_uses:
            problems.append(
                _(
                    "Package #{package}, {service}: {cached} uses left cached, {ledger} in "
                    "the ledger, of {total}."
                ).format(
                    package=item.package_id,
                    service=item.service_name,
                    cached=item.uses_left,
                    ledger=ledger,
                    total=item.total_uses,
                )
            )
    return problems
