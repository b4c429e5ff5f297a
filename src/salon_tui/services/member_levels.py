"""Membership levels: the shop's list (Settings → Levels) and each member's level history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, func, select

from salon_tui.data.models import Member, MemberLevel, MemberLevelChange
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.members import DEFAULT_LEVELS, LevelRule, default_level_name, fold
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require

LEVEL_NAME_MAX = 40


@dataclass(frozen=True)
class LevelView:
    id: int
    name: str
    rank: int
    service_discount_bp: int
    product_discount_bp: int
    points_multiplier_pct: int
    upgrade_spend_cents: int | None
    upgrade_top_up_cents: int | None
    upgrade_points: int | None
    can_drop: bool
    active: bool
    members: int = 0

    @property
    def rule(self) -> LevelRule:
        return LevelRule(
            self.id,
            self.rank,
            self.upgrade_spend_cents,
            self.upgrade_top_up_cents,
            self.upgrade_points,
            self.can_drop,
        )


EDITABLE = (
    "name",
    "rank",
    "service_discount_bp",
    "product_discount_bp",
    "points_multiplier_pct",
    "upgrade_spend_cents",
    "upgrade_top_up_cents",
    "upgrade_points",
    "can_drop",
    "active",
)


def level_view(level: MemberLevel, members: int = 0) -> LevelView:
    assert level.id is not None
    return LevelView(
        id=level.id,
        name=level.name,
        rank=level.rank,
        service_discount_bp=level.service_discount_bp,
        product_discount_bp=level.product_discount_bp,
        points_multiplier_pct=level.points_multiplier_pct,
        upgrade_spend_cents=level.upgrade_spend_cents,
        upgrade_top_up_cents=level.upgrade_top_up_cents,
        upgrade_points=level.upgrade_points,
        can_drop=level.can_drop,
        active=level.active,
        members=members,
    )


def seed_default_levels(session: Session, locale: str) -> None:
    """The three starting levels, named in the shop's language (init and demo)."""
    if session.exec(select(func.count()).select_from(MemberLevel)).one():
        return
    for item in DEFAULT_LEVELS:
        session.add(
            MemberLevel(
                name=default_level_name(item, locale),
                rank=item.rank,
                service_discount_bp=item.service_discount_bp,
                product_discount_bp=item.product_discount_bp,
                points_multiplier_pct=item.points_multiplier_pct,
                upgrade_spend_cents=item.upgrade_spend_cents,
                upgrade_top_up_cents=item.upgrade_top_up_cents,
            )
        )
    session.flush()


def list_levels(
    uow: UnitOfWork, actor: Actor, *, include_inactive: bool = False
) -> list[LevelView]:
    """Levels from the lowest up, with how many active members hold each."""
    require(actor, "member.view")
    with uow.read() as session:
        counts = dict(
            session.exec(
                select(Member.level_id, func.count())
                .where(col(Member.status) == "active")
                .group_by(col(Member.level_id))
            ).all()
        )
        query = select(MemberLevel).order_by(col(MemberLevel.rank), col(MemberLevel.id))
        if not include_inactive:
            query = query.where(col(MemberLevel.active).is_(True))
        return [level_view(level, counts.get(level.id, 0)) for level in session.exec(query)]


def find_level(session: Session, name: str) -> MemberLevel | None:
    """The level called ``name``, ignoring case and width."""
    wanted = fold(name).strip()
    for level in session.exec(select(MemberLevel)):
        if fold(level.name) == wanted:
            return level
    return None


def level_named(session: Session, name: str) -> MemberLevel:
    level = find_level(session, name)
    if level is None or not level.active:
        names = ", ".join(
            row.name for row in session.exec(select(MemberLevel).where(col(MemberLevel.active)))
        )
        raise ValidationError(
            _("There is no level called {name!r}; the levels are: {names}.").format(
                name=name, names=names
            ),
            field="level",
        )
    return level


def lowest_level(session: Session) -> MemberLevel | None:
    return session.exec(
        select(MemberLevel)
        .where(col(MemberLevel.active).is_(True))
        .order_by(col(MemberLevel.rank), col(MemberLevel.id))
    ).first()


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    name = " ".join(str(values.get("name", "")).split())
    if not name:
        raise ValidationError(_("A level needs a name."), field="name")
    if len(name) > LEVEL_NAME_MAX:
        raise ValidationError(
            _("A level name has at most {limit} characters.").format(limit=LEVEL_NAME_MAX),
            field="name",
        )
    cleaned = {**values, "name": name}
    for field in ("service_discount_bp", "product_discount_bp"):
        if not 0 <= int(cleaned.get(field, 0)) <= 10_000:
            raise ValidationError(_("A discount is between 0 % and 100 %."), field=field)
    if not 0 <= int(cleaned.get("points_multiplier_pct", 100)) <= 10_000:
        raise ValidationError(
            _("The points multiplier is between 0 and 100."), field="points_multiplier_pct"
        )
    for field in ("upgrade_spend_cents", "upgrade_top_up_cents", "upgrade_points"):
        value = cleaned.get(field)
        if value is not None and int(value) <= 0:
            raise ValidationError(
                _("An upgrade threshold is above zero (leave it empty to not use it)."),
                field=field,
            )
    return cleaned


def add_level(uow: UnitOfWork, actor: Actor, **values: Any) -> LevelView:
    """Add a level; names are unique ignoring case and width."""
    require(actor, "member.levels")
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unknown field: {names}").format(names=", ".join(sorted(unknown))))
    cleaned = _validate(values)
    with uow.transaction() as session:
        if find_level(session, cleaned["name"]) is not None:
            raise Conflict(
                _("There is already a level called {name}.").format(name=cleaned["name"])
            )
        if "rank" not in cleaned:
            top = session.exec(select(func.max(MemberLevel.rank))).one()
            cleaned["rank"] = 0 if top is None else top + 1
        level = MemberLevel(**cleaned)
        session.add(level)
        session.flush()
        audit.record(session, actor, "member_level.add", "member_level", level.id, after=cleaned)
        return level_view(level)


def update_level(uow: UnitOfWork, actor: Actor, level_id: int, **changes: Any) -> LevelView:
    """Change a level's name, discounts, multiplier, upgrade rules or whether it can drop."""
    require(actor, "member.levels")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unknown field: {names}").format(names=", ".join(sorted(unknown))))
    with uow.transaction() as session:
        level = session.get(MemberLevel, level_id)
        if level is None:
            raise NotFound(_("There is no level #{id}.").format(id=level_id))
        current = level_view(level)
        merged = {name: getattr(current, name) for name in EDITABLE} | changes
        cleaned = _validate(merged)
        other = find_level(session, cleaned["name"])
        if other is not None and other.id != level_id:
            raise Conflict(_("There is already a level called {name}.").format(name=other.name))
        if not cleaned["active"] and current.active:
            in_use = session.exec(
                select(func.count())
                .select_from(Member)
                .where(col(Member.level_id) == level_id, col(Member.status) == "active")
            ).one()
            if in_use:
                raise Conflict(
                    _("{count} members hold {name}: move them to another level first.").format(
                        count=in_use, name=level.name
                    )
                )
        before = {k: getattr(current, k) for k in EDITABLE if getattr(current, k) != cleaned[k]}
        after = {k: cleaned[k] for k in before}
        if before:
            for name, value in after.items():
                setattr(level, name, value)
            session.add(level)
            session.flush()
            audit.record(
                session,
                actor,
                "member_level.update",
                "member_level",
                level_id,
                before=before,
                after=after,
            )
        return replace(level_view(level), members=current.members)


def record_level_change(
    session: Session,
    actor: Actor,
    member: Member,
    new_level_id: int | None,
    reason: str,
) -> bool:
    """Move ``member`` to ``new_level_id`` with the reason kept in the history; False when
    it is already there. Checkout and top-ups call this for automatic upgrades."""
    if member.level_id == new_level_id:
        return False
    assert member.id is not None
    session.add(
        MemberLevelChange(
            member_id=member.id,
            from_level_id=member.level_id,
            to_level_id=new_level_id,
            reason=reason[:200],
            staff_id=actor.staff_id,
            at=utc_now(),
        )
    )
    audit.record(
        session,
        actor,
        "member.level",
        "member",
        member.id,
        before={"level_id": member.level_id},
        after={"level_id": new_level_id, "reason": reason[:200]},
    )
    member.level_id = new_level_id
    member.updated_at = utc_now()
    session.add(member)
    return True


@dataclass(frozen=True)
class LevelChangeView:
    at: Any
    from_level: str
    to_level: str
    reason: str


def level_history(session: Session, member_id: int) -> list[LevelChangeView]:
    names = {level.id: level.name for level in session.exec(select(MemberLevel))}
    rows = session.exec(
        select(MemberLevelChange)
        .where(col(MemberLevelChange.member_id) == member_id)
        .order_by(col(MemberLevelChange.at), col(MemberLevelChange.id))
    )
    return [
        LevelChangeView(
            row.at,
            names.get(row.from_level_id, "") if row.from_level_id else "",
            names.get(row.to_level_id, "") if row.to_level_id else "",
            row.reason,
        )
        for row in rows
    ]
