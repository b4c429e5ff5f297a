"""Under the cart: the services that need a valid patch test the client does not have.

The notice reads the cart's warnings after every change (``check_cart``) and tells its
screen (``PatchTestNotice.Checked``) so the lines can carry a mark. Before paying,
``before_pay`` asks the cashier to confirm going ahead when a warning is not confirmed
yet; the confirmation is a service call (audited), and paying checks it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual.message import Message
from textual.widgets import Static

from salon_tui.i18n import _
from salon_tui.widgets.worker import call_service

if TYPE_CHECKING:
    from salon_tui.services.checkout_safety import PatchTestWarning
    from salon_tui.services.sales import CartView


def cart_signature(cart: CartView) -> tuple[Any, ...]:
    """What the warnings depend on: the sale, its member and its lines."""
    return (cart.sale_id, cart.member_id, tuple((line.id, line.item_id) for line in cart.lines))


class PatchTestNotice(Static):
    DEFAULT_CSS = """
    PatchTestNotice { height: auto; display: none; }
    """

    class Checked(Message):
        """The cart's patch-test warnings were read (or confirmed)."""

        def __init__(self, warnings: tuple[PatchTestWarning, ...]) -> None:
            super().__init__()
            self.warnings = warnings

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.warnings: tuple[PatchTestWarning, ...] = ()
        self.checked_for: tuple[Any, ...] | None = None
        self.reads = 0  # reads started: only the latest one's answer is shown

    @property
    def waiting(self) -> list[PatchTestWarning]:
        """The warnings the cashier has not confirmed going ahead with."""
        return [warning for warning in self.warnings if not warning.confirmed]

    def check_cart(self, cart: CartView) -> None:
        """Read the warnings again when the sale, its member or its lines changed."""
        signature = cart_signature(cart)
        if signature == self.checked_for:
            return
        if not any(line.kind == "service" for line in cart.lines):
            self.show_warnings((), signature)
            return
        self.checked_for = None
        self.reads += 1
        read = self.reads

        def found(warnings: tuple[PatchTestWarning, ...]) -> None:
            if read == self.reads:  # a later change is being read: this one is stale
                self.show_warnings(warnings, signature)

        self._read(cart, found)

    def _read(self, cart: CartView, done: Callable[[Any], Any]) -> None:
        from salon_tui.services import checkout_safety

        app: Any = self.app
        uow, actor, sale_id = app.uow, app.session_actor, cart.sale_id
        call_service(
            self,
            lambda: checkout_safety.cart_warnings(uow, actor, sale_id),
            done,
            group="patch-tests",
        )

    def show_warnings(
        self, warnings: tuple[PatchTestWarning, ...], signature: tuple[Any, ...]
    ) -> None:
        self.warnings = warnings
        self.checked_for = signature
        lines = []
        for warning in warnings:
            if warning.confirmed:
                lines.append(
                    "[yellow]⚠ "
                    + escape(warning.text())
                    + " · "
                    + _("going ahead, confirmed")
                    + "[/]"
                )
            else:
                lines.append("[b red]⚠ " + escape(warning.text()) + "[/]")
        self.update("\n".join(lines))
        self.display = bool(lines)
        self.post_message(self.Checked(warnings))

    def before_pay(self, cart: CartView, go_on: Callable[[], Any]) -> None:
        """Pay (``go_on``) when nothing waits for a confirmation; otherwise ask first."""
        signature = cart_signature(cart)
        if signature == self.checked_for and not self.waiting:
            go_on()
            return

        def read(found: tuple[PatchTestWarning, ...]) -> None:
            self.show_warnings(found, signature)
            if self.waiting:
                self._ask(cart, go_on)
            else:
                go_on()

        self._read(cart, read)

    def _ask(self, cart: CartView, go_on: Callable[[], Any]) -> None:
        from salon_tui.screens.modals.confirm import ConfirmModal

        question = "\n".join(
            [
                "[b]" + _("Patch test") + "[/b]",
                *("⚠ " + escape(warning.text()) for warning in self.waiting),
                "",
                _(
                    "Tell the client. Go ahead anyway? Your name goes into the audit "
                    "with this sale."
                ),
            ]
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._confirm(cart, go_on)
            else:
                self.notify(
                    _("Not paid: the patch test warning is still open."), severity="warning"
                )

        self.app.push_screen(ConfirmModal(question, _("Go ahead")), answered)

    def _confirm(self, cart: CartView, go_on: Callable[[], Any]) -> None:
        from salon_tui.services import checkout_safety

        app: Any = self.app
        uow, actor, sale_id = app.uow, app.session_actor, cart.sale_id
        signature = cart_signature(cart)

        def confirmed(found: tuple[PatchTestWarning, ...]) -> None:
            self.show_warnings(found, signature)
            go_on()

        call_service(
            self, lambda: checkout_safety.confirm_patch_tests(uow, actor, sale_id), confirmed
        )
