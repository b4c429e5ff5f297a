"""Checkout at the service level: adding a line and paying a sale, on the benchmark shop.

Each figure is the median (and p99) of many runs beside a floor measured in the same
run: a raw sqlite3 transaction (BEGIN IMMEDIATE … COMMIT, WAL, synchronous=FULL) writing
the same rows to a copy of the same database. Targets: ≤ 5× the floor's median, p99 ≤ 20 ms.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

from benchmarks.harness import Figure, demo_home, percentile

RUNS = 300
# About the size of a one-line sale's receipt in the print queue.
RECEIPT_JSON = '{"kind": "sale", "lines": [' + '"x", ' * 190 + '"x"]}'


def _copy(home: Path, folder: Path) -> Path:
    target = folder / "salon.db"
    source = sqlite3.connect(home / "salon.db")
    destination = sqlite3.connect(target)
    source.backup(destination)
    source.close()
    destination.close()
    return target


def _service_timings(path: Path) -> tuple[list[float], list[float]]:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.domain.permissions import Role
    from salon_tui.domain.tenders import PaymentIn
    from salon_tui.services import drawer, sales, staff
    from salon_tui.services.sale_payment import pay_sale

    uow = UnitOfWork(f"sqlite:///{path}")
    person = staff.find_staff(uow, "李娜 Nina")
    desk = Actor(person.id, person.name, Role.FRONT_DESK)
    stylist = staff.find_staff(uow, "Tony 张伟").id
    if drawer.current_drawer(uow, desk) is None:
        drawer.open_drawer(uow, desk, 50_000)
    add_times: list[float] = []
    pay_times: list[float] = []
    for index in range(RUNS):
        cart = sales.open_sale(uow, desk)
        started = time.perf_counter()
        cart = sales.add_line(
            uow,
            desk,
            cart.sale_id,
            kind="service",
            description="洗剪吹 Cut & blow-dry",
            unit_cents=12_800 + index,
            category="hair",
            staff=[sales.StaffShare(stylist, requested=True)],
        )
        add_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        pay_sale(
            uow,
            desk,
            cart.sale_id,
            [
                PaymentIn("wechat", cart.total_cents // 2, reference=f"wx{index}"),
                PaymentIn("cash", cart.total_cents - cart.total_cents // 2, tendered_cents=20_000),
            ],
            key=cart.idempotency_key,
        )
        pay_times.append(time.perf_counter() - started)
    uow.dispose()
    return add_times, pay_times


def _floor_timings(path: Path) -> tuple[list[float], list[float]]:
    """The same rows written by hand through sqlite3, one transaction each."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    staff_id = connection.execute("SELECT id FROM staff ORDER BY id LIMIT 1").fetchone()[0]
    store_id = connection.execute("SELECT id FROM store ORDER BY id LIMIT 1").fetchone()[0]
    drawer_id = connection.execute(
        "INSERT INTO drawer_session (status, store_id, business_day, float_cents, opened_by, "
        "opened_at, expected_cents, counted_cents, counts_json, close_note) "
        "VALUES ('closed', ?, '2000-01-01', 0, ?, '2000-01-01 00:00:00', 0, 0, '{}', '')",
        (store_id, staff_id),
    ).lastrowid
    add_times: list[float] = []
    pay_times: list[float] = []
    now = "2026-11-22 02:00:00.000000"
    for index in range(RUNS):
        connection.execute("BEGIN IMMEDIATE")
        sale_id = connection.execute(
            "INSERT INTO sale (idempotency_key, status, store_id, member_label, park_label, note, "
            "sale_discount_cents, sale_discount_bp, sale_discount_reason, subtotal_cents, "
            "discount_cents, rounding_cents, tips_cents, total_cents, opened_by, opened_at, "
            "void_reason) VALUES (?, 'open', ?, '', '', '', 0, 0, '', 0, 0, 0, 0, 0, ?, ?, '')",
            (uuid.uuid4().hex, store_id, staff_id, now),
        ).lastrowid
        connection.execute("COMMIT")
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        line_id = connection.execute(
            "INSERT INTO sale_line (sale_id, position, kind, item_code, description, category, "
            "qty, list_unit_cents, unit_cents, override_reason, manual_discount_cents, "
            "manual_discount_bp, manual_discount_reason, note, gross_cents, discount_cents, "
            "net_cents) VALUES (?, 1, 'service', '', 'cut', 'hair', 1, ?, ?, '', 0, 0, '', '', "
            "0, 0, 0)",
            (sale_id, 12_800 + index, 12_800 + index),
        ).lastrowid
        connection.execute(
            "INSERT INTO sale_line_staff (line_id, staff_id, share_bp, requested, basis_cents) "
            "VALUES (?, ?, 10000, 1, 0)",
            (line_id, staff_id),
        )
        connection.execute("SELECT * FROM sale_line WHERE sale_id = ?", (sale_id,)).fetchall()
        connection.execute("COMMIT")
        add_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO number_sequence (series, business_day, last_value) VALUES "
            "('bench', '2026-11-22', 0) ON CONFLICT DO NOTHING"
        )
        connection.execute(
            "UPDATE number_sequence SET last_value = last_value + 1 "
            "WHERE series = 'bench' AND business_day = '2026-11-22'"
        )
        connection.execute(
            "UPDATE sale_line SET gross_cents = ?, net_cents = ? WHERE id = ?",
            (12_800 + index, 12_800 + index, line_id),
        )
        connection.execute(
            "INSERT INTO sale_adjustment (line_id, source, amount_cents, explanation, reason) "
            "VALUES (?, 'rounding', -1, 'rounding', '')",
            (line_id,),
        )
        connection.execute(
            "INSERT INTO drawer_movement (session_id, kind, amount_cents, category, note, "
            "sale_id, staff_id, at) VALUES (?, 'sale', 6400, '', '', ?, ?, ?)",
            (drawer_id, sale_id, staff_id, now),
        )
        for tender in ("wechat", "cash"):
            connection.execute(
                "INSERT INTO payment (sale_id, store_id, business_day, tender, amount_cents, "
                "tendered_cents, change_cents, reference, paid_at) "
                "VALUES (?, ?, '2026-11-22', ?, 6400, 6400, 0, '', ?)",
                (sale_id, store_id, tender, now),
            )
        connection.execute(
            "UPDATE sale_line_staff SET basis_cents = ? WHERE line_id = ?",
            (12_800 + index, line_id),
        )
        connection.execute(
            "INSERT INTO commission_entry (staff_id, sale_id, sale_line_id, kind, business_day, "
            "basis_cents, rate_bp, amount_cents, explanation, created_at) "
            "VALUES (?, ?, ?, 'line', '2026-11-22', 12800, 2000, 2560, '', ?)",
            (staff_id, sale_id, line_id, now),
        )
        connection.execute(
            "UPDATE sale SET status = 'paid', total_cents = ?, paid_at = ? WHERE id = ?",
            (12_800 + index, now, sale_id),
        )
        seq, previous = connection.execute(
            "SELECT seq, hash FROM audit_head WHERE id = 1"
        ).fetchone()
        digest = hashlib.sha256(f"{previous}|{seq + 1}|sales.pay|{sale_id}".encode()).hexdigest()
        connection.execute(
            "INSERT INTO audit_entry (seq, at, staff_id, staff_name, action, entity, entity_id, "
            "before, after, prev_hash, hash) VALUES (?, ?, ?, 'bench', 'sales.pay', 'sale', ?, "
            "'{}', ?, ?, ?)",
            (seq + 1, now, staff_id, str(sale_id), '{"total_cents": 12800}', previous, digest),
        )
        connection.execute(
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq + 1, digest)
        )
        connection.execute(
            "INSERT INTO print_job (kind, title, document_json, open_drawer, status, attempts, "
            "last_error, printed_to, created_by_name, created_at, updated_at) "
            "VALUES ('sale', 'bench', ?, 1, 'queued', 0, '', '', 'bench', ?, ?)",
            (RECEIPT_JSON, now, now),
        )
        connection.execute(
            "INSERT INTO idempotency_record (key, action, result_json, created_at) "
            "VALUES (?, 'bench', '{}', ?)",
            (uuid.uuid4().hex, now),
        )
        connection.execute("COMMIT")
        pay_times.append(time.perf_counter() - started)
    connection.close()
    return add_times, pay_times


def _afternoon() -> datetime:
    """3 pm today in the demo shop's zone (opening hours 10:00-21:00).

    A regular sale happens while the shop is open; run at night, every sale of the run
    would also raise the owner's "money moved outside opening hours" alert.
    """
    zone = ZoneInfo("Asia/Shanghai")
    return datetime.now(zone).replace(hour=15, minute=0, second=0, microsecond=0)


def figures() -> list[Figure]:
    import time_machine

    home = demo_home()
    folder = Path(tempfile.mkdtemp(prefix="salon-bench-checkout-"))
    try:
        for name in ("service", "floor"):
            (folder / name).mkdir()
        with time_machine.travel(_afternoon(), tick=True):
            service_add, service_pay = _service_timings(_copy(home, folder / "service"))
        floor_add, floor_pay = _floor_timings(_copy(home, folder / "floor"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ms = 1000.0
    note = (
        f"{RUNS} runs on a copy of the benchmark shop at 3 pm shop time; "
        "floor: raw sqlite3 writing the same rows"
    )
    return [
        Figure(
            "checkout: add a service line (median)",
            median(service_add) * ms,
            median(floor_add) * ms,
            "ms",
            max_ratio=5,
            note=note,
        ),
        Figure(
            "checkout: add a service line (p99)",
            percentile(service_add, 0.99) * ms,
            percentile(floor_add, 0.99) * ms,
            "ms",
            max_value=20,
        ),
        Figure(
            "checkout: pay a sale, split WeChat + cash (median)",
            median(service_pay) * ms,
            median(floor_pay) * ms,
            "ms",
            max_ratio=5,
        ),
        Figure(
            "checkout: pay a sale, split WeChat + cash (p99)",
            percentile(service_pay, 0.99) * ms,
            percentile(floor_pay, 0.99) * ms,
            "ms",
            max_value=20,
        ),
    ]
