"""Member search at 100,000 members: each kind of query through the service, beside the
same look-up on raw sqlite3 (the floor). Target: ≤ 5 ms median, ≤ 20 ms p95 per kind."""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable

from benchmarks.harness import Figure, demo_home, percentile

RUNS = 200
LIMIT = 50


def _timed(runs: int, call: Callable[[], object]) -> list[float]:
    call()  # warm caches and imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _gram_floor(prefix: bool) -> str:
    condition = "g.gram >= ? AND g.gram < ?" if prefix else "g.gram = ?"
    return (
        "SELECT m.id, m.name, m.phone FROM member_gram g JOIN member m ON m.id = g.member_id "
        f"WHERE g.archived = 0 AND {condition} LIMIT {LIMIT}"
    )


def figures() -> list[Figure]:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.services.member_search import search_members

    home = demo_home()
    path = home / "salon.db"
    raw = sqlite3.connect(path)
    card, phone = raw.execute(
        "SELECT c.number, m.phone FROM card c JOIN member m ON m.id = c.member_id "
        "WHERE c.status = 'active' AND m.status = 'active' ORDER BY c.id LIMIT 1 OFFSET 5000"
    ).fetchone()
    uow = UnitOfWork(f"sqlite:///{path}")
    owner = Actor(1, "bench", Role.OWNER)
    local = phone.removeprefix("+86")
    cases: list[tuple[str, str, str, tuple[object, ...]]] = [
        ("card number (exact)", card, "SELECT member_id FROM card WHERE number = ?", (card,)),
        (
            "phone (whole)",
            local,
            "SELECT id FROM member WHERE phone = ? AND status = 'active'",
            (phone,),
        ),
        (
            "phone (last 4)",
            local[-4:],
            f"SELECT id FROM member WHERE phone_tail = ? AND status = 'active' LIMIT {LIMIT}",
            (local[-4:],),
        ),
        ("name fragment 王", "王", _gram_floor(False), ("1王",)),
        ("name fragment 王芳", "王芳", _gram_floor(False), ("1王芳",)),
        ("name inside 芳", "芳", _gram_floor(False), ("2芳",)),
        ("pinyin wangf", "wangf", _gram_floor(True), ("3wangf", "3wangg")),
        ("initials zs", "zs", _gram_floor(True), ("3zs", "3zt")),
        ("pinyin zhangsan", "zhangsan", _gram_floor(True), ("3zhangsan", "3zhangsao")),
        ("nobody (no match)", "qqqqzz", _gram_floor(True), ("3qqqqzz", "3qqqqz{")),
    ]
    results = []
    for label, query, floor_sql, parameters in cases:
        service = _timed(RUNS, lambda query=query: search_members(uow, owner, query))
        floor = _timed(
            RUNS,
            lambda sql=floor_sql, parameters=parameters: raw.execute(sql, parameters).fetchall(),
        )
        hits = len(search_members(uow, owner, query).hits)
        median = statistics.median(service)
        p95 = percentile(service, 0.95)
        results.append(
            Figure(
                f"search {label}: median",
                median,
                statistics.median(floor),
                "ms",
                max_value=5,
                note=f"p95 {p95:.2f} ms (target ≤ 20 ms), {hits} hits",
            )
        )
    uow.dispose()
    raw.close()
    return results
