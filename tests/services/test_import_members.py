"""Importing the legacy member list: the expected report, all or nothing, no duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from salon_tui.data.models import Allergy, Card, Member, StoredValueEntry
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.services import imports

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
EXPECTED = json.loads((DATA / "members_legacy.expected.json").read_text(encoding="utf-8"))
FILES = ["members_legacy.xlsx", "members_legacy_gbk.csv"]


@pytest.fixture
def menu(uow: UnitOfWork, owner: Actor) -> None:
    """The service menu first, as the README says: the packages column names its services."""
    imports.run_import(uow, owner, "services", DATA / "services.csv", imports.ImportOptions())


def summary(report: imports.ImportReport) -> dict[str, object]:
    return {
        "rows": report.rows,
        "importable": report.importable,
        "errors": [{"row": p.row, "kind": p.kind} for p in report.problems],
    }


@pytest.mark.parametrize("name", FILES)
def test_the_legacy_file_gives_the_expected_report_and_writes_nothing(
    uow: UnitOfWork, owner: Actor, clock, menu: None, name: str
) -> None:
    report = imports.run_import(uow, owner, "members", DATA / name, imports.ImportOptions())
    assert summary(report) == EXPECTED
    assert report.written == {}
    # Every column the file has is imported: stored value, points and packages too.
    assert report.not_imported == []
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(Member)).one() == 0


@pytest.mark.parametrize("name", FILES)
def test_skip_invalid_imports_the_good_rows_once(
    uow: UnitOfWork, owner: Actor, clock, menu: None, name: str
) -> None:
    options = imports.ImportOptions(skip_invalid=True)
    report = imports.run_import(uow, owner, "members", DATA / name, options)
    assert report.written == {"added": 30, "updated": 0, "unchanged": 0, "cards": 30}
    with uow.read() as session:
        openings = session.exec(
            select(func.count())
            .select_from(StoredValueEntry)
            .where(col(StoredValueEntry.kind) == "opening")
        ).one()
    assert openings > 0  # the balance columns became opening balances
    again = imports.run_import(uow, owner, "members", DATA / name, options)
    assert again.written["added"] == 0 and again.written["unchanged"] == 30
    with uow.read() as session:
        assert session.exec(select(func.count()).select_from(StoredValueEntry)).one() == openings
    with uow.read() as session:
        members = session.exec(select(Member)).all()
        assert len(members) == 30
        by_name = {m.name: m for m in members}
        assert by_name["刘建"].phone == "+8615195490267"  # full-width digits
        assert by_name["孙文"].phone == "+8618962773068"  # +86 with spaces
        assert '=HYPERLINK("http://example.invalid","点我")' in by_name
        assert by_name["文浩"].birth_year is None and by_name["文浩"].birth_month == 9
        assert by_name["张坤"].referrer_id == by_name["王凯"].id
        assert (
            session.exec(select(Card.number).where(col(Card.member_id) == by_name["李莉"].id)).one()
            == "V100000"
        )
        assert session.exec(select(func.count()).select_from(Allergy)).one() == 10


def test_create_levels_adds_the_missing_level(
    uow: UnitOfWork, owner: Actor, clock, menu: None
) -> None:
    options = imports.ImportOptions(dry_run=True, create_levels=True)
    report = imports.run_import(uow, owner, "members", DATA / FILES[0], options)
    assert "unknown_level" not in {p.kind for p in report.problems}


def test_imported_members_have_their_story_and_search_on_an_unbroken_chain(
    uow: UnitOfWork, owner: Actor, clock, menu: None
) -> None:
    from salon_tui.services import audit
    from salon_tui.services.member_search import search_members
    from salon_tui.services.member_timeline import member_timeline

    options = imports.ImportOptions(skip_invalid=True)
    imports.run_import(uow, owner, "members", DATA / FILES[0], options)
    assert audit.verify_chain(uow).ok
    hit = search_members(uow, owner, "李莉").hits[0]
    texts = [event.text for event in member_timeline(uow, owner, hit.id)]
    assert "Became a member" in texts
    assert "Card V100000 issued" in texts
    # Found by pinyin too: the search grams went in with the members.
    assert hit.id in {found.id for found in search_members(uow, owner, "lili").hits}
    # Members added after the import continue the ids and the chain.
    from salon_tui.services.members import add_member

    added = add_member(uow, owner, name="新客 Amy", phone="13900001111")
    assert added.id > hit.id
    assert audit.verify_chain(uow).ok
