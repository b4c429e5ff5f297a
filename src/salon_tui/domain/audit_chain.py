"""The audit log's hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so an edited,
deleted, reordered or truncated log no longer verifies. Hashing is over a canonical
JSON text of exactly what is stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


# One encoder for every entry: ``json.dumps`` with options builds a new one per call,
# which is most of the cost when an import appends 200,000 entries.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
)


def canonical_json(value: Any) -> str:
    """Stable JSON: sorted keys, no spaces, non-ASCII kept, dates as ISO text."""
    return _CANONICAL.encode(value)


@dataclass(frozen=True)
class ChainLink:
    """The stored fields of one audit entry that its hash covers."""

    seq: int
    at: str
    staff_id: int | None
    staff_name: str
    action: str
    entity: str
    entity_id: str
    before: str
    after: str
    prev_hash: str


def link_hash(link: ChainLink) -> str:
    return fields_hash(
        [
            link.seq,
            link.at,
            link.staff_id,
            link.staff_name,
            link.action,
            link.entity,
            link.entity_id,
            link.before,
            link.after,
            link.prev_hash,
        ]
    )


def fields_hash(fields: list[Any]) -> str:
    """The hash of a link given as its ten fields in ``ChainLink``'s order (bulk appends)."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not verify, and why."""

    seq: int
    reason: str


def find_break(
    links: Iterable[tuple[ChainLink, str]], head_seq: int, head_hash: str
) -> ChainBreak | None:
    """Walk ``(link, stored_hash)`` pairs in ``seq`` order; the first break, or None.

    ``head_seq``/``head_hash`` is the anchor kept beside the log: it catches a log whose
    last entries were cut off, which a chain alone cannot show.
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for link, stored_hash in links:
        if link.seq != expected_seq:
            return ChainBreak(expected_seq, "missing")
        if link.prev_hash != prev_hash:
            return ChainBreak(link.seq, "out_of_order")
        if link_hash(link) != stored_hash:
            return ChainBreak(link.seq, "altered")
        prev_hash = stored_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if last_seq != head_seq or prev_hash != head_hash:
        return ChainBreak(last_seq + 1 if last_seq < head_seq else head_seq, "truncated")
    return None
