"""Commission: rules as data, fixed on each line when a sale is paid, reversed by refunds.

Managers keep the rules and each person's level. ``fix_for_sale`` runs inside the
paying transaction and writes one entry per person and line (plus a whole-month
top-up when a tier is reached); ``reverse_for_refund`` writes the negative entries.
A card sold at the Cards desk earns by the same rules (``services.card_commission``),
so a seller's month, and its tiers, count every card sold with a rule for its kind.
A stylist sees their own statement; managers see everyone's.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, Text, bindparam, cast, or_, update
from sqlmodel import Session, col, func, select

from salon_tui.data import direct
from salon_tui.data.bulk import insert_dicts
from salon_tui.data.models import (
    CommissionEntry,
    CommissionRule,
    CommissionStaffLevel,
    Sale,
    SaleLine,
    SaleLineStaff,
    Staff,
)
from salon_tui.data.moment import session_now
from salon_tui.data.sale_rows import StoredLine, StoredSale
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.clock import utc_now
from salon_tui.domain.commission import (
    CommissionMethod,
    Rule,
    TierMode,
    choose_rule,
    line_commission,
    validate_tiers,
)
from salon_tui.domain.money import allocate, percent_of
from salon_tui.domain.pricing import pro_rata
from salon_tui.domain.sales import LineKind
from salon_tui.errors import NotFound, PermissionDenied, ValidationError
from salon_tui.i18n import _
from salon_tui.services import audit
from salon_tui.services.permissions import require

if TYPE_CHECKING:
    from salon_tui.services.sales import LineShare

LEVEL_MAX = 40

# What a line earns commission on besides what was paid for it: (session, sale, lines)
# → {line id: minor units}. Packages add a package use at the package's per-use value,
# so a stylist is paid on a visit a package covers (package_checkout).
BASIS_EXTRAS: list[Callable[[Session, StoredSale, Sequence[StoredLine]], dict[int, int]]] = []


@dataclass(frozen=True)
class RuleView:
    id: int
    name: str
    staff_level: str
    line_kind: str
    category: str
    requested: bool | None
    method: str
    rate_bp: int
    fixed_cents: int
    tier_mode: str
    tiers: tuple[tuple[int, int], ...]
    active: bool


def _rule_view(row: CommissionRule | Row[Any]) -> RuleView:
    assert row.id is not None
    return RuleView(
        id=row.id,
        name=row.name,
        staff_level=row.staff_level,
        line_kind=row.line_kind,
        category=row.category,
        requested=row.requested,
        method=row.method,
        rate_bp=row.rate_bp,
        fixed_cents=row.fixed_cents,
        tier_mode=row.tier_mode,
        tiers=tuple((int(t), int(r)) for t, r in json.loads(row.tiers_json)),
        active=row.active,
    )


def domain_rule(row: CommissionRule | Row[Any] | Any) -> Rule:
    view = _rule_view(row)
    return Rule(
        id=view.id,
        name=view.name,
        method=CommissionMethod(view.method),
        rate_bp=view.rate_bp,
        fixed_cents=view.fixed_cents,
        staff_level=view.staff_level,
        line_kind=view.line_kind,
        category=view.category,
        requested=view.requested,
        tier_mode=TierMode(view.tier_mode),
        tiers=view.tiers,
    )


def add_rule(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    method: CommissionMethod | str,
    rate_bp: int = 0,
    fixed_cents: int = 0,
    staff_level: str = "",
    line_kind: str = "",
    category: str = "",
    requested: bool | None = None,
    tier_mode: TierMode | str = TierMode.ABOVE,
    tiers: Sequence[tuple[int, int]] = (),
) -> RuleView:
    """Add a commission rule; it applies to sales paid from now on."""
    require(actor, "commission.manage")
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 80:
        raise ValidationError(_("A rule needs a name of at most 80 characters."), field="name")
    try:
        rule_method = CommissionMethod(method)
        rule_tier_mode = TierMode(tier_mode)
    except ValueError:
        raise ValidationError(_("Unknown commission method or tier mode.")) from None
    if line_kind and line_kind not in {kind.value for kind in LineKind}:
        raise ValidationError(_("Unknown kind of line {kind!r}.").format(kind=line_kind))
    if not 0 <= rate_bp <= 10_000:
        raise ValidationError(_("A commission rate is between 0 % and 100 %."), field="rate")
    if fixed_cents < 0:
        raise ValidationError(_("A fixed commission cannot be negative."), field="fixed")
    if rule_method is CommissionMethod.FIXED and tiers:
        raise ValidationError(_("Tiers apply to percent rules only."), field="tiers")
    problem = validate_tiers(tiers)
    if problem:
        raise ValidationError(_(problem), field="tiers")
    with uow.transaction() as session:
        row = CommissionRule(
            name=cleaned,
            staff_level=staff_level.strip()[:LEVEL_MAX],
            line_kind=line_kind,
            category=category.strip()[:60],
            requested=requested,
            method=rule_method.value,
            rate_bp=rate_bp if rule_method is CommissionMethod.PERCENT else 0,
            fixed_cents=fixed_cents if rule_method is CommissionMethod.FIXED else 0,
            tier_mode=rule_tier_mode.value,
            tiers_json=json.dumps([list(tier) for tier in tiers]),
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        view = _rule_view(row)
        audit.record(
            session, actor, "commission.add_rule", "commission_rule", row.id, after=view.__dict__
        )
        return view


def list_rules(uow: UnitOfWork, actor: Actor, *, include_inactive: bool = False) -> list[RuleView]:
    require(actor, "commission.view_all")
    query = select(CommissionRule).order_by(col(CommissionRule.id))
    if not include_inactive:
        query = query.where(col(CommissionRule.active).is_(True))
    with uow.read() as session:
        return [_rule_view(row) for row in session.exec(query)]


def retire_rule(uow: UnitOfWork, actor: Actor, rule_id: int) -> RuleView:
    """Stop a rule applying to new sales; what it paid stays."""
    require(actor, "commission.manage")
    with uow.transaction() as session:
        row = session.get(CommissionRule, rule_id)
        if row is None:
            raise NotFound(_("There is no commission rule #{id}.").format(id=rule_id))
        row.active = False
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "commission.retire_rule",
            "commission_rule",
            rule_id,
            before={"active": True},
            after={"active": False},
        )
        return _rule_view(row)


def set_staff_level(uow: UnitOfWork, actor: Actor, staff_id: int, level: str) -> str:
    """The level a person is paid at (empty removes it)."""
    require(actor, "commission.manage")
    cleaned = " ".join(level.split())
    if len(cleaned) > LEVEL_MAX:
        raise ValidationError(
            _("That is too long: at most {limit} characters.").format(limit=LEVEL_MAX)
        )
    with uow.transaction() as session:
        if session.get(Staff, staff_id) is None:
            raise NotFound(_("There is no staff member #{id}.").format(id=staff_id))
        row = session.get(CommissionStaffLevel, staff_id)
        before = row.level if row else ""
        if row is None and cleaned:
            session.add(CommissionStaffLevel(staff_id=staff_id, level=cleaned))
        elif row is not None and cleaned:
            row.level = cleaned
            session.add(row)
        elif row is not None:
            session.delete(row)
        session.flush()
        audit.record(
            session,
            actor,
            "commission.set_level",
            "staff",
            staff_id,
            before={"level": before},
            after={"level": cleaned},
        )
        return cleaned


# --- inside the paying and refunding transactions --------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


# Read in every paying transaction (built once: see services/sales.py).
_MONTH_BASIS = select(func.coalesce(func.sum(CommissionEntry.basis_cents), 0)).where(
    col(CommissionEntry.staff_id) == bindparam("staff_id"),
    col(CommissionEntry.business_day) >= bindparam("first"),
    col(CommissionEntry.business_day) <= bindparam("day"),
    # Two plain comparisons, not IN (…): an IN list is compiled anew on every run.
    or_(col(CommissionEntry.kind) == "line", col(CommissionEntry.kind) == "reversal"),
)
# Every column a rule is made of (not when it was added: a timestamp to parse on every
# payment, for nothing).
_RULE_COLUMNS = [
    column
    for column in CommissionRule.__table__.c  # type: ignore[attr-defined]
    if column.key != "created_at"
]
_ACTIVE_RULES = select(*_RULE_COLUMNS).where(col(CommissionRule.active).is_(True))
# The rule's columns by name, as ``_rule_view`` reads them.
_RuleRow = namedtuple(  # type: ignore[misc]
    "_RuleRow", [column.key for column in _RULE_COLUMNS]
)
_SHARE = SaleLineStaff.__table__.c  # type: ignore[attr-defined]
_SET_BASIS = (
    update(SaleLineStaff.__table__)  # type: ignore[attr-defined]
    .where(_SHARE.id == bindparam("share_id"))
    .values(basis_cents=bindparam("basis"))
)


def _month_basis(session: Session, staff_id: int, day: date) -> int:
    params = {"staff_id": staff_id, "first": month_start(day), "day": day}
    return int(direct.run(session, _MONTH_BASIS, params).scalar())


# A payment reads the active rules and the people's levels in ONE statement, as two JSON
# texts the database builds (like the settings: services/settings.py): a transaction that
# finds the same texts as an earlier one (nearly every one: rules rarely change) takes
# the rules and levels already worked out, without reading rows or parsing anything.
# Still read in every paying transaction: a rule changed at another terminal counts at
# the next payment. Rules are frozen and the levels' dict is never changed once made.
_RULE_KEYS = [column.key for column in _RULE_COLUMNS]
_BOOL_KEYS = frozenset({"requested", "active"})  # 0/1 on SQLite, true/false on PostgreSQL
_ACTIVE = _ACTIVE_RULES.subquery()
_LEVEL_TABLE = CommissionStaffLevel.__table__  # type: ignore[attr-defined]


def _rules_and_levels_statement(postgres: bool) -> Any:
    columns = [_ACTIVE.c[key] for key in _RULE_KEYS]
    if postgres:
        rules = select(cast(func.json_agg(func.json_build_array(*columns)), Text)).scalar_subquery()
        levels = select(
            cast(func.json_object_agg(_LEVEL_TABLE.c.staff_id, _LEVEL_TABLE.c.level), Text)
        ).scalar_subquery()
    else:
        rules = select(func.json_group_array(func.json_array(*columns))).scalar_subquery()
        levels = select(
            func.json_group_object(_LEVEL_TABLE.c.staff_id, _LEVEL_TABLE.c.level)
        ).scalar_subquery()
    return select(rules, levels)


_RULES_AND_LEVELS = {False: _rules_and_levels_statement(False)}
_RULES_AND_LEVELS[True] = _rules_and_levels_statement(True)
# What was worked out, by the two texts it came from.
_BY_TEXT: dict[tuple[str, str], tuple[tuple[Rule, ...], dict[int, str]]] = {}
_BY_TEXT_MAX = 4


def _worked_out(rules_text: str, levels_text: str) -> tuple[tuple[Rule, ...], dict[int, str]]:
    rows = []
    for values in json.loads(rules_text) if rules_text else ():
        row = dict(zip(_RULE_KEYS, values, strict=True))
        for key in _BOOL_KEYS:
            if row[key] is not None:
                row[key] = bool(row[key])
        rows.append(_RuleRow(**row))
    rules = tuple(domain_rule(row) for row in rows)
    levels = {int(key): str(level) for key, level in json.loads(levels_text or "{}").items()}
    return rules, levels


def rules_and_levels(session: Session) -> tuple[tuple[Rule, ...], dict[int, str]]:
    """The active rules, and each person's level, as a payment reads them (the levels'
    dict is shared: never change it)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    rules_text, levels_text = direct.run(session, _RULES_AND_LEVELS[postgres]).rows[0]
    texts = (rules_text or "", levels_text or "")
    found = _BY_TEXT.get(texts)
    if found is None:
        if len(_BY_TEXT) >= _BY_TEXT_MAX:
            _BY_TEXT.clear()
        found = _BY_TEXT[texts] = _worked_out(*texts)
    return found


def fix_for_sale(
    session: Session,
    sale: StoredSale,
    lines: Sequence[StoredLine],
    day: date,
    shares: Sequence[LineShare],
) -> int:
    """Write each person's basis and commission for the paid ``lines``; the total paid.
    A line's commission basis is what was paid for it plus ``BASIS_EXTRAS`` (a package
    use's value); the sales credited to each person stay what was paid. ``shares`` are
    the lines' staff rows (``sales.line_shares``)."""
    assert sale.id is not None
    rules, levels = rules_and_levels(session)
    now = session_now(session)
    total = 0
    month_basis: dict[int, int] = {}  # each person's basis this month before this sale
    added_basis: dict[int, int] = {}  # and what this sale's lines added so far
    entries: list[dict[str, Any]] = []
    credited: list[dict[str, int]] = []
    by_line: dict[int, list[LineShare]] = {}
    for found in shares:
        by_line.setdefault(found.line_id, []).append(found)
    extras: dict[int, int] = {}
    if by_line:
        for extra in BASIS_EXTRAS:
            for line_id, cents in extra(session, sale, lines).items():
                extras[line_id] = extras.get(line_id, 0) + cents
    for line in lines:
        line_shares = by_line.get(line.id or 0, [])
        if not line_shares:
            continue
        credits = allocate(line.net_cents, [share.share_bp for share in line_shares])
        extra_cents = extras.get(line.id or 0, 0)
        bases = (
            allocate(line.net_cents + extra_cents, [share.share_bp for share in line_shares])
            if extra_cents
            else credits
        )
        for share, credit, basis in zip(line_shares, credits, bases, strict=True):
            credited.append({"share_id": share.id, "basis": credit})
            rule = choose_rule(
                rules, levels.get(share.staff_id, ""), line.kind, line.category, share.requested
            )
            if rule is None:
                continue
            # Only a tiered rule's rate depends on the month so far: read it then.
            if rule.tiers and share.staff_id not in month_basis:
                month_basis[share.staff_id] = _month_basis(session, share.staff_id, day)
            before = month_basis.get(share.staff_id, 0) + added_basis.get(share.staff_id, 0)
            earned = line_commission(rule, basis, line.qty, before)
            amount = earned.amount_cents
            if rule.method is CommissionMethod.FIXED:
                amount = percent_of(amount, share.share_bp)
            added_basis[share.staff_id] = added_basis.get(share.staff_id, 0) + basis
            assert line.id is not None
            entries.append(
                {
                    "staff_id": share.staff_id,
                    "sale_id": sale.id,
                    "sale_line_id": line.id,
                    "refund_id": None,
                    "rule_id": rule.id,
                    "kind": "line",
                    "business_day": day,
                    "basis_cents": basis,
                    "rate_bp": earned.rate_bp,
                    "amount_cents": amount,
                    "explanation": rule.name,
                    "created_at": now,
                }
            )
            total += amount
            if earned.top_up_cents:
                entries.append(
                    {
                        "staff_id": share.staff_id,
                        "sale_id": sale.id,
                        "sale_line_id": line.id,
                        "refund_id": None,
                        "rule_id": rule.id,
                        "kind": "tier_top_up",
                        "business_day": day,
                        "basis_cents": 0,
                        "rate_bp": earned.top_up_rate_bp,
                        "amount_cents": earned.top_up_cents,
                        "explanation": _("Tier reached: {rule}").format(rule=rule.name),
                        "created_at": now,
                    }
                )
                total += earned.top_up_cents
    if credited:
        direct.run_many(session, _SET_BASIS, credited)
    insert_dicts(session, CommissionEntry, entries)
    return total


def reverse_for_refund(
    session: Session,
    refund_id: int,
    line: SaleLine,
    refund_qty: int,
    refunded_qty_before: int,
    day: date,
) -> int:
    """Negative entries taking back the refunded part of a line's commission and basis."""
    assert line.id is not None
    earned = session.exec(
        select(CommissionEntry).where(
            col(CommissionEntry.sale_line_id) == line.id, col(CommissionEntry.kind) == "line"
        )
    ).all()
    return post_reversals(
        session,
        earned,
        (refund_qty, line.qty, refunded_qty_before),
        day,
        sale_line_id=line.id,
        refund_id=refund_id,
    )


def post_reversals(
    session: Session,
    earned: Sequence[CommissionEntry],
    part: tuple[int, int, int],
    day: date,
    **links: Any,
) -> int:
    """Negative entries taking back ``part`` (given, of whole, given before: as
    ``pro_rata``) of each earned entry's commission and basis, carrying the entry's sale
    and ``links`` (the refund, the line, or the desk card); the (negative) total."""
    now = utc_now()
    total = 0
    for entry in earned:
        amount = pro_rata(entry.amount_cents, *part)
        basis = pro_rata(entry.basis_cents, *part)
        if not (amount or basis):
            continue
        session.add(
            CommissionEntry(
                staff_id=entry.staff_id,
                sale_id=entry.sale_id,
                rule_id=entry.rule_id,
                kind="reversal",
                business_day=day,
                basis_cents=-basis,
                rate_bp=entry.rate_bp,
                amount_cents=-amount,
                explanation=_("Refund"),
                created_at=now,
                **links,
            )
        )
        total -= amount
    session.flush()
    return total


# --- statements ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    business_day: date
    sale_number: str
    description: str
    kind: str
    basis_cents: int
    rate_bp: int
    amount_cents: int
    explanation: str


@dataclass(frozen=True)
class Statement:
    staff_id: int
    staff_name: str
    start: date
    end: date
    lines: tuple[StatementLine, ...]

    @property
    def basis_cents(self) -> int:
        return sum(line.basis_cents for line in self.lines)

    @property
    def amount_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


def may_see_statement(actor: Actor, staff_id: int) -> bool:
    return actor.can("commission.view_all") or (
        actor.staff_id == staff_id and actor.can("commission.view_own")
    )


def statement(uow: UnitOfWork, actor: Actor, staff_id: int, start: date, end: date) -> Statement:
    """One person's commission entries from ``start`` to ``end`` (shop business days),
    those of the cards they sold at the Cards desk included."""
    from salon_tui.services.card_commission import card_description

    if not may_see_statement(actor, staff_id):
        raise PermissionDenied(_("You may only see your own commission statement."))
    with uow.read() as session:
        person = session.get(Staff, staff_id)
        if person is None:
            raise NotFound(_("There is no staff member #{id}.").format(id=staff_id))
        rows = session.exec(
            select(CommissionEntry, Sale.number, SaleLine.description)
            .outerjoin(Sale, col(Sale.id) == col(CommissionEntry.sale_id))
            .outerjoin(SaleLine, col(SaleLine.id) == col(CommissionEntry.sale_line_id))
            .where(
                col(CommissionEntry.staff_id) == staff_id,
                col(CommissionEntry.business_day) >= start,
                col(CommissionEntry.business_day) <= end,
            )
            .order_by(col(CommissionEntry.business_day), col(CommissionEntry.id))
        ).all()
        return Statement(
            staff_id=staff_id,
            staff_name=person.name,
            start=start,
            end=end,
            lines=tuple(
                StatementLine(
                    entry.business_day,
                    number or "",
                    description
                    if entry.sale_line_id is not None
                    else card_description(entry.card_kind),
                    entry.kind,
                    entry.basis_cents,
                    entry.rate_bp,
                    entry.amount_cents,
                    entry.explanation,
                )
                for entry, number, description in rows
            ),
        )


def month_bounds(day: date) -> tuple[date, date]:
    first = month_start(day)
    next_first = (first + timedelta(days=32)).replace(day=1)
    return first, next_first - timedelta(days=1)
