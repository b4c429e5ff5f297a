"""Packages (次卡) at checkout: a package use priced on the line it covers, consumed
when the sale is paid, given back by a refund.

When the sale's member holds a valid package (theirs, active, not expired, uses left)
holding a service line's service, the line is priced with a package use: its price
comes off as a "Package use" whose explanation names the package and what is left.
The cashier may decline it for a line (the line is then charged in full). The uses
are taken in the paying transaction with a conditional update, so two terminals
cannot both take the last one; a package that expired or ran out while the sale was
parked is refused at pay with the reason. A refund of the line gives the uses back.

Imported by ``sale_hooks.load_checkout_plugins``; everything here runs inside the
cart's, the payment's or the refund's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from salon_tui.data import direct
from salon_tui.data.models import (
    MemberPackage,
    MemberPackageItem,
    PackageUse,
    Sale,
    SaleAdjustment,
    SaleLine,
    SalePackageChoice,
)
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.prepaid import is_expired
from salon_tui.domain.pricing import AdjustmentSource, LineDiscount
from salon_tui.domain.sales import LineKind, SaleStatus
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit, commission, packages, sale_receipts
from salon_tui.services.members import shop_today
from salon_tui.services.permissions import require
from salon_tui.services.sale_hooks import (
    SALE_PAID,
    SALE_PARKED,
    SALE_REFUNDED,
    SalePaid,
    SaleRefunded,
)
from salon_tui.services.sales import PRICE_RULES, CartView, build_cart_view, load_sale, sale_lines


@dataclass(frozen=True)
class LinePackageUse:
    """The uses of one package item a sale line is priced with."""

    line_id: int
    package_id: int
    item_id: int
    package_name: str
    service_name: str
    uses: int
    uses_left_after: int  # on that item, once this sale's uses are taken
    amount_cents: int

    @property
    def explanation(self) -> str:
        return _("{package} · {left} left").format(
            package=self.package_name, left=self.uses_left_after
        )


@dataclass(frozen=True)
class PackageAllocation:
    uses: dict[int, LinePackageUse] = field(default_factory=dict)
    # Lines priced with a package when the sale was parked that it no longer covers.
    problems: dict[int, str] = field(default_factory=dict)
    declined: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PackageChoiceMade:
    cart: CartView
    applied: bool
    message: str


def _covered_lines(lines: Sequence[StoredLine]) -> list[StoredLine]:
    """Service lines of the catalogue with a price: the ones a package may cover."""
    return [
        line
        for line in lines
        if line.kind == LineKind.SERVICE
        and line.item_id is not None
        and line.id is not None
        and line.unit_cents > 0
    ]


def _why_not(session: Session, item_id: int, today: Any) -> str:
    item = session.get(MemberPackageItem, item_id)
    package = session.get(MemberPackage, item.package_id) if item is not None else None
    if item is None or package is None:
        return _("The package this line was priced with no longer exists.")
    if package.status != "active":
        return _("Package {name} was {status} while the sale was parked.").format(
            name=package.name,
            status=_(packages.PACKAGE_STATUS_LABELS.get(package.status, package.status)),
        )
    if is_expired(package.expires_on, today):
        return _("Package {name} expired on {day} while the sale was parked.").format(
            name=package.name, day=package.expires_on.isoformat()
        )
    return _("No uses of {service} are left on package {name}.").format(
        service=item.service_name, name=package.name
    )


def allocate(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine], *, lock: bool = False
) -> PackageAllocation:
    """Which package uses the sale's lines are priced with, in line order.

    Each covered line takes up to its quantity of uses from one package item: the one
    pinned when the sale was parked, or else the member's package of that service that
    expires first. Uses are counted across lines, so two lines of a service with one
    use left get one use between them. ``lock`` reads the package items FOR UPDATE
    (the paying transaction)."""
    covered = _covered_lines(lines)
    if sale.member_id is None or not covered:
        return PackageAllocation()
    line_ids = [line.id for line in covered]
    choices = {
        choice.line_id: choice
        for choice in session.exec(
            select(SalePackageChoice).where(col(SalePackageChoice.line_id).in_(line_ids))
        )
    }
    declined = frozenset(line_id for line_id, c in choices.items() if c.declined)
    today = shop_today(session)
    query = (
        select(MemberPackageItem, MemberPackage)
        .join(MemberPackage, col(MemberPackage.id) == col(MemberPackageItem.package_id))
        .where(
            col(MemberPackage.member_id) == sale.member_id,
            col(MemberPackage.status) == "active",
            col(MemberPackage.expires_on) >= today,
            col(MemberPackageItem.uses_left) > 0,
            col(MemberPackageItem.service_id).in_({line.item_id for line in covered}),
        )
        .order_by(col(MemberPackage.expires_on), col(MemberPackage.id), col(MemberPackageItem.id))
    )
    if lock:
        query = query.with_for_update()
    candidates = session.exec(query).all()
    left = {item.id: item.uses_left for item, _package in candidates}
    uses: dict[int, LinePackageUse] = {}
    problems: dict[int, str] = {}
    for line in covered:
        assert line.id is not None
        if line.id in declined:
            continue
        pinned = choices.get(line.id)
        pinned_item = pinned.item_id if pinned is not None else None
        if pinned_item is not None and pinned_item not in left:
            item = session.get(MemberPackageItem, pinned_item)
            owner = session.get(MemberPackage, item.package_id) if item else None
            if owner is not None and owner.member_id == sale.member_id:
                problems[line.id] = _why_not(session, pinned_item, today)
                continue
            pinned_item = None  # another member's package: the sale's member changed
        found = next(
            (
                (item, package)
                for item, package in candidates
                if (item.id == pinned_item if pinned_item is not None else True)
                and item.service_id == line.item_id
                and left[item.id] > 0
            ),
            None,
        )
        if found is None:
            if pinned_item is not None:
                problems[line.id] = _why_not(session, pinned_item, today)
            continue
        item, package = found
        assert item.id is not None and package.id is not None
        taken = min(line.qty, left[item.id])
        left[item.id] -= taken
        uses[line.id] = LinePackageUse(
            line_id=line.id,
            package_id=package.id,
            item_id=item.id,
            package_name=package.name,
            service_name=item.service_name,
            uses=taken,
            uses_left_after=left[item.id],
            amount_cents=taken * line.unit_cents,
        )
    return PackageAllocation(uses, problems, declined)


def package_discounts(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine]
) -> dict[int, list[LineDiscount]]:
    """The price rule: a package use takes its services' price off the line first (so
    a level discount or a coupon applies only to what the package does not cover)."""
    return {
        line_id: [
            LineDiscount(
                AdjustmentSource.PACKAGE, amount_cents=use.amount_cents, explanation=use.explanation
            )
        ]
        for line_id, use in allocate(session, sale, lines).uses.items()
    }


# --- the desk's choice ----------------------------------------------------------------


def _open_sale_line(session: Session, sale_id: int, line_id: int) -> tuple[Sale, SaleLine]:
    sale = load_sale(session, sale_id, lock=True)
    if sale.status != SaleStatus.OPEN:
        raise Conflict(
            _("Packages are chosen on an open sale; this one is {status}.").format(
                status=sale.status
            )
        )
    line = session.get(SaleLine, line_id)
    if line is None or line.sale_id != sale_id:
        raise NotFound(_("That line is not on this sale."))
    return sale, line


def toggle_package(uow: UnitOfWork, actor: Actor, sale_id: int, line_id: int) -> PackageChoiceMade:
    """Decline the package use priced on a line (it is charged in full and the package
    keeps its uses), or take a declined one back. Refused, with the reason, when no
    package of the sale's member covers the line. Audited."""
    require(actor, "sales.sell")
    with uow.transaction() as session:
        sale, line = _open_sale_line(session, sale_id, line_id)
        if line.kind != LineKind.SERVICE or line.item_id is None:
            raise ValidationError(
                _("Packages cover the shop's services; {item} is not one.").format(
                    item=line.description
                )
            )
        if sale.member_id is None:
            raise ValidationError(
                _("Packages belong to a member: put the member on the sale first (Ctrl+E).")
            )
        choice = session.exec(
            select(SalePackageChoice).where(col(SalePackageChoice.line_id) == line_id)
        ).first()
        lines = sale_lines(session, sale_id)
        if choice is not None and choice.declined:
            session.delete(choice)
            session.flush()
            use = allocate(session, sale, lines).uses.get(line_id)
            if use is None:
                raise ValidationError(
                    _("No package of this member covers {service} now.").format(
                        service=line.description
                    )
                )
            audit.record(
                session,
                actor,
                "package.accept",
                "sale",
                sale_id,
                after={"line_id": line_id, "package_id": use.package_id},
            )
            message = _("{service}: package {package} is used ({left} left after).").format(
                service=line.description, package=use.package_name, left=use.uses_left_after
            )
            return PackageChoiceMade(build_cart_view(session, sale), True, message)
        allocation = allocate(session, sale, lines)
        if line_id not in allocation.uses and line_id not in allocation.problems:
            raise ValidationError(
                _("No package of this member covers {service}.").format(service=line.description)
            )
        if choice is None:
            session.add(SalePackageChoice(line_id=line_id, declined=True, created_at=utc_now()))
        else:
            choice.declined = True
            choice.item_id = None
            session.add(choice)
        session.flush()
        use = allocation.uses.get(line_id)
        audit.record(
            session,
            actor,
            "package.decline",
            "sale",
            sale_id,
            after={"line_id": line_id, "package_id": use.package_id if use else None},
        )
        message = _("{service} is charged in full; the package keeps its uses.").format(
            service=line.description
        )
        return PackageChoiceMade(build_cart_view(session, sale), False, message)


def pin_packages_on_park(
    session: Session, actor: Actor, sale: Sale, lines: Sequence[SaleLine]
) -> None:
    """Remember which package each line was priced with when the sale is set aside."""
    allocation = allocate(session, sale, lines)
    if not allocation.uses:
        return
    pinned = set(
        session.exec(
            select(SalePackageChoice.line_id).where(
                col(SalePackageChoice.line_id).in_(list(allocation.uses))
            )
        ).all()
    )
    for line_id, use in allocation.uses.items():
        if line_id not in pinned:
            session.add(
                SalePackageChoice(line_id=line_id, item_id=use.item_id, created_at=utc_now())
            )
    session.flush()


# --- when a sale is paid or refunded ------------------------------------------------------


# Run on every paid sale (built once: see services/sales.py).
# By the sale (a subquery, not a list of its lines: a list is compiled anew every time).
_FORGET_CHOICES = delete(SalePackageChoice.__table__).where(  # type: ignore[attr-defined]
    col(SalePackageChoice.line_id).in_(
        select(SaleLine.id).where(col(SaleLine.sale_id) == bindparam("sale_id"))
    )
)


def use_packages(session: Session, actor: Actor, paid: SalePaid) -> None:
    """Take the package uses the paid sale was priced with (one conditional update per
    line: the last use cannot be taken twice); refuse the sale when a package it was
    priced with stopped covering it while it was parked."""
    sale = paid.sale
    allocation = allocate(session, sale, paid.lines, lock=True)
    by_id = {line.id: line for line in paid.lines}
    if allocation.problems:
        line_id, why = next(iter(allocation.problems.items()))
        raise Conflict(
            why
            + " "
            + _(
                "Decline the package for {service} (Ctrl+U at checkout) to charge it "
                "in full, then pay again."
            ).format(service=by_id[line_id].description)
        )
    # A walk-in's sale is priced without packages (they belong to a member), so only a
    # member's sale can have been priced with uses another till has taken since.
    priced = (
        dict(
            session.exec(
                select(SaleAdjustment.line_id, func.sum(SaleAdjustment.amount_cents))
                .where(
                    col(SaleAdjustment.line_id).in_(list(by_id)),
                    col(SaleAdjustment.source) == AdjustmentSource.PACKAGE.value,
                )
                .group_by(col(SaleAdjustment.line_id))
            ).all()
        )
        if sale.member_id is not None
        else {}
    )
    wanted = {line_id: use.amount_cents for line_id, use in allocation.uses.items()}
    if {k: int(v) for k, v in priced.items()} != wanted:
        raise Conflict(
            _("A package changed while this sale was being paid. Check the cart and pay again.")
        )
    for line_id, use in allocation.uses.items():
        package = session.get(MemberPackage, use.package_id)
        item = session.get(MemberPackageItem, use.item_id)
        assert package is not None and item is not None
        packages.post_use(
            session,
            actor,
            package,
            item,
            "use",
            -use.uses,
            day=paid.business_day,
            reason=sale.number or "",
            sale_id=sale.id,
            sale_line_id=line_id,
            refuse=_(
                "The last use of {service} on package {package} was just taken at another "
                "terminal. Pay again: the cart is priced without it."
            ).format(service=use.service_name, package=use.package_name),
        )
        audit.record(
            session,
            actor,
            "package.use",
            "member",
            package.member_id,
            after={
                "package_id": package.id,
                "service": item.service_name,
                "uses": use.uses,
                "sale": sale.number,
                "uses_left": item.uses_left,
            },
        )
    direct.run(session, _FORGET_CHOICES, {"sale_id": sale.id})


def restore_package_uses(session: Session, actor: Actor, refunded: SaleRefunded) -> None:
    """A refunded line gives back its package uses in proportion to the units returned
    (cumulative floors: once every unit is back, every use is back)."""
    from salon_tui.services.refunds import refunded_qty_by_line

    sale_id = refunded.sale.id
    line_ids = [line.id for line, _qty, _amount in refunded.lines if line.id is not None]
    rows = list(
        session.exec(
            select(PackageUse).where(
                col(PackageUse.sale_id) == sale_id,
                col(PackageUse.sale_line_id).in_(line_ids),
                col(PackageUse.kind).in_(["use", "reversal"]),
            )
        )
    )
    if not rows:
        return
    returned = refunded_qty_by_line(session, line_ids)
    for line, _qty, _amount in refunded.lines:
        taken = [row for row in rows if row.sale_line_id == line.id and row.kind == "use"]
        used = -sum(row.uses for row in taken)
        if used <= 0:
            continue
        given_back = sum(
            row.uses for row in rows if row.sale_line_id == line.id and row.kind == "reversal"
        )
        due = used * returned.get(line.id or 0, (0, 0))[0] // line.qty - given_back
        if due <= 0:
            continue
        package = session.get(MemberPackage, taken[0].package_id)
        item = session.get(MemberPackageItem, taken[0].item_id)
        assert package is not None and item is not None
        packages.post_use(
            session,
            actor,
            package,
            item,
            "reversal",
            due,
            day=refunded.refund.business_day,
            reason=refunded.refund.number,
            sale_id=sale_id,
            sale_line_id=line.id,
        )
        audit.record(
            session,
            actor,
            "package.restore",
            "member",
            package.member_id,
            after={
                "package_id": package.id,
                "service": item.service_name,
                "uses": due,
                "refund": refunded.refund.number,
                "uses_left": item.uses_left,
            },
        )


def package_use_values(
    session: Session, sale: StoredSale, lines: Sequence[StoredLine]
) -> dict[int, int]:
    """The commission basis a package use gives the line it covers: each use at the
    package's per-use value, its price shared over its uses to the fen (the uses of a
    package add up to its price, whatever order they are taken in). Runs in the paying
    transaction, with the same allocation the uses are then taken from."""
    allocation = allocate(session, sale, lines, lock=True)
    if not allocation.uses:
        return {}
    used: dict[int, int] = {}  # package id → uses taken before (this sale's counted in)
    values: dict[int, int] = {}
    for line_id, use in allocation.uses.items():
        package = session.get(MemberPackage, use.package_id)
        assert package is not None
        if package.total_uses <= 0 or package.price_cents <= 0:
            continue
        if use.package_id not in used:
            left = session.exec(
                select(func.coalesce(func.sum(MemberPackageItem.uses_left), 0)).where(
                    col(MemberPackageItem.package_id) == use.package_id
                )
            ).one()
            used[use.package_id] = max(package.total_uses - int(left), 0)
        before = min(used[use.package_id], package.total_uses)
        after = min(before + use.uses, package.total_uses)
        used[use.package_id] = after
        total, price = package.total_uses, package.price_cents
        values[line_id] = price * after // total - price * before // total
    return values


def packages_on_receipt(session: Session, sale: Any, statement: Any) -> Any:
    """The packages the sale used, with the uses left as the ledger stood after it (a
    reprint says the same)."""
    from salon_tui.printing.receipt import PackageBalance

    rows = list(
        session.exec(
            select(PackageUse).where(
                col(PackageUse.sale_id) == sale.id, col(PackageUse.kind) == "use"
            )
        )
    )
    if not rows:
        return statement
    balances = []
    for package_id in sorted({row.package_id for row in rows}):
        mine = [row for row in rows if row.package_id == package_id]
        last = max(row.id or 0 for row in mine)
        left = session.exec(
            select(func.coalesce(func.sum(PackageUse.uses), 0)).where(
                col(PackageUse.package_id) == package_id, col(PackageUse.id) <= last
            )
        ).one()
        package = session.get(MemberPackage, package_id)
        balances.append(
            PackageBalance(package.name if package else "?", -sum(r.uses for r in mine), int(left))
        )
    return replace(statement, packages=(*statement.packages, *balances))


# A package use comes off a line before any other automatic discount.
PRICE_RULES.insert(0, package_discounts)
SALE_PARKED.append(pin_packages_on_park)
SALE_PAID.append(use_packages)
SALE_REFUNDED.append(restore_package_uses)
sale_receipts.MEMBER_BLOCKS.append(packages_on_receipt)
commission.BASIS_EXTRAS.append(package_use_values)
