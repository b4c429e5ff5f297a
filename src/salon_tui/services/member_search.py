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

from sqlalchemy import and_, delete, insert, select, update
from sqlmodel import Session, col

from salon_tui.data.models import Allergy, Card, Member, MemberGram, MemberLevel
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


def _pinyin_tokens(name: str) -> list[str]:
    """Syllables of the Chinese characters and the other words, lower case."""
    from pypinyin import lazy_pinyin

    tokens: list[str] = []
    for word in fold(name).split():
        for piece in lazy_pinyin(word, errors="default"):
            tokens.extend(part for part in re.split(r"[^a-z0-9]+", piece.lower()) if part)
    return tokens


def grams_for(name: str) -> set[str]:
    """Every search gram for a member called ``name``."""
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
    return found


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


def grams_rows(members: Iterable[tuple[int, str]]) -> Iterable[dict[str, object]]:
    """Gram rows for bulk loading (demo, import): ``(member_id, name)`` pairs."""
    for member_id, name in members:
        for gram in grams_for(name):
            yield {"archived": False, "gram": gram, "member_id": member_id}


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


def _gram_ids(
    session: Session, gram: str, *, prefix: bool, archived: Sequence[bool], limit: int
) -> list[int]:
    found: list[int] = []
    for state in archived:
        if len(found) >= limit:
            break
        condition = (
            and_(col(MemberGram.gram) >= gram, col(MemberGram.gram) < _next_prefix(gram))
            if prefix
            else col(MemberGram.gram) == gram
        )
        query = (
            select(col(MemberGram.member_id))
            .where(col(MemberGram.archived) == state, condition)
            .limit(limit - len(found))
        )
        found.extend(row for row in session.execute(query).scalars() if row not in found)
    return found


def _statuses(include_archived: bool) -> tuple[str, ...]:
    return ("active", "archived") if include_archived else ("active",)


def _search_card(session: Session, text: str, found: _Found, include_archived: bool) -> str:
    """Look the text up as a card number; a notice for lost, replaced or misread cards."""
    number = card_rules.clean_card_text(text)
    if card_rules.is_shop_scheme(number) and not card_rules.check_digit_ok(number):
        return _("{number} has a wrong check digit: scan again or type it carefully.").format(
            number=number
        )
    row = session.execute(
        select(col(Card.member_id), col(Card.status), col(Member.name), col(Member.status))
        .join(Member, col(Member.id) == col(Card.member_id))
        .where(col(Card.number) == number)
    ).first()
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


def _phone_key(text: str) -> str | None:
    cleaned = fold(text).strip()
    if not _PHONE_CHARS.match(cleaned):
        return None
    return re.sub(r"[\s()-]", "", cleaned)


def _search_phone(
    session: Session, digits: str, region: str, found: _Found, include_archived: bool
) -> None:
    from salon_tui.domain.members import normalise_phone

    statuses = _statuses(include_archived)
    if len(digits) == 4 and digits.isdigit():
        ids = session.execute(
            select(col(Member.id))
            .where(col(Member.phone_tail) == digits, col(Member.status).in_(statuses))
            .limit(found.room())
        ).scalars()
        found.add(ids, 0, "phone")
        return
    if len(digits.lstrip("+")) < 7:
        return
    try:
        phone = normalise_phone(digits, region)
    except ValueError:
        return
    ids = session.execute(
        select(col(Member.id)).where(col(Member.phone) == phone, col(Member.status).in_(statuses))
    ).scalars()
    found.add(ids, 0, "phone")


def _search_names(session: Session, key: str, found: _Found, include_archived: bool) -> None:
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
        text = key if prefix else fragment
        ids = _gram_ids(session, kind + text, prefix=prefix, archived=archived, limit=found.room())
        if long_query and not prefix and ids:
            names = session.execute(
                select(col(Member.id), col(Member.name_key)).where(col(Member.id).in_(ids))
            ).all()
            keep = {row[0] for row in names if key in "".join(row[1].split())}
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
    text = query.strip()
    if not text:
        return SearchResult(query, ())
    found = _Found({}, max(1, limit))
    with uow.read() as session:
        region = _region(session)
        notice = _search_card(session, text, found, include_archived)
        phone_key = _phone_key(text)
        if phone_key is not None:
            _search_phone(session, phone_key, region, found, include_archived)
        key = search_key(text)
        if key and phone_key is None:
            _search_names(session, key, found, include_archived)
        hits = hits_for(session, found.ranked, actor, region)
    return SearchResult(query, hits, notice)


def _region(session: Session) -> str:
    from salon_tui.services.settings import SHOP_PREFIX, read_setting

    return str(read_setting(session, SHOP_PREFIX + "country", "CN"))


def hits_for(
    session: Session, ranked: dict[int, tuple[int, str]], actor: Actor, region: str
) -> tuple[MemberHit, ...]:
    if not ranked:
        return ()
    ids = list(ranked)
    members = session.execute(
        select(
            col(Member.id),
            col(Member.name),
            col(Member.name_key),
            col(Member.phone),
            col(Member.status),
            col(MemberLevel.name),
        )
        .outerjoin(MemberLevel, col(MemberLevel.id) == col(Member.level_id))
        .where(col(Member.id).in_(ids))
    ).all()
    card_numbers = dict(
        session.execute(
            select(col(Card.member_id), col(Card.number)).where(
                col(Card.member_id).in_(ids),
                col(Card.status) == "active",
            )
        ).all()
    )
    allergies: dict[int, list[str]] = {}
    for member_id, substance in session.execute(
        select(col(Allergy.member_id), col(Allergy.substance)).where(
            col(Allergy.member_id).in_(ids),
            col(Allergy.removed_at).is_(None),
        )
    ):
        allergies.setdefault(member_id, []).append(substance)
    show_contact = actor.can("member.contact")
    own_code = calling_code(region)
    hits = [
        MemberHit(
            id=member_id,
            name=name,
            phone=phone_for(phone, own_code, show_contact),
            level=level or "",
            card_number=card_numbers.get(member_id, ""),
            status=status,
            allergies=", ".join(allergies.get(member_id, [])),
            match=ranked[member_id][1],
        )
        for member_id, name, _key, phone, status, level in members
    ]
    keys = {row[0]: row[2] for row in members}
    hits.sort(key=lambda hit: (ranked[hit.id][0], hit.is_archived, keys[hit.id], hit.id))
    return tuple(hits)


def phone_for(e164: str | None, own_calling_code: str, show_contact: bool) -> str:
    """National digits for the shop's own country, masked without the contact permission."""
    phone = local_phone(e164, own_calling_code)
    return phone if show_contact or not phone else mask_phone(phone)
