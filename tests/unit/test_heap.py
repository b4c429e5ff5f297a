"""Frozen survivors stay out of collections; cyclic garbage frozen meanwhile goes when the
desk is idle."""

from __future__ import annotations

import gc
import weakref

from salon_tui.heap import collect_while_idle, freeze_survivors


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_a_frozen_cycle_waits_for_the_idle_collection() -> None:
    node = _Node()
    gone = weakref.ref(node)
    freeze_survivors()
    try:
        del node
        gc.collect()
        assert gone() is not None  # frozen: the collector does not walk it
        collect_while_idle()
        assert gone() is None
        assert gc.get_freeze_count() > 0  # and what lives on is frozen again
    finally:
        gc.unfreeze()
