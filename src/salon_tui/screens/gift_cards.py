"""Gift cards (礼品卡): sell one, look up any card's balance by scanning its code, and
refund what is left on one sold here (a manager, Ctrl+F).

Reached from the command palette (Ctrl+P → Gift cards). The Cards screen (F7) of the
prepaid area will hold the member-side panels; a gift card belongs to no member, so
the desk sells and checks them here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from salon_tui.i18n import N_, _, current_locale
from salon_tui.screens.base import SalonScreen, call_service
from salon_tui.widgets.footer import TranslatedFooter
from salon_tui.widgets.shop_header import ShopHeader

if TYPE_CHECKING:
    from salon_tui.services.gift_cards import GiftCardEntryView, GiftCardView
    from salon_tui.widgets.devices import Scanned


class GiftCardScreen(SalonScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "sell", N_("Sell a gift card"), priority=True),
        Binding("ctrl+f", "refund", N_("Refund gift card"), priority=True),
        Binding("escape", "back", N_("Back"), show=False),
    ]

    def compose(self) -> ComposeResult:
        yield ShopHeader(N_("Gift cards"))
        with Vertical(id="gift-cards"):
            yield Input(placeholder=_("Scan or type a gift card code"), id="gift-code")
            yield Static("", id="gift-balance")
            yield DataTable(id="gift-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                _(
                    "Enter shows a card · Ctrl+N sell a gift card · "
                    "Ctrl+F refund the card shown · Esc back"
                ),
                classes="hint",
            )
        yield TranslatedFooter()

    def __init__(self) -> None:
        super().__init__()
        self.card: GiftCardView | None = None  # the card shown, if any

    def on_mount(self) -> None:
        self.query_one("#gift-code", Input).focus()
        self.show_recent()

    def money(self, cents: int) -> str:
        from salon_tui.domain.money import format_money

        currency = self.salon.shop.currency if self.salon.shop else "CNY"
        return format_money(cents, currency, current_locale())

    # --- recent cards and one card ------------------------------------------------------

    def show_recent(self) -> None:
        from salon_tui.services import gift_cards

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(self, lambda: gift_cards.list_cards(uow, actor, limit=50), self.list_cards)

    def list_cards(self, cards: list[GiftCardView]) -> None:
        table = self.query_one("#gift-table", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Code"), _("Sold"), _("Face value"), _("Balance left"), _("Expires"))
        for card in cards:
            table.add_row(
                "…" + card.code[-4:],
                card.business_day.isoformat(),
                self.money(card.value_cents),
                self.money(card.balance_cents)
                + (" " + _("(refunded)") if card.refund_method else ""),
                (card.expires_on.isoformat() if card.expires_on else "—")
                + (" " + _("(expired)") if card.expired else ""),
            )
        if not cards:
            self.query_one("#gift-balance", Static).update(_("No gift cards sold yet."))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "gift-code" and event.value.strip():
            self.look_up(event.value.strip())
            event.input.value = ""

    def on_scanned(self, message: Scanned) -> None:
        message.stop()
        if not self.salon.locked:
            self.look_up(message.code.strip())

    def look_up(self, code: str) -> None:
        from salon_tui.services import gift_cards

        uow, actor = self.salon.uow, self.salon.session_actor

        def failed(error: Any) -> None:
            self.query_one("#gift-balance", Static).update(f"[red]{error.message}[/]")

        call_service(
            self, lambda: gift_cards.balance(uow, actor, code), self.show_card, failed=failed
        )

    def show_card(self, found: tuple[GiftCardView, list[GiftCardEntryView]]) -> None:
        from salon_tui.domain.giftcards import spaced

        card, entries = found
        self.card = card
        text = _("Gift card {code}: {balance} left of {value}.").format(
            code=spaced(card.code),
            balance=self.money(card.balance_cents),
            value=self.money(card.value_cents),
        )
        if card.refund_method:
            from salon_tui.domain.prepaid import METHOD_LABELS

            text += " " + _("Refunded at the desk: {amount} by {method}.").format(
                amount=self.money(card.refunded_cents),
                method=_(METHOD_LABELS.get(card.refund_method, card.refund_method)),
            )
        elif card.expired:
            text += " [red]" + _("It expired on {day}.").format(day=card.expires_on) + "[/]"
        elif card.expires_on:
            text += " " + _("It can be spent until {day}.").format(day=card.expires_on)
        self.query_one("#gift-balance", Static).update(f"[b]{text}[/b]")
        table = self.query_one("#gift-table", DataTable)
        table.clear(columns=True)
        table.add_columns(_("When"), _("What"), _("Amount"))
        from salon_tui.domain.clock import shop_time

        zone = self.salon.shop.timezone if self.salon.shop else "Asia/Shanghai"
        for entry in entries:
            table.add_row(
                shop_time(entry.at, zone).strftime("%Y-%m-%d %H:%M"),
                entry.label,
                self.money(entry.amount_cents),
            )

    # --- selling ------------------------------------------------------------------------

    def action_sell(self) -> None:
        from salon_tui.screens.modals.loyalty import GiftCardSellModal
        from salon_tui.services import gift_cards

        if not self.salon.session_actor.can("giftcard.sell"):
            self.notify(_("You are not allowed to sell gift cards."), severity="warning")
            return
        presets = gift_cards.get_settings(self.salon.uow).preset_values_cents
        self.app.push_screen(GiftCardSellModal(presets, self.money), self.sold)

    def sold(self, card: GiftCardView | None) -> None:
        if card is None:
            return
        from salon_tui.domain.giftcards import spaced

        self.notify(
            _("Gift card {code} worth {value}.").format(
                code=spaced(card.code), value=self.money(card.value_cents)
            ),
            title=_("Sold"),
            timeout=15,
        )
        if self.salon.session_actor.can("printer.print"):
            from salon_tui.services.prepaid_receipts import gift_card_number

            self.salon.hub.wake_printer()
            self.notify(
                _("Receipt {number} queued.").format(number=gift_card_number(card.id)),
                timeout=15,
            )
        self.look_up(card.code)

    # --- refunding ----------------------------------------------------------------------

    def action_refund(self) -> None:
        """Pay back what is left on the card shown (sold outside a sale), by a method."""
        from salon_tui.domain.giftcards import spaced
        from salon_tui.domain.prepaid import TOP_UP_METHODS
        from salon_tui.screens.modals.approval import (
            approval_fields,
            approval_from,
            approved_note,
            may_start,
        )
        from salon_tui.screens.modals.prepaid_forms import FormField, PrepaidForm, PrepaidFormModal
        from salon_tui.services import gift_cards

        actor = self.salon.session_actor
        if not may_start(actor, "giftcard.refund", "giftcard.sell"):
            self.notify(_("Only a manager can refund a gift card."), severity="warning")
            return
        card = self.card
        if card is None:
            self.notify(_("Scan or type the gift card's code first."), severity="warning")
            return
        uow = self.salon.uow

        def submit(values: dict[str, str], key: str) -> str:
            approval = approval_from(uow, values, "giftcard.refund")
            done = gift_cards.refund_card(
                uow,
                actor,
                card.code,
                values["method"],
                values["reason"],
                values["reference"],
                key=key,
                approval=approval,
            )
            return _("Gift card {code} refunded: {amount} back; the card is closed.").format(
                code=spaced(done.code), amount=self.money(done.refunded_cents)
            ) + approved_note(approval)

        form = PrepaidForm(
            _("Refund gift card {code}").format(code=spaced(card.code)),
            [
                FormField(
                    "method",
                    _("Refund by"),
                    choices=[(_(label), code) for code, label in TOP_UP_METHODS.items()],
                ),
                FormField("reference", _("Transaction reference (not for cash)")),
                FormField("reason", _("Reason"), max_length=200),
                *approval_fields(uow, actor, "giftcard.refund"),
            ],
            submit,
            intro=_("{amount} left on it goes back; the card is closed.").format(
                amount=self.money(card.balance_cents)
            ),
            ok_label=_("Refund gift card"),
        )
        self.app.push_screen(PrepaidFormModal(form), self.refunded)

    def refunded(self, message: str | None) -> None:
        if not message:
            return
        self.notify(message, title=_("Refunded"), timeout=15)
        if self.card is not None:
            self.look_up(self.card.code)

    def action_back(self) -> None:
        self.app.pop_screen()
