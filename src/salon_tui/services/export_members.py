"""The members export kind: one row per member, personal columns masked for roles
without ``member.contact`` (phone as 138****8000, no birth year, no email)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import col

from salon_tui.data.models import Card, Member, MemberLevel
from salon_tui.domain.clock import day_bounds_utc, shop_time
from salon_tui.domain.members import Birthday, calling_code, local_phone, mask_phone
from salon_tui.i18n import N_
from salon_tui.services.exports import ExportColumn, ExportKind, ExportRequest, register
from salon_tui.services.settings import load_shop_settings


def _member_rows(request: ExportRequest) -> Iterator[Sequence[Any]]:
    show = request.actor.can("member.contact")
    with request.uow.read() as session:
        shop = load_shop_settings(session)
        own_code = calling_code(shop.country)
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
            )
            .outerjoin(MemberLevel, col(MemberLevel.id) == col(Member.level_id))
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
            ) = row
            local = local_phone(phone, own_code)
            birthday = Birthday(month, day, year).text(with_year=show) if month and day else ""
            yield [
                member_id,
                card or "",
                name,
                local if show or not local else mask_phone(local),
                gender,
                birthday,
                level or "",
                tags.replace(",", ", "),
                source,
                referrer,
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
            ExportColumn(N_("Tags"), N_("Manual tags.")),
            ExportColumn(N_("Source"), N_("How they found the shop.")),
            ExportColumn(N_("Referrer ID"), N_("The member who referred them.")),
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
