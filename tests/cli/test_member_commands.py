"""`salon member …` and `salon card …` against a real shop on disk."""

from __future__ import annotations

import json

from sqlmodel import col, select

from salon_tui.data.models import Card, Member
from tests.cli.conftest import OWNER_ENV


def test_add_search_show_and_edit_a_member(run, initialised, reopen) -> None:
    added = run(
        "member",
        "add",
        "王芳",
        "--phone",
        "+86 138 0013 8000",
        "--birthday",
        "1990-03-05",
        "--level",
        "金卡会员",
        "--tags",
        "VIP",
        "--card",
        env=OWNER_ENV,
    )
    assert added.exit_code == 0, added.output
    assert "Card 88" in added.output or "88" in added.output
    found = run("member", "search", "wangf", "--json", env=OWNER_ENV)
    hits = json.loads(found.stdout)
    assert [(hit["name"], hit["phone"], hit["level"]) for hit in hits] == [
        ("王芳", "13800138000", "金卡会员")
    ]
    shown = run("member", "show", "13800138000", "--json", env=OWNER_ENV)
    assert json.loads(shown.stdout)["birthday"] == "1990-03-05"
    edited = run("member", "edit", hits[0]["card_number"], "--notes", "喜欢短发", env=OWNER_ENV)
    assert edited.exit_code == 0, edited.output
    with reopen().read() as session:
        member = session.exec(select(Member)).one()
        assert (member.phone, member.notes) == ("+8613800138000", "喜欢短发")


def test_a_duplicate_phone_is_refused_with_the_holders_name(run, initialised, reopen) -> None:
    run("member", "add", "段海燕", "--phone", "14726616630", env=OWNER_ENV)
    refused = run("member", "add", "宾军", "--phone", "14726616630", env=OWNER_ENV)
    assert refused.exit_code == 1
    assert "段海燕" in refused.stderr
    with reopen().read() as session:
        assert len(session.exec(select(Member)).all()) == 1


def test_lost_and_replaced_cards(run, initialised, reopen) -> None:
    run("member", "add", "张三", "--phone", "13900139001", env=OWNER_ENV)
    issued = run("card", "issue", "13900139001", "--number", "V100000", env=OWNER_ENV)
    assert issued.exit_code == 0, issued.output
    assert run("card", "lost", "V100000", env=OWNER_ENV).exit_code == 0
    replaced = run("card", "replace", "13900139001", env=OWNER_ENV)
    assert replaced.exit_code == 0, replaced.output
    with reopen().read() as session:
        statuses = dict(session.exec(select(Card.number, Card.status)).all())
    assert statuses["V100000"] == "replaced"
    assert sorted(statuses.values()) == ["active", "replaced"]
    searched = run("member", "search", "V100000", env=OWNER_ENV)
    assert "replaced" in searched.stderr and "张三" in searched.stdout


def test_a_card_with_a_wrong_check_digit_is_refused(run, initialised, reopen) -> None:
    run("member", "add", "张三", env=OWNER_ENV)
    refused = run("card", "issue", "#1", "--number", "880000000011", env=OWNER_ENV)
    assert refused.exit_code == 1 and "check digit" in refused.stderr
    with reopen().read() as session:
        assert session.exec(select(Card).where(col(Card.member_id) == 1)).all() == []


def test_merge_and_timeline(run, initialised, reopen) -> None:
    run("member", "add", "王芳", env=OWNER_ENV)
    run("member", "add", "王芳 Fang", "--phone", "13800138000", env=OWNER_ENV)
    merged = run("member", "merge", "#1", "#2", env=OWNER_ENV)
    assert merged.exit_code == 0, merged.output
    timeline = run("member", "timeline", "#1", env=OWNER_ENV)
    assert "Merged with member #2" in timeline.stdout
    with reopen().read() as session:
        first = session.get(Member, 1)
        assert first is not None and first.phone == "+8613800138000"


def test_list_by_segment(run, initialised) -> None:
    run("member", "add", "甲", "--tags", "VIP", env=OWNER_ENV)
    run("member", "add", "乙", env=OWNER_ENV)
    listed = run("member", "list", "--segment", "tag:VIP", "--json", env=OWNER_ENV)
    assert [hit["name"] for hit in json.loads(listed.stdout)] == ["甲"]


def test_import_the_legacy_members_then_export_them(run, initialised, reopen, tmp_path) -> None:
    from pathlib import Path

    source = Path(__file__).resolve().parents[1] / "data" / "import" / "members_legacy_gbk.csv"
    menu = run("import", "services", str(source.with_name("services.csv")), env=OWNER_ENV)
    assert menu.exit_code == 0, menu.output
    checked = run("import", "members", str(source), env=OWNER_ENV)
    assert checked.exit_code == 1
    assert "36 rows, 30 importable, 6 with problems." in checked.stdout
    assert "not imported" not in checked.stdout
    done = run("import", "members", str(source), "--skip-invalid", env=OWNER_ENV)
    assert done.exit_code == 0, done.output
    assert "Imported in one transaction: added 30, updated 0, unchanged 0, cards 30." in done.stdout
    assert "Opening stored value for 24 members: CN¥106,422.36 principal, CN¥1,350.00 bonus." in (
        done.stdout
    )
    assert "Opening points for 30 members: 58,479 points." in done.stdout
    assert "Packages brought over: 22, with 101 uses left." in done.stdout
    with reopen().read() as session:
        assert len(session.exec(select(Member)).all()) == 30
    target = tmp_path / "members.csv"
    exported = run("export", "members", "--out", str(target), env=OWNER_ENV)
    assert exported.exit_code == 0, exported.output
    text = target.read_text(encoding="utf-8-sig")
    assert "V100000" in text and "18787789328" in text
    # The name that looks like a formula is written as text, never as a formula.
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text


def test_the_owner_exports_then_erases_a_members_personal_data(
    run, initialised, reopen, tmp_path
) -> None:
    run("member", "add", "段海燕", "--phone", "14726616630", "--notes", "怕冷", env=OWNER_ENV)
    out = tmp_path / "duan.json"
    exported = run(
        "member", "export-personal-data", "14726616630", "--out", str(out), env=OWNER_ENV
    )
    assert exported.exit_code == 0, exported.output
    sheets = {sheet["title"]: sheet["rows"] for sheet in json.loads(out.read_text())["sheets"]}
    assert {"Field": "Notes", "Value": "怕冷"} in sheets["Profile"]
    unconfirmed = run("member", "erase", "14726616630", env=OWNER_ENV)
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.stderr
    with reopen().read() as session:
        assert session.exec(select(Member)).one().name == "段海燕"
    erased = run("member", "erase", "14726616630", "--yes", env=OWNER_ENV)
    assert erased.exit_code == 0, erased.output
    with reopen().read() as session:
        member = session.exec(select(Member)).one()
        assert (member.name, member.phone, member.notes, member.erased) == (
            f"Erased member #{member.id}",
            None,
            "",
            True,
        )
    again = run("member", "erase", f"#{member.id}", "--yes", env=OWNER_ENV)
    assert again.exit_code == 1 and "already erased" in again.stderr


def test_on_a_terminal_a_name_that_reads_as_markup_is_listed_as_typed(
    run, initialised, monkeypatch
) -> None:
    from salon_tui.commands import _common

    added = run("member", "add", "[/] [b]王\u202e芳", "--phone", "13800138000", env=OWNER_ENV)
    assert added.exit_code == 0, added.output
    monkeypatch.setattr(_common, "on_terminal", lambda: True)  # a rich table, not tabs
    found = run("member", "search", "8000", env=OWNER_ENV)
    assert found.exit_code == 0, found.output
    assert "[/] [b]王芳" in found.stdout and "\u202e" not in found.stdout
