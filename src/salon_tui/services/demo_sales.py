"""The demo shop's sales history: every day of the demo's months, believable and exact.

Each past day has a cash drawer opened with a float and closed with a count, and 20–50
sales (more at weekends and before Spring Festival): haircuts, colour, perms, nails and
lashes by the demo stylists, some products, members and walk-ins, WeChat Pay, Alipay,
cash and bank card, a few tips and refunds. Prices go through the same pricing and
commission rules as a real sale, and every row is bulk-inserted with SQLAlchemy Core,
so `salon demo --months 24` stays quick. Today has an open drawer and the morning's sales.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text
from sqlmodel import col

from salon_tui.data.models import (
    CommissionEntry,
    DrawerMovement,
    DrawerSession,
    Member,
    NumberSequence,
    Payment,
    Product,
    Refund,
    RefundLine,
    Sale,
    SaleAdjustment,
    SaleLine,
    SaleLineStaff,
    SaleTip,
    Service,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.commission import Rule, choose_rule, line_commission
from salon_tui.domain.money import Rounding, RoundingMode, allocate
from salon_tui.domain.pricing import AdjustmentSource, LineDiscount, LineToPrice, price_cart
from salon_tui.domain.tenders import format_sale_number
from salon_tui.services import audit, commission
from salon_tui.services.stores import terminal_store

# What the history sold: services and retail products of the demo menu (demo_catalog),
# by code, at their menu prices. (code, name, category, price in fen, who can do it)
SERVICES = (
    ("C01", "洗剪吹 Wash, cut & blow-dry", "剪发", 12_800, ("tony", "kevin")),
    ("C02", "精剪 Precision cut", "剪发", 9_800, ("tony",)),
    ("W01", "洗吹造型 Wash & blow-dry", "洗护", 5_800, ("tony", "kevin")),
    ("D02", "染发（长发） Colour, long hair", "烫染", 58_800, ("tony", "kevin")),
    ("D03", "挑染 Highlights", "烫染", 48_800, ("tony",)),
    ("P02", "数码热烫 Digital perm", "烫染", 68_800, ("tony", "kevin")),
    ("T01", "头皮护理 Scalp treatment", "护理", 26_800, ("kevin",)),
    ("N02", "光疗甲 Gel manicure", "美甲", 19_800, ("amy",)),
    ("L01", "单根嫁接睫毛 Classic lash extensions", "美睫", 29_800, ("amy",)),
)
PRODUCTS = (
    ("KR04", "卡诗双重菁纯护发油 Kérastase Elixir Ultime oil", "护理", 45_800),
    ("LP01", "欧莱雅丝漾洗发水 L'Oréal Pro Vitamino shampoo", "洗护", 16_800),
    ("SW04", "施华蔻发蜡 Schwarzkopf Osis+ wax", "造型", 12_800),
    ("NL07", "指缘营养油 Cuticle oil", "美甲", 4_800),
)
# Services that take long enough for a second pair of hands (a 70/30 split).
SHARED_CATEGORY = "烫染"
TENDER_WEIGHTS = (("wechat", 46), ("alipay", 20), ("cash", 19), ("bank_card", 15))
CHUNK = 5_000


@dataclass
class _Rows:
    sales: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    shares: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)
    tips: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    commissions: list[dict[str, Any]] = field(default_factory=list)
    drawers: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    refund_seq: dict[date, int] = field(default_factory=dict)
    refund_lines: list[dict[str, Any]] = field(default_factory=list)
    sequences: list[dict[str, Any]] = field(default_factory=list)


class _Ids:
    def __init__(self, start: dict[str, int]) -> None:
        self.next = dict(start)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _max_id(session: Any, column: Any) -> int:
    found = session.execute(select(col(column)).order_by(col(column).desc()).limit(1)).scalar()
    return int(found or 0)


def seed_sales(uow: UnitOfWork, context: Any) -> dict[str, int]:
    """Sales history for ``context.options.months`` months up to today."""
    rng = context.rng
    owner = context.owner
    staff = context.staff_ids
    commission.add_rule(
        uow,
        owner,
        name="发型服务 Hair services 12%",
        method="percent",
        rate_bp=1_200,
        line_kind="service",
    )
    commission.add_rule(
        uow,
        owner,
        name="总监指定 Director, requested 20% (月阶梯)",
        method="percent",
        rate_bp=2_000,
        line_kind="service",
        staff_level="总监",
        requested=True,
        tiers=[(3_000_000, 2_500)],
        tier_mode="whole",
    )
    commission.add_rule(
        uow,
        owner,
        name="美甲美睫 Nails & lashes 15%",
        method="percent",
        rate_bp=1_500,
        line_kind="service",
        staff_level="美甲美睫师",
    )
    commission.add_rule(
        uow,
        owner,
        name="零售 Retail ¥5 each",
        method="fixed",
        fixed_cents=500,
        line_kind="product",
    )
    for key, level in (("tony", "总监"), ("kevin", "发型师"), ("amy", "美甲美睫师")):
        commission.set_staff_level(uow, owner, staff[key], level)
    with uow.read() as session:
        rules = [commission.domain_rule(row) for row in session.exec(select_rules())]
        joined_rows = session.execute(
            select(col(Member.id), col(Member.name), col(Member.created_at))
            .where(col(Member.status) == "active")
            .order_by(col(Member.created_at), col(Member.id))
        ).all()
        member_names = {int(row[0]): str(row[1]) for row in joined_rows}
        # Members in the order they joined: a sale picks among those who had joined by then.
        member_ids = [int(row[0]) for row in joined_rows]
        joined_at = [row[2] if row[2].tzinfo else row[2].replace(tzinfo=UTC) for row in joined_rows]
        # The menu's ids, when the catalogue is seeded (a demo without it sells by code).
        item_ids: dict[tuple[str, str], int] = {
            ("service", str(code)): int(item_id)
            for code, item_id in session.execute(select(col(Service.code), col(Service.id)))
        }
        item_ids.update(
            (("product", str(sku)), int(item_id))
            for sku, item_id in session.execute(select(col(Product.sku), col(Product.id)))
        )
        ids = _Ids(
            {
                "sale": _max_id(session, Sale.id) + 1,
                "line": _max_id(session, SaleLine.id) + 1,
                "drawer": _max_id(session, DrawerSession.id) + 1,
                "refund": _max_id(session, Refund.id) + 1,
            }
        )
    levels = {staff["tony"]: "总监", staff["kevin"]: "发型师", staff["amy"]: "美甲美睫师"}
    desk = staff["desk"]
    zone = ZoneInfo("Asia/Shanghai")
    rounding = Rounding(10, RoundingMode.DOWN)
    rows = _Rows()
    month_basis: dict[tuple[int, date], int] = {}
    first_day = context.today - timedelta(days=max(context.options.months, 0) * 30)
    day = first_day
    sales_made = 0
    while day <= context.today:
        is_today = day == context.today
        weekend = day.weekday() >= 5
        how_many = rng.randint(20, 36) + (rng.randint(8, 16) if weekend else 0)
        if day.month == 1 and day.day >= 15:
            how_many += 10  # hair before Spring Festival
        opens = datetime.combine(day, time(9, 30), tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, time(21, 40), tzinfo=zone).astimezone(UTC)
        now_utc = datetime.now(UTC)
        if is_today and now_utc < opens + timedelta(minutes=30):
            break  # the shop has not opened yet today
        if is_today:
            how_many = max(0, min(how_many, int((now_utc - opens).total_seconds() // 1500)))
        drawer_id = ids.take("drawer")
        float_cents = 50_000
        cash_total = float_cents
        rows.movements.append(_movement(drawer_id, "float", float_cents, desk, opens))
        moments = sorted(
            opens + timedelta(seconds=rng.randint(600, 12 * 3600 - 600)) for _ in range(how_many)
        )
        if is_today:
            moments = [min(moment, now_utc - timedelta(minutes=5)) for moment in moments]
        seq = 0
        for moment in moments:
            seq += 1
            sale_id = ids.take("sale")
            number = format_sale_number(day.strftime("%Y%m%d"), seq)
            joined_by_then = bisect_right(joined_at, moment)
            member_id = (
                member_ids[rng.randrange(joined_by_then)]
                if joined_by_then and rng.random() < 0.68
                else None
            )
            commission_start = len(rows.commissions)
            to_price: list[LineToPrice] = []
            line_rows: list[dict[str, Any]] = []
            line_staff: dict[int, list[tuple[int, int, bool]]] = {}
            for position in range(1, rng.choice((1, 1, 1, 2, 2, 3)) + 1):
                line_id = ids.take("line")
                if position == 1 or rng.random() < 0.55:
                    code, name, category, price, who = rng.choice(SERVICES)
                    person = staff[rng.choice(who)]
                    requested = rng.random() < 0.45
                    people = [(person, 10_000, requested)]
                    if category == SHARED_CATEGORY and rng.random() < 0.3:
                        helper = staff["kevin"] if person != staff["kevin"] else staff["tony"]
                        people = [(person, 7_000, requested), (helper, 3_000, False)]
                    line_staff[line_id] = people
                    kind, qty = "service", 1
                else:
                    code, name, category, price = rng.choice(PRODUCTS)
                    kind, qty = "product", rng.choice((1, 1, 2))
                discounts: tuple[LineDiscount, ...] = ()
                if member_id is not None and rng.random() < 0.5:
                    discounts = (
                        LineDiscount(
                            AdjustmentSource.LEVEL,
                            percent_bp=rng.choice((500, 1_000, 1_200)),
                            explanation="会员折扣 Member discount",
                        ),
                    )
                elif rng.random() < 0.03:
                    discounts = (
                        LineDiscount(
                            AdjustmentSource.MANUAL, percent_bp=1_000, reason="老客 regular"
                        ),
                    )
                to_price.append(LineToPrice(line_id, qty, price, price, discounts))
                line_rows.append(
                    {
                        "id": line_id,
                        "sale_id": sale_id,
                        "position": position,
                        "kind": kind,
                        "item_id": item_ids.get((kind, code)),
                        "item_code": code,
                        "description": name,
                        "category": category,
                        "qty": qty,
                        "list_unit_cents": price,
                        "unit_cents": price,
                        "override_reason": "",
                        "override_approved_by": None,
                        "manual_discount_cents": 0,
                        "manual_discount_bp": 1_000
                        if discounts and discounts[0].source is AdjustmentSource.MANUAL
                        else 0,
                        "manual_discount_reason": "老客 regular"
                        if discounts and discounts[0].source is AdjustmentSource.MANUAL
                        else "",
                        "manual_discount_approved_by": None,
                        "note": "",
                    }
                )
            priced = price_cart(to_price, rounding)
            tip = 0
            if line_staff and rng.random() < 0.04:
                tip = rng.choice((2_000, 5_000))
                first_person = next(iter(line_staff.values()))[0][0]
                rows.tips.append(
                    {"sale_id": sale_id, "staff_id": first_person, "amount_cents": tip}
                )
            total = priced.goods_total_cents + tip
            for line_row in line_rows:
                priced_line = priced.line(line_row["id"])
                line_row.update(
                    gross_cents=priced_line.gross_cents,
                    discount_cents=priced_line.discount_cents,
                    net_cents=priced_line.net_cents,
                )
                for adjustment in priced_line.adjustments:
                    rows.adjustments.append(
                        {
                            "line_id": line_row["id"],
                            "source": adjustment.source.value,
                            "amount_cents": adjustment.amount_cents,
                            "explanation": adjustment.explanation,
                            "reason": adjustment.reason,
                            "approved_by": None,
                        }
                    )
                people = line_staff.get(line_row["id"], [])
                if people:
                    bases = allocate(priced_line.net_cents, [share for _p, share, _r in people])
                    for (person, share, requested), basis in zip(people, bases, strict=True):
                        rows.shares.append(
                            {
                                "line_id": line_row["id"],
                                "staff_id": person,
                                "share_bp": share,
                                "requested": requested,
                                "basis_cents": basis,
                            }
                        )
                        _commission(
                            rows,
                            rules,
                            levels,
                            month_basis,
                            person,
                            line_row,
                            basis,
                            share,
                            requested,
                            sale_id,
                            day,
                            moment,
                        )
            rows.lines.extend(line_rows)
            tender = rng.choices([t for t, _w in TENDER_WEIGHTS], [w for _t, w in TENDER_WEIGHTS])[
                0
            ]
            tendered = total
            if tender == "cash":
                tendered = -(-total // 10_000) * 10_000 if rng.random() < 0.6 else total
                cash_total += total
                rows.movements.append(
                    _movement(drawer_id, "sale", total, desk, moment, sale_id=sale_id)
                )
            rows.payments.append(
                {
                    "sale_id": sale_id,
                    "refund_id": None,
                    "business_day": day,
                    "tender": tender,
                    "amount_cents": total,
                    "tendered_cents": tendered,
                    "change_cents": tendered - total,
                    "reference": f"4200{rng.randint(10**11, 10**12 - 1)}"
                    if tender in {"wechat", "alipay"}
                    else "",
                    "drawer_session_id": drawer_id if tender == "cash" else None,
                    "paid_at": moment,
                }
            )
            status = "paid"
            if not is_today and tender != "cash" and rng.random() < 0.004:
                status = "refunded"
                _refund(
                    rows,
                    ids,
                    sale_id,
                    day,
                    moment,
                    line_rows,
                    tip,
                    tender,
                    total,
                    desk,
                    rows.commissions[commission_start:],
                )
            rows.sales.append(
                {
                    "id": sale_id,
                    "idempotency_key": f"demo-{sale_id}",
                    "status": status,
                    "number": number,
                    "business_day": day,
                    "day_seq": seq,
                    "member_id": member_id,
                    "member_label": "" if member_id is None else member_names[member_id],
                    "park_label": "",
                    "note": "",
                    "sale_discount_cents": 0,
                    "sale_discount_bp": 0,
                    "sale_discount_reason": "",
                    "sale_discount_approved_by": None,
                    "subtotal_cents": priced.subtotal_cents,
                    "discount_cents": priced.discount_cents,
                    "rounding_cents": priced.rounding_cents,
                    "tips_cents": tip,
                    "total_cents": total,
                    "opened_by": desk,
                    "opened_at": moment,
                    "paid_by": desk,
                    "paid_at": moment,
                    "closed_at": moment,
                    "void_reason": "",
                }
            )
            sales_made += 1
        rows.sequences.append({"series": "sale", "business_day": day, "last_value": seq})
        if not is_today:
            expense = 0
            if rng.random() < 0.25:
                expense = rng.choice((1_500, 3_800, 6_000))
                rows.movements.append(
                    _movement(
                        drawer_id,
                        "expense",
                        -expense,
                        desk,
                        closes - timedelta(hours=3),
                        category=rng.choice(("food", "supplies", "cleaning")),
                        note="奶茶 / 毛巾 / 清洁用品",
                    )
                )
            expected = cash_total - expense
            counted = expected - (rng.choice((0, 0, 0, 0, 100, 50)) if rng.random() < 0.2 else 0)
            rows.drawers.append(
                {
                    "id": drawer_id,
                    "status": "closed",
                    "business_day": day,
                    "float_cents": float_cents,
                    "opened_by": desk,
                    "opened_at": opens,
                    "closed_by": desk,
                    "closed_at": closes,
                    "expected_cents": expected,
                    "counted_cents": counted,
                    "counts_json": json.dumps({"10000": counted // 10_000}),
                    "close_note": "" if counted == expected else "找零差额 change short",
                }
            )
        else:
            rows.drawers.append(
                {
                    "id": drawer_id,
                    "status": "open",
                    "business_day": day,
                    "float_cents": float_cents,
                    "opened_by": desk,
                    "opened_at": opens,
                    "closed_by": None,
                    "closed_at": None,
                    "expected_cents": None,
                    "counted_cents": None,
                    "counts_json": "{}",
                    "close_note": "",
                }
            )
        day += timedelta(days=1)
    _write(uow, rows)
    with uow.transaction() as session:
        audit.record(
            session,
            context.owner,
            "demo.sales",
            "sale",
            "demo",
            after={"sales": sales_made, "from": first_day.isoformat()},
        )
    return {"sales": sales_made, "refunds": len(rows.refunds)}


def select_rules() -> Any:
    from sqlmodel import col
    from sqlmodel import select as sm_select

    from salon_tui.data.models import CommissionRule

    return sm_select(CommissionRule).where(col(CommissionRule.active).is_(True))


def _movement(
    drawer_id: int, kind: str, amount: int, staff_id: int, at: datetime, **extra: Any
) -> dict[str, Any]:
    return {
        "session_id": drawer_id,
        "kind": kind,
        "amount_cents": amount,
        "category": extra.get("category", ""),
        "note": extra.get("note", ""),
        "sale_id": extra.get("sale_id"),
        "refund_id": extra.get("refund_id"),
        "staff_id": staff_id,
        "at": at,
    }


def _commission(
    rows: _Rows,
    rules: list[Rule],
    levels: dict[int, str],
    month_basis: dict[tuple[int, date], int],
    person: int,
    line_row: dict[str, Any],
    basis: int,
    share: int,
    requested: bool,
    sale_id: int,
    day: date,
    moment: datetime,
) -> None:
    rule = choose_rule(
        rules, levels.get(person, ""), line_row["kind"], line_row["category"], requested
    )
    if rule is None:
        return
    month = day.replace(day=1)
    before = month_basis.get((person, month), 0)
    earned = line_commission(rule, basis, line_row["qty"], before)
    amount = earned.amount_cents
    if rule.method.value == "fixed":
        amount = amount * share // 10_000
    month_basis[(person, month)] = before + basis
    base = {
        "staff_id": person,
        "sale_id": sale_id,
        "sale_line_id": line_row["id"],
        "refund_id": None,
        "rule_id": rule.id,
        "business_day": day,
        "created_at": moment,
    }
    rows.commissions.append(
        {
            **base,
            "kind": "line",
            "basis_cents": basis,
            "rate_bp": earned.rate_bp,
            "amount_cents": amount,
            "explanation": rule.name,
        }
    )
    if earned.top_up_cents:
        rows.commissions.append(
            {
                **base,
                "kind": "tier_top_up",
                "basis_cents": 0,
                "rate_bp": earned.top_up_rate_bp,
                "amount_cents": earned.top_up_cents,
                "explanation": f"阶梯 Tier: {rule.name}",
            }
        )


def _refund(
    rows: _Rows,
    ids: _Ids,
    sale_id: int,
    day: date,
    moment: datetime,
    line_rows: list[dict[str, Any]],
    tip: int,
    tender: str,
    total: int,
    desk: int,
    earned: list[dict[str, Any]],
) -> None:
    """The client came back the next day: the whole sale goes back the way it was paid."""
    refund_id = ids.take("refund")
    when = moment + timedelta(days=1)
    refund_day = day + timedelta(days=1)
    sequence = rows.refund_seq.get(refund_day, 0) + 1
    rows.refund_seq[refund_day] = sequence
    lines_total = sum(line["net_cents"] for line in line_rows)
    rows.refunds.append(
        {
            "id": refund_id,
            "idempotency_key": f"demo-refund-{refund_id}",
            "number": "R" + format_sale_number(refund_day.strftime("%Y%m%d"), sequence),
            "business_day": refund_day,
            "day_seq": sequence,
            "sale_id": sale_id,
            "amount_cents": lines_total,
            "tips_cents": tip,
            "reason": "顾客不满意 client unhappy",
            "refunded_by": desk,
            "refunded_at": when,
        }
    )
    for line in line_rows:
        rows.refund_lines.append(
            {
                "refund_id": refund_id,
                "sale_line_id": line["id"],
                "qty": line["qty"],
                "amount_cents": line["net_cents"],
            }
        )
    for entry in [c for c in earned if c["kind"] == "line"]:
        rows.commissions.append(
            {
                **entry,
                "refund_id": refund_id,
                "kind": "reversal",
                "business_day": refund_day,
                "basis_cents": -entry["basis_cents"],
                "amount_cents": -entry["amount_cents"],
                "explanation": "退款 Refund",
                "created_at": when,
            }
        )
    rows.payments.append(
        {
            "sale_id": sale_id,
            "refund_id": refund_id,
            "business_day": refund_day,
            "tender": tender,
            "amount_cents": -total,
            "tendered_cents": 0,
            "change_cents": 0,
            "reference": "",
            "drawer_session_id": None,
            "paid_at": when,
        }
    )


def _write(uow: UnitOfWork, rows: _Rows) -> None:
    plan = (
        (DrawerSession, rows.drawers),
        (Sale, rows.sales),
        (SaleLine, rows.lines),
        (SaleLineStaff, rows.shares),
        (SaleAdjustment, rows.adjustments),
        (SaleTip, rows.tips),
        (Refund, rows.refunds),
        (RefundLine, rows.refund_lines),
        (Payment, rows.payments),
        (DrawerMovement, rows.movements),
        (CommissionEntry, rows.commissions),
        (NumberSequence, rows.sequences),
    )
    rows.sequences += [
        {"series": "refund", "business_day": day, "last_value": last}
        for day, last in sorted(rows.refund_seq.items())
    ]
    with uow.transaction() as session:
        # The demo shop has one store: everything happened there.
        store = terminal_store(session)
        for values in (rows.drawers, rows.sales, rows.refunds, rows.payments):
            for row in values:
                row["store_id"] = store.id
        for row in rows.sequences:
            row["series"] = store.series(row["series"])
        for model, values in plan:
            table: Any = getattr(model, "__table__")  # noqa: B009
            for start in range(0, len(values), CHUNK):
                session.execute(insert(table), values[start : start + CHUNK])
        if uow.engine.dialect.name == "postgresql":
            # Ids were given explicitly: move each sequence past them, so the sales made
            # after the demo (at the desk, or by later seeders) get fresh ids.
            for model, values in plan:
                if values and "id" in values[0]:
                    name = getattr(model, "__tablename__")  # noqa: B009
                    session.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), :top)"),
                        {"top": max(int(row["id"]) for row in values)},
                    )
