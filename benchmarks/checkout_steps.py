"""A member sale at F2 Checkout, step by step, as the desk feels it: from the key of each
step until the frame that shows the step's result is written.

The real app (`SalonApp`, headless at 120×36) on a copy of the benchmark shop at 3 pm shop
time (so a sale is inside opening hours, as in `checkout`), logged in as the front desk.
Keys go in as the terminal driver sends them, through the app's keyboard-wedge scan
detection (config.toml has it on); not Pilot's ``press``, which waits for the process to
go idle. Each sale is one member's (a different member each time: an active card, stored
value of at least twice the dearest service, services on earlier sales and none needing a
patch test, no allergy, no package), from the home screen:

1. F2: the first time after a log-in (before each sale the area is thrown away and built
   again behind home, untimed, as a log-in does): done when checkout is on screen with
   its entry focused (a scan from then on is kept). For information, from the same key:
   its new sale open and shown (no lines, walk-in, the cart table measured).
2. The member's card scanned: its digits 5 ms apart then Enter, timed from the Enter; done
   when the cart names the member and the member panel shows that member.
3. Enter on the empty entry: done when the member's usual services are listed.
4. Enter takes the first: done when the cart table holds the line (with who last did it
   for the member; when no one is known, the stylist dialog is up with its people loaded,
   and its Enter is one more step, "stylist chosen").
5. F10: done when the payment dialog shows the member's stored-value balance (it starts
   on stored value; were it not, each Down to it would be a sample of "next way to pay").
6. Enter pays: done when the checkout screen shows the next sale's empty cart (the payment
   dialog gone, the member panel hidden). The benchmark shop asks for ratings
   (checkout.ask_rating): the time from the same Enter to the first frame with the rating
   dialog is reported for information; the dialog is then skipped with Esc, untimed.

Then twice, after F1 to the home screen (untimed): F2 back to the checkout screen the sale
left, showing the open cart it holds. The first return to a new checkout screen costs more
than the next ones (see ``RETURN_STEPS``), so each is its own figure.

A step's time ends at the first frame written while its predicate holds: state and widgets
change in the same callback, so the first frame composed after the state changed shows
it; a frame is encoded into the escape codes a terminal would get (headless Textual skips
that) before the clock stops. A table counts once it has measured its new rows (DataTable
does that when idle). When no frame comes within a second of the predicate holding, the
screen is asked for one ("forced"). Between steps the app settles and the cashier takes
``STEP_PAUSE_SECONDS``. A sale's waiting is the sum of its steps 1-6. One untimed sale first (the process's first sale imports and
compiles what the others reuse; its waiting is in the note). Floor: a bare Textual app,
measured the same way in the same run, where each key adds a row to a 6-column DataTable
and updates a Static, as a cart change does. Target: every step ≤ 50 ms (median; p95 in
the note, with the process CPU and how many samples had a full garbage collection, of
any thread, start inside them).

The steps are data (`SALE_STEPS`): keys, the gap between them, and the predicate made just
before the last key (it may note the state before the key), so a changed flow is a changed
list.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, ComposeResult
from textual.css.query import NoMatches
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from benchmarks.checkout import _afternoon
from benchmarks.harness import Figure, demo_home, log_in, percentile

if TYPE_CHECKING:
    from salon_tui.screens.checkout import CheckoutScreen

SALES = int(os.environ.get("BENCH_STEPS_SALES", "25"))
WARM_UP_SALES = 1
DESK = ("李娜 Nina", "1234")
# A keyboard-wedge scanner: far below the scan detector's 30 ms.
SCAN_GAP_SECONDS = 0.005
# The cashier between two steps: looks at the screen, reaches for the next key.
STEP_PAUSE_SECONDS = 0.3
# Give up on a step (and say which) rather than hang.
STEP_TIMEOUT_SECONDS = 10.0
# Ask for a frame when none came this long after the predicate held.
FORCE_AFTER_SECONDS = 1.0
# How long a step's ``also`` results are waited for after the step's own.
ALSO_WAIT_SECONDS = 3.0
# A step taken again and again (Down) stops here: the flow has changed.
MOST_REPEATS = 20
FLOOR_KEYS = 60
FLOOR_CART_ROWS = 5

# The characters terminals send for the named keys the steps use.
_NAMED_CHARACTERS = {"enter": "\r", "escape": "\x1b", "tab": "\t"}


@dataclass
class _Sale:
    """One member's sale: who, and what is sold."""

    member_id: int
    member_name: str
    card: str
    waited_ms: list[float] = field(default_factory=list)


Check = Callable[[], bool]


@dataclass(frozen=True)
class Step:
    """One thing the cashier does and waits for.

    ``keys`` are sent ``gap`` seconds apart and the time runs from the last one. ``done``
    is called just before the last key (it may note the state before it) and returns the
    predicate that ends the step. ``repeat_while``: the step is taken as long as this
    holds (each time one sample), none at all if it does not hold at first; without it the
    step is taken once. ``also``: other things the same key brings, each timed from it to
    its first frame too (waited for up to ``ALSO_WAIT_SECONDS`` after the step), for
    information.
    """

    name: str
    keys: Callable[[_Sale], Sequence[str]]
    gap: float
    done: Callable[[App[Any], _Sale], Check]
    repeat_while: Callable[[App[Any]], bool] | None = None
    also: Callable[[App[Any], _Sale], dict[str, Check]] | None = None


# --- what the screens show --------------------------------------------------------------


def _checkout(app: App[Any]) -> CheckoutScreen:
    from salon_tui.screens.checkout import CheckoutScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, CheckoutScreen):
            return screen
    raise AssertionError(f"no checkout screen in {app.screen_stack}")


def _cart_drawn(screen: CheckoutScreen) -> bool:
    """The cart table holds the cart's lines and has measured them."""
    table = screen.query_one("#cart-table", DataTable)
    cart = screen.cart
    return (
        cart is not None
        and table.row_count == len(cart.lines)
        and not table._require_update_dimensions
    )


def _sale_opened(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.checkout import CheckoutScreen

    def check() -> bool:
        screen = app.screen
        if not isinstance(screen, CheckoutScreen) or screen.cart is None:
            return False
        cart = screen.cart
        return (
            cart.status == "open"
            and not cart.lines
            and cart.member_id is None
            and _cart_drawn(screen)
        )

    return check


def _checkout_shown(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.checkout import CheckoutScreen

    def check() -> bool:
        screen = app.screen
        return (
            isinstance(screen, CheckoutScreen)
            and screen.query_one("#checkout-entry", Input).has_focus
        )

    return check


def _sale_ready(app: App[Any], sale: _Sale) -> dict[str, Check]:
    return {"F2 first time, its new sale open": _sale_opened(app, sale)}


def _member_shown(app: App[Any], sale: _Sale) -> Check:
    screen = _checkout(app)
    panel = screen.query_one("#checkout-member-panel", Static)

    def check() -> bool:
        cart = screen.cart
        return (
            app.screen is screen
            and cart is not None
            and cart.member_id == sale.member_id
            and screen.panel_member_id == sale.member_id
            and bool(panel.display)
            and sale.member_name in str(panel.content)
        )

    return check


def _line_added(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.modals.checkout_pick import StaffPickModal

    screen = _checkout(app)

    def check() -> bool:
        cart = screen.cart
        if cart is None or len(cart.lines) != 1 or not _cart_drawn(screen):
            return False
        if cart.lines[0].staff:  # one stylist does it: no dialog
            return app.screen is screen
        dialog = app.screen
        return (
            isinstance(dialog, StaffPickModal)
            and dialog.query_one("#staff-options", OptionList).option_count > 0
        )

    return check


def _usual_offered(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.modals.checkout_pick import ItemPickModal

    def check() -> bool:
        dialog = app.screen
        return (
            isinstance(dialog, ItemPickModal)
            and dialog.query_one("#item-options", OptionList).option_count > 0
        )

    return check


def _stylist_dialog_up(app: App[Any]) -> bool:
    from salon_tui.screens.modals.checkout_pick import StaffPickModal

    return isinstance(app.screen, StaffPickModal)


def _stylist_chosen(app: App[Any], _sale: _Sale) -> Check:
    screen = _checkout(app)

    def check() -> bool:
        cart = screen.cart
        return (
            app.screen is screen
            and cart is not None
            and len(cart.lines) == 1
            and bool(cart.lines[0].staff)
            and _cart_drawn(screen)
        )

    return check


def _payment_ready(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.modals.checkout_pay import PaymentModal

    def check() -> bool:
        dialog = app.screen
        return isinstance(dialog, PaymentModal) and dialog.member_balance_cents is not None

    return check


def _not_stored_value_yet(app: App[Any]) -> bool:
    from salon_tui.screens.modals.checkout_pay import PaymentModal

    dialog = app.screen
    if not isinstance(dialog, PaymentModal):
        raise AssertionError(f"the payment dialog is not up: {dialog!r}")
    return dialog.tenders[dialog.tender_index].code != "stored_value"


def _tender_moved(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.i18n import _
    from salon_tui.screens.modals.checkout_pay import PaymentModal

    dialog = app.screen
    assert isinstance(dialog, PaymentModal)
    wanted = (dialog.tender_index + 1) % len(dialog.tenders)
    highlighted = f"[reverse] {_(dialog.tenders[wanted].label)} [/reverse]"
    tenders = dialog.query_one("#pay-tenders", Static)

    def check() -> bool:
        return (
            app.screen is dialog
            and dialog.tender_index == wanted
            and highlighted in str(tenders.content)
        )

    return check


def _next_sale_open(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.modals.checkout_pay import PaymentModal

    screen = _checkout(app)
    assert screen.cart is not None
    paid = screen.cart.sale_id
    panel = screen.query_one("#checkout-member-panel", Static)

    def check() -> bool:
        cart = screen.cart
        return (
            cart is not None
            and cart.sale_id != paid
            and cart.status == "open"
            and not cart.lines
            and cart.member_id is None
            and not panel.display
            and _cart_drawn(screen)
            and not any(isinstance(shown, PaymentModal) for shown in app.screen_stack)
        )

    return check


def _rating_asked(app: App[Any], _sale: _Sale) -> dict[str, Check]:
    from salon_tui.screens.modals.rating import RatingModal

    return {"Enter pays, rating question": lambda: isinstance(app.screen, RatingModal)}


def _back_in_checkout(app: App[Any], _sale: _Sale) -> Check:
    from salon_tui.screens.checkout import CheckoutScreen

    def check() -> bool:
        screen = app.screen
        return (
            isinstance(screen, CheckoutScreen)
            and screen.cart is not None
            and screen.cart.status == "open"
            and _cart_drawn(screen)
        )

    return check


# --- the sale -------------------------------------------------------------------------------


def _keys(*keys: str) -> Callable[[_Sale], Sequence[str]]:
    return lambda _sale: keys


SALE_STEPS: list[Step] = [
    Step(
        "F2 shows checkout, first time after a log-in",
        _keys("f2"),
        0.0,
        _checkout_shown,
        also=_sale_ready,
    ),
    Step(
        "card scanned",
        lambda sale: [*sale.card, "enter"],
        SCAN_GAP_SECONDS,
        _member_shown,
    ),
    Step("Enter: the member's usual services", _keys("enter"), 0.0, _usual_offered),
    Step("Enter: the usual service added", _keys("enter"), 0.0, _line_added),
    Step(
        "stylist chosen (Enter)",
        _keys("enter"),
        0.0,
        _stylist_chosen,
        repeat_while=_stylist_dialog_up,
    ),
    Step("F10 payment dialog", _keys("f10"), 0.0, _payment_ready),
    Step(
        "Down: next way to pay",
        _keys("down"),
        0.0,
        _tender_moved,
        repeat_while=_not_stored_value_yet,
    ),
    Step("Enter pays, next cart", _keys("enter"), 0.0, _next_sale_open, also=_rating_asked),
]
# After the sale and F1 home (untimed): back to the checkout screen the sale left.
# After the sale, F1 home (untimed) before each: back to the checkout screen the sale left.
# Twice: the first return to a new checkout screen reparses all the CSS once more (Textual's
# switch_mode builds a mode's screen unmounted, so refresh_css does not mark it up to date);
# from the second on it does not.
RETURN_STEPS: list[Step] = [
    Step("F2 back to checkout, 1st time", _keys("f2"), 0.0, _back_in_checkout),
    Step("F2 back to checkout, again", _keys("f2"), 0.0, _back_in_checkout),
]


def _key_event(key: str) -> events.Key:
    """The key as the terminal driver sends it."""
    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    return events.Key(key, _NAMED_CHARACTERS.get(key))


@dataclass(frozen=True)
class _Sample:
    wall_ms: float
    cpu_ms: float
    forced: bool
    # The step's ``also`` results that came: name → ms from the same key.
    also_ms: dict[str, float] = field(default_factory=dict)
    # Full collections (generation 2) that started inside the step, any thread: ms each.
    full_gc_ms: tuple[float, ...] = ()


class _FullCollections:
    """A ``gc.callbacks`` entry noting when full collections start and how long they take."""

    def __init__(self) -> None:
        self.runs: list[tuple[float, float]] = []  # start (perf_counter), ms
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.runs.append((self._started, (time.perf_counter() - self._started) * 1000))


class _Frames:
    """Wraps ``app._display``: every frame is encoded as a terminal driver would, and the
    step being timed ends at the first frame written while its predicate holds."""

    def __init__(self, app: App[Any]) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.check: Check | None = None
        self.done = asyncio.Event()
        self.ended = (0.0, 0.0)  # perf_counter, process_time
        self.also: dict[str, Check] = {}
        self.also_ended: dict[str, float] = {}
        display = app._display
        console = app.console

        def displayed(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(console)  # what would be written
            if self.check is not None and _holds(self.check):
                self.check = None
                self.ended = (time.perf_counter(), time.process_time())
                self.done.set()
            for name, check in list(self.also.items()):
                if _holds(check):
                    del self.also[name]
                    self.also_ended[name] = time.perf_counter()

        app._display = displayed  # type: ignore[method-assign]

    async def time_keys(
        self,
        name: str,
        keys: Sequence[str],
        gap: float,
        make: Callable[[], Check],
        also: dict[str, Check] | None = None,
    ) -> _Sample:
        """Send ``keys`` ``gap`` apart; the time from the last one to its frame (and to the
        frames of ``also``)."""
        driver = self.app._driver
        assert driver is not None
        for key in keys[:-1]:
            driver.send_message(_key_event(key))
            await asyncio.sleep(gap)
        check = make()
        if _holds(check):
            raise AssertionError(f"step {name!r}: its result is on screen before its key")
        self.done.clear()
        self.check = check
        self.also, self.also_ended = dict(also or {}), {}
        collections = _FullCollections()
        gc.callbacks.append(collections)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            driver.send_message(_key_event(keys[-1]))
            forced = await self._wait(name, check, started)
        finally:
            gc.callbacks.remove(collections)
        ended, ended_cpu = self.ended
        while self.also and time.perf_counter() - ended < ALSO_WAIT_SECONDS:
            await asyncio.sleep(0.01)
        self.also = {}
        return _Sample(
            (ended - started) * 1000,
            (ended_cpu - cpu) * 1000,
            forced,
            {label: (at - started) * 1000 for label, at in self.also_ended.items()},
            tuple(ms for at, ms in collections.runs if at < ended),
        )

    async def _wait(self, name: str, check: Check, started: float) -> bool:
        """Until the step's frame is written; whether one had to be asked for."""
        held_since: float | None = None
        forced = False
        while not self.done.is_set():
            now = time.perf_counter()
            if now - started > STEP_TIMEOUT_SECONDS:
                self.check = None
                raise TimeoutError(
                    f"step {name!r} did not finish within {STEP_TIMEOUT_SECONDS:g} s "
                    f"(its result {'is' if _holds(check) else 'is not'} there; "
                    f"screen {self.app.screen!r})"
                )
            if held_since is None and _holds(check):
                held_since = now
            elif held_since is not None and not forced and now - held_since > FORCE_AFTER_SECONDS:
                forced = True
                self.app.screen.refresh()
            try:
                await asyncio.wait_for(self.done.wait(), timeout=0.05)
            except TimeoutError:
                pass
        return forced


def _holds(check: Check) -> bool:
    try:
        return check()
    except NoMatches:  # a screen on its way in or out
        return False


async def _until(pilot: Pilot[Any], what: str, condition: Callable[[], bool]) -> None:
    """Untimed: wait for ``condition``, then let the app settle."""
    deadline = time.perf_counter() + STEP_TIMEOUT_SECONDS
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: not done within {STEP_TIMEOUT_SECONDS:g} s")
        await asyncio.sleep(0.02)
    await pilot.pause()


async def _press(pilot: Pilot[Any], key: str, what: str, condition: Callable[[], bool]) -> None:
    """Untimed: one key as the driver sends it, then wait for ``condition``."""
    driver = pilot.app._driver
    assert driver is not None
    driver.send_message(_key_event(key))
    await _until(pilot, what, condition)


@dataclass
class _Run:
    samples: dict[str, list[_Sample]] = field(default_factory=dict)
    also_ms: dict[str, list[float]] = field(default_factory=dict)
    sales: list[_Sale] = field(default_factory=list)
    warm_up: list[_Sale] = field(default_factory=list)
    ratings_skipped: int = 0  # rating dialogs skipped

    def add(self, name: str, sample: _Sample) -> None:
        self.samples.setdefault(name, []).append(sample)
        for label, ms in sample.also_ms.items():
            self.also_ms.setdefault(label, []).append(ms)


async def _take(
    pilot: Pilot[Any], frames: _Frames, step: Step, sale: _Sale, run: _Run | None
) -> None:
    app = pilot.app
    for _repeat in range(MOST_REPEATS):
        if step.repeat_while is not None and not step.repeat_while(app):
            return
        sample = await frames.time_keys(
            step.name,
            step.keys(sale),
            step.gap,
            lambda: step.done(app, sale),
            step.also(app, sale) if step.also is not None else None,
        )
        if step in SALE_STEPS:
            sale.waited_ms.append(sample.wall_ms)
        if run is not None:
            run.add(step.name, sample)
        await pilot.pause()
        await asyncio.sleep(STEP_PAUSE_SECONDS)
        if step.repeat_while is None:
            return
    raise AssertionError(f"step {step.name!r} taken {MOST_REPEATS} times and still wanted")


async def _sell(pilot: Pilot[Any], frames: _Frames, sale: _Sale, run: _Run | None) -> None:
    """One sale from the home screen, then back home with a fresh checkout area."""
    from salon_tui.screens.areas import area_for_mode
    from salon_tui.screens.home import HomeScreen
    from salon_tui.screens.modals.rating import RatingModal

    app: Any = pilot.app
    for step in SALE_STEPS:
        await _take(pilot, frames, step, sale, run)
    # The shop asks for ratings: the question comes after the new cart; skipped.
    deadline = time.perf_counter() + 3
    while not isinstance(app.screen, RatingModal) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    if isinstance(app.screen, RatingModal):
        if run is not None:
            run.ratings_skipped += 1
        await _press(
            pilot, "escape", "rating skipped", lambda: not isinstance(app.screen, RatingModal)
        )
    for step in RETURN_STEPS:
        await _press(pilot, "f1", "home", lambda: isinstance(app.screen, HomeScreen))
        await asyncio.sleep(STEP_PAUSE_SECONDS)
        await _take(pilot, frames, step, sale, run)
    await _press(pilot, "f1", "home", lambda: isinstance(app.screen, HomeScreen))
    # The next sale's F2 is the first after a log-in: a new checkout screen, built behind
    # home as the log-in does.
    area = area_for_mode("checkout")
    assert area is not None
    await app.remove_mode("checkout")
    app.add_mode("checkout", area.factory())
    app.prepare_checkout()  # as a log-in does: built behind home, untimed
    await _until(
        pilot,
        "checkout built",
        lambda: all(worker.is_finished for worker in app.workers),
    )
    await pilot.pause()
    await asyncio.sleep(STEP_PAUSE_SECONDS)


async def _log_in(pilot: Pilot[Any]) -> None:
    from salon_tui.screens.home import HomeScreen

    app: Any = pilot.app
    await log_in(pilot, *DESK, timeout=STEP_TIMEOUT_SECONDS)
    await _until(pilot, "home", lambda: isinstance(app.screen, HomeScreen))
    # The database worker warms checkout up after the login screen shows: let it finish.
    await _until(
        pilot,
        "checkout warm-up",
        lambda: all(worker.is_finished for worker in app.workers if worker.group == "database"),
    )
    await asyncio.sleep(1)


async def _app_run(sales: list[_Sale]) -> _Run:
    from salon_tui.app import SalonApp

    run = _Run()
    app = SalonApp()
    async with app.run_test(size=(120, 36)) as pilot:
        frames = _Frames(app)
        await _log_in(pilot)
        for index, sale in enumerate(sales):
            counted = index >= WARM_UP_SALES
            await _sell(pilot, frames, sale, run if counted else None)
            (run.sales if counted else run.warm_up).append(sale)
    return run


# --- the floor ------------------------------------------------------------------------------


class _Floor(App[None]):
    """Each "a" adds a row to a 6-column DataTable and updates a Static; "x" clears."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="t", cursor_type="row", zebra_stripes=True)
        yield Static("", id="s")

    def on_mount(self) -> None:
        self.query_one("#t", DataTable).add_columns(
            "Item", "Qty", "Stylist", "Price", "Discount", "Charged"
        )

    def on_key(self, event: events.Key) -> None:
        table = self.query_one("#t", DataTable)
        if event.key == "x":
            table.clear()
        elif event.key == "a":
            table.add_row("洗剪吹 Wash, cut & blow-dry", "1", "Tony 张伟", "¥128.00", "", "¥128.00")
            table.move_cursor(row=table.row_count - 1)
        self.query_one("#s", Static).update(f"Total ¥{128 * table.row_count}.00")


def _floor_row_added(app: App[Any]) -> Check:
    table = app.query_one("#t", DataTable)
    total = app.query_one("#s", Static)
    rows = table.row_count + 1
    text = f"Total ¥{128 * rows}.00"

    def check() -> bool:
        return (
            table.row_count == rows
            and not table._require_update_dimensions
            and str(total.content) == text
        )

    return check


async def _floor_samples() -> list[_Sample]:
    app = _Floor()
    samples = []
    async with app.run_test(size=(120, 36)) as pilot:
        frames = _Frames(app)
        await pilot.pause()
        table = app.query_one("#t", DataTable)
        for index in range(FLOOR_KEYS):
            if index % FLOOR_CART_ROWS == 0 and table.row_count:
                await _press(pilot, "x", "floor cleared", lambda: table.row_count == 0)
            samples.append(
                await frames.time_keys("floor", ["a"], 0.0, lambda: _floor_row_added(app))
            )
            await pilot.pause()
            await asyncio.sleep(STEP_PAUSE_SECONDS)
    return samples


# --- the data -------------------------------------------------------------------------------


def _copy(home: Path, folder: Path) -> None:
    """The shop's database and config.toml; receipts print into the copy's own folder."""
    source = sqlite3.connect(home / "salon.db")
    destination = sqlite3.connect(folder / "salon.db")
    source.backup(destination)
    source.close()
    destination.close()
    printed = folder / "printer-out"
    printed.mkdir()
    config = (home / "config.toml").read_text()
    config = re.sub(r'(?m)^folder = ".*"$', f'folder = "{printed}"', config)
    (folder / "config.toml").write_text(config)


def _sales(folder: Path, count: int) -> list[_Sale]:
    """Members spread over the whole file with usual services who can pay them from
    stored value, and whose sale asks nothing more (no allergy or patch test to confirm,
    no package to price the service)."""
    raw = sqlite3.connect(folder / "salon.db")
    # Whichever service is the member's usual, stored value pays it twice over.
    (most,) = raw.execute("SELECT 2 * max(price_cents) FROM service WHERE active").fetchone()
    members = raw.execute(
        "SELECT m.id, m.name, c.number FROM member m "
        "JOIN card c ON c.member_id = m.id AND c.status = 'active' "
        "JOIN stored_value_account a ON a.member_id = m.id AND a.status = 'open' "
        "WHERE m.status = 'active' AND NOT m.erased "
        "AND a.principal_cents + a.bonus_cents >= ? "
        "AND NOT EXISTS (SELECT 1 FROM member_allergy x "
        "  WHERE x.member_id = m.id AND x.removed_at IS NULL) "
        "AND NOT EXISTS (SELECT 1 FROM member_package p "
        "  WHERE p.member_id = m.id AND p.status = 'active') "
        "AND EXISTS (SELECT 1 FROM sale s JOIN sale_line l ON l.sale_id = s.id "
        "  WHERE s.member_id = m.id AND l.kind = 'service' AND s.status IN ('paid', 'refunded')) "
        # A usual service that needs a patch test would ask to confirm at F10.
        "AND NOT EXISTS (SELECT 1 FROM sale s JOIN sale_line l ON l.sale_id = s.id "
        "  JOIN service v ON v.code = l.item_code AND v.needs_patch_test "
        "  WHERE s.member_id = m.id) "
        "ORDER BY m.id",
        (most,),
    ).fetchall()
    raw.close()
    if len(members) < count:
        raise LookupError(f"only {len(members)} members fit the sale; {count} wanted")
    chosen = [members[index * len(members) // count] for index in range(count)]
    return [_Sale(member_id, name, card) for member_id, name, card in chosen]


# --- figures --------------------------------------------------------------------------------


def _figure(name: str, samples: list[_Sample], floor: list[_Sample]) -> Figure:
    wall = [sample.wall_ms for sample in samples]
    cpu = [sample.cpu_ms for sample in samples]
    forced = sum(sample.forced for sample in samples)
    with_gc = [sample for sample in samples if sample.full_gc_ms]
    collected = (
        f"; a full gc inside {len(with_gc)} (those median "
        f"{statistics.median(sample.wall_ms for sample in with_gc):.0f} ms, gc "
        f"{statistics.median(sum(sample.full_gc_ms) for sample in with_gc):.0f} ms)"
        if with_gc
        else ""
    )
    return Figure(
        f"checkout: {name} (median)",
        statistics.median(wall),
        statistics.median(sample.wall_ms for sample in floor),
        "ms",
        max_value=50,
        note=f"p95 {percentile(wall, 0.95):.1f} ms, max {max(wall):.1f} ms, CPU median "
        f"{statistics.median(cpu):.1f} ms; {len(wall)} samples, {forced} frames asked "
        f"for{collected}",
    )


def figures() -> list[Figure]:
    import time_machine

    home = demo_home()
    folder = Path(tempfile.mkdtemp(prefix="salon-bench-steps-"))
    before = os.environ.get("SALON_HOME")
    try:
        _copy(home, folder)
        sales = _sales(folder, WARM_UP_SALES + SALES)
        os.environ["SALON_HOME"] = str(folder)
        with time_machine.travel(_afternoon(), tick=True):
            run = asyncio.run(_app_run(sales))
        floor = asyncio.run(_floor_samples())
    finally:
        if before is None:
            os.environ.pop("SALON_HOME", None)
        else:
            os.environ["SALON_HOME"] = before
        shutil.rmtree(folder, ignore_errors=True)
    floor_wall = [sample.wall_ms for sample in floor]
    found = [
        _figure(step.name, run.samples[step.name], floor)
        for step in [*SALE_STEPS, *RETURN_STEPS]
        if step.name in run.samples
    ]
    for label, also in run.also_ms.items():
        found.append(
            Figure(
                f"checkout: {label} (median)",
                statistics.median(also),
                statistics.median(floor_wall),
                "ms",
                note=f"for information: the same key, to the first frame showing it; p95 "
                f"{percentile(also, 0.95):.1f} ms, max {max(also):.1f} ms; {len(also)} samples",
            )
        )
    waited = [sum(sale.waited_ms) for sale in run.sales]
    first = ", ".join(f"{sum(sale.waited_ms):.0f}" for sale in run.warm_up)
    found.append(
        Figure(
            "checkout: a member sale, all steps' waits (median)",
            statistics.median(waited),
            None,
            "ms",
            note=f"sum of one sale's step times, F2 to the next cart; p95 "
            f"{percentile(waited, 0.95):.0f} ms over {len(waited)} sales (first sale of the "
            f"process, not counted: {first} ms); {run.ratings_skipped} rating dialogs "
            f"skipped untimed; headless 120×36 on a copy of the benchmark shop at 3 pm; "
            f"floor: bare Textual, a key adds a DataTable row and updates a Static, median "
            f"{statistics.median(floor_wall):.1f} ms, p95 {percentile(floor_wall, 0.95):.1f} "
            f"ms over {len(floor_wall)} keys",
        )
    )
    return found
