"""One "now" for a transaction that fixes it.

A payment reads the clock once and every row it writes (payments, drawer movement,
commission entries, the alert flags, the audit entry, the print job, the idempotency
record) carries that moment, instead of about seven clock reads a few microseconds
apart. A transaction that fixes no moment reads the clock as before. The moment lives
in the session's info, which lives for one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from salon_tui.domain.clock import utc_now

_NOW = "salon.now"
# Keys of ``session.info`` that hold what one transaction found (the moment, the sales
# it saw without a coupon): forgotten when the transaction ends, even on a session that
# goes on to another one.
TRANSACTION_KEYS: set[str] = {_NOW}


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # Flushes run in inner transactions of their own; only the outermost one ends ours.
    if transaction.parent is None:
        for key in TRANSACTION_KEYS:
            session.info.pop(key, None)


def fix_now(session: Session) -> datetime:
    """Read the clock once for the rest of this transaction; that moment."""
    now = utc_now()
    session.info[_NOW] = now
    return now


def session_now(session: Session) -> datetime:
    """The moment this transaction fixed, or the clock when it fixed none."""
    now: datetime | None = session.info.get(_NOW)
    return utc_now() if now is None else now
