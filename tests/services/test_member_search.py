"""One search box: card, phone, last four digits, name fragments and pinyin, ranked."""

from __future__ import annotations

import pytest

from salon_tui.data.uow import UnitOfWork
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.services import cards, members
from salon_tui.services.member_search import grams_for, search_members


@pytest.fixture
def people(uow: UnitOfWork, owner: Actor, clock) -> dict[str, int]:
    made = {}
    for name, phone in [
        ("王芳", "13800138000"),
        ("张三", "13900139001"),
        ("王芳芳", "13700137002"),
        ("李王", "13600136003"),
        ("Olivia Chen", "13500135004"),
    ]:
        made[name] = members.add_member(uow, owner, name=name, phone=phone).id
    return made


def names(uow: UnitOfWork, actor: Actor, query: str, **options: object) -> list[str]:
    return [hit.name for hit in search_members(uow, actor, query, **options).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wangf", ["王芳", "王芳芳"]),
        ("zs", ["张三"]),
        ("zhangsan", ["张三"]),
        ("ZHANGS", ["张三"]),
        ("ｚｓ", ["张三"]),
        ("芳", ["王芳", "王芳芳"]),
        ("王", ["王芳", "王芳芳", "李王"]),
        ("8000", ["王芳"]),
        ("８０００", ["王芳"]),
        ("13900139001", ["张三"]),
        ("+86 139 0013 9001", ["张三"]),
        ("oliv", ["Olivia Chen"]),
        ("chen", ["Olivia Chen"]),
        ("oc", ["Olivia Chen"]),
        ("nobody", []),
    ],
)
def test_each_kind_of_query_finds_the_member(
    uow: UnitOfWork, owner: Actor, people: dict[str, int], query: str, expected: list[str]
) -> None:
    assert names(uow, owner, query) == expected


def test_names_that_start_with_the_query_come_before_the_rest(
    uow: UnitOfWork, owner: Actor, people: dict[str, int]
) -> None:
    assert names(uow, owner, "王")[-1] == "李王"


def test_an_exact_card_comes_first(uow: UnitOfWork, owner: Actor, people: dict[str, int]) -> None:
    card = cards.issue_card(uow, owner, people["张三"])
    result = search_members(uow, owner, card.number)
    assert [(hit.name, hit.match) for hit in result.hits] == [("张三", "card")]
    assert result.hits[0].card_number == card.number


def test_a_card_with_a_wrong_check_digit_says_so(
    uow: UnitOfWork, owner: Actor, people: dict[str, int]
) -> None:
    card = cards.issue_card(uow, owner, people["张三"])
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    assert "check digit" in search_members(uow, owner, wrong).notice


def test_archived_members_appear_only_on_request(
    uow: UnitOfWork, owner: Actor, people: dict[str, int]
) -> None:
    members.archive_member(uow, owner, people["王芳"])
    assert names(uow, owner, "wangf") == ["王芳芳"]
    assert names(uow, owner, "wangf", include_archived=True) == ["王芳芳", "王芳"]
    assert names(uow, owner, "8000") == []


def test_renaming_updates_the_search(uow: UnitOfWork, owner: Actor, people: dict[str, int]) -> None:
    members.edit_member(uow, owner, people["张三"], name="赵六")
    assert names(uow, owner, "zs") == []
    assert names(uow, owner, "zl") == ["赵六"]


def test_a_stylist_sees_masked_phones_in_results(
    uow: UnitOfWork, owner: Actor, make_actor, people: dict[str, int]
) -> None:
    hit = search_members(uow, make_actor(Role.STYLIST), "zs").hits[0]
    assert hit.phone == "139****9001"


def test_allergies_show_in_results(uow: UnitOfWork, owner: Actor, people: dict[str, int]) -> None:
    from salon_tui.services import member_safety

    member_safety.add_allergy(uow, owner, people["张三"], "PPD", "rash", "severe")
    assert search_members(uow, owner, "zs").hits[0].allergies == "PPD"


def test_grams_hold_name_fragments_and_pinyin_kinds() -> None:
    grams = grams_for("王芳")
    assert {"1王", "1王芳", "2芳", "3wangfang", "3wf", "4fang", "4f"} <= grams
