"""Ratings (M10): after paying, the client gives each stylist of the visit 1–5 stars
and, if they like, a comment.

A rating belongs to a paid sale and to a stylist who worked on one of its lines; each
pair has at most one standing rating. A rating is never edited: a manager withdraws a
mistaken one (with a reason, audited) and the client may rate again. The staff report
shows each stylist's average, and the member's timeline shows what they said.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from salon_tui.data.models import Sale, SaleLine, SaleLineStaff, SaleRating, Staff
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.periods import Period
from salon_tui.domain.sales import CARD_KINDS, COUNTED_STATUSES
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit, member_timeline
from salon_tui.services.member_timeline import TimelineEvent
from salon_tui.services.permissions import require

COMMENT_MAX = 200
STARS_MIN, STARS_MAX = 1, 5


@dataclass(frozen=True)
class RatingView:
    id: int
    sale_id: int
    sale_number: str
    staff_id: int
    staff_name: str
    member_id: int | None
    business_day: date
    stars: int
    comment: str
    recorded_at: datetime
    withdrawn: bool
    withdraw_reason: str

    @property
    def star_text(self) -> str:
        return stars_text(self.stars)


@dataclass(frozen=True)
class RatingTarget:
    """A stylist of a paid sale, and the rating they already have on it (if any)."""

    staff_id: int
    staff_name: str
    stars: int | None


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (STARS_MAX - stars)


def _paid_sale(session: Session, sale_id: int) -> Sale:
    sale = session.get(Sale, sale_id)
    if sale is None:
        raise NotFound(_("There is no sale #{id}.").format(id=sale_id))
    if sale.status not in COUNTED_STATUSES:
        raise Conflict(_("Only a paid sale can be rated."))
    return sale


def _stylists(session: Session, sale_id: int) -> dict[int, str]:
    rows = session.exec(
        select(SaleLineStaff.staff_id, Staff.name)
        .join(SaleLine, col(SaleLine.id) == col(SaleLineStaff.line_id))
        .join(Staff, col(Staff.id) == col(SaleLineStaff.staff_id))
        .where(col(SaleLine.sale_id) == sale_id, col(SaleLine.kind).not_in(CARD_KINDS))
        .order_by(col(SaleLineStaff.id))
    )  # who sold a top-up, a package or a gift card is not rated for it
    return {int(staff_id): name for staff_id, name in rows}


def _standing(session: Session, sale_id: int) -> dict[int, SaleRating]:
    rows = session.exec(
        select(SaleRating).where(
            col(SaleRating.sale_id) == sale_id, col(SaleRating.withdrawn_at).is_(None)
        )
    )
    return {row.staff_id: row for row in rows}


def rating_targets(uow: UnitOfWork, actor: Actor, sale_id: int) -> list[RatingTarget]:
    """Who can be rated on a paid sale, in the order they appear on it."""
    require(actor, "sales.sell")
    with uow.read() as session:
        _paid_sale(session, sale_id)
        standing = _standing(session, sale_id)
        return [
            RatingTarget(staff_id, name, standing[staff_id].stars if staff_id in standing else None)
            for staff_id, name in _stylists(session, sale_id).items()
        ]


def _view(session: Session, row: SaleRating, names: dict[int, str] | None = None) -> RatingView:
    assert row.id is not None
    sale = session.get(Sale, row.sale_id)
    name = (names or {}).get(row.staff_id)
    if name is None:
        person = session.get(Staff, row.staff_id)
        name = person.name if person else f"#{row.staff_id}"
    return RatingView(
        id=row.id,
        sale_id=row.sale_id,
        sale_number=(sale.number or "") if sale else "",
        staff_id=row.staff_id,
        staff_name=name,
        member_id=row.member_id,
        business_day=row.business_day,
        stars=row.stars,
        comment=row.comment,
        recorded_at=row.recorded_at,
        withdrawn=row.withdrawn_at is not None,
        withdraw_reason=row.withdraw_reason,
    )


def rate(
    uow: UnitOfWork, actor: Actor, sale_id: int, staff_id: int, stars: int, comment: str = ""
) -> RatingView:
    """Record the client's stars (1–5) and comment for one stylist of a paid sale."""
    require(actor, "sales.sell")
    assert actor.staff_id is not None
    if isinstance(stars, bool) or not isinstance(stars, int) or not STARS_MIN <= stars <= STARS_MAX:
        raise ValidationError(_("A rating is 1 to 5 stars."), field="stars")
    cleaned = " ".join(comment.split())
    if len(cleaned) > COMMENT_MAX:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=COMMENT_MAX),
            field="comment",
        )
    with uow.transaction() as session:
        sale = _paid_sale(session, sale_id)
        stylists = _stylists(session, sale_id)
        if staff_id not in stylists:
            raise ValidationError(
                _("Only a stylist who worked on this sale can be rated for it."), field="staff"
            )
        existing = _standing(session, sale_id).get(staff_id)
        if existing is not None:
            raise Conflict(
                _(
                    "{name} was already rated {stars} on this sale; a manager can withdraw "
                    "that rating first."
                ).format(name=stylists[staff_id], stars=stars_text(existing.stars))
            )
        assert sale.business_day is not None
        row = SaleRating(
            sale_id=sale_id,
            staff_id=staff_id,
            member_id=sale.member_id,
            business_day=sale.business_day,
            stars=stars,
            comment=cleaned,
            recorded_by=actor.staff_id,
            recorded_at=utc_now(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "rating.add",
            "sale",
            sale_id,
            after={"rating_id": row.id, "staff_id": staff_id, "stars": stars, "comment": cleaned},
        )
        return _view(session, row, stylists)


def withdraw(uow: UnitOfWork, actor: Actor, rating_id: int, reason: str) -> RatingView:
    """Withdraw a mistaken rating (managers), with a reason; the row stays."""
    require(actor, "ratings.withdraw")
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")
    if len(cleaned) > COMMENT_MAX:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=COMMENT_MAX),
            field="reason",
        )
    with uow.transaction() as session:
        row = session.get(SaleRating, rating_id, with_for_update=True)
        if row is None:
            raise NotFound(_("There is no rating #{id}.").format(id=rating_id))
        if row.withdrawn_at is not None:
            raise Conflict(_("Rating #{id} was already withdrawn.").format(id=rating_id))
        row.withdrawn_by = actor.staff_id
        row.withdrawn_at = utc_now()
        row.withdraw_reason = cleaned
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "rating.withdraw",
            "sale",
            row.sale_id,
            before={"rating_id": rating_id, "stars": row.stars},
            after={"withdrawn": True, "reason": cleaned},
        )
        return _view(session, row)


def list_ratings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    period: Period | None = None,
    staff_id: int | None = None,
    include_withdrawn: bool = False,
    limit: int = 200,
) -> list[RatingView]:
    """Ratings newest first. Managers see everyone's; a stylist sees their own."""
    if not actor.can("ratings.view_all"):
        require(actor, "ratings.view_own")
        staff_id = actor.staff_id
    query = select(SaleRating).order_by(
        col(SaleRating.recorded_at).desc(), col(SaleRating.id).desc()
    )
    if period is not None:
        query = query.where(
            col(SaleRating.business_day) >= period.start,
            col(SaleRating.business_day) <= period.end,
        )
    if staff_id is not None:
        query = query.where(col(SaleRating.staff_id) == staff_id)
    if not include_withdrawn:
        query = query.where(col(SaleRating.withdrawn_at).is_(None))
    with uow.read() as session:
        rows = list(session.exec(query.limit(max(1, limit))))
        names = {
            int(person_id): name
            for person_id, name in session.exec(select(Staff.id, Staff.name))
            if person_id is not None
        }
        return [_view(session, row, names) for row in rows]


def averages(
    session: Session, period: Period, store: int | None = None
) -> dict[int, tuple[int, int]]:
    """Per stylist: (how many standing ratings, sum of their stars) in the period, for the
    sales of ``store`` (every store when None)."""
    query = (
        select(SaleRating.staff_id, func.count(), func.sum(SaleRating.stars))
        .where(
            col(SaleRating.business_day) >= period.start,
            col(SaleRating.business_day) <= period.end,
            col(SaleRating.withdrawn_at).is_(None),
        )
        .group_by(col(SaleRating.staff_id))
    )
    if store is not None:
        query = query.join(Sale, col(Sale.id) == col(SaleRating.sale_id)).where(
            col(Sale.store_id) == store
        )
    rows = session.exec(query)
    return {int(staff_id): (int(count), int(total or 0)) for staff_id, count, total in rows}


def _timeline(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    rows = session.exec(
        select(SaleRating, Staff.name)
        .join(Staff, col(Staff.id) == col(SaleRating.staff_id))
        .where(col(SaleRating.member_id) == member_id, col(SaleRating.withdrawn_at).is_(None))
    )
    for row, name in rows:
        text = _("Rated {name} {stars}").format(name=name, stars=stars_text(row.stars))
        if row.comment:
            text += f" · {row.comment}"
        yield TimelineEvent(row.recorded_at, "rating", text)


member_timeline.TIMELINE_SOURCES.append(_timeline)
