"""Areas that plug into other areas' registries are imported here, once, before a
registry is read: tenders (checkout), card close checks, member merge steps, timeline
sources and import writers. Each area adds its hooks module to ``load_area_hooks``."""

from __future__ import annotations


def load_area_hooks() -> None:
    """Import every hooks module (Python imports each once, so this is cheap after)."""
    from salon_tui.services import (  # noqa: F401
        booking_privacy,
        import_opening,
        loyalty_checkout,
        loyalty_liabilities,
        loyalty_topups,
        package_checkout,
        prepaid_hooks,
        ratings,
    )
