"""Member cards: issue, report lost, replace, close.

A member holds at most one active card. A card reported lost stops working at once;
replacing issues a new number and everything attached to the old card moves to it
(``CARD_MOVES``: prepaid registers its balances there). An old number never works
again, and the search box says whose it was. Closing a card that still carries value
is prepaid's business: ``CLOSE_CHECKS`` lets it refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from salon_tui.data.models import Card, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain import cards as card_rules
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.members import load_member
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting, write_setting

NEXT_SERIAL_KEY = "cards.next_serial"

# Other areas move what hangs on a card from the old card to its replacement:
# (session, old_card_id, new_card_id) → nothing. Prepaid adds its balances here.
CardMove = Callable[[Session, int, int], None]
CARD_MOVES: list[CardMove] = []
# Checks before a card is closed: (session, card_id) → a reason to refuse, or "".
CloseCheck = Callable[[Session, int], str]
CLOSE_CHECKS: list[CloseCheck] = []


@dataclass(frozen=True)
class IssuedCard:
    id: int
    number: str
    member_id: int
    member_name: str
    status: str
    issued_at: datetime
    replaced_number: str = ""


def _view(card: Card, member: Member, replaced: str = "") -> IssuedCard:
    assert card.id is not None
    return IssuedCard(
        card.id, card.number, card.member_id, member.name, card.status, card.issued_at, replaced
    )


def next_card_number(session: Session) -> str:
    """The next number in the shop's scheme; skips numbers already taken (imports)."""
    serial = int(read_setting(session, NEXT_SERIAL_KEY, 1))
    while True:
        number = card_rules.number_for_serial(serial)
        serial += 1
        if session.exec(select(Card.id).where(col(Card.number) == number)).first() is None:
            write_setting(session, NEXT_SERIAL_KEY, serial)
            return number


def _check_number_free(session: Session, number: str) -> None:
    holder = session.exec(
        select(Card, Member)
        .join(Member, col(Member.id) == col(Card.member_id))
        .where(col(Card.number) == number)
    ).first()
    if holder is not None:
        _card, member = holder
        raise Conflict(
            _("Card {number} already belongs to {name} (#{id}).").format(
                number=number, name=member.name, id=member.id
            )
        )


def _active_card(session: Session, member_id: int) -> Card | None:
    return session.exec(
        select(Card).where(col(Card.member_id) == member_id, col(Card.status) == "active")
    ).first()


def create_card(
    session: Session,
    actor: Actor,
    member: Member,
    number: str | None,
    *,
    moment: datetime | None = None,
) -> Card:
    """Insert a card inside the caller's transaction (import and demo use it)."""
    assert member.id is not None
    if member.status != "active":
        raise Conflict(_("{name} is archived: restore the member first.").format(name=member.name))
    current = _active_card(session, member.id)
    if current is not None:
        raise Conflict(
            _("{name} already holds card {number}; replace it instead.").format(
                name=member.name, number=current.number
            )
        )
    if number is None or not number.strip():
        cleaned = next_card_number(session)
    else:
        try:
            cleaned = card_rules.validate_card_number(number, allow_legacy=True)
        except ValueError as error:
            raise ValidationError(str(error), field="number") from None
        _check_number_free(session, cleaned)
    card = Card(number=cleaned, member_id=member.id, status="active", issued_at=moment or utc_now())
    session.add(card)
    session.flush()
    audit.record(
        session,
        actor,
        "card.issue",
        "member",
        member.id,
        after={"card": cleaned, "card_id": card.id},
    )
    return card


def issue_card(
    uow: UnitOfWork, actor: Actor, member_id: int, number: str | None = None
) -> IssuedCard:
    """Give a member a card: the next number in the shop's scheme, or ``number`` as printed
    (a legacy number such as ``V100000`` is accepted when given explicitly)."""
    require(actor, "card.manage")
    with uow.transaction() as session:
        member = load_member(session, member_id)
        return _view(create_card(session, actor, member, number), member)


def _load_card(session: Session, number: str) -> tuple[Card, Member]:
    cleaned = card_rules.clean_card_text(number)
    row = session.exec(
        select(Card, Member)
        .join(Member, col(Member.id) == col(Card.member_id))
        .where(col(Card.number) == cleaned)
    ).first()
    if row is None:
        raise NotFound(_("There is no card {number}.").format(number=cleaned))
    return row


def _end(
    session: Session, actor: Actor, card: Card, member: Member, status: str, action: str
) -> None:
    if card.status != "active":
        raise Conflict(
            _("Card {number} is already {status}.").format(
                number=card.number, status=_(status_label(card.status))
            )
        )
    card.status = status
    card.closed_at = utc_now()
    session.add(card)
    session.flush()
    audit.record(
        session,
        actor,
        action,
        "member",
        member.id,
        before={"card": card.number, "status": "active"},
        after={"card": card.number, "status": status},
    )


def report_lost(uow: UnitOfWork, actor: Actor, number: str) -> IssuedCard:
    """The card stops working at once; everything stays with the member for a replacement."""
    require(actor, "card.manage")
    with uow.transaction() as session:
        card, member = _load_card(session, number)
        _end(session, actor, card, member, "lost", "card.lost")
        return _view(card, member)


def replace_card(
    uow: UnitOfWork, actor: Actor, member_id: int, new_number: str | None = None
) -> IssuedCard:
    """A new card for the member's active or lost card; what hung on the old one moves to it
    and the old number is refused from now on."""
    require(actor, "card.manage")
    with uow.transaction() as session:
        member = load_member(session, member_id)
        old = (
            _active_card(session, member_id)
            or session.exec(
                select(Card)
                .where(col(Card.member_id) == member_id, col(Card.status) == "lost")
                .order_by(col(Card.closed_at).desc(), col(Card.id).desc())
            ).first()
        )
        if old is None:
            raise Conflict(
                _("{name} has no active or lost card to replace; issue one instead.").format(
                    name=member.name
                )
            )
        assert old.id is not None
        old.status = "replaced"
        old.closed_at = old.closed_at or utc_now()
        session.add(old)
        session.flush()
        new = create_card(session, actor, member, new_number)
        assert new.id is not None
        old.replaced_by_id = new.id
        session.add(old)
        for move in CARD_MOVES:
            move(session, old.id, new.id)
        audit.record(
            session,
            actor,
            "card.replace",
            "member",
            member_id,
            before={"card": old.number},
            after={"card": new.number},
        )
        return _view(new, member, replaced=old.number)


def close_card(uow: UnitOfWork, actor: Actor, number: str) -> IssuedCard:
    """Close a card for good (the member leaves it behind). Refused while another area says
    the card still carries something (stored value is refunded first)."""
    require(actor, "card.manage")
    with uow.transaction() as session:
        card, member = _load_card(session, number)
        assert card.id is not None
        from salon_tui.services.area_hooks import load_area_hooks

        load_area_hooks()
        for check in CLOSE_CHECKS:
            reason = check(session, card.id)
            if reason:
                raise Conflict(reason)
        _end(session, actor, card, member, "closed", "card.close")
        return _view(card, member)


def find_card(uow: UnitOfWork, actor: Actor, number: str) -> IssuedCard:
    """The card with ``number``, in any state."""
    require(actor, "member.view")
    with uow.read() as session:
        card, member = _load_card(session, number)
        return _view(card, member)


CARD_STATUS_LABELS = {
    "active": N_("in use"),
    "lost": N_("lost"),
    "replaced": N_("replaced"),
    "merged": N_("merged"),
    "closed": N_("closed"),
}


def status_label(status: str) -> str:
    """The msgid for a card status (translate it where shown)."""
    return CARD_STATUS_LABELS.get(status, status)
