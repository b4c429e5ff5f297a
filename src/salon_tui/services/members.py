"""Member profiles: add, edit, archive and restore, show; finding one by card, phone or id.

Rules: one phone per active member (a duplicate is refused naming who holds it); phones
are stored in E.164 with the shop's country as the default region; an archived member
is restored before being edited. Staff without ``member.contact`` see phones masked and
no birth year. The audit keeps the names of changed personal fields, never their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import Allergy, Card, Member, MemberLevel, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain import cards as card_rules
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import business_date, utc_now
from salon_tui.domain.members import (
    Birthday,
    calling_code,
    clean_member_name,
    clean_tags,
    fold,
    local_phone,
    mask_phone,
    normalise_phone,
    parse_birthday,
    parse_gender,
)
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit, member_search
from salon_tui.services.member_levels import level_named, lowest_level, record_level_change
from salon_tui.services.permissions import require
from salon_tui.services.settings import SHOP_PREFIX, read_setting

# Fields whose values never reach the audit log (only their names do).
PERSONAL_FIELDS = frozenset(
    {"name", "phone", "gender", "birthday", "email", "notes", "preferences", "referrer"}
)
EDITABLE_FIELDS = (
    "name",
    "phone",
    "gender",
    "birthday",
    "level",
    "tags",
    "source",
    "referrer",
    "notes",
    "preferences",
    "preferred_stylist",
    "consent_sms",
    "consent_email",
    "email",
)
TEXT_LIMITS = {"source": 60, "email": 120, "notes": 4000, "preferences": 1000}


@dataclass(frozen=True)
class CardView:
    id: int
    number: str
    status: str
    issued_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class MemberView:
    id: int
    name: str
    phone: str  # national digits, or masked without member.contact
    gender: str
    birthday: str  # YYYY-MM-DD, or --MM-DD when the year is unknown or hidden
    level_id: int | None
    level: str
    tags: tuple[str, ...]
    source: str
    referrer_id: int | None
    referrer: str
    notes: str
    preferences: str
    preferred_stylist: str
    consent_sms: bool
    consent_email: bool
    email: str
    status: str
    merged_into_id: int | None
    last_seen_at: datetime | None
    created_at: datetime
    cards: tuple[CardView, ...]
    allergies: tuple[str, ...]
    contact_visible: bool

    @property
    def active_card(self) -> CardView | None:
        return next((card for card in self.cards if card.status == "active"), None)

    @property
    def is_archived(self) -> bool:
        return self.status != "active"


def shop_region(session: Session) -> str:
    return str(read_setting(session, SHOP_PREFIX + "country", "CN"))


def shop_today(session: Session) -> date:
    zone = str(read_setting(session, SHOP_PREFIX + "timezone", "Asia/Shanghai"))
    return business_date(utc_now(), zone)


def load_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(_("There is no member #{id}.").format(id=member_id))
    return member


def member_view(session: Session, member: Member, actor: Actor) -> MemberView:
    assert member.id is not None
    show = actor.can("member.contact")
    level = session.get(MemberLevel, member.level_id) if member.level_id else None
    referrer = session.get(Member, member.referrer_id) if member.referrer_id else None
    stylist = (
        session.get(Staff, member.preferred_stylist_id) if member.preferred_stylist_id else None
    )
    phone = local_phone(member.phone, calling_code(shop_region(session)))
    birthday = ""
    if member.birth_month and member.birth_day:
        birthday = Birthday(member.birth_month, member.birth_day, member.birth_year).text(
            with_year=show
        )
    cards = session.exec(
        select(Card)
        .where(col(Card.member_id) == member.id)
        .order_by(col(Card.issued_at), col(Card.id))
    ).all()
    allergies = session.exec(
        select(Allergy.substance).where(
            col(Allergy.member_id) == member.id, col(Allergy.removed_at).is_(None)
        )
    ).all()
    return MemberView(
        id=member.id,
        name=member.name,
        phone=phone if show or not phone else mask_phone(phone),
        gender=member.gender,
        birthday=birthday,
        level_id=member.level_id,
        level=level.name if level else "",
        tags=tuple(tag for tag in member.tags.split(",") if tag),
        source=member.source,
        referrer_id=member.referrer_id,
        referrer=referrer.name if referrer else "",
        notes=member.notes,
        preferences=member.preferences,
        preferred_stylist=stylist.name if stylist else "",
        consent_sms=member.consent_sms,
        consent_email=member.consent_email,
        email=member.email if show else ("***" if member.email else ""),
        status=member.status,
        merged_into_id=member.merged_into_id,
        last_seen_at=member.last_seen_at,
        created_at=member.created_at,
        cards=tuple(
            CardView(card.id or 0, card.number, card.status, card.issued_at, card.closed_at)
            for card in cards
        ),
        allergies=tuple(allergies),
        contact_visible=show,
    )


# --- finding ---------------------------------------------------------------------------


def find_member_id(session: Session, reference: str) -> int:
    """MEMBER as people give it: ``#12`` or ``12`` (id), a card number, or a phone."""
    text = reference.strip()
    if not text:
        raise ValidationError(_("Say which member: an id, card number or phone."), field="member")
    bare = text.lstrip("#")
    card_number = card_rules.clean_card_text(text)
    card = session.exec(select(Card).where(col(Card.number) == card_number)).first()
    if card is not None:
        return card.member_id
    if bare.isdigit() and len(bare) < 7:
        if session.get(Member, int(bare)) is None:
            raise NotFound(_("There is no member #{id}.").format(id=bare))
        return int(bare)
    try:
        phone = normalise_phone(text, shop_region(session))
    except ValueError:
        phone = None
    if phone is not None:
        holders = session.exec(
            select(Member).where(col(Member.phone) == phone).order_by(col(Member.status))
        ).all()
        if holders:
            assert holders[0].id is not None
            return holders[0].id
    raise NotFound(
        _("No member has the id, card number or phone {reference!r}.").format(reference=text)
    )


def resolve_member(uow: UnitOfWork, actor: Actor, reference: str) -> int:
    require(actor, "member.view")
    with uow.read() as session:
        return find_member_id(session, reference)


def get_member(uow: UnitOfWork, actor: Actor, member_id: int) -> MemberView:
    """One member's profile (phone masked and birth year hidden without member.contact)."""
    require(actor, "member.view")
    with uow.read() as session:
        return member_view(session, load_member(session, member_id), actor)


# --- checking input --------------------------------------------------------------------


def _check_phone_free(session: Session, phone: str, member_id: int | None) -> None:
    holder = session.exec(
        select(Member).where(col(Member.phone) == phone, col(Member.status) == "active")
    ).first()
    if holder is not None and holder.id != member_id:
        raise Conflict(
            _("{phone} already belongs to {name} (#{id}); one phone per member.").format(
                phone=local_phone(phone, calling_code(shop_region(session))),
                name=holder.name,
                id=holder.id,
            ),
            field="phone",
        )


def _clean(session: Session, changes: dict[str, Any], member_id: int | None) -> dict[str, Any]:
    """Column values for the given fields, or ``ValidationError`` naming the field."""
    values: dict[str, Any] = {}
    for field, raw in changes.items():
        try:
            values.update(_clean_one(session, field, raw, member_id))
        except ValueError as error:
            raise ValidationError(str(error), field=field) from None
    return values


def _clean_one(session: Session, field: str, raw: Any, member_id: int | None) -> dict[str, Any]:
    if field == "name":
        name = clean_member_name(str(raw or ""))
        return {"name": name, "name_key": " ".join(fold(name).split())}
    if field == "phone":
        if raw is None or not str(raw).strip():
            return {"phone": None, "phone_tail": None}
        phone = normalise_phone(str(raw), shop_region(session))
        return {"phone": phone, "phone_tail": phone[-4:]}
    if field == "gender":
        return {"gender": parse_gender(str(raw or ""))}
    if field == "birthday":
        if raw is None or not str(raw).strip():
            return {"birth_year": None, "birth_month": None, "birth_day": None}
        birthday = parse_birthday(str(raw), shop_today(session))
        return {
            "birth_year": birthday.year,
            "birth_month": birthday.month,
            "birth_day": birthday.day,
        }
    if field == "level":
        if raw is None or raw == "":
            lowest = lowest_level(session)
            return {"level_id": lowest.id if lowest else None}
        level = (
            session.get(MemberLevel, raw)
            if isinstance(raw, int)
            else level_named(session, str(raw))
        )
        if level is None:
            raise ValueError(_("There is no level #{id}.").format(id=raw))
        return {"level_id": level.id}
    if field == "tags":
        return {"tags": ",".join(clean_tags(raw or ()))}
    if field == "referrer":
        if raw is None or raw == "":
            return {"referrer_id": None}
        referrer_id = raw if isinstance(raw, int) else find_member_id(session, str(raw))
        if referrer_id == member_id:
            raise ValueError(_("A member cannot refer themselves."))
        if session.get(Member, referrer_id) is None:
            raise ValueError(_("There is no member #{id}.").format(id=referrer_id))
        return {"referrer_id": referrer_id}
    if field == "preferred_stylist":
        if raw is None or raw == "":
            return {"preferred_stylist_id": None}
        from salon_tui.services.auth import find_staff_by_name

        staff = (
            session.get(Staff, raw)
            if isinstance(raw, int)
            else find_staff_by_name(session, str(raw))
        )
        if staff is None:
            raise ValueError(_("There is no staff member called {name}.").format(name=raw))
        return {"preferred_stylist_id": staff.id}
    if field in {"consent_sms", "consent_email"}:
        return {field: bool(raw)}
    if field in TEXT_LIMITS:
        text = str(raw or "").strip()
        if len(text) > TEXT_LIMITS[field]:
            raise ValueError(
                _("That is too long: at most {limit} characters.").format(limit=TEXT_LIMITS[field])
            )
        if field == "email" and text and ("@" not in text or " " in text):
            raise ValueError(_("{email!r} is not an email address.").format(email=text))
        return {field: text}
    raise ValueError(_("Unknown field: {names}").format(names=field))


def _audit_after(changed: list[str]) -> dict[str, Any]:
    return {"changed": sorted(changed)}


# --- changing --------------------------------------------------------------------------


def create_member(session: Session, actor: Actor, fields: dict[str, Any]) -> Member:
    """Insert a member inside the caller's transaction (import uses it row by row)."""
    if "name" not in fields:
        raise ValidationError(_("A name is needed."), field="name")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: {names}").format(names=", ".join(sorted(unknown))))
    values = _clean(session, {"level": None, **fields}, None)
    if values.get("phone"):
        _check_phone_free(session, values["phone"], None)
    now = utc_now()
    member = Member(**values, created_at=now, updated_at=now)
    session.add(member)
    session.flush()
    assert member.id is not None
    member_search.index_member(session, member.id, member.name, archived=False)
    audit.record(
        session, actor, "member.add", "member", member.id, after=_audit_after(list(fields))
    )
    return member


def add_member(uow: UnitOfWork, actor: Actor, **fields: Any) -> MemberView:
    """Add a member. Name needed; phone optional but unique among active members."""
    require(actor, "member.edit")
    with uow.transaction() as session:
        member = create_member(session, actor, fields)
        return member_view(session, member, actor)


def edit_fields(
    session: Session, actor: Actor, member: Member, changes: dict[str, Any]
) -> list[str]:
    """Apply profile changes inside the caller's transaction; the names of what changed."""
    assert member.id is not None
    changes = dict(changes)
    level_given = "level" in changes
    level_raw = changes.pop("level", None)
    changed: list[str] = []
    values: dict[str, Any] = {}
    for field, raw in changes.items():
        field_values = _clean(session, {field: raw}, member.id)
        if any(getattr(member, column) != value for column, value in field_values.items()):
            changed.append(field)
            values.update(field_values)
    if values.get("phone"):
        _check_phone_free(session, values["phone"], member.id)
    for column, value in values.items():
        setattr(member, column, value)
    if level_given:
        target = _clean(session, {"level": level_raw}, member.id)["level_id"]
        record_level_change(session, actor, member, target, _("changed by hand"))
    if changed:
        member.updated_at = utc_now()
        session.add(member)
        session.flush()
        if "name" in changed:
            member_search.index_member(session, member.id, member.name, archived=False)
        audit.record(
            session, actor, "member.edit", "member", member.id, after=_audit_after(changed)
        )
    return changed


def edit_member(uow: UnitOfWork, actor: Actor, member_id: int, **changes: Any) -> MemberView:
    """Change profile fields. An archived member is restored before being edited."""
    require(actor, "member.edit")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field: {names}").format(names=", ".join(sorted(unknown))))
    with uow.transaction() as session:
        member = load_member(session, member_id)
        if member.status != "active":
            raise Conflict(
                _("{name} is archived: restore the member before editing.").format(name=member.name)
            )
        edit_fields(session, actor, member, changes)
        return member_view(session, member, actor)


def archive_member(uow: UnitOfWork, actor: Actor, member_id: int) -> MemberView:
    """Archive: hidden from search unless asked for; the phone becomes free; history stays."""
    require(actor, "member.edit")
    with uow.transaction() as session:
        member = load_member(session, member_id)
        if member.status == "archived":
            return member_view(session, member, actor)
        member.status = "archived"
        member.updated_at = utc_now()
        session.add(member)
        member_search.set_archived(session, member_id, True)
        audit.record(
            session,
            actor,
            "member.archive",
            "member",
            member_id,
            before={"status": "active"},
            after={"status": "archived"},
        )
        return member_view(session, member, actor)


def restore_member(uow: UnitOfWork, actor: Actor, member_id: int) -> MemberView:
    """Bring an archived member back, if nobody active has taken their phone meanwhile."""
    require(actor, "member.edit")
    with uow.transaction() as session:
        member = load_member(session, member_id)
        if member.status == "active":
            return member_view(session, member, actor)
        if member.merged_into_id is not None:
            raise Conflict(
                _("{name} was merged into member #{id} and cannot come back.").format(
                    name=member.name, id=member.merged_into_id
                )
            )
        if member.phone:
            _check_phone_free(session, member.phone, member_id)
        member.status = "active"
        member.updated_at = utc_now()
        session.add(member)
        member_search.set_archived(session, member_id, False)
        audit.record(
            session,
            actor,
            "member.restore",
            "member",
            member_id,
            before={"status": "archived"},
            after={"status": "active"},
        )
        return member_view(session, member, actor)


def touch_last_seen(session: Session, member_id: int, moment: datetime) -> None:
    """Checkout calls this inside its transaction when a member pays."""
    member = load_member(session, member_id)
    if member.last_seen_at is None or member.last_seen_at < moment:
        member.last_seen_at = moment
        session.add(member)
