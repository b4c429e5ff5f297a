"""``speaking(locale)`` translates one block of one thread into another language: a worker
prints the day close in the shop's language while the screen keeps the cashier's."""

from __future__ import annotations

import threading

from salon_tui import i18n
from salon_tui.i18n import _, current_locale, speaking


def test_a_block_speaks_the_shops_language_and_the_screen_keeps_its_own() -> None:
    i18n.install("en")
    seen_elsewhere: list[tuple[str, str]] = []
    inside = threading.Event()
    done = threading.Event()

    def screen_thread() -> None:
        inside.wait(5)
        seen_elsewhere.append((_("Cash"), current_locale()))
        done.set()

    other = threading.Thread(target=screen_thread)
    other.start()
    with speaking("zh_CN") as language:
        assert language == "zh_CN"
        assert (_("Cash"), current_locale()) == ("现金", "zh_CN")
        inside.set()
        done.wait(5)
    other.join()
    assert seen_elsewhere == [("Cash", "en")]
    assert (_("Cash"), current_locale()) == ("Cash", "en")


def test_speaking_english_in_a_chinese_program_and_an_unknown_language() -> None:
    i18n.install("zh_CN")
    try:
        with speaking("en"):
            assert _("Cash") == "Cash"
        with speaking("xx_YY"):
            assert (_("Cash"), current_locale()) == ("Cash", "en")
        assert _("Cash") == "现金"
    finally:
        i18n.install("en")
