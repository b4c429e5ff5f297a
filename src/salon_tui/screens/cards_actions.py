"""The Cards screen's actions: each opens a form and calls one service with the key made
when the form opened. Choices (methods, templates, packages) come from services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon_tui.i18n import _
from salon_tui.screens.modals.prepaid_forms import FormField, PrepaidForm, PrepaidFormModal
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.screens.cards import CardsScreen
    from salon_tui.services.members import MemberView


def _methods(with_stored_value: bool = False) -> list[tuple[str, str]]:
    from salon_tui.domain.prepaid import PACKAGE_METHODS, TOP_UP_METHODS

    table = PACKAGE_METHODS if with_stored_value else TOP_UP_METHODS
    return [(_(label), code) for code, label in table.items()]


def _amount(screen: CardsScreen, text: str) -> int:
    from salon_tui.domain.money import parse_amount
    from salon_tui.errors import ValidationError

    currency = screen.salon.shop.currency if screen.salon.shop else "CNY"
    try:
        return parse_amount(text, currency)
    except ValueError as error:
        raise ValidationError(str(error), field="amount") from None


def _show(screen: CardsScreen, form: PrepaidForm) -> None:
    screen.app.push_screen(PrepaidFormModal(form), screen.refresh_after)


def _receipt_queued(screen: CardsScreen, number: str) -> list[str]:
    """The sentence saying the receipt waits in the print queue; wakes the printer."""
    if not number:
        return []
    screen.salon.hub.wake_printer()
    return [_("Receipt {number} queued.").format(number=number)]


def open_top_up(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.domain.prepaid import best_tier
    from salon_tui.services import stored_value, top_up_promotions

    uow, actor = screen.salon.uow, screen.salon.session_actor
    running = top_up_promotions.list_promotions(uow, actor)
    tiers = {p.id: p for p in running}
    from salon_tui.domain.prepaid import Tier

    tier_rules = [Tier(p.id, p.min_amount_cents, p.bonus_cents) for p in running]
    from salon_tui.services.area_hooks import load_area_hooks

    load_area_hooks()
    # Points and coupons are promised only once the loyalty area gives them.
    loyalty_on = bool(top_up_promotions.TOPUP_REWARDS)

    def hint(values: dict[str, str]) -> str:
        if not values["amount"]:
            names = ", ".join(p.name for p in running)
            return _("Promotions: {names}").format(names=names) if names else ""
        tier = best_tier(tier_rules, _amount(screen, values["amount"]))
        if tier is None:
            return _("No promotion reached.")
        promotion = tiers[tier.id]
        extras = [_("bonus {amount}").format(amount=screen.money(promotion.bonus_cents))]
        if promotion.points and loyalty_on:
            extras.append(_("{points} points").format(points=promotion.points))
        if promotion.coupon_template and loyalty_on:
            extras.append(_("coupon {code}").format(code=promotion.coupon_template))
        if promotion.upgrade_level:
            extras.append(_("level {level}").format(level=promotion.upgrade_level))
        return _("{name} applies: {extras}").format(name=promotion.name, extras=", ".join(extras))

    def submit(values: dict[str, str], key: str) -> str:
        done = stored_value.top_up(
            uow,
            actor,
            member.id,
            _amount(screen, values["amount"]),
            values["method"],
            values["reference"],
            values["note"],
            key=key,
        )
        text = _("Topped up {amount} for {name}.").format(
            amount=screen.money(done.amount_cents), name=shown(done.member_name)
        )
        if done.bonus_cents:
            text += " " + _("Bonus {amount} ({promotion}).").format(
                amount=screen.money(done.bonus_cents), promotion=done.promotion
            )
        if done.new_level:
            text += " " + _("Level now {level}.").format(level=done.new_level)
        return " ".join([text, *done.rewards, *_receipt_queued(screen, done.receipt_number)])

    _show(
        screen,
        PrepaidForm(
            _("Top up for {name}").format(name=shown(member.name)),
            [
                FormField("amount", _("Amount"), placeholder="1000"),
                FormField("method", _("Paid by"), choices=_methods()),
                FormField("reference", _("Transaction reference (not for cash)")),
                FormField("note", _("Note"), max_length=200),
            ],
            submit,
            hint,
            ok_label=_("Top up"),
        ),
    )


def open_undo(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.services import stored_value

    uow, actor = screen.salon.uow, screen.salon.session_actor
    entries = stored_value.history(uow, actor, member.id, limit=50)
    chosen = screen.selected_entry_id()
    undoable = [e for e in entries if e.kind == "top_up" and not e.reversed]
    if not undoable:
        screen.notify(_("There is no top-up to undo."), severity="warning")
        return
    choices = [
        (f"#{e.id} {e.business_day} {screen.money(e.principal_cents)}", str(e.id)) for e in undoable
    ]
    first = str(chosen) if any(str(chosen) == value for _l, value in choices) else choices[0][1]

    def submit(values: dict[str, str], key: str) -> str:
        done = stored_value.undo_top_up(uow, actor, int(values["entry"]), values["reason"], key=key)
        text = _("Top-up #{id} undone: {amount} back to the client.").format(
            id=done.reversed_id, amount=screen.money(done.principal_cents)
        )
        return " ".join([text, *_receipt_queued(screen, done.receipt_number)])

    _show(
        screen,
        PrepaidForm(
            _("Undo a mistaken top-up"),
            [
                FormField("entry", _("Top-up"), choices=choices, value=first),
                FormField("reason", _("Reason"), max_length=200),
            ],
            submit,
            intro=_("Only a top-up of today can be undone, by a manager or the owner."),
            ok_label=_("Undo top-up"),
        ),
    )


def open_close(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.services import stored_value

    uow, actor = screen.salon.uow, screen.salon.session_actor
    balance = stored_value.get_balance(uow, actor, member.id)

    def submit(values: dict[str, str], key: str) -> str:
        done = stored_value.close_stored_value(
            uow, actor, member.id, values["method"], values["reason"], values["reference"], key=key
        )
        return _("Stored value closed: {refund} refunded, bonus {bonus} forfeited.").format(
            refund=screen.money(done.refunded_cents),
            bonus=screen.money(done.forfeited_bonus_cents),
        )

    _show(
        screen,
        PrepaidForm(
            _("Close the stored value of {name}").format(name=shown(member.name)),
            [
                FormField("method", _("Refund by"), choices=_methods()),
                FormField("reference", _("Transaction reference (not for cash)")),
                FormField("reason", _("Reason"), max_length=200),
            ],
            submit,
            intro=_("Refund {principal}; the bonus {bonus} is forfeited.").format(
                principal=screen.money(balance.principal_cents),
                bonus=screen.money(balance.bonus_cents),
            ),
            ok_label=_("Close stored value"),
        ),
    )


def open_sell(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.services import packages

    uow, actor = screen.salon.uow, screen.salon.session_actor
    templates = packages.list_templates(uow, actor)
    if not templates:
        screen.notify(
            _("No package is on sale: add one with `salon package template add`."),
            severity="warning",
        )
        return
    choices = [
        (f"{t.name} · {screen.money(t.price_cents)} · {t.validity_days}d", str(t.id))
        for t in templates
    ]

    def submit(values: dict[str, str], key: str) -> str:
        sold = packages.sell_package(
            uow,
            actor,
            member.id,
            int(values["template"]),
            values["method"],
            values["reference"],
            key=key,
        )
        return _("{name} sold: {uses} uses until {day}.").format(
            name=sold.name, uses=sold.uses_left, day=sold.expires_on
        )

    _show(
        screen,
        PrepaidForm(
            _("Sell a package to {name}").format(name=shown(member.name)),
            [
                FormField("template", _("Package"), choices=choices),
                FormField("method", _("Paid by"), choices=_methods(with_stored_value=True)),
                FormField("reference", _("Transaction reference (not for cash)")),
            ],
            submit,
            ok_label=_("Sell package"),
        ),
    )


def _package_choices(screen: CardsScreen, member: MemberView) -> list[tuple[str, str]]:
    from salon_tui.services import packages

    found = packages.member_packages(screen.salon.uow, screen.salon.session_actor, member.id)
    return [
        (
            f"#{p.id} {p.name} · {item.service_name} {item.uses_left}/{item.total_uses}",
            f"{p.id}:{item.service_id}",
        )
        for p in found
        for item in p.items
        if item.uses_left > 0
    ]


def open_use(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.services import packages

    uow, actor = screen.salon.uow, screen.salon.session_actor
    choices = _package_choices(screen, member)
    if not choices:
        screen.notify(
            _("{name} has no package to use.").format(name=shown(member.name)), severity="warning"
        )
        return

    def submit(values: dict[str, str], key: str) -> str:
        package_id, service_id = (int(part) for part in values["item"].split(":"))
        used = packages.use_package(
            uow, actor, package_id, service_id, values["reason"], member_id=member.id, key=key
        )
        return _("Package #{id}: {left} of {total} uses left.").format(
            id=used.id, left=used.uses_left, total=used.total_uses
        )

    _show(
        screen,
        PrepaidForm(
            _("Use a package of {name}").format(name=shown(member.name)),
            [
                FormField("item", _("Service"), choices=choices),
                FormField("reason", _("Reason"), max_length=200),
            ],
            submit,
            ok_label=_("Use once"),
        ),
    )


def open_transfer(screen: CardsScreen, member: MemberView) -> None:
    from salon_tui.services import members, packages

    uow, actor = screen.salon.uow, screen.salon.session_actor
    found = packages.member_packages(uow, actor, member.id)
    if not found:
        screen.notify(
            _("{name} has no package to transfer.").format(name=shown(member.name)),
            severity="warning",
        )
        return
    choices = [(f"#{p.id} {p.name} · {p.uses_left}/{p.total_uses}", str(p.id)) for p in found]

    def submit(values: dict[str, str], _key: str) -> str:
        receiver = members.resolve_member(uow, actor, values["to"])
        moved = packages.transfer_package(
            uow, actor, int(values["package"]), receiver, values["reason"]
        )
        return _("Package #{id} now belongs to {name}.").format(
            id=moved.id, name=shown(moved.member_name)
        )

    _show(
        screen,
        PrepaidForm(
            _("Transfer a package of {name}").format(name=shown(member.name)),
            [
                FormField("package", _("Package"), choices=choices),
                FormField("to", _("To member (phone, card or #id)")),
                FormField("reason", _("Reason"), max_length=200),
            ],
            submit,
            ok_label=_("Transfer package"),
        ),
    )


def open_refund(screen: CardsScreen, member: MemberView) -> None:
    """Pay back the unused uses of one of the member's refundable packages (manager), by
    the method chosen: the day close counts that money."""
    from salon_tui.screens.modals.approval import approval_fields, approval_from, approved_note
    from salon_tui.services import packages

    uow, actor = screen.salon.uow, screen.salon.session_actor
    found = [p for p in packages.member_packages(uow, actor, member.id) if p.refundable]
    if not found:
        screen.notify(
            _("{name} has no package to refund.").format(name=shown(member.name)),
            severity="warning",
        )
        return
    choices = [
        (
            f"#{p.id} {p.name} · {p.uses_left}/{p.total_uses} · "
            + screen.money(p.value_left_cents),
            str(p.id),
        )
        for p in found
    ]

    def submit(values: dict[str, str], key: str) -> str:
        approval = approval_from(uow, values, "package.refund")
        done = packages.refund_package(
            uow,
            actor,
            int(values["package"]),
            values["method"],
            values["reason"],
            values["reference"],
            key=key,
            approval=approval,
        )
        return _("Package #{id} refunded: {uses} unused uses, {amount} back.").format(
            id=done.package_id,
            uses=done.uses_refunded,
            amount=screen.money(done.refunded_cents),
        ) + approved_note(approval)

    _show(
        screen,
        PrepaidForm(
            _("Refund a package of {name}").format(name=shown(member.name)),
            [
                FormField("package", _("Package"), choices=choices),
                FormField("method", _("Refund by"), choices=_methods(with_stored_value=True)),
                FormField("reference", _("Transaction reference (not for cash)")),
                FormField("reason", _("Reason"), max_length=200),
                *approval_fields(uow, actor, "package.refund"),
            ],
            submit,
            intro=_("The unused uses are paid back at the package's price; the package ends."),
            ok_label=_("Refund package"),
        ),
    )
