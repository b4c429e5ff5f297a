"""Importing 1,000,000 members (issue #8: "a file of 1,000,000 rows streams, in bounded
memory"). Not in the default set (it takes minutes): ``python -m benchmarks imports_large``.

The same columns as the 100,000-row benchmark (``benchmarks.imports``), in a csv made
once in benchmarks/.data. Both files are imported by ``salon import members`` into a new
shop, and the peak resident memory of each import is read from the kernel (``wait4``).
Targets: the million rows' peak within 1.25× the 100,000 rows' peak (memory does not
grow with the file) and under 1 GB; their time within 1.2× ten times the 100,000 rows'
time (it grows linearly, no worse).
"""

from __future__ import annotations

import os

from benchmarks.harness import Figure
from benchmarks.imports import csv_file, import_with_peak

ROWS = int(os.environ.get("BENCH_IMPORT_LARGE_ROWS", "1000000"))
BASE_ROWS = ROWS // 10


def figures() -> list[Figure]:
    base_seconds, base_peak = import_with_peak(csv_file(BASE_ROWS), BASE_ROWS)
    seconds, peak = import_with_peak(csv_file(ROWS), ROWS)
    return [
        Figure(
            f"import {ROWS:,} members from csv: peak memory",
            peak,
            base_peak,
            "MB",
            max_ratio=1.25,
            max_value=1024,
            note=f"floor: the peak of the same import of {BASE_ROWS:,} rows",
        ),
        Figure(
            f"import {ROWS:,} members from csv: time",
            seconds,
            base_seconds * ROWS / BASE_ROWS,
            "s",
            max_ratio=1.2,
            note=f"floor: {ROWS // BASE_ROWS}× the import of {BASE_ROWS:,} rows",
        ),
    ]
