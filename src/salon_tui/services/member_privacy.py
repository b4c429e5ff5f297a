"""A member's personal data: everything held about them, in one file; and erasure.

``personal_data`` gathers the profile, cards, level history, safety records, sales and
the timeline into sheets (xlsx or JSON, for a member who asks what the shop holds).
``erase_member`` removes the personal data and keeps what the books need: the member
row stays (sales, ledgers and commission still add up) but anonymous — no name, phone,
birthday, notes, safety records, search entries or name on old sales — and the cards
stop working. Both are the owner's (``member.personal_data``) and audited.

Other areas hold personal data too: they add a source to ``PERSONAL_DATA_SOURCES``
(sheets for the export), a step to ``ERASE_STEPS`` (clear theirs) and, when something
must happen first (money still on the card), a check to ``ERASE_CHECKS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from salon_tui.data.models import (
    Allergy,
    Card,
    Formula,
    Member,
    MemberGram,
    MemberLevel,
    MemberLevelChange,
    PatchTest,
    Sale,
)
from salon_tui.data.spreadsheets import Sheet, write_xlsx
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import shop_time, utc_now
from salon_tui.domain.money import to_decimal
from salon_tui.errors import Conflict, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.cards import CLOSE_CHECKS
from salon_tui.services.members import load_member
from salon_tui.services.permissions import require

# (session, member_id) → sheets of what the area holds about the member.
PersonalDataSource = Callable[[Session, int], list[Sheet]]
PERSONAL_DATA_SOURCES: list[PersonalDataSource] = []
# (session, actor, member_id) → how many rows the area cleared.
EraseStep = Callable[[Session, Actor, int], int]
ERASE_STEPS: list[tuple[str, EraseStep]] = []
# (session, member_id) → a reason to refuse the erasure now, or "".
EraseCheck = Callable[[Session, int], str]
ERASE_CHECKS: list[EraseCheck] = []


def _text(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _profile_sheet(session: Session, member: Member) -> Sheet:
    level = session.get(MemberLevel, member.level_id) if member.level_id else None
    referrer = session.get(Member, member.referrer_id) if member.referrer_id else None
    birthday = (
        "-".join(
            str(part)
            for part in (member.birth_year, member.birth_month, member.birth_day)
            if part is not None
        )
        if member.birth_month
        else ""
    )
    rows: list[list[Any]] = [
        [_("Member"), f"#{member.id}"],
        [_("Name"), member.name],
        [_("Phone"), member.phone or ""],
        [_("Gender"), member.gender],
        [_("Birth date"), birthday],
        [_("Level"), level.name if level else ""],
        [_("Tags"), member.tags],
        [_("Source"), member.source],
        [_("Referred by"), f"#{referrer.id} {referrer.name}" if referrer else ""],
        [_("Notes"), member.notes],
        [_("Preferences"), member.preferences],
        [_("Email"), member.email],
        [_("SMS consent"), _("yes") if member.consent_sms else _("no")],
        [_("Email consent"), _("yes") if member.consent_email else _("no")],
        [_("Status"), member.status],
        [_("Member since"), member.created_at.date()],
    ]
    return Sheet(_("Profile"), [_("Field"), _("Value")], rows)


def _own_sheets(session: Session, member_id: int, currency: str) -> list[Sheet]:
    cards = session.exec(
        select(Card).where(col(Card.member_id) == member_id).order_by(col(Card.id))
    )
    levels = {level.id: level.name for level in session.exec(select(MemberLevel))}
    changes = session.exec(
        select(MemberLevelChange)
        .where(col(MemberLevelChange.member_id) == member_id)
        .order_by(col(MemberLevelChange.at))
    )
    allergies = session.exec(select(Allergy).where(col(Allergy.member_id) == member_id))
    tests = session.exec(select(PatchTest).where(col(PatchTest.member_id) == member_id))
    formulas = session.exec(select(Formula).where(col(Formula.member_id) == member_id))
    sales = session.exec(
        select(Sale)
        .where(col(Sale.member_id) == member_id, col(Sale.number).is_not(None))
        .order_by(col(Sale.opened_at))
    )
    return [
        Sheet(
            _("Cards"),
            [_("Card"), _("Status"), _("Issued"), _("Closed")],
            [[c.number, c.status, c.issued_at, c.closed_at] for c in cards],
        ),
        Sheet(
            _("Level history"),
            [_("When"), _("From"), _("To"), _("Reason")],
            [
                [
                    change.at,
                    levels.get(change.from_level_id, ""),
                    levels.get(change.to_level_id, ""),
                    change.reason,
                ]
                for change in changes
            ],
        ),
        Sheet(
            _("Allergies"),
            [_("Substance"), _("Reaction"), _("Severity"), _("Recorded"), _("Removed")],
            [[a.substance, a.reaction, a.severity, a.recorded_at, a.removed_at] for a in allergies],
        ),
        Sheet(
            _("Patch tests"),
            [_("Date"), _("Product"), _("Category"), _("Result"), _("Note")],
            [[t.tested_on, t.product, t.category, t.result, t.note] for t in tests],
        ),
        Sheet(
            _("Formulas"),
            [_("Visit"), _("Kind"), _("Products"), _("Developer"), _("Minutes"), _("Note")],
            [
                [f.visit_on, f.kind, f.products, f.developer, f.processing_minutes, f.note]
                for f in formulas
            ],
        ),
        Sheet(
            _("Sales"),
            [_("Sale"), _("Date"), _("Status"), _("Total")],
            [
                [s.number, s.business_day, s.status, to_decimal(s.total_cents, currency)]
                for s in sales
            ],
        ),
    ]


@dataclass(frozen=True)
class PersonalData:
    member_id: int
    sheets: list[Sheet]

    def as_json(self) -> str:
        return json.dumps(
            {
                "member": self.member_id,
                "sheets": [
                    {
                        "title": sheet.title,
                        "rows": [
                            {
                                header: _text(value)
                                for header, value in zip(sheet.headers, row, strict=False)
                            }
                            for row in sheet.rows
                        ],
                    }
                    for sheet in self.sheets
                ],
            },
            ensure_ascii=False,
            indent=2,
        )


def personal_data(uow: UnitOfWork, actor: Actor, member_id: int) -> PersonalData:
    """Everything the shop holds about one member (profile, cards, safety, sales …)."""
    require(actor, "member.personal_data")
    from salon_tui.services.area_hooks import load_area_hooks
    from salon_tui.services.member_timeline import member_timeline
    from salon_tui.services.settings import load_shop_settings

    load_area_hooks()
    with uow.read() as session:
        member = load_member(session, member_id)
        shop = load_shop_settings(session)
        currency, timezone = str(shop.currency), str(shop.timezone)
        sheets = [_profile_sheet(session, member), *_own_sheets(session, member_id, currency)]
        for source in PERSONAL_DATA_SOURCES:
            sheets.extend(source(session, member_id))
    timeline = member_timeline(uow, actor, member_id)
    sheets.append(
        Sheet(
            _("Timeline"),
            [_("When"), _("What"), _("By")],
            [[event.at, event.text, event.staff] for event in timeline],
        )
    )
    return PersonalData(member_id, [_local_times(sheet, timezone) for sheet in sheets])


def _local_times(sheet: Sheet, timezone: str) -> Sheet:
    """Moments in the shop's time, as spreadsheets want them (no time zone attached)."""

    def local(value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return shop_time(value, timezone).replace(tzinfo=None)
        return value

    return Sheet(sheet.title, sheet.headers, [[local(v) for v in row] for row in sheet.rows])


def export_personal_data(uow: UnitOfWork, actor: Actor, member_id: int, target: Path) -> Path:
    """Write ``personal_data`` to ``target`` (.xlsx or .json), audited."""
    suffix = target.suffix.lower()
    if suffix not in {".xlsx", ".json"}:
        raise ValidationError(_("Write the personal data to a .xlsx or .json file."), field="out")
    data = personal_data(uow, actor, member_id)
    if suffix == ".json":
        target.write_text(data.as_json(), encoding="utf-8")
    else:
        write_xlsx(target, data.sheets)
    with uow.transaction() as session:
        audit.record(
            session,
            actor,
            "member.personal_data_export",
            "member",
            member_id,
            after={"file": target.name},
        )
    return target


@dataclass(frozen=True)
class Erased:
    member_id: int
    cleared: dict[str, int]


def _refusal(session: Session, member: Member) -> str:
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    if member.erased:
        return _("Member #{id}'s personal data was already erased.").format(id=member.id)
    assert member.id is not None
    for check in ERASE_CHECKS:
        reason = check(session, member.id)
        if reason:
            return reason
    cards = session.exec(
        select(Card).where(col(Card.member_id) == member.id, col(Card.status) == "active")
    )
    for card in cards:
        assert card.id is not None
        for close_check in CLOSE_CHECKS:
            reason = close_check(session, card.id)
            if reason:
                return reason
    return ""


def erase_member(uow: UnitOfWork, actor: Actor, member_id: int) -> Erased:
    """Remove a member's personal data, keep the books (see the module's docstring)."""
    require(actor, "member.personal_data")
    with uow.transaction() as session:
        member = load_member(session, member_id)
        refusal = _refusal(session, member)
        if refusal:
            raise Conflict(refusal)
        now = utc_now()
        cleared: dict[str, int] = {}
        for name, table in (
            ("allergies", Allergy),
            ("patch_tests", PatchTest),
            ("formulas", Formula),
            ("search_entries", MemberGram),
        ):
            result = session.execute(delete(table).where(col(table.member_id) == member_id))
            cleared[name] = int(getattr(result, "rowcount", 0) or 0)
        closed = session.execute(
            update(Card)
            .where(col(Card.member_id) == member_id, col(Card.status) == "active")
            .values(status="closed", closed_at=now, note=_("Personal data erased"))
        )
        cleared["cards_closed"] = int(getattr(closed, "rowcount", 0) or 0)
        labels = session.execute(
            update(Sale).where(col(Sale.member_id) == member_id).values(member_label="")
        )
        cleared["sale_labels"] = int(getattr(labels, "rowcount", 0) or 0)
        for name, step in ERASE_STEPS:
            cleared[name] = step(session, actor, member_id)
        anonymous = _("Erased member #{id}").format(id=member_id)
        for column, value in {
            "name": anonymous,
            "name_key": anonymous.casefold(),
            "phone": None,
            "phone_tail": None,
            "gender": "",
            "birth_year": None,
            "birth_month": None,
            "birth_day": None,
            "tags": "",
            "source": "",
            "referrer_id": None,
            "notes": "",
            "preferences": "",
            "preferred_stylist_id": None,
            "consent_sms": False,
            "consent_email": False,
            "email": "",
            "status": "archived",
            "erased": True,
            "updated_at": now,
        }.items():
            setattr(member, column, value)
        session.add(member)
        # Others who named this member as their referrer keep the link to an anonymous id.
        session.flush()
        audit.record(session, actor, "member.erase", "member", member_id, after=cleared)
        return Erased(member_id, cleared)
