"""One result per idempotency key: a double Enter or a retried command acts once.

``run_once`` wraps a service body: inside one transaction it returns the stored
result for the key if there is one, else runs the body and stores its result. When
two terminals race with the same key on PostgreSQL, the loser's insert fails on the
key and it reads the winner's result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from salon_tui.data.idempotency import remember_result, stored_result
from salon_tui.data.uow import UnitOfWork

Result = TypeVar("Result")


def run_once(
    uow: UnitOfWork,
    key: str,
    action: str,
    body: Callable[[Session], Result],
    encode: Callable[[Result], dict[str, Any]],
    decode: Callable[[dict[str, Any]], Result],
) -> Result:
    try:
        with uow.transaction() as session:
            previous = stored_result(session, key, action)
            if previous is not None:
                return decode(previous)
            result = body(session)
            remember_result(session, key, action, encode(result))
            return result
    except IntegrityError:
        if uow.in_transaction:
            raise
        with uow.read() as session:
            previous = stored_result(session, key, action)
        if previous is None:
            raise
        return decode(previous)
