"""Snapshots reuse the TUI fixtures: a shop on disk and a ticking wall clock."""

from tests.tui.conftest import shop_on_disk, wall_clock  # noqa: F401
