"""The demo shop's members: believable Chinese clients with levels, cards, tags, referrals,
allergies, patch tests and colour formulas.

Rows go in with SQLAlchemy Core in batches (100,000 members take seconds, not minutes);
the same seed gives the same people.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, func, select

from salon_tui.data.models import (
    Allergy,
    Card,
    Formula,
    Member,
    MemberLevel,
    MemberLevelChange,
    PatchTest,
)
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain import cards as card_rules
from salon_tui.domain.members import fold
from salon_tui.services import audit
from salon_tui.services.cards import NEXT_SERIAL_KEY
from salon_tui.services.member_levels import seed_default_levels
from salon_tui.services.member_search import grams_for, insert_grams
from salon_tui.services.settings import write_setting

BATCH = 5000

# Common surnames, most frequent first (weights roughly as in the population).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红梅琳欣怡婷雪颖佳慧晶倩蕾璐瑶琪萱妍悦彤晨曦雨欣然"
    "子涵梓轩诗涵思雨梦瑶嘉怡可馨欣妍雅琪佳琪浩宇俊杰宇轩博文晓燕海燕春梅文静"
)
ENGLISH = ("Lily", "Amy", "Coco", "Vivian", "Grace", "Kelly", "Cindy", "Jenny", "Tina", "Sophie")
TAGS = ("VIP", "学生", "老客", "上班族", "宝妈", "网红", "敏感头皮")
SOURCES = ("路过进店", "朋友推荐", "美团", "大众点评", "小红书", "抖音", "老客带新")
NOTES = ("喜欢短发", "只约周末", "怕冷，空调调高一点", "头皮敏感，轻一点", "喜欢安静，少聊天", "")
PREFERENCES = ("空气刘海", "不要打薄", "用无氨染膏", "喜欢茶饮", "")
ALLERGENS = (("PPD", "头皮红肿"), ("酒精", "皮肤发红"), ("乳胶", "手部瘙痒"), ("香精", "打喷嚏"))
COLOURS = (
    "Koleston 7/0 30g + 6/0 30g",
    "Wella Illumina 8/13 60g",
    "L'Oréal Majirel 6.1 45g + 7.1 15g",
    "Schwarzkopf Igora 9-1 40g + 0-11 5g",
    "资生堂 烫发药水 1号 80ml",
)
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
]


def _name(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 12)), len(SURNAMES) - 1)]
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    name = surname + given
    if rng.random() < 0.04:
        name = f"{name} {rng.choice(ENGLISH)}"
    return name


def _phones(rng: random.Random, count: int) -> Iterator[str]:
    seen: set[str] = set()
    while len(seen) < count:
        phone = "+86" + rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in seen:
            seen.add(phone)
            yield phone


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    days = max(0, (last - first).days)
    day = first + timedelta(days=rng.randint(0, days))
    clock = time(rng.randint(2, 12), rng.randint(0, 59))  # 10:00–20:59 in Shanghai
    return datetime.combine(day, clock, tzinfo=UTC)


def _flush_grams(session: Session, rows: list[tuple[bool, str, int]]) -> None:
    insert_grams(session, rows)
    rows.clear()


def _flush(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        # Core executemany on the table: no ORM bookkeeping per row.
        session.connection().execute(insert(table.__table__), rows)
        rows.clear()


def seed_members(uow: UnitOfWork, context: Any) -> dict[str, int]:
    """The demo members (``context.options.members`` of them) and everything they hold."""
    rng = random.Random(context.options.seed * 7 + 3)
    count = context.options.members
    today: date = context.today
    first_day = today - timedelta(days=max(30, 30 * context.options.months))
    stylists = [
        context.staff_ids[key] for key in ("tony", "kevin", "amy") if key in context.staff_ids
    ]
    made = {"members": 0, "cards": 0, "allergies": 0, "patch tests": 0, "formulas": 0}
    with uow.transaction() as session:
        seed_default_levels(session, "zh_CN")
        levels = session.exec(select(MemberLevel).order_by(col(MemberLevel.rank))).all()
        level_ids = [level.id for level in levels]
        card_id = int(session.exec(select(func.coalesce(func.max(Card.id), 0))).one() or 0)
        grams: list[tuple[bool, str, int]] = []
        rows: dict[str, list[dict[str, Any]]] = {
            "member": [],
            "card": [],
            "allergy": [],
            "patch": [],
            "formula": [],
            "level": [],
        }
        tables = {
            "member": Member,
            "card": Card,
            "allergy": Allergy,
            "patch": PatchTest,
            "formula": Formula,
            "level": MemberLevelChange,
        }
        serial = 1
        phones = _phones(rng, count)
        for member_id in range(1, count + 1):
            name = _name(rng)
            joined = _moment(rng, first_day, today)
            archived = rng.random() < 0.02
            level_roll = rng.random()
            level_index = 2 if level_roll < 0.08 else 1 if level_roll < 0.30 else 0
            phone = next(phones)
            has_birthday = rng.random() < 0.85
            born = date(rng.randint(1955, 2008), rng.randint(1, 12), rng.randint(1, 28))
            tags = sorted(rng.sample(TAGS, k=rng.choice((0, 0, 1, 1, 2))))
            last_seen = _moment(rng, joined.date(), today) if rng.random() < 0.9 else None
            rows["member"].append(
                {
                    "id": member_id,
                    "name": name,
                    "name_key": " ".join(fold(name).split()),
                    "phone": phone,
                    "phone_tail": phone[-4:],
                    "gender": "female" if rng.random() < 0.78 else "male",
                    "birth_year": born.year if has_birthday and rng.random() < 0.8 else None,
                    "birth_month": born.month if has_birthday else None,
                    "birth_day": born.day if has_birthday else None,
                    "level_id": level_ids[level_index],
                    "tags": ",".join(tags),
                    "source": rng.choice(SOURCES),
                    "referrer_id": rng.randint(1, member_id - 1)
                    if member_id > 10 and rng.random() < 0.1
                    else None,
                    "notes": rng.choice(NOTES),
                    "preferences": rng.choice(PREFERENCES),
                    "preferred_stylist_id": rng.choice(stylists)
                    if stylists and rng.random() < 0.4
                    else None,
                    "consent_sms": rng.random() < 0.6,
                    "consent_email": rng.random() < 0.2,
                    "email": "",
                    "status": "archived" if archived else "active",
                    "erased": False,
                    "last_seen_at": last_seen,
                    "created_at": joined,
                    "updated_at": joined,
                }
            )
            grams.extend((archived, gram, member_id) for gram in grams_for(name))
            if level_index:
                rows["level"].append(
                    {
                        "member_id": member_id,
                        "from_level_id": level_ids[0],
                        "to_level_id": level_ids[level_index],
                        "reason": "累计消费达标" if rng.random() < 0.5 else "单次充值达标",
                        "staff_id": None,
                        "at": _moment(rng, joined.date(), today),
                    }
                )
            if rng.random() < 0.8:
                lost_at = None
                if rng.random() < 0.03:
                    lost_at = max(_moment(rng, joined.date(), today), joined)
                    old_serial, serial = serial, serial + 1
                    made["cards"] += 1
                card_id += 1
                rows["card"].append(
                    {
                        "id": card_id,
                        "number": card_rules.number_for_serial(serial),
                        "member_id": member_id,
                        "status": "active",
                        "replaced_by_id": None,
                        # A replacement is handed over when the old card is reported lost.
                        "issued_at": lost_at or joined,
                        "closed_at": None,
                        "note": "",
                    }
                )
                if lost_at is not None:
                    card_id += 1
                    rows["card"].append(  # after its replacement, which it points at
                        {
                            "id": card_id,
                            "number": card_rules.number_for_serial(old_serial),
                            "member_id": member_id,
                            "status": "replaced",
                            "replaced_by_id": card_id - 1,
                            "issued_at": joined,
                            "closed_at": lost_at,
                            "note": "挂失补卡",
                        }
                    )
                serial += 1
                made["cards"] += 1
            if rng.random() < 0.05:
                substance, reaction = rng.choice(ALLERGENS)
                rows["allergy"].append(
                    {
                        "member_id": member_id,
                        "substance": substance,
                        "reaction": reaction,
                        "severity": rng.choice(("mild", "moderate", "severe")),
                        "recorded_by": None,
                        "recorded_at": joined,
                        "removed_at": None,
                    }
                )
                made["allergies"] += 1
            if rng.random() < 0.1:
                tested = _moment(rng, joined.date(), today)
                rows["patch"].append(
                    {
                        "member_id": member_id,
                        "tested_on": tested.date(),
                        "product": rng.choice(COLOURS).split(" ")[0],
                        "category": rng.choice(("colour", "colour", "lash")),
                        "result": "pass" if rng.random() < 0.92 else "fail",
                        "note": "",
                        "staff_id": rng.choice(stylists) if stylists else None,
                        "recorded_at": tested,
                    }
                )
                made["patch tests"] += 1
            for _visit in range(rng.choice((0, 0, 0, 0, 0, 1, 2, 3))):
                visit = _moment(rng, joined.date(), today)
                rows["formula"].append(
                    {
                        "member_id": member_id,
                        "visit_on": visit.date(),
                        "kind": "perm" if rng.random() < 0.2 else "colour",
                        "products": rng.choice(COLOURS),
                        "developer": rng.choice(("3%", "6%", "9%", "")),
                        "processing_minutes": rng.choice((20, 25, 30, 35, 40, 45)),
                        "stylist_id": rng.choice(stylists) if stylists else None,
                        "note": rng.choice(("发根补染", "全头", "挑染", "")),
                        "recorded_at": visit,
                    }
                )
                made["formulas"] += 1
            if member_id % BATCH == 0:
                # Members first: the other rows point at them.
                for key in ("member", "card", "allergy", "patch", "formula", "level"):
                    _flush(session, tables[key], rows[key])
                _flush_grams(session, grams)
        for key in ("member", "card", "allergy", "patch", "formula", "level"):
            _flush(session, tables[key], rows[key])
        _flush_grams(session, grams)
        write_setting(session, NEXT_SERIAL_KEY, serial)
        made["members"] = count
        if uow.engine.dialect.name == "postgresql" and count:
            # Ids were given explicitly: move the sequence past them.
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('member', 'id'), :top)"),
                {"top": count},
            )
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('card', 'id'), :top)"),
                {"top": max(card_id, 1)},
            )
        audit.record(session, context.owner, "demo.members", "member", "demo", after=made)
        context.made["member_count"] = count
    return made
