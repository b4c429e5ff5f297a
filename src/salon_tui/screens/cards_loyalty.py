"""Loyalty on the Cards screen (F7): the member's points and coupons, and the actions
on them — adjust points (managers), give a coupon, turn points into stored value, redeem
points for a reward from the catalogue — each behind its permission.

Gift cards are bearer cards (whoever holds the code spends it), so they belong to no
member: they are sold and looked up on the Gift cards screen (Ctrl+P → Gift cards).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape

from salon_tui.i18n import N_, _
from salon_tui.screens.cards import CARD_ACTIONS, CARD_PANELS, CardAction, CardPanel, Money

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.screens.cards import CardsScreen
    from salon_tui.services.members import MemberView


def _load_points(uow: UnitOfWork, actor: Actor, member_id: int) -> Any:
    from salon_tui.services import points

    return points.get_balance(uow, actor, member_id)


def _render_points(balance: Any, money: Money) -> str:
    text = _("{points} points, worth {value}.").format(
        points=f"[b]{balance.points}[/b]", value=money(balance.value_cents)
    )
    if balance.next_expiry_day is not None:
        text += "\n" + _("{points} of them expire after {day}.").format(
            points=balance.next_expiring, day=balance.next_expiry_day.isoformat()
        )
    return text


def _load_coupons(uow: UnitOfWork, actor: Actor, member_id: int) -> Any:
    from salon_tui.services import coupons

    return coupons.list_coupons(uow, actor, member_id=member_id, state="available", limit=20)


def _render_coupons(found: Any, _money: Money) -> str:
    usable = [coupon for coupon in found if not coupon.expired]
    if not usable:
        return _("No coupons to use.")
    return "\n".join(
        f"{escape(c.template_name)} · {escape(c.description)} · {c.code}"
        + (" · " + _("until {day}").format(day=c.valid_to.isoformat()) if c.valid_to else "")
        for c in usable
    )


def _open_adjust(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.errors import ValidationError
    from salon_tui.screens.modals.prepaid_forms import FormField, PrepaidForm, PrepaidFormModal
    from salon_tui.services import points

    uow, actor = screen.salon.uow, screen.salon.session_actor

    def submit(values: dict[str, str], key: str) -> str:
        text = values["points"].strip().replace("+", "", 1)
        try:
            change = int(text)
        except ValueError:
            raise ValidationError(
                _("{value!r} is not a whole number of points.").format(value=values["points"]),
                field="points",
            ) from None
        view = points.adjust(uow, actor, member.id, change, values["reason"], key=key)
        return _("Done: {points} points now.").format(points=view.points)

    form = PrepaidForm(
        _("Adjust points for {name}").format(name=member.name),
        [
            FormField("points", _("Points to add (200) or take off (-200)."), placeholder="200"),
            FormField("reason", _("Why (kept in the audit)."), max_length=200),
        ],
        submit,
        ok_label=_("Adjust"),
    )
    screen.app.push_screen(PrepaidFormModal(form), screen.refresh_after)


def _open_issue(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.screens.modals.prepaid_forms import FormField, PrepaidForm, PrepaidFormModal
    from salon_tui.services import coupons

    uow, actor = screen.salon.uow, screen.salon.session_actor
    templates = coupons.list_templates(uow, actor)
    if not templates:
        screen.notify(
            _("No coupon templates yet: `salon coupon template add` makes one."),
            severity="warning",
        )
        return

    def submit(values: dict[str, str], key: str) -> str:
        view = coupons.issue(uow, actor, int(values["template"]), member.id, key=key)
        return _("Coupon {code} for {member}: {description}, until {day}.").format(
            code=view.code,
            member=view.member_name,
            description=view.description,
            day=view.valid_to.isoformat() if view.valid_to else "—",
        )

    form = PrepaidForm(
        _("Give {name} a coupon").format(name=member.name),
        [
            FormField(
                "template",
                _("Coupon"),
                choices=[(f"{t.name} · {t.description}", str(t.id)) for t in templates],
            )
        ],
        submit,
        ok_label=_("Give"),
    )
    screen.app.push_screen(PrepaidFormModal(form), screen.refresh_after)


def _open_convert(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.errors import ValidationError
    from salon_tui.screens.modals.prepaid_forms import FormField, PrepaidForm, PrepaidFormModal
    from salon_tui.services import points, points_redeem

    uow, actor = screen.salon.uow, screen.salon.session_actor
    held = points.get_balance(uow, actor, member.id)
    rules = points.get_rules(uow)
    if held.points <= 0:
        screen.notify(_("{name} holds no points.").format(name=member.name), severity="warning")
        return

    def count_of(values: dict[str, str]) -> int:
        try:
            return int(values["points"].strip())
        except ValueError:
            raise ValidationError(
                _("{value!r} is not a whole number of points.").format(value=values["points"]),
                field="points",
            ) from None

    def hint(values: dict[str, str]) -> str:
        from salon_tui.domain.points import points_value_cents

        try:
            count = count_of(values)
        except ValidationError:
            return ""
        return _("Worth {amount} of stored value (bonus).").format(
            amount=screen.money(points_value_cents(count, rules))
        )

    def submit(values: dict[str, str], key: str) -> str:
        done = points_redeem.convert_to_stored_value(
            uow, actor, member.id, count_of(values), key=key
        )
        return _(
            "{points} points became {amount} of stored value (bonus); {left} points left."
        ).format(points=done.points, amount=screen.money(done.bonus_cents), left=done.points_left)

    form = PrepaidForm(
        _("Points to stored value for {name}").format(name=member.name),
        [
            FormField(
                "points",
                _("Points to turn ({held} held; 100 points = {value})").format(
                    held=held.points, value=screen.money(rules.value_per_100_cents)
                ),
                value=str(held.points),
            )
        ],
        submit,
        hint=hint,
        intro=_("Points become bonus: spent like any bonus, not refunded on closing."),
        ok_label=_("Turn into stored value"),
    )
    screen.app.push_screen(PrepaidFormModal(form), screen.refresh_after)


def _open_reward(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.screens.modals.prepaid_forms import FormField, PrepaidForm, PrepaidFormModal
    from salon_tui.services import points, points_redeem

    uow, actor = screen.salon.uow, screen.salon.session_actor
    rewards = [r for r in points_redeem.list_rewards(uow, actor) if r.available]
    if not rewards:
        screen.notify(
            _("No rewards to redeem: `salon points reward set` fills the catalogue."),
            severity="warning",
        )
        return
    held = points.get_balance(uow, actor, member.id).points

    def submit(values: dict[str, str], key: str) -> str:
        kind, ref = values["reward"].split(":", 1)
        done = points_redeem.redeem_reward(uow, actor, member.id, kind, ref, key=key)
        if done.coupon_code:
            return _("{name} for {points} points: coupon {code}; {left} points left.").format(
                name=done.name, points=done.points, code=done.coupon_code, left=done.points_left
            )
        return _(
            "{name} for {points} points: hand it over ({stock} left in stock); {left} points left."
        ).format(
            name=done.name, points=done.points, stock=done.on_hand_after, left=done.points_left
        )

    form = PrepaidForm(
        _("Redeem points for {name} ({held} held)").format(name=member.name, held=held),
        [
            FormField(
                "reward",
                _("Reward"),
                choices=[
                    (
                        _("{name} · {points} points · {detail}").format(
                            name=r.name, points=r.points, detail=r.detail
                        ),
                        r.key,
                    )
                    for r in rewards
                ],
            )
        ],
        submit,
        ok_label=_("Redeem"),
    )
    screen.app.push_screen(PrepaidFormModal(form), screen.refresh_after)


CARD_PANELS.extend(
    [
        CardPanel("points", N_("Points"), _load_points, _render_points, "points.view"),
        CardPanel("coupons", N_("Coupons"), _load_coupons, _render_coupons, "coupon.view"),
    ]
)
CARD_ACTIONS.extend(
    [
        CardAction(
            "points", "ctrl+j", N_("Adjust points"), "points.adjust", _open_adjust, footer=False
        ),
        CardAction("coupon", "ctrl+y", N_("Give a coupon"), "coupon.issue", _open_issue),
        CardAction(
            "points_value",
            "ctrl+o",
            N_("Points to stored value"),
            "points.redeem",
            _open_convert,
            footer=False,
        ),
        CardAction(
            "reward", "ctrl+w", N_("Points reward"), "points.redeem", _open_reward, footer=False
        ),
    ]
)
