"""Points and packages a member list brings from a previous system: the members import's
积分 and 次卡 columns, written as opening ledger entries (``opening``) in the import's one
transaction, so every later balance check holds and the member's timeline says where
they came from.

The packages cell reads ``洗吹:5;头皮护理:2``: each name is matched to a package template
of one service (its price, pro rata, and validity carry over) or else to a service (by
name, English name or code). Uses of a service alone have no known price: they come in
unrefundable, valid for a year, under the retired template "Imported packages".

Importing the same file again adds nothing: a member who already has opening points or
imported packages is left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salon_tui.data.models import (
    MemberPackage,
    MemberPackageItem,
    PackageTemplate,
    PackageTemplateItem,
    PackageUse,
    PointsAccount,
    PointsEntry,
    Service,
)
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.members import fold
from salon_tui.domain.points import EntryKind, expiry_date
from salon_tui.domain.prepaid import package_expiry
from salon_tui.i18n import _
from salon_tui.services import import_members, points
from salon_tui.services.import_packages import DEFAULT_VALIDITY_DAYS
from salon_tui.services.imports import RowContext, problem
from salon_tui.services.members import shop_today
from salon_tui.services.packages import USES_MAX

CHUNK = 500
IMPORT_METHOD = "import"  # member_package.method of a package brought by an import

_SEPARATORS = re.compile(r"[;；,，、\n]+")
_PAIR = re.compile(r"^(.+?)\s*[:：×*]\s*(\d+)\s*次?$")
_AMBIGUOUS = ("ambiguous", None, None)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _key(name: str) -> str:
    return " ".join(fold(unicodedata.normalize("NFKC", name)).split())


def _package_names(session: Session) -> dict[str, tuple[str, int | None, int | None]]:
    """Folded name → ("template", template id, service id) or ("service", None, id).

    Services by code, English name and name (active ones win a clash); then package
    templates, which win over a service of the same name. A template of several services
    cannot say which service the uses are for: it is marked ambiguous, unless a service
    has that name.
    """
    names: dict[str, tuple[str, int | None, int | None]] = {}
    services = session.execute(
        sa_select(
            col(Service.id),
            col(Service.code),
            col(Service.name),
            col(Service.name_en),
            col(Service.active),
        ).order_by(col(Service.active), col(Service.id))
    ).all()
    for service_id, code, name, name_en, _active in services:
        for text in (code, name_en, name):
            if text:
                names[_key(text)] = ("service", None, service_id)
    items: dict[int, list[int]] = {}
    for template_id, service_id in session.exec(
        select(PackageTemplateItem.template_id, PackageTemplateItem.service_id)
    ):
        items.setdefault(template_id, []).append(service_id)
    for found_id, name in session.exec(select(PackageTemplate.id, PackageTemplate.name)):
        assert found_id is not None
        held = items.get(found_id, [])
        if len(held) == 1:
            names[_key(name)] = ("template", found_id, held[0])
        elif len(held) > 1 and _key(name) not in names:
            names[_key(name)] = _AMBIGUOUS
    return names


def read_packages(
    context: RowContext, found: list[Any], row: int, text: str
) -> tuple[tuple[str, int | None, int, int], ...]:
    """The packages cell of one row: (kind, template id, service id, uses) per service."""
    names = context.once("package_names", lambda: _package_names(context.session))
    held: dict[int, list[Any]] = {}
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        part = part.strip()
        if not part:
            continue
        match = _PAIR.match(part)
        if match is None:
            found.append(
                problem(
                    row,
                    "packages",
                    part,
                    "bad_package",
                    _("Write packages as name:uses, e.g. 洗吹:5;头皮护理:2."),
                )
            )
            continue
        name, uses = match.group(1).strip(), int(match.group(2))
        target = names.get(_key(name))
        if target is None:
            found.append(
                problem(
                    row,
                    "packages",
                    part,
                    "unknown_package",
                    _(
                        "No package or service is called {name!r}: import the services "
                        "(or the package templates) first."
                    ).format(name=name),
                )
            )
        elif target == _AMBIGUOUS:
            found.append(
                problem(
                    row,
                    "packages",
                    part,
                    "ambiguous_package",
                    _("{name} holds several services: write the uses left of each service.").format(
                        name=name
                    ),
                )
            )
        elif not 0 < uses <= USES_MAX:
            found.append(
                problem(
                    row,
                    "packages",
                    part,
                    "bad_package",
                    _("Uses are a whole number from 1 to {most}.").format(most=USES_MAX),
                )
            )
        else:
            kind, template_id, service_id = target
            assert service_id is not None
            if service_id in held:  # the same service twice: its uses add up
                held[service_id][3] += uses
            else:
                held[service_id] = [kind, template_id, service_id, uses]
    return tuple((kind, template, service, uses) for kind, template, service, uses in held.values())


def _holder_template(session: Session) -> int:
    """The retired template that imported uses of a service alone belong to."""
    name = _("Imported packages")
    found = session.exec(
        select(PackageTemplate.id).where(col(PackageTemplate.name) == name)
    ).first()
    if found is not None:
        return int(found)
    template = PackageTemplate(
        name=name,
        price_cents=0,
        validity_days=DEFAULT_VALIDITY_DAYS,
        refundable=False,
        active=False,
        created_at=utc_now(),
    )
    session.add(template)
    session.flush()
    assert template.id is not None
    return template.id


def write_opening_packages(
    session: Session, actor: Actor, members: list[tuple[int, Any]]
) -> dict[str, int]:
    """The packages column as imported packages, one per service, their uses as an
    ``opening`` ledger entry. What was written, for the import's audit entry."""
    from salon_tui.services.import_members import _insert_returning_ids

    wanted: dict[int, tuple[Any, ...]] = {}
    for member_id, record in members:
        if getattr(record, "packages", ()) and member_id not in wanted:
            wanted[member_id] = record.packages
    for chunk in _chunks(list(wanted)):
        for (member_id,) in session.execute(
            select(MemberPackage.member_id).where(
                col(MemberPackage.member_id).in_(chunk),
                col(MemberPackage.method) == IMPORT_METHOD,
            )
        ):
            wanted.pop(member_id, None)
    if not wanted:
        return {}
    day, now = shop_today(session), utc_now()
    template_ids = {
        template_id
        for entries in wanted.values()
        for kind, template_id, _service, _uses in entries
        if kind == "template"
    }
    templates = {
        row.id: row
        for row in session.exec(
            select(PackageTemplate).where(col(PackageTemplate.id).in_(template_ids))
        )
    }
    template_uses: dict[int, int] = {}
    for template_id, uses in session.exec(
        select(PackageTemplateItem.template_id, PackageTemplateItem.uses).where(
            col(PackageTemplateItem.template_id).in_(template_ids)
        )
    ):
        template_uses[template_id] = template_uses.get(template_id, 0) + uses
    service_names = dict(session.exec(select(Service.id, Service.name)).all())
    holder: int | None = None
    packages: list[dict[str, Any]] = []
    items: list[tuple[int, int, int]] = []  # (member, service, uses), as packages
    for member_id, entries in wanted.items():
        for kind, template_id, service_id, uses in entries:
            template = templates.get(template_id) if kind == "template" else None
            if template is not None and template_uses.get(template_id):
                name = template.name
                link = template_id
                price = template.price_cents * uses // template_uses[template_id]
                refundable, validity = template.refundable, template.validity_days
            else:
                if holder is None:
                    holder = _holder_template(session)
                name, link = service_names.get(service_id, ""), holder
                price, refundable, validity = 0, False, DEFAULT_VALIDITY_DAYS
            packages.append(
                {
                    "member_id": member_id,
                    "template_id": link,
                    "name": name[:60],
                    "price_cents": price,
                    "total_uses": uses,
                    "refundable": refundable,
                    "method": IMPORT_METHOD,
                    "reference": "",
                    "sold_on": day,
                    "expires_on": package_expiry(day, validity),
                    "status": "active",
                    "refunded_cents": 0,
                    "sale_id": None,
                    "staff_id": actor.staff_id,
                    "store_id": None,
                    "sold_at": now,
                }
            )
            items.append((member_id, service_id, uses))
    package_ids = _insert_returning_ids(session, MemberPackage.__table__, packages)  # type: ignore[attr-defined]
    item_ids = _insert_returning_ids(
        session,
        MemberPackageItem.__table__,  # type: ignore[attr-defined]
        [
            {
                "package_id": package_id,
                "service_id": service_id,
                "service_name": service_names.get(service_id, "")[:60],
                "total_uses": uses,
                "uses_left": uses,
            }
            for package_id, (_member, service_id, uses) in zip(package_ids, items, strict=True)
        ],
    )
    uses_rows = [
        {
            "package_id": package_id,
            "item_id": item_id,
            "member_id": member_id,
            "kind": "opening",
            "uses": uses,
            "reason": _("imported uses"),
            "sale_id": None,
            "sale_line_id": None,
            "business_day": day,
            "staff_id": actor.staff_id,
            "created_at": now,
        }
        for package_id, item_id, (member_id, _service, uses) in zip(
            package_ids, item_ids, items, strict=True
        )
    ]
    for chunk in _chunks(uses_rows):
        session.execute(insert(PackageUse.__table__), chunk)  # type: ignore[attr-defined]
    return {
        "opening_packages": len(packages),
        "opening_package_uses": sum(uses for _member, _service, uses in items),
    }


def write_opening_points(
    session: Session, actor: Actor, members: list[tuple[int, Any]]
) -> dict[str, int]:
    """The points column as one ``opening`` points entry per member, expiring as points
    earned today would. What was written, for the import's audit entry."""
    wanted: dict[int, int] = {}
    for member_id, record in members:
        held = int(getattr(record, "points", 0) or 0)
        if held > 0 and member_id not in wanted:
            wanted[member_id] = held
    accounts: set[int] = set()
    for chunk in _chunks(list(wanted)):
        for (member_id,) in session.execute(
            select(PointsEntry.member_id).where(
                col(PointsEntry.member_id).in_(chunk), col(PointsEntry.kind) == EntryKind.OPENING
            )
        ):
            wanted.pop(member_id, None)
        accounts.update(
            int(member_id)
            for (member_id,) in session.execute(
                select(PointsAccount.member_id).where(col(PointsAccount.member_id).in_(chunk))
            )
        )
    if not wanted:
        return {}
    now = utc_now()
    expires = expiry_date(shop_today(session), points.load_rules(session))
    reason = _("imported points")
    for member_id in [member_id for member_id in wanted if member_id in accounts]:
        points.add_entry(
            session,
            actor,
            member_id,
            EntryKind.OPENING,
            wanted[member_id],
            expires_on=expires,
            reason=reason,
        )
    fresh = [member_id for member_id in wanted if member_id not in accounts]
    for chunk in _chunks(fresh):
        session.execute(
            insert(PointsAccount.__table__),  # type: ignore[attr-defined]
            [
                {"member_id": member_id, "balance": wanted[member_id], "updated_at": now}
                for member_id in chunk
            ],
        )
        session.execute(
            insert(PointsEntry.__table__),  # type: ignore[attr-defined]
            [
                {
                    "member_id": member_id,
                    "kind": EntryKind.OPENING,
                    "points": wanted[member_id],
                    "expires_on": expires,
                    "amount_cents": 0,
                    "sale_id": None,
                    "refund_id": None,
                    "reason": reason,
                    "staff_id": actor.staff_id,
                    "at": now,
                }
                for member_id in chunk
            ],
        )
    return {"opening_points_members": len(wanted), "opening_points": sum(wanted.values())}


import_members.PACKAGE_READERS.append(read_packages)
import_members.PREPAID_WRITERS.extend([write_opening_points, write_opening_packages])
import_members.PREPAID_WRITTEN_COLUMNS.update({"points", "packages"})
