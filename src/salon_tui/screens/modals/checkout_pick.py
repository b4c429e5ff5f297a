"""Checkout dialogs: pick an item or a stylist, a discount with its reason, a tip,
a note, a parked sale."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salon_tui.errors import PermissionDenied, SalonError
from salon_tui.i18n import N_, _
from salon_tui.screens.base import SalonModal, call_service
from salon_tui.widgets.safe_text import shown

if TYPE_CHECKING:
    from salon_tui.services.sale_catalog import ItemChoice
    from salon_tui.services.sales import CartLineView, CartView, StaffShare


class _Dialog(SalonModal[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_problem(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.add_class("-error")

    def currency(self) -> str:
        return self.salon.shop.currency if self.salon.shop else "CNY"


class ItemPickModal(_Dialog):
    """Several items match what was typed (or the member's usual services): pick one
    with the arrows and Enter."""

    def __init__(
        self, choices: list[ItemChoice], money: Callable[[int], str], *, title: str = ""
    ) -> None:
        super().__init__()
        self.choices = choices
        self.money = money
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text or _("Which one?"), classes="dialog-title")
            yield OptionList(
                *[
                    Option(
                        shown(
                            f"{c.code + '  ' if c.code else ''}{c.description}  "
                            f"{self.money(c.unit_cents)}"
                            + (f"  · {c.usual_staff_name}" if c.usual_staff_name else "")
                        )
                    )
                    for c in self.choices
                ],
                id="item-options",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])


class StaffPickModal(_Dialog):
    """Who did the line: Enter picks one person; Space marks up to two for a split."""

    def __init__(self, line: CartLineView) -> None:
        super().__init__()
        self.line = line
        self.people: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                _("Who did {item}?").format(item=self.line.description), classes="dialog-title"
            )
            yield OptionList(id="staff-options")
            yield Checkbox(_("Requested by the client (not rotation)"), id="requested")
            yield Label(_("Split with a second person: their share in % (empty = no split)"))
            yield Input(id="split-share", max_length=3)
            yield OptionList(id="split-options")
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        from salon_tui.services import staff

        uow = self.salon.uow
        call_service(self, lambda: staff.list_staff(uow), self._loaded)

    def _loaded(self, people: list[Any]) -> None:
        from salon_tui.domain.permissions import Role

        # Stylists first: they do most services; the desk can do a wash too.
        self.people = sorted(people, key=lambda p: (p.role != Role.STYLIST, p.name))
        current = {s.staff_id for s in self.line.staff}
        for name in ("#staff-options", "#split-options"):
            options = self.query_one(name, OptionList)
            options.add_options([Option(p.name) for p in self.people])
        first = self.query_one("#staff-options", OptionList)
        first.highlighted = next((i for i, p in enumerate(self.people) if p.id in current), 0)
        first.focus()
        if self.line.staff:
            self.query_one("#requested", Checkbox).value = self.line.staff[0].requested

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from salon_tui.services.sales import StaffShare

        first_list = self.query_one("#staff-options", OptionList)
        requested = self.query_one("#requested", Checkbox).value
        share_text = self.query_one("#split-share", Input).value.strip()
        main = self.people[first_list.highlighted or 0]
        if event.option_list.id == "staff-options" and not share_text:
            self.dismiss([StaffShare(main.id, 10_000, requested)])
            return
        if event.option_list.id == "staff-options":
            self.query_one("#split-options", OptionList).focus()
            return
        try:
            second_share = int(share_text)
        except ValueError:
            self.show_problem(_("The share is a whole percent from 1 to 99."))
            return
        if not 1 <= second_share <= 99:
            self.show_problem(_("The share is a whole percent from 1 to 99."))
            return
        second = self.people[event.option_index]
        shares: list[StaffShare] = [
            StaffShare(main.id, (100 - second_share) * 100, requested),
            StaffShare(second.id, second_share * 100, False),
        ]
        self.dismiss(shares)


class DiscountModal(_Dialog):
    """A discount on the selected line or the whole sale: percent or amount, and why.
    Above the shop's limit a manager approves with their PIN right here."""

    def __init__(self, cart: CartView, line: CartLineView | None) -> None:
        super().__init__()
        self.cart = cart
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(_("Discount"), classes="dialog-title")
            yield Checkbox(
                _("On the whole sale (otherwise on {item})").format(
                    item=self.line.description if self.line else "—"
                ),
                id="whole-sale",
                value=self.line is None,
            )
            yield Label(_("Percent off (e.g. 10) or an amount (e.g. ¥20)"))
            yield Input(id="discount-value")
            yield Label(_("Reason"))
            yield Input(id="discount-reason")
            yield Label(_("Manager's name and PIN, if the discount is above the limit"))
            with Horizontal(classes="buttons"):
                yield Input(id="approver-name", placeholder=_("Name"))
                yield Input(id="approver-pin", password=True, max_length=8, placeholder=_("PIN"))
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#discount-value", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = [i for i in self.query(Input)]
        index = inputs.index(event.input)
        if event.input.id in {"discount-reason", "approver-pin"}:
            self.submit()
        elif index + 1 < len(inputs):
            inputs[index + 1].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        from salon_tui.domain.money import parse_amount
        from salon_tui.services import sales, staff

        text = self.query_one("#discount-value", Input).value.strip()
        reason = self.query_one("#discount-reason", Input).value
        whole = self.query_one("#whole-sale", Checkbox).value or self.line is None
        percent_bp = amount_cents = 0
        try:
            if text.endswith("%") or (text and not any(m in text for m in "¥￥.元")):
                from decimal import Decimal

                percent_bp = int(Decimal(text.rstrip("%")) * 100)
            elif text:
                amount_cents = parse_amount(text, self.currency())
        except (ValueError, ArithmeticError):
            self.show_problem(_("{text!r} is not a percent or an amount.").format(text=text))
            return
        approver_name = self.query_one("#approver-name", Input).value.strip()
        approver_pin = self.query_one("#approver-pin", Input).value
        uow, actor = self.salon.uow, self.salon.session_actor
        sale_id = self.cart.sale_id
        line_id = self.line.id if self.line else 0

        def apply() -> CartView:
            approval = None
            if approver_name and approver_pin:
                approval = sales.approve(uow, staff.find_staff(uow, approver_name).id, approver_pin)
            if whole:
                return sales.discount_sale(
                    uow,
                    actor,
                    sale_id,
                    percent_bp=percent_bp,
                    amount_cents=amount_cents,
                    reason=reason,
                    approval=approval,
                )
            return sales.discount_line(
                uow,
                actor,
                sale_id,
                line_id,
                percent_bp=percent_bp,
                amount_cents=amount_cents,
                reason=reason,
                approval=approval,
            )

        def refused(error: SalonError) -> None:
            self.show_problem(error.message)
            if isinstance(error, PermissionDenied):
                self.query_one("#approver-name", Input).focus()

        call_service(self, apply, self.dismiss, failed=refused, exclusive=True)


class TipModal(_Dialog):
    """A tip for one of the people on the sale."""

    def __init__(self, cart: CartView) -> None:
        super().__init__()
        self.cart = cart
        seen: dict[int, str] = {}
        for line in cart.lines:
            for share in line.staff:
                seen.setdefault(share.staff_id, share.name)
        self.people = list(seen.items())

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(_("Tip"), classes="dialog-title")
            yield OptionList(*[Option(name) for _id, name in self.people], id="tip-person")
            yield Label(_("Amount (0 removes the tip)"))
            yield Input(id="tip-amount")
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        if not self.people:
            self.show_problem(_("Choose who did the services first (Ctrl+S)."))
        self.query_one("#tip-person", OptionList).focus()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.query_one("#tip-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from salon_tui.domain.money import parse_amount
        from salon_tui.services import sales

        if not self.people:
            return
        try:
            amount = parse_amount(event.value or "0", self.currency())
        except ValueError as error:
            self.show_problem(str(error))
            return
        index = self.query_one("#tip-person", OptionList).highlighted or 0
        staff_id = self.people[index][0]
        uow, actor, sale_id = self.salon.uow, self.salon.session_actor, self.cart.sale_id
        call_service(
            self,
            lambda: sales.set_tip(uow, actor, sale_id, staff_id, amount),
            self.dismiss,
            failed=lambda error: self.show_problem(error.message),
        )


class TextModal(_Dialog):
    """One line of text (a reason, a note); dismisses with it, or None on Escape."""

    def __init__(self, title: str, label: str, *, required: bool) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.title_text, classes="dialog-title")
            yield Label(self.label)
            yield Input(id="text-value", max_length=200)
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        if self.required and not text:
            self.show_problem(_("Please give a reason."))
            return
        self.dismiss(text)


class ParkedModal(_Dialog):
    """The parked (and left-open) sales: Enter resumes one."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Parked sales"), classes="dialog-title")
            yield OptionList(id="parked-options")
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        from salon_tui.services import sales

        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(self, lambda: sales.list_unpaid(uow, actor), self._loaded)

    def _loaded(self, unpaid: list[Any]) -> None:
        self.parked = [u for u in unpaid if u.status == "parked"]
        options = self.query_one("#parked-options", OptionList)
        for sale in self.parked:
            label = shown(sale.park_label or sale.member_label) or _("Walk-in client")
            options.add_option(
                Option(
                    _("{label} · {lines} line(s) · {who} {at}").format(
                        label=label,
                        lines=sale.lines,
                        who=sale.opened_by,
                        at=sale.opened_at_iso[11:16],
                    )
                )
            )
        if not self.parked:
            self.query_one("#form-message", Static).update(_("No parked sales."))
        else:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.parked[event.option_index].sale_id)


def share_summary(shares: list[StaffShare]) -> str:
    return ", ".join(f"{s.staff_id}:{s.share_bp}" for s in shares)


class MemberPickModal(_Dialog):
    """Find the client by card, phone (or its last four digits), name or pinyin;
    the first line makes the sale a walk-in."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Who is the client?"), classes="dialog-title")
            yield Input(
                placeholder=_("Card, phone, last 4 digits, name or pinyin"), id="member-query"
            )
            yield OptionList(id="member-options")
            yield Static("", id="form-message")

    def on_mount(self) -> None:
        self._show([])
        self.query_one("#member-query", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        from salon_tui.services import member_search

        text = event.value
        if len(text.strip()) < 2:
            return
        uow, actor = self.salon.uow, self.salon.session_actor
        call_service(
            self,
            lambda: member_search.search_members(uow, actor, text, limit=8),
            lambda result: self._show(list(result.hits), result.notice),
            group="member-search",
            exclusive=True,
        )

    def _show(self, hits: list[Any], notice: str = "") -> None:
        self.hits = hits
        options = self.query_one("#member-options", OptionList)
        options.clear_options()
        options.add_option(Option(_("Walk-in client")))
        for hit in hits:
            warning = f"  ⚠ {shown(hit.allergies)}" if hit.allergies else ""
            options.add_option(
                Option(
                    f"{shown(hit.name)}  {shown(hit.level)}  {hit.card_number}  {hit.phone}"
                    f"{warning}"
                )
            )
        options.highlighted = 1 if hits else 0
        self.query_one("#form-message", Static).update(notice)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        options = self.query_one("#member-options", OptionList)
        self._pick(options.highlighted or 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        if index == 0:
            self.dismiss(("walk-in", None))
        elif 0 < index <= len(self.hits):
            self.dismiss(("member", self.hits[index - 1]))
