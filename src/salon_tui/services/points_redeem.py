"""Points spent outside a sale (积分兑换): into stored value, or on a reward from the
shop's points catalogue — a product handed over at the desk, or a coupon (a free
service, a voucher) for a later visit.

The catalogue is a shop setting: each reward is a product (by its code) or a coupon
template (by its name) with a points price, set by a manager (Settings, or `salon points
reward set`). Redeeming is one action in one transaction under an idempotency key: the
points entry (a conditional update: never below zero), then the stored value entry, the
stock movement or the coupon, and the audit entry. A double Enter redeems once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from salon_tui.data.models import CouponTemplate, Product
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.inventory import AdjustReason, MovementKind
from salon_tui.domain.points import POINTS_MAX, EntryKind, points_for_cents, points_value_cents
from salon_tui.domain.prepaid import Split
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit, points
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.settings import read_setting, write_setting
from salon_tui.services.stored_value import run_action, shop_money

REWARDS_KEY = "loyalty.points_rewards"
REWARDS_MAX = 200


class RewardKind(StrEnum):
    PRODUCT = "product"
    COUPON = "coupon"


REWARD_KIND_LABELS = {
    RewardKind.PRODUCT: N_("Product, handed over now"),
    RewardKind.COUPON: N_("Coupon, for a later visit"),
}


@dataclass(frozen=True)
class RewardView:
    kind: str
    ref: str  # the product's code, or the coupon template's name
    name: str
    points: int
    available: bool
    detail: str  # "12 in stock", "免费洗吹 · a free service" …

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class PointsConverted:
    member_id: int
    points: int
    bonus_cents: int
    points_left: int


@dataclass(frozen=True)
class RewardRedeemed:
    member_id: int
    name: str
    kind: str
    points: int
    points_left: int
    coupon_code: str  # the coupon given ("" for a product)
    on_hand_after: int  # the product's stock after (0 for a coupon)


def _member_ready(session: Session, member_id: int) -> None:
    member = load_member(session, member_id)
    if member.status != "active":
        raise Conflict(_("{name} is archived: restore the member first.").format(name=member.name))


def _check_points(count: int) -> None:
    if count <= 0:
        raise ValidationError(_("Give a number of points above zero."), field="points")
    if count > POINTS_MAX:
        raise ValidationError(_("That many points is surely a typing slip."), field="points")


# --- points into stored value ------------------------------------------------------------


def convert_to_stored_value(
    uow: UnitOfWork, actor: Actor, member_id: int, count: int, *, key: str | None = None
) -> PointsConverted:
    """Turn ``count`` points into stored value at the shop's redemption rate (the value
    of 100 points), as bonus. Only the points that make whole fen are taken. Refused
    when the member holds fewer points. Audited; ``key`` makes a retry act once."""
    require(actor, "points.redeem")
    _check_points(count)

    def body(session: Session) -> PointsConverted:
        from salon_tui.services.prepaid_settings import load_prepaid_settings
        from salon_tui.services.stored_value import check_amount, open_account, post_entry

        _member_ready(session, member_id)
        rules = points.load_rules(session)
        value = points_value_cents(count, rules)
        if value <= 0:
            raise ValidationError(
                _("{points} points are worth less than {fen}; redeem more.").format(
                    points=count, fen=shop_money(session, 1)
                ),
                field="points",
            )
        check_amount(session, value, load_prepaid_settings(session))
        taken = points_for_cents(value, rules)  # never more than asked
        points.add_entry(
            session,
            actor,
            member_id,
            EntryKind.TO_STORED_VALUE,
            -taken,
            amount_cents=value,
            reason=_("into stored value"),
        )
        # Points were given, never paid for: what they become is promotional value, so
        # it is bonus, not principal. It is spent in the shop's spend order like any
        # bonus, forfeited (not paid back) when the stored value is closed, and counted
        # with bonus in what the shop owes; principal stays exactly what members paid.
        entry = post_entry(
            session,
            actor,
            open_account(session, member_id),
            "points",
            Split(0, value),
            day=shop_today(session),
            note=_("{points} points").format(points=taken),
        )
        left = points.balance_in(session, member_id)
        audit.record(
            session,
            actor,
            "points.to_stored_value",
            "member",
            member_id,
            after={
                "points": taken,
                "bonus_cents": value,
                "points_left": left,
                "entry_id": entry.id,
            },
        )
        return PointsConverted(member_id, taken, value, left)

    return run_action(uow, key, "points.to_stored_value", body, PointsConverted)


# --- the rewards catalogue ---------------------------------------------------------------


def _stored_rewards(session: Session) -> list[dict[str, Any]]:
    return [dict(item) for item in read_setting(session, REWARDS_KEY, [])]


def _product(session: Session, ref: str) -> Product:
    from salon_tui.services.products import find_product_row

    row = find_product_row(session, ref)
    if row is None:
        raise NotFound(_("No product has the barcode or code {code}.").format(code=ref.strip()))
    return row


def _template(session: Session, ref: str) -> CouponTemplate:
    from salon_tui.services.coupons import template_named

    return template_named(session, ref)


def _reward_view(session: Session, item: dict[str, Any]) -> RewardView | None:
    kind, ref, count = item["kind"], item["ref"], int(item["points"])
    if kind == RewardKind.PRODUCT:
        product = session.exec(select(Product).where(col(Product.sku) == ref)).first()
        if product is None:
            return None
        return RewardView(
            kind,
            ref,
            product.name,
            count,
            product.active and product.on_hand > 0,
            _("{count} in stock").format(count=product.on_hand),
        )
    template = session.exec(select(CouponTemplate).where(col(CouponTemplate.name) == ref)).first()
    if template is None:
        return None
    from salon_tui.services.coupons import _money_of, describe

    return RewardView(
        kind, ref, template.name, count, template.active, describe(template, _money_of(session))
    )


def reward_views(session: Session) -> list[RewardView]:
    found = [_reward_view(session, item) for item in _stored_rewards(session)]
    return sorted((view for view in found if view is not None), key=lambda v: (v.points, v.name))


def list_rewards(uow: UnitOfWork, actor: Actor) -> list[RewardView]:
    """The points catalogue, cheapest first, with what can be redeemed now."""
    require(actor, "points.view")
    with uow.read() as session:
        return reward_views(session)


def _resolve(session: Session, kind: str, ref: str) -> tuple[RewardKind, str]:
    """The reward's kind and its stored reference (the product's code, the template's name)."""
    try:
        reward_kind = RewardKind(kind)
    except ValueError:
        raise ValidationError(
            _("A reward is a product or a coupon, not {kind!r}.").format(kind=kind), field="kind"
        ) from None
    if reward_kind is RewardKind.PRODUCT:
        return reward_kind, _product(session, ref).sku
    return reward_kind, _template(session, ref).name


def set_reward(uow: UnitOfWork, actor: Actor, kind: str, ref: str, count: int) -> RewardView:
    """Put a product or a coupon template in the points catalogue at ``count`` points (or
    change its price). Manager; audited."""
    require(actor, "points.rules")
    _check_points(count)
    with uow.transaction() as session:
        reward_kind, stored_ref = _resolve(session, kind, ref)
        if reward_kind is RewardKind.PRODUCT and not _product(session, ref).active:
            raise Conflict(_("{name} is no longer sold.").format(name=stored_ref))
        if reward_kind is RewardKind.COUPON and not _template(session, ref).active:
            raise Conflict(
                _("Coupon {name} is retired and is no longer issued.").format(name=stored_ref)
            )
        rewards = _stored_rewards(session)
        before = next(
            (r for r in rewards if (r["kind"], r["ref"]) == (reward_kind.value, stored_ref)), None
        )
        if before is None and len(rewards) >= REWARDS_MAX:
            raise Conflict(
                _("The catalogue holds at most {count} rewards.").format(count=REWARDS_MAX)
            )
        rewards = [r for r in rewards if r is not before]
        rewards.append({"kind": reward_kind.value, "ref": stored_ref, "points": count})
        write_setting(session, REWARDS_KEY, rewards)
        audit.record(
            session,
            actor,
            "points.reward_set",
            "setting",
            REWARDS_KEY,
            before=before,
            after=rewards[-1],
        )
        view = _reward_view(session, rewards[-1])
        assert view is not None
        return view


def remove_reward(uow: UnitOfWork, actor: Actor, kind: str, ref: str) -> None:
    """Take a reward out of the points catalogue (manager); audited."""
    require(actor, "points.rules")
    with uow.transaction() as session:
        rewards = _stored_rewards(session)
        found = _find_stored(session, rewards, kind, ref)
        write_setting(session, REWARDS_KEY, [r for r in rewards if r is not found])
        audit.record(session, actor, "points.reward_remove", "setting", REWARDS_KEY, before=found)


def _find_stored(
    session: Session, rewards: list[dict[str, Any]], kind: str, ref: str
) -> dict[str, Any]:
    try:
        reward_kind, stored_ref = _resolve(session, kind, ref)
    except NotFound:
        reward_kind, stored_ref = RewardKind(kind), ref.strip()
    for item in rewards:
        if (item["kind"], item["ref"]) == (reward_kind.value, stored_ref):
            return item
    raise NotFound(_("{name} is not in the points catalogue.").format(name=ref.strip()))


# --- redeeming a reward ------------------------------------------------------------------


def redeem_reward(
    uow: UnitOfWork, actor: Actor, member_id: int, kind: str, ref: str, *, key: str | None = None
) -> RewardRedeemed:
    """Spend the member's points on a catalogue reward: a product leaves stock now (a
    stock adjustment, reason gift, naming the member), a coupon is issued to the member.
    Refused, changing nothing, when the member holds too few points, the product is out
    of stock or the coupon is retired. Audited; ``key`` makes a retry act once."""
    require(actor, "points.redeem")

    def body(session: Session) -> RewardRedeemed:
        from salon_tui.data.models import Member

        _member_ready(session, member_id)
        item = _find_stored(session, _stored_rewards(session), kind, ref)
        view = _reward_view(session, item)
        if view is None:
            raise NotFound(_("{name} is not in the points catalogue.").format(name=ref.strip()))
        held = points.balance_in(session, member_id)
        if held < view.points:
            raise Conflict(
                _("{name} costs {needed} points; the member holds {held}.").format(
                    name=view.name, needed=view.points, held=held
                )
            )
        points.add_entry(
            session, actor, member_id, EntryKind.REWARD, -view.points, reason=view.name
        )
        member = session.get(Member, member_id)
        coupon_code = ""
        on_hand = 0
        if view.kind == RewardKind.PRODUCT:
            from salon_tui.services.inventory import post_movement

            product = _product(session, view.ref)
            assert product.id is not None
            if not product.active:
                raise Conflict(_("{name} is no longer sold.").format(name=product.name))
            moved = post_movement(
                session,
                actor,
                product.id,
                MovementKind.ADJUST,
                -1,
                reason=AdjustReason.GIFT.value,
                reference=_("points reward"),
                note=_("for {member} (#{id})").format(
                    member=member.name if member else "", id=member_id
                ),
                allow_negative=False,
            )
            on_hand = moved.on_hand_after
        else:
            from salon_tui.services.coupons import issue_in_session

            coupon = issue_in_session(
                session, actor, _template(session, view.ref), member_id, "points"
            )
            assert coupon is not None
            coupon_code = coupon.code
        left = points.balance_in(session, member_id)
        audit.record(
            session,
            actor,
            "points.reward",
            "member",
            member_id,
            before={"points": held},
            after={
                "reward": view.key,
                "name": view.name,
                "points": view.points,
                "points_left": left,
                "coupon": coupon_code,
            },
        )
        return RewardRedeemed(
            member_id, view.name, view.kind, view.points, left, coupon_code, on_hand
        )

    return run_action(uow, key, "points.reward", body, RewardRedeemed)
