"""`python -m benchmarks [NAME …]`: run the benchmarks and print each figure beside its floor."""

from __future__ import annotations

import importlib
import sys

from benchmarks.harness import print_figures

# Each area that names a speed target adds its module here.
BENCHMARKS = [
    "startup",
    "reports",
    "member_search",
    "member_keystroke",
    "checkout",
    "checkout_steps",
    "imports",
    "bookings",
]
# Run only when named: they take minutes (python -m benchmarks imports_large).
ON_REQUEST = ["imports_large"]


def main(argv: list[str]) -> int:
    chosen = argv or BENCHMARKS
    unknown = sorted(set(chosen) - set(BENCHMARKS) - set(ON_REQUEST))
    if unknown:
        known = ", ".join(BENCHMARKS + ON_REQUEST)
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {known}",
            file=sys.stderr,
        )
        return 2
    figures = []
    for name in chosen:
        module = importlib.import_module(f"benchmarks.{name}")
        figures.extend(module.figures())
    print_figures(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
