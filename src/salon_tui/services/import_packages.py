"""The package templates import kind (次卡 · 疗程卡 the shop sells), from another system's
list: a name, a price, a validity and the services with their counts
(``洗吹:5;头皮护理:2`` — service codes or names).

Every row is checked against the menu before anything is written. A package whose name
is already here is left as it is (``--update`` refreshes its price, validity, services
and flags), so importing the same file twice adds nothing. Packages already sold to
members keep what they were sold with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from salon_tui.data.models import PackageTemplate, PackageTemplateItem, Service
from salon_tui.domain.actor import Actor
from salon_tui.domain.tabular import Column, cell_text
from salon_tui.errors import SalonError, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.import_catalog import _flag, _money, _row_refused, _whole
from salon_tui.services.imports import (
    ImportKind,
    ImportOptions,
    RowContext,
    RowProblems,
    problem,
    register,
)
from salon_tui.services.packages import USES_MAX, VALIDITY_MAX_DAYS, create_template
from salon_tui.services.prepaid_settings import load_prepaid_settings
from salon_tui.services.stored_value import check_amount

DEFAULT_VALIDITY_DAYS = 365
NAME_MAX = 60

PACKAGE_COLUMNS = (
    Column(
        "name",
        (
            "名称",
            "套餐名称",
            "套餐",
            "次卡名称",
            "次卡",
            "疗程卡",
            "疗程名称",
            "package",
            "package name",
        ),
        required=True,
    ),
    Column("price", ("价格", "售价", "金额", "套餐价", "price (yuan)", "amount")),
    Column(
        "validity_days",
        ("有效期", "有效天数", "有效期天", "有效期(天)", "validity", "days", "valid days"),
    ),
    Column(
        "items",
        ("项目", "包含项目", "服务项目", "服务", "内容", "次数", "services", "items", "contents"),
        required=True,
    ),
    Column("refundable", ("可退", "可退款", "退款", "refund", "refundable")),
    Column("active", ("启用", "状态", "isactive", "is active", "status")),
)

_ITEM_SEPARATORS = re.compile(r"[;；,，、\n]+")
_COUNT = re.compile(r"^(?P<service>.+?)\s*(?:[:：×*]\s*|\s+)(?P<uses>\d+)\s*次?$")


@dataclass(frozen=True)
class PackageRow:
    row: int
    name: str
    price_cents: int
    validity_days: int
    items: tuple[tuple[int, str, int], ...]  # service id, code, uses
    refundable: bool
    active: bool


def _services(context: RowContext) -> tuple[dict[str, tuple[int, str]], dict[str, list[int]]]:
    """Services by code, and by name or English name (a name may be ambiguous)."""

    def load() -> tuple[dict[str, tuple[int, str]], dict[str, list[int]]]:
        by_code: dict[str, tuple[int, str]] = {}
        by_name: dict[str, list[int]] = {}
        for service_id, code, name, name_en in context.session.exec(
            select(Service.id, Service.code, Service.name, Service.name_en)
        ):
            by_code[code.casefold()] = (int(service_id or 0), code)
            for label in {name, name_en} - {""}:
                by_name.setdefault(" ".join(label.split()).casefold(), []).append(
                    int(service_id or 0)
                )
        return by_code, by_name

    return context.once("package_services", load)  # type: ignore[no-any-return]


def _codes(context: RowContext) -> dict[int, str]:
    by_code, _by_name = _services(context)
    return {service_id: code for service_id, code in by_code.values()}


def _parse_items(
    context: RowContext, row: int, text: str, found: list[Any]
) -> tuple[tuple[int, str, int], ...]:
    if not text:
        found.append(
            problem(row, "items", "", "missing_items", _("Name the services and their counts."))
        )
        return ()
    by_code, by_name = _services(context)
    codes = _codes(context)
    resolved: dict[int, int] = {}
    for part in (piece.strip() for piece in _ITEM_SEPARATORS.split(text)):
        if not part:
            continue
        match = _COUNT.match(part)
        if match is None:
            found.append(
                problem(
                    row,
                    "items",
                    part,
                    "bad_item",
                    _("Write each service as NAME:COUNT, e.g. 洗吹:5;头皮护理:2."),
                )
            )
            continue
        reference = " ".join(match["service"].split())
        uses = int(match["uses"])
        if not 0 < uses <= USES_MAX:
            found.append(
                problem(
                    row,
                    "items",
                    part,
                    "bad_uses",
                    _("A service is in a package 1 to {most} times.").format(most=USES_MAX),
                )
            )
            continue
        known = by_code.get(reference.casefold())
        named = by_name.get(reference.casefold(), [])
        if known is not None:
            service_id = known[0]
        elif len(named) == 1:
            service_id = named[0]
        else:
            found.append(
                problem(
                    row,
                    "items",
                    reference,
                    "ambiguous_service" if named else "unknown_service",
                    (
                        _("Several services are called {name}; use the code.")
                        if named
                        else _("There is no service {code} on the menu.")
                    ).format(name=reference, code=reference),
                )
            )
            continue
        resolved[service_id] = resolved.get(service_id, 0) + uses
    return tuple((service_id, codes[service_id], uses) for service_id, uses in resolved.items())


def read_package_row(context: RowContext, row: int, values: dict[str, Any]) -> PackageRow:
    found: list[Any] = []
    name = " ".join(cell_text(values.get("name")).split())
    if not name:
        found.append(problem(row, "name", "", "missing_name", _("A name is needed.")))
    elif len(name) > NAME_MAX:
        found.append(
            problem(
                row,
                "name",
                name,
                "long_name",
                _("A package needs a name of at most 60 characters."),
            )
        )
    elif (earlier := context.first_row_with("name", name.casefold(), row)) is not None:
        found.append(
            problem(row, "name", name, "dup_name", _("Same name as row {row}.").format(row=earlier))
        )
    price = _money(row, "price", values.get("price"), context.shop.currency, found)
    if not any(p.column == "price" for p in found):
        settings = context.once("prepaid_settings", lambda: load_prepaid_settings(context.session))
        try:
            check_amount(context.session, price, settings)
        except ValidationError as error:
            found.append(
                problem(row, "price", cell_text(values.get("price")), "bad_price", error.message)
            )
    validity = _whole(
        row, "validity_days", values.get("validity_days"), found, DEFAULT_VALIDITY_DAYS
    )
    if not 0 < validity <= VALIDITY_MAX_DAYS:
        found.append(
            problem(
                row,
                "validity_days",
                validity,
                "bad_validity",
                _("Validity is between 1 and {days} days.").format(days=VALIDITY_MAX_DAYS),
            )
        )
    items = _parse_items(context, row, cell_text(values.get("items")), found)
    refundable = _flag(row, "refundable", values.get("refundable"), found)
    active = _flag(row, "active", values.get("active"), found)
    if found:
        raise RowProblems(found)
    return PackageRow(row, name, price, validity, items, refundable, active)


def _current(session: Session, template: PackageTemplate) -> dict[str, Any]:
    items = session.exec(
        select(PackageTemplateItem.service_id, PackageTemplateItem.uses)
        .where(col(PackageTemplateItem.template_id) == template.id)
        .order_by(col(PackageTemplateItem.id))
    ).all()
    return {
        "price_cents": template.price_cents,
        "validity_days": template.validity_days,
        "refundable": template.refundable,
        "active": template.active,
        "items": sorted([int(service_id), int(uses)] for service_id, uses in items),
    }


def _update(session: Session, actor: Actor, template: PackageTemplate, record: PackageRow) -> bool:
    """Bring an existing template to the row's values; False when nothing differs."""
    assert template.id is not None
    before = _current(session, template)
    after = {
        "price_cents": record.price_cents,
        "validity_days": record.validity_days,
        "refundable": record.refundable,
        "active": record.active,
        "items": sorted([service_id, uses] for service_id, _code, uses in record.items),
    }
    if before == after:
        return False
    template.price_cents = record.price_cents
    template.validity_days = record.validity_days
    template.refundable = record.refundable
    template.active = record.active
    session.add(template)
    if before["items"] != after["items"]:
        session.execute(
            delete(PackageTemplateItem).where(col(PackageTemplateItem.template_id) == template.id)
        )
        for service_id, _code, uses in record.items:
            session.add(
                PackageTemplateItem(template_id=template.id, service_id=service_id, uses=uses)
            )
    session.flush()
    changed = [key for key in after if before[key] != after[key]]
    audit.record(
        session,
        actor,
        "package.template_update",
        "package_template",
        template.id,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return True


def write_packages(
    session: Session, actor: Actor, slices: Iterable[list[PackageRow]], options: ImportOptions
) -> dict[str, int]:
    added = updated = unchanged = 0
    for record in chain.from_iterable(slices):
        existing = session.exec(
            select(PackageTemplate).where(col(PackageTemplate.name) == record.name)
        ).first()
        try:
            if existing is None:
                created = create_template(
                    session,
                    actor,
                    record.name,
                    record.price_cents,
                    record.validity_days,
                    [(code, uses) for _id, code, uses in record.items],
                    refundable=record.refundable,
                )
                if not record.active:
                    created.active = False
                    session.add(created)
                added += 1
            elif options.update and _update(session, actor, existing, record):
                updated += 1
            else:
                unchanged += 1
        except SalonError as error:
            raise _row_refused(record.row, error) from error
    return {"added": added, "updated": updated, "unchanged": unchanged}


register(
    ImportKind(
        name="packages",
        title=N_("Package templates"),
        permission="package.templates",
        columns=PACKAGE_COLUMNS,
        read_row=read_package_row,
        write=write_packages,
    )
)
