"""Stored value (储值): top up, undo a mistaken top-up, spend, give back, close.

Each member has one account; its principal and bonus are cached sums of the append-only
``stored_value_entry`` ledger. Every movement changes the cache with a conditional
UPDATE (``… WHERE principal_cents + :delta >= 0 AND bonus_cents + :delta >= 0``) and a
row-count check in the same transaction, so two terminals spending the last yuan at
once cannot both succeed. Top-up, undo and closing run under an idempotency key made
when the dialog opens: a double Enter or a retried command acts once.

Checkout spends and gives back through ``spend_in`` / ``give_back_in``, inside the
sale's own transaction (see ``prepaid_hooks``, which registers the tender).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from salon_tui.data.models import Member, MemberLevel, StoredValueAccount, StoredValueEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.prepaid import (
    TOP_UP_METHODS,
    SpendOrder,
    Split,
    best_tier,
    needs_reference,
    split_give_back,
    split_spend,
)
from salon_tui.errors import Conflict, NotFound, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.area_hooks import load_area_hooks
from salon_tui.services.idempotency import run_once
from salon_tui.services.members import load_member, shop_today
from salon_tui.services.permissions import require
from salon_tui.services.prepaid_settings import PrepaidSettings, load_prepaid_settings
from salon_tui.services.settings import load_shop_settings
from salon_tui.services.stores import terminal_store
from salon_tui.services.top_up_promotions import (
    TOPUP_REWARDS,
    TOPUP_UNDOS,
    TopUpReward,
    tier_of,
    tiers_on,
)

ENTRY_KIND_LABELS = {
    "top_up": N_("Top-up"),
    "reversal": N_("Top-up undone"),
    "spend": N_("Paid a sale"),
    "give_back": N_("Refund to balance"),
    "close": N_("Closed"),
    "opening": N_("Opening balance"),
    "merge": N_("Merged"),
    "package": N_("Paid a package"),
    "package_refund": N_("Package refund"),
    "points": N_("From points"),
}

NOTE_MAX = 200
# Entries a desk makes for money paid in or handed back there: they carry the store.
SOLD_AT_A_STORE = frozenset({"top_up", "reversal", "close"})
REFERENCE_MAX = 80


@dataclass(frozen=True)
class BalanceView:
    member_id: int
    member_name: str
    principal_cents: int
    bonus_cents: int
    status: str  # none (never topped up), open, closed
    low_balance_cents: int
    spend_order: str

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.bonus_cents

    @property
    def is_low(self) -> bool:
        return self.status == "open" and self.total_cents < self.low_balance_cents


@dataclass(frozen=True)
class EntryView:
    id: int
    kind: str
    principal_cents: int
    bonus_cents: int
    method: str
    reference: str
    note: str
    business_day: date
    created_at: datetime
    staff_name: str
    sale_id: int | None
    reverses_id: int | None
    reversed: bool

    @property
    def kind_label(self) -> str:
        return _(ENTRY_KIND_LABELS.get(self.kind, self.kind))

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.bonus_cents


@dataclass(frozen=True)
class TopUpResult:
    entry_id: int
    member_id: int
    member_name: str
    amount_cents: int
    bonus_cents: int
    principal_after_cents: int
    bonus_after_cents: int
    promotion: str
    new_level: str
    rewards: tuple[str, ...]
    receipt_number: str = ""  # the top-up's receipt, queued for the printer ("" = none)


@dataclass(frozen=True)
class UndoResult:
    entry_id: int
    reversed_id: int
    member_id: int
    principal_cents: int
    bonus_cents: int
    principal_after_cents: int
    bonus_after_cents: int
    level_back_to: str = ""  # the level the member went back to ("" = unchanged)
    receipt_number: str = ""


@dataclass(frozen=True)
class CloseResult:
    entry_id: int
    member_id: int
    refunded_cents: int
    forfeited_bonus_cents: int
    method: str


Result = TypeVar("Result")


def run_action(
    uow: UnitOfWork, key: str | None, action: str, body: Callable[[Session], Result], kind: type
) -> Result:
    """Run ``body`` in one transaction, once per ``key`` when one is given."""
    if not key:
        with uow.transaction() as session:
            return body(session)

    def decode(stored: dict[str, Any]) -> Result:
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}
        result: Result = kind(**values)
        return result

    def encode(result: Result) -> dict[str, Any]:
        return asdict(result)  # type: ignore[call-overload,no-any-return]

    return run_once(uow, key, action, body, encode, decode)


def shop_money(session: Session, amount_cents: int) -> str:
    """An amount in the shop's currency, in the language on screen."""
    from salon_tui.domain.money import format_money
    from salon_tui.i18n import current_locale

    return format_money(amount_cents, load_shop_settings(session).currency, current_locale())


def clean_text(text: str, limit: int, field: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > limit:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=limit), field=field
        )
    return cleaned


def check_amount(session: Session, amount_cents: int, settings: PrepaidSettings) -> None:
    """Refuse zero, negative and absurd amounts (above the shop's maximum)."""
    if amount_cents <= 0:
        raise ValidationError(_("The amount must be more than zero."), field="amount")
    if amount_cents > settings.max_amount_cents:
        raise ValidationError(
            _("That is more than the shop accepts at once ({limit}); check the amount.").format(
                limit=shop_money(session, settings.max_amount_cents)
            ),
            field="amount",
        )


def check_method(method: str, reference: str, methods: dict[str, str] = TOP_UP_METHODS) -> str:
    """The reference cleaned, after checking the method is known and has one if needed."""
    if method not in methods:
        raise ValidationError(
            _("Unknown payment method {method!r}; choose one of: {names}.").format(
                method=method, names=", ".join(methods)
            ),
            field="method",
        )
    cleaned = clean_text(reference, REFERENCE_MAX, "reference")
    if needs_reference(method) and not cleaned:
        raise ValidationError(
            _("{method} needs the transaction reference from the slip or the app.").format(
                method=_(methods[method])
            ),
            field="reference",
        )
    return cleaned


def account_for(
    session: Session, member_id: int, *, lock: bool = False
) -> StoredValueAccount | None:
    query = select(StoredValueAccount).where(col(StoredValueAccount.member_id) == member_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def open_account(session: Session, member_id: int) -> StoredValueAccount:
    """The member's account, opened (or reopened after closing) when needed; locked."""
    account = account_for(session, member_id, lock=True)
    if account is None:
        account = StoredValueAccount(member_id=member_id, opened_at=utc_now())
        session.add(account)
        session.flush()
    elif account.status != "open":
        account.status = "open"
        account.closed_at = None
        session.add(account)
        session.flush()
    return account


def post_entry(
    session: Session,
    actor: Actor,
    account: StoredValueAccount,
    kind: str,
    split: Split,
    *,
    day: date,
    refuse: str = "",
    staff_id: int | None = None,
    **fields: Any,
) -> StoredValueEntry:
    """Append one ledger row and move the cached balances by ``split`` (signed) with a
    conditional UPDATE: raises ``Conflict(refuse)`` when a side would go below zero."""
    assert account.id is not None
    table = StoredValueAccount.__table__  # type: ignore[attr-defined]
    moved = session.execute(
        update(table)
        .where(
            table.c.id == account.id,
            table.c.principal_cents + split.principal_cents >= 0,
            table.c.bonus_cents + split.bonus_cents >= 0,
        )
        .values(
            principal_cents=table.c.principal_cents + split.principal_cents,
            bonus_cents=table.c.bonus_cents + split.bonus_cents,
        )
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(refuse or _("The balance is not enough for that."))
    session.refresh(account)
    entry = StoredValueEntry(
        account_id=account.id,
        member_id=account.member_id,
        kind=kind,
        principal_cents=split.principal_cents,
        bonus_cents=split.bonus_cents,
        business_day=day,
        staff_id=staff_id or actor.staff_id,
        store_id=terminal_store(session).id if kind in SOLD_AT_A_STORE else None,
        created_at=utc_now(),
        **fields,
    )
    session.add(entry)
    session.flush()
    return entry


def _upgrade_level(
    session: Session, actor: Actor, member: Member, amount_cents: int, promised_level: int | None
) -> str:
    """Move the member up when the tier promises a higher level or a level's top-up rule
    is met; never down. The new level's name, or ""."""
    from salon_tui.services.top_up_levels import level_after_top_up

    levels = {level.id: level for level in session.exec(select(MemberLevel)) if level.active}
    target = level_after_top_up(levels, member.level_id, amount_cents, promised_level)
    if target is None:
        return ""
    from salon_tui.services.member_levels import record_level_change

    record_level_change(
        session,
        actor,
        member,
        target,
        _("Top-up of {amount}").format(amount=shop_money(session, amount_cents)),
    )
    return levels[target].name


def _queue_receipt(uow: UnitOfWork, actor: Actor, session: Session, entry_id: int) -> str:
    """Queue the receipt of a top-up or an undo in its transaction: its number, or ""."""
    from salon_tui.services.prepaid_receipts import queue_stored_value_receipt, top_up_number

    job = queue_stored_value_receipt(uow, actor, session, entry_id)
    return top_up_number(entry_id) if job is not None else ""


def top_up(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    amount_cents: int,
    method: str,
    reference: str = "",
    note: str = "",
    *,
    key: str | None = None,
    print_receipt: bool = True,
) -> TopUpResult:
    """Add money to a member's stored value: the principal paid, plus the bonus of the
    highest promotion tier the amount reaches (its points and coupon through the loyalty
    hooks, its level upgrade here). Cash goes into the open drawer. The top-up's receipt
    is queued for the printer in the same transaction."""
    require(actor, "prepaid.top_up")
    cleaned_reference = check_method(method, reference)
    cleaned_note = clean_text(note, NOTE_MAX, "note")

    def body(session: Session) -> TopUpResult:
        result = top_up_in(
            session, actor, member_id, amount_cents, method, cleaned_reference, cleaned_note
        )
        if print_receipt:
            return replace(
                result, receipt_number=_queue_receipt(uow, actor, session, result.entry_id)
            )
        return result

    return run_action(uow, key, "prepaid.top_up", body, TopUpResult)


def top_up_in(
    session: Session,
    actor: Actor,
    member_id: int,
    amount_cents: int,
    method: str,
    reference: str = "",
    note: str = "",
    *,
    sale_id: int | None = None,
    seller_id: int | None = None,
) -> TopUpResult:
    """A top-up inside the caller's transaction (``top_up`` checks the method and the
    text first). Sold on a sale (``sale_id``), the sale's payments take the money: no
    drawer movement here, the entry is linked to the sale, and ``seller_id`` (the
    person on the line) is who sold it."""
    settings = load_prepaid_settings(session)
    check_amount(session, amount_cents, settings)
    member = load_member(session, member_id)
    if member.status != "active":
        raise Conflict(_("{name} is archived: restore the member first.").format(name=member.name))
    day = shop_today(session)
    tier_row = None
    tier = best_tier([tier_of(row) for row in tiers_on(session, day)], amount_cents)
    bonus = tier.bonus_cents if tier else 0
    account = open_account(session, member_id)
    entry = post_entry(
        session,
        actor,
        account,
        "top_up",
        Split(amount_cents, bonus),
        day=day,
        method=method,
        reference=reference,
        note=note,
        promotion_id=tier.id if tier else None,
        sale_id=sale_id,
        staff_id=seller_id,
    )
    assert entry.id is not None
    if sale_id is None:
        from salon_tui.services.card_commission import fix_for_card

        fix_for_card(session, entry.staff_id, "top_up", entry.id, amount_cents, day, entry.store_id)
    if method == "cash" and sale_id is None:
        from salon_tui.services import drawer

        drawer.add_movement(
            session,
            drawer.require_open_id(session),
            actor,
            "prepaid",
            amount_cents,
            note=_("Top-up for {name}").format(name=member.name)[:200],
        )
    new_level = _upgrade_level(
        session, actor, member, amount_cents, tier.upgrade_level_id if tier else None
    )
    if new_level:
        from salon_tui.services.top_up_levels import remember_level_change

        remember_level_change(session, entry)
    rewards: list[str] = []
    if tier is not None:
        from salon_tui.data.models import TopUpPromotion

        tier_row = session.get(TopUpPromotion, tier.id)
        reward = TopUpReward(member_id, entry.id, amount_cents, tier)
        load_area_hooks()  # the areas that give points and coupons
        for hook in TOPUP_REWARDS:
            rewards.extend(hook(session, actor, reward))
    result = TopUpResult(
        entry_id=entry.id,
        member_id=member_id,
        member_name=member.name,
        amount_cents=amount_cents,
        bonus_cents=bonus,
        principal_after_cents=account.principal_cents,
        bonus_after_cents=account.bonus_cents,
        promotion=tier_row.name if tier_row else "",
        new_level=new_level,
        rewards=tuple(rewards),
    )
    audit.record(
        session,
        actor,
        "prepaid.top_up",
        "member",
        member_id,
        before={
            "principal_cents": account.principal_cents - amount_cents,
            "bonus_cents": account.bonus_cents - bonus,
        },
        after={
            "entry_id": entry.id,
            "amount_cents": amount_cents,
            "bonus_cents": bonus,
            "method": method,
            "reference": reference,
            "sale_id": sale_id,
            "promotion": result.promotion,
            "level": new_level,
            "rewards": list(rewards),
            "principal_cents": account.principal_cents,
        },
    )
    return result


def undo_top_up(
    uow: UnitOfWork, actor: Actor, entry_id: int, reason: str, *, key: str | None = None
) -> UndoResult:
    """Cancel a top-up made by mistake: the same business day, by a manager or the owner,
    with a reason. A reversing entry takes back its principal and bonus (refused when
    they were already spent); cash leaves the drawer, rewards are taken back."""
    require(actor, "prepaid.reverse")
    cleaned = clean_text(reason, NOTE_MAX, "reason")
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")

    def body(session: Session) -> UndoResult:
        original = session.get(StoredValueEntry, entry_id)
        if original is not None and original.kind == "top_up" and original.sale_id is not None:
            raise Conflict(
                _(
                    "Top-up #{id} was sold on a sale: refund its line from the sale "
                    "history, so the money goes back with the sale."
                ).format(id=entry_id)
            )
        result = undo_top_up_in(session, actor, entry_id, cleaned)
        return replace(result, receipt_number=_queue_receipt(uow, actor, session, result.entry_id))

    return run_action(uow, key, "prepaid.undo_top_up", body, UndoResult)


def undo_top_up_in(
    session: Session,
    actor: Actor,
    entry_id: int,
    reason: str,
    *,
    refund_id: int | None = None,
) -> UndoResult:
    """Undo a top-up inside the caller's transaction: the rules of ``undo_top_up`` (a
    top-up of today, none of it spent). A refund of the sale that sold it
    (``refund_id``) pays the money back itself: no drawer movement here."""
    original = session.get(StoredValueEntry, entry_id)
    if original is None or original.kind != "top_up":
        raise NotFound(_("There is no top-up #{id}.").format(id=entry_id))
    if session.exec(
        select(StoredValueEntry.id).where(col(StoredValueEntry.reverses_id) == entry_id)
    ).first():
        raise Conflict(_("Top-up #{id} is already undone.").format(id=entry_id))
    day = shop_today(session)
    if original.business_day != day:
        raise Conflict(
            _(
                "Top-up #{id} was made on {day}: only a top-up of today can be undone. "
                "Close the stored value to refund it instead."
            ).format(id=entry_id, day=original.business_day)
        )
    account = account_for(session, original.member_id, lock=True)
    assert account is not None
    entry = post_entry(
        session,
        actor,
        account,
        "reversal",
        Split(-original.principal_cents, -original.bonus_cents),
        day=day,
        refuse=_(
            "Part of top-up #{id} has already been spent, so it cannot be undone. "
            "Close the stored value to refund what is left."
        ).format(id=entry_id),
        method=original.method,
        reference=original.reference,
        note=reason,
        reverses_id=entry_id,
        promotion_id=original.promotion_id,
        sale_id=original.sale_id,
        refund_id=refund_id,
    )
    assert entry.id is not None
    if original.sale_id is None:
        from salon_tui.services.card_commission import reverse_for_card

        reverse_for_card(
            session,
            "top_up",
            entry_id,
            original.principal_cents,
            original.principal_cents,
            day,
            entry.store_id,
        )
    if original.method == "cash" and original.sale_id is None:
        from salon_tui.services import drawer

        drawer.add_movement(
            session,
            drawer.require_open_id(session),
            actor,
            "prepaid",
            -original.principal_cents,
            note=reason,
        )
    if original.promotion_id is not None:
        from salon_tui.data.models import TopUpPromotion

        row = session.get(TopUpPromotion, original.promotion_id)
        if row is not None:
            reward = TopUpReward(
                original.member_id, entry_id, original.principal_cents, tier_of(row)
            )
            load_area_hooks()
            for undo in TOPUP_UNDOS:
                undo(session, actor, reward)
    from salon_tui.services.top_up_levels import put_level_back

    level_back_to = put_level_back(session, actor, original)
    if level_back_to:
        from salon_tui.services.top_up_levels import remember_level_change

        remember_level_change(session, entry)
    audit.record(
        session,
        actor,
        "prepaid.undo_top_up",
        "member",
        original.member_id,
        before={
            "principal_cents": account.principal_cents + original.principal_cents,
            "bonus_cents": account.bonus_cents + original.bonus_cents,
        },
        after={
            "entry_id": entry.id,
            "reverses": entry_id,
            "reason": reason,
            "level_back_to": level_back_to,
            "principal_cents": account.principal_cents,
            "bonus_cents": account.bonus_cents,
        },
    )
    return UndoResult(
        entry.id,
        entry_id,
        original.member_id,
        original.principal_cents,
        original.bonus_cents,
        account.principal_cents,
        account.bonus_cents,
        level_back_to,
    )


def close_stored_value(
    uow: UnitOfWork,
    actor: Actor,
    member_id: int,
    method: str,
    reason: str,
    reference: str = "",
    *,
    key: str | None = None,
) -> CloseResult:
    """Close a member's stored value (manager): the principal left is refunded by
    ``method``, the bonus is forfeited, the account is closed. A later top-up reopens it."""
    require(actor, "prepaid.close")
    cleaned_reference = check_method(method, reference)
    cleaned = clean_text(reason, NOTE_MAX, "reason")
    if not cleaned:
        raise ValidationError(_("Please give a reason."), field="reason")

    def body(session: Session) -> CloseResult:
        member = load_member(session, member_id)
        account = account_for(session, member_id, lock=True)
        if account is None or account.status != "open":
            raise Conflict(_("{name} has no open stored value to close.").format(name=member.name))
        refunded, forfeited = account.principal_cents, account.bonus_cents
        entry = post_entry(
            session,
            actor,
            account,
            "close",
            Split(-refunded, -forfeited),
            day=shop_today(session),
            method=method,
            reference=cleaned_reference,
            note=cleaned,
        )
        assert entry.id is not None
        if method == "cash" and refunded:
            from salon_tui.services import drawer

            drawer.add_movement(
                session, drawer.require_open_id(session), actor, "prepaid", -refunded, note=cleaned
            )
        account.status = "closed"
        account.closed_at = utc_now()
        session.add(account)
        session.flush()
        audit.record(
            session,
            actor,
            "prepaid.close",
            "member",
            member_id,
            before={"principal_cents": refunded, "bonus_cents": forfeited},
            after={
                "entry_id": entry.id,
                "refunded_cents": refunded,
                "forfeited_bonus_cents": forfeited,
                "method": method,
                "reason": cleaned,
            },
        )
        return CloseResult(entry.id, member_id, refunded, forfeited, method)

    return run_action(uow, key, "prepaid.close", body, CloseResult)


# --- spending inside another action's transaction ----------------------------------


def spent_today(session: Session, member_id: int, day: date) -> int:
    """What the member paid from stored value on ``day`` (refunds given back deducted)."""
    total = session.exec(
        select(
            func.coalesce(
                func.sum(StoredValueEntry.principal_cents + StoredValueEntry.bonus_cents), 0
            )
        ).where(
            col(StoredValueEntry.member_id) == member_id,
            col(StoredValueEntry.business_day) == day,
            col(StoredValueEntry.kind).in_(("spend", "give_back", "package")),
        )
    ).one()
    return -int(total)


def spend_in(
    session: Session,
    actor: Actor,
    member_id: int | None,
    amount_cents: int,
    *,
    kind: str = "spend",
    sale_id: int | None = None,
    note: str = "",
) -> Split:
    """Take ``amount_cents`` from the member's balance inside the caller's transaction, in
    the shop's spending order and within its limits; raises a ``SalonError`` to refuse."""
    if member_id is None:
        raise ValidationError(
            _("Stored value needs a member: find the client first."), field="tender"
        )
    settings = load_prepaid_settings(session)
    if amount_cents <= 0:
        raise ValidationError(_("The amount must be more than zero."), field="amount")
    if settings.limit_per_sale_cents and amount_cents > settings.limit_per_sale_cents:
        raise Conflict(
            _("Stored value pays at most {limit} of one sale.").format(
                limit=shop_money(session, settings.limit_per_sale_cents)
            )
        )
    day = shop_today(session)
    if settings.limit_per_day_cents:
        left = settings.limit_per_day_cents - spent_today(session, member_id, day)
        if amount_cents > left:
            raise Conflict(
                _("Stored value pays at most {limit} a day; {left} is left today.").format(
                    limit=shop_money(session, settings.limit_per_day_cents),
                    left=shop_money(session, max(left, 0)),
                )
            )
    member = load_member(session, member_id)
    account = account_for(session, member_id, lock=True)
    if account is None or account.status != "open":
        raise Conflict(_("{name} has no stored value.").format(name=member.name))
    not_enough = _("{name} has only {balance} in stored value.").format(
        name=member.name,
        balance=shop_money(session, account.principal_cents + account.bonus_cents),
    )
    try:
        split = split_spend(
            amount_cents,
            account.principal_cents,
            account.bonus_cents,
            SpendOrder(settings.spend_order),
        )
    except ValueError:
        raise Conflict(not_enough) from None
    post_entry(
        session,
        actor,
        account,
        kind,
        Split(-split.principal_cents, -split.bonus_cents),
        day=day,
        refuse=not_enough,
        sale_id=sale_id,
        note=clean_text(note, NOTE_MAX, "note"),
    )
    return split


def give_back_in(
    session: Session,
    actor: Actor,
    member_id: int | None,
    amount_cents: int,
    *,
    sale_id: int,
    refund_id: int | None,
) -> Split:
    """Return part of what a sale took from stored value, to the sides it came from."""
    taken = Split(0, 0)
    given = Split(0, 0)
    account_member = member_id
    for entry in session.exec(
        select(StoredValueEntry).where(
            col(StoredValueEntry.sale_id) == sale_id,
            col(StoredValueEntry.kind).in_(("spend", "give_back")),
        )
    ):
        account_member = entry.member_id
        if entry.kind == "spend":
            taken = Split(
                taken.principal_cents - entry.principal_cents,
                taken.bonus_cents - entry.bonus_cents,
            )
        else:
            given = Split(
                given.principal_cents + entry.principal_cents,
                given.bonus_cents + entry.bonus_cents,
            )
    try:
        split = split_give_back(amount_cents, taken, given)
    except ValueError:
        raise ValidationError(
            _("That is more back to stored value than the sale took from it."), field="amount"
        ) from None
    assert account_member is not None
    account = open_account(session, account_member)
    post_entry(
        session,
        actor,
        account,
        "give_back",
        split,
        day=shop_today(session),
        sale_id=sale_id,
        refund_id=refund_id,
    )
    return split


# --- reading ------------------------------------------------------------------------


def balance_in(session: Session, member: Member) -> BalanceView:
    assert member.id is not None
    settings = load_prepaid_settings(session)
    account = account_for(session, member.id)
    return BalanceView(
        member_id=member.id,
        member_name=member.name,
        principal_cents=account.principal_cents if account else 0,
        bonus_cents=account.bonus_cents if account else 0,
        status=account.status if account else "none",
        low_balance_cents=settings.low_balance_for(member.level_id),
        spend_order=settings.spend_order,
    )


def get_balance(uow: UnitOfWork, actor: Actor, member_id: int) -> BalanceView:
    """A member's principal and bonus, and whether the desk should mention a low balance."""
    require(actor, "prepaid.view")
    with uow.read() as session:
        return balance_in(session, load_member(session, member_id))


def history(uow: UnitOfWork, actor: Actor, member_id: int, *, limit: int = 200) -> list[EntryView]:
    """The member's stored value ledger, newest first."""
    require(actor, "prepaid.view")
    from salon_tui.data.models import Staff

    with uow.read() as session:
        load_member(session, member_id)
        rows = list(
            session.exec(
                select(StoredValueEntry)
                .where(col(StoredValueEntry.member_id) == member_id)
                .order_by(col(StoredValueEntry.id).desc())
                .limit(limit)
            )
        )
        reversed_ids: set[int | None] = {row.reverses_id for row in rows if row.reverses_id}
        reversed_ids |= set(
            session.exec(
                select(StoredValueEntry.reverses_id).where(
                    col(StoredValueEntry.reverses_id).in_([row.id for row in rows])
                )
            ).all()
        )
        names = {staff.id: staff.name for staff in session.exec(select(Staff))}
        return [
            EntryView(
                id=row.id or 0,
                kind=row.kind,
                principal_cents=row.principal_cents,
                bonus_cents=row.bonus_cents,
                method=row.method,
                reference=row.reference,
                note=row.note,
                business_day=row.business_day,
                created_at=row.created_at,
                staff_name=names.get(row.staff_id, "") if row.staff_id else "",
                sale_id=row.sale_id,
                reverses_id=row.reverses_id,
                reversed=row.id in reversed_ids,
            )
            for row in rows
        ]


def check_stored_value_ledger(session: Session) -> list[str]:
    """Every account's cached principal and bonus equal the sums of its ledger, and none
    is negative."""
    sums = {
        account_id: (int(principal), int(bonus))
        for account_id, principal, bonus in session.exec(
            select(
                StoredValueEntry.account_id,
                func.sum(StoredValueEntry.principal_cents),
                func.sum(StoredValueEntry.bonus_cents),
            ).group_by(col(StoredValueEntry.account_id))
        )
    }
    problems = []
    for account in session.exec(select(StoredValueAccount)):
        principal, bonus = sums.get(account.id or 0, (0, 0))
        if (principal, bonus) != (account.principal_cents, account.bonus_cents):
            problems.append(
                _(
                    "Stored value of member #{member}: cached {cached_p}/{cached_b}, "
                    "ledger {ledger_p}/{ledger_b} (principal/bonus, fen)."
                ).format(
                    member=account.member_id,
                    cached_p=account.principal_cents,
                    cached_b=account.bonus_cents,
                    ledger_p=principal,
                    ledger_b=bonus,
                )
            )
        if account.principal_cents < 0 or account.bonus_cents < 0:
            problems.append(
                _("Stored value of member #{member} is negative.").format(member=account.member_id)
            )
    return problems
