"""What every screen of the app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

from salon_tui.i18n import _
from salon_tui.widgets.devices import Scanned, route_scan
from salon_tui.widgets.worker import call_service, show_error, show_unexpected

if TYPE_CHECKING:
    from salon_tui.app import SalonApp

__all__ = ["SalonModal", "SalonScreen", "call_service", "show_error", "show_unexpected"]
Result = TypeVar("Result")


class SalonScreen(Screen[None]):
    """Base of the app's screens."""

    @property
    def salon(self) -> SalonApp:
        return cast("SalonApp", self.app)

    def on_scanned(self, message: Scanned) -> None:
        """A scan on a screen with no use of its own: open what it names, or say so.

        Screens that know better (checkout, members, bookings) handle ``Scanned``
        themselves and stop it.
        """
        if self.salon.actor is None or self.salon.locked:
            return
        if not route_scan(self.salon, message.code):
            self.notify(
                _("Scanned {code}: nothing in this shop has that code.").format(
                    code=message.code.encode("unicode_escape").decode("ascii")
                ),
                severity="warning",
            )


class SalonModal(ModalScreen[Result]):
    """Base of the modal dialogs."""

    @property
    def salon(self) -> SalonApp:
        return cast("SalonApp", self.app)
