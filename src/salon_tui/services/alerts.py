"""Alerts: unusual activity flagged for a manager, inside the action's own transaction.

The rules (domain/alerts.py) are shop settings under the ``alerts.`` prefix, set by
the owner (a manager cannot switch off what watches them). This module watches the
audit log (``audit.WATCHERS``): every action is audited, so a sale, refund, top-up,
drawer opening or hand-made balance change is seen where it happens, and its flag
commits or rolls back with it. A flag is written to the audit too. What the owner does
is not flagged: the flags are for the owner. Managers review
flags and dismiss them with a note; nobody dismisses a flag raised by their own action
except the owner.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from salon_tui.data.models import AlertFlag, Member, Sale, Staff
from salon_tui.data.moment import session_now
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.alerts import (
    ALERT_KIND_LABELS,
    MAX_LIMIT_CENTS,
    AlertKind,
    AlertRules,
    discount_too_big,
    is_burst,
    is_outside_hours,
    over_limit,
    share_bp,
)
from salon_tui.domain.clock import utc_now
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from salon_tui.i18n import N_, _
from salon_tui.services import audit
from salon_tui.services.audit import Recorded
from salon_tui.services.permissions import require
from salon_tui.services.settings import (
    derived,
    load_shop_settings,
    settings_under,
    write_setting,
)

PREFIX = "alerts."
FIELDS = tuple(AlertRules.__dataclass_fields__)
NOTE_MAX = 200

# Actions that move money at the desk: checked against the opening hours.
MONEY_ACTIONS: dict[str, str] = {
    "sales.pay": N_("A sale"),
    "sales.refund": N_("A refund"),
    "prepaid.top_up": N_("A top-up"),
    "printer.drawer_open": N_("The drawer opened without a sale"),
    "package.sell": N_("A package sold"),
    "package.refund": N_("A package refunded"),
    "giftcard.sell": N_("A gift card sold"),
    "giftcard.refund": N_("A gift card refunded"),
    "prepaid.undo_top_up": N_("A top-up undone"),
    "prepaid.close": N_("A card closed and refunded"),
}
# Card actions that are part of a sale or its refund when their audit names one: the
# sale's own flag covers the moment, so none is raised twice for it.
PART_OF_A_SALE = (
    "prepaid.top_up",
    "package.sell",
    "package.refund",
    "giftcard.sell",
    "giftcard.refund",
)
# Balances changed by a person rather than by a sale: each is flagged when the rule is on.
MANUAL_BALANCE_ACTIONS: dict[str, str] = {
    "points.adjust": N_("Points adjusted by hand"),
    "package.use": N_("A package use recorded by hand"),
    "package.transfer": N_("A package moved to another member"),
    "prepaid.undo_top_up": N_("A top-up undone"),
    "prepaid.close": N_("A card closed and refunded"),
}


# --- rules ---------------------------------------------------------------------------


def load_rules(session: Session) -> AlertRules:
    """The shop's alert rules (worked out once for the same settings: this runs inside
    every watched action)."""
    return derived(session, "alert_rules", _work_out_rules)


def _work_out_rules(session: Session) -> AlertRules:
    stored = settings_under(session, PREFIX)
    return replace(AlertRules(), **{k: v for k, v in stored.items() if k in FIELDS})


def get_rules(uow: UnitOfWork, actor: Actor) -> AlertRules:
    require(actor, "alerts.view")
    with uow.read() as session:
        return load_rules(session)


def _validate(rules: AlertRules) -> None:
    for name in ("sale_above_cents", "top_up_above_cents", "refund_above_cents"):
        value = getattr(rules, name)
        if not isinstance(value, int) or not 0 <= value <= MAX_LIMIT_CENTS:
            raise ValidationError(
                _("An alert amount is zero (off) or a positive amount up to 1,000,000."),
                field=name,
            )
    bp = rules.manual_discount_above_bp
    if not isinstance(bp, int) or not 0 <= bp < 10_000:
        raise ValidationError(
            _("The discount alert is a percent from 0 (off) to 99."),
            field="manual_discount_above_bp",
        )
    if not isinstance(rules.card_uses, int) or not (rules.card_uses == 0 or rules.card_uses >= 2):
        raise ValidationError(_("Card uses is 0 (off) or at least 2 sales."), field="card_uses")
    minutes = rules.card_window_minutes
    if not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise ValidationError(
            _("The card window is 1 to 1440 minutes."), field="card_window_minutes"
        )
    for name in ("outside_hours", "manual_balance_changes"):
        if not isinstance(getattr(rules, name), bool):
            raise ValidationError(_("Say yes or no."), field=name)


def update_rules(uow: UnitOfWork, actor: Actor, **changes: Any) -> AlertRules:
    """Change some alert rules (owner); audited with before and after."""
    require(actor, "alerts.settings")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(_("Unknown setting {name!r}.").format(name=sorted(unknown)[0]))
    with uow.transaction() as session:
        before = load_rules(session)
        after = replace(before, **changes)
        _validate(after)
        changed = sorted(name for name in FIELDS if getattr(before, name) != getattr(after, name))
        for name in changed:
            write_setting(session, PREFIX + name, getattr(after, name))
        if changed:
            old, new = asdict(before), asdict(after)
            audit.record(
                session,
                actor,
                "alerts.settings",
                "setting",
                "alerts",
                before={name: old[name] for name in changed},
                after={name: new[name] for name in changed},
            )
        return after


# --- watching the audit log ----------------------------------------------------------


def _local(session: Session, moment: datetime) -> tuple[datetime, str]:
    zone = load_shop_settings(session).timezone
    return moment.astimezone(ZoneInfo(zone)), zone


def _hours_facts(session: Session, action: str, now: datetime) -> dict[str, Any] | None:
    from salon_tui.services.schedule import hours_text, shop_hours, shop_hours_on

    if not any(shop_hours(session)):
        return None  # the shop has not said when it opens: nothing to compare with
    local, _zone = _local(session, now)
    day = local.date()
    # Worked out once per day and settings (every payment asks: ~40 µs each time).
    hours = derived(session, f"alerts.hours_on {day}", lambda same: shop_hours_on(same, day))
    if not is_outside_hours(local.time(), hours):
        return None
    return {
        "action": action,
        "local_time": local.strftime("%Y-%m-%d %H:%M"),
        "hours": hours_text(hours) if hours else "",
    }


def _card_uses(session: Session, member_id: int, now: datetime, rules: AlertRules) -> int | None:
    since = now - timedelta(minutes=rules.card_window_minutes)
    paid = [
        moment
        for moment in session.exec(
            select(Sale.paid_at).where(
                col(Sale.member_id) == member_id,
                col(Sale.paid_at) >= since,
                col(Sale.paid_at).is_not(None),
            )
        )
        if moment is not None
    ]
    return len(paid) if is_burst(paid, now, rules) else None


def _sale_subtotal(session: Session, recorded: Recorded) -> int | None:
    """The paid sale's subtotal: recorded with the payment, or else read."""
    if "subtotal_cents" in recorded.after:
        return int(recorded.after["subtotal_cents"])
    sale = session.get(Sale, int(recorded.entity_id))
    return sale.subtotal_cents if sale is not None and sale.id is not None else None


def _sale_findings(
    session: Session, recorded: Recorded, rules: AlertRules, now: datetime
) -> list[tuple[AlertKind, dict[str, Any]]]:
    found: list[tuple[AlertKind, dict[str, Any]]] = []
    after = recorded.after
    number = after.get("number", "")
    total = int(after.get("total_cents", 0))
    if over_limit(total, rules.sale_above_cents):
        found.append(
            (
                AlertKind.LARGE_SALE,
                {"number": number, "amount_cents": total, "limit_cents": rules.sale_above_cents},
            )
        )
    list_cents = _sale_subtotal(session, recorded) if rules.manual_discount_above_bp > 0 else None
    if list_cents is not None:
        # The watcher runs as the payment is recorded, and paying records its manual discounts.
        manual = abs(int(after.get("manual_discount_cents", 0)))
        if discount_too_big(manual, list_cents, rules):
            found.append(
                (
                    AlertKind.BIG_DISCOUNT,
                    {
                        "number": number,
                        "discount_cents": manual,
                        "list_cents": list_cents,
                        "share_bp": share_bp(manual, list_cents),
                        "limit_bp": rules.manual_discount_above_bp,
                    },
                )
            )
    member_id = after.get("member_id")
    if member_id is not None and rules.card_uses > 0:
        uses = _card_uses(session, int(member_id), now, rules)
        if uses is not None:
            found.append(
                (
                    AlertKind.CARD_BURST,
                    {
                        "member_id": int(member_id),
                        "uses": uses,
                        "minutes": rules.card_window_minutes,
                        "number": number,
                    },
                )
            )
    return found


def _findings(
    session: Session, recorded: Recorded, rules: AlertRules, now: datetime
) -> list[tuple[AlertKind, dict[str, Any]]]:
    action, after = recorded.action, recorded.after
    found: list[tuple[AlertKind, dict[str, Any]]] = []
    if action == "sales.pay":
        found.extend(_sale_findings(session, recorded, rules, now))
    elif action == "sales.refund":
        amount = sum(int(part.get("amount_cents", 0)) for part in after.get("payments", []))
        if over_limit(amount, rules.refund_above_cents):
            found.append(
                (
                    AlertKind.LARGE_REFUND,
                    {
                        "refund": after.get("refund", ""),
                        "sale": after.get("sale", ""),
                        "amount_cents": amount,
                        "limit_cents": rules.refund_above_cents,
                    },
                )
            )
    elif action == "prepaid.top_up":
        amount = int(after.get("amount_cents", 0))
        if over_limit(amount, rules.top_up_above_cents):
            found.append(
                (
                    AlertKind.LARGE_TOP_UP,
                    {
                        "member_id": int(recorded.entity_id),
                        "amount_cents": amount,
                        "limit_cents": rules.top_up_above_cents,
                    },
                )
            )
    on_a_sale = action in PART_OF_A_SALE and (
        bool(after.get("sale_id")) or after.get("method") == "sale"
    )
    if action in MONEY_ACTIONS and rules.outside_hours and not on_a_sale:
        facts = _hours_facts(session, action, now)
        if facts is not None:
            found.append((AlertKind.OUTSIDE_HOURS, facts))
    # A package use made by checkout carries its sale: that is no hand-made change.
    by_checkout = action == "package.use" and bool(after.get("sale_id"))
    if action in MANUAL_BALANCE_ACTIONS and rules.manual_balance_changes and not by_checkout:
        found.append((AlertKind.MANUAL_BALANCE, _balance_facts(recorded)))
    return found


def _balance_facts(recorded: Recorded) -> dict[str, Any]:
    after = recorded.after
    facts: dict[str, Any] = {
        "action": recorded.action,
        "member_id": int(recorded.entity_id) if recorded.entity == "member" else None,
        "reason": str(after.get("reason", "")),
    }
    if recorded.action == "points.adjust":
        facts["points"] = int(after.get("change", 0))
    elif recorded.action == "package.use":
        facts["service"] = str(after.get("service", ""))
    elif recorded.action == "prepaid.close":
        facts["amount_cents"] = int(after.get("refunded_cents", 0))
    elif recorded.action == "prepaid.undo_top_up":
        before = recorded.before
        facts["amount_cents"] = int(before.get("principal_cents", 0)) - int(
            after.get("principal_cents", 0)
        )
    return facts


def watch(session: Session, actor: Actor, recorded: Recorded) -> None:
    """Raise the flags the shop's rules call for on an audited action (same transaction)."""
    if recorded.action not in MONEY_ACTIONS and recorded.action not in MANUAL_BALANCE_ACTIONS:
        return
    # The owner is who the flags are for, and the system (imports, the demo's history)
    # is no person to watch: only what staff do is flagged.
    if actor.role is Role.OWNER or actor.is_system:
        return
    rules = load_rules(session)
    now = session_now(session)
    for kind, facts in _findings(session, recorded, rules, now):
        flag = AlertFlag(
            kind=kind.value,
            raised_at=now,
            staff_id=actor.staff_id,
            staff_name=actor.name[:80],
            action=recorded.action,
            entity=recorded.entity[:40],
            entity_id=recorded.entity_id[:60],
            audit_seq=recorded.seq,
            facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True),
        )
        session.add(flag)
        session.flush()
        audit.record(
            session,
            actor,
            "alert.raised",
            "alert_flag",
            flag.id,
            after={"kind": kind.value, "action": recorded.action, "audit_seq": recorded.seq},
        )


audit.WATCHERS.append(watch)


# --- reading and reviewing -----------------------------------------------------------


@dataclass(frozen=True)
class AlertView:
    id: int
    kind: str
    label: str
    summary: str
    raised_at: datetime
    staff_name: str
    action: str
    audit_seq: int
    status: str
    reviewed_by_name: str
    reviewed_at: datetime | None
    review_note: str

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _money(session: Session) -> Any:
    from salon_tui.domain.money import format_money
    from salon_tui.i18n import current_locale

    currency = load_shop_settings(session).currency
    locale = current_locale()
    return lambda cents: format_money(int(cents), currency, locale)


def _member_names(session: Session, flags: list[AlertFlag]) -> dict[int, str]:
    ids = {
        int(facts["member_id"])
        for facts in (json.loads(flag.facts_json) for flag in flags)
        if facts.get("member_id") is not None
    }
    if not ids:
        return {}
    rows = session.exec(select(Member.id, Member.name).where(col(Member.id).in_(ids)))
    return {int(member_id): name for member_id, name in rows if member_id is not None}


def summary(kind: AlertKind, facts: dict[str, Any], money: Any, members: dict[int, str]) -> str:
    """The flag as a sentence, in the reader's language."""
    member_id = facts.get("member_id")
    member = members.get(int(member_id), f"#{member_id}") if member_id is not None else ""
    if kind is AlertKind.LARGE_SALE:
        return _("Sale {number} for {amount}, above the {limit} limit.").format(
            number=facts["number"],
            amount=money(facts["amount_cents"]),
            limit=money(facts["limit_cents"]),
        )
    if kind is AlertKind.LARGE_TOP_UP:
        return _("Top-up of {amount} for {member}, above the {limit} limit.").format(
            amount=money(facts["amount_cents"]), member=member, limit=money(facts["limit_cents"])
        )
    if kind is AlertKind.LARGE_REFUND:
        return _("Refund {refund} of {amount} on sale {sale}, above the {limit} limit.").format(
            refund=facts["refund"],
            amount=money(facts["amount_cents"]),
            sale=facts["sale"],
            limit=money(facts["limit_cents"]),
        )
    if kind is AlertKind.CARD_BURST:
        return _(
            "{member}'s card paid {uses} sales within {minutes} minutes (last: {number})."
        ).format(
            member=member, uses=facts["uses"], minutes=facts["minutes"], number=facts["number"]
        )
    if kind is AlertKind.BIG_DISCOUNT:
        return _(
            "Sale {number}: manual discounts of {amount} are {share}% of its list price "
            "(limit {limit}%)."
        ).format(
            number=facts["number"],
            amount=money(facts["discount_cents"]),
            share=f"{facts['share_bp'] / 100:g}",
            limit=f"{facts['limit_bp'] / 100:g}",
        )
    if kind is AlertKind.OUTSIDE_HOURS:
        what = _(MONEY_ACTIONS.get(facts["action"], facts["action"]))
        if facts["hours"]:
            return _("{what} at {time}, outside opening hours ({hours}).").format(
                what=what, time=facts["local_time"], hours=facts["hours"]
            )
        return _("{what} at {time}, on a day the shop is closed.").format(
            what=what, time=facts["local_time"]
        )
    what = _(MANUAL_BALANCE_ACTIONS.get(facts["action"], facts["action"]))
    details = []
    if "points" in facts:
        details.append(_("{points:+d} points").format(points=facts["points"]))
    if facts.get("service"):
        details.append(str(facts["service"]))
    if "amount_cents" in facts:
        details.append(money(facts["amount_cents"]))
    if facts.get("reason"):
        details.append(_("reason: {reason}").format(reason=facts["reason"]))
    text = _("{what} for {member}").format(what=what, member=member) if member else what
    if not details:
        return _("{what}.").format(what=text)
    # The list separator is the language's own (", " in English, "，" in Chinese).
    return _("{what}: {details}.").format(what=text, details=_(", ").join(details))


def _views(session: Session, flags: list[AlertFlag]) -> list[AlertView]:
    money = _money(session)
    members = _member_names(session, flags)
    reviewer_ids = {flag.reviewed_by for flag in flags if flag.reviewed_by is not None}
    reviewers = (
        {
            int(staff_id): name
            for staff_id, name in session.exec(
                select(Staff.id, Staff.name).where(col(Staff.id).in_(reviewer_ids))
            )
            if staff_id is not None
        }
        if reviewer_ids
        else {}
    )
    views = []
    for flag in flags:
        assert flag.id is not None
        kind = AlertKind(flag.kind)
        views.append(
            AlertView(
                id=flag.id,
                kind=flag.kind,
                label=_(ALERT_KIND_LABELS[kind]),
                summary=summary(kind, json.loads(flag.facts_json), money, members),
                raised_at=flag.raised_at,
                staff_name=flag.staff_name,
                action=flag.action,
                audit_seq=flag.audit_seq,
                status=flag.status,
                reviewed_by_name=reviewers.get(flag.reviewed_by or 0, ""),
                reviewed_at=flag.reviewed_at,
                review_note=flag.review_note,
            )
        )
    return views


def list_alerts(
    uow: UnitOfWork, actor: Actor, *, include_dismissed: bool = False, limit: int = 200
) -> list[AlertView]:
    """Flags newest first: the open ones, or all of them."""
    require(actor, "alerts.view")
    query = select(AlertFlag).order_by(col(AlertFlag.raised_at).desc(), col(AlertFlag.id).desc())
    if not include_dismissed:
        query = query.where(col(AlertFlag.status) == "open")
    with uow.read() as session:
        return _views(session, list(session.exec(query.limit(max(1, limit)))))


def open_count(uow: UnitOfWork, actor: Actor) -> int:
    require(actor, "alerts.view")
    with uow.read() as session:
        return int(
            session.exec(
                select(func.count()).select_from(AlertFlag).where(col(AlertFlag.status) == "open")
            ).one()
        )


def dismiss(uow: UnitOfWork, actor: Actor, alert_id: int, note: str) -> AlertView:
    """Mark a flag reviewed, with a note saying what was found (audited)."""
    require(actor, "alerts.review")
    cleaned = " ".join(note.split())
    if not cleaned:
        raise ValidationError(_("Say what you found: a note is needed."), field="note")
    if len(cleaned) > NOTE_MAX:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=NOTE_MAX),
            field="note",
        )
    with uow.transaction() as session:
        flag = session.get(AlertFlag, alert_id, with_for_update=True)
        if flag is None:
            raise NotFound(_("There is no alert #{id}.").format(id=alert_id))
        if flag.status != "open":
            raise Conflict(_("Alert #{id} was already reviewed.").format(id=alert_id))
        if flag.staff_id == actor.staff_id and actor.role is not Role.OWNER:
            raise PermissionDenied(
                _(
                    "Alert #{id} is about your own action: another manager or the owner reviews it."
                ).format(id=alert_id)
            )
        flag.status = "dismissed"
        flag.reviewed_by = actor.staff_id
        flag.reviewed_at = utc_now()
        flag.review_note = cleaned
        session.add(flag)
        session.flush()
        audit.record(
            session,
            actor,
            "alert.dismiss",
            "alert_flag",
            alert_id,
            before={"status": "open"},
            after={"status": "dismissed", "note": cleaned},
        )
        return _views(session, [flag])[0]
