"""Importing 100,000 members from a previous system (issue #8).

The files are made once (benchmarks/.data): the columns an old system exports, Chinese
headers, every row valid. Each import runs ``salon import members`` in a fresh shop, the
way an owner would. The xlsx is written the way Excel, LibreOffice and the previous
system's export (shared/data/import/members_legacy.xlsx) write one: its sheet declares its
size (``<dimension>``), so openpyxl reads it in one pass. (A sheet without one, as
openpyxl's write-only mode makes, costs openpyxl alone a second pass that the import
skips, which would flatter the ratio.) Floors: openpyxl alone reading the xlsx
(read-only mode, every value), and Python's csv module reading the csv. Targets: the xlsx import within 1.5×
its floor, the csv import in under 15 s.
"""

from __future__ import annotations

import csv
import os
import random
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from benchmarks.harness import DATA, SALON, Figure

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
HEADERS = ["会员卡号", "姓名", "手机号", "性别", "生日", "会员等级", "标签", "备注", "开卡日期"]
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"


def _rows(count: int = ROWS) -> Iterator[list[str]]:
    """``count`` valid member rows, the same ones every time (made as they are read)."""
    rng = random.Random(8)
    for index in range(count):
        yield (
            [
                f"V{200000 + index}",
                rng.choice(FAMILY) + rng.choice(GIVEN) + rng.choice(GIVEN),
                f"1{rng.choice('3589')}{index:09d}",
                rng.choice("男女"),
                f"{rng.randint(1960, 2005)}/{rng.randint(1, 12)}/{rng.randint(1, 28)}",
                rng.choice(["普通会员", "银卡会员", "金卡会员"]),
                rng.choice(["", "学生", "VIP;老客"]),
                rng.choice(["", "喜欢安静", "敏感头皮"]),
                f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(10, 28)}",
            ]
        )


def csv_file(rows: int) -> Path:
    """A csv of ``rows`` members (made once, in benchmarks/.data)."""
    folder = DATA / f"import-{rows}"
    path = folder / "members.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name("members.csv.partial")
        with partial.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(_rows(rows))
        partial.replace(path)
    return path


def _files() -> tuple[Path, Path]:
    from openpyxl import Workbook

    folder = DATA / f"import-{ROWS}"
    xlsx, csv_file = folder / "members-sized.xlsx", folder / "members.csv"
    if xlsx.exists() and csv_file.exists():
        return xlsx, csv_file
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(_rows())
    with csv_file.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    book = Workbook()  # not write-only: the sheet gets its <dimension>, as Excel writes
    sheet = book.active
    sheet.title = "会员"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(xlsx)
    return xlsx, csv_file


def _openpyxl_floor(path: Path) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert count == ROWS + 1
    return time.perf_counter() - started


def _csv_floor(path: Path) -> float:
    started = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        count = sum(1 for _ in csv.reader(handle))
    assert count == ROWS + 1
    return time.perf_counter() - started


def _import(path: Path) -> float:
    """``salon import members FILE`` into a new shop; seconds, checked it imported every row."""
    return import_with_peak(path, ROWS)[0]


def import_with_peak(path: Path, rows: int) -> tuple[float, float]:
    """``salon import members FILE`` into a new shop: seconds, and the peak resident
    memory of the importing process in MB (checked it imported every row)."""
    with tempfile.TemporaryDirectory(prefix="salon-import-bench-") as home:
        env = {**os.environ, "SALON_HOME": home, "SALON_STAFF": "Bench", "SALON_PIN": "2468"}
        subprocess.run(
            [SALON, "init", "--shop", "Bench", "--owner", "Bench", "--pin", "2468"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = time.perf_counter()
        with tempfile.TemporaryFile() as output:
            process = subprocess.Popen(
                [SALON, "import", "members", str(path), "--create-levels"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            # wait4: this child's own peak memory (ru_maxrss, in KB on Linux).
            _pid, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            said = output.read().decode(errors="replace")
        if process.returncode:
            raise RuntimeError(f"the import failed ({process.returncode}):\n{said}")
        # Counted in the database: the summary is in the shop's language.
        with closing(sqlite3.connect(Path(home) / "salon.db")) as db:
            (added,) = db.execute("SELECT count(*) FROM member").fetchone()
    if added != rows:
        raise RuntimeError(f"the import added {added} of {rows} rows:\n{said}")
    return elapsed, usage.ru_maxrss / 1024


def figures() -> list[Figure]:
    xlsx, csv_file = _files()
    return [
        Figure(
            f"import {ROWS:,} members from xlsx",
            _import(xlsx),
            _openpyxl_floor(xlsx),
            "s",
            max_ratio=1.5,
            note="floor: openpyxl read-only reading every cell of a sized sheet, as Excel saves",
        ),
        Figure(
            f"import {ROWS:,} members from csv",
            _import(csv_file),
            _csv_floor(csv_file),
            "s",
            max_value=15,
            note="floor: Python's csv module reading the file",
        ),
    ]
