"""Start-up: `salon` to a visible login screen, and `salon --help`, beside bare apps."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import SALON, Figure, Tmux, demo_home, median_of

RUNS = 7
FLOORS = Path(__file__).parent / "floors"


def _help_seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def figures() -> list[Figure]:
    home = demo_home()
    results = []
    tmux = Tmux()
    if tmux.available():
        env = {"SALON_HOME": str(home)}
        bare = median_of(
            RUNS,
            lambda: tmux.time_until(
                f"{sys.executable} {FLOORS / 'bare_textual.py'}", "bare textual ready", env
            ),
        )
        shown = median_of(RUNS, lambda: tmux.time_until(f"{SALON} --lang en", "Who are you?", env))
        ready = median_of(
            RUNS, lambda: tmux.time_until(f"{SALON} --lang en", "Choose your name", env)
        )
        results.append(
            Figure("salon → login screen visible (tmux, 120×36)", shown, bare, "s", max_ratio=1.5)
        )
        results.append(
            Figure(
                "salon → staff list loaded, ready for a PIN",
                ready,
                bare,
                "s",
                note="the database opens in a worker after the first paint",
            )
        )
    bare_help = median_of(
        RUNS, lambda: _help_seconds([sys.executable, str(FLOORS / "bare_typer.py"), "--help"])
    )
    salon_help = median_of(RUNS, lambda: _help_seconds([SALON, "--help"]))
    results.append(Figure("salon --help", salon_help, bare_help, "s", max_ratio=1.5))
    return results
