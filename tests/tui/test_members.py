"""The Members area (F3): search as you type, add/edit with messages, cards, privacy."""

from __future__ import annotations

import pytest
from rich.text import Text
from sqlmodel import col, select
from textual.widgets import DataTable, Input, OptionList, Static

from salon_tui.app import SalonApp
from salon_tui.data.models import Card, Member
from salon_tui.domain.actor import Actor
from salon_tui.domain.permissions import Role
from salon_tui.screens.members import MembersScreen
from salon_tui.screens.modals.member_card import CardModal
from salon_tui.screens.modals.member_form import MemberFormModal
from salon_tui.services import cards, database, member_safety, members, staff
from salon_tui.widgets.member_results import MemberResults
from tests.tui.conftest import PEOPLE, SIZE, log_in, settle
from tests.tui.test_hardware_screens import open_settings

pytestmark = pytest.mark.usefixtures("shop_on_disk")


@pytest.fixture
def some_members() -> dict[str, int]:
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    made = {}
    for name, phone in [("张三", "13900139001"), ("王芳", "13800138000"), ("李四", "13700137000")]:
        made[name] = members.add_member(uow, owner, name=name, phone=phone).id
    cards.issue_card(uow, owner, made["王芳"], "V100000")
    member_safety.add_allergy(uow, owner, made["王芳"], "PPD", "头皮红肿", "severe")
    uow.dispose()
    return made


def stored() -> list[Member]:
    uow = database.open_shop_database()
    try:
        with uow.read() as session:
            return list(session.exec(select(Member).order_by(col(Member.id))))
    finally:
        uow.dispose()


def results(app: SalonApp) -> MemberResults:
    return app.screen.query_one("#member-results", MemberResults)


def result_names(app: SalonApp) -> list[str]:
    return [row[0] for row in results(app).rows]


def profile(app: SalonApp) -> str:
    return str(app.screen.query_one("#member-profile", Static).content)


async def open_members(pilot, who: str = "desk") -> None:
    await log_in(pilot, who)
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MembersScreen)


async def type_query(pilot, text: str) -> None:
    for key in text:
        await pilot.press(key)
    await settle(pilot)


async def test_results_follow_each_keystroke(some_members: dict[str, int]) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "z")
        assert result_names(app) == ["张三"]
        await pilot.press("backspace")
        await type_query(pilot, "wangf")
        assert result_names(app) == ["王芳"]
        assert "ALLERGY: PPD" in profile(app)
        await pilot.press(*["backspace"] * 5)
        await type_query(pilot, "8000")
        assert result_names(app) == ["王芳"]


async def test_a_lost_card_scanned_says_whose_it_was(some_members: dict[str, int]) -> None:
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    cards.report_lost(uow, Actor(found.id, found.name, Role.OWNER), "V100000")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "V100000")
        notice = str(app.screen.query_one("#member-notice", Static).content)
        assert "reported lost" in notice and "王芳" in notice
        assert result_names(app) == ["王芳"]


async def test_adding_shows_the_services_message_and_keeps_the_form_open() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MemberFormModal)
        form.query_one("#name", Input).value = "赵敏"
        form.query_one("#phone", Input).value = "1516814538"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "not a valid phone" in str(form.query_one("#form-message", Static).content)
        assert stored() == []
        form.query_one("#phone", Input).value = "+86 151 6814 5380"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert result_names(app) == ["赵敏"]
    assert [(m.name, m.phone) for m in stored()] == [("赵敏", "+8615168145380")]


async def test_editing_changes_only_what_was_typed(some_members: dict[str, int]) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "zs")
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one("#notes", Input).value = "喜欢短发"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "喜欢短发" in profile(app)
    zhang = next(m for m in stored() if m.name == "张三")
    assert (zhang.notes, zhang.phone) == ("喜欢短发", "+8613900139001")


async def test_report_lost_then_replace_from_the_card_dialog(some_members: dict[str, int]) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "wangf")
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, CardModal)
        await pilot.click("#lost")
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        await pilot.click("#replace")
        await settle(pilot)
        assert "(in use)" in profile(app) and "V100000 (replaced)" in profile(app)
    uow = database.open_shop_database()
    with uow.read() as session:
        statuses = sorted(session.exec(select(Card.status)).all())
    uow.dispose()
    assert statuses == ["active", "replaced"]


async def test_a_stylist_sees_masked_phones_and_cannot_add(some_members: dict[str, int]) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, "stylist")
        await type_query(pilot, "zs")
        assert results(app).rows[0][1] == "139****9001"
        assert "139****9001" in profile(app) and "13900139001" not in profile(app)


async def test_levels_are_listed_in_settings() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_settings(pilot, "levels")
        table = app.screen.query_one("#levels-table", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "Regular",
            "Silver",
            "Gold",
        ]


async def test_the_home_panel_counts_members(some_members: dict[str, int]) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        texts = " ".join(str(widget.content) for widget in app.screen.query(Static))
        assert "3 members" in texts


async def test_ctrl_o_opens_the_cards_screen_on_the_member_shown_to_top_up(
    some_members: dict[str, int],
) -> None:
    from salon_tui.screens.cards import CardsScreen
    from salon_tui.screens.modals.prepaid_forms import PrepaidFormModal

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        app.screen.query_one("#member-search", Input).value = "13700137000"
        await settle(pilot)
        assert "李四" in profile(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CardsScreen)
        assert "李四" in str(screen.query_one("#cards-member", Static).content)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, PrepaidFormModal)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        app.screen.query_one("#member-search", Input).value = "13800138000"
        await settle(pilot)
        await pilot.press("ctrl+o")  # the Cards screen, open already, shows the next one
        await settle(pilot)
        assert "王芳" in str(app.screen.query_one("#cards-member", Static).content)


async def test_ctrl_y_shows_the_members_history_with_level_changes(
    some_members: dict[str, int],
) -> None:
    from salon_tui.screens.modals.member_timeline import TimelineModal

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    members.edit_member(
        uow, Actor(found.id, found.name, Role.OWNER), some_members["王芳"], level="Gold"
    )
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "wangf")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert isinstance(app.screen, TimelineModal)
        table = app.screen.query_one("#timeline", DataTable)
        texts = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert any("Regular → Gold (changed by hand)" in text for text in texts)
        assert "Card V100000 issued" in texts and "Became a member" in texts
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)


async def test_ctrl_g_merges_a_duplicate_into_the_member_shown(
    some_members: dict[str, int],
) -> None:
    from salon_tui.screens.modals.member_merge import MergeModal

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, "manager")
        await type_query(pilot, "wangf")
        await pilot.press("ctrl+g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MergeModal)
        await type_query(pilot, "13700137000")
        await pilot.press("enter")  # to the results
        await pilot.press("enter")  # 李四 chosen
        await settle(pilot)
        question = str(dialog.query_one("#merge-question", Static).content)
        assert "李四" in question and "王芳" in question
        await pilot.press("enter")  # Merge
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
    li = next(m for m in stored() if m.name == "李四")
    assert (li.status, li.merged_into_id) == ("archived", some_members["王芳"])


async def test_merging_is_refused_to_the_front_desk_before_any_dialog(
    some_members: dict[str, int],
) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, "desk")
        await type_query(pilot, "wangf")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
    assert all(m.status == "active" for m in stored())


async def test_ctrl_f_lists_a_segment_refuses_a_bad_parameter_and_saves_it(
    some_members: dict[str, int],
) -> None:
    from textual.widgets import Select

    from salon_tui.screens.modals.member_segments import SegmentModal
    from salon_tui.services.member_segments import saved_segments

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    members.edit_member(uow, owner, some_members["张三"], tags="VIP")
    uow.dispose()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SegmentModal)
        dialog.query_one("#segment-rule", Select).value = "level"
        await settle(pilot)
        dialog.query_one("#segment-parameter", Input).value = "钻石会员"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "no level called" in str(dialog.query_one("#form-message", Static).content)
        dialog.query_one("#segment-rule", Select).value = "tag"
        await settle(pilot)
        dialog.query_one("#segment-parameter", Input).value = "VIP"
        dialog.query_one("#segment-name", Input).value = "贵宾"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert result_names(app) == ["张三"]
        notice = str(app.screen.query_one("#member-notice", Static).content)
        assert "贵宾" in notice and "1 members" in notice
    uow = database.open_shop_database()
    assert saved_segments(uow) == {"贵宾": "tag:VIP"}
    uow.dispose()


TRICKY_NAME = '=HYPERLINK("x") [/] [@click=app.quit]王\u202e芳 👩\u200d🦰'


async def test_names_with_markup_bidi_controls_and_emoji_are_shown_literally_everywhere() -> None:

    from salon_tui.services import drawer

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    tricky = members.add_member(uow, owner, name=TRICKY_NAME, phone="13800138000").id
    member_safety.add_allergy(uow, owner, tricky, "[b]PPD[/b]", "", "severe")
    members.add_member(uow, owner, name="@" + "长" * 199, phone="13700137000")
    drawer.open_drawer(uow, owner, 10_000)
    uow.dispose()
    literal = TRICKY_NAME.replace("\u202e", "")
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "8000")
        assert result_names(app) == [literal]
        assert literal in profile_plain(app) and "ALLERGY: [b]PPD[/b]" in profile_plain(app)
        await pilot.press("ctrl+y")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#member-search", Input).value = "@长长"
        await settle(pilot)
        assert [len(name) for name in result_names(app)] == [200]
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press(*"8000")
        await settle(pilot)
        options = app.screen.query_one("#member-options", OptionList)
        prompt = _cell(str(options.get_option_at_index(1).prompt)).plain
        assert literal in prompt and "[b]PPD[/b]" in prompt
        await pilot.press("enter")
        await settle(pilot)
        assert literal in str(app.screen.query_one("#checkout-member", Static).render())
        assert app.is_running


def _cell(markup: str):
    from rich.text import Text

    return Text.from_markup(markup)


def profile_plain(app: SalonApp) -> str:
    return str(app.screen.query_one("#member-profile", Static).render())


async def test_the_form_sets_referrer_and_stylist_then_archives_and_restores(
    some_members: dict[str, int],
) -> None:
    from textual.widgets import Button, Select

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "zs")
        await pilot.press("ctrl+e")
        await settle(pilot)
        form = app.screen
        form.query_one("#referrer", Input).value = "13800138000"
        form.query_one("#preferred_stylist", Select).value = PEOPLE["stylist"][0]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Referred by: 王芳" in profile(app)
        assert f"Preferred stylist: {PEOPLE['stylist'][0]}" in profile(app)
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one("#archive", Button).press()
        await settle(pilot)
        assert "archived" in profile(app)
        await pilot.press("ctrl+e")
        await settle(pilot)
        form = app.screen
        assert not form.query("#ok") and form.query_one("#restore", Button)
        assert "restore the member before editing" in str(
            form.query_one("#form-message", Static).content
        )
        form.query_one("#restore", Button).press()
        await settle(pilot)
        assert "archived" not in profile(app)
    zhang = next(m for m in stored() if m.name == "张三")
    assert (zhang.status, zhang.referrer_id) == ("active", some_members["王芳"])


async def test_archiving_keeps_the_profile_when_the_search_answers_last(
    some_members: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search run after a change and the profile load race; a slow search (archived
    members hidden, so it finds nobody) must not replace the archived profile with
    "no member matches"."""
    import time

    from textual.widgets import Button

    from salon_tui.services import member_search

    real_search = member_search.search_members

    def slow_search(*args: object, **kwargs: object) -> object:
        time.sleep(0.3)
        return real_search(*args, **kwargs)  # type: ignore[arg-type]

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "zs")
        monkeypatch.setattr(member_search, "search_members", slow_search)
        await pilot.press("ctrl+e")
        await settle(pilot)
        app.screen.query_one("#archive", Button).press()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        assert "archived" in profile(app) and "No member matches" not in profile(app)
        assert screen.shown_member is not None and screen.shown_member.name == "张三"
        assert result_names(app) == []  # the list still follows the search


async def test_a_card_is_closed_from_the_card_dialog(some_members: dict[str, int]) -> None:
    from textual.widgets import Button

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "wangf")
        await pilot.press("ctrl+k")
        await settle(pilot)
        app.screen.query_one("#close", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert "V100000 (closed)" in profile(app)


async def test_no_action_lands_on_the_previous_member_while_the_next_one_loads(
    some_members: dict[str, int],
) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "wangf")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        assert screen.shown_member is not None and screen.shown_member.name == "王芳"
        screen.load_profile(some_members["张三"])
        assert screen.selected_member() is None  # Ctrl+K, Ctrl+G … wait for 张三
        await settle(pilot)
        assert screen.shown_member is not None and screen.shown_member.name == "张三"


@pytest.fixture
def three_wangs() -> dict[str, int]:
    """Three members found by ``wangf``; 王芳芳 archived."""
    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    owner = Actor(found.id, found.name, Role.OWNER)
    made = {
        name: members.add_member(uow, owner, name=name, phone=phone).id
        for name, phone in [
            ("汪帆", "13600136000"),
            ("王芳", "13800138000"),
            ("王芳芳", "13800138001"),
        ]
    }
    member_safety.add_allergy(uow, owner, made["王芳"], "PPD", "", "severe")
    members.archive_member(uow, owner, made["王芳芳"])
    uow.dispose()
    return made


async def test_the_cursor_keys_and_a_click_open_each_members_profile(
    three_wangs: dict[str, int],
) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await type_query(pilot, "wangf")
        assert sorted(result_names(app)) == ["汪帆", "王芳"]  # the archived one hidden
        first = result_names(app)[0]
        await pilot.press("enter")  # from the box to the results
        assert app.focused is results(app)
        await pilot.press("down")
        await settle(pilot)
        second = result_names(app)[1]
        assert results(app).cursor_row == 1 and profile_plain(app).startswith(second)
        await pilot.press("up")
        await settle(pilot)
        assert profile_plain(app).startswith(first)
        await pilot.click("#member-results", offset=(3, 2))  # the second row
        await settle(pilot)
        assert results(app).cursor_row == 1 and profile_plain(app).startswith(second)
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#member-search", Input)


async def test_archived_members_on_request_are_marked_and_dimmed_and_allergies_flagged(
    three_wangs: dict[str, int],
) -> None:
    from textual.geometry import Region

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await pilot.press("ctrl+r")  # archived members too
        await type_query(pilot, "wangf")
        table = results(app)
        rows = {row[0]: row for row in table.rows}
        assert set(rows) == {"汪帆", "王芳", "王芳芳 (archived)"}
        assert rows["王芳"][4] == "⚠" and rows["汪帆"][4] == ""
        strips = table.render_lines(Region(0, 0, table.size.width, table.row_count + 1))
        drawn = {strip.text.split()[0]: strip for strip in strips[1:]}
        # Textual draws "dim" as a fainter colour: the archived row's text is darker.
        assert brightness(drawn["王芳芳"]) < brightness(drawn["王芳"])


def brightness(strip) -> int:  # type: ignore[no-untyped-def]
    """How bright the text of a drawn row is (its first cell's colour)."""
    first = next(iter(strip))
    return sum(first.style.color.triplet)


async def test_a_person_typing_in_the_search_box_waits_for_no_scan_gap(
    some_members: dict[str, int],
) -> None:
    from tests.tui.test_hardware_screens import FakeClock, turn_keyboard_bursts_on

    turn_keyboard_bursts_on()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        app.hub.keyboard.clock = FakeClock(0.200)  # type: ignore[union-attr]
        await open_members(pilot)
        app.hub.keyboard.burst.max_gap = 60.0  # type: ignore[union-attr]
        search = app.screen.query_one("#member-search", Input)
        await pilot.press("z")
        assert search.value == "z"  # in the box now, not a minute later
        await settle(pilot)
        assert result_names(app) == ["张三"]


async def test_a_card_scanned_by_a_keyboard_scanner_lists_its_member_and_says_it_was_lost(
    some_members: dict[str, int],
) -> None:
    from tests.tui.test_hardware_screens import FakeClock, turn_keyboard_bursts_on

    uow = database.open_shop_database()
    found = staff.find_staff(uow, PEOPLE["owner"][0])
    cards.report_lost(uow, Actor(found.id, found.name, Role.OWNER), "V100000")
    uow.dispose()
    turn_keyboard_bursts_on()
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        app.hub.keyboard.clock = FakeClock(0.200)  # type: ignore[union-attr]
        await open_members(pilot)
        await type_query(pilot, "zs")
        app.hub.keyboard.clock = FakeClock(0.002)  # type: ignore[union-attr]
        await pilot.press(*"V100000", "enter")
        await settle(pilot)
        assert app.screen.query_one("#member-search", Input).value == "V100000"
        notice = str(app.screen.query_one("#member-notice", Static).content)
        assert "reported lost" in notice and "王芳" in notice
        assert result_names(app) == ["王芳"]


async def test_a_refused_save_is_read_beside_save_with_the_cursor_on_the_field(
    some_members: dict[str, int],
) -> None:
    from textual.widgets import Button

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        form.query_one("#name", Input).value = "宾军"
        form.query_one("#phone", Input).value = "138 0013 8000"  # 王芳's
        form.query_one("#preferences", Input).focus()  # the bottom of a long form
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = form.query_one("#form-message", Static)
        assert "already belongs to 王芳" in str(message.content)
        assert app.focused is form.query_one("#phone", Input)
        for widget in (message, form.query_one("#ok", Button)):  # in view, not scrolled off
            assert form.get_widget_at(*widget.region.offset)[0] is widget
    assert [m.name for m in stored()] == ["张三", "王芳", "李四"]


async def test_a_refused_level_is_read_beside_save_and_a_markup_name_is_kept_literal() -> None:
    from textual.widgets import Button

    from salon_tui.screens.modals.level_form import LevelFormModal

    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "owner")
        await open_settings(pilot, "levels")
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LevelFormModal)
        form.query_one("#name", Input).value = "[b]钻石[/]"
        form.query_one("#upgrade_points", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = form.query_one("#form-message", Static)
        assert "'lots' is not a number." in str(message.render())
        assert app.focused is form.query_one("#upgrade_points", Input)
        for widget in (message, form.query_one("#ok", Button)):
            assert form.get_widget_at(*widget.region.offset)[0] is widget
        form.query_one("#upgrade_points", Input).value = "5000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#levels-table", DataTable)
        names = [Text.from_markup(str(table.get_row_at(i)[0])).plain for i in range(4)]
        assert "[b]钻石[/]" in names
        assert app.is_running
