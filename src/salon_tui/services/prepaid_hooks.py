"""What prepaid adds to other areas' registries.

- cards: a card is not closed while its member still holds stored value or packages;
- member erasure: refused while the member still holds stored value;
- member merge: the balances and packages of the merged member move to the kept one;
- member timeline: top-ups, payments, undos and closings, and package sales and uses;
- member import: the legacy file's balance columns become opening balances;
- checkout: the "stored value" tender pays from (and refunds to) the sale's member's
  balance inside the sale's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from salon_tui.data.models import Card, MemberPackage, PackageUse, StoredValueEntry
from salon_tui.domain.actor import Actor
from salon_tui.domain.prepaid import Split
from salon_tui.domain.tenders import Tender
from salon_tui.i18n import N_, _
from salon_tui.services import (
    cards,
    import_members,
    member_merge,
    member_privacy,
    member_timeline,
    sale_receipts,
)
from salon_tui.services.member_timeline import TimelineEvent
from salon_tui.services.members import shop_today
from salon_tui.services.packages import USE_KIND_LABELS
from salon_tui.services.stored_value import (
    ENTRY_KIND_LABELS,
    account_for,
    give_back_in,
    open_account,
    post_entry,
    shop_money,
    spend_in,
)
from salon_tui.services.tenders import TenderUse, register_tender

STORED_VALUE = Tender("stored_value", N_("Stored value"), needs_member=True, is_prepaid=True)


def take_stored_value(session: Session, actor: Actor, use: TenderUse) -> None:
    spend_in(session, actor, use.member_id, use.amount_cents, sale_id=use.sale_id)


def give_back_stored_value(session: Session, actor: Actor, use: TenderUse) -> None:
    give_back_in(
        session,
        actor,
        use.member_id,
        use.amount_cents,
        sale_id=use.sale_id,
        refund_id=use.refund_id,
    )


def refuse_closing_a_card_with_value(session: Session, card_id: int) -> str:
    card = session.get(Card, card_id)
    if card is None:
        return ""
    account = account_for(session, card.member_id)
    if account is not None and account.principal_cents + account.bonus_cents > 0:
        return _(
            "Card {number} still holds {amount} of stored value: close the stored value "
            "first (refund the principal) from the Cards screen or `salon prepaid close`."
        ).format(
            number=card.number,
            amount=shop_money(session, account.principal_cents + account.bonus_cents),
        )
    return ""


def refuse_erasing_a_member_with_value(session: Session, member_id: int) -> str:
    """Erasure keeps balances anonymous, so money still owed is paid back first."""
    account = account_for(session, member_id)
    if account is not None and account.principal_cents + account.bonus_cents > 0:
        return _(
            "Member #{id} still holds {amount} of stored value: close the stored value "
            "(refund the principal) before erasing the personal data."
        ).format(
            id=member_id,
            amount=shop_money(session, account.principal_cents + account.bonus_cents),
        )
    return ""


def move_prepaid_on_merge(session: Session, keep_id: int, drop_id: int) -> int:
    """The merged member's balances join the kept member's (two ledger rows, one out
    and one in), and their packages change hands; how many rows moved."""
    from salon_tui.domain.actor import SYSTEM

    moved = 0
    dropped = account_for(session, drop_id, lock=True)
    if dropped is not None and (dropped.principal_cents or dropped.bonus_cents):
        day = shop_today(session)
        split = Split(dropped.principal_cents, dropped.bonus_cents)
        note = _("merged into member #{id}").format(id=keep_id)
        post_entry(
            session,
            SYSTEM,
            dropped,
            "merge",
            Split(-split.principal_cents, -split.bonus_cents),
            day=day,
            note=note,
        )
        post_entry(
            session,
            SYSTEM,
            open_account(session, keep_id),
            "merge",
            split,
            day=day,
            note=_("from member #{id}").format(id=drop_id),
        )
        moved += 2
    result = session.execute(
        update(MemberPackage)
        .where(col(MemberPackage.member_id) == drop_id)
        .values(member_id=keep_id)
    )
    moved += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return moved


def prepaid_timeline(session: Session, member_id: int) -> Iterable[TimelineEvent]:
    from salon_tui.data.models import Staff

    names = {staff.id: staff.name for staff in session.exec(select(Staff))}
    for entry in session.exec(
        select(StoredValueEntry).where(col(StoredValueEntry.member_id) == member_id)
    ):
        amount = shop_money(session, entry.principal_cents)
        text = f"{_(ENTRY_KIND_LABELS.get(entry.kind, entry.kind))} {amount}"
        if entry.bonus_cents:
            text += " " + _("(bonus {amount})").format(
                amount=shop_money(session, entry.bonus_cents)
            )
        if entry.note:
            text += f" · {entry.note}"
        yield TimelineEvent(
            entry.created_at,
            "prepaid",
            text,
            names.get(entry.staff_id, "") if entry.staff_id else "",
        )
    rows = session.exec(
        select(PackageUse, MemberPackage.name)
        .join(MemberPackage, col(MemberPackage.id) == col(PackageUse.package_id))
        .where(col(PackageUse.member_id) == member_id, col(PackageUse.kind) != "sold")
    )
    for use, package_name in rows:
        text = _("Package {name}: {what}").format(
            name=package_name,
            what=(_("used once") if use.uses == -1 else _("used {n} times").format(n=-use.uses))
            if use.kind == "use"
            else _(USE_KIND_LABELS.get(use.kind, use.kind)),
        )
        yield TimelineEvent(
            use.created_at, "prepaid", text, names.get(use.staff_id, "") if use.staff_id else ""
        )
    for package in session.exec(
        select(MemberPackage).where(col(MemberPackage.member_id) == member_id)
    ):
        yield TimelineEvent(
            package.sold_at,
            "prepaid",
            _("Package {name} bought ({price})").format(
                name=package.name, price=shop_money(session, package.price_cents)
            ),
        )


def stored_value_on_receipt(session: Session, sale: Any, statement: Any) -> Any:
    """The balance after the sale (and before, when the sale moved it: paid from it or
    topped it up), from the ledger as it stood then, so a reprint says the same."""
    from dataclasses import replace

    from sqlalchemy import func

    account = account_for(session, sale.member_id)
    if account is None:
        return statement
    total = StoredValueEntry.principal_cents + StoredValueEntry.bonus_cents
    moved = session.exec(
        select(func.max(StoredValueEntry.id), func.coalesce(func.sum(total), 0)).where(
            col(StoredValueEntry.sale_id) == sale.id,
            col(StoredValueEntry.kind).in_(["spend", "top_up"]),
        )
    ).one()
    last_id, moved_cents = moved
    upto = (
        col(StoredValueEntry.id) <= last_id
        if last_id is not None
        else col(StoredValueEntry.created_at) <= sale.paid_at
    )
    after = session.exec(
        select(func.coalesce(func.sum(total), 0)).where(
            col(StoredValueEntry.account_id) == account.id, upto
        )
    ).one()
    return replace(
        statement,
        stored_value_before_cents=int(after) - int(moved_cents) if last_id is not None else None,
        stored_value_after_cents=int(after),
    )


def write_opening_balances(
    session: Session, actor: Actor, members: list[tuple[int, Any]]
) -> dict[str, int]:
    """Imported rows' stored value (principal and bonus) as opening balances: one
    ``opening`` ledger entry per member, once (importing the same file again adds
    nothing). ``members``: (member id, row) pairs. What was written, for the import's
    audit entry.

    A member without an account (every new member) gets one opened at the opening
    balance, and the entries go in as one executemany; a member who already has an
    account goes through the ledger's conditional update like any other entry.
    """
    from sqlalchemy import insert

    from salon_tui.data.models import StoredValueAccount
    from salon_tui.domain.clock import utc_now

    wanted: dict[int, Split] = {}
    for member_id, record in members:
        principal = int(getattr(record, "balance_cents", 0) or 0)
        bonus = int(getattr(record, "bonus_cents", 0) or 0)
        if (principal > 0 or bonus > 0) and member_id not in wanted:
            wanted[member_id] = Split(max(principal, 0), max(bonus, 0))
    if not wanted:
        return {}
    ids = list(wanted)
    accounts: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for (member_id,) in session.execute(
            select(StoredValueEntry.member_id).where(
                col(StoredValueEntry.member_id).in_(chunk), col(StoredValueEntry.kind) == "opening"
            )
        ):
            wanted.pop(member_id, None)
        for member_id, account_id in session.execute(
            select(StoredValueAccount.member_id, StoredValueAccount.id).where(
                col(StoredValueAccount.member_id).in_(chunk)
            )
        ):
            accounts[member_id] = int(account_id)
    if not wanted:
        return {}
    day, now, note = shop_today(session), utc_now(), _("imported balance")
    for member_id in [member_id for member_id in wanted if member_id in accounts]:
        post_entry(
            session,
            actor,
            open_account(session, member_id),
            "opening",
            wanted[member_id],
            day=day,
            note=note,
        )
    fresh = [member_id for member_id in wanted if member_id not in accounts]
    account_table = StoredValueAccount.__table__  # type: ignore[attr-defined]
    for start in range(0, len(fresh), 500):
        chunk = fresh[start : start + 500]
        session.execute(
            insert(account_table),
            [
                {
                    "member_id": member_id,
                    "principal_cents": wanted[member_id].principal_cents,
                    "bonus_cents": wanted[member_id].bonus_cents,
                    "status": "open",
                    "opened_at": now,
                }
                for member_id in chunk
            ],
        )
        opened = session.execute(
            select(StoredValueAccount.member_id, StoredValueAccount.id).where(
                col(StoredValueAccount.member_id).in_(chunk)
            )
        )
        account_of = {int(member_id): int(account_id) for member_id, account_id in opened}
        session.execute(
            insert(StoredValueEntry.__table__),  # type: ignore[attr-defined]
            [
                {
                    "account_id": account_of[member_id],
                    "member_id": member_id,
                    "kind": "opening",
                    "principal_cents": wanted[member_id].principal_cents,
                    "bonus_cents": wanted[member_id].bonus_cents,
                    "note": note,
                    "business_day": day,
                    "staff_id": actor.staff_id,
                    "created_at": now,
                }
                for member_id in chunk
            ],
        )
    return {
        "opening_balances": len(wanted),
        "opening_principal_cents": sum(split.principal_cents for split in wanted.values()),
        "opening_bonus_cents": sum(split.bonus_cents for split in wanted.values()),
    }


register_tender(STORED_VALUE, take_stored_value, give_back_stored_value)
sale_receipts.MEMBER_BLOCKS.append(stored_value_on_receipt)
cards.CLOSE_CHECKS.append(refuse_closing_a_card_with_value)
member_privacy.ERASE_CHECKS.append(refuse_erasing_a_member_with_value)
member_merge.register_merge_step("prepaid", move_prepaid_on_merge)
member_timeline.TIMELINE_SOURCES.append(prepaid_timeline)
import_members.PREPAID_WRITERS.append(write_opening_balances)
import_members.PREPAID_WRITTEN_COLUMNS.update({"balance", "bonus_balance"})
