"""Patch tests at checkout: a service that needs a valid patch test warns on its cart
line, and the sale is not paid until the cashier has confirmed going ahead.

A line warns when its service is marked "needs a valid patch test" and the member on
the sale has no passed test for the service's category still valid today (the
category's validity in days, ``members.patch_test_days``); a walk-in has no patch test
on file. The cashier confirms once the client has been told (a colour after a failed
test is the client's and the stylist's call, not the till's); the confirmation is an
audit entry (``sale.patch_test_override``: who, the member, each line and why it
warned), and it is what paying the sale checks: a line that warns and was not
confirmed refuses the payment and nothing is charged. A line added or a member changed
after the confirmation warns again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlmodel import Session, col, select

from salon_tui.data.models import AuditEntry, PatchTest, Sale, Service
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.sales import LineKind
from salon_tui.errors import Conflict
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.member_safety import patch_test_category, patch_valid_until
from salon_tui.services.members import shop_today
from salon_tui.services.permissions import require
from salon_tui.services.sale_hooks import SALE_PAID, SalePaid
from salon_tui.services.sales import editable_sale, sale_lines

OVERRIDE_ACTION = "sale.patch_test_override"
NOTE_MAX = 200

# Why a line warns.
WALK_IN = "walk_in"  # nobody on the sale: no patch test on file
NONE_ON_FILE = "none"  # the member never had one for the category
FAILED = "failed"  # the latest one failed
EXPIRED = "expired"  # the latest one passed but is too old

CATEGORY_LABELS = {"colour": N_("colour"), "lash": N_("lash"), "perm": N_("perm")}


class SaleRow(Protocol):
    """What the check reads of a sale: a table row or the rows paying holds."""

    @property
    def id(self) -> int | None: ...
    @property
    def member_id(self) -> int | None: ...


class LineRow(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def item_id(self) -> int | None: ...
    @property
    def description(self) -> str: ...


@dataclass(frozen=True)
class PatchTestWarning:
    line_id: int
    service_id: int
    service: str  # what the line says
    category: str  # the patch test it needs: colour, lash …
    reason: str  # walk_in, none, failed, expired
    last_tested_on: date | None
    valid_until: date | None
    confirmed: bool  # the cashier confirmed going ahead on this sale

    def text(self) -> str:
        """The warning as the cashier reads it."""
        category = _(CATEGORY_LABELS.get(self.category, self.category))
        if self.reason == WALK_IN:
            found = _("walk-in: no patch test on file")
        elif self.reason == NONE_ON_FILE:
            found = _("no {category} patch test on file").format(category=category)
        elif self.reason == FAILED:
            found = _("the {category} patch test of {day} failed").format(
                category=category, day=self.last_tested_on
            )
        else:
            found = _("the {category} patch test expired on {day}").format(
                category=category, day=self.valid_until
            )
        return _("{service} needs a valid patch test: {found}").format(
            service=self.service, found=found
        )


def _line_key(line_id: int, service_id: int) -> str:
    # A line id may come back after a removal on SQLite: the service makes it the same.
    return f"{line_id}:{service_id}"


def _confirmed_keys(session: Session, sale: SaleRow) -> set[str]:
    keys: set[str] = set()
    for after in session.exec(
        select(AuditEntry.after).where(
            col(AuditEntry.entity) == "sale",
            col(AuditEntry.entity_id) == str(sale.id),
            col(AuditEntry.action) == OVERRIDE_ACTION,
        )
    ):
        recorded = json.loads(after)
        if recorded.get("member_id") == sale.member_id:
            keys.update(str(key) for key in recorded.get("lines", []))
    return keys


def warnings_in(
    session: Session, sale: SaleRow, lines: Sequence[LineRow]
) -> list[PatchTestWarning]:
    """The sale's service lines that need a valid patch test the client does not have."""
    service_ids = {line.item_id for line in lines if line.kind == LineKind.SERVICE and line.item_id}
    if not service_ids:
        return []
    needing = {
        service.id: service
        for service in session.exec(
            select(Service).where(
                col(Service.id).in_(service_ids), col(Service.needs_patch_test).is_(True)
            )
        )
    }
    if not needing:
        return []
    today = shop_today(session)
    latest: dict[str, PatchTest] = {}
    if sale.member_id is not None:
        for row in session.exec(
            select(PatchTest).where(col(PatchTest.member_id) == sale.member_id)
        ):
            best = latest.get(row.category)
            if best is None or (row.tested_on, row.id or 0) > (best.tested_on, best.id or 0):
                latest[row.category] = row
    confirmed = _confirmed_keys(session, sale)
    found: list[PatchTestWarning] = []
    for line in lines:
        service = needing.get(line.item_id) if line.kind == LineKind.SERVICE else None
        if service is None or line.id is None or service.id is None:
            continue
        category = patch_test_category(service)
        last = latest.get(category)
        until = patch_valid_until(session, last) if last is not None else None
        if sale.member_id is None:
            reason = WALK_IN
        elif last is None or until is None:
            reason = NONE_ON_FILE
        elif last.result != "pass":
            reason = FAILED
        elif today > until:
            reason = EXPIRED
        else:
            continue
        found.append(
            PatchTestWarning(
                line_id=line.id,
                service_id=service.id,
                service=line.description,
                category=category,
                reason=reason,
                last_tested_on=last.tested_on if last is not None else None,
                valid_until=until,
                confirmed=_line_key(line.id, service.id) in confirmed,
            )
        )
    return found


def cart_warnings(uow: UnitOfWork, actor: Actor, sale_id: int) -> tuple[PatchTestWarning, ...]:
    """The patch-test warnings of a sale's cart, each saying whether it was confirmed."""
    require(actor, "sales.sell")
    with uow.read() as session:
        sale = session.get(Sale, sale_id)
        if sale is None:
            return ()
        return tuple(warnings_in(session, sale, sale_lines(session, sale_id)))


def confirm_patch_tests(
    uow: UnitOfWork, actor: Actor, sale_id: int, note: str = ""
) -> tuple[PatchTestWarning, ...]:
    """The cashier goes ahead with the lines that warn (the client was told): audited
    with the member, each line and why it warned. Returns the warnings, confirmed."""
    require(actor, "sales.sell")
    cleaned = " ".join(note.split())[:NOTE_MAX]
    with uow.transaction() as session:
        sale = editable_sale(session, sale_id)
        found = [w for w in warnings_in(session, sale, sale_lines(session, sale_id))]
        waiting = [w for w in found if not w.confirmed]
        if waiting:
            audit.record(
                session,
                actor,
                OVERRIDE_ACTION,
                "sale",
                sale_id,
                after={
                    "member_id": sale.member_id,
                    "lines": [_line_key(w.line_id, w.service_id) for w in waiting],
                    "services": [w.service for w in waiting],
                    "reasons": [f"{w.category}:{w.reason}" for w in waiting],
                    "note": cleaned,
                },
            )
        return tuple(PatchTestWarning(**{**w.__dict__, "confirmed": True}) for w in found)


def refuse_unconfirmed(session: Session, _actor: Actor, paid: SalePaid) -> None:
    """Inside the paying transaction: refuse a sale with a line that warns and was not
    confirmed (the payment rolls back, nothing is charged)."""
    waiting = [w for w in warnings_in(session, paid.sale, paid.lines) if not w.confirmed]
    if waiting:
        raise Conflict(
            _("{warning}. Confirm going ahead first (F10 asks); nothing was charged.").format(
                warning=waiting[0].text()
            ),
            title=_("Patch test"),
        )


SALE_PAID.append(refuse_unconfirmed)
