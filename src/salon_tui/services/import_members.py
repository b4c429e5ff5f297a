"""The members import kind: a member list from a previous system, with Chinese or English
headers (会员卡号, 姓名, 手机号, 性别, 生日, 会员等级, 储值余额 …).

Each row becomes a member with their card (legacy numbers kept as printed), level, tags,
allergies, joining date and referrer. Members already here (same card number, else same
phone) are left as they are, or refreshed with ``--update``: importing the same file twice
adds nothing. Balances, points and packages are checked but belong to prepaid: until it
lands the report says they were not imported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from salon_tui.data.models import Allergy, Card, Member, MemberLevel
from salon_tui.domain import cards as card_rules
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.dates import parse_date
from salon_tui.domain.members import (
    Birthday,
    clean_member_name,
    clean_tags,
    normalise_phone,
    parse_birthday,
    parse_gender,
)
from salon_tui.domain.money import parse_amount
from salon_tui.domain.tabular import Column, cell_text
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.cards import create_card
from salon_tui.services.imports import (
    ImportKind,
    ImportOptions,
    RowContext,
    RowProblems,
    problem,
    register,
)
from salon_tui.services.member_levels import find_level
from salon_tui.services.members import create_member, edit_fields, shop_today

COLUMNS = (
    Column("card_number", ("会员卡号", "卡号", "会员卡", "card", "card number", "card no")),
    Column("name", ("姓名", "会员姓名", "名字", "member", "member name"), required=True),
    Column("phone", ("手机号", "手机", "电话", "手机号码", "联系电话", "mobile", "telephone")),
    Column("gender", ("性别", "sex")),
    Column("birthday", ("生日", "出生日期", "birth date", "date of birth", "dob")),
    Column("level", ("会员等级", "等级", "级别", "member level")),
    Column("balance", ("储值余额", "余额", "卡内余额", "stored value", "principal")),
    Column("bonus_balance", ("赠送余额", "赠送金额", "bonus", "bonus balance")),
    Column("points", ("积分", "会员积分", "loyalty points")),
    Column("packages", ("次卡", "套餐", "疗程卡", "package", "prepaid services")),
    Column("allergies", ("过敏史", "过敏", "allergy", "allergy notes")),
    Column("tags", ("标签", "tag")),
    Column("notes", ("备注", "note", "remarks")),
    Column("joined", ("开卡日期", "入会日期", "注册日期", "join date", "member since")),
    Column("referrer_phone", ("推荐人手机", "推荐人电话", "推荐人", "referrer", "referred by")),
)
# Stored value, bonus, points and packages: prepaid's to write.
PREPAID_COLUMNS = ("balance", "bonus_balance", "points", "packages")


@dataclass(frozen=True)
class MemberRow:
    row: int
    name: str
    phone: str | None
    card_number: str | None
    level: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    allergies: str = ""
    joined: date | None = None
    referrer_phone: str | None = None
    balance_cents: int = 0
    bonus_cents: int = 0
    points: int = 0


def _date_cell(value: object) -> date | str:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return cell_text(value)


def _read_phone(found: list[Any], row: int, column: str, raw: str, region: str) -> str | None:
    if not raw:
        return None
    try:
        return normalise_phone(raw, region)
    except ValueError as error:
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))
        kind = "short_phone" if len(digits) < 11 else "bad_phone"
        found.append(problem(row, column, raw, kind, str(error)))
        return None


def _read_money(found: list[Any], row: int, column: str, raw: str, currency: str) -> int:
    if not raw:
        return 0
    try:
        cents = parse_amount(raw, currency)
    except ValueError as error:
        found.append(problem(row, column, raw, "bad_amount", str(error)))
        return 0
    if cents < 0:
        found.append(
            problem(row, column, raw, "negative_balance", _("A balance cannot be negative."))
        )
    return cents


def read_row(context: RowContext, row: int, values: dict[str, Any]) -> MemberRow:
    found: list[Any] = []
    text = {key: cell_text(value) for key, value in values.items()}
    region = str(getattr(context.shop, "country", "CN"))
    currency = str(getattr(context.shop, "currency", "CNY"))
    name = ""
    try:
        name = clean_member_name(text.get("name", ""))
    except ValueError as error:
        kind = "missing_name" if not text.get("name") else "bad_name"
        found.append(problem(row, "name", text.get("name", ""), kind, str(error)))
    phone = _read_phone(found, row, "phone", text.get("phone", ""), region)
    if phone is not None:
        earlier = context.first_row_with("phone", phone, row)
        if earlier is not None:
            found.append(
                problem(
                    row,
                    "phone",
                    text["phone"],
                    "dup_phone",
                    _("Same phone as row {row}.").format(row=earlier),
                )
            )
    card_number = None
    if text.get("card_number"):
        try:
            card_number = card_rules.validate_card_number(text["card_number"], allow_legacy=True)
        except ValueError as error:
            found.append(problem(row, "card_number", text["card_number"], "bad_card", str(error)))
        else:
            earlier = context.first_row_with("card", card_number, row)
            if earlier is not None:
                found.append(
                    problem(
                        row,
                        "card_number",
                        card_number,
                        "dup_card",
                        _("Same card number as row {row}.").format(row=earlier),
                    )
                )
    member_fields: dict[str, Any] = {}
    today = shop_today(context.session)
    birthday_cell = _date_cell(values.get("birthday"))
    if birthday_cell:
        try:
            if isinstance(birthday_cell, date):
                birthday = Birthday(birthday_cell.month, birthday_cell.day, birthday_cell.year)
                parse_birthday(birthday.text(), today)  # the same checks as typed dates
            else:
                birthday = parse_birthday(birthday_cell, today)
            member_fields["birthday"] = birthday.text()
        except ValueError as error:
            found.append(problem(row, "birthday", text["birthday"], "bad_date", str(error)))
    joined = None
    joined_cell = _date_cell(values.get("joined"))
    if joined_cell:
        try:
            joined = joined_cell if isinstance(joined_cell, date) else parse_date(joined_cell)
            if joined > today:
                raise ValueError(_("That date is in the future."))
        except ValueError as error:
            found.append(problem(row, "joined", text["joined"], "bad_date", str(error)))
            joined = None
    if text.get("gender"):
        try:
            member_fields["gender"] = parse_gender(text["gender"])
        except ValueError as error:
            found.append(problem(row, "gender", text["gender"], "bad_gender", str(error)))
    level = text.get("level") or None
    if level and find_level(context.session, level) is None and not context.options.create_levels:
        found.append(
            problem(
                row,
                "level",
                level,
                "unknown_level",
                _("There is no level {name!r} (use --create-levels to add it).").format(name=level),
            )
        )
    balance = _read_money(found, row, "balance", text.get("balance", ""), currency)
    bonus = _read_money(found, row, "bonus_balance", text.get("bonus_balance", ""), currency)
    points = 0
    if text.get("points"):
        try:
            points = int(text["points"])
            if points < 0:
                raise ValueError
        except ValueError:
            found.append(
                problem(
                    row, "points", text["points"], "bad_points", _("Points are a whole number.")
                )
            )
    try:
        tags = clean_tags(text.get("tags", ""))
    except ValueError as error:
        found.append(problem(row, "tags", text.get("tags", ""), "bad_tag", str(error)))
        tags = ()
    referrer_phone = None
    if text.get("referrer_phone"):
        referrer_phone = _read_phone(found, row, "referrer_phone", text["referrer_phone"], region)
    if found:
        raise RowProblems(found)
    if tags:
        member_fields["tags"] = ",".join(tags)
    if text.get("notes"):
        member_fields["notes"] = text["notes"]
    return MemberRow(
        row=row,
        name=name,
        phone=phone,
        card_number=card_number,
        level=level,
        fields=member_fields,
        allergies=text.get("allergies", ""),
        joined=joined,
        referrer_phone=referrer_phone,
        balance_cents=balance,
        bonus_cents=bonus,
        points=points,
    )


def _existing(session: Session, record: MemberRow) -> Member | None:
    if record.card_number:
        card = session.exec(select(Card).where(col(Card.number) == record.card_number)).first()
        if card is not None:
            return session.get(Member, card.member_id)
    if record.phone:
        return session.exec(
            select(Member).where(col(Member.phone) == record.phone, col(Member.status) == "active")
        ).first()
    return None


def _level_name(session: Session, actor: Actor, name: str | None, create: bool) -> str | None:
    if not name:
        return None
    level = find_level(session, name)
    if level is None and create:
        top = max((row.rank for row in session.exec(select(MemberLevel))), default=-1)
        level = MemberLevel(name=" ".join(name.split())[:40], rank=top + 1)
        session.add(level)
        session.flush()
        audit.record(
            session, actor, "member_level.add", "member_level", level.id, after={"name": level.name}
        )
    return level.name if level else None


def write(
    session: Session, actor: Actor, records: list[MemberRow], options: ImportOptions
) -> dict[str, int]:
    """Add new members with their cards; leave (or with --update refresh) existing ones."""
    from salon_tui.services.settings import SHOP_PREFIX, read_setting

    zone = ZoneInfo(str(read_setting(session, SHOP_PREFIX + "timezone", "Asia/Shanghai")))
    added = updated = unchanged = cards_issued = 0
    by_phone: dict[str, int] = {}
    for record in records:
        level = _level_name(session, actor, record.level, options.create_levels)
        fields = {**record.fields, "name": record.name}
        if record.phone:
            fields["phone"] = record.phone
        if level:
            fields["level"] = level
        member = _existing(session, record)
        if member is not None:
            if options.update:
                edit_fields(session, actor, member, fields)
                updated += 1
            else:
                unchanged += 1
        else:
            member = create_member(session, actor, fields)
            if record.joined is not None:
                joined_at = datetime.combine(record.joined, time(12), tzinfo=zone).astimezone(UTC)
                member.created_at = min(joined_at, utc_now())
                session.add(member)
            if record.allergies:
                assert member.id is not None
                session.add(
                    Allergy(
                        member_id=member.id,
                        substance=record.allergies[:100],
                        recorded_by=actor.staff_id,
                        recorded_at=utc_now(),
                    )
                )
            if record.card_number:
                create_card(session, actor, member, record.card_number, moment=member.created_at)
                cards_issued += 1
            added += 1
        assert member.id is not None
        for write_prepaid in PREPAID_WRITERS:
            write_prepaid(session, actor, member.id, record)
        if record.phone:
            by_phone[record.phone] = member.id
    for record in records:
        if not record.referrer_phone or not record.phone:
            continue
        referrer_id = (
            by_phone.get(record.referrer_phone)
            or session.exec(
                select(Member.id).where(
                    col(Member.phone) == record.referrer_phone, col(Member.status) == "active"
                )
            ).first()
        )
        member_id = by_phone.get(record.phone)
        if referrer_id and member_id and referrer_id != member_id:
            member = session.get(Member, member_id)
            if member is not None and member.referrer_id is None:
                member.referrer_id = referrer_id
                session.add(member)
    session.flush()
    return {"added": added, "updated": updated, "unchanged": unchanged, "cards": cards_issued}


def not_imported() -> tuple[str, ...]:
    """Prepaid's columns, until prepaid registers a writer for them."""
    return PREPAID_COLUMNS if not PREPAID_WRITERS else ()


# Prepaid appends a function (session, actor, member_id, row) that writes the balances.
PREPAID_WRITERS: list[Any] = []

MEMBERS_IMPORT = register(
    ImportKind(
        name="members",
        title=N_("Members"),
        permission="member.import",
        columns=COLUMNS,
        read_row=read_row,
        write=write,
        not_imported=not_imported,
    )
)
