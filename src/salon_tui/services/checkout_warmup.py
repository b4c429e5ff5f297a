"""What the first sale after start would load, loaded beforehand (the app does it on a
worker while the login screen waits).

The first payment of a process imported every area that plugs into checkout, the
``holidays`` package (the owner's alert on money moved outside opening hours looks at
the day's hours), and compiled the statements of the paths a cashier waits on: half a
second, while the client stood at the desk. Here the same modules are imported and the
same reads run, in one reading transaction that changes nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import configure_mappers

from salon_tui.data.idempotency import stored_result
from salon_tui.data.sale_rows import line_rows, sale_row
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.clock import business_date, utc_now

logger = logging.getLogger(__name__)


def warm_up(uow: UnitOfWork) -> None:
    """Import and read what a sale needs, so the first one is as quick as the next.
    Never fails: a problem here is the first sale's to meet (and report)."""
    try:
        _warm_up(uow)
    except Exception:
        logger.debug("the checkout warm-up stopped early", exc_info=True)


def _warm_up(uow: UnitOfWork) -> None:
    from salon_tui.services import alerts, audit, commission, sales, schedule
    from salon_tui.services import printing as _printing  # noqa: F401
    from salon_tui.services import sale_payment as _sale_payment  # noqa: F401
    from salon_tui.services.sale_hooks import load_checkout_plugins
    from salon_tui.services.sale_items import load_item_hooks
    from salon_tui.services.settings import load_shop_settings
    from salon_tui.services.stores import terminal_store
    from salon_tui.services.tenders import tender_table

    load_checkout_plugins()
    load_item_hooks()
    audit.load_watchers()
    tender_table()  # imports every area's hooks
    configure_mappers()
    with uow.read() as session:
        settings = load_shop_settings(session)
        today = business_date(utc_now(), settings.timezone)
        alerts.load_rules(session)
        schedule.shop_hours_on(session, today)  # the country's holidays of the year
        stored_result(session, "", "")
        # A sale's reads, of a sale that does not exist (id 0): compiled, nothing found.
        sale_row(session, 0, lock=True)
        line_rows(session, 0)
        sales.line_shares(session, 0)
        sales.sale_tips(session, 0)
        commission.rules_and_levels(session)
        terminal_store(session)  # last: refused while this computer chose no store
