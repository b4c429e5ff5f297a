"""Idempotency records: the first result of an action, kept under its key."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from salon_tui.data import direct
from salon_tui.data.bulk import insert_row
from salon_tui.data.models import IdempotencyRecord
from salon_tui.data.moment import session_now

# Read before every action that runs once (built once: statements cost as much to build
# as to run on SQLite).
_STORED = select(IdempotencyRecord.action, IdempotencyRecord.result_json).where(
    col(IdempotencyRecord.key) == bindparam("key")
)


def stored_result(session: Session, key: str, action: str) -> dict[str, Any] | None:
    found = direct.run(session, _STORED, {"key": key}).first()
    if found is None:
        return None
    stored_action, result_json = found
    if stored_action != action:
        raise ValueError(f"idempotency key {key} was used for {stored_action}, not {action}")
    result: dict[str, Any] = json.loads(result_json)
    return result


def remember_result(session: Session, key: str, action: str, result: dict[str, Any]) -> None:
    insert_row(
        session,
        IdempotencyRecord,
        key=key,
        action=action,
        result_json=json.dumps(result, sort_keys=True, default=str),
        created_at=session_now(session),
    )
