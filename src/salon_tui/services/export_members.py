"""The members export kind: one row per member, personal columns masked for roles
without ``member.contact`` (phone as 138****8000, no birth year, no email)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salon_tui.data.models import (
    Card,
    Member,
    MemberLevel,
    MemberPackage,
    MemberPackageItem,
    PointsAccount,
    StoredValueAccount,
)
from salon_tui.domain.clock import day_bounds_utc, shop_time
from salon_tui.domain.members import Birthday, calling_code, local_phone, mask_phone
from salon_tui.domain.money import to_decimal
from salon_tui.i18n import N_
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register
from salon_tui.services.settings import load_shop_settings


def _balances(
    session: Session, today: Any
) -> tuple[dict[int, tuple[int, int]], dict[int, int], dict[int, str]]:
    """Each member's stored value (principal, bonus), points, and usable package uses
    written as the members import reads them (``洗吹:5;头皮护理:2``)."""
    stored = {
        int(member_id): (int(principal), int(bonus))
        for member_id, principal, bonus in session.execute(
            select(
                col(StoredValueAccount.member_id),
                col(StoredValueAccount.principal_cents),
                col(StoredValueAccount.bonus_cents),
            )
        )
    }
    points = {
        int(member_id): int(balance)
        for member_id, balance in session.execute(
            select(col(PointsAccount.member_id), col(PointsAccount.balance))
        )
    }
    uses: dict[int, dict[str, int]] = {}
    for member_id, service, left in session.execute(
        select(
            col(MemberPackage.member_id),
            col(MemberPackageItem.service_name),
            col(MemberPackageItem.uses_left),
        )
        .join(MemberPackageItem, col(MemberPackageItem.package_id) == col(MemberPackage.id))
        .where(
            col(MemberPackage.status) == "active",
            col(MemberPackage.expires_on) >= today,
            col(MemberPackageItem.uses_left) > 0,
        )
        .order_by(col(MemberPackage.id), col(MemberPackageItem.id))
    ):
        held = uses.setdefault(int(member_id), {})
        held[service] = held.get(service, 0) + int(left)
    packages = {
        member_id: ";".join(f"{service}:{left}" for service, left in held.items())
        for member_id, held in uses.items()
    }
    return stored, points, packages


def _member_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    from salon_tui.services.members import shop_today

    show = request.actor.can("member.contact")
    referrer = aliased(Member)
    with request.uow.read() as session:
        shop = load_shop_settings(session)
        own_code = calling_code(shop.country)
        stored, points, packages = _balances(session, shop_today(session))
        query = (
            select(
                col(Member.id),
                col(Card.number),
                col(Member.name),
                col(Member.phone),
                col(Member.gender),
                col(Member.birth_year),
                col(Member.birth_month),
                col(Member.birth_day),
                col(MemberLevel.name),
                col(Member.tags),
                col(Member.source),
                col(Member.referrer_id),
                col(Member.notes),
                col(Member.consent_sms),
                col(Member.consent_email),
                col(Member.email),
                col(Member.status),
                col(Member.created_at),
                col(Member.last_seen_at),
                col(referrer.phone),
            )
            .outerjoin(MemberLevel, col(MemberLevel.id) == col(Member.level_id))
            .outerjoin(referrer, col(referrer.id) == col(Member.referrer_id))
            .outerjoin(
                Card, and_(col(Card.member_id) == col(Member.id), col(Card.status) == "active")
            )
            .order_by(col(Member.id))
        )
        if request.period.start is not None:
            start = day_bounds_utc(request.period.start, shop.timezone)[0]
            query = query.where(col(Member.created_at) >= start)
        if request.period.end is not None:
            end = day_bounds_utc(request.period.end, shop.timezone)[1]
            query = query.where(col(Member.created_at) < end)
        for row in session.execute(query):
            (
                member_id,
                card,
                name,
                phone,
                gender,
                year,
                month,
                day,
                level,
                tags,
                source,
                referrer,
                notes,
                sms,
                email_ok,
                email,
                status,
                created,
                seen,
                referrer_phone,
            ) = row
            local = local_phone(phone, own_code)
            referrer_local = local_phone(referrer_phone, own_code)
            principal, bonus = stored.get(member_id, (0, 0))
            birthday = Birthday(month, day, year).text(with_year=show) if month and day else ""
            yield [
                member_id,
                card or "",
                name,
                local if show or not local else mask_phone(local),
                gender,
                birthday,
                level or "",
                to_decimal(principal, shop.currency),
                to_decimal(bonus, shop.currency),
                points.get(member_id, 0),
                packages.get(member_id, ""),
                tags.replace(",", ", "),
                source,
                referrer,
                referrer_local if show or not referrer_local else mask_phone(referrer_local),
                notes,
                sms,
                email_ok,
                email if show else ("***" if email else ""),
                status,
                shop_time(created, shop.timezone).replace(tzinfo=None),
                shop_time(seen, shop.timezone).replace(tzinfo=None) if seen else None,
            ]


MEMBERS_EXPORT = register(
    ExportKind(
        name="members",
        title=N_("Members"),
        permission="member.export",
        columns=(
            ExportColumn(N_("ID"), N_("The member's number in this shop.")),
            ExportColumn(N_("Card"), N_("The active card number, if any.")),
            ExportColumn(N_("Name"), N_("As typed (text, never a formula).")),
            ExportColumn(N_("Phone"), N_("Masked (138****8000) without the contact permission.")),
            ExportColumn(N_("Gender"), N_("female, male, other or empty.")),
            ExportColumn(
                N_("Birthday"), N_("YYYY-MM-DD, or --MM-DD when the year is unknown or hidden.")
            ),
            ExportColumn(N_("Level"), N_("The membership level.")),
            ExportColumn(N_("Stored value"), N_("Principal held on the card, in the currency.")),
            ExportColumn(N_("Bonus"), N_("Bonus value held on the card, in the currency.")),
            ExportColumn(N_("Points"), N_("Points held.")),
            ExportColumn(
                N_("Packages"),
                N_("Uses left of usable packages, per service: 洗吹:5;头皮护理:2."),
            ),
            ExportColumn(N_("Tags"), N_("Manual tags.")),
            ExportColumn(N_("Source"), N_("How they found the shop.")),
            ExportColumn(N_("Referrer ID"), N_("The member who referred them.")),
            ExportColumn(
                N_("Referrer phone"),
                N_("The referrer's phone (masked without the contact permission)."),
            ),
            ExportColumn(N_("Notes"), N_("Notes for the desk.")),
            ExportColumn(N_("SMS allowed"), N_("Marketing SMS consent.")),
            ExportColumn(N_("Email allowed"), N_("Marketing email consent.")),
            ExportColumn(N_("Email"), N_("Hidden without the contact permission.")),
            ExportColumn(N_("Status"), N_("active or archived.")),
            ExportColumn(N_("Joined"), N_("Shop time the member was added.")),
            ExportColumn(N_("Last seen"), N_("Shop time of the last visit (checkout writes it).")),
        ),
        rows=_member_rows,
    )
)
