"""Top-up promotions: tiers such as 充1000送200 (bonus), points, a coupon, a level.

This area applies the bonus and the level upgrade itself. Points and coupons belong to
the loyalty area, which appends a function to ``TOPUP_REWARDS``: it is called inside the
top-up's transaction with what the tier promises and returns what it gave, one short
sentence each (shown to the cashier and kept in the audit entry). ``TOPUP_UNDOS`` is
called when such a top-up is undone, to take the rewards back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, or_, select

from salon_tui.data.models import MemberLevel, TopUpPromotion
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.prepaid import Tier
from salon_tui.errors import NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.member_levels import level_named
from salon_tui.services.permissions import require
from salon_tui.services.prepaid_settings import load_prepaid_settings


@dataclass(frozen=True)
class TopUpReward:
    """What a loyalty hook is told about a top-up that reached a tier."""

    member_id: int
    entry_id: int  # the top-up's stored value entry
    amount_cents: int
    tier: Tier


# (session, actor, reward) → sentences describing what was given ("100 points").
RewardHook = Callable[[Session, Actor, TopUpReward], list[str]]
TOPUP_REWARDS: list[RewardHook] = []
# (session, actor, reward) → nothing; raises a SalonError when the reward cannot be
# taken back (points already spent, say), which refuses the undo.
TOPUP_UNDOS: list[Callable[[Session, Actor, TopUpReward], None]] = []


@dataclass(frozen=True)
class PromotionView:
    id: int
    name: str
    min_amount_cents: int
    bonus_cents: int
    points: int
    coupon_template: str
    upgrade_level: str
    active: bool
    starts_on: date | None
    ends_on: date | None


def _view(row: TopUpPromotion, levels: dict[int, str]) -> PromotionView:
    assert row.id is not None
    return PromotionView(
        row.id,
        row.name,
        row.min_amount_cents,
        row.bonus_cents,
        row.points,
        row.coupon_template,
        levels.get(row.upgrade_level_id, "") if row.upgrade_level_id else "",
        row.active,
        row.starts_on,
        row.ends_on,
    )


def _level_names(session: Session) -> dict[int, str]:
    return {level.id: level.name for level in session.exec(select(MemberLevel)) if level.id}


def tier_of(row: TopUpPromotion) -> Tier:
    assert row.id is not None
    return Tier(
        row.id,
        row.min_amount_cents,
        row.bonus_cents,
        row.points,
        row.coupon_template,
        row.upgrade_level_id,
    )


def tiers_on(session: Session, day: date) -> list[TopUpPromotion]:
    """The promotions running on ``day``."""
    return list(
        session.exec(
            select(TopUpPromotion).where(
                col(TopUpPromotion.active),
                or_(col(TopUpPromotion.starts_on).is_(None), col(TopUpPromotion.starts_on) <= day),
                or_(col(TopUpPromotion.ends_on).is_(None), col(TopUpPromotion.ends_on) >= day),
            )
        )
    )


def add_promotion(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    min_amount_cents: int,
    *,
    bonus_cents: int = 0,
    points: int = 0,
    coupon_template: str = "",
    upgrade_level: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> PromotionView:
    """Add a tier. It must give something (bonus, points, coupon or level) and its bonus is
    less than the amount that earns it."""
    require(actor, "prepaid.promotions")
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 60:
        raise ValidationError(_("A promotion needs a name of at most 60 characters."), "name")
    if bonus_cents < 0 or points < 0:
        raise ValidationError(_("Bonus and points cannot be negative."), field="bonus")
    if len(coupon_template) > 40:
        raise ValidationError(_("That is too long: at most 40 characters."), "coupon")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(_("The promotion ends before it starts."), field="ends_on")
    with uow.transaction() as session:
        limit = load_prepaid_settings(session).max_amount_cents
        if not 0 < min_amount_cents <= limit:
            raise ValidationError(
                _(
                    "The top-up amount of a tier must be more than zero and within the shop's limit."
                ),
                field="min_amount",
            )
        if bonus_cents >= min_amount_cents:
            raise ValidationError(
                _("The bonus must be less than the top-up that earns it."), field="bonus"
            )
        level_id = level_named(session, upgrade_level).id if upgrade_level.strip() else None
        if not (bonus_cents or points or coupon_template.strip() or level_id):
            raise ValidationError(
                _("A promotion gives something: a bonus, points, a coupon or a level."),
                field="bonus",
            )
        row = TopUpPromotion(
            name=cleaned,
            min_amount_cents=min_amount_cents,
            bonus_cents=bonus_cents,
            points=points,
            coupon_template=coupon_template.strip(),
            upgrade_level_id=level_id,
            starts_on=starts_on,
            ends_on=ends_on,
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        view = _view(row, _level_names(session))
        audit.record(
            session,
            actor,
            "prepaid.promotion_add",
            "top_up_promotion",
            row.id,
            after={
                "name": cleaned,
                "min_amount_cents": min_amount_cents,
                "bonus_cents": bonus_cents,
                "points": points,
                "coupon": row.coupon_template,
                "level": view.upgrade_level,
            },
        )
        return view


def end_promotion(uow: UnitOfWork, actor: Actor, promotion_id: int) -> PromotionView:
    """Stop a promotion; top-ups already made keep what they received."""
    require(actor, "prepaid.promotions")
    with uow.transaction() as session:
        row = session.get(TopUpPromotion, promotion_id)
        if row is None:
            raise NotFound(_("There is no promotion #{id}.").format(id=promotion_id))
        if row.active:
            row.active = False
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor,
                "prepaid.promotion_end",
                "top_up_promotion",
                promotion_id,
                before={"active": True},
                after={"active": False},
            )
        return _view(row, _level_names(session))


def list_promotions(
    uow: UnitOfWork, actor: Actor, *, include_ended: bool = False
) -> list[PromotionView]:
    """The tiers, smallest amount first."""
    require(actor, "prepaid.view")
    with uow.read() as session:
        query = select(TopUpPromotion).order_by(
            col(TopUpPromotion.min_amount_cents), col(TopUpPromotion.id)
        )
        if not include_ended:
            query = query.where(col(TopUpPromotion.active))
        levels = _level_names(session)
        return [_view(row, levels) for row in session.exec(query)]
