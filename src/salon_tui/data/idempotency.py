"""Idempotency records: the first result of an action, kept under its key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from salon_tui.data.models import IdempotencyRecord
from salon_tui.data.rows import insert_row


def stored_result(session: Session, key: str, action: str) -> dict[str, Any] | None:
    record = session.get(IdempotencyRecord, key)
    if record is None:
        return None
    if record.action != action:
        raise ValueError(f"idempotency key {key} was used for {record.action}, not {action}")
    result: dict[str, Any] = json.loads(record.result_json)
    return result


def remember_result(session: Session, key: str, action: str, result: dict[str, Any]) -> None:
    insert_row(
        session,
        IdempotencyRecord,
        key=key,
        action=action,
        result_json=json.dumps(result, sort_keys=True, default=str),
        created_at=datetime.now(UTC),
    )
