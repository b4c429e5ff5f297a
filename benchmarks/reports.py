"""Reports on the benchmark shop: one month and one year of `sales` and `members`, each
beside the floor of its main aggregate as one raw SQL query on raw sqlite3.

Targets (issue #9): a month ≤ 1 s, a year ≤ 3 s.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

from benchmarks.harness import Figure, demo_home, median_of

RUNS = 3


def _latest_day(database: str) -> date:
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT max(business_day) FROM sale").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else datetime.now(UTC).date()


def _raw(database: str, sql: str, *params: object) -> float:
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    try:
        connection.execute(sql, params).fetchall()
    finally:
        connection.close()
    return time.perf_counter() - started


FLOORS = {
    # the heaviest single aggregate of each report, as the report runs it
    "sales": "SELECT sale.business_day, count(*), sum(sale.total_cents - sale.tips_cents) "
    "FROM sale WHERE sale.business_day BETWEEN ? AND ? AND sale.status IN ('paid', 'refunded') "
    "GROUP BY sale.business_day",
    "members": "SELECT member_id, count(*), sum(total_cents - tips_cents), min(business_day), "
    "max(business_day) FROM sale WHERE member_id IS NOT NULL AND status IN ('paid', 'refunded') "
    "AND business_day BETWEEN ? AND ? GROUP BY member_id",
}


def figures() -> list[Figure]:
    home = demo_home()
    os.environ["SALON_HOME"] = str(home)
    from sqlmodel import col, select

    from salon_tui.data.models.staff import Staff
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.periods import Bucket, Period, parse_month
    from salon_tui.domain.permissions import Role
    from salon_tui.services import database, reports

    uow = database.open_shop_database()
    with uow.read() as session:
        owner = session.exec(select(Staff).where(col(Staff.role) == Role.OWNER.value)).first()
        assert owner is not None and owner.id is not None
        actor = Actor(owner.id, owner.name, Role.OWNER)
    database_file = str(home / "salon.db")
    latest = _latest_day(database_file)
    last_month = parse_month((latest.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
    year = Period(latest - timedelta(days=364), latest)
    results = []
    for name in ("sales", "members"):
        for label, period, bucket, limit in (
            ("one month", last_month, Bucket.DAY, 1.0),
            ("one year", year, Bucket.MONTH, 3.0),
        ):
            request = reports.ReportRequest(period=period, bucket=bucket, today=latest)

            def run(request: reports.ReportRequest = request, name: str = name) -> float:
                started = time.perf_counter()
                reports.run_report(uow, actor, name, request)
                return time.perf_counter() - started

            run()  # warm the page cache and the imports
            value = median_of(RUNS, run)
            floor = median_of(
                RUNS,
                lambda period=period, name=name: _raw(
                    database_file, FLOORS[name], period.start.isoformat(), period.end.isoformat()
                ),
            )
            results.append(
                Figure(
                    f"salon report {name}, {label} ({period.label()})",
                    value,
                    floor,
                    "s",
                    max_value=limit,
                )
            )
    # One store of the chain (the demo has one, so the filter keeps every row: the worst case).
    store = reports.chain_stores(uow)[0]
    request = reports.ReportRequest(period=year, bucket=Bucket.MONTH, today=latest, store=store)

    def run_store() -> float:
        started = time.perf_counter()
        reports.run_report(uow, actor, "sales", request)
        return time.perf_counter() - started

    run_store()
    floor = median_of(
        RUNS,
        lambda: _raw(
            database_file,
            FLOORS["sales"].replace("GROUP BY", "AND sale.store_id = ? GROUP BY"),
            year.start.isoformat(),
            year.end.isoformat(),
            store.id,
        ),
    )
    results.append(
        Figure(
            f"salon report sales --store {store.code}, one year ({year.label()})",
            median_of(RUNS, run_store),
            floor,
            "s",
            max_value=3.0,
        )
    )
    uow.dispose()
    return results
