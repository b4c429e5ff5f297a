"""SalonApp: the switchboard of the full-screen app.

Modes are the areas (home, settings, …) plus the login screen; each area keeps its own
screen stack. The app owns the session (who is logged in), the idle lock, the
function keys and the command palette; each area's screen owns its own work.
The database opens in a worker so the login screen paints first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from salon_tui import paths
from salon_tui.domain.actor import Actor
from salon_tui.errors import SalonError
from salon_tui.heap import IDLE_COLLECT_SECONDS, collect_while_idle, freeze_survivors
from salon_tui.i18n import N_, _
from salon_tui.screens.areas import AREAS, PALETTE_SCREENS, Area, area_for_mode
from salon_tui.widgets.devices import DeviceHub, DeviceState

logger = logging.getLogger("salon_tui.app")

IDLE_CHECK_SECONDS = 5.0
# Textual's own footer label for the command palette key, translated by our footer.
N_("palette")


def _area_bindings() -> list[BindingType]:
    return [
        Binding(area.key, f"open_area('{area.mode}')", area.title, priority=True) for area in AREAS
    ]


def _new_login_screen() -> Screen[Any]:
    from salon_tui.screens.login import LoginScreen

    return LoginScreen()


_frozen = False


def _freeze_startup_objects() -> None:
    """What is loaded once the database is open (Textual, the screens, the services, the
    models) lives as long as the app: kept out of the collector's way, a full collection
    no longer walks its 125,000 objects (about 100 ms) in the middle of someone's sale.
    Once per process (tests start many apps in one)."""
    global _frozen
    if not _frozen:
        _frozen = True
        freeze_survivors()


class SalonApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "salon_tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        *_area_bindings(),
        Binding("ctrl+l", "lock", N_("Lock"), priority=True),
        Binding("ctrl+q", "quit", N_("Quit"), show=False, priority=True),
    ]

    # The login screen is the first mode: no mode switch (and its repaint pause) at start.
    DEFAULT_MODE = "login"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "login": lambda: _new_login_screen(),
    }

    # Set by the database worker; screens watch them.
    shop: reactive[Any] = reactive(None, init=False)
    database_problem: reactive[str] = reactive("", init=False)
    actor: reactive[Actor | None] = reactive(None, init=False)
    # The printer and the scanner, as the header and the home panel show them.
    devices: reactive[DeviceState] = reactive(DeviceState, init=False)

    def __init__(self, database_url: str | None = None) -> None:
        super().__init__()
        self.database_url = database_url or paths.database_url()
        self.uow: Any = None
        self._presence: Any = None
        self.locked = False
        # An open sale another area started for checkout (a finished booking).
        self.pending_sale_id: int | None = None
        # A member another area opened F7 Cards on (a member's profile).
        self.pending_cards_member_id: int | None = None
        # Set at start when the shop has several stores and this computer chose none.
        self.store_problem = ""
        self._last_input = time.monotonic()
        self._collected_since_input = False
        self.hub = DeviceHub(self)
        for area in AREAS:
            self.add_mode(area.mode, area.factory())

    # --- start-up --------------------------------------------------------------

    def on_mount(self) -> None:
        from salon_tui.logs import configure_logging

        configure_logging()
        self.theme = "textual-dark"
        self.hub.load()
        self.hub.start_keyboard_scans(self._handle_key)
        # Open the database once the login screen has painted: its imports are heavy.
        self.call_after_refresh(self.open_database)
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.set_interval(IDLE_CHECK_SECONDS, self.collect_if_idle)

    @work(thread=True, exit_on_error=False, group="database")
    def open_database(self) -> None:
        from salon_tui.services import database, shop

        try:
            uow = database.open_shop_database(database.require_existing_database(self.database_url))
            settings = shop.require_shop(uow)
            self.store_problem = _store_problem(uow)
        except SalonError as error:
            self.call_from_thread(self._database_failed, error.message)
            return
        except Exception:
            logger.exception("opening the database failed")
            self.call_from_thread(
                self._database_failed,
                _("The database could not be opened. Details are in {path}.").format(
                    path=paths.log_dir() / "salon.log"
                ),
            )
            return
        self._hold_app_presence()
        self.call_from_thread(self._database_opened, uow, settings)
        # While the login screen waits: what the first sale would load (half a second).
        from salon_tui.services.checkout_warmup import warm_up

        warm_up(uow)
        self.call_from_thread(_freeze_startup_objects)

    def _hold_app_presence(self) -> None:
        """Tell `salon backup restore` that the app is open on this database."""
        from salon_tui.services.database import hold_app_presence

        self._presence = hold_app_presence(self.database_url)

    def _database_opened(self, uow: Any, settings: Any) -> None:
        self.uow = uow
        self.shop = settings
        self.hub.start(uow)

    def _database_failed(self, message: str) -> None:
        self.database_problem = message

    # --- the session ---------------------------------------------------------------

    def start_session(self, actor: Actor) -> None:
        """Someone logged in: open home."""
        self.actor = actor
        self.locked = False
        self._last_input = time.monotonic()
        self.switch_mode("home")
        self.call_after_refresh(self.prepare_checkout)
        if self.store_problem:
            # Several stores and none chosen here: selling would be refused; say why now.
            self.notify(self.store_problem, title=_("Which store?"), severity="error", timeout=60)

    def prepare_checkout(self) -> None:
        """Build the checkout screen behind home after a log-in, so the first F2 only
        switches to it (about 10 ms, not the 85 ms of composing, styling and drawing
        it). Two switches in one callback: no frame shows checkout meanwhile; it opens
        no sale until it is shown."""
        area = area_for_mode("checkout")
        if self.current_mode != "home" or area is None or not area.allowed_for(self.actor):
            return
        self.switch_mode("checkout")
        self.switch_mode("home")

    async def end_session(self) -> None:
        """Back to the login screen, with every area's screens thrown away."""
        self.actor = None
        self.locked = False
        await self.switch_mode("login")
        for area in AREAS:
            await self.remove_mode(area.mode)
            self.add_mode(area.mode, area.factory())
        from salon_tui.screens.login import LoginScreen

        login = self.screen
        if isinstance(login, LoginScreen):
            login.reset()

    async def change_language(self, locale: str) -> None:
        """Switch the language now: every screen is rebuilt in it, the session stays."""
        from salon_tui import i18n

        i18n.install(locale)
        current = self.current_mode
        await self.switch_mode("login")
        for area in AREAS:
            await self.remove_mode(area.mode)
            self.add_mode(area.mode, area.factory())
        await self.switch_mode(current if current != "login" else "home")
        await self.remove_mode("login")
        self.add_mode("login", _new_login_screen)

    @property
    def session_actor(self) -> Actor:
        """Who is logged in; screens behind the login screen always have someone."""
        if self.actor is None:
            raise RuntimeError("no one is logged in")
        return self.actor

    def refresh_shop(self, settings: Any) -> None:
        """Settings → Shop saved: everyone who shows shop details redraws."""
        self.shop = settings

    # --- locking ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp
        ):
            self._last_input = time.monotonic()
            self._collected_since_input = False
        keyboard = self.hub.keyboard
        if (
            keyboard is not None
            and isinstance(event, events.Key)
            and not event.is_forwarded
            and await keyboard.intercept(event)
        ):
            return  # held for a moment, or part of a keyboard-wedge scan
        await super().on_event(event)

    def restart_devices(self) -> None:
        """config.toml changed (Settings → Printer / Scanner): start the devices again."""
        self.hub.load()
        self.hub.start_keyboard_scans(self._handle_key)
        if self.uow is not None:
            self.hub.restart(self.uow)

    async def _handle_key(self, event: events.Key) -> None:
        """A held key let through: handled as if it had just been typed."""
        await super().on_event(event)

    def idle_seconds(self) -> float:
        return time.monotonic() - self._last_input

    def collect_if_idle(self) -> None:
        """The garbage frozen since the last time (see salon_tui.heap), collected once
        per quiet spell."""
        if not self._collected_since_input and self.idle_seconds() >= IDLE_COLLECT_SECONDS:
            self._collected_since_input = True
            collect_while_idle()

    def lock_if_idle(self) -> None:
        if self.actor is None or self.locked or self.shop is None:
            return
        if self.idle_seconds() >= self.shop.idle_lock_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        if self.actor is None or self.locked:
            return
        from salon_tui.screens.lock import LockScreen

        self.locked = True
        self.push_screen(LockScreen(self.actor), callback=self._unlocked)

    def _unlocked(self, result: bool | None) -> None:
        self.locked = False
        self._last_input = time.monotonic()

    # --- areas --------------------------------------------------------------------

    def allowed_areas(self) -> list[Area]:
        return [area for area in AREAS if area.allowed_for(self.actor)]

    def action_open_area(self, mode: str) -> None:
        area = area_for_mode(mode)
        if area is None or self.actor is None or self.locked:
            return
        if not area.allowed_for(self.actor):
            self.notify(
                _("{name} cannot open {area}.").format(name=self.actor.name, area=_(area.title)),
                severity="warning",
            )
            return
        self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_area":
            area = area_for_mode(str(parameters[0])) if parameters else None
            if self.actor is None or self.locked:
                return False
            return area is not None and area.allowed_for(self.actor)
        if action == "lock":
            return self.actor is not None and not self.locked
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.actor is not None and not self.locked:
            for area in self.allowed_areas():
                yield SystemCommand(
                    _(area.title),
                    f"{_(area.description)} ({area.key.upper()})",
                    lambda mode=area.mode: self.action_open_area(mode),
                )
            for extra in PALETTE_SCREENS:
                if extra.allowed_for(self.actor):
                    yield SystemCommand(
                        _(extra.title),
                        _(extra.description),
                        lambda extra=extra: self.push_screen(extra.factory()()),
                    )
            yield SystemCommand(_("Lock"), _("Lock the screen (Ctrl+L)"), self.action_lock)
            yield SystemCommand(
                _("Change my PIN"), _("Choose a new PIN for yourself"), self.action_change_pin
            )
            yield SystemCommand(
                _("Switch staff"),
                _("Log out and back to the login screen"),
                self.action_switch_staff,
            )
        yield SystemCommand(_("Quit"), _("Close the app"), self.action_quit)

    async def action_switch_staff(self) -> None:
        await self.end_session()

    def action_change_pin(self) -> None:
        if self.actor is None:
            return
        from salon_tui.screens.modals.pin import ChangeOwnPinModal

        self.push_screen(ChangeOwnPinModal(self.actor))

    # --- key names and the command palette ----------------------------------------------

    KEY_NAMES: ClassVar[dict[str, str]] = {
        "ctrl": "Ctrl",
        "shift": "Shift",
        "alt": "Alt",
        "escape": "Esc",
        "enter": "Enter",
        "delete": "Del",
        "space": "Space",
        "tab": "Tab",
    }

    def get_key_display(self, binding: Binding) -> str:
        """``F2``, ``Ctrl+L``, ``Esc``: how keys are printed on shop keyboards."""
        if binding.key_display:
            return binding.key_display
        parts = binding.key.split(",")[0].split("+")
        return "+".join(self.KEY_NAMES.get(part, part.upper()) for part in parts)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for a command…"))
            )

    # --- errors -----------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # A cashier never sees a traceback: log it, say so, and keep the app running.
        logger.error("unexpected error", exc_info=error)
        try:
            self.notify(
                _("Something went wrong. Details are in {path}.").format(
                    path=paths.log_dir() / "salon.log"
                ),
                title=_("Unexpected error"),
                severity="error",
            )
        except Exception:
            super()._handle_exception(error)

    def on_unmount(self) -> None:
        self.hub.stop()
        if self.uow is not None:
            self.uow.dispose()
        if self._presence is not None:
            self._presence.release()


def _store_problem(uow: Any) -> str:
    """What to set before this computer can sell (several stores, none chosen), or ''."""
    from salon_tui.services import stores

    try:
        stores.check_terminal_store(uow)
    except stores.StoreNotChosen as problem:
        return problem.message
    return ""


def run_tui() -> int:
    """Open the app on this machine's shop; the exit code for the shell."""
    import os
    import sys

    # A plain path check: importing SQLAlchemy here would delay the first paint.
    path = paths.database_path()
    if not os.environ.get("SALON_DATABASE_URL") and not path.exists():
        print(
            _(
                "No shop here yet ({path}).\n"
                "  salon init    set up your shop\n"
                "  salon demo    build a demo shop to try the app"
            ).format(path=path),
            file=sys.stderr,
        )
        return 1
    app = SalonApp(paths.database_url())
    result = app.run()
    return result or 0
