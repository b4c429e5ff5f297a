"""Logging in, locking, and idle lock, as a cashier does it."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from salon_tui.app import SalonApp
from salon_tui.screens.home import HomeScreen
from salon_tui.screens.lock import LockScreen
from salon_tui.screens.login import LoginScreen
from tests.tui.conftest import SIZE, log_in, settle

pytestmark = pytest.mark.usefixtures("shop_on_disk")


async def test_the_right_pin_opens_home_for_that_person() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and app.actor.name == "李娜 Nina"
        assert "李娜 Nina" in str(app.screen.query_one("#header-actor", Static).content)


async def test_a_wrong_pin_says_so_and_stays_on_the_login_screen() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk", pin="0000")
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        assert "Wrong name or PIN" in str(app.screen.query_one("#login-message", Static).content)


async def test_digits_typed_right_after_enter_all_reach_the_pin() -> None:
    # A fast typist (or tmux) sends Enter and the PIN in one burst.
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        options = screen.query_one("#login-staff")
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, n in enumerate(names) if n.startswith("王芳"))
        for key in ["enter", "8", "8", "8", "8", "enter"]:
            app.post_message(__import__("textual").events.Key(key, "8" if key == "8" else None))
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_ctrl_l_locks_and_only_the_same_pin_unlocks() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press(*"8888", "enter")  # the owner's PIN is not this person's
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "Wrong name or PIN" in str(app.screen.query_one("#lock-message", Static).content)
        await pilot.press(*"1234", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_switch_staff_from_the_lock_screen_goes_back_to_login() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        await log_in(pilot, "owner")
        assert app.actor is not None and app.actor.name == "王芳"


async def test_the_screen_locks_itself_after_the_idle_minutes() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # just used: stays open
        app._last_input -= app.shop.idle_lock_minutes * 60 + 1
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)


async def test_keys_keep_the_screen_awake() -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "desk")
        app._last_input -= 10_000
        await pilot.press("down")
        assert app.idle_seconds() < 5


async def test_an_unexpected_error_is_logged_and_shown_without_a_traceback(salon_home) -> None:
    app = SalonApp()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, "desk")
        app._handle_exception(RuntimeError("boom"))
        await settle(pilot)
        assert app.is_running
        messages = [notification.message for notification in app._notifications]
        assert any("Something went wrong" in message for message in messages)
        assert not any("Traceback" in message or "boom" in message for message in messages)
    assert "RuntimeError: boom" in (salon_home / "logs" / "salon.log").read_text()
