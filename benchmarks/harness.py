"""What every benchmark shares: figures with floors, timing, the demo dataset, tmux.

A figure is a median of several runs, printed beside a floor measured in the same run:
the same job done by a bare Textual app, a bare Typer app, raw sqlite3. The target is
a ratio to the floor, or an absolute limit. These machines are shared and noisy, so
nothing here is a test assertion; `make bench` prints and the notes quote.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data"
VENV_BIN = Path(sys.executable).parent
SALON = str(VENV_BIN / "salon")
DEMO_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "100000"))
DEMO_MONTHS = int(os.environ.get("BENCH_MONTHS", "24"))


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    floor: float | None
    unit: str
    # Either a ratio to the floor or an absolute limit in ``unit``.
    max_ratio: float | None = None
    max_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    @property
    def meets_target(self) -> bool | None:
        checks = []
        if self.max_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        if self.max_value is not None:
            checks.append(self.value <= self.max_value)
        return all(checks) if checks else None

    def target_text(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}× floor")
        if self.max_value is not None:
            parts.append(f"≤ {self.max_value:g} {self.unit}")
        return ", ".join(parts) or "—"


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(runs))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def demo_home() -> Path:
    """The benchmark dataset: `salon demo --members 100000 --months 24`, built once.

    One folder per schema revision, so checkouts of different revisions that share
    benchmarks/.data (worktrees, an old tree benched beside a new one) do not rebuild each
    other's shop. Rebuilt when the demo options change (the marker file says which).
    """
    from salon_tui.data.schema import HEAD_REVISION

    home = DATA / f"demo-{DEMO_MEMBERS}-{DEMO_MONTHS}-{HEAD_REVISION}"
    marker = home / "built-for"
    wanted = f"{HEAD_REVISION} members={DEMO_MEMBERS} months={DEMO_MONTHS}"
    if marker.exists() and marker.read_text() == wanted:
        return home
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    print(
        f"building the benchmark shop ({DEMO_MEMBERS} members, {DEMO_MONTHS} months)…",
        file=sys.stderr,
    )
    started = time.monotonic()
    subprocess.run(
        [SALON, "demo", "--members", str(DEMO_MEMBERS), "--months", str(DEMO_MONTHS)],
        env={**os.environ, "SALON_HOME": str(home)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"built in {time.monotonic() - started:.1f} s", file=sys.stderr)
    marker.write_text(wanted)
    return home


class Tmux:
    """A private tmux server to launch a full-screen program and watch its screen."""

    def __init__(self, name: str = "salon-bench", width: int = 120, height: int = 36) -> None:
        self.base = ["tmux", "-L", name]
        self.width, self.height = width, height

    def available(self) -> bool:
        return shutil.which("tmux") is not None

    def screen(self) -> str:
        result = subprocess.run(
            [*self.base, "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True
        )
        return result.stdout

    def time_until(
        self, command: str, text: str, env: dict[str, str], timeout: float = 20.0
    ) -> float:
        """Seconds from launching ``command`` until ``text`` is on the screen."""
        subprocess.run([*self.base, "kill-server"], capture_output=True)
        environment = ["-e", "TERM=xterm-256color", "-e", "LANG=C.UTF-8"]
        for key, value in env.items():
            environment += ["-e", f"{key}={value}"]
        started = time.perf_counter()
        subprocess.run(
            [
                *self.base,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "bench",
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                *environment,
                f"{command}; sleep 30",
            ],
            check=True,
        )
        try:
            while time.perf_counter() - started < timeout:
                if text in self.screen():
                    return time.perf_counter() - started
                time.sleep(0.005)
            raise TimeoutError(f"{text!r} did not appear within {timeout} s:\n{self.screen()}")
        finally:
            subprocess.run([*self.base, "kill-server"], capture_output=True)


async def log_in(pilot: Any, name: str, pin: str, timeout: float = 10.0) -> None:
    """Log the headless app in as ``name`` (the login list's entry starts with it), then
    wait until the session's home screen is up."""
    from textual.widgets import OptionList

    app = pilot.app

    async def until(what: str, condition: Callable[[], bool]) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{what}: not done within {timeout:g} s")
            await pilot.pause(0.05)

    def login_listed() -> bool:
        found = app.screen.query("#login-staff")
        return bool(found) and found.first(OptionList).option_count > 0

    await until("login screen", login_listed)
    options = app.screen.query_one("#login-staff", OptionList)
    options.highlighted = next(
        index
        for index in range(options.option_count)
        if str(options.get_option_at_index(index).prompt).startswith(name)
    )
    options.focus()
    await pilot.press("enter", *pin, "enter")
    await until("log-in", lambda: app.actor is not None and not app.screen.query("#login-staff"))


def print_figures(figures: list[Figure]) -> None:
    header = f"{'figure':<58} {'value':>12} {'floor':>12} {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    for figure in figures:
        floor = f"{figure.floor:.4g} {figure.unit}" if figure.floor is not None else "—"
        ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else "—"
        verdict = {True: "ok", False: "MISSED", None: ""}[figure.meets_target]
        print(
            f"{figure.name:<58} {figure.value:>9.4g} {figure.unit:<2} {floor:>12} {ratio:>7}  {figure.target_text()} {verdict}"
        )
        if figure.note:
            print(f"    {figure.note}")
