"""The audit log: append inside the caller's transaction, list, and verify the chain."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, func, select

from salon_tui.data import direct
from salon_tui.data.bulk import insert_rows
from salon_tui.data.models import AuditEntry, AuditHead
from salon_tui.data.moment import session_now
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.audit_chain import (
    ChainLink,
    canonical_json,
    fields_hash,
    find_break,
    link_hash,
)
from salon_tui.domain.clock import day_bounds_utc, utc_now
from salon_tui.i18n import N_, _
from salon_tui.services.permissions import require


def timestamp_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Recorded:
    """One entry just appended, as watchers see it."""

    seq: int
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any]
    after: dict[str, Any]


# Areas that react to audited actions inside the same transaction (alerts flag unusual
# ones); each raises a ``SalonError`` only to refuse the whole action.
WATCHERS: list[Callable[[Session, Actor, Recorded], None]] = []
_watchers_loaded = False


def load_watchers() -> None:
    global _watchers_loaded
    if not _watchers_loaded:
        _watchers_loaded = True
        from salon_tui.services import alerts  # noqa: F401  (registers its watcher)


# The head of the chain, read and written on every audited action as plain statements
# (built once: see services/sales.py). Every append goes through these, so each one reads
# what the one before it wrote, in this transaction or a committed other.
_HEAD_TABLE = AuditHead.__table__  # type: ignore[attr-defined]
_HEAD = select(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash).where(_HEAD_TABLE.c.id == 1).with_for_update()
_MOVE_HEAD = (
    update(_HEAD_TABLE)
    .where(_HEAD_TABLE.c.id == 1)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)
_APPEND = insert(AuditEntry.__table__)  # type: ignore[attr-defined]


def _read_head(session: Session) -> tuple[int, str]:
    found = direct.run(session, _HEAD).first()
    assert found is not None, "the audit chain has no head row"
    seq, digest = found
    return int(seq), str(digest)


def _move_head(session: Session, seq: int, digest: str) -> None:
    direct.run(session, _MOVE_HEAD, {"new_seq": seq, "new_hash": digest})


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Append one entry to the chain inside the caller's transaction; its sequence number.

    The head row is read ``FOR UPDATE`` so two appenders on PostgreSQL queue; on SQLite
    the writing transaction already holds the database's write lock.
    """
    head_seq, head_hash = _read_head(session)
    link = ChainLink(
        seq=head_seq + 1,
        at=timestamp_text(session_now(session)),
        staff_id=actor.staff_id,
        staff_name=actor.name,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=canonical_json(before or {}),
        after=canonical_json(after or {}),
        prev_hash=head_hash,
    )
    digest = link_hash(link)
    # The entry goes in as a plain insert: it is never read back in this transaction, and
    # building an ORM object for it cost more than the rest of this function.
    values = {**link.__dict__, "hash": digest}
    direct.run(session, _APPEND, values, columns=tuple(values))
    _move_head(session, link.seq, digest)
    load_watchers()
    if WATCHERS:
        recorded = Recorded(
            link.seq, action, entity, link.entity_id, dict(before or {}), dict(after or {})
        )
        for watch in WATCHERS:
            watch(session, actor, recorded)
    return link.seq


@dataclass(frozen=True)
class Entry:
    """One entry for ``record_many``."""

    action: str
    entity: str
    entity_id: object
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


AUDIT_COLUMNS = (
    "seq",
    "at",
    "staff_id",
    "staff_name",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def record_many(session: Session, actor: Actor, entries: list[Entry]) -> None:
    """Append many entries to the chain at once (an import of 100,000 members).

    The same links as ``record`` one by one, but the head is read and written once and
    the rows go to the driver as one executemany.
    """
    if not entries:
        return
    seq, previous = _read_head(session)
    at = timestamp_text(utc_now())
    rows: list[tuple[Any, ...]] = []
    for entry in entries:
        seq += 1
        # The fields of a ChainLink, in its order, without building one per entry.
        fields = [
            seq,
            at,
            actor.staff_id,
            actor.name,
            entry.action,
            entry.entity,
            str(entry.entity_id),
            canonical_json(entry.before) if entry.before else "{}",
            canonical_json(entry.after) if entry.after else "{}",
            previous,
        ]
        previous = fields_hash(fields)
        rows.append((*fields, previous))
    session.flush()
    insert_rows(session, AuditEntry.__table__, AUDIT_COLUMNS, rows)  # type: ignore[attr-defined]
    _move_head(session, seq, previous)


@dataclass(frozen=True)
class AuditView:
    seq: int
    at: datetime
    staff_id: int | None
    staff_name: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any]
    after: dict[str, Any]


def _view(entry: AuditEntry) -> AuditView:
    return AuditView(
        seq=entry.seq,
        at=datetime.strptime(entry.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        staff_id=entry.staff_id,
        staff_name=entry.staff_name,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        before=json.loads(entry.before),
        after=json.loads(entry.after),
    )


def list_entries(
    uow: UnitOfWork,
    actor: Actor,
    *,
    since: date | None = None,
    staff_name: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    timezone: str = "UTC",
    limit: int | None = None,
) -> list[AuditView]:
    """Entries oldest first; ``since`` is a day in the shop's timezone."""
    require(actor, "audit.view")
    query = select(AuditEntry)
    if since is not None:
        start, _end = day_bounds_utc(since, timezone)
        query = query.where(col(AuditEntry.at) >= timestamp_text(start))
    if staff_name:
        query = query.where(col(AuditEntry.staff_name) == staff_name)
    if entity:
        query = query.where(col(AuditEntry.entity) == entity)
    if entity_id is not None:
        query = query.where(col(AuditEntry.entity_id) == entity_id)
    if limit is not None:
        query = query.order_by(col(AuditEntry.seq).desc()).limit(limit)
    else:
        query = query.order_by(col(AuditEntry.seq))
    with uow.read() as session:
        entries = [_view(row) for row in session.exec(query)]
    if limit is not None:
        entries.reverse()
    return entries


BREAK_REASONS = {
    "missing": N_("entry {seq} is missing (deleted)"),
    "out_of_order": N_("entry {seq} is out of order (moved or replaced)"),
    "altered": N_("entry {seq} was altered after it was written"),
    "truncated": N_("the log ends before entry {seq}: later entries were removed"),
}


@dataclass(frozen=True)
class VerifyReport:
    entries_checked: int
    first_bad_seq: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None

    def describe(self) -> str:
        if self.ok:
            return _("Audit chain intact: {count} entries verified.").format(
                count=self.entries_checked
            )
        template = BREAK_REASONS.get(self.reason or "", N_("entry {seq} does not verify"))
        return _("Audit chain broken: {problem}.").format(
            problem=_(template).format(seq=self.first_bad_seq)
        )


def verify_chain(uow: UnitOfWork) -> VerifyReport:
    """Recompute every hash in order; report the first entry that does not verify."""
    with uow.read() as session:
        head = session.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, "0" * 64)
        counted = 0

        def links() -> Iterator[tuple[ChainLink, str]]:
            nonlocal counted
            rows = session.exec(
                select(AuditEntry).order_by(col(AuditEntry.seq)).execution_options(yield_per=2000)
            )
            for row in rows:
                counted += 1
                link = ChainLink(
                    seq=row.seq,
                    at=row.at,
                    staff_id=row.staff_id,
                    staff_name=row.staff_name,
                    action=row.action,
                    entity=row.entity,
                    entity_id=row.entity_id,
                    before=row.before,
                    after=row.after,
                    prev_hash=row.prev_hash,
                )
                yield link, row.hash

        problem = find_break(links(), head_seq, head_hash)
    if problem is None:
        return VerifyReport(counted, None, None)
    return VerifyReport(counted, problem.seq, problem.reason)


@dataclass(frozen=True)
class DaySummary:
    actions: int
    failed_logins: int


def day_summary(uow: UnitOfWork, actor: Actor, day: date, timezone: str) -> DaySummary:
    """How many entries, and how many wrong PINs, on the shop's ``day``."""
    require(actor, "audit.view")
    start, end = day_bounds_utc(day, timezone)
    within = (col(AuditEntry.at) >= timestamp_text(start), col(AuditEntry.at) < timestamp_text(end))
    with uow.read() as session:
        actions = session.exec(select(func.count()).select_from(AuditEntry).where(*within)).one()
        failed = session.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(*within, col(AuditEntry.action) == "login.failed")
        ).one()
    return DaySummary(actions=actions, failed_logins=failed)
