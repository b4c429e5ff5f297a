"""What every screen of the app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen, Screen

from salon_tui.i18n import _
from salon_tui.widgets.devices import SCAN_KIND_LABELS, SCAN_OPENERS, Scanned
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
        """A scan on a screen with no use of its own: open what it names, or say what it is.

        Screens that know better (checkout, cards, bookings …) handle ``Scanned``
        themselves. Textual runs every ``on_scanned`` up the class tree unless a handler
        prevents the default, so this one steps aside for any screen with its own.
        """
        if type(self).on_scanned is not SalonScreen.on_scanned:
            return
        if self.salon.actor is None or self.salon.locked or self.salon.uow is None:
            return
        from salon_tui.services import scans

        uow, actor, code = self.salon.uow, self.salon.actor, message.code
        call_service(
            self, lambda: scans.identify(uow, actor, code), lambda m: self._show_scan(code, m)
        )

    def _show_scan(self, code: str, match: Any) -> None:
        if match is None:
            shown = code.encode("unicode_escape").decode("ascii")
            self.notify(
                _("Scanned {code}: nothing in this shop has that code.").format(code=shown),
                severity="warning",
            )
            return
        opener = SCAN_OPENERS.get(match.kind)
        if opener is not None:
            opener(self.salon, match)
            return
        kind = SCAN_KIND_LABELS.get(match.kind)
        title = f"{_(kind)}: {match.title}" if kind else match.title
        self.notify(match.detail, title=title)


class SalonModal(ModalScreen[Result]):
    """Base of the modal dialogs."""

    @property
    def salon(self) -> SalonApp:
        return cast("SalonApp", self.app)
