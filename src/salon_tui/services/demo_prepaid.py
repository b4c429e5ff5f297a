"""Demo prepaid history: promotions, package templates, and members who topped up, paid
sales from their balance, bought packages and used them.

Runs after the sales seeder. About one member in eight holds stored value: top-ups by
WeChat, Alipay or bank card earn the promotion of their tier, and some of the member's
own non-cash sales become stored value payments when the balance covered them (the
payment's tender changes, a spend entry points at the sale). Rows go in with SQLAlchemy
Core in batches, so the 100,000-member demo stays fast; every cache equals its ledger.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from salon_tui.data.models import (
    Member,
    MemberLevel,
    MemberLevelChange,
    MemberPackage,
    MemberPackageItem,
    PackageUse,
    Payment,
    Sale,
    Service,
    StoredValueAccount,
    StoredValueEntry,
    TopUpPromotion,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.prepaid import SpendOrder, package_expiry, split_spend
from salon_tui.services import audit, packages, top_up_promotions
from salon_tui.services.stored_value import SOLD_AT_A_STORE
from salon_tui.services.stores import terminal_store

# name, minimum (yuan), bonus (yuan), points, coupon, level
PROMOTIONS = (
    ("充500送50", 500, 50, 0, "", ""),
    ("充1000送200", 1000, 200, 100, "CUT50", ""),
    ("充2000送500 升金卡", 2000, 500, 300, "", "金卡会员"),
)
# name, price (yuan), days, (service code, uses)…, refundable
TEMPLATES = (
    ("洗吹10次卡", 480, 180, (("W01", 10),), True),
    ("头皮护理疗程 5+5", 1980, 120, (("T01", 5), ("W01", 5)), True),
    ("精剪6次卡", 498, 365, (("C02", 6),), True),
    ("美睫补种3次卡", 399, 90, (("L03", 3),), False),
)
TOP_UP_AMOUNTS = (30_000, 50_000, 50_000, 100_000, 100_000, 100_000, 200_000, 300_000)
METHODS = ("wechat", "wechat", "alipay", "bank_card")
BATCH = 5_000


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(int((end - start).total_seconds()), 1)
    return start + timedelta(seconds=rng.randint(0, span))


def _open_hours(moment: datetime, zone: ZoneInfo) -> datetime:
    """The same day at a believable desk time (10:00–20:59 in the shop)."""
    local = moment.astimezone(zone)
    hour = 10 + (local.minute + local.second) % 11
    return datetime.combine(local.date(), time(hour, local.minute), tzinfo=zone).astimezone(UTC)


def _top_up_row(
    account_id: int,
    member_id: int | None,
    amount: int,
    bonus: int,
    rng: random.Random,
    promotion_ids: dict[int, int],
    tiers: list[tuple[int, int]],
    day: date,
    staff_id: int,
    moment: datetime,
) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "member_id": member_id,
        "kind": "top_up",
        "principal_cents": amount,
        "bonus_cents": bonus,
        "method": rng.choice(METHODS),
        "reference": f"4200{rng.randint(10**11, 10**12 - 1)}",
        "note": "",
        "promotion_id": promotion_ids.get(next((m for m, _b in tiers if amount >= m), -1)),
        "sale_id": None,
        "refund_id": None,
        "reverses_id": None,
        "business_day": day,
        "staff_id": staff_id,
        "created_at": moment,
    }


def seed_prepaid(uow: UnitOfWork, context: Any) -> dict[str, int]:
    rng = random.Random(context.options.seed * 13 + 5)
    owner = context.owner
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime.now(UTC)
    desk = [context.staff_ids[k] for k in ("lily", "mia") if k in context.staff_ids] or [
        owner.staff_id
    ]
    for name, minimum, bonus, points, coupon, level in PROMOTIONS:
        top_up_promotions.add_promotion(
            uow,
            owner,
            name,
            minimum * 100,
            bonus_cents=bonus * 100,
            points=points,
            coupon_template=coupon,
            upgrade_level=level,
        )
    template_ids = {}
    services = context.made.get("services", {})
    for name, price, days, items, refundable in TEMPLATES:
        if all(code in services for code, _uses in items):
            made = packages.add_template(
                uow, owner, name, price * 100, days, list(items), refundable=refundable
            )
            template_ids[name] = made
    counts = {
        "stored value holders": 0,
        "top-ups": 0,
        "levels raised by top-ups": 0,
        "paid from stored value": 0,
        "packages sold": 0,
        "package uses": 0,
    }
    tiers = sorted(((m * 100, b * 100) for _n, m, b, *_rest in PROMOTIONS), reverse=True)

    def bonus_for(amount: int) -> int:
        return next((bonus for minimum, bonus in tiers if amount >= minimum), 0)

    with uow.transaction() as session:
        promotion_ids = {
            row.min_amount_cents: row.id or 0 for row in session.exec(select(TopUpPromotion))
        }
        members = session.exec(
            select(Member.id, Member.created_at).where(col(Member.status) == "active")
        ).all()
        # Members' own paid sales with one non-cash payment: candidates to pay by balance.
        sales: dict[int, list[tuple[datetime, int, int, int]]] = defaultdict(list)
        for sale_id, member_id, paid_at, total, payment_id, tender in session.execute(
            sa_select(
                col(Sale.id),
                col(Sale.member_id),
                col(Sale.paid_at),
                col(Sale.total_cents),
                col(Payment.id),
                col(Payment.tender),
            )
            .join(Payment, col(Payment.sale_id) == col(Sale.id))
            .where(
                col(Sale.status) == "paid",
                col(Sale.member_id).is_not(None),
                col(Payment.refund_id).is_(None),
            )
        ):
            if tender != "cash" and paid_at is not None and total > 0:
                sales[member_id].append((paid_at, sale_id, total, payment_id))
        # Regulars prepay: half of those with three visits or more, a few of the others.
        holders = [
            (mid, joined)
            for mid, joined in members
            if rng.random() < (0.5 if len(sales.get(mid or 0, ())) >= 3 else 0.04)
        ]
        account_rows: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        converted: list[dict[str, Any]] = []
        account_id = 0
        for index, (member_id, joined) in enumerate(holders):
            account_id += 1
            visits = sorted(sales.get(member_id or 0, []))
            joined_at = max(joined, now - timedelta(days=30 * context.options.months))
            if visits:
                start_visit = visits[rng.randrange(0, (len(visits) + 1) // 2)][0]
                first = start_visit - timedelta(minutes=rng.randint(5, 30))
            else:
                first = _open_hours(_moment(rng, joined_at, now - timedelta(hours=2)), zone)
            events: list[tuple[datetime, str, Any]] = [(first, "top_up", None)]
            events += [
                (paid, "sale", (sid, total, pid))
                for paid, sid, total, pid in visits
                if paid > first
            ]
            if index < 3:  # a few top-ups this morning, for the desk to undo or see
                events.append((now - timedelta(minutes=20 * (index + 1)), "top_up", None))
            events.sort(key=lambda event: event[0])
            principal = bonus = 0
            for moment, kind, payload in events:
                if moment > now:
                    continue
                day = moment.astimezone(zone).date()
                if kind == "top_up":
                    amount = rng.choice(TOP_UP_AMOUNTS)
                    gift = bonus_for(amount)
                    principal += amount
                    bonus += gift
                    entries.append(
                        _top_up_row(
                            account_id,
                            member_id,
                            amount,
                            gift,
                            rng,
                            promotion_ids,
                            tiers,
                            day,
                            rng.choice(desk),
                            moment,
                        )
                    )
                    counts["top-ups"] += 1
                    continue
                sale_id, total, payment_id = payload
                if total > principal + bonus and rng.random() < 0.7:
                    # Short of the bill: the client tops up again at the desk first.
                    amount = max(a for a in TOP_UP_AMOUNTS if a <= max(total * 4, 30_000))
                    gift = bonus_for(amount)
                    principal += amount
                    bonus += gift
                    entries.append(
                        _top_up_row(
                            account_id,
                            member_id,
                            amount,
                            gift,
                            rng,
                            promotion_ids,
                            tiers,
                            day,
                            rng.choice(desk),
                            moment - timedelta(minutes=3),
                        )
                    )
                    counts["top-ups"] += 1
                if total > principal + bonus or rng.random() < 0.1:
                    continue
                split = split_spend(total, principal, bonus, SpendOrder.BONUS_FIRST)
                principal -= split.principal_cents
                bonus -= split.bonus_cents
                entries.append(
                    {
                        "account_id": account_id,
                        "member_id": member_id,
                        "kind": "spend",
                        "principal_cents": -split.principal_cents,
                        "bonus_cents": -split.bonus_cents,
                        "method": "",
                        "reference": "",
                        "note": "",
                        "promotion_id": None,
                        "sale_id": sale_id,
                        "refund_id": None,
                        "reverses_id": None,
                        "business_day": day,
                        "staff_id": rng.choice(desk),
                        "created_at": moment,
                    }
                )
                converted.append({"payment_id": payment_id})
                counts["paid from stored value"] += 1
            account_rows.append(
                {
                    "id": account_id,
                    "member_id": member_id,
                    "principal_cents": principal,
                    "bonus_cents": bonus,
                    "status": "open",
                    "opened_at": first,
                    "closed_at": None,
                }
            )
        for start in range(0, len(account_rows), BATCH):
            session.execute(insert(StoredValueAccount), account_rows[start : start + BATCH])
        counts["levels raised by top-ups"] = _raise_levels(session, entries)
        store_id = terminal_store(session).id  # the demo shop has one store
        for entry in entries:
            entry["store_id"] = store_id if entry["kind"] in SOLD_AT_A_STORE else None
        for start in range(0, len(entries), BATCH):
            session.execute(insert(StoredValueEntry), entries[start : start + BATCH])
        if converted:
            table = Payment.__table__  # type: ignore[attr-defined]
            session.execute(
                update(table)
                .where(table.c.id == bindparam("payment_id"))
                .values(tender="stored_value", reference=""),
                converted,
            )
        counts["stored value holders"] = len(account_rows)
        if uow.engine.dialect.name == "postgresql" and account_rows:
            from sqlalchemy import text

            session.execute(
                text("SELECT setval(pg_get_serial_sequence('stored_value_account', 'id'), :top)"),
                {"top": account_id},
            )
        counts.update(_seed_packages(session, rng, members, template_ids, desk, zone, now))
        audit.record(session, owner, "demo.prepaid", "member", "demo", after=counts)
    counts["package uses at checkout"] = _package_visits(uow, context)
    counts["cards sold at checkout"] = _card_sales(uow, context)
    return counts


def _card_sales(uow: UnitOfWork, context: Any) -> int:
    """Today's desk also sells the card economy at checkout: a member without stored value
    has a cut and tops up ¥1000 (充1000送200) with Kevin as the seller, split between
    WeChat Pay and Alipay; a walk-in buys a ¥500 gift card from him with a wash. Top-ups pay the
    seller 2 % and packages ¥20 by their own commission rules."""
    from salon_tui.services import commission

    owner = context.owner
    seller = context.staff_ids.get("kevin") or owner.staff_id
    commission.add_rule(uow, owner, name="充值提成 Top-ups sold 2%", method="percent",
                        rate_bp=200, line_kind="top_up")  # fmt: skip
    commission.add_rule(uow, owner, name="次卡提成 Packages sold ¥20", method="fixed",
                        fixed_cents=2_000, line_kind="package")  # fmt: skip
    with uow.read() as session:
        member_id = session.exec(
            select(Member.id)
            .outerjoin(StoredValueAccount, col(StoredValueAccount.member_id) == col(Member.id))
            .where(col(Member.status) == "active", col(StoredValueAccount.id).is_(None))
            .order_by(col(Member.id))
        ).first()
        menu = {
            row.code: row
            for row in session.exec(select(Service).where(col(Service.code).in_(["C02", "W01"])))
        }
    if member_id is None or set(menu) != {"C02", "W01"}:
        return 0
    from salon_tui import i18n

    shown = i18n.current_locale()
    i18n.install("zh_CN")  # the lines are named in the shop's language, as at its desk
    try:
        return _sell_cards(uow, context, owner, seller, member_id, menu)
    finally:
        i18n.install(shown)


def _sell_cards(
    uow: UnitOfWork, context: Any, owner: Any, seller: int | None, member_id: int, menu: Any
) -> int:
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import sale_cards, sales
    from salon_tui.services.sale_payment import pay_sale

    assert seller is not None

    def open_with(member: int | None, service: Any) -> int:
        cart = sales.open_sale(uow, owner, member_id=member)
        sales.add_line(uow, owner, cart.sale_id, kind="service", description=service.name,
                       unit_cents=service.price_cents, item_id=service.id,
                       item_code=service.code, staff=[sales.StaffShare(seller)])  # fmt: skip
        return cart.sale_id

    sale_id = open_with(member_id, menu["C02"])
    cart = sale_cards.add_top_up(uow, owner, sale_id, 100_000, seller_id=seller)
    pay_sale(uow, owner, sale_id,
             [PaymentIn("wechat", 100_000, reference="4200009900000001"),
              PaymentIn("alipay", cart.total_cents - 100_000, reference="2026113022001")],
             print_receipt=False)  # fmt: skip
    sale_id = open_with(None, menu["W01"])
    cart = sale_cards.add_gift_card(uow, owner, sale_id, 50_000, seller_id=seller)
    pay_sale(uow, owner, sale_id, [PaymentIn("bank_card", cart.total_cents, reference="0427")],
             print_receipt=False)  # fmt: skip
    return 2


def _raise_levels(session: Any, entries: list[dict[str, Any]]) -> int:
    """Apply the top-up level rules (``level_after_top_up``, as a real top-up does) to the
    demo's top-ups in time order: a 充2000送500升金卡 top-up makes the member 金卡 with a
    level history entry at that moment, linked from the top-up. The members seeder's
    made-up level changes are kept when they still move the member up, with the level
    they start from corrected; one a top-up already outranked is dropped. The number of
    upgrades."""
    from salon_tui.domain.money import format_money
    from salon_tui.i18n import load_translations, normalise_locale
    from salon_tui.services.settings import load_shop_settings
    from salon_tui.services.top_up_levels import level_after_top_up

    for row in entries:
        row.setdefault("level_change_id", None)
    top_ups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in entries:
        if row["kind"] == "top_up" and row["member_id"] is not None:
            top_ups[row["member_id"]].append(row)
    levels = {level.id: level for level in session.exec(select(MemberLevel)) if level.active}
    if not top_ups or not levels:
        return 0
    promised = {
        row.id: row.upgrade_level_id
        for row in session.exec(select(TopUpPromotion))
        if row.upgrade_level_id is not None
    }
    table = MemberLevelChange.__table__  # type: ignore[attr-defined]
    history: dict[int, list[Any]] = defaultdict(list)
    for change in session.execute(sa_select(table).order_by(table.c.at, table.c.id)):
        if change.member_id in top_ups:
            history[change.member_id].append(change)
    held = {
        member_id: level_id
        for member_id, level_id in session.execute(sa_select(col(Member.id), col(Member.level_id)))
        if member_id in top_ups
    }
    next_id = int(session.execute(sa_select(func.coalesce(func.max(table.c.id), 0))).scalar())
    shop = load_shop_settings(session)
    locale = normalise_locale(shop.locale)
    # The level history reads in the shop's language, like the members seeder's.
    reason = load_translations(locale).gettext("Top-up of {amount}")

    def rank(level_id: int | None) -> int:
        return levels[level_id].rank if level_id in levels else -1

    added: list[dict[str, Any]] = []
    dropped: list[int] = []
    restarted: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for member_id, rows in top_ups.items():
        changes = history.get(member_id, [])
        level = changes[0].from_level_id if changes else held.get(member_id)
        timeline = sorted(
            [(change.at, 0, change) for change in changes]
            + [(row["created_at"], 1, row) for row in rows],
            key=lambda event: (event[0], event[1]),
        )
        for at, kind, item in timeline:
            if kind == 0:
                if rank(item.to_level_id) <= rank(level):
                    dropped.append(item.id)
                    continue
                if item.from_level_id != level:
                    restarted.append({"change_id": item.id, "from_level": level})
                level = item.to_level_id
                continue
            target = level_after_top_up(
                levels, level, item["principal_cents"], promised.get(item["promotion_id"])
            )
            if target is None:
                continue
            next_id += 1
            amount = format_money(item["principal_cents"], shop.currency, locale)
            added.append(
                {
                    "id": next_id,
                    "member_id": member_id,
                    "from_level_id": level,
                    "to_level_id": target,
                    "reason": reason.format(amount=amount)[:200],
                    "staff_id": item["staff_id"],
                    "at": at,
                }
            )
            item["level_change_id"] = next_id
            level = target
        if level != held.get(member_id):
            moved.append({"member": member_id, "level": level})
    for start in range(0, len(added), BATCH):
        session.execute(insert(table), added[start : start + BATCH])
    if dropped:
        for start in range(0, len(dropped), BATCH):
            session.execute(delete(table).where(table.c.id.in_(dropped[start : start + BATCH])))
    if restarted:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("change_id"))
            .values(from_level_id=bindparam("from_level")),
            restarted,
        )
    if moved:
        members = Member.__table__  # type: ignore[attr-defined]
        session.execute(
            update(members)
            .where(members.c.id == bindparam("member"))
            .values(level_id=bindparam("level")),
            moved,
        )
    if added and session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        session.execute(
            text("SELECT setval(pg_get_serial_sequence('member_level_change', 'id'), :top)"),
            {"top": next_id},
        )
    return len(added)


def _package_visits(uow: UnitOfWork, context: Any) -> int:
    """Today's desk: three members with a wash package come in for a wash (and one also
    buys a cut), paid at checkout with the package use on the line."""
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import sales
    from salon_tui.services.members import shop_today
    from salon_tui.services.sale_payment import pay_sale

    services = context.made.get("services", {})
    stylist = context.staff_ids.get("kevin") or context.owner.staff_id
    if "W01" not in services:
        return 0
    with uow.read() as session:
        holders = session.exec(
            select(MemberPackage.member_id)
            .join(MemberPackageItem, col(MemberPackageItem.package_id) == col(MemberPackage.id))
            .where(
                col(MemberPackageItem.service_id) == services["W01"],
                col(MemberPackageItem.uses_left) > 1,
                col(MemberPackage.status) == "active",
                col(MemberPackage.expires_on) >= shop_today(session),
            )
            .order_by(col(MemberPackage.id))
            .limit(3)
        ).all()
        service_rows = {
            row.code: row
            for row in session.exec(select(Service).where(col(Service.code).in_(["W01", "C02"])))
        }
    wash = service_rows["W01"]
    visits = 0
    for index, member_id in enumerate(holders):
        cart = sales.open_sale(uow, context.owner, member_id=member_id)
        extra = [service_rows["C02"]] if index == 0 and "C02" in service_rows else []
        for service in (wash, *extra):
            cart = sales.add_line(
                uow,
                context.owner,
                cart.sale_id,
                kind="service",
                description=service.name,
                unit_cents=service.price_cents,
                item_id=service.id,
                item_code=service.code,
                staff=[sales.StaffShare(stylist)],
            )
        payments = (
            [PaymentIn("wechat", cart.total_cents, reference=f"42000{70000001 + index}")]
            if cart.total_cents
            else []
        )
        pay_sale(uow, context.owner, cart.sale_id, payments, print_receipt=False)
        visits += 1
    return visits


def _seed_packages(
    session: Any,
    rng: random.Random,
    members: Any,
    template_ids: dict[str, Any],
    desk: list[int],
    zone: ZoneInfo,
    now: datetime,
) -> dict[str, int]:
    """About one member in twenty-five bought a package within the last year, and used
    some of it (all of it, sometimes; some packages have expired since)."""
    from salon_tui.data.models import PackageTemplate, PackageTemplateItem, Service

    if not template_ids:
        return {}
    templates = []
    for view in template_ids.values():
        row = session.get(PackageTemplate, view.id)
        items = session.exec(
            select(PackageTemplateItem, Service.name)
            .join(Service, col(Service.id) == col(PackageTemplateItem.service_id))
            .where(col(PackageTemplateItem.template_id) == view.id)
        ).all()
        templates.append((row, [(item.service_id, name, item.uses) for item, name in items]))
    rows: dict[str, list[dict[str, Any]]] = {"package": [], "item": [], "use": []}
    package_id = item_id = 0
    for member_id, joined in members:
        if rng.random() >= 0.04:
            continue
        template, items = rng.choice(templates)
        start = max(joined, now - timedelta(days=365))
        moment = _open_hours(_moment(rng, start, now - timedelta(hours=2)), zone)
        day = moment.astimezone(zone).date()
        expires = package_expiry(day, template.validity_days)
        staff = rng.choice(desk)
        package_id += 1
        rows["package"].append(
            {
                "id": package_id,
                "member_id": member_id,
                "template_id": template.id,
                "name": template.name,
                "price_cents": template.price_cents,
                "total_uses": sum(count for _s, _n, count in items),
                "refundable": template.refundable,
                "method": rng.choice(METHODS),
                "reference": f"4200{rng.randint(10**11, 10**12 - 1)}",
                "sold_on": day,
                "expires_on": expires,
                "status": "active",
                "refunded_cents": 0,
                "sale_id": None,
                "staff_id": staff,
                "sold_at": moment,
            }
        )
        last = min(now, datetime.combine(expires, time(12), tzinfo=zone))
        for service_id, service_name, count in items:
            item_id += 1
            rows["use"].append(
                {
                    "package_id": package_id,
                    "item_id": item_id,
                    "member_id": member_id,
                    "kind": "sold",
                    "uses": count,
                    "reason": "",
                    "sale_id": None,
                    "business_day": day,
                    "staff_id": staff,
                    "created_at": moment,
                }
            )
            left = count
            for _ in range(rng.randint(0, count)):
                at = _open_hours(_moment(rng, moment + timedelta(days=1), last), zone)
                if at > now or at <= moment:
                    continue
                left -= 1
                rows["use"].append(
                    {
                        "package_id": package_id,
                        "item_id": item_id,
                        "member_id": member_id,
                        "kind": "use",
                        "uses": -1,
                        "reason": "到店核销",
                        "sale_id": None,
                        "business_day": at.astimezone(zone).date(),
                        "staff_id": rng.choice(desk),
                        "created_at": at,
                    }
                )
            rows["item"].append(
                {
                    "id": item_id,
                    "package_id": package_id,
                    "service_id": service_id,
                    "service_name": service_name,
                    "total_uses": count,
                    "uses_left": left,
                }
            )
    for row in rows["package"]:
        row["store_id"] = terminal_store(session).id
    for key, model in (
        ("package", MemberPackage),
        ("item", MemberPackageItem),
        ("use", PackageUse),
    ):
        for start in range(0, len(rows[key]), BATCH):
            session.execute(insert(model), rows[key][start : start + BATCH])
    if session.get_bind().dialect.name == "postgresql" and package_id:
        from sqlalchemy import text

        for table, top in (("member_package", package_id), ("member_package_item", item_id)):
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :top)"),
                {"top": top},
            )
    uses = sum(1 for row in rows["use"] if row["kind"] == "use")
    return {"packages sold": package_id, "package uses": uses}
