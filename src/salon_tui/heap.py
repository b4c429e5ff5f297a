"""Keeping Python's cyclic garbage collector out of the desk's way.

A full collection walks every tracked object that is not frozen. Over a day the app
holds more and more of them (screens, their widgets, style caches), and a full
collection that starts inside a key's handling took 70-250 ms: a scan or an Enter that
should redraw within 50 ms did not. So the objects that survive a finished piece of work
are frozen (``gc.freeze``: moved out of the collector's generations, at no cost) and a
later collection walks only what was made since, a few milliseconds. Reference counting
still frees frozen objects that are not in cycles; the cyclic garbage frozen meanwhile
is collected while nobody is at the desk (``collect_while_idle``).
"""

from __future__ import annotations

import gc

# After this long without a key or a click, a full collection (about 0.1-0.3 s) goes
# unnoticed.
IDLE_COLLECT_SECONDS = 60.0


def freeze_survivors() -> None:
    """What is alive now stays out of the next collections (a sale paid, the app
    started)."""
    gc.freeze()


def collect_while_idle() -> None:
    """Everything back in the collector's hands, one full collection, then frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
