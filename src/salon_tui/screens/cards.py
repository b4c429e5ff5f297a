"""Cards (F7): one member's prepaid money — stored value, packages, the ledger — and the
actions on it.

Find the member on the left (card scan, phone, name or pinyin: the members' search); the
right shows a block per registered panel and the stored value ledger below. Panels and
actions are registries so that other areas add theirs without touching this screen:

- ``CARD_PANELS``: ``CardPanel(key, title, load, render)``; ``load(uow, actor, member_id)``
  runs in a worker and returns a read model; ``render(value, money)`` makes Rich markup.
  Loyalty appends points, coupons and gift cards here.
- ``CARD_ACTIONS``: ``CardAction(name, key, title, permission, open)``; the screen binds
  ``key`` only for those the person may use; ``open(screen, member)`` shows a form.

Everything is read again after an action, from the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.devices import Scanned
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.key_list import KeyList
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.data.uow import UnitOfWork
    from salon_tui.domain.actor import Actor
    from salon_tui.services.member_search import SearchResult
    from salon_tui.services.members import MemberView

Money = Callable[[int], str]


@dataclass(frozen=True)
class CardPanel:
    key: str
    title: str  # msgid
    load: Callable[[UnitOfWork, Actor, int], Any]
    render: Callable[[Any, Money], str]
    permission: str = "prepaid.view"


@dataclass(frozen=True)
class CardAction:
    name: str
    key: str
    title: str  # msgid
    permission: str
    open: Callable[[CardsScreen, MemberView], None]
    # In the footer (the everyday ones); every action is listed under the search too.
    footer: bool = True


def _load_balance(uow: UnitOfWork, actor: Actor, member_id: int) -> Any:
    from salon_tui.services.stored_value import get_balance

    return get_balance(uow, actor, member_id)


def _render_balance(balance: Any, money: Money) -> str:
    lines = [
        _("Principal {principal} · Bonus {bonus} · Total {total}").format(
            principal=money(balance.principal_cents),
            bonus=money(balance.bonus_cents),
            total=f"[b]{money(balance.total_cents)}[/b]",
        )
    ]
    if balance.status == "none":
        lines = [_("No stored value yet: Ctrl+T tops up.")]
    elif balance.status == "closed":
        lines.append(_("Closed; a top-up opens it again."))
    elif balance.is_low:
        lines.append(
            "[b yellow]"
            + _("Low balance (under {amount}): suggest a top-up.").format(
                amount=money(balance.low_balance_cents)
            )
            + "[/]"
        )
    return "\n".join(lines)


def _load_packages(uow: UnitOfWork, actor: Actor, member_id: int) -> Any:
    from salon_tui.services.packages import member_packages

    return member_packages(uow, actor, member_id)


def _render_packages(found: Any, money: Money) -> str:
    if not found:
        return _("No package in use: Ctrl+B sells one.")
    lines = []
    for package in found:
        items = ", ".join(
            f"{escape(item.service_name)} {item.uses_left}/{item.total_uses}"
            for item in package.items
        )
        lines.append(
            _("#{id} {name}: {items} · until {day}").format(
                id=package.id, name=escape(package.name), items=items, day=package.expires_on
            )
        )
    return "\n".join(lines)


CARD_PANELS: list[CardPanel] = [
    CardPanel("stored_value", N_("Stored value"), _load_balance, _render_balance),
    CardPanel("packages", N_("Packages"), _load_packages, _render_packages),
]


def _prepaid_actions() -> list[CardAction]:
    from salon_tui.screens import cards_actions as act

    return [
        CardAction("top_up", "ctrl+t", N_("Top up"), "prepaid.top_up", act.open_top_up),
        CardAction(
            "undo", "ctrl+z", N_("Undo top-up"), "prepaid.reverse", act.open_undo, footer=False
        ),
        CardAction(
            "close",
            "ctrl+k",
            N_("Close stored value"),
            "prepaid.close",
            act.open_close,
            footer=False,
        ),
        CardAction("sell", "ctrl+b", N_("Sell package"), "package.sell", act.open_sell),
        CardAction("use", "ctrl+u", N_("Use package"), "package.use", act.open_use),
        CardAction(
            "transfer",
            "ctrl+r",
            N_("Transfer package"),
            "package.transfer",
            act.open_transfer,
            footer=False,
        ),
        # The desk starts a package refund; a manager approves it with their PIN.
        CardAction(
            "refund",
            "ctrl+f",
            N_("Refund package"),
            "package.sell",
            act.open_refund,
            footer=False,
        ),
    ]


# Areas append their actions (loyalty: redeem points, issue a coupon, sell a gift card).
CARD_ACTIONS: list[CardAction] = []


def card_actions() -> list[CardAction]:
    return _prepaid_actions() + CARD_ACTIONS


def open_cards_for(app: Any, member_id: int) -> None:
    """Show F7 Cards on one member (from the member's profile): the screen takes the
    member up when it shows, as if they had been found in its search."""
    if app.actor is None or not app.actor.can("prepaid.view"):
        app.notify(_("You are not allowed to do this."), severity="warning")
        return
    app.pending_cards_member_id = member_id
    app.action_open_area("cards")
    screen = app.screen
    if isinstance(screen, CardsScreen) and screen.is_mounted:
        screen.take_pending_member()


class CardsScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back_to_search", N_("Search"), show=False),
    ]

    def __init__(self, member_id: int | None = None) -> None:
        super().__init__()
        self.member: MemberView | None = None
        self.start_member_id = member_id
        self.hit_ids: list[int] = []
        self.actions = {action.name: action for action in card_actions()}

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Cards"))
        with Horizontal(id="cards"):
            with Vertical(id="cards-left"):
                yield Input(
                    placeholder=_("Scan a card, or type a phone, name or pinyin"),
                    id="cards-search",
                )
                yield DataTable(id="cards-results", cursor_type="row", zebra_stripes=True)
                yield KeyList(id="cards-keys")
            with VerticalScroll(id="cards-right"):
                yield Static(
                    _("Find a member to see their stored value and packages."), id="cards-member"
                )
                for panel in CARD_PANELS:
                    yield Static("", id=f"panel-{panel.key}", classes="card-panel")
                yield Static(_("Stored value ledger"), classes="card-panel-title")
                yield DataTable(id="cards-ledger", cursor_type="row", zebra_stripes=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        actor = self.salon.session_actor
        for action in self.actions.values():
            if actor.can(action.permission):
                self._bindings.bind(
                    action.key,
                    f"card_action('{action.name}')",
                    action.title,
                    show=action.footer,
                    priority=True,
                )
        self.refresh_bindings()
        self.query_one("#cards-keys", KeyList).set_items(
            [
                (self.app.get_key_display(Binding(action.key, "")), _(action.title))
                for action in self.actions.values()
                if actor.can(action.permission)
            ]
        )
        results = self.query_one("#cards-results", DataTable)
        results.add_columns(_("Name"), _("Phone"), _("Card"))
        ledger = self.query_one("#cards-ledger", DataTable)
        ledger.add_columns(
            _("No."), _("Date"), _("What"), _("Principal"), _("Bonus"), _("Method"), _("Note")
        )
        self.query_one("#cards-search", Input).focus()
        if self.start_member_id is not None:
            self.load_member(self.start_member_id)
        self.take_pending_member()

    def on_screen_resume(self) -> None:
        self.take_pending_member()

    def take_pending_member(self) -> None:
        """Show the member another screen asked for (``open_cards_for``), if any."""
        member_id = self.salon.pending_cards_member_id
        if member_id is None:
            return
        self.salon.pending_cards_member_id = None
        self.load_member(member_id)

    def money(self, cents: int) -> str:
        from salon_tui.domain.money import format_money

        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        return format_money(cents, currency, current_locale())

    # --- finding a member ----------------------------------------------------------------

    def on_scanned(self, message: Scanned) -> None:
        message.stop()
        search = self.query_one("#cards-search", Input)
        search.value = message.code
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "cards-search":
            self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "cards-search" and self.hit_ids:
            self.query_one("#cards-results", DataTable).focus()

    def search(self, query: str) -> None:
        from salon_tui.services.member_search import search_members

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self, lambda: search_members(uow, actor, query), self.show_results, group="cards-search"
        )

    def show_results(self, result: SearchResult) -> None:
        if result.query != self.query_one("#cards-search", Input).value:
            return
        table = self.query_one("#cards-results", DataTable)
        table.clear()
        self.hit_ids = [hit.id for hit in result.hits]
        for hit in result.hits:
            table.add_row(escape(hit.name), hit.phone, hit.card_number, key=str(hit.id))
        if self.hit_ids:
            self.load_member(self.hit_ids[0])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "cards-results" and event.row_key.value is not None:
            self.load_member(int(event.row_key.value))

    # --- showing one member --------------------------------------------------------------

    def load_member(self, member_id: int) -> None:
        from salon_tui.services import members, stored_value

        uow, actor = self.salon.uow, self.salon.session_actor
        panels = [panel for panel in CARD_PANELS if actor.can(panel.permission)]

        def load() -> tuple[Any, list[tuple[CardPanel, Any]], Any]:
            return (
                members.get_member(uow, actor, member_id),
                [(panel, panel.load(uow, actor, member_id)) for panel in panels],
                stored_value.history(uow, actor, member_id, limit=100),
            )

        call_service(self, load, self.show_member, group="cards-member")

    def show_member(self, loaded: tuple[Any, list[tuple[CardPanel, Any]], Any]) -> None:
        view, panels, entries = loaded
        self.member = view
        card = view.active_card.number if view.active_card else _("no card")
        header = f"[b]{escape(view.name)}[/b]  #{view.id} · {escape(view.level or '—')} · {card}"
        if view.allergies:
            header += (
                "\n[b red]⚠ "
                + _("ALLERGY: {items}").format(items=escape(", ".join(view.allergies)))
                + "[/]"
            )
        self.query_one("#cards-member", Static).update(header)
        shown = {panel.key for panel, _value in panels}
        for panel in CARD_PANELS:
            widget = self.query_one(f"#panel-{panel.key}", Static)
            widget.display = panel.key in shown
        for panel, value in panels:
            self.query_one(f"#panel-{panel.key}", Static).update(
                f"[b]{_(panel.title)}[/b]\n{panel.render(value, self.money)}"
            )
        from salon_tui.domain.prepaid import METHOD_LABELS

        ledger = self.query_one("#cards-ledger", DataTable)
        ledger.clear()
        for entry in entries:
            what = entry.kind_label + (" " + _("(undone)") if entry.reversed else "")
            ledger.add_row(
                str(entry.id),
                entry.business_day.isoformat(),
                what,
                self.money(entry.principal_cents),
                self.money(entry.bonus_cents),
                _(METHOD_LABELS[entry.method]) if entry.method in METHOD_LABELS else "",
                escape(entry.note),
                key=str(entry.id),
            )

    def selected_entry_id(self) -> int | None:
        ledger = self.query_one("#cards-ledger", DataTable)
        if ledger.row_count == 0:
            return None
        row_key, _column = ledger.coordinate_to_cell_key(ledger.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

    def refresh_after(self, message: str | None) -> None:
        if message and self.member is not None:
            self.notify(message)
            self.load_member(self.member.id)

    # --- actions -------------------------------------------------------------------------

    def action_back_to_search(self) -> None:
        self.query_one("#cards-search", Input).focus()

    def action_card_action(self, name: str) -> None:
        action = self.actions.get(name)
        if action is None:
            return
        if not self.salon.session_actor.can(action.permission):
            self.notify(_("You are not allowed to do this."), severity="warning")
            return
        if self.member is None:
            self.notify(_("Find a member first."), severity="warning")
            return
        action.open(self, self.member)


# Loyalty adds its panels and actions (points, coupons) when the screen module loads.
from salon_tui.screens import cards_loyalty  # noqa: E402, F401
