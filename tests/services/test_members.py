"""Member profiles: phones, birthdays, one phone per member, archive, merge, privacy."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from salon_tui.data.models import AuditEntry, Card, Member
from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.errors import Conflict, PermissionDenied, ValidationError
from salon_tui.services import cards, member_levels, member_merge, member_safety, members
from salon_tui.services.member_segments import list_members, save_segment
from salon_tui.services.member_timeline import member_timeline


def test_a_new_shop_starts_with_three_levels_in_its_language(uow: UnitOfWork, owner: Actor) -> None:
    names = [level.name for level in member_levels.list_levels(uow, owner)]
    assert names == ["普通会员", "银卡会员", "金卡会员"]


def test_adding_a_member_normalises_the_phone_and_gives_the_lowest_level(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    added = members.add_member(
        uow, owner, name="  王芳 ", phone="+86 138 0013 8000", birthday="1990/3/5", gender="女"
    )
    assert (added.name, added.phone, added.birthday, added.gender) == (
        "王芳",
        "13800138000",
        "1990-03-05",
        "female",
    )
    assert added.level == "普通会员"
    with uow.read() as session:
        stored = session.get(Member, added.id)
        assert stored is not None
        assert (stored.phone, stored.phone_tail) == ("+8613800138000", "8000")


def test_full_width_digits_are_accepted_in_phones(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="刘建", phone="１５１９５４９０２６７")
    assert added.phone == "15195490267"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "1516814538"),
        ("phone", "not a phone"),
        ("birthday", "1990-02-30"),
        ("birthday", "1890-01-01"),
        ("birthday", "2030-01-01"),
        ("name", ""),
        ("name", "x" * 201),
        ("gender", "robot"),
        ("level", "钻石会员"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_added(
    uow: UnitOfWork, owner: Actor, clock, field: str, value: str
) -> None:
    fields = {"name": "张三", field: value}
    with pytest.raises(ValidationError) as refused:
        members.add_member(uow, owner, **fields)
    assert refused.value.field == field
    assert list_members(uow, owner) == []


def test_a_birthday_without_a_year_is_kept_as_month_and_day(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    added = members.add_member(uow, owner, name="文浩", birthday="9月14日")
    assert added.birthday == "--09-14"


def test_names_are_stored_as_typed_even_with_formula_characters_and_emoji(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    for name in ("=HYPERLINK(1)", "+ok", "@home", "Lily 🌸", "\u200fمريم"):
        assert members.add_member(uow, owner, name=name).name == name


def test_a_duplicate_phone_is_refused_naming_the_holder(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    first = members.add_member(uow, owner, name="段海燕", phone="14726616630")
    with pytest.raises(Conflict, match=f"段海燕 \\(#{first.id}\\)") as refused:
        members.add_member(uow, owner, name="宾军", phone="147 2661 6630")
    assert refused.value.field == "phone"  # a form puts the cursor on the phone
    other = members.add_member(uow, owner, name="宾军")
    with pytest.raises(Conflict, match="段海燕"):
        members.edit_member(uow, owner, other.id, phone="14726616630")


def test_an_archived_members_phone_is_free_but_restoring_checks_it_again(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    first = members.add_member(uow, owner, name="甲", phone="13800138000")
    members.archive_member(uow, owner, first.id)
    second = members.add_member(uow, owner, name="乙", phone="13800138000")
    with pytest.raises(Conflict, match="乙"):
        members.restore_member(uow, owner, first.id)
    members.archive_member(uow, owner, second.id)
    assert members.restore_member(uow, owner, first.id).status == "active"


def test_editing_an_archived_member_is_refused(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="甲")
    members.archive_member(uow, owner, added.id)
    with pytest.raises(Conflict, match="restore"):
        members.edit_member(uow, owner, added.id, notes="x")


def test_the_audit_keeps_changed_field_names_not_personal_values(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    added = members.add_member(uow, owner, name="王芳", phone="13800138000")
    members.edit_member(uow, owner, added.id, phone="13900139000", notes="喜欢短发")
    with uow.read() as session:
        entries = session.exec(select(AuditEntry).where(col(AuditEntry.entity) == "member")).all()
    text = " ".join(entry.before + entry.after for entry in entries)
    assert "13900139000" not in text and "喜欢短发" not in text and "王芳" not in text
    assert json.loads(entries[-1].after) == {"changed": ["notes", "phone"]}


def test_a_stylist_sees_a_masked_phone_and_no_birth_year(
    uow: UnitOfWork, owner: Actor, make_actor, clock
) -> None:
    added = members.add_member(uow, owner, name="王芳", phone="13800138000", birthday="1990-03-05")
    stylist = make_actor(Role.STYLIST)
    seen = members.get_member(uow, stylist, added.id)
    assert (seen.phone, seen.birthday) == ("138****8000", "--03-05")
    with pytest.raises(PermissionDenied):
        members.edit_member(uow, stylist, added.id, notes="x")


def test_level_changes_keep_a_history_with_the_reason(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="王芳")
    members.edit_member(uow, owner, added.id, level="金卡会员")
    events = member_timeline(uow, owner, added.id)
    assert any("普通会员 → 金卡会员" in event.text for event in events)


def test_merging_moves_cards_safety_records_and_fills_the_profile(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    keep = members.add_member(uow, owner, name="王芳", tags="VIP")
    drop = members.add_member(
        uow, owner, name="王芳 Fang", phone="13800138000", birthday="1990-03-05", tags="学生"
    )
    cards.issue_card(uow, owner, keep.id)
    dropped_card = cards.issue_card(uow, owner, drop.id)
    member_safety.add_allergy(uow, owner, drop.id, "PPD")
    result = member_merge.merge_members(uow, owner, keep.id, drop.id)
    assert result.moved["cards"] == 1 and result.moved["allergies"] == 1
    kept = members.get_member(uow, owner, keep.id)
    assert kept.phone == "13800138000" and kept.birthday == "1990-03-05"
    assert kept.tags == ("VIP", "学生") and kept.allergies == ("PPD",)
    assert {card.status for card in kept.cards} == {"active", "merged"}
    merged = members.get_member(uow, owner, drop.id)
    assert (merged.status, merged.merged_into_id) == ("archived", keep.id)
    with uow.read() as session:
        card = session.exec(select(Card).where(col(Card.number) == dropped_card.number)).one()
        assert card.member_id == keep.id


def test_merging_a_member_into_itself_is_refused(uow: UnitOfWork, owner: Actor, clock) -> None:
    added = members.add_member(uow, owner, name="王芳")
    with pytest.raises(Conflict, match="themselves"):
        member_merge.merge_members(uow, owner, added.id, added.id)


def test_front_desk_cannot_merge(uow: UnitOfWork, make_actor, owner: Actor, clock) -> None:
    one = members.add_member(uow, owner, name="甲")
    two = members.add_member(uow, owner, name="乙")
    with pytest.raises(PermissionDenied):
        member_merge.merge_members(uow, make_actor(Role.FRONT_DESK), one.id, two.id)


def test_segments_find_birthdays_this_week_tags_and_levels(
    uow: UnitOfWork, owner: Actor, clock
) -> None:
    # The clock says Sunday 2026-11-22 in Shanghai.
    members.add_member(uow, owner, name="本周", birthday="1990-11-25", tags="VIP")
    members.add_member(uow, owner, name="下月", birthday="12-20", level="金卡会员")
    assert [hit.name for hit in list_members(uow, owner, segment="birthdays-week")] == ["本周"]
    assert [hit.name for hit in list_members(uow, owner, segment="tag:vip")] == ["本周"]
    assert [hit.name for hit in list_members(uow, owner, segment="level:金卡会员")] == ["下月"]
    save_segment(uow, owner, "十二月生日", "birthdays-month:12")
    assert [hit.name for hit in list_members(uow, owner, segment="十二月生日")] == ["下月"]
    with pytest.raises(ValidationError):
        list_members(uow, owner, segment="not-seen:soon")


def test_patch_tests_are_valid_for_the_categorys_days(uow: UnitOfWork, owner: Actor, clock) -> None:
    from datetime import date

    added = members.add_member(uow, owner, name="王芳")
    test = member_safety.add_patch_test(
        uow, owner, added.id, "2026-11-01", "Wella Koleston", "pass"
    )
    assert test.valid_until == date(2027, 4, 30)
    with uow.read() as session:
        assert member_safety.has_valid_patch_test(session, added.id, "colour", date(2026, 12, 1))
        assert not member_safety.has_valid_patch_test(session, added.id, "lash", date(2026, 12, 1))
    with pytest.raises(ValidationError):
        member_safety.add_patch_test(uow, owner, added.id, "2027-01-01", "X", "pass")
