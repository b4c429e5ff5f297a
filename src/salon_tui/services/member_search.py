"""Finding a member from one search box: card, phone, last four digits, name, pinyin.

Each member has search grams in ``member_gram`` (see the model): every fragment of the
folded name up to ``GRAM_MAX`` characters, and the pinyin (full and initials) from each
syllable on. A query is answered by B-tree look-ups only — equality for names, a
``>= … <`` range for pinyin prefixes — each limited, in rank order: exact card or
phone first, then names that start with the query, then the rest. No full-text search:
SQLite 3.40's trigram tokenizer misses Chinese ``LIKE`` matches, and PostgreSQL answers
the same plain queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, text, update
from sqlmodel import Session, col

from salon_tui.data.models import MemberGram
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain import cards as card_rules
from salon_tui.domain.actor import Actor
from salon_tui.domain.members import calling_code, fold, local_phone, mask_phone, search_key
from salon_tui.i18n import _
from salon_tui.services.permissions import require

GRAM_MAX = 12  # longest name fragment stored; longer queries filter the candidates
NAME_GRAM_SPAN = 40  # fragments are taken from the first 40 characters of a name
DEFAULT_LIMIT = 50

# Gram kinds: the first character of every gram.
NAME_START, NAME_INSIDE, PINYIN_START, PINYIN_INSIDE = "1", "2", "3", "4"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTERS = re.compile(r"^[a-z]+$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s()-]+$")


@lru_cache(maxsize=8192)
def _char_pinyin(char: str) -> str:
    from pypinyin import lazy_pinyin

    return str(lazy_pinyin(char)[0]).lower()


def _pinyin_tokens(name: str) -> list[str]:
    """Syllables of the Chinese characters and the other words, lower case.

    Characters are looked up one by one (cached): names are short and the per-character
    reading is what people type.
    """
    tokens: list[str] = []
    for word in fold(name).split():
        latin = ""
        for char in word:
            if _HAN.match(char):
                if latin:
                    tokens.append(latin)
                    latin = ""
                tokens.append(_char_pinyin(char))
            elif char.isalnum() and char.isascii():
                latin += char
            elif latin:
                tokens.append(latin)
                latin = ""
        if latin:
            tokens.append(latin)
    return tokens


@lru_cache(maxsize=65_536)
def grams_for(name: str) -> frozenset[str]:
    """Every search gram for a member called ``name``.

    Remembered: Chinese names repeat a great deal (an import of 100,000 members has a
    few thousand different ones), and the pinyin is most of the cost.
    """
    key = search_key(name)[:NAME_GRAM_SPAN]
    found: set[str] = set()
    for start in range(len(key)):
        kind = NAME_START if start == 0 else NAME_INSIDE
        for end in range(start + 1, min(len(key), start + GRAM_MAX) + 1):
            found.add(kind + key[start:end])
    tokens = _pinyin_tokens(name)
    if _HAN.search(name) or len(tokens) > 1:
        for start in range(len(tokens)):
            kind = PINYIN_START if start == 0 else PINYIN_INSIDE
            found.add(kind + "".join(tokens[start:])[:63])
            found.add(kind + "".join(token[0] for token in tokens[start:])[:63])
    return frozenset(found)


def index_member(session: Session, member_id: int, name: str, archived: bool) -> None:
    """Replace a member's grams (after an add, a name change, archive or restore)."""
    session.execute(delete(MemberGram).where(col(MemberGram.member_id) == member_id))
    rows = [
        {"archived": archived, "gram": gram, "member_id": member_id} for gram in grams_for(name)
    ]
    if rows:
        session.execute(insert(MemberGram), rows)


def set_archived(session: Session, member_id: int, archived: bool) -> None:
    session.execute(
        update(MemberGram).where(col(MemberGram.member_id) == member_id).values(archived=archived)
    )


GRAM_INSERT = "INSERT INTO member_gram (archived, gram, member_id) VALUES ({0}, {0}, {0})"


def insert_grams(session: Session, rows: list[tuple[bool, str, int]]) -> None:
    """Bulk-load ``(archived, gram, member_id)`` rows (demo, import).

    Grams are most of the rows a member brings: they go straight to the driver's
    executemany, without SQLAlchemy's per-row parameter processing.
    """
    if rows:
        marker = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
        session.connection().exec_driver_sql(GRAM_INSERT.format(marker), rows)


def gram_tuples(members: Iterable[tuple[int, str]]) -> list[tuple[bool, str, int]]:
    """The gram rows of new, active members given as ``(member_id, name)`` pairs."""
    return [(False, gram, member_id) for member_id, name in members for gram in grams_for(name)]


# The grams of each name an import brings, once per name, and the new members by name;
# the database joins the two. Temporary tables: private to the connection, dropped at
# the end (and with the transaction on PostgreSQL). Both are keyed for the join: read in
# gram order, each gram's members come by name and id, so only the members sharing a
# gram are sorted by id, not all 1.2 million rows at once.
_NAME_GRAMS_TABLES = (
    "CREATE TEMPORARY TABLE salon_import_gram_name "
    "(gram TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (gram, name))",
    "CREATE TEMPORARY TABLE salon_import_name_member "
    "(name TEXT NOT NULL, member_id INTEGER NOT NULL, PRIMARY KEY (name, member_id))",
)
_TEMPORARY_OPTIONS = {"sqlite": " WITHOUT ROWID", "postgresql": " ON COMMIT DROP"}
_NAME_GRAMS_ROWS = 20_000  # name grams per executemany (bounds the memory)
_NAMES_REMEMBERED = 200_000  # names whose grams were sent, remembered (bounds the memory)
_NAME_GRAMS_INSERT = (
    "INSERT INTO salon_import_gram_name (gram, name) VALUES (?, ?) ON CONFLICT DO NOTHING"
)
_NAME_GRAMS_LOADED = (
    "CREATE TEMPORARY TABLE salon_import_gram_name_loaded (gram TEXT NOT NULL, name TEXT NOT NULL)"
)
_NAME_GRAMS_COPY = "COPY salon_import_gram_name_loaded (gram, name) FROM STDIN"
_NAME_GRAMS_MERGE = (
    "INSERT INTO salon_import_gram_name (gram, name) "
    "SELECT gram, name FROM salon_import_gram_name_loaded ON CONFLICT DO NOTHING"
)
_NEW_MEMBERS = text(
    "INSERT INTO salon_import_name_member (name, member_id) "
    "SELECT name, id FROM member "
    "WHERE id BETWEEN :low AND :high AND import_batch_id = :batch ORDER BY name, id"
)
_GRAMS_OF_NEW_MEMBERS = (
    "INSERT INTO member_gram (archived, gram, member_id) "
    "SELECT FALSE, g.gram, m.member_id FROM salon_import_gram_name g "
    "JOIN salon_import_name_member m ON m.name = g.name"
)
# SQLite reads the grams in their key's order and each one's members by name: the rows
# come by gram already, each gram's few members land on the same pages, and sorting
# the 1.2 million rows first costs more than it saves. PostgreSQL's plan may differ.
_GRAMS_ORDER = {"postgresql": " ORDER BY g.gram, m.member_id"}


class ImportedNameGrams:
    """The grams of the members an import adds, written set-based at the end.

    ``add`` takes the names of each slice of new members as it is written: the grams of
    each distinct name go into a temporary table once (an import of 100,000 members has
    a few thousand different names). ``write`` then joins the new members (ids
    ``low_id``–``high_id`` of the import's batch) to them in one ``INSERT … SELECT``,
    in the order of the grams, so the grams' B-tree grows gram by gram instead of at
    1.2 million random places (on SQLite the join gives that order by itself; on
    PostgreSQL the database sorts, spilling to disk). The names already sent are
    remembered up to ``_NAMES_REMEMBERED`` only (a name sent again is ignored by the
    table's key), so memory stays bounded.
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.dialect = self.connection.dialect.name
        for create in _NAME_GRAMS_TABLES:
            self.connection.exec_driver_sql(create + _TEMPORARY_OPTIONS.get(self.dialect, ""))
        if self.dialect == "postgresql":
            # COPY cannot skip a name sent twice: it loads a table without a key,
            # merged into the keyed one before the join.
            self.connection.exec_driver_sql(_NAME_GRAMS_LOADED + " ON COMMIT DROP")
        self.sent: set[str] = set()

    def add(self, names: Iterable[str]) -> None:
        fresh = [name for name in dict.fromkeys(names) if name not in self.sent]
        if len(self.sent) + len(fresh) > _NAMES_REMEMBERED:
            self.sent.clear()
        self.sent.update(fresh)
        if self.dialect == "postgresql":
            # COPY: the rows stream to the server without a statement per row.
            raw: Any = self.connection.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(_NAME_GRAMS_COPY) as copy:
                for name in fresh:
                    for gram in grams_for(name):
                        copy.write_row((gram, name))
            return
        rows: list[tuple[str, str]] = []
        for name in fresh:
            rows.extend((gram, name) for gram in grams_for(name))
            if len(rows) >= _NAME_GRAMS_ROWS:
                self.connection.exec_driver_sql(_NAME_GRAMS_INSERT, rows)
                rows = []
        if rows:
            self.connection.exec_driver_sql(_NAME_GRAMS_INSERT, rows)

    def write(self, batch_id: int, low_id: int, high_id: int) -> None:
        """The grams of the active members ``low_id``–``high_id`` of ``batch_id``."""
        connection = self.connection
        if self.dialect == "postgresql":
            connection.exec_driver_sql(_NAME_GRAMS_MERGE)
        connection.execute(_NEW_MEMBERS, {"low": low_id, "high": high_id, "batch": batch_id})
        connection.exec_driver_sql(_GRAMS_OF_NEW_MEMBERS + _GRAMS_ORDER.get(self.dialect, ""))
        self.drop()

    def drop(self) -> None:
        self.connection.exec_driver_sql("DROP TABLE salon_import_name_member")
        self.connection.exec_driver_sql("DROP TABLE salon_import_gram_name")
        if self.dialect == "postgresql":
            self.connection.exec_driver_sql("DROP TABLE salon_import_gram_name_loaded")
        self.sent.clear()


def index_imported_members(
    session: Session, names: Iterable[str], batch_id: int, low_id: int, high_id: int
) -> None:
    """Write the grams of the active members an import added (ids ``low_id``–``high_id``
    of ``batch_id``), whose names are among ``names`` (see ``ImportedNameGrams``)."""
    grams = ImportedNameGrams(session)
    grams.add(names)
    grams.write(batch_id, low_id, high_id)


# --- searching ------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberHit:
    id: int
    name: str
    phone: str  # national digits, or masked without the contact permission
    level: str
    card_number: str
    status: str
    allergies: str  # "" when none: a warning wherever the member appears
    match: str  # card, phone, name, pinyin

    @property
    def is_archived(self) -> bool:
        return self.status != "active"


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[MemberHit, ...]
    # Something the desk must know: a lost or replaced card, a wrong check digit.
    notice: str = ""


@dataclass
class _Found:
    ranked: dict[int, tuple[int, str]]  # member id → (rank, match)
    limit: int

    def add(self, member_ids: Iterable[int], rank: int, match: str) -> None:
        for member_id in member_ids:
            if member_id not in self.ranked and not self.full:
                self.ranked[member_id] = (rank, match)

    @property
    def full(self) -> bool:
        return len(self.ranked) >= self.limit

    def room(self) -> int:
        return self.limit - len(self.ranked)


def _next_prefix(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# The look-ups as plain SQL on the Core connection: built once, no ORM per call, and the
# same text on SQLite and PostgreSQL. Each one walks a B-tree index and stops at LIMIT.
_GRAM_EQUAL = text(
    "SELECT member_id FROM member_gram WHERE archived = :archived AND gram = :gram LIMIT :limit"
)
_GRAM_PREFIX = text(
    "SELECT member_id FROM member_gram "
    "WHERE archived = :archived AND gram >= :low AND gram < :high LIMIT :limit"
)
_CARD = text(
    "SELECT c.member_id, c.status, m.name, m.status FROM card c "
    "JOIN member m ON m.id = c.member_id WHERE c.number = :number"
)
_PHONE = text("SELECT id, status FROM member WHERE phone = :phone")
_PHONE_TAIL = text(
    "SELECT id FROM member WHERE phone_tail = :tail AND status IN :statuses LIMIT :limit"
).bindparams(bindparam("statuses", expanding=True))
_NAME_KEYS = text("SELECT id, name_key FROM member WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_REGION = text("SELECT value_json FROM setting WHERE key = 'shop.country'")
_HITS = text(
    "SELECT m.id, m.name, m.name_key, m.phone, m.status, l.name, c.number, a.substance "
    "FROM member m "
    "LEFT JOIN member_level l ON l.id = m.level_id "
    "LEFT JOIN card c ON c.member_id = m.id AND c.status = 'active' "
    "LEFT JOIN member_allergy a ON a.member_id = m.id AND a.removed_at IS NULL "
    "WHERE m.id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _gram_ids(
    connection: Connection, gram: str, *, prefix: bool, archived: Sequence[bool], limit: int
) -> list[int]:
    found: list[int] = []
    for state in archived:
        if len(found) >= limit:
            break
        room = limit - len(found)
        if prefix:
            rows = connection.execute(
                _GRAM_PREFIX,
                {"archived": state, "low": gram, "high": _next_prefix(gram), "limit": room},
            )
        else:
            rows = connection.execute(_GRAM_EQUAL, {"archived": state, "gram": gram, "limit": room})
        found.extend(row[0] for row in rows if row[0] not in found)
    return found


def _statuses(include_archived: bool) -> tuple[str, ...]:
    return ("active", "archived") if include_archived else ("active",)


def _search_card(connection: Connection, query: str, found: _Found, include_archived: bool) -> str:
    """Look the text up as a card number; a notice for lost, replaced or misread cards."""
    number = card_rules.clean_card_text(query)
    if card_rules.is_shop_scheme(number) and not card_rules.check_digit_ok(number):
        return _("{number} has a wrong check digit: scan again or type it carefully.").format(
            number=number
        )
    row = connection.execute(_CARD, {"number": number}).first()
    if row is None:
        return ""
    member_id, card_status, name, member_status = row
    if member_status in _statuses(include_archived) or card_status != "active":
        found.add([member_id], 0, "card")
    if card_status == "active":
        return ""
    messages = {
        "lost": _("Card {number} was reported lost; it belongs to {name}."),
        "replaced": _("Card {number} was replaced by a new card; it belongs to {name}."),
        "merged": _("Card {number} was closed when its member was merged into {name}."),
        "closed": _("Card {number} is closed; it belonged to {name}."),
    }
    return messages.get(card_status, messages["closed"]).format(number=number, name=name)


def _phone_key(query: str) -> str | None:
    cleaned = fold(query).strip()
    if not _PHONE_CHARS.match(cleaned):
        return None
    return re.sub(r"[\s()-]", "", cleaned)


def _search_phone(
    connection: Connection, digits: str, region: str, found: _Found, include_archived: bool
) -> None:
    from salon_tui.domain.members import normalise_phone

    statuses = _statuses(include_archived)
    if len(digits) == 4 and digits.isdigit():
        rows = connection.execute(
            _PHONE_TAIL, {"tail": digits, "statuses": list(statuses), "limit": found.room()}
        )
        found.add((row[0] for row in rows), 0, "phone")
        return
    if len(digits.lstrip("+")) < 7:
        return
    try:
        phone = normalise_phone(digits, region)
    except ValueError:
        return
    rows = connection.execute(_PHONE, {"phone": phone})
    found.add((row[0] for row in rows if row[1] in statuses), 0, "phone")


def _search_names(connection: Connection, key: str, found: _Found, include_archived: bool) -> None:
    archived = (False, True) if include_archived else (False,)
    fragment = key[:GRAM_MAX]
    long_query = len(key) > GRAM_MAX
    is_pinyin = bool(_LETTERS.match(key))
    plans = [(NAME_START, False, 1, "name")]
    if is_pinyin:
        plans.append((PINYIN_START, True, 1, "pinyin"))
    plans.append((NAME_INSIDE, False, 2, "name"))
    if is_pinyin:
        plans.append((PINYIN_INSIDE, True, 2, "pinyin"))
    for kind, prefix, rank, match in plans:
        if found.full:
            return
        gram = kind + (key if prefix else fragment)
        ids = _gram_ids(connection, gram, prefix=prefix, archived=archived, limit=found.room())
        if long_query and not prefix and ids:
            rows = connection.execute(_NAME_KEYS, {"ids": ids})
            keep = {row[0] for row in rows if key in "".join(row[1].split())}
            ids = [member_id for member_id in ids if member_id in keep]
        found.add(ids, rank, match)


def search_members(
    uow: UnitOfWork,
    actor: Actor,
    query: str,
    *,
    include_archived: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> SearchResult:
    """Members matching ``query`` (card, phone, last four digits, name or pinyin), best first.

    Archived members only with ``include_archived``. Phones are masked for staff without
    ``member.contact``.
    """
    require(actor, "member.view")
    text_query = query.strip()
    if not text_query:
        return SearchResult(query, ())
    found = _Found({}, max(1, limit))
    with uow.read() as session:
        connection = session.connection()
        region = _region(connection)
        notice = _search_card(connection, text_query, found, include_archived)
        phone_key = _phone_key(text_query)
        if phone_key is not None:
            _search_phone(connection, phone_key, region, found, include_archived)
        key = search_key(text_query)
        if key and phone_key is None:
            _search_names(connection, key, found, include_archived)
        hits = hits_for(connection, found.ranked, actor, region)
    return SearchResult(query, hits, notice)


def _region(connection: Connection) -> str:
    import json

    stored = connection.execute(_REGION).scalar()
    return str(json.loads(stored)) if stored else "CN"


def hits_for(
    connection: Connection, ranked: dict[int, tuple[int, str]], actor: Actor, region: str
) -> tuple[MemberHit, ...]:
    """Read models for the ranked member ids, best first (one query)."""
    if not ranked:
        return ()
    rows: dict[int, Any] = {}
    allergies: dict[int, list[str]] = {}
    for row in connection.execute(_HITS, {"ids": list(ranked)}):
        rows.setdefault(row[0], row)
        if row[7] and row[7] not in allergies.setdefault(row[0], []):
            allergies[row[0]].append(row[7])
    show_contact = actor.can("member.contact")
    own_code = calling_code(region)
    hits = [
        MemberHit(
            id=member_id,
            name=name,
            phone=phone_for(phone, own_code, show_contact),
            level=level or "",
            card_number=card_number or "",
            status=status,
            allergies=", ".join(allergies.get(member_id, [])),
            match=ranked[member_id][1],
        )
        for member_id, name, _key, phone, status, level, card_number, _allergy in rows.values()
    ]
    keys = {member_id: row[2] for member_id, row in rows.items()}
    hits.sort(key=lambda hit: (ranked[hit.id][0], hit.is_archived, keys[hit.id], hit.id))
    return tuple(hits)


def phone_for(e164: str | None, own_calling_code: str, show_contact: bool) -> str:
    """National digits for the shop's own country, masked without the contact permission."""
    phone = local_phone(e164, own_calling_code)
    return phone if show_contact or not phone else mask_phone(phone)
