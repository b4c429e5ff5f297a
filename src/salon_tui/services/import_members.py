"""The members import kind: a member list from a previous system, with Chinese or English
headers (会员卡号, 姓名, 手机号, 性别, 生日, 会员等级, 储值余额 …).

Each row becomes a member with their card (legacy numbers kept as printed), level, tags,
allergies, joining date and referrer. Members already here (same card number, else same
phone) are left as they are, or refreshed with ``--update``: importing the same file twice
adds nothing. Stored value, points and packages go in as opening ledger entries, written
by their own areas' hooks (``PREPAID_WRITERS``); a column no area writes is reported as
not imported. The headers of our own members export are understood too, so an export
imports into another shop as the same members with the same balances.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlmodel import Session, col, func, select

from salon_tui.data.bulk import driver_value, indexes_built_after, insert_rows
from salon_tui.data.models import Allergy, Card, Member, MemberGram, MemberLevel
from salon_tui.domain import cards as card_rules
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.dates import parse_date
from salon_tui.domain.members import (
    Birthday,
    clean_member_name,
    clean_tags,
    fold,
    normalise_phone,
    parse_birthday,
    parse_gender,
)
from salon_tui.domain.money import parse_amount
from salon_tui.domain.tabular import Column, cell_text
from salon_tui.i18n import N_, _
from salon_tui.services import audit, member_search
from salon_tui.services.imports import (
    ImportKind,
    ImportOptions,
    RowContext,
    RowProblems,
    problem,
    register,
)
from salon_tui.services.member_levels import find_level, lowest_level
from salon_tui.services.members import TEXT_LIMITS, edit_fields, shop_today

COLUMNS = (
    Column("card_number", ("会员卡号", "卡号", "会员卡", "card", "card number", "card no")),
    Column("name", ("姓名", "会员姓名", "名字", "member", "member name"), required=True),
    Column("phone", ("手机号", "手机", "电话", "手机号码", "联系电话", "mobile", "telephone")),
    Column("gender", ("性别", "sex")),
    Column("birthday", ("生日", "出生日期", "birth date", "date of birth", "dob")),
    Column("level", ("会员等级", "等级", "级别", "member level")),
    # The last synonyms of these four are the headers of our own members export.
    Column("balance", ("储值余额", "余额", "卡内余额", "stored value", "principal", "储值")),
    Column("bonus_balance", ("赠送余额", "赠送金额", "bonus", "bonus balance", "赠送")),
    Column("points", ("积分", "会员积分", "loyalty points", "points")),
    Column("packages", ("次卡", "套餐", "疗程卡", "package", "prepaid services", "packages")),
    Column("allergies", ("过敏史", "过敏", "allergy", "allergy notes")),
    Column("tags", ("标签", "tag")),
    Column("notes", ("备注", "note", "remarks")),
    Column(
        "joined",
        ("开卡日期", "入会日期", "注册日期", "join date", "member since", "入会时间", "新入会"),
    ),
    Column(
        "referrer_phone",
        ("推荐人手机", "推荐人电话", "推荐人", "referrer", "referred by", "referrer phone"),
    ),
    Column("source", ("来源", "渠道", "how found")),
    Column("consent_sms", ("接收短信", "短信营销", "sms allowed", "sms consent")),
    Column("consent_email", ("接收邮件", "邮件营销", "email allowed", "email consent")),
    Column("email", ("电子邮箱", "邮箱", "e-mail")),
    Column("status", ("状态", "会员状态")),
)
# Stored value, bonus, points and packages: prepaid's to write.
PREPAID_COLUMNS = ("balance", "bonus_balance", "points", "packages")


@dataclass(slots=True)
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
    # Packages as (name as written, uses); the packages area resolves the names.
    packages: tuple[Any, ...] = ()
    archived: bool = False
    born: Birthday | None = None  # the birthday in ``fields``, parsed


def pack_row(record: MemberRow) -> tuple[Any, ...]:
    """A checked row as plain values, kept on disk until the write (``unpack_row``)."""
    born, joined = record.born, record.joined
    return (
        record.row,
        record.name,
        record.phone,
        record.card_number,
        record.level,
        record.fields,
        record.allergies,
        None if joined is None else joined.toordinal(),
        record.referrer_phone,
        record.balance_cents,
        record.bonus_cents,
        record.points,
        record.packages,
        record.archived,
        None if born is None else (born.month, born.day, born.year),
    )


_from_ordinal = lru_cache(maxsize=65_536)(date.fromordinal)
_birthday = lru_cache(maxsize=65_536)(Birthday)


def unpack_row(packed: tuple[Any, ...]) -> MemberRow:
    (row, name, phone, card, level, fields, allergies, joined, referrer) = packed[:9]
    (balance, bonus, points, packages, archived, born) = packed[9:]
    return MemberRow(
        row,
        name,
        phone,
        card,
        level,
        fields,
        allergies,
        None if joined is None else _from_ordinal(joined),
        referrer,
        balance,
        bonus,
        points,
        packages,
        archived,
        None if born is None else _birthday(*born),
    )


def _date_cell(value: object, text: str) -> date | str:
    """A date cell as a date (xlsx dates), else its text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return text


def _birthday_reader(today: date) -> Any:
    def read(cell: date | str) -> Birthday:
        if isinstance(cell, date):
            birthday = Birthday(cell.month, cell.day, cell.year)
            parse_birthday(birthday.text(), today)  # the same checks as typed dates
            return birthday
        return parse_birthday(cell, today)

    return read


_CLOCK_TIME = re.compile(r"^(\S+)\s+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def _joined_reader(today: date) -> Any:
    def read(cell: date | str) -> date:
        if isinstance(cell, str) and (timed := _CLOCK_TIME.match(cell)):
            cell = timed.group(1)  # our export's "2026-11-22 18:04:00": the day counts
        joined = cell if isinstance(cell, date) else parse_date(cell)
        if joined > today:
            raise ValueError(_("That date is in the future."))
        return joined

    return read


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


REMEMBERED_ANSWERS = 50_000  # parsed texts remembered per column (bounds the memory)


def _remembered(context: RowContext, name: str, parse: Any) -> Any:
    """``parse`` (text → value, or ValueError) remembered for this import.

    A member list repeats the same birthdays, joining days, genders, tags and levels
    many times over: each distinct text is parsed once, its answer (or its error
    message) given again for the others (up to ``REMEMBERED_ANSWERS`` texts).
    """
    answers: dict[Any, tuple[bool, Any]] = context.once(name, dict)

    def lookup(text: Any) -> Any:
        answer = answers.get(text)
        if answer is None:
            try:
                answer = (True, parse(text))
            except ValueError as error:
                answer = (False, str(error))
            if len(answers) >= REMEMBERED_ANSWERS:  # a file of ever new texts
                answers.clear()
            answers[text] = answer
        if answer[0]:
            return answer[1]
        raise ValueError(answer[1])

    return lookup


@dataclass(frozen=True)
class _Readers:
    """What every row of one import is read with, worked out once per import."""

    region: str
    currency: str
    birthday: Any
    joined: Any
    gender: Any
    tags: Any
    known_levels: set[str]
    used_levels: set[str]  # by the good rows: what the write looks up (or creates)

    @classmethod
    def of(cls, context: RowContext) -> _Readers:
        today: date = shop_today(context.session)
        return cls(
            region=str(getattr(context.shop, "country", "CN")),
            currency=str(getattr(context.shop, "currency", "CNY")),
            birthday=_remembered(context, "birthdays", _birthday_reader(today)),
            joined=_remembered(context, "joined", _joined_reader(today)),
            gender=_remembered(context, "genders", parse_gender),
            tags=_remembered(context, "tags", clean_tags),
            known_levels={
                fold(level.name).strip() for level in context.session.exec(select(MemberLevel))
            },
            used_levels=context.carry.setdefault("member_levels", set()),
        )


_normalize = unicodedata.normalize


def _cells_text(values: dict[str, Any]) -> dict[str, str]:
    """``cell_text`` of every cell; text cells (nearly all) without the call, unless one
    starts with the apostrophe our exports put before a would-be formula."""
    return {
        key: _normalize("NFC", value).strip()
        if type(value) is str and value[:1] != "'"
        else cell_text(value)
        for key, value in values.items()
    }


def read_row(context: RowContext, row: int, values: dict[str, Any]) -> MemberRow:
    found: list[Any] = []
    text = _cells_text(values)
    readers: _Readers = context.memo.get("member_readers") or context.once(
        "member_readers", lambda: _Readers.of(context)
    )
    region = readers.region
    currency = readers.currency
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
    birthday_cell = _date_cell(values.get("birthday"), text.get("birthday", ""))
    birthday: Birthday | None = None
    if birthday_cell:
        try:
            birthday = readers.birthday(birthday_cell)
            assert birthday is not None
            member_fields["birthday"] = birthday.text()
        except ValueError as error:
            birthday = None
            found.append(problem(row, "birthday", text["birthday"], "bad_date", str(error)))
    joined = None
    joined_cell = _date_cell(values.get("joined"), text.get("joined", ""))
    if joined_cell:
        try:
            joined = readers.joined(joined_cell)
        except ValueError as error:
            found.append(problem(row, "joined", text["joined"], "bad_date", str(error)))
            joined = None
    if text.get("gender"):
        try:
            member_fields["gender"] = readers.gender(text["gender"])
        except ValueError as error:
            found.append(problem(row, "gender", text["gender"], "bad_gender", str(error)))
    level = text.get("level") or None
    if (
        level
        and fold(level).strip() not in readers.known_levels
        and not context.options.create_levels
    ):
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
    notes = text.get("notes", "")
    if len(notes) > TEXT_LIMITS["notes"]:
        found.append(
            problem(
                row,
                "notes",
                notes[:40] + "…",
                "too_long",
                _("That is too long: at most {limit} characters.").format(
                    limit=TEXT_LIMITS["notes"]
                ),
            )
        )
    try:
        tags = readers.tags(text.get("tags", ""))
    except ValueError as error:
        found.append(problem(row, "tags", text.get("tags", ""), "bad_tag", str(error)))
        tags = ()
    referrer_phone = None
    if text.get("referrer_phone"):
        referrer_phone = _read_phone(found, row, "referrer_phone", text["referrer_phone"], region)
    _read_profile_extras(found, row, text, member_fields)
    archived = _read_status(found, row, text.get("status", ""))
    packages: tuple[Any, ...] = ()
    if text.get("packages") and context.once("hooks", _load_hooks):
        packages = PACKAGE_READERS[0](context, found, row, text["packages"])
    if found:
        raise RowProblems(found)
    if level:
        readers.used_levels.add(level)
    if referrer_phone and phone:
        context.carry["member_referrals"] = True
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
        packages=packages,
        archived=archived,
        born=birthday,
    )


def _load_hooks() -> bool:
    """Load the areas' hooks (once per import); whether a packages reader is here."""
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    return bool(PACKAGE_READERS)


_YES = {"1", "true", "yes", "y", "是", "同意", "允许", "接收", "√", "✓"}
_NO = {"0", "false", "no", "n", "否", "不同意", "不允许", "不接收", "×", "✗"}
_ARCHIVED = {"archived", "已归档", "归档", "停用", "inactive"}
_ACTIVE = {"active", "正常", "有效", "在用"}


def _read_profile_extras(
    found: list[Any], row: int, text: dict[str, str], fields: dict[str, Any]
) -> None:
    """Source, marketing consent and email, as our own export writes them."""
    source = text.get("source", "")
    if len(source) > TEXT_LIMITS["source"]:
        found.append(
            problem(
                row,
                "source",
                source[:40] + "…",
                "too_long",
                _("That is too long: at most {limit} characters.").format(
                    limit=TEXT_LIMITS["source"]
                ),
            )
        )
    elif source:
        fields["source"] = source
    for key in ("consent_sms", "consent_email"):
        raw = text.get(key, "")
        if not raw:
            continue
        word = fold(raw).strip()
        if word in _YES or word in _NO:
            fields[key] = word in _YES
        else:
            found.append(
                problem(
                    row, key, raw, "bad_flag", _("Write yes or no (是 / 否), or leave it empty.")
                )
            )
    email = text.get("email", "")
    if email:
        if "@" not in email or " " in email or len(email) > TEXT_LIMITS["email"]:
            found.append(
                problem(
                    row,
                    "email",
                    email,
                    "bad_email",
                    _("{email!r} is not an email address.").format(email=email),
                )
            )
        else:
            fields["email"] = email


def _read_status(found: list[Any], row: int, raw: str) -> bool:
    """Whether the row is an archived member (empty: active)."""
    word = fold(raw).strip()
    if not word or word in _ACTIVE:
        return False
    if word in _ARCHIVED:
        return True
    found.append(
        problem(
            row, "status", raw, "bad_status", _("Status is active or archived (正常 / 已归档).")
        )
    )
    return False


CHUNK = 500  # rows per IN (...) lookup and per multi-row insert


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _existing_ids(session: Session, records: list[MemberRow]) -> dict[int, int]:
    """Row number → id of the member already here (same card number, else same phone).

    A few queries per 500 rows instead of two per row.
    """
    by_card: dict[str, int] = {}
    numbers = [record.card_number for record in records if record.card_number]
    for chunk in _chunks(numbers):
        for number, member_id in session.exec(
            select(Card.number, Card.member_id).where(col(Card.number).in_(chunk))
        ):
            by_card[number] = member_id
    by_phone: dict[str, int] = {}
    phones = [record.phone for record in records if record.phone]
    for chunk in _chunks(phones):
        for phone, holder in session.exec(
            select(Member.phone, Member.id).where(
                col(Member.phone).in_(chunk), col(Member.status) == "active"
            )
        ):
            if phone is not None and holder is not None:
                by_phone[phone] = holder
    found: dict[int, int] = {}
    for record in records:
        match = by_card.get(record.card_number or "") or by_phone.get(record.phone or "")
        if match is not None:
            found[record.row] = match
    return found


class _Levels:
    """The level id of every level name the file uses, found (or, with
    ``--create-levels``, created) as the names come, a slice at a time.

    Created levels end as if every name had been known at the start: named and ranked
    in the order of the names (the first of the names that are the same level gives
    it its name), each audited once. Known at the start (``learn`` before the first
    slice, ``later`` false), they are audited as they are created.
    """

    def __init__(self, session: Session, actor: Actor, create: bool, *, later: bool) -> None:
        self.session, self.actor, self.create, self.later = session, actor, create, later
        self.ids: dict[str, int | None] = {}
        self.created: dict[int, tuple[list[str], MemberLevel]] = {}

    def learn(self, names: Iterable[str]) -> None:
        session = self.session
        for name in sorted({name for name in names if name not in self.ids}):
            level = find_level(session, name)
            if level is None and self.create:
                top = max((row.rank for row in session.exec(select(MemberLevel))), default=-1)
                level = MemberLevel(name=_level_name(name), rank=top + 1)
                session.add(level)
                session.flush()
                assert level.id is not None
                if self.later:
                    self.created[level.id] = ([], level)
                else:
                    self._audit(level)
            if level is not None and level.id in self.created:
                self.created[level.id][0].append(name)
            self.ids[name] = level.id if level is not None else None

    def settle(self) -> None:
        """Name and rank the created levels in their names' order; audit them."""
        if not self.created:
            return
        ranks = sorted(level.rank for _names, level in self.created.values())
        ordered = sorted(self.created.values(), key=lambda pair: min(pair[0]))
        for (names, level), rank in zip(ordered, ranks, strict=True):
            level.name, level.rank = _level_name(min(names)), rank
        self.session.flush()
        for _names, level in ordered:
            self._audit(level)
        self.created.clear()

    def _audit(self, level: MemberLevel) -> None:
        audit.record(
            self.session,
            self.actor,
            "member_level.add",
            "member_level",
            level.id,
            after={"name": level.name},
        )


def _level_name(name: str) -> str:
    return " ".join(name.split())[:40]


def _joined_at(joined: date | None, zone: ZoneInfo, now: datetime) -> datetime:
    """When a member joined: noon on the day they joined in the shop's zone, else now."""
    if joined is None:
        return now
    return min(datetime.combine(joined, time(12), tzinfo=zone).astimezone(UTC), now)


@lru_cache(maxsize=65_536)
def _name_key(name: str) -> str:
    return " ".join(fold(name).split())


# The columns of a new member, in the order ``_member_values`` gives them: the ones
# that differ from member to member (``_member_constants`` holds the others).
MEMBER_COLUMNS = (
    "id",
    "name",
    "name_key",
    "phone",
    "phone_tail",
    "gender",
    "birth_year",
    "birth_month",
    "birth_day",
    "level_id",
    "tags",
    "source",
    "notes",
    "consent_sms",
    "consent_email",
    "email",
    "status",
    "created_at",
)


def _member_values(
    record: MemberRow, member_id: int, level_id: int | None, created: Any
) -> tuple[Any, ...]:
    """The member row (``MEMBER_COLUMNS``) for a new member, the same values
    ``create_member`` would write (with ``_member_constants``).

    ``created`` is a timestamp as the driver takes it (``driver_value``); every other
    value is plain text, a number, a bool or None.
    """
    born = record.born
    fields = record.fields
    phone = record.phone
    return (
        member_id,
        record.name,
        _name_key(record.name),
        phone,
        phone[-4:] if phone else None,
        fields.get("gender", ""),
        born.year if born else None,
        born.month if born else None,
        born.day if born else None,
        level_id,
        fields.get("tags", ""),
        fields.get("source", ""),
        fields.get("notes", ""),
        fields.get("consent_sms", False),
        fields.get("consent_email", False),
        fields.get("email", ""),
        "archived" if record.archived else "active",
        created,
    )


def _member_constants(now: Any, batch_id: int) -> dict[str, Any]:
    """The values every member of an import is written with (``now`` as the driver
    takes it)."""
    return {
        "referrer_id": None,
        "preferences": "",
        "preferred_stylist_id": None,
        "merged_into_id": None,
        "erased": False,
        "last_seen_at": None,
        "updated_at": now,
        "import_batch_id": batch_id,
    }


def _new_ids(session: Session, table: Any, count: int) -> list[int]:
    """``count`` new ids for rows of ``table`` inserted with their ids given.

    On SQLite they follow the largest id (the transaction began IMMEDIATE, so it holds
    the write lock and nobody else can take them); on PostgreSQL they are taken from
    the table's sequence, as the inserts would have.
    """
    if session.get_bind().dialect.name == "sqlite":
        top = session.execute(select(func.max(table.c.id))).scalar_one_or_none() or 0
        return list(range(top + 1, top + 1 + count))
    return [
        int(new_id)
        for (new_id,) in session.execute(_NEXT_IDS, {"table": table.name, "count": count})
    ]


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in bulk; their new ids in the rows' order.

    The ids are given explicitly, so the rows go in as plain bulk inserts (SQLite's
    executemany, PostgreSQL's COPY) rather than one INSERT … RETURNING per row or per
    batch (``_new_ids``).
    """
    if not rows:
        return []
    ids = _new_ids(session, table, len(rows))
    # Every row is built by the same code, so its keys come in the same order.
    columns = ["id", *rows[0]]
    insert_rows(
        session,
        table,
        columns,
        [(new_id, *row.values()) for new_id, row in zip(ids, rows, strict=True)],
        converted=True,
    )
    return ids


_NEXT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
)


CARD_COLUMNS = ("number", "member_id", "issued_at")


class _NewMembers:
    """The new members of an import, inserted in bulk a slice at a time, with their
    cards, allergies and (at the end) search grams.

    Row by row through the ORM an import of 100,000 members took over half an hour; here
    the rows go in as multi-row inserts (COPY on PostgreSQL). The import is audited once
    (``import.run``); each member and card added points to the import's batch, from
    which the member's timeline says when they became a member, their card was issued
    and by whom. Across slices only the id range, the archived members' ids and the
    names whose grams were sent are kept.
    """

    def __init__(self, session: Session, actor: Actor, level_ids: dict[str, int | None]) -> None:
        from salon_tui.services.imports import current_batch
        from salon_tui.services.settings import SHOP_PREFIX, read_setting

        self.session, self.actor, self.level_ids = session, actor, level_ids
        self.batch_id = current_batch(session).id
        zone = ZoneInfo(str(read_setting(session, SHOP_PREFIX + "timezone", "Asia/Shanghai")))
        self.now = now = utc_now()
        # Timestamps go to the driver as it takes them, converted once each: many members
        # joined on the same day, and each day's moment is worked out once.
        stored = driver_value(session, Member.__table__.c.created_at)  # type: ignore[attr-defined]
        self.joined_at = lru_cache(maxsize=None)(lambda day: stored(_joined_at(day, zone, now)))
        self.now_stored = stored(now)
        lowest = lowest_level(session)
        self.default_level = lowest.id if lowest is not None else None
        # No active level here yet: the lowest level the file brings, set at the end.
        self.default_later = lowest is None
        self.low: int | None = None
        self.high: int | None = None
        self.archived = array("q")
        self.grams = member_search.ImportedNameGrams(session)
        session.flush()

    def add(self, part: list[MemberRow]) -> list[int]:
        """Insert one slice of new members; their ids, in the slice's order."""
        if not part:
            return []
        session, batch_id = self.session, self.batch_id
        default_level, level_ids, joined_at = self.default_level, self.level_ids, self.joined_at
        member_table = Member.__table__  # type: ignore[attr-defined]
        member_ids = _new_ids(session, member_table, len(part))
        rows = [
            _member_values(
                record,
                member_id,
                level_ids.get(record.level or "") or default_level,
                joined_at(record.joined),
            )
            for member_id, record in zip(member_ids, part, strict=True)
        ]
        insert_rows(
            session,
            member_table,
            MEMBER_COLUMNS,
            rows,
            converted=True,
            same=_member_constants(self.now_stored, batch_id),
        )
        created_at = MEMBER_COLUMNS.index("created_at")
        insert_rows(
            session,
            Card.__table__,  # type: ignore[attr-defined]
            CARD_COLUMNS,
            [
                (rec.card_number, row[0], row[created_at])
                for rec, row in zip(part, rows, strict=True)
                if rec.card_number
            ],
            converted=True,
            same={"status": "active", "closed_at": None, "note": "", "import_batch_id": batch_id},
        )
        allergies = [
            {
                "member_id": mid,
                "substance": rec.allergies[:100],
                "reaction": "",
                "severity": "moderate",
                "recorded_by": self.actor.staff_id,
                "recorded_at": self.now,
                "removed_at": None,
            }
            for mid, rec in zip(member_ids, part, strict=True)
            if rec.allergies
        ]
        if allergies:
            session.connection().execute(insert(Allergy.__table__), allergies)  # type: ignore[attr-defined]
        self.archived.extend(mid for mid, rec in zip(member_ids, part, strict=True) if rec.archived)
        self.grams.add(record.name for record in part)
        if self.low is None:
            self.low = member_ids[0]
        self.high = member_ids[-1]
        return member_ids

    def write_grams(self) -> None:
        """The search grams of every new member at once, joined in the database (see
        ``ImportedNameGrams``): the slices' ids lie between the first and the last."""
        if self.low is None or self.high is None:
            self.grams.drop()
        else:
            self.grams.write(self.batch_id, self.low, self.high)

    def set_default_level(self) -> None:
        """Members without a level get the lowest one, when the shop had none before
        this import and the file brought some."""
        if not self.default_later or self.low is None:
            return
        lowest = lowest_level(self.session)
        if lowest is not None:
            self.session.connection().execute(
                _SET_DEFAULT_LEVEL,
                {"level": lowest.id, "low": self.low, "high": self.high, "batch": self.batch_id},
            )

    def archive(self) -> None:
        """Archived members' names are found only when asked for archived members."""
        for member_id in self.archived:
            member_search.set_archived(self.session, member_id, True)


def write(
    session: Session, actor: Actor, slices: Iterable[list[MemberRow]], options: ImportOptions
) -> dict[str, int]:
    """Add new members with their cards; leave (or with --update refresh) existing ones.

    One slice of the file at a time: members, cards, opening balances, points and
    packages are written as each slice comes; the search grams and the referrers once
    every member is in.
    """
    from salon_tui.services.area_hooks import load_area_hooks
    from salon_tui.services.imports import carried, note_for_audit, streaming

    load_area_hooks()
    carry = carried(session)
    # While the file is still being read (``streaming``), the levels and referrers it
    # uses are known a slice at a time.
    streamed = streaming(session)
    levels = _Levels(session, actor, options.create_levels, later=streamed)
    levels.learn(carry.get("member_levels", ()))
    level_ids = levels.ids
    # A new shop's first import: nothing to match (asked inside the writing
    # transaction, so nobody can add a member meanwhile).
    shop_empty = session.exec(select(Member.id).limit(1)).first() is None
    referrals = _Referrals(session) if streamed or carry.get("member_referrals") else None
    added = updated = unchanged = cards = 0
    new_members = _NewMembers(session, actor, level_ids)
    with ExitStack() as deferred:
        # A new shop's first import fills empty tables: their plain indexes are built
        # once at the end instead of growing row by row (most of all the grams').
        for table in (Member.__table__, Card.__table__, MemberGram.__table__):  # type: ignore[attr-defined]
            deferred.enter_context(indexes_built_after(session, table))
        for part in slices:
            if streamed:
                levels.learn(record.level for record in part if record.level)
            existing = {} if shop_empty else _existing_ids(session, part)
            member_of_row: dict[int, int] = {}
            for record in part:
                member_id = existing.get(record.row)
                if member_id is None:
                    continue
                member_of_row[record.row] = member_id
                if not options.update:
                    unchanged += 1
                    continue
                member = session.get(Member, member_id)
                assert member is not None
                fields = {**record.fields, "name": record.name}
                if record.phone:
                    fields["phone"] = record.phone
                if record.level and level_ids.get(record.level):
                    fields["level"] = level_ids[record.level]
                edit_fields(session, actor, member, fields)
                updated += 1
            new = [record for record in part if record.row not in existing]
            new_ids = new_members.add(new)
            member_of_row.update(
                (record.row, member_id) for record, member_id in zip(new, new_ids, strict=True)
            )
            added += len(new)
            cards += sum(1 for record in new if record.card_number)
            if PREPAID_WRITERS:
                pairs = [(member_of_row[record.row], record) for record in part]
                for write_prepaid in PREPAID_WRITERS:
                    note_for_audit(session, write_prepaid(session, actor, pairs))
            if referrals is not None:
                referrals.add(part, member_of_row, existing)
        new_members.write_grams()
    levels.settle()
    new_members.set_default_level()
    new_members.archive()
    if referrals is not None:
        referrals.link(new_members.batch_id)
    session.flush()
    return {"added": added, "updated": updated, "unchanged": unchanged, "cards": cards}


class _Referrals:
    """Who referred whom (推荐人手机): linked once every member of the file is in.

    The referrer is the member the file's row with that phone became, else the active
    member here with that phone. The referrals, and the phones of the rows that matched
    a member already here, wait in temporary tables of the writing transaction, not in
    memory; a member the file added is found by its phone among the import's batch.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        options = " ON COMMIT DROP" if session.get_bind().dialect.name == "postgresql" else ""
        connection = session.connection()
        connection.exec_driver_sql(
            "CREATE TEMPORARY TABLE salon_import_phone "
            "(phone TEXT PRIMARY KEY, member_id INTEGER NOT NULL)" + options
        )
        connection.exec_driver_sql(
            "CREATE TEMPORARY TABLE salon_import_referral "
            "(row INTEGER PRIMARY KEY, member_id INTEGER NOT NULL, referrer_phone TEXT NOT NULL)"
            + options
        )

    def add(
        self, part: list[MemberRow], member_of_row: dict[int, int], existing: dict[int, int]
    ) -> None:
        connection = self.session.connection()
        phones = {
            record.phone: member_of_row[record.row]
            for record in part
            if record.phone and record.row in existing
        }  # a phone is on one good row of a file
        if phones:
            connection.execute(
                text(
                    "INSERT INTO salon_import_phone (phone, member_id) VALUES (:phone, :member) "
                    "ON CONFLICT (phone) DO UPDATE SET member_id = excluded.member_id"
                ),
                [{"phone": phone, "member": member} for phone, member in phones.items()],
            )
        wanted = [
            {
                "row": record.row,
                "member": member_of_row[record.row],
                "referrer": record.referrer_phone,
            }
            for record in part
            if record.referrer_phone and record.phone
        ]
        if wanted:
            connection.execute(
                text(
                    "INSERT INTO salon_import_referral (row, member_id, referrer_phone) "
                    "VALUES (:row, :member, :referrer)"
                ),
                wanted,
            )

    def link(self, batch_id: int) -> None:
        """Set each referred member's referrer, in the file's order (a member who has
        one keeps it), a page of rows at a time."""
        session = self.session
        session.flush()
        connection = session.connection()
        after = 0
        while found := connection.execute(_REFERRERS, {"after": after, "batch": batch_id}).all():
            after = found[-1][0]
            linked = [
                {"member": member, "referrer": referrer}
                for _row, member, referrer in found
                if referrer is not None and referrer != member
            ]
            if linked:
                connection.execute(_LINK_REFERRER, linked)
        connection.exec_driver_sql("DROP TABLE salon_import_referral")
        connection.exec_driver_sql("DROP TABLE salon_import_phone")
        session.expire_all()  # members the session holds may have a referrer now


# A page of referrals after row :after: the member and the referrer (the file's member
# with that phone: one matched here, else one the import added; else the active member
# here with it).
_REFERRERS = text(
    "SELECT r.row, r.member_id, COALESCE(p.member_id, ("
    " SELECT m.id FROM member m WHERE m.phone = r.referrer_phone AND m.import_batch_id = :batch"
    " ORDER BY m.id LIMIT 1), ("
    " SELECT m.id FROM member m WHERE m.phone = r.referrer_phone AND m.status = 'active'"
    " ORDER BY m.id LIMIT 1))"
    " FROM salon_import_referral r"
    " LEFT JOIN salon_import_phone p ON p.phone = r.referrer_phone"
    " WHERE r.row > :after ORDER BY r.row LIMIT 5000"
)
_SET_DEFAULT_LEVEL = text(
    "UPDATE member SET level_id = :level WHERE id BETWEEN :low AND :high"
    " AND import_batch_id = :batch AND level_id IS NULL"
)
_LINK_REFERRER = text(
    "UPDATE member SET referrer_id = :referrer WHERE id = :member AND referrer_id IS NULL"
)


def not_imported() -> tuple[str, ...]:
    """Prepaid's columns that no area writes yet (each writer names the ones it writes)."""
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    return tuple(column for column in PREPAID_COLUMNS if column not in PREPAID_WRITTEN_COLUMNS)


# Prepaid appends a function (session, actor, [(member_id, row), …]) that writes the
# balances in bulk and returns what it wrote (for the import's audit entry), and adds
# the columns it writes to PREPAID_WRITTEN_COLUMNS.
PREPAID_WRITERS: list[Any] = []
PREPAID_WRITTEN_COLUMNS: set[str] = set()
# The packages area puts here the reader of the packages cell: (context, problems, row,
# text) → the row's packages, each name already matched to something the shop sells.
PACKAGE_READERS: list[Any] = []

MEMBERS_IMPORT = register(
    ImportKind(
        name="members",
        title=N_("Members"),
        permission="member.import",
        columns=COLUMNS,
        read_row=read_row,
        write=write,
        not_imported=not_imported,
        pack=pack_row,
        unpack=unpack_row,
        streams=True,
    )
)
