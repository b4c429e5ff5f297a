"""The hash chain detects edits, deletions, reordering and truncation."""

from __future__ import annotations

from dataclasses import replace

from salon_tui.domain.audit_chain import GENESIS_HASH, ChainLink, find_break, link_hash


def make_chain(length: int) -> list[tuple[ChainLink, str]]:
    chain = []
    previous = GENESIS_HASH
    for seq in range(1, length + 1):
        link = ChainLink(
            seq,
            f"2026-11-22T02:00:0{seq}.000000Z",
            1,
            "A",
            "x",
            "y",
            str(seq),
            "{}",
            "{}",
            previous,
        )
        digest = link_hash(link)
        chain.append((link, digest))
        previous = digest
    return chain


def test_an_untouched_chain_verifies() -> None:
    chain = make_chain(5)
    assert find_break(chain, 5, chain[-1][1]) is None


def test_an_edited_field_is_found() -> None:
    chain = make_chain(5)
    link, digest = chain[2]
    chain[2] = (replace(link, after='{"amount":1}'), digest)
    problem = find_break(chain, 5, chain[-1][1])
    assert problem is not None and (problem.seq, problem.reason) == (3, "altered")


def test_a_deleted_entry_is_found() -> None:
    chain = make_chain(5)
    del chain[1]
    problem = find_break(chain, 5, chain[-1][1])
    assert problem is not None and (problem.seq, problem.reason) == (2, "missing")


def test_swapped_entries_are_found() -> None:
    chain = make_chain(5)
    (a, ha), (b, hb) = chain[1], chain[2]
    chain[1], chain[2] = (replace(b, seq=2), hb), (replace(a, seq=3), ha)
    problem = find_break(chain, 5, chain[-1][1])
    assert problem is not None and problem.seq == 2


def test_a_cut_off_tail_is_found_through_the_head() -> None:
    chain = make_chain(5)
    head_hash = chain[-1][1]
    problem = find_break(chain[:3], 5, head_hash)
    assert problem is not None and (problem.seq, problem.reason) == (4, "truncated")
